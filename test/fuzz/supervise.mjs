/**
 * Runs a fuzz target in a worker under a watchdog: no new case for `hangMs`
 * means the current case hangs; the worker is terminated and the input it was
 * working on is returned as a hang. Used by the bounded CI test and by
 * `npm run fuzz`.
 */
import { Worker } from 'node:worker_threads';
import { describeThrown } from './thrown.mjs';

const SHARED_BYTES = 8 + 4 * 1024 * 1024;

/** `worker` is the module to run (worker.mjs; tests pass one that fails on purpose). */
export function runTarget({ target, seed, cases, minutes, slowMs = 2000, hangMs = 20000, heapMiB = 2048, worker: workerUrl = new URL('./worker.mjs', import.meta.url) }) {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const header = new Int32Array(shared, 0, 2);
  const deadline = minutes === undefined ? undefined : Date.now() + minutes * 60_000;
  const worker = new Worker(workerUrl, {
    workerData: { target, seed, cases, deadline, slowMs, shared },
    resourceLimits: { maxOldGenerationSizeMb: heapMiB },
  });
  return new Promise((resolve, reject) => {
    let last = -1;
    let lastChange = Date.now();
    let settled = false;
    const finish = (fn) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      fn();
    };
    const watch = setInterval(() => {
      const now = Atomics.load(header, 0);
      if (now !== last) {
        last = now;
        lastChange = Date.now();
        return;
      }
      if (Date.now() - lastChange < hangMs) return;
      const n = Atomics.load(header, 1);
      const input = new Uint8Array(shared, 8, n).slice();
      void worker.terminate();
      finish(() => resolve({ target, cases: now, crashes: [], slow: [], hang: { case: now, input, ms: Date.now() - lastChange } }));
    }, 250);
    worker.once('message', (result) => finish(() => resolve(result)));
    worker.once('error', (e) => {
      // An exception outside the targets' own try (or the heap limit): that is a crash of the harness run itself.
      // It may be no Error at all (a thrown value, or a worker's DOMException, which reaches here as `{}`).
      const n = Atomics.load(header, 1);
      const input = new Uint8Array(shared, 8, n).slice();
      const error = `fuzz worker failed: ${describeThrown(e)}`;
      finish(() => resolve({ target, cases: Atomics.load(header, 0), crashes: [{ case: Atomics.load(header, 0), input, error }], slow: [] }));
    });
    worker.once('exit', (code) => finish(() => reject(new Error(`fuzz worker for ${target} exited with code ${code} before reporting`))));
  });
}
