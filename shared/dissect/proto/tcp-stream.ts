/**
 * Delivery of TCP payload to the application layer: choosing the dissector
 * (stream dissector, ports low then high, heuristics, data) and reassembling
 * PDUs that span segments, per stream direction. The first pass records a plan
 * per frame (which dissector got which bytes) so a revisit replays it exactly
 * (a single pass, never revisited, records none).
 * The API application dissectors see is in tcp-reassembly.ts.
 */
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import type { Dissector } from '../registry.js';
import { TreeNode, type Tree } from '../tree.js';
import { ensure, slice, type SourcePart, type Tvb } from '../tvb.js';
import { DESEGMENT_ONE_MORE_SEGMENT, DESEGMENT_UNTIL_FIN, streamDissectors, type DesegmentRequest, type TcpPayload } from './tcp-reassembly.js';

export const hfTcpReasm = fields({
  segments: { abbrev: 'tcp.segments', name: 'Reassembled TCP Segments', type: 'none' },
  segment: { abbrev: 'tcp.segment', name: 'TCP Segment', type: 'framenum' },
  segmentCount: { abbrev: 'tcp.segment.count', name: 'Segment count', type: 'uint32', base: 'dec' },
  reassembledLength: { abbrev: 'tcp.reassembled.length', name: 'Reassembled TCP length', type: 'uint32', base: 'dec' },
  reassembledData: { abbrev: 'tcp.reassembled.data', name: 'Reassembled TCP Data', type: 'bytes' },
  segmentData: { abbrev: 'tcp.segment_data', name: 'TCP segment data', type: 'bytes' },
});

export interface SegmentMeta {
  stream: number;
  direction: 0 | 1;
  srcPort: number;
  dstPort: number;
  fin: boolean;
  rst: boolean;
  /** Relative sequence number of the first payload byte. */
  relSeq: number;
  duplicateData: boolean;
  keepAlive: boolean;
  /** Resent bytes the receiver had already acknowledged. */
  spurious: boolean;
  overlap: number;
  /** The frame was cut by the snapshot length: nothing can be reassembled from it. */
  truncated: boolean;
  /** Where the payload ends on the wire, in the frame's offsets (past the captured end when truncated). */
  wireEnd: number;
}

/** Where a part of a pending PDU came from (its bytes are in Pending.bytes, in order). */
interface Chunk {
  frame: number;
  frameOffset: number;
  length: number;
  /** The bytes are the frame's own (not a reassembled IP datagram's): a revisit can read them again. */
  own: boolean;
}

interface Pending {
  fn: Dissector;
  chunks: Chunk[];
  /**
   * The PDU's bytes so far are its first `total`: one buffer grown as segments come (by
   * doubling), not a copy per segment joined at the end.
   */
  bytes: Uint8Array;
  total: number;
  /** Total bytes the PDU needs, or -1 for "until FIN". */
  needed: number;
  /** Relative sequence number of the PDU's first byte. */
  startSeq: number;
  /** A segment inside the PDU was never seen: it cannot complete, later bytes inside it are only marked. */
  holey: boolean;
  /** Info text to show on frames that only carry more of this PDU (desegment's sameInfo). */
  info: string | undefined;
}

interface FlowState {
  pending: Pending | undefined;
  /** Relative sequence number of the next byte expected. */
  next: number | undefined;
}

/** Bytes of this frame filed into a PDU that is still incomplete (shown as `TCP segment data`). */
type Kept = { off: number; len: number } | undefined;

export type Step =
  | { kind: 'frame'; fn: Dissector; off: number; end: number; segmentAfter: boolean; kept: Kept }
  | {
    kind: 'reasm'; fn: Dissector; parts: SourcePart[]; chunkOffset: number; chunkLength: number; segmentAfter: boolean;
    /** The PDU; undefined when not kept for revisits (rebuilt from its frames, see planForRevisit). */
    bytes: Uint8Array | undefined;
    /** Every part is a frame's own bytes. */
    own: boolean;
  }
  | { kind: 'segment'; kept: Kept; info: string | undefined }
  | { kind: 'resent'; off: number; len: number };

