/** Hand-made findings for the adapter unit tests (the engine is exercised by the protocol tests). */
import type { Finding, Fix, Range } from '../../server/src/model';

export function range(line: number, character: number, endLine: number, endCharacter: number): Range {
  return { start: { line, character }, end: { line: endLine, character: endCharacter } };
}

export function insertFix(file: string, line: number, text: string, preferred: boolean, title = `insert ${text.trim()}`): Fix {
  return { title, preferred, safe: true, edits: [{ file, range: range(line, 0, line, 0), newText: text }] };
}

export function poolFinding(file: string, overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'FG001',
    name: 'pool-before-fork',
    severity: 'warning',
    file,
    range: range(4, 6, 4, 15),
    message: 'ThreadPoolExecutor `EXECUTOR` is alive when os.fork() runs.',
    related: [{ file: '/ws/app/pools.py', range: range(2, 11, 2, 42), message: 'created here' }],
    fixes: [],
    ...overrides,
  };
}
