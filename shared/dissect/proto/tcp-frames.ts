/**
 * What TCP keeps per frame for revisits, in typed-array columns indexed by frame
 * number: 12 to 20 bytes for an ordinary segment (the stream, count and plan columns
 * are as narrow as their values), instead of an analysis object with BigInts, a
 * flags object and a payload plan per frame. Times are not stored: they are the
 * differences between frame timestamps the dissection keeps anyway (the stream's
 * first segment, the previous one, the acknowledged one); nor are relative sequence
 * numbers: they are the header's less its flow's base, kept once per flow. The rare segment
 * the columns cannot hold exactly (a retransmission's RTO, a duplicate ACK, a partial
 * overlap, an unusual payload plan) keeps its objects in a side table.
 */
import { fitUint, type FrameTimes, type UintColumn } from '../frame-store.js';
import type { Ns } from '../ns.js';
import type { Dissector } from '../registry.js';
import type { SourcePart } from '../tvb.js';
import { flagsOf, type AnalysisFlags, type SegmentAnalysis } from './tcp-analysis.js';
import type { PayloadPlan, Step } from './tcp-stream.js';

/** What tcp.ts memoises for a frame: the analysis and what was done with the payload. */
export interface TcpMemo {
  readonly a: SegmentAnalysis;
  plan: PayloadPlan;
}

/** The header values a stored record is decoded against (the same bytes give the same values). */
export interface SegmentHeader {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly seglen: number;
  /** Offsets of the payload's first byte (after any overlap) and of its end, in the frame. */
  readonly payloadStart: number;
  readonly payloadEnd: number;
}

// Layout of `bits`.
const PRESENT = 1;
const DIRECTION = 2;
const COMPLETENESS_SHIFT = 2; // 6 bits
const WINSCALE_SHIFT = 8; // 5 bits: winScale + 2
const FLAGS_SHIFT = 13; // 11 bits, tcp-analysis.ts's Af
const DUPLICATE_DATA = 1 << 24;
const FIN_SHIFT = 25; // 2 bits: 1 active, 2 passive
/** relSeq and ackBase are not the flows' bases applied to the header: they are in `odd*`. */
const ODD_BASES = 1 << 27;
/** The other direction's base was not known yet (ackBase 0). */
const NO_ACK_BASE = 1 << 28;

// Payload plan codes (low 3 bits of `plan`; the dissector's index above them).
const PLAN_NONE = 0;
/** One step: the application dissector got the payload, nothing kept for reassembly. */
const PLAN_FRAME = 1;
/** One step: the payload went into a PDU still incomplete. */
const PLAN_SEGMENT = 2;
/** One step: the application dissector got the payload and asked for all of it to be kept. */
const PLAN_FRAME_KEPT = 3;
/** The plan is in the side table. */
const PLAN_ASIDE = 4;
/** One step: a PDU reassembled from several frames, its parts packed in `reasmParts`. */
const PLAN_REASM = 5;

/** A distance back to an earlier frame too large for 16 bits: the frame numbers are in `far`. */
const FAR = 0xffff;
/** Dissector indexes a plan code has room for. */
const MAX_DISSECTORS = 1 << 13;
const INITIAL = 1024;
/** Shared empty plan for decoded records: read, never written. */
const NO_STEPS: PayloadPlan = Object.freeze({ steps: Object.freeze([]) as unknown as Step[] });