export interface PayloadPlan {
  steps: Step[];
}

const SEGMENT_MARK = '[TCP segment of a reassembled PDU]';

/** A plan with no steps: a frame's before its payload is delivered, and every frame's in a single pass. */
export const NO_PLAN: PayloadPlan = Object.freeze({ steps: Object.freeze([]) as unknown as Step[] });


/** A FIN without payload still ends a PDU that runs "until FIN" (an HTTP/1.0 body without a length). */
export function awaitsFin(ctx: PacketContext, stream: number, direction: 0 | 1): boolean {
  const p = ctx.session.get('tcp.flows', newFlows)[flowKey(stream, direction)]?.pending;
  return p !== undefined && p.needed < 0 && !p.holey;
}

/** A number rather than a `stream:direction` string: looked up for every segment, so no string to build and hash. */
function flowKey(stream: number, direction: 0 | 1): number {
  return stream * 2 + direction;
}

/** Per flow (flowKey: streams are numbered from 0, so an array rather than a map entry each). */
function newFlows(): (FlowState | undefined)[] {
  return [];
}

function flowState(ctx: PacketContext, meta: SegmentMeta): FlowState {
  const flows = ctx.session.get('tcp.flows', newFlows);
  const key = flowKey(meta.stream, meta.direction);
  let f = flows[key];
  if (!f) flows[key] = f = { pending: undefined, next: undefined };
  return f;
}

class Payload implements TcpPayload {
  readonly kind = 'tcp';
  request: DesegmentRequest | undefined;
  constructor(
    readonly stream: number,
    readonly direction: 0 | 1,
    readonly srcPort: number,
    readonly dstPort: number,
    readonly reassembled: boolean,
    readonly canDesegment: boolean,
    readonly fin: boolean,
    readonly tcpTree: Tree,
    readonly key: string,
    readonly wireEnd?: number,
  ) {}
  desegment(offset: number, more: number, sameInfo = false): void {
    this.request = { offset, more, sameInfo };
  }
}

/** Put back the Info text the application showed when it asked for more (desegment's sameInfo). */
function segmentInfo(ctx: PacketContext, info: string | undefined): void {
  if (info === undefined) return;
  ctx.cols.setInfo(info);
}

function markSegment(ctx: PacketContext, protoLen: number): void {
  ctx.protocols.length = protoLen;
  ctx.cols.protocol = 'TCP';
  ctx.cols.appendInfo((ctx.cols.info ? ' ' : '') + SEGMENT_MARK);
  ctx.cols.setFence();
}

/** Pick the application dissector for a first look at this stream's bytes and call it; returns the one that took them. */
function callApplication(ctx: PacketContext, tvb: Tvb, off: number, end: number, tree: Tree, p: Payload, meta: SegmentMeta): Dissector | undefined {
  const conv = streamDissectors(ctx).get(meta.stream);
  if (conv && ctx.call(conv, tvb, off, end, tree, p) > 0) return conv;
  const low = Math.min(meta.srcPort, meta.dstPort);
  const high = Math.max(meta.srcPort, meta.dstPort);
  const byLow = callPort(ctx, low, tvb, off, end, tree, p);
  if (byLow) return byLow;
  const byHigh = low === high ? undefined : callPort(ctx, high, tvb, off, end, tree, p);
  if (byHigh) return byHigh;
  for (const h of ctx.registry.heuristicsFor('tcp')) {
    if (ctx.call(h, tvb, off, end, tree, p) > 0) return h;
  }
  const data = ctx.registry.byName('data');
  if (data) ctx.call(data, tvb, off, end, tree, p);
  return data;
}

/** The dissector registered for the port, if there is one and it takes the bytes. */
function callPort(ctx: PacketContext, port: number, tvb: Tvb, off: number, end: number, tree: Tree, p: Payload): Dissector | undefined {
  const d = ctx.registry.lookup('tcp.port', port);
  return d && ctx.call(d, tvb, off, end, tree, p) > 0 ? d : undefined;
}

