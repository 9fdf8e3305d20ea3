/**
 * Time display filters over a big capture in the decoding worker's code
 * (DecoderService in this process): open the file, wait for the first pass,
 * then apply each filter to every indexed packet and report how long it took
 * and how many packets it kept. Run it on a build, not the sources:
 *   node test/filter/bench-filter.mjs [--no-helper] DIST_DIR FILE [FILTER...]
 * (DIST_DIR: the output of `tsc -p tsconfig.json --outDir DIST_DIR`, kept
 * inside the repository so its imports of node_modules resolve, or anywhere
 * with a node_modules symlink to the repository's in it.)
 * One JSON line per filter on stdout.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
// --no-helper: the worker alone, as before the filter helper (for comparison).
const noHelper = args.includes('--no-helper');
const [distDir, file, ...given] = args.filter((a) => a !== '--no-helper');
if (!distDir || !file) {
  process.stderr.write('usage: node bench-filter.mjs DIST_DIR FILE [FILTER...]\n');
  process.exit(2);
}
const FILTERS = given.length > 0 ? given : [
  'tcp.port == 80', 'ip.addr == 10.0.0.0/8', 'websocket', 'http.request.method == "GET"', 'frame.len > 1000',
  'http.request', 'http.response', 'http.request and tcp.port == 80',
];
const dist = (p) => pathToFileURL(join(resolve(distDir), p)).href;
const { DecoderService } = await import(dist('main/worker/decoder-service.js'));

const service = new DecoderService(() => {}, noHelper ? { helperMinCandidates: Infinity } : {});
const t0 = performance.now();
await service.open(resolve(file), {});
// The first pass runs in slices between messages; wait for it (bounded: 20 minutes).
for (let waited = 0; ; waited += 50) {
  const c = service.counts();
  if (c.busy === null && c.packets > 0) break;
  if (waited > 20 * 60_000) throw new Error('indexing did not finish in 20 minutes');
  await new Promise((r) => setTimeout(r, 50));
}
const indexMs = performance.now() - t0;
const packets = service.counts().packets;
process.stdout.write(JSON.stringify({ step: 'index', packets, ms: Math.round(indexMs), rssMb: Math.round(process.memoryUsage().rss / 1e6) }) + '\n');
for (const f of FILTERS) {
  const t = performance.now();
  const check = await service.applyFilter(f);
  const ms = performance.now() - t;
  const kept = service.counts().displayed;
  const helper = { helperAnswered: service.helperAnswered, ...(service.helperProblem ? { helperProblem: service.helperProblem } : {}) };
  process.stdout.write(JSON.stringify({ filter: f, ok: check.ok, kept, ms: Math.round(ms), rssMb: Math.round(process.memoryUsage().rss / 1e6), ...helper }) + '\n');
}
await service.close();
service.dispose();
