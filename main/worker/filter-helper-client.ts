/**
 * The decoding worker's side of its filter helper: a second thread that takes
 * part of a display filter's work (filter-helper-pass.ts), started the first
 * time a filter is big enough to share, then kept for the next ones. A job
 * settles with null once the helper answered every candidate it claimed, or
 * with the reason it stopped: the worker then answers the rest itself. A
 * helper that cannot start or that died is not used again.
 */
import { Worker } from 'node:worker_threads';
import type { HelperJob } from './filter-helper-pass.js';
import { threadScript } from './thread-script.js';

export interface HelperRequest {
  readonly type: 'job';
  readonly id: number;
  readonly job: HelperJob;
}

export type HelperReply =
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

export function isHelperRequest(v: unknown): v is HelperRequest {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Partial<HelperRequest>;
  const job = m.job as Partial<HelperJob> | undefined;
  return m.type === 'job' && typeof m.id === 'number' && typeof job === 'object' && job !== null &&
    typeof job.path === 'string' && typeof job.filter === 'string' && job.candidates instanceof Uint32Array &&
    job.cells instanceof Int32Array && job.answers instanceof Uint8Array && Array.isArray(job.comments) &&
    (job.layers === null || job.layers instanceof Uint8Array) && (job.stopAbove === null || typeof job.stopAbove === 'string');
}

function isHelperReply(v: unknown): v is HelperReply {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Partial<{ type: string; id: number; message: string }>;
  return typeof m.id === 'number' && (m.type === 'done' || (m.type === 'failed' && typeof m.message === 'string'));
}

export class FilterHelper {
  private worker: Worker | null = null;
  /** Why the helper is not used (it could not start, or died); null while it is fine. */
  private gone: string | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (problem: string | null) => void>();

  constructor(private readonly script: URL | string | null = threadScript(import.meta.url, 'main/worker', 'filter-helper.js')) {}

  /** False once the helper cannot be used. */
  get usable(): boolean {
    return this.gone === null;
  }

  /** Null when the helper answered every candidate it claimed; else why it stopped. Never rejects. */
  run(job: HelperJob): Promise<string | null> {
    const worker = this.start();
    if (!worker) return Promise.resolve(this.gone);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const request: HelperRequest = { type: 'job', id, job };
      try {
        worker.postMessage(request);
      } catch (e) {
        this.pending.delete(id);
        resolve(`the job could not be sent: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  dispose(): void {
    this.die('the helper was stopped');
  }

  private start(): Worker | null {
    if (this.worker || this.gone) return this.worker;
    if (!this.script) {
      this.gone = 'the helper script is missing (build Paquet first)';
      return null;
    }
    try {
      const worker = new Worker(this.script);
      // Idle between filters: it must not keep the process alive.
      worker.unref();
      worker.on('message', (m: unknown) => this.receive(m));
      worker.on('error', (e: Error) => this.die(`the helper crashed: ${e.message}`));
      worker.on('exit', (code: number) => this.die(`the helper stopped (exit code ${code})`));
      this.worker = worker;
    } catch (e) {
      this.gone = `the helper could not start: ${e instanceof Error ? e.message : String(e)}`;
    }
    return this.worker;
  }

  private receive(m: unknown): void {
    if (!isHelperReply(m)) return;
    const settle = this.pending.get(m.id);
    this.pending.delete(m.id);
    settle?.(m.type === 'done' ? null : m.message);
  }

  private die(reason: string): void {
    this.gone ??= reason;
    const worker = this.worker;
    this.worker = null;
    for (const settle of this.pending.values()) settle(reason);
    this.pending.clear();
    void worker?.terminate();
  }
}