export class TcpFrames {
  private bits = new Uint32Array(INITIAL);
  private stream: UintColumn = new Uint8Array(INITIAL);
  /**
   * Each flow's (stream * 2 + direction) sequence base as its first segment set it; NaN while
   * unknown. A segment's relSeq is its header's seq less its flow's base, its ackBase the other
   * flow's: nothing per segment, unless a base changed (a new SYN), then `odd*` hold them.
   */
  private flowBases = new Float64Array(INITIAL).fill(NaN);
  /** Frames (ascending) whose relSeq and ackBase are kept as they are. */
  private oddFrames: Uint32Array = new Uint32Array(64);
  private oddRelSeq: Uint32Array = new Uint32Array(64);
  private oddAckBase: Uint32Array = new Uint32Array(64);
  private oddCount = 0;
  /** How many frames back the stream's previous segment is (FAR: in `far`). */
  private prevBack = new Uint16Array(INITIAL);
  /** How many frames back the acknowledged segment is; 0 when none (FAR: in `far`). */
  private acksBack = new Uint16Array(INITIAL);
  /** Distances that do not fit 16 bits, by frame: [previous, acknowledged]. */
  private readonly far = new Map<number, [prev: number, acks: number]>();
  /** The value + 1; 0 when absent. */
  private bytesInFlight: UintColumn = new Uint8Array(INITIAL);
  private pushBytes: UintColumn = new Uint8Array(INITIAL);
  /** Plan code (low 3 bits) and the dissector's index above them. */
  private plan: UintColumn = new Uint8Array(INITIAL);
  /** Whole records the columns cannot hold. */
  private readonly aside = new Map<number, TcpMemo>();
  /** Plans the columns cannot hold, for frames whose analysis is in the columns. */
  private readonly asidePlans = new Map<number, PayloadPlan>();
  /**
   * Reassembled PDUs, packed: per frame, at the offset `reasmAt` gives, [flags, part count,
   * then frame, frameOffset, length for each part]; their bytes (when kept) in `reasmBytes`.
   */
  private reasmParts = new Uint32Array(INITIAL);
  private reasmUsed = 0;
  private readonly reasmAt = new Map<number, number>();
  private readonly reasmBytes = new Map<number, Uint8Array>();
  /** Per stream: its first frame, and its initial RTT with the frame that measured it. */
  private readonly firstFrames: number[] = [];
  private readonly iRtts: (Ns | undefined)[] = [];
  private readonly iRttFrames: number[] = [];
  /** Application dissectors named by plans, by index. */
  private readonly dissectors: Dissector[] = [];

  constructor(private readonly times: FrameTimes) {}

  has(frame: number): boolean {
    return (frame < this.bits.length && (this.bits[frame]! & PRESENT) !== 0) || this.aside.has(frame);
  }

  /** Keep a first-pass analysis of a segment whose header has sequence number `seq` (the payload plan follows with savePlan). */
  save(frame: number, a: SegmentAnalysis, seq: number): void {
    this.noteStream(frame, a);
    let bits = this.encodeBits(a);
    if (bits === undefined) {
      this.aside.set(frame, { a, plan: NO_STEPS });
      return;
    }
    if (frame >= this.bits.length) this.grow(frame);
    bits |= this.encodeBases(frame, a, seq);
    this.bits[frame] = bits;
    (this.stream = fitUint(this.stream, this.stream.length, a.stream))[frame] = a.stream;
    const prevBack = frame - a.prevFrame;
    const acksBack = a.acksFrame === undefined ? 0 : frame - a.acksFrame;
    if (prevBack < FAR && acksBack < FAR) {
      this.prevBack[frame] = prevBack;
      this.acksBack[frame] = acksBack;
    } else {
      this.prevBack[frame] = FAR;
      this.far.set(frame, [a.prevFrame, a.acksFrame ?? 0]);
    }
    const bif = a.bytesInFlight === undefined ? 0 : a.bytesInFlight + 1;
    const push = a.pushBytes === undefined ? 0 : a.pushBytes + 1;
    (this.bytesInFlight = fitUint(this.bytesInFlight, this.bytesInFlight.length, bif))[frame] = bif;
    (this.pushBytes = fitUint(this.pushBytes, this.pushBytes.length, push))[frame] = push;
    this.plan[frame] = PLAN_NONE;
  }

  savePlan(frame: number, plan: PayloadPlan, h: SegmentHeader): void {
    const whole = this.aside.get(frame);
    if (whole) {
      whole.plan = plan;
      return;
    }
    const code = this.encodePlan(plan, h) ?? this.packReasm(frame, plan, h);
    if (code === undefined) {
      this.plan[frame] = PLAN_ASIDE;
      this.asidePlans.set(frame, plan);
    } else {
      (this.plan = fitUint(this.plan, this.plan.length, code))[frame] = code;
    }
  }

  /** The record of a frame, decoded against its header; undefined when none was kept. */
  load(frame: number, h: SegmentHeader): TcpMemo | undefined {
    const whole = this.aside.get(frame);
    if (whole) return whole;
    if (frame >= this.bits.length) return undefined;
    const bits = this.bits[frame]!;
    if (!(bits & PRESENT)) return undefined;
    return { a: this.decode(frame, bits, h), plan: this.decodePlan(frame, h) };
  }

  /** Per-stream facts: the first frame, and the initial RTT from the first frame that had one. */
  private noteStream(frame: number, a: SegmentAnalysis): void {
    const s = a.stream;
    if (this.firstFrames[s] === undefined) this.firstFrames[s] = a.firstFrame;
    if (a.iRttNs !== undefined && this.iRtts[s] === undefined) {
      this.iRtts[s] = a.iRttNs;
      this.iRttFrames[s] = frame;
    }
  }

