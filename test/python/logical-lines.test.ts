/**
 * LogicalLines after an edit, rescanning only from the edited logical line to the first logical
 * line start past the edit, must equal LogicalLines of the whole new text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, LogicalLines, type LineEdit } from '../../server/src/python/source-text';
import { ruleFixtureSources } from './helpers';
import { seededRandom } from '../robustness/random';

function table(logical: LogicalLines, count: number): string[] {
  return Array.from({ length: count }, (_, line) => `${line}: ${logical.startOf(line)}-${logical.endOf(line)}`);
}

/** What may open or close a logical line: brackets, quotes, triple quotes, backslashes, comments. */
const SNIPPETS = ['(', ')', '[', ']', '{', '}', '"', "'", '"""', "'''", '\\', '\\\n', '#', '\n', 'x', ' = f(\n    a,\n', ')\n', 'y = """doc\n\nmore"""\n', ''];

describe('LogicalLines after an edit', () => {
  it('equals a scan of the whole new text, after each of 400 random edits (seeded)', () => {
    const next = seededRandom(7);
    let text = ruleFixtureSources().slice(0, 30).join('\n');
    let lines = new LineIndex(text);
    let logical = new LogicalLines(lines);
    for (let i = 0; i < 400; i++) {
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + (next() < 0.3 ? Math.floor(next() * 40) : 0));
      const inserted = SNIPPETS[Math.floor(next() * SNIPPETS.length)];
      const startLine = lines.lineOf(start);
      const oldEndLine = lines.lineOf(end);
      const newEndLine = startLine + inserted.split('\n').length - 1;
      text = text.slice(0, start) + inserted + text.slice(end);
      lines = new LineIndex(text);
      const edit: LineEdit = { startLine, oldEndLine, newEndLine };
      const incremental = new LogicalLines(lines, { previous: logical, edit });
      const fresh = new LogicalLines(lines);
      assert.deepEqual(table(incremental, lines.lineCount), table(fresh, lines.lineCount), `edit ${i}: ${JSON.stringify({ start, end, inserted })}`);
      logical = incremental;
    }
  });
});
