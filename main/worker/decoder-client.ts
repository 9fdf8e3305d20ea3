/**
 * The main thread's side of the decoding worker: DecoderApi's methods become
 * messages to decode-worker.js (a worker_thread) and its replies settle them.
 * If the worker dies (a crash, out of memory, terminate()), every pending call
 * rejects with DecoderError('internal') and so does every later one: a caller
 * never waits on a worker that is gone.
 *
 * Where the worker script is found (see workerScript()):
 * - the built app: decode-worker.js next to this file (dist/main/worker/);
 * - tests: vitest runs this file from its TypeScript source, and Node 20's
 *   worker_threads cannot run TypeScript (no type stripping, and the sources
 *   import `.js` names), so the compiled worker under dist/main/worker/ is used.
 *   `tsc -p tsconfig.json` must have run first: test/run.mjs does it before
 *   vitest; run it by hand before `npx vitest run test/worker`.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  FilterCheck, FindQuery, PacketDetail, Row, SortOrder, TcpStream, TcpdumpBlock, TcpdumpMode, ViewState,
  WsConversationSummary, WsMessage,
} from '../../shared/ipc/contract.js';
import { DecoderError, type DecoderApi, type DecoderCounts, type OpenedCapture } from './decoder-api.js';
import { threadScript } from './thread-script.js';
import { isWorkerMessage, type CallMessage, type DecoderMethod, type MethodArgs, type MethodResult, type WorkerMessage } from './protocol.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: DecoderError): void;
}

/** The compiled worker script: next to this file when compiled, else (running from sources) under dist/. */
export function workerScript(): URL {
  const script = threadScript(import.meta.url, 'main/worker', 'decode-worker.js');
  if (script) return script;
  throw new DecoderError('internal', `The decoding worker is missing (${fileURLToPath(new URL('./decode-worker.js', import.meta.url))}): build Paquet first (npm run build).`);
}

export class DecoderClient implements DecoderApi {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((c: DecoderCounts) => void)[] = [];
  /** Set once the worker is gone; every call then rejects with it. */
  private dead: DecoderError | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: unknown) => this.receive(m));
    worker.on('error', (e: Error) => this.die(`The decoding worker crashed: ${e.message}`));
    worker.on('messageerror', (e: Error) => this.die(`A message from the decoding worker could not be read: ${e.message}`));
    worker.on('exit', (code: number) => this.die(`The decoding worker stopped (exit code ${code}).`));
  }

  /** Spawn the worker. `script` overrides where it is found (tests, packaging). */
  static start(script: URL | string = workerScript()): DecoderClient {
    return new DecoderClient(new Worker(script));
  }

  open(path: string, options: { follow: boolean }): Promise<OpenedCapture> { return this.call('open', [path, options]); }
  stopFollowing(): Promise<void> { return this.call('stopFollowing', []); }
  close(): Promise<void> { return this.call('close', []); }
  counts(): Promise<DecoderCounts> { return this.call('counts', []); }
  onCounts(listener: (c: DecoderCounts) => void): void { this.listeners.push(listener); }
  rows(from: number, count: number): Promise<Row[]> { return this.call('rows', [from, count]); }
  indexOf(num: number): Promise<number> { return this.call('indexOf', [num]); }
  sort(order: SortOrder | null): Promise<void> { return this.call('sort', [order]); }
  find(query: FindQuery): Promise<{ index: number; num: number } | null> { return this.call('find', [query]); }
  checkFilter(text: string): Promise<FilterCheck> { return this.call('checkFilter', [text]); }
  applyFilter(text: string): Promise<FilterCheck> { return this.call('applyFilter', [text]); }
  detail(num: number): Promise<PacketDetail> { return this.call('detail', [num]); }
  setComment(num: number, comment: string): Promise<PacketDetail> { return this.call('setComment', [num, comment]); }
  tcpdump(from: number, count: number, mode: TcpdumpMode): Promise<TcpdumpBlock[]> { return this.call('tcpdump', [from, count, mode]); }
  followTcp(stream: number): Promise<TcpStream> { return this.call('followTcp', [stream]); }
  wsConversations(): Promise<WsConversationSummary[]> { return this.call('wsConversations', []); }
  wsMessages(id: number): Promise<WsMessage[]> { return this.call('wsMessages', [id]); }
  wsExport(id: number): Promise<string> { return this.call('wsExport', [id]); }
  save(path: string, options: { which: 'all' | 'displayed'; view: ViewState | null }): Promise<void> { return this.call('save', [path, options]); }

  async terminate(): Promise<void> {
    this.die('The decoding worker was stopped.');
    await this.worker.terminate();
  }

  private call<M extends DecoderMethod>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<MethodResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const message: CallMessage = { type: 'call', id, method, args };
      try {
        this.worker.postMessage(message);
      } catch (e) {
        this.pending.delete(id);
        reject(new DecoderError('bad-argument', `The request could not be sent to the decoder: ${(e as Error).message}`));
      }
    });
  }

  private receive(m: unknown): void {
    if (!isWorkerMessage(m)) return;
    const msg: WorkerMessage = m;
    if (msg.type === 'counts') {
      for (const l of this.listeners) {
        try {
          l(msg.counts);
        } catch (e) {
          // A listener's bug must not stop the others or the replies.
          console.error('DecoderClient: a counts listener failed:', e);
        }
      }
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.type === 'reply') p.resolve(msg.value);
    else p.reject(new DecoderError(msg.error.code, msg.error.message));
  }

  private die(message: string): void {
    if (this.dead) return;
    this.dead = new DecoderError('internal', message);
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
  }
}