  /** The bits saying how relSeq and ackBase come back from the flows' bases (keeping them aside when they do not). */
  private encodeBases(frame: number, a: SegmentAnalysis, seq: number): number {
    const own = a.stream * 2 + a.direction;
    if (own + 1 >= this.flowBases.length) {
      const grown = new Float64Array(Math.max(own + 2, this.flowBases.length * 2)).fill(NaN);
      grown.set(this.flowBases);
      this.flowBases = grown;
    }
    const other = own ^ 1;
    const base = (seq - a.relSeq) >>> 0;
    if (Number.isNaN(this.flowBases[own]!)) this.flowBases[own] = base;
    // An ackBase of 0 while the other flow's base is unknown: the analysis did not know it either.
    const otherBase = this.flowBases[other]!;
    let bits = 0;
    if (Number.isNaN(otherBase)) {
      if (a.ackBase === 0) bits |= NO_ACK_BASE;
      else this.flowBases[other] = a.ackBase;
    }
    if (this.flowBases[own] === base && (bits & NO_ACK_BASE || this.flowBases[other] === a.ackBase)) return bits;
    this.keepOdd(frame, a.relSeq, a.ackBase);
    return ODD_BASES;
  }

  private keepOdd(frame: number, relSeq: number, ackBase: number): void {
    let k = this.oddCount;
    // A frame saved twice (two TCP layers): its last analysis wins, as in the columns.
    if (k > 0 && this.oddFrames[k - 1] === frame) k--;
    else if (k === this.oddFrames.length) {
      const widen = (a: Uint32Array): Uint32Array => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.oddFrames = widen(this.oddFrames);
      this.oddRelSeq = widen(this.oddRelSeq);
      this.oddAckBase = widen(this.oddAckBase);
    }
    this.oddFrames[k] = frame;
    this.oddRelSeq[k] = relSeq;
    this.oddAckBase[k] = ackBase;
    this.oddCount = k + 1;
  }

  /** Index of `frame` in the odd* arrays (it is there: its bits say so). */
  private oddIndex(frame: number): number {
    let lo = 0;
    let hi = this.oddCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.oddFrames[mid]! < frame) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Bits for the columns, or undefined when the analysis needs the side table. */
  private encodeBits(a: SegmentAnalysis): number | undefined {
    const f = a.flags;
    if (f.rto || f.dupAck || a.overlap !== 0) return undefined;
    if (a.pushBytes !== undefined && (a.pushBytes < 0 || a.pushBytes > 0x7fffffff)) return undefined;
    if (a.bytesInFlight !== undefined && (a.bytesInFlight < 0 || a.bytesInFlight > 0x7fffffff)) return undefined;
    if (a.winScale < -2 || a.winScale > 29 || a.completeness > 63 || a.completeness < 0) return undefined;
    if (this.firstFrames[a.stream] !== a.firstFrame) return undefined;
    let bits = PRESENT | (a.direction ? DIRECTION : 0) | (a.completeness << COMPLETENESS_SHIFT) | ((a.winScale + 2) << WINSCALE_SHIFT);
    // One test per flag, in Af order (a loop over the names would look each up by string).
    const set = (f.retransmission ? 1 : 0) | (f.spurious ? 2 : 0) | (f.outOfOrder ? 4 : 0) | (f.fastRetransmission ? 8 : 0) |
      (f.reusedPorts ? 16 : 0) | (f.lostSegment ? 32 : 0) | (f.ackLostSegment ? 64 : 0) | (f.windowUpdate ? 128 : 0) |
      (f.keepAlive ? 256 : 0) | (f.keepAliveAck ? 512 : 0) | (f.zeroWindow ? 1024 : 0);
    bits |= set << FLAGS_SHIFT;
    if (a.duplicateData) bits |= DUPLICATE_DATA;
    if (a.fin) bits |= (a.fin === 'active' ? 1 : 2) << FIN_SHIFT;
    return bits >>> 0;
  }

