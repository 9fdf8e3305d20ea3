/**
 * The filter helper's work (filter-helper.ts runs it in its own thread): the
 * candidates of a display filter taken from the front of the list, answered by
 * dissecting the file again from its first frame in a single pass, as
 * `paquet read -Y` does: frames that are not candidates without a tree (their
 * state is all the candidates need), candidates with the filter's pruned tree.
 * Used only for filters that keep the same packets on a first pass as on a
 * revisit (shared/filter/first-pass-fields.ts); the worker revisits the other
 * end of the list meanwhile (filter-claims.ts). A filter on frame and IPv4
 * header fields needs no state from other packets (WorkerFilter.firstPassCut):
 * then only the candidates are dissected, and only up to the layers their fields
 * are in. A filter on TCP's header fields needs TCP's state from every packet,
 * but nothing the layers above build: then no layer above TCP is dissected.
 */
import { compileFilter, dissectShaped, treeShapeFor } from '../../shared/filter/index.js';
import { Dissection } from '../../shared/dissect/engine.js';
import { frameInputFrom, withComments } from '../../shared/dissect/frame-input.js';
import type { Registry } from '../../shared/dissect/registry.js';
import { FieldSet } from '../../shared/dissect/tree.js';
import { openCaptureStream } from '../cli/capture-stream.js';
import { SharedClaims } from './filter-claims.js';
import { filterKeeps } from './worker-filter.js';

export interface HelperJob {
  /** The file the worker reads its packets from (for a gzip file, its inflated copy). */
  readonly path: string;
  readonly filter: string;
  /** The packets to answer, by index, ascending. */
  readonly candidates: Uint32Array;
  /** SharedClaims' cells. */
  readonly cells: Int32Array;
  /** Shared with the worker: 1 where the candidate at that position passes. */
  readonly answers: Uint8Array;
  /** Comments edited in the worker's session, by packet index: they replace the file's. */
  readonly comments: readonly (readonly [number, readonly string[]])[];
  /**
   * For a filter whose fields let a first pass dissect only the candidates (WorkerFilter.firstPassCut): the
   * layers each candidate needs (ALL_LAYERS: every one); the other packets are then passed over.
   */
  readonly layers: Uint8Array | null;
  /**
   * For a filter on the fields of TCP and the layers below it that the layers above do not decide
   * (WorkerFilter.firstPassCut): the protocol above which no layer is dissected.
   */
  readonly stopAbove: string | null;
}

export const ALL_LAYERS = 255;

/** Candidates claimed at a time: the worker waits for the helper's last claim at the end, so few. */
const CLAIM = 256;

/** Answers candidates from the front until none is left or the worker says stop; throws what went wrong. */
export async function helpFilter(job: HelperJob, registry: Registry): Promise<void> {
  const compiled = compileFilter(job.filter, registry);
  if (!compiled.ok) throw new Error(`the filter does not compile here: ${compiled.error.message}`);
  const filter = compiled.filter;
  const tree = treeShapeFor([filter]);
  const claims = new SharedClaims(job.cells);
  const comments = new Map(job.comments);
  const { candidates, answers } = job;
  let claim = claims.takeFront(CLAIM);
  if (!claim) return;
  const { layers } = job;
  const cut = layers !== null && tree instanceof FieldSet ? tree : null;
  const stopAbove = job.stopAbove ?? undefined;
  const dissection = new Dissection(registry, { singlePass: true, layerLimitOnFirstPass: cut !== null, stopAbove });
  const capture = await openCaptureStream(job.path);
  let next = claim.from;
  for await (const batch of capture.batches()) {
    for (const rec of batch) {
      if (claims.stopped) return;
      if (rec.index !== candidates[next] && cut) {
        dissection.passOver(rec.index + 1, rec.tsSec, rec.tsNsec);
        continue;
      }
      const frame = withComments(frameInputFrom(rec, capture.parser.interfaces), comments.get(rec.index));
      if (rec.index !== candidates[next]) {
        dissection.dissect(frame, false);
        continue;
      }
      const shape = cut && layers![next] !== ALL_LAYERS ? cut.upTo(layers![next]!) : tree;
      answers[next] = filterKeeps(filter, dissectShaped(dissection, frame, shape)) ? 1 : 0;
      next++;
      if (next === claim.to) {
        claims.markDone(next);
        claim = claims.takeFront(CLAIM);
        if (!claim) return;
      }
    }
  }
  throw new Error(`the capture ends before packet ${candidates[next]! + 1} (it changed on disk?)`);
}
