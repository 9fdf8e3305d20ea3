/**
 * The filter helper's entry (a worker_threads script the decoding worker starts,
 * see filter-helper-client.ts): it runs the jobs it is sent one after another
 * (helpFilter) and answers each with `done` or `failed` and a message. The
 * answers themselves are written into the job's shared memory.
 */
import { parentPort } from 'node:worker_threads';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { helpFilter, type HelperJob } from './filter-helper-pass.js';
import { isHelperRequest, type HelperReply } from './filter-helper-client.js';

const port = parentPort;
if (!port) throw new Error('filter-helper.js runs as a worker thread (started by the decoding worker)');

const registry = defaultRegistry();
const send = (m: HelperReply): void => port.postMessage(m);
let queue: Promise<void> = Promise.resolve();

port.on('message', (m: unknown) => {
  if (!isHelperRequest(m)) return;
  const job: HelperJob = m.job;
  queue = queue.then(() => helpFilter(job, registry)).then(
    () => send({ type: 'done', id: m.id }),
    (e: unknown) => send({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) }),
  );
});