  private decode(frame: number, bits: number, h: SegmentHeader): SegmentAnalysis {
    const stream = this.stream[frame]!;
    const own = stream * 2 + (bits & DIRECTION ? 1 : 0);
    const odd = bits & ODD_BASES ? this.oddIndex(frame) : -1;
    const relSeq = odd >= 0 ? this.oddRelSeq[odd]! : (h.seq - this.flowBases[own]!) >>> 0;
    const ackBase = odd >= 0 ? this.oddAckBase[odd]! : bits & NO_ACK_BASE ? 0 : this.flowBases[own ^ 1]!;
    const syn = (h.flags & 0x02) !== 0;
    const fin = (h.flags & 0x01) !== 0;
    const a = new StoredAnalysis(this.times, frame);
    a.stream = stream;
    a.direction = bits & DIRECTION ? 1 : 0;
    a.relSeq = relSeq;
    a.relAck = h.flags & 0x10 ? (h.ack - ackBase) >>> 0 : 0;
    a.relNxt = (relSeq + h.seglen + (syn ? 1 : 0) + (fin ? 1 : 0)) >>> 0;
    a.ackBase = ackBase;
    a.completeness = (bits >>> COMPLETENESS_SHIFT) & 63;
    a.firstFrame = this.firstFrames[stream]!;
    const far = this.prevBack[frame] === FAR ? this.far.get(frame)! : undefined;
    a.prevFrame = far ? far[0] : frame - this.prevBack[frame]!;
    a.winScale = ((bits >>> WINSCALE_SHIFT) & 31) - 2;
    a.flags = flagsOf((bits >>> FLAGS_SHIFT) & 0x7ff);
    a.duplicateData = (bits & DUPLICATE_DATA) !== 0;
    const acks = far ? far[1] : this.acksBack[frame]! === 0 ? 0 : frame - this.acksBack[frame]!;
    if (acks !== 0) a.acksFrame = acks;
    const iRtt = this.iRtts[stream];
    if (iRtt !== undefined && frame >= this.iRttFrames[stream]!) a.iRttNs = iRtt;
    const bif = this.bytesInFlight[frame]!;
    if (bif > 0) a.bytesInFlight = bif - 1;
    const push = this.pushBytes[frame]!;
    if (push > 0) a.pushBytes = push - 1;
    const finRole = (bits >>> FIN_SHIFT) & 3;
    if (finRole) a.fin = finRole === 1 ? 'active' : 'passive';
    return a;
  }

  private encodePlan(plan: PayloadPlan, h: SegmentHeader): number | undefined {
    const steps = plan.steps;
    if (steps.length === 0) return PLAN_NONE;
    if (steps.length !== 1) return undefined;
    const s = steps[0]!;
    const start = h.payloadStart;
    const end = h.payloadEnd;
    if (s.kind === 'frame' && s.off === start && s.end === end) {
      const fn = this.dissectorIndex(s.fn);
      if (fn < 0) return undefined;
      if (!s.segmentAfter && s.kept === undefined) return PLAN_FRAME | (fn << 3);
      if (s.segmentAfter && s.kept !== undefined && s.kept.off === start && s.kept.len === end - start && end > start) return PLAN_FRAME_KEPT | (fn << 3);
      return undefined;
    }
    if (s.kind === 'segment' && s.info === undefined && s.kept !== undefined && s.kept.off === start && s.kept.len === end - start) return PLAN_SEGMENT;
    return undefined;
  }

  private decodePlan(frame: number, h: SegmentHeader): PayloadPlan {
    const code = this.plan[frame]!;
    const kind = code & 7;
    const start = h.payloadStart;
    const end = h.payloadEnd;
    switch (kind) {
      case PLAN_NONE: return NO_STEPS;
      case PLAN_FRAME: return { steps: [{ kind: 'frame', fn: this.dissectors[code >>> 3]!, off: start, end, segmentAfter: false, kept: undefined }] };
      case PLAN_FRAME_KEPT:
        return { steps: [{ kind: 'frame', fn: this.dissectors[code >>> 3]!, off: start, end, segmentAfter: true, kept: { off: start, len: end - start } }] };
      case PLAN_SEGMENT: return { steps: [{ kind: 'segment', kept: { off: start, len: end - start }, info: undefined }] };
      case PLAN_REASM: return this.unpackReasm(frame, this.dissectors[code >>> 3]!, h);
      default: return this.asidePlans.get(frame) ?? NO_STEPS;
    }
  }

