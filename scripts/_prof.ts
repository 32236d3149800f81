import { Workspace, analyze } from '../server/src/engine';
(async () => {
  const root = process.argv[2];
  const exclude = process.argv.slice(3);
  const t0 = performance.now();
  const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 2, editorSettings: { exclude } });
  await ws.scan();
  const t1 = performance.now();
  const heap1 = process.memoryUsage().heapUsed >> 20;
  const r = await analyze(ws);
  const t2 = performance.now();
  let n = 0; for (const l of r.findings.values()) n += l.length;
  console.log(`files ${ws.files().length} scan ${Math.round(t1-t0)} ms analyze ${Math.round(t2-t1)} ms findings ${n} analysisCount ${(ws.program as any).analysisCount} heapAfterScan ${heap1} MiB heapAfterAnalyze ${process.memoryUsage().heapUsed >> 20} MiB rss ${process.resourceUsage().maxRSS >> 10} MiB`);
})();
