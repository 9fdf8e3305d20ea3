/**
 * `paquet read` on two cores: for the plain summary of a big file, one thread
 * per core (read-split-worker.ts) reads the whole file and dissects the packets
 * of its part of the conversations (conversation-split.ts); this thread merges
 * their lines back into frame order and writes them. The output is the same as
 * one thread's, byte for byte (test/cli/read-split.test.ts compares them over
 * every shared capture): a conversation's state lives whole in one thread, and
 * every thread counts every frame, so numbers and times are the file's.
 *
 * At the first packet that cannot be split (a fragment, a tunnel, an ICMP
 * error, a link layer not read), or if a thread fails, the threads stop and
 * readSplit() says how far the output went: the caller dissects the file again
 * from the start in one thread, printing from there on.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CaptureWarning } from '../../shared/capture/types.js';
import type { ReadOptions } from './args.js';
import type { BufferedOutput } from './output.js';
import { threadScript } from '../worker/thread-script.js';

/** Frames of the file per chunk: every thread posts a chunk for the same frames. */
export const CHUNK_FRAMES = 4096;
/** Chunks a thread may post before the merge has taken them (memory stays bounded with a slow reader). */
export const CHUNKS_AHEAD = 8;
/** The control cell where this thread counts the chunks it merged. */
export const CONSUMED = 0;
/** Files smaller than this are read in one thread: starting two costs more than they save. */
const SPLIT_MIN_BYTES = 16 << 20;
const PARTS = 2;

export interface SplitJob {
  readonly argv: readonly string[];
  readonly part: number;
  readonly parts: number;
  readonly control: Int32Array;
}

export function isSplitJob(v: unknown): v is SplitJob {
  if (typeof v !== 'object' || v === null) return false;
  const j = v as Partial<SplitJob>;
  return Array.isArray(j.argv) && typeof j.part === 'number' && typeof j.parts === 'number' && j.control instanceof Int32Array;
}

/** What a chunk holds: the frames printed (ascending), where each one's text ends in `bytes`. */
export interface Chunk {
  /** The chunk covers the file's frames up to this one. */
  readonly lastFrame: number;
  readonly frames: Uint32Array;
  readonly ends: Uint32Array;
  readonly bytes: Uint8Array;
}

export type SplitMessage =
  | ({ readonly type: 'chunk'; readonly seq: number } & Chunk)
  | { readonly type: 'unsplittable'; readonly frame: number }
  | { readonly type: 'end'; readonly frames: number; readonly problem?: CaptureWarning }
  | { readonly type: 'failed'; readonly message: string };

/** What PacketPrinter writes to in a thread of a split read: text gathered by frame. */
export class ChunkOutput {
  private buf = Buffer.allocUnsafe(1 << 16);
  private size = 0;
  private frames: number[] = [];
  private ends: number[] = [];
  private started = false;

  /** The text written from now on is frame `num`'s. */
  frame(num: number): void {
    this.started = true;
    this.frames.push(num);
    this.ends.push(this.size);
  }

  write(text: string): void {
    // Before the first frame: the printer's preamble, which the main thread wrote already.
    if (!this.started) return;
    this.room(text.length * 3);
    this.size += this.buf.write(text, this.size);
    this.ends[this.ends.length - 1] = this.size;
  }

  line(text: string): void {
    this.room(text.length * 3 + 1);
    this.size += this.buf.write(text, this.size);
    this.buf[this.size++] = 0x0a;
    this.ends[this.ends.length - 1] = this.size;
  }

  /** What was gathered, as a chunk ending at frame `lastFrame`; starts a new one. */
  take(lastFrame: number): Chunk {
    const chunk = { lastFrame, frames: Uint32Array.from(this.frames), ends: Uint32Array.from(this.ends), bytes: new Uint8Array(this.buf.subarray(0, this.size)) };
    this.frames = [];
    this.ends = [];
    this.size = 0;
    return chunk;
  }

  private room(bytes: number): void {
    if (this.size + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.size + bytes));
    this.buf.copy(bigger, 0, 0, this.size);
    this.buf = bigger;
  }
}

/** How `paquet read` chooses: PAQUET_READ_THREADS=1 never splits, =2 splits whatever the size; unset: big files, 2+ cores. */
export type SplitChoice = 'auto' | 'always' | 'never';

export function splitChoice(env: NodeJS.ProcessEnv = process.env): SplitChoice {
  const v = env.PAQUET_READ_THREADS;
  return v === '1' ? 'never' : v === '2' ? 'always' : 'auto';
}

/**
 * Whether the output asked for can be split: one summary line a packet, its Time column from
 * the packet and the file's first and previous frames (not the previous shown one), every packet.
 */