export function deliverPayload(
  ctx: PacketContext, tvb: Tvb, off: number, end: number, parent: Tree, tcpTree: Tree, meta: SegmentMeta, plan: PayloadPlan | undefined,
  /** Revisit of a frame the first pass never finished: dissect it alone, touching no stream state. */
  detached = false,
): PayloadPlan {
  if (plan) {
    replay(ctx, tvb, parent, tcpTree, meta, plan);
    return plan;
  }
  // A single pass never replays a plan: it records none (steps?.push makes no step then).
  const steps: Step[] | undefined = ctx.keepsMemos ? [] : undefined;
  const out: PayloadPlan = steps === undefined ? NO_PLAN : { steps };
  const flow = detached ? { pending: undefined, next: undefined } : flowState(ctx, meta);
  if (meta.truncated) flow.pending = undefined;
  if (meta.duplicateData) {
    // Bytes the application already had: a keep-alive's byte shows as data, a retransmission at TCP level only.
    const data = ctx.registry.byName('data');
    if (data && meta.keepAlive) {
      steps?.push({ kind: 'frame', fn: data, off, end, segmentAfter: false, kept: undefined });
      ctx.call(data, tvb, off, end, parent);
    } else if (!meta.spurious) {
      const step: Step = { kind: 'resent', off, len: end - off };
      steps?.push(step);
      addResent(tvb, tcpTree, step);
    }
    return out;
  }
  const start = off + meta.overlap;
  if (start >= end && meta.overlap > 0) {
    // New bytes past the overlap, but the capture cut them all off: what was kept is resent data only.
    const step: Step = { kind: 'resent', off, len: end - off };
    steps?.push(step);
    addResent(tvb, tcpTree, step);
    return out;
  }
  const startSeq = (meta.relSeq + meta.overlap) >>> 0;
  if (flow.next !== undefined && startSeq !== flow.next) {
    // A gap: a PDU it falls inside can no longer complete (tshark still files the later bytes under it).
    const p = flow.pending;
    if (p && p.needed > 0 && ((startSeq - (p.startSeq + p.needed)) | 0) < 0) p.holey = true;
    else flow.pending = undefined;
  }
  if (flow.pending?.holey && ((startSeq - (flow.pending.startSeq + flow.pending.needed)) | 0) >= 0) flow.pending = undefined;
  flow.next = (startSeq + (end - start)) >>> 0;

  const pending = flow.pending;
  if (pending) {
    if (end > start) append(pending, ctx, tvb, start, end - start);
    const done = pending.holey ? false : pending.needed < 0 ? meta.fin || meta.rst : pending.total >= pending.needed;
    if (!done) {
      const kept = { off: start, len: end - start };
      steps?.push({ kind: 'segment', kept, info: pending.info });
      addKept(tvb, tcpTree, kept);
      segmentInfo(ctx, pending.info);
      markSegment(ctx, ctx.protocols.length);
      return out;
    }
    flow.pending = undefined;
    const { parts, own } = partsOf(pending.chunks);
    // Exact-sized when kept for revisits; a single pass lets the view go with the frame.
    const bytes = ctx.keepsMemos && pending.total !== pending.bytes.length ? pending.bytes.slice(0, pending.total) : pending.bytes.subarray(0, pending.total);
    // A bare FIN that ends the PDU is listed among its segments, with no bytes.
    if (end === start) parts.push({ frame: ctx.num, frameOffset: start, offset: bytes.length, length: 0 });
    const step: Step = { kind: 'reasm', fn: pending.fn, bytes, parts, chunkOffset: start, chunkLength: end - start, segmentAfter: false, own };
    steps?.push(step);
    const p = runReassembled(ctx, tvb, step, parent, tcpTree, meta, '0');
    const req = p.request;
    if (req) {
      const keepFrom = req.offset;
      const keep = sliceChunks(pending.chunks, keepFrom);
      if (keep.length) {
        const have = bytes.length - keepFrom;
        // A view of the bytes kept: the next segment grows it into a buffer of its own.
        flow.pending = {
          fn: pending.fn, chunks: keep, bytes: bytes.subarray(keepFrom), total: have, needed: neededFor(have, req.more), startSeq: (pending.startSeq + keepFrom) >>> 0, holey: false,
          info: req.sameInfo ? ctx.cols.info : undefined,
        };
      }
      if (keepFrom === 0) {
        step.segmentAfter = true;
        markSegment(ctx, p.protoLen);
      }
    }
    return out;
  }

  // A fresh start: the segment begins with (the start of) a PDU.
  const p = new Payload(meta.stream, meta.direction, meta.srcPort, meta.dstPort, false, !meta.truncated && !detached, meta.fin, tcpTree, '0', meta.truncated ? meta.wireEnd : undefined);
  const protoLen = ctx.protocols.length;
  const fn = callApplication(ctx, tvb, start, end, parent, p, meta);
  if (!fn) return out;
  const step: Step = { kind: 'frame', fn, off: start, end, segmentAfter: false, kept: undefined };
  steps?.push(step);
  const req = p.request;
  if (req && req.offset >= start && req.offset <= end) {
    const have = end - req.offset;
    if (have > 0) {
      step.kept = { off: req.offset, len: have };
      addKept(tvb, tcpTree, step.kept);
    }
    flow.pending = {
      fn,
      chunks: have > 0 ? [{ frame: ctx.num, frameOffset: req.offset, length: have, own: tvb.source === 0 }] : [],
      bytes: have > 0 ? copyOf(tvb, req.offset, have) : NO_BYTES,
      total: have,
      needed: neededFor(have, req.more),
      startSeq: (startSeq + (req.offset - start)) >>> 0,
      holey: false,
      info: req.sameInfo ? ctx.cols.info : undefined,
    };
    if (req.offset === start) {
      step.segmentAfter = true;
      markSegment(ctx, protoLen);
    }
  }
  return out;
}

