import { CLIENT_COMMANDS } from './commands';

/** The part of a `workspace/executeCommand` registration the language client reads. */
export interface CommandRegistration {
  registerOptions?: { commands?: string[] } & Record<string, unknown>;
}

/**
 * A registration of the server's commands without the ids the extension registers itself. The
 * language client registers a VS Code command for every command a server advertises, and a second
 * registration of an existing id throws, which would make the server start fail.
 */
export function withoutClientCommands<T extends CommandRegistration>(data: T, owned: ReadonlySet<string> = CLIENT_COMMANDS): T {
  const commands = data.registerOptions?.commands ?? [];
  return { ...data, registerOptions: { ...data.registerOptions, commands: commands.filter((command) => !owned.has(command)) } };
}