export function splittable(opts: ReadOptions, tcpdump: boolean, fileBytes: number, choice: SplitChoice, filterFields: Iterable<string> = []): boolean {
  if (choice === 'never' || tcpdump) return false;
  const lines = (opts.format === 'text' && !opts.details && !opts.hex) || opts.format === 'fields';
  if (!lines || opts.count !== undefined || opts.timeFormat === 'dd' || opts.file === '-') return false;
  for (const name of [...opts.fields, ...filterFields]) if (WHOLE_FILE_FIELDS.has(name)) return false;
  return choice === 'always' || (fileBytes >= SPLIT_MIN_BYTES && availableParallelism() >= PARTS);
}

/**
 * Fields whose value depends on packets of other conversations, which a thread of a split read
 * does not dissect: stream numbers count conversations in the order they start.
 * test/cli/read-split.test.ts dissects every shared capture split and not and finds these and no other.
 */
export const WHOLE_FILE_FIELDS: ReadonlySet<string> = new Set(['tcp.stream', 'udp.stream']);

/** How a split read ended: every frame printed (with the file's damage, if any), or where the caller takes over. */
export type SplitEnd =
  | { readonly kind: 'done'; readonly problem?: CaptureWarning }
  | { readonly kind: 'stopped'; readonly printedUpTo: number; readonly why: string };

/** Run the threads on `argv` (read's arguments) and write their merged lines to `out`. */
export async function readSplit(argv: readonly string[], out: BufferedOutput): Promise<SplitEnd> {
  const script = threadScript(import.meta.url, 'main/cli', 'read-split-worker.js');
  if (!script) return { kind: 'stopped', printedUpTo: 0, why: 'the split read\'s script is missing' };
  const control = new Int32Array(new SharedArrayBuffer(4));
  const queues: SplitMessage[][] = [];
  const workers: Worker[] = [];
  let wake: (() => void) | null = null;
  const arrived = (part: number, m: SplitMessage): void => {
    queues[part]!.push(m);
    wake?.();
  };
  for (let part = 0; part < PARTS; part++) {
    queues.push([]);
    const job: SplitJob = { argv, part, parts: PARTS, control };
    const w = new Worker(script, { workerData: job });
    w.on('message', (m: SplitMessage) => arrived(part, m));
    w.on('error', (e: Error) => arrived(part, { type: 'failed', message: e.message }));
    w.on('exit', (code) => arrived(part, { type: 'failed', message: `the thread stopped (exit code ${code})` }));
    workers.push(w);
  }
  const next = async (part: number): Promise<SplitMessage> => {
    while (queues[part]!.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return queues[part]!.shift()!;
  };
  let printedUpTo = 0;
  try {
    for (let seq = 0; ; seq++) {
      const got = [];
      for (let part = 0; part < PARTS; part++) got.push(await next(part));
      const chunks = got.filter((m) => m.type === 'chunk');
      if (chunks.length < PARTS) {
        const failed = got.find((m) => m.type === 'failed');
        if (failed) return { kind: 'stopped', printedUpTo, why: failed.message };
        const end = got[0]!;
        if (end.type === 'end') return { kind: 'done', ...(end.problem ? { problem: end.problem } : {}) };
        if (end.type === 'unsplittable') return { kind: 'stopped', printedUpTo, why: `frame ${end.frame} cannot be split` };
        return { kind: 'stopped', printedUpTo, why: 'the threads disagree' };
      }
      if (chunks.some((c) => c.seq !== seq || c.lastFrame !== chunks[0]!.lastFrame)) {
        return { kind: 'stopped', printedUpTo, why: 'the threads disagree' };
      }
      merge(chunks, out);
      printedUpTo = chunks[0]!.lastFrame;
      Atomics.store(control, CONSUMED, seq + 1);
      Atomics.notify(control, CONSUMED);
      if (out.closed) return { kind: 'done' };
      const flushing = out.maybeFlush();
      if (flushing) await flushing;
    }
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      // A thread waiting for room (Atomics.wait) ends within a second; the process need not wait for it.
      w.unref();
      void w.terminate();
    }
  }
}

/** The chunks' lines in frame order (each chunk's frames ascend; every frame is in one chunk at most). */
function merge(chunks: readonly Chunk[], out: BufferedOutput): void {
  const [a, b] = chunks as [Chunk, Chunk];
  let i = 0;
  let j = 0;
  while (i < a.frames.length || j < b.frames.length) {
    if (j >= b.frames.length || (i < a.frames.length && a.frames[i]! < b.frames[j]!)) {
      out.bytes(a.bytes.subarray(i === 0 ? 0 : a.ends[i - 1]!, a.ends[i]!));
      i++;
    } else {
      out.bytes(b.bytes.subarray(j === 0 ? 0 : b.ends[j - 1]!, b.ends[j]!));
      j++;
    }
  }
}