const NO_BYTES = new Uint8Array(0);

/** A copy of `length` bytes at `off` (kept past this frame: the caller's buffer may be reused). */
function copyOf(tvb: Tvb, off: number, length: number): Uint8Array {
  ensure(tvb, off, length);
  return tvb.bytes.slice(off, off + length);
}

/** Add this frame's `length` bytes at `off` to the PDU. */
function append(pending: Pending, ctx: PacketContext, tvb: Tvb, off: number, length: number): void {
  ensure(tvb, off, length);
  const total = pending.total + length;
  if (total > pending.bytes.length) {
    const grown = new Uint8Array(Math.max(total, pending.bytes.length * 2));
    grown.set(pending.bytes.subarray(0, pending.total));
    pending.bytes = grown;
  }
  pending.bytes.set(tvb.bytes.subarray(off, off + length), pending.total);
  pending.chunks.push({ frame: ctx.num, frameOffset: off, length, own: tvb.source === 0 });
  pending.total = total;
}

function addKept(tvb: Tvb, tcpTree: Tree, kept: Kept): void {
  if (kept) addSegmentData(tvb, tcpTree, kept, 'TCP segment data');
}

function addResent(tvb: Tvb, tcpTree: Tree, step: { off: number; len: number }): void {
  addSegmentData(tvb, tcpTree, step, 'Retransmitted TCP segment data');
}

/**
 * `tvb` is the buffer TCP was given, which `at` points into: the frame, or a reassembled IP
 * datagram when the segment came in fragments (not at those offsets in the frame).
 */
function addSegmentData(tvb: Tvb, tcpTree: Tree, at: { off: number; len: number }, what: string): void {
  if (!tcpTree.enabled) return;
  if (!tcpTree.wants(hfTcpReasm.segmentData)) {
    // Where the bytes are not there the full tree's item ends the layer: so it must on a pruned tree.
    ensure(tvb, at.off, at.len);
    return;
  }
  tcpTree.add(hfTcpReasm.segmentData, tvb, at.off, at.len, slice(tvb, at.off, at.len),
    tcpTree.labels ? `${what} (${at.len} byte${at.len === 1 ? '' : 's'})` : undefined);
}

