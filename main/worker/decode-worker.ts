/**
 * The decoding worker's entry (a worker_threads script, started by
 * DecoderClient): it owns a DecoderService and turns each call message into a
 * method call, answering with the value or a DecoderError's code and message.
 * Nothing thrown here reaches the main thread as an exception; a bug becomes an
 * 'internal' error on the call that met it.
 */
import { parentPort } from 'node:worker_threads';
import { DecoderError, type DecoderErrorCode } from './decoder-api.js';
import { DecoderService } from './decoder-service.js';
import { isCallMessage, type CallMessage, type WorkerMessage } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('decode-worker.js runs as a worker thread (started by DecoderClient)');

const send = (m: WorkerMessage): void => port.postMessage(m);
const service = new DecoderService((counts) => send({ type: 'counts', counts }));

async function call(m: CallMessage): Promise<unknown> {
  const a = m.args;
  switch (m.method) {
    case 'open': return service.open(a[0], a[1]);
    case 'stopFollowing': return service.stopFollowing();
    case 'close': return service.close();
    case 'counts': return service.counts();
    case 'rows': return service.rows(a[0], a[1]);
    case 'indexOf': return service.indexOf(a[0]);
    case 'sort': return service.sort(a[0]);
    case 'find': return service.find(a[0]);
    case 'checkFilter': return service.checkFilter(a[0]);
    case 'applyFilter': return service.applyFilter(a[0]);
    case 'detail': return service.detail(a[0]);
    case 'setComment': return service.setComment(a[0], a[1]);
    case 'tcpdump': return service.tcpdump(a[0], a[1], a[2]);
    case 'followTcp': return service.followTcp(a[0]);
    case 'wsConversations': return service.wsConversations();
    case 'wsMessages': return service.wsMessages(a[0]);
    case 'wsExport': return service.wsExport(a[0]);
    case 'save': return service.save(a[0], a[1]);
  }
}

function errorReply(id: number, e: unknown): WorkerMessage {
  const code: DecoderErrorCode = e instanceof DecoderError ? e.code : 'internal';
  const message = e instanceof DecoderError ? e.message : `The decoder failed: ${e instanceof Error ? e.message : String(e)}`;
  return { type: 'error', id, error: { code, message } };
}

port.on('message', (m: unknown) => {
  if (!isCallMessage(m)) return;
  call(m).then(
    (value) => send({ type: 'reply', id: m.id, value }),
    (e: unknown) => send(errorReply(m.id, e)),
  ).catch((e: unknown) => {
    // The value could not be posted (not cloneable): say so on the same call.
    send(errorReply(m.id, e));
  });
});
