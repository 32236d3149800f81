/**
 * What ForkGuard knows about eventlet for the migration inventory (rules FG101-FG109): which
 * qualified names are eventlet APIs, what kind of usage each is, and what native code replaces it.
 * Pure data, matched by resolved qualified name (never by spelling).
 *
 * A qualified name ending in `.*` covers every member below that prefix (`eventlet.green.*`
 * matches `eventlet.green.threading.Lock`); `{member}` in the replacement text is then the matched
 * rest (`threading.Lock`). Exact names win over prefixes, longer prefixes over shorter ones.
 */

export type EventletKind =
  | 'import'
  | 'monkey-patch'
  | 'green-pool'
  | 'spawn'
  | 'sleep'
  | 'timeout'
  | 'tpool'
  | 'green-primitive'
  | 'wsgi';

export interface EventletApi {
  qualnames: string[];
  kind: EventletKind;
  /** The native replacement, as Markdown-ish text for messages (may hold `{member}`). */
  replacement: string;
}

const EXECUTOR = '`futurist.ThreadPoolExecutor` or `concurrent.futures.ThreadPoolExecutor`';

/** Calls (and constructions) of eventlet APIs. Imports are described by EVENTLET_MODULES. */
export const EVENTLET_APIS: readonly EventletApi[] = [
  {
    qualnames: ['eventlet.monkey_patch', 'eventlet.patcher.monkey_patch', 'eventlet.patcher.import_patched', 'eventlet.import_patched'],
    kind: 'monkey-patch',
    replacement: 'nothing: native threads use the standard library unpatched, so remove the call',
  },
  {
    qualnames: ['eventlet.GreenPool', 'eventlet.greenpool.GreenPool', 'eventlet.GreenPile', 'eventlet.greenpool.GreenPile'],
    kind: 'green-pool',
    replacement: `a ${EXECUTOR} with a deliberate \`max_workers\` (\`waitall()\` becomes \`concurrent.futures.wait(futures, timeout=...)\`)`,
  },
  {
    qualnames: ['eventlet.spawn', 'eventlet.greenthread.spawn', 'eventlet.spawn_n', 'eventlet.greenthread.spawn_n'],
    kind: 'spawn',
    replacement: `\`executor.submit(fn, ...)\` on a ${EXECUTOR} (or \`threading.Thread(target=fn).start()\`)`,
  },
  {
    qualnames: ['eventlet.spawn_after', 'eventlet.greenthread.spawn_after', 'eventlet.spawn_after_local', 'eventlet.greenthread.spawn_after_local'],
    kind: 'spawn',
    replacement: '`threading.Timer(seconds, fn).start()`',
  },
  {
    qualnames: ['eventlet.sleep', 'eventlet.greenthread.sleep', 'eventlet.green.time.sleep'],
    kind: 'sleep',
    replacement: '`time.sleep(seconds)` (a `sleep(0)` that only yields to other green threads can go)',
  },
  {
    qualnames: ['eventlet.Timeout', 'eventlet.timeout.Timeout', 'eventlet.with_timeout', 'eventlet.timeout.with_timeout'],
    kind: 'timeout',
    replacement:
      'a deadline the blocking call takes itself (`future.result(timeout=...)`, `concurrent.futures.wait(..., timeout=...)`, a socket or driver timeout): a native thread cannot be interrupted from outside',
  },
  {
    qualnames: ['eventlet.tpool.*'],
    kind: 'tpool',
    replacement: `a direct call (native threads do not block each other on I/O), or \`executor.submit(fn, ...)\` on a ${EXECUTOR}`,
  },
  {
    qualnames: ['eventlet.semaphore.Semaphore', 'eventlet.Semaphore'],
    kind: 'green-primitive',
    replacement: '`threading.Semaphore`',
  },
  {
    qualnames: ['eventlet.semaphore.BoundedSemaphore', 'eventlet.BoundedSemaphore', 'eventlet.semaphore.CappedSemaphore'],
    kind: 'green-primitive',
    replacement: '`threading.BoundedSemaphore`',
  },
  { qualnames: ['eventlet.lock.Lock'], kind: 'green-primitive', replacement: '`threading.Lock`' },
  { qualnames: ['eventlet.event.Event', 'eventlet.Event'], kind: 'green-primitive', replacement: '`threading.Event` (or a `concurrent.futures.Future` for a result)' },
  { qualnames: ['eventlet.corolocal.local'], kind: 'green-primitive', replacement: '`threading.local`' },
  { qualnames: ['eventlet.queue.*'], kind: 'green-primitive', replacement: 'the standard library `queue` (`queue.{member}`)' },
  { qualnames: ['eventlet.Queue', 'eventlet.LightQueue'], kind: 'green-primitive', replacement: '`queue.Queue`' },
  { qualnames: ['eventlet.green.*'], kind: 'green-primitive', replacement: 'the standard library `{member}`' },
  { qualnames: ['eventlet.listen', 'eventlet.convenience.listen'], kind: 'green-primitive', replacement: '`socket.create_server(...)`' },
  { qualnames: ['eventlet.connect', 'eventlet.convenience.connect'], kind: 'green-primitive', replacement: '`socket.create_connection(...)` (with a timeout)' },
  {
    qualnames: ['eventlet.wsgi.*', 'eventlet.serve', 'eventlet.convenience.serve'],
    kind: 'wsgi',
    replacement: 'a WSGI server on native threads or processes (uWSGI, gunicorn `gthread` workers, cheroot)',
  },
];