function neededFor(have: number, more: number): number {
  if (more === DESEGMENT_UNTIL_FIN) return -1;
  if (more === DESEGMENT_ONE_MORE_SEGMENT) return have + 1;
  return have + Math.max(1, more);
}

interface RunResult {
  request: DesegmentRequest | undefined;
  protoLen: number;
}

/** `tvb`: the buffer TCP was given, holding this segment's part of the PDU (chunkOffset). */
function runReassembled(
  ctx: PacketContext, tvb: Tvb, step: Extract<Step, { kind: 'reasm' }>, parent: Tree, tcpTree: Tree, meta: SegmentMeta, key: string,
): RunResult {
  // A revisit for the layers up to TCP only (a filter on TCP's header fields): the message's bytes
  // would be read back from its other frames for nothing.
  const unread = ctx.callsNothing && !parent.wantsAny(hfTcpReasm);
  const bytes = unread ? NO_BYTES : step.bytes ?? rebuild(ctx, step.parts);
  const len = bytes.length;
  if (step.chunkLength > 0) addKept(tvb, tcpTree, { off: step.chunkOffset, len: step.chunkLength });
  if (unread) return { request: undefined, protoLen: ctx.protocols.length };
  const sourceCount = ctx.sources.length;
  const rtvb = ctx.addSource('Reassembled TCP', bytes, step.parts);
  // The application's items go to a holding node first: if it asks for still more, nothing of
  // this attempt is shown; if not, the segment list goes before them, as tshark orders it.
  // Of the parent's kind: a filter's pruned tree holds only what it keeps.
  const held = parent.detached(hfTcpReasm.segments, rtvb.source) ?? undefined;
  const p = new Payload(meta.stream, meta.direction, meta.srcPort, meta.dstPort, true, true, meta.fin, tcpTree, key);
  const protoLen = ctx.protocols.length;
  ctx.call(step.fn, rtvb, 0, len, held ?? parent, p);
  if (p.request && p.request.offset === 0) {
    ctx.sources.length = sourceCount;
    return { request: p.request, protoLen };
  }
  if (held) {
    if (parent.wantsAny(hfTcpReasm)) addSegmentList(parent, rtvb, step.parts);
    adopt(parent, held.children ?? []);
  }
  return { request: p.request, protoLen };
}

/** The segments a reassembled message came from, under `parent`. */
function addSegmentList(parent: Tree, rtvb: Tvb, parts: readonly SourcePart[]): void {
  const len = rtvb.bytes.length;
  const labels = parent.labels;
  const label = labels ? `${parts.length} Reassembled TCP Segments (${len} bytes): ` + parts.map((x) => `#${x.frame}(${x.length})`).join(', ') : undefined;
  const seg = parent.addGenerated(hfTcpReasm.segments, rtvb, 0, len, null, label);
  for (const x of parts) {
    seg.addGenerated(hfTcpReasm.segment, rtvb, x.offset, x.length, x.frame,
      labels ? `Frame: ${x.frame}, payload: ${x.offset}-${x.offset + x.length - 1} (${x.length} byte${x.length === 1 ? '' : 's'})` : undefined);
  }
  seg.addGenerated(hfTcpReasm.segmentCount, rtvb, 0, len, parts.length, labels ? `Segment count: ${parts.length}` : undefined);
  seg.addGenerated(hfTcpReasm.reassembledLength, rtvb, 0, len, len, labels ? `Reassembled TCP length: ${len}` : undefined);
  seg.addGenerated(hfTcpReasm.reassembledData, rtvb, 0, len, rtvb.bytes);
}

/** Re-attach items built under a holding node to `parent`, keeping their subtrees. */
function adopt(parent: Tree, nodes: readonly TreeNode[]): void {
  for (const n of nodes) {
    const copy = parent.add(n.def, { source: n.source } as Tvb, n.offset, n.length, n.value, n.text);
    if (copy instanceof TreeNode) {
      copy.children = n.children;
      copy.flags = n.flags;
      copy.suffix = n.suffix;
    }
  }
}

