/**
 * The bundled language server (dist/server.js) with a heap probe, for `npm run soak`: on SIGUSR2
 * it collects garbage in full and writes `forkguard-heap-probe <live heap bytes>` to stderr.
 * The server's RSS alone cannot tell a leak from V8 keeping the heap it grew to, and a soak must
 * tell them apart. Not part of the product: `--expose-gc` is set here, for this process only.
 */
const v8 = require('node:v8');
const vm = require('node:vm');
const path = require('node:path');

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');
process.on('SIGUSR2', () => {
  collectGarbage();
  process.stderr.write(`forkguard-heap-probe ${process.memoryUsage().heapUsed}\n`);
});
require(path.join(__dirname, '..', 'dist', 'server.js')).main();
