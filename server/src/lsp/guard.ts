/**
 * Handler wrapping: an exception in one handler is logged and answered with a fallback, never
 * allowed to take the server down.
 */
export type Logger = (message: string) => void;

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

export function guarded<Args extends unknown[], Result>(
  log: Logger,
  what: string,
  fallback: Result,
  handler: (...args: Args) => Result | Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (error) {
      log(`${what} failed: ${describeError(error)}`);
      return fallback;
    }
  };
}