function replay(ctx: PacketContext, tvb: Tvb, parent: Tree, tcpTree: Tree, meta: SegmentMeta, plan: PayloadPlan): void {
  plan.steps.forEach((step, i) => {
    const key = String(i);
    if (step.kind === 'resent') {
      addResent(tvb, tcpTree, step);
    } else if (step.kind === 'segment') {
      addKept(tvb, tcpTree, step.kept);
      segmentInfo(ctx, step.info);
      markSegment(ctx, ctx.protocols.length);
    } else if (step.kind === 'frame') {
      // As on the first pass: a frame the capture cut short could not ask for more, so the
      // application dissected what was there (a revisit that let it ask would show nothing).
      const p = new Payload(meta.stream, meta.direction, meta.srcPort, meta.dstPort, false, !meta.truncated, meta.fin, tcpTree, key, meta.truncated ? meta.wireEnd : undefined);
      const protoLen = ctx.protocols.length;
      ctx.call(step.fn, tvb, step.off, step.end, parent, p);
      addKept(tvb, tcpTree, step.kept);
      if (step.segmentAfter) markSegment(ctx, protoLen);
    } else {
      const r = runReassembled(ctx, tvb, step, parent, tcpTree, meta, key);
      if (step.segmentAfter) markSegment(ctx, r.protoLen);
    }
  });
}

/** The PDU's parts (where in it each chunk's bytes are), and whether all are frames' own bytes. */
function partsOf(chunks: readonly Chunk[]): { parts: SourcePart[]; own: boolean } {
  let own = true;
  const parts: SourcePart[] = [];
  let o = 0;
  for (const c of chunks) {
    own &&= c.own;
    parts.push({ frame: c.frame, frameOffset: c.frameOffset, offset: o, length: c.length });
    o += c.length;
  }
  return { parts, own };
}

/** A reassembled PDU's bytes read again from its frames (a revisit when they were not kept). */
function rebuild(ctx: PacketContext, parts: readonly SourcePart[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const bytes = new Uint8Array(total);
  for (const p of parts) {
    if (p.length === 0) continue;
    const frame = ctx.frameBytes(p.frame);
    if (!frame || p.frameOffset + p.length > frame.length) throw new Error(`the bytes of frame ${p.frame} were not given to rebuild the reassembled data`);
    bytes.set(frame.subarray(p.frameOffset, p.frameOffset + p.length), p.offset);
  }
  return bytes;
}

/**
 * The plan to keep for revisits: as it is, or, when the dissection does not keep reassembled
 * bytes, without the bytes of PDUs made only of frames' own bytes (the frames are noted, and
 * the caller passes them on a revisit).
 */
export function planForRevisit(ctx: PacketContext, plan: PayloadPlan): PayloadPlan {
  if (ctx.keepsReassembledBytes || !plan.steps.some((st) => st.kind === 'reasm' && st.own && st.bytes)) return plan;
  const frames = new Set<number>();
  const steps = plan.steps.map((st): Step => {
    if (st.kind !== 'reasm' || !st.own) return st;
    for (const p of st.parts) if (p.frame !== ctx.num && p.length > 0) frames.add(p.frame);
    return { ...st, bytes: undefined };
  });
  ctx.needFrames([...frames].sort((a, b) => a - b));
  return { steps };
}

/** The chunks from PDU offset `from` on. */
function sliceChunks(chunks: readonly Chunk[], from: number): Chunk[] {
  const out: Chunk[] = [];
  let o = 0;
  for (const c of chunks) {
    const cEnd = o + c.length;
    if (cEnd > from) {
      const skip = Math.max(0, from - o);
      out.push({ frame: c.frame, frameOffset: c.frameOffset + skip, length: c.length - skip, own: c.own });
    }
    o = cEnd;
  }
  return out;
}
