/**
 * One fuzzing run in a worker thread. Before each case it writes the case
 * number and the input's bytes to shared memory, so the parent can stop a
 * case that hangs (a worker can be terminated even in a busy loop) and still
 * hold the input that hung.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz } from './engine.mjs';
import { describeThrown } from './thrown.mjs';

const { target, seed, cases, deadline, slowMs, shared } = workerData;
const header = new Int32Array(shared, 0, 2); // [case number, input length]
const body = new Uint8Array(shared, 8);

try {
  run();
} catch (e) {
  // Node passes only an Error across to the parent whole; a DOMException (a
  // DataCloneError from postMessage) arrives there as an empty object.
  throw new Error(`fuzz worker for ${target}: ${describeThrown(e)}`);
}

function run() {
  const result = fuzz({
    target,
    seed,
    cases,
    deadline,
    slowMs,
    beforeCase(i, bytes) {
      if (bytes instanceof Uint8Array) {
        const n = Math.min(bytes.length, body.length);
        body.set(bytes.subarray(0, n));
        Atomics.store(header, 1, n);
      }
      Atomics.store(header, 0, i);
    },
  });
  // The inputs recorded are bytes (see engine.mjs), which structured clone copies.
  parentPort.postMessage(result);
}