  /** Code for a single reassembled-PDU step covering the segment's payload, or undefined. */
  private packReasm(frame: number, plan: PayloadPlan, h: SegmentHeader): number | undefined {
    if (plan.steps.length !== 1) return undefined;
    const s = plan.steps[0]!;
    if (s.kind !== 'reasm' || s.chunkOffset !== h.payloadStart || s.chunkLength !== h.payloadEnd - h.payloadStart) return undefined;
    let offset = 0;
    for (const p of s.parts) {
      if (p.offset !== offset || p.frame > 0xffffffff || p.frameOffset > 0xffffffff) return undefined;
      offset += p.length;
    }
    if (s.bytes !== undefined && s.bytes.length !== offset) return undefined;
    const fn = this.dissectorIndex(s.fn);
    if (fn < 0) return undefined;
    const need = 2 + s.parts.length * 3;
    if (this.reasmUsed + need > this.reasmParts.length) {
      let size = this.reasmParts.length * 2;
      while (size < this.reasmUsed + need) size *= 2;
      const a = new Uint32Array(size);
      a.set(this.reasmParts);
      this.reasmParts = a;
    }
    const at = this.reasmUsed;
    const r = this.reasmParts;
    r[at] = (s.segmentAfter ? 1 : 0) | (s.own ? 2 : 0);
    r[at + 1] = s.parts.length;
    let i = at + 2;
    for (const p of s.parts) {
      r[i++] = p.frame;
      r[i++] = p.frameOffset;
      r[i++] = p.length;
    }
    this.reasmUsed = i;
    this.reasmAt.set(frame, at);
    if (s.bytes !== undefined) this.reasmBytes.set(frame, s.bytes);
    return PLAN_REASM | (fn << 3);
  }

  private unpackReasm(frame: number, fn: Dissector, h: SegmentHeader): PayloadPlan {
    const r = this.reasmParts;
    const at = this.reasmAt.get(frame)!;
    const count = r[at + 1]!;
    const parts: SourcePart[] = [];
    let offset = 0;
    for (let k = 0, i = at + 2; k < count; k++, i += 3) {
      parts.push({ frame: r[i]!, frameOffset: r[i + 1]!, offset, length: r[i + 2]! });
      offset += r[i + 2]!;
    }
    return {
      steps: [{
        kind: 'reasm', fn, parts, chunkOffset: h.payloadStart, chunkLength: h.payloadEnd - h.payloadStart,
        segmentAfter: (r[at]! & 1) !== 0, bytes: this.reasmBytes.get(frame), own: (r[at]! & 2) !== 0,
      }],
    };
  }

  /** The dissector's index for a plan code, or -1 past what a code can name (the plan then goes aside). */
  private dissectorIndex(fn: Dissector): number {
    let i = this.dissectors.indexOf(fn);
    if (i < 0) {
      if (this.dissectors.length >= MAX_DISSECTORS) return -1;
      i = this.dissectors.push(fn) - 1;
    }
    return i;
  }

  private grow(frame: number): void {
    let size = this.bits.length;
    while (size <= frame) size = Math.ceil(size * 1.5);
    const widen = <T extends Uint32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.bits = widen(this.bits, (n) => new Uint32Array(n));
    this.stream = fitUint(this.stream, size, 0);
    this.prevBack = widen(this.prevBack, (n) => new Uint16Array(n));
    this.acksBack = widen(this.acksBack, (n) => new Uint16Array(n));
    this.bytesInFlight = fitUint(this.bytesInFlight, size, 0);
    this.pushBytes = fitUint(this.pushBytes, size, 0);
    this.plan = fitUint(this.plan, size, 0);
  }
}

/**
 * An analysis read back from the columns. The times are differences of frame timestamps,
 * worked out (as BigInt) only when asked for: a revisit without a tree never asks.
 */
class StoredAnalysis implements SegmentAnalysis {
  stream = 0;
  direction: 0 | 1 = 0;
  relSeq = 0;
  relAck = 0;
  relNxt = 0;
  ackBase = 0;
  completeness = 0;
  firstFrame = 0;
  prevFrame = 0;
  winScale = 0;
  flags: AnalysisFlags = flagsOf(0);
  acksFrame?: number;
  iRttNs?: Ns;
  bytesInFlight?: number;
  pushBytes?: number;
  duplicateData = false;
  readonly overlap = 0;
  fin?: 'active' | 'passive';

  constructor(
    private readonly times: FrameTimes,
    private readonly frame: number,
  ) {}

  get timeRelNs(): Ns {
    return this.times.between(this.frame, this.firstFrame);
  }

  get timeDeltaNs(): Ns {
    return this.times.between(this.frame, this.prevFrame);
  }

  get ackRttNs(): Ns | undefined {
    return this.acksFrame === undefined ? undefined : this.times.between(this.frame, this.acksFrame);
  }
}
