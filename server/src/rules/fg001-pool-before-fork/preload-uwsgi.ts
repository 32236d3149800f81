/**
 * uWSGI without `lazy-apps`: it loads the application once (the `module` or `wsgi-file` of the
 * `[uwsgi]` section of an ini file) and forks the workers from that process. Read from the
 * workspace's service config files (`*.ini`). The finding sits on the line naming the app.
 *
 * No suppression fix is offered: uWSGI does not strip a trailing comment from an option's value,
 * so `module = svc.wsgi  # forkguard: ignore` would change the module name.
 */
import * as path from 'node:path';
import type { Fix, Range } from '../../model';
import { UWSGI_INI } from '../../catalog/python';
import type { FunctionRef } from '../../python/callgraph';
import type { PyProgram } from '../../python/program';
import type { PreloadedApp } from './preload';
import { releaseText } from './preload-gunicorn';

/** One `key = value` option of the `[uwsgi]` section. */
interface IniOption {
  key: string;
  value: string;
  line: number;
  /** Leading whitespace of the line. */
  indent: string;
  /** From the key's first character to the value's last. */
  range: Range;
}

/** What an ini file's `[uwsgi]` section says about loading the app; undefined without one. */
export interface UwsgiSettings {
  file: string;
  /** `svc.wsgi` of `module = svc.wsgi:application`, or the module of `wsgi-file`. */
  appModule: string;
  appOption: IniOption;
  /** `lazy-apps` (or `lazy`) is on: each worker loads the app after the fork. */
  lazy: boolean;
  /** A master or several processes: workers are forked. */
  forks: boolean;
  eol: string;
}

export function findUwsgiPreloads(program: PyProgram, configFiles: ReadonlyMap<string, string> | undefined): PreloadedApp[] {
  const apps: PreloadedApp[] = [];
  for (const [file, text] of [...(configFiles ?? new Map<string, string>())].sort(([a], [b]) => a.localeCompare(b))) {
    if (path.extname(file) !== '.ini') continue;
    const settings = readUwsgiIni(file, text, (wsgiFile) => program.moduleName(wsgiFile));
    if (settings && settings.forks && !settings.lazy) apps.push(preloadedApp(program, settings));
  }
  return apps;
}

/** Reads the `[uwsgi]` section; `moduleOfFile` names the module of a `wsgi-file` path. */
export function readUwsgiIni(file: string, text: string, moduleOfFile: (absolute: string) => string | undefined): UwsgiSettings | undefined {
  const options = uwsgiOptions(text);
  if (options.length === 0) return undefined;
  const last = (keys: readonly string[]): IniOption | undefined => options.filter((o) => keys.includes(o.key)).pop();
  const isTrue = (option: IniOption | undefined): boolean => option !== undefined && (UWSGI_INI.trueValues as readonly string[]).includes(option.value.toLowerCase());

  let appOption = last(UWSGI_INI.moduleOptions);
  let appModule = appOption ? /^([A-Za-z_][\w.]*)(?::[A-Za-z_]\w*)?$/.exec(appOption.value)?.[1] : undefined;
  if (!appModule) {
    appOption = last(UWSGI_INI.fileOptions);
    const chdir = last([UWSGI_INI.chdirOption])?.value;
    const base = chdir ? path.resolve(path.dirname(file), chdir) : path.dirname(file);
    appModule = appOption ? moduleOfFile(path.resolve(base, appOption.value)) : undefined;
  }
  if (!appOption || !appModule) return undefined;
  const workers = Math.max(1, ...options.filter((o) => (UWSGI_INI.workerOptions as readonly string[]).includes(o.key)).map((o) => Number(o.value) || 1));
  return {
    file,
    appModule,
    appOption,
    lazy: UWSGI_INI.lazyOptions.some((key) => isTrue(last([key]))),
    forks: isTrue(last([UWSGI_INI.masterOption])) || workers > 1,
    eol: /\r\n/.test(text) ? '\r\n' : '\n',
  };
}

/** The options of every `[uwsgi]` section, in order; keys normalised (`lazy_apps` is `lazy-apps`). */
function uwsgiOptions(text: string): IniOption[] {
  const options: IniOption[] = [];
  let inSection = false;
  text.split(/\r\n|\r|\n/).forEach((raw, line) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const section = /^\[([^\]]*)\]/.exec(trimmed);
    if (section) {
      inSection = section[1].trim() === 'uwsgi';
      return;
    }
    const option = /^(\s*)([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!inSection || !option) return;
    const start = option[1].length;
    const end = raw.trimEnd().length;
    options.push({ key: option[2].replace(/_/g, '-').toLowerCase(), value: option[3], line, indent: option[1], range: { start: { line, character: start }, end: { line, character: end } } });
  });
  return options;
}

function preloadedApp(program: PyProgram, settings: UwsgiSettings): PreloadedApp {
  return {
    server: 'uWSGI',
    file: settings.file,
    range: settings.appOption.range,
    appModule: settings.appModule,
    appRange: settings.appOption.range,
    resetHooks: postForkFunctions(program),
    advice: (pools) => `Set \`lazy-apps = true\`, or release ${releaseText(pools)} in a \`@postfork\` function (uwsgidecorators).`,
    fixes: () => [lazyAppsFix(settings)],
  };
}

/** Module-level functions decorated with uwsgidecorators' `@postfork`: uWSGI runs them in each worker. */
function postForkFunctions(program: PyProgram): FunctionRef[] {
  const hooks: FunctionRef[] = [];
  for (const file of program.files()) {
    program.facts(file)?.scopes.forEach((scope, index) => {
      if (scope.kind !== 'function' || scope.parent !== 0) return;
      const decorated = scope.decorators.some((decorator) => {
        const value = program.callGraph.valueOf(file, 0, decorator, Number.MAX_SAFE_INTEGER);
        return value.k === 'external' && (UWSGI_INI.postForkDecorators as readonly string[]).includes(value.qname);
      });
      if (decorated) hooks.push({ file, scope: index });
    });
  }
  return hooks;
}

/** `lazy-apps = true` on its own line right after the option naming the app. */
function lazyAppsFix(settings: UwsgiSettings): Fix {
  const line = settings.appOption.line;
  const at = { line, character: settings.appOption.range.end.character };
  return {
    title: 'Set `lazy-apps = true` (each worker loads the app after the fork)',
    edits: [{ file: settings.file, range: { start: at, end: at }, newText: `${settings.eol}${settings.appOption.indent}lazy-apps = true` }],
    preferred: true,
    safe: false,
  };
}
