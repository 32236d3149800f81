/**
 * A document opened before anything was parsed (an editor restoring its tabs while the server
 * starts). Its own file, so that no earlier test in the process has initialised the parser.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { analyze, Workspace } from '../../server/src/engine';

const root = mkdtempSync(join(tmpdir(), 'fg-open-first-'));
after(() => rmSync(root, { recursive: true, force: true }));

it('accepts a document opened before the first scan', async () => {
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app/__init__.py'), '');
  writeFileSync(join(root, 'app/pools.py'), 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = ThreadPoolExecutor(max_workers=4)\n');
  writeFileSync(join(root, 'main.py'), 'import os\nfrom app import pools\n\nos.fork()\n');
  const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
  const main = join(root, 'main.py');
  ws.openDocument(main, ws.text(main)!, 1);
  await ws.scan();
  const findings = (await analyze(ws)).findings.get(main)!;
  assert.deepEqual(findings.map((f) => [f.rule, f.range.start.line]), [['FG001', 3]]);
});
