/**
 * One thread of a split `paquet read` (read-split.ts starts it): it reads the
 * whole file, dissects and prints the packets of its part of the conversations
 * (conversation-split.ts), passes over the others (their numbers and times
 * still count), and posts what it printed in chunks of CHUNK_FRAMES frames of
 * the file, the same frames for every thread, which the main thread merges in
 * frame order. At the first packet that cannot be split, it posts what came
 * before and says where it stopped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureWarning } from '../../shared/capture/types.js';
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { compileFilter } from '../../shared/filter/index.js';
import { parseReadArgs } from './args.js';
import { openCaptureStream } from './capture-stream.js';
import { ConversationParts, UNSPLITTABLE } from './conversation-split.js';
import { FilterPass } from './filter-pass.js';
import { PacketPrinter } from './read.js';
import { ChunkOutput, CHUNK_FRAMES, CHUNKS_AHEAD, CONSUMED, isSplitJob, type SplitMessage } from './read-split.js';

const port = parentPort;
if (!port || !isSplitJob(workerData)) throw new Error('read-split-worker.js runs as a thread of a split read (read-split.ts)');
const job = workerData;
const send = (m: SplitMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/** Wait until the main thread has merged all but CHUNKS_AHEAD chunks: a slow consumer holds the reading back. */
function waitForRoom(seq: number): void {
  for (;;) {
    const consumed = Atomics.load(job.control, CONSUMED);
    if (seq - consumed < CHUNKS_AHEAD) return;
    Atomics.wait(job.control, CONSUMED, consumed, 1000);
  }
}

async function run(): Promise<void> {
  const opts = parseReadArgs(job.argv);
  const registry = defaultRegistry();
  const compiled = opts.displayFilter === undefined ? undefined : compileFilter(opts.displayFilter, registry);
  if (compiled && !compiled.ok) throw new Error(`the filter does not compile: ${compiled.error.message}`);
  const capture = await openCaptureStream(opts.file);
  const out = new ChunkOutput();
  // Its preamble (-T fields -E header=y) goes nowhere: the main thread printed it.
  const printer = new PacketPrinter(opts, out);
  const pass = new FilterPass(registry, compiled?.filter, printer.treeNeeded(registry), opts.file);
  const parts = new ConversationParts(job.parts);
  let seq = 0;
  let frames = 0;
  const post = (): void => {
    waitForRoom(seq);
    const chunk = out.take(frames);
    send({ type: 'chunk', seq: seq++, ...chunk }, [chunk.frames.buffer, chunk.ends.buffer, chunk.bytes.buffer] as ArrayBuffer[]);
  };
  for await (const batch of capture.batches()) {
    for (const rec of batch) {
      const ifaces = capture.parser.interfaces;
      const num = rec.index + 1;
      const part = parts.of(rec.data, ifaces[rec.interface]?.linkType ?? -1);
      if (part === UNSPLITTABLE) {
        post();
        send({ type: 'unsplittable', frame: num });
        return;
      }
      frames = num;
      if (part === job.part) {
        const frame = frameInputFrom(rec, ifaces);
        let d = pass.dissect(frame);
        if (!d) {
          // As runRead: the filter's facts could not answer; rebuild the state, then use trees.
          await pass.rewind(num);
          d = pass.dissect(frame)!;
        }
        out.frame(num);
        if (pass.passes(d)) printer.packet(d, rec, ifaces[rec.interface]);
        else printer.skipped(rec);
      } else {
        pass.passOver(num, rec.tsSec, rec.tsNsec);
        printer.skipped(rec);
      }
      if (frames % CHUNK_FRAMES === 0) post();
    }
  }
  post();
  const problem: CaptureWarning | undefined = capture.problem();
  send({ type: 'end', frames, ...(problem ? { problem } : {}) });
}

run().catch((e: unknown) => send({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
