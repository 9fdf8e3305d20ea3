/**
 * The decoding worker as the app runs it (the compiled decode-worker.js, found
 * through PAQUET_BENCH_DIST), plus one extra message for the benchmark: asked
 * `{type: 'bench-heap'}`, it collects garbage (when the process runs with
 * --expose-gc) and answers with this thread's own V8 heap figures. Node 20 has
 * no Worker.getHeapStatistics() from the outside, hence this wrapper.
 * DecoderClient ignores the answer (not one of its message types); the probe
 * listens for it on the Worker itself.
 */
import { parentPort } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.PAQUET_BENCH_DIST;
if (!dist || !parentPort) throw new Error('app-heap-worker.mjs runs as a worker thread started by app-worker-probe.mjs');
await import(pathToFileURL(join(resolve(dist), 'main/worker/decode-worker.js')).href);

const port = parentPort;
port.on('message', (m) => {
  if (m?.type !== 'bench-heap') return;
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const h = getHeapStatistics();
  const mu = process.memoryUsage();
  port.postMessage({
    type: 'bench-heap',
    heapUsed: h.used_heap_size,
    heapTotal: h.total_heap_size,
    external: h.external_memory ?? mu.external,
    arrayBuffers: mu.arrayBuffers,
    rss: mu.rss,
  });
});