/** Replacements named when a module is imported (longest matching module prefix wins). */
export const EVENTLET_MODULES: readonly { module: string; replacement: string }[] = [
  { module: 'eventlet', replacement: 'native threads: `concurrent.futures` or `futurist` executors, `threading`, `queue` and `time`' },
  { module: 'eventlet.green', replacement: 'the standard library modules themselves' },
  { module: 'eventlet.green.*', replacement: 'the standard library `{member}`' },
  { module: 'eventlet.queue', replacement: 'the standard library `queue`' },
  { module: 'eventlet.semaphore', replacement: '`threading` semaphores' },
  { module: 'eventlet.event', replacement: '`threading.Event`' },
  { module: 'eventlet.tpool', replacement: 'direct calls or an executor' },
  { module: 'eventlet.wsgi', replacement: 'a WSGI server on native threads or processes' },
];

export interface EventletMatch {
  kind: EventletKind;
  /** The replacement text with `{member}` filled in. */
  replacement: string;
}

/**
 * The eventlet API a resolved qualified name denotes, or undefined. Names that contain `()`
 * (a method called on an eventlet object: `eventlet.GreenPool().spawn`) are not APIs of their own:
 * the inventory counts where eventlet objects are made, not every use of them.
 */
export function matchEventletApi(qualname: string): EventletMatch | undefined {
  if (!qualname.startsWith('eventlet.') || qualname.includes('(')) return undefined;
  const exact = EVENTLET_APIS.find((api) => api.qualnames.includes(qualname));
  if (exact) return { kind: exact.kind, replacement: exact.replacement };
  let best: { api: EventletApi; prefix: string } | undefined;
  for (const api of EVENTLET_APIS) {
    for (const name of api.qualnames) {
      if (!name.endsWith('.*')) continue;
      const prefix = name.slice(0, -1); // keeps the dot: `eventlet.green.`
      if (qualname.startsWith(prefix) && qualname.length > prefix.length && (!best || prefix.length > best.prefix.length)) best = { api, prefix };
    }
  }
  if (!best) return undefined;
  return { kind: best.api.kind, replacement: fillMember(best.api.replacement, qualname.slice(best.prefix.length)) };
}

/** Whether an absolute module name is eventlet or one of its submodules. */
export function isEventletModule(module: string): boolean {
  return module === 'eventlet' || module.startsWith('eventlet.');
}

/** The replacement named for an import of an eventlet module (the most specific entry). */
export function eventletModuleReplacement(module: string): string {
  let best = { specificity: -1, text: EVENTLET_MODULES[0].replacement };
  for (const entry of EVENTLET_MODULES) {
    const match = matchModulePattern(entry.module, module);
    if (match && match.specificity > best.specificity) best = { specificity: match.specificity, text: fillMember(entry.replacement, match.member) };
  }
  return best.text;
}

/** `eventlet.queue` covers itself and its submodules; `eventlet.green.*` the modules below it. */
function matchModulePattern(pattern: string, module: string): { specificity: number; member: string } | undefined {
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return module.startsWith(prefix) && module.length > prefix.length ? { specificity: prefix.length, member: module.slice(prefix.length) } : undefined;
  }
  return module === pattern || module.startsWith(`${pattern}.`) ? { specificity: pattern.length, member: '' } : undefined;
}

function fillMember(text: string, member: string): string {
  return text.replace(/\{member\}/g, member);
}
