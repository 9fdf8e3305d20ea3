/**
 * TCP conversation state and sequence analysis, as Wireshark's tcp_analyze_seq
 * does it: per stream two flows, relative sequence bases, what each ACK
 * acknowledges, and the flags (retransmission, duplicate ACK, ...) a segment earns.
 * Everything here runs on the first, in-order pass only; the result for each
 * frame is a plain object that tcp.ts keeps for revisits (tcp-frames.ts).
 * Times are nanoseconds as Ns (a number while exact): no BigInt per segment.
 */
import { Noted } from '../noted.js';
import { nsSub, type Ns } from '../ns.js';
import { EndpointPairs } from './endpoint-pairs.js';
import { ConversationTable, type ConversationView } from './tcp-conversations.js';

export const enum Th {
  FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80, AE = 0x100,
}

export const enum Completeness { SYN = 1, SYNACK = 2, ACK = 4, DATA = 8, FIN = 16, RST = 32 }

/** Per-frame analysis flags, in the order tshark lists them. */
export interface AnalysisFlags {
  retransmission?: boolean;
  /** Retransmission of bytes the receiver had already acknowledged. */
  spurious?: boolean;
  outOfOrder?: boolean;
  /** Resent right after two or more duplicate ACKs asked for it. */
  fastRetransmission?: boolean;
  /** A SYN opened a new stream on the address/port pair of a finished one. */
  reusedPorts?: boolean;
  /** For a retransmission: time since the segment first sent with this sequence number. */
  rto?: { ns: Ns; frame: number };
  lostSegment?: boolean;
  ackLostSegment?: boolean;
  windowUpdate?: boolean;
  keepAlive?: boolean;
  keepAliveAck?: boolean;
  dupAck?: { num: number; frame: number };
  zeroWindow?: boolean;
}

/** Whether a segment's flags make a `tcp.analysis.flags` item (an RTO comes only with a retransmission). */
export function hasAnalysisFlag(f: AnalysisFlags): boolean {
  return f.reusedPorts || f.fastRetransmission || f.outOfOrder || f.spurious || f.retransmission || f.lostSegment || f.ackLostSegment
    || f.windowUpdate || f.keepAlive || f.keepAliveAck || f.dupAck !== undefined || f.zeroWindow || false;
}

/** The Noted bits (noted.ts) of a segment's header flag items (`flags`: the header's) and analysis items. */
export function segmentNotes(flags: number, f: AnalysisFlags): number {
  let bits = Noted.TcpHeader;
  if (flags & Th.SYN) bits |= Noted.TcpSyn;
  if (flags & Th.ACK) bits |= Noted.TcpAck;
  if (flags & Th.FIN) bits |= Noted.TcpFin;
  if (flags & Th.RST) bits |= Noted.TcpReset;
  if (hasAnalysisFlag(f)) bits |= f.retransmission ? Noted.TcpAnalysisFlags | Noted.TcpRetransmission : Noted.TcpAnalysisFlags;
  return bits;
}

/** The boolean analysis flags as bits, in FLAG_NAMES order (tcp-frames.ts keeps the same bits per frame). */
export const enum Af {
  Retransmission = 1, Spurious = 2, OutOfOrder = 4, FastRetransmission = 8, ReusedPorts = 16, LostSegment = 32,
  AckLostSegment = 64, WindowUpdate = 128, KeepAlive = 256, KeepAliveAck = 512, ZeroWindow = 1024,
}

/** The boolean analysis flags, in bit order (Af). */
const FLAG_NAMES = [
  'retransmission', 'spurious', 'outOfOrder', 'fastRetransmission', 'reusedPorts', 'lostSegment', 'ackLostSegment',
  'windowUpdate', 'keepAlive', 'keepAliveAck', 'zeroWindow',
] as const satisfies readonly (keyof AnalysisFlags)[];

const flagsByBits: (AnalysisFlags | undefined)[] = [];

/**
 * The flags object for a pattern of Af bits: one shared, frozen object per pattern (a capture
 * meets few), so most segments allocate none. Read, never written.
 */
export function flagsOf(bits: number): AnalysisFlags {
  let f = flagsByBits[bits];
  if (f === undefined) {
    const o: AnalysisFlags = {};
    for (let i = 0; i < FLAG_NAMES.length; i++) if (bits & (1 << i)) o[FLAG_NAMES[i]!] = true;
    flagsByBits[bits] = f = Object.freeze(o);
  }
  return f;
}

/** A segment's flags: the shared object for its bits, or a fresh one when rto or dupAck carry values. */
function segmentFlags(bits: number, rto: AnalysisFlags['rto'], dupAck: AnalysisFlags['dupAck']): AnalysisFlags {
  if (rto === undefined && dupAck === undefined) return flagsOf(bits);
  const f: AnalysisFlags = { ...flagsOf(bits) };
  if (rto) f.rto = rto;
  if (dupAck) f.dupAck = dupAck;
  return f;
}

/** Segments kept waiting for their ACK per flow; a one-way capture must not grow this without end. */
const MAX_UNACKED = 512;

export interface Unacked {
  frame: number;
  seq: number;
  nextSeq: number;
  tsNs: Ns;
}

export interface Flow {
  /** Raw sequence number that relative 0 maps to; undefined until the first segment. */
  base: number | undefined;
  /** Raw next sequence number expected (highest seq + len seen); undefined before data. */
  nextSeq: number | undefined;
  lastAck: number | undefined;
  /** Raw (unscaled) window of the last segment. */
  window: number | undefined;
  /** Window scale shift; -1 unknown, -2 not used. */
  winScale: number;
  lastNonDupAck: number;
  dupAckNum: number;
  /** The last segment this side sent was a keep-alive (all of its flags a later segment needs). */
  lastKeepAlive: boolean;
  pushBytes: number;
  /** Segments waiting for their ACK, oldest first; undefined when none (a finished stream keeps no empty list). */
  unacked: Unacked[] | undefined;
  lastAckNs: Ns;
  /** False once a gap was seen in this direction. */
  validBif: boolean;
  /** 1 while the last ACK this side sent answered a keep-alive. */
  keepAliveAckBias: number;
  /** First raw sequence number seen (the SYN's, when there was one). */
  firstSeq: number | undefined;
  /** When nextSeq last moved forward. */
  nextSeqNs: Ns;
}

export interface Conversation {
  index: number;
  /** Endpoint (address text, port) of the side whose segments form flow 0. */
  side0Addr: string;
  side0Port: number;
  flows: [Flow, Flow];
  firstNs: Ns;
  lastNs: Ns;
  /** Frames of the first and the latest segment (their times are firstNs and lastNs). */
  firstFrame: number;
  lastFrame: number;
  completeness: number;
  synNs: Ns | undefined;
  synDirection: 0 | 1;
  /** A SYN-ACK went by (its bit counts only after a SYN, but it still opens the handshake). */
  synAckSeen: boolean;
  iRttNs: Ns | undefined;
  /** Side that sent the first FIN. */
  finSide: 0 | 1 | undefined;
  /** Set once FIN or RST went both ways or RST seen: a new SYN starts a new stream. */
  closing: boolean;
}

export interface TcpSessionState {
  /** The current conversation (its stream index) of each endpoint pair. */
  conversations: EndpointPairs<number>;
  /** Every conversation's state, by stream index. */
  table: ConversationTable;
  /** Seconds the segments' Ns times count from (the first segment's), so they stay exact numbers. */
  epochSec: number | undefined;
}

export function newTcpSession(): TcpSessionState {
  return { conversations: new EndpointPairs(), table: new ConversationTable(), epochSec: undefined };
}

/** The pair's current conversation, if any. */
function findConversation(s: TcpSessionState, seg: Endpoints): ConversationView | undefined {
  const i = s.conversations.get(seg.srcAddr, seg.srcAddrKey, seg.srcPort, seg.dstAddr, seg.dstAddrKey, seg.dstPort);
  return i === undefined ? undefined : s.table.view(i);
}

function addUnacked(flow: Flow, u: Unacked): void {
  const list = flow.unacked;
  if (list === undefined) {
    flow.unacked = [u];
    return;
  }
  list.push(u);
  if (list.length > MAX_UNACKED) list.splice(0, list.length - MAX_UNACKED);
}

/** a < b in sequence space. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
export function seqDiff(a: number, b: number): number {
  return (a - b) >>> 0;
}

/** What the analysis found for one segment; plain data, memoised per frame. */
export interface SegmentAnalysis {
  stream: number;
  direction: 0 | 1;
  relSeq: number;
  relAck: number;
  relNxt: number;
  /** Base of the other direction, for relative SACK edges. */
  ackBase: number;
  completeness: number;
  timeRelNs: Ns;
  timeDeltaNs: Ns;
  /** Frames of the stream's first segment and of the one before this (timeRelNs and timeDeltaNs are from them). */
  firstFrame: number;
  prevFrame: number;
  winScale: number;
  flags: AnalysisFlags;
  acksFrame?: number;
  ackRttNs?: Ns;
  iRttNs?: Ns;
  bytesInFlight?: number;
  pushBytes?: number;
  /** Payload bytes already seen in this direction (none new): do not hand to the application. */
  duplicateData: boolean;
  /** Bytes at the start of the payload that were already seen (partial retransmission). */
  overlap: number;
  /** For a FIN: whether its side started closing the connection or answers the other side's FIN. */
  fin?: 'active' | 'passive';
}

export interface SegmentInput {
  srcAddr: string;
  /** The IPv4 address as a number when known (PacketContext.netSrcKey), else -1. */
  srcAddrKey: number;
  srcPort: number;
  dstAddr: string;
  dstAddrKey: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  seglen: number;
  /** The SYN's window scale option (undefined: none; -1: the capture cut the options before the walk ended). */
  wsShift: number | undefined;
  /** The frame's time (nsSince a capture-wide base); tsZero: the frame's timestamp is 0 (no time). */
  tsNs: Ns;
  tsZero: boolean;
  frame: number;
}

/** Stream bookkeeping for a segment too short to analyse: its stream, completeness so far and times. */
type Endpoints = Pick<SegmentInput, 'srcAddr' | 'srcAddrKey' | 'srcPort' | 'dstAddr' | 'dstAddrKey' | 'dstPort'>;

export function conversationOnly(s: TcpSessionState, seg: Endpoints & Pick<SegmentInput, 'tsNs' | 'frame'>):
  { stream: number; direction: 0 | 1; completeness: number; timeRelNs: Ns; timeDeltaNs: Ns } {
  const conv = findConversation(s, seg) ?? newConversation(s, seg);
  const out = {
    stream: conv.index, direction: directionOf(conv, seg), completeness: conv.completeness,
    timeRelNs: nsSub(seg.tsNs, conv.firstNs), timeDeltaNs: nsSub(seg.tsNs, conv.lastNs),
  };
  conv.lastNs = seg.tsNs;
  conv.lastFrame = seg.frame;
  return out;
}

/** Start a conversation (the next stream index) and make it the pair's current one. */
function newConversation(s: TcpSessionState, seg: Endpoints & Pick<SegmentInput, 'tsNs' | 'frame'>): ConversationView {
  const i = s.table.add(seg.srcAddr, seg.srcPort, seg.tsNs, seg.frame);
  s.conversations.set(seg.srcAddr, seg.srcAddrKey, seg.srcPort, seg.dstAddr, seg.dstAddrKey, seg.dstPort, i);
  return s.table.view(i);
}

/** 0 when the segment comes from the side first seen as source, else 1. */
function directionOf(conv: Conversation, seg: Pick<SegmentInput, 'srcAddr' | 'srcPort'>): 0 | 1 {
  return conv.side0Addr === seg.srcAddr && conv.side0Port === seg.srcPort ? 0 : 1;
}

export function analyseSegment(s: TcpSessionState, seg: SegmentInput): SegmentAnalysis {
  let conv: Conversation | undefined = findConversation(s, seg);
  const syn = (seg.flags & Th.SYN) !== 0;
  const ackFlag = (seg.flags & Th.ACK) !== 0;
  let reused = false;
  if (conv && syn && !ackFlag && conv.closing) {
    const reusedBase = conv.flows[directionOf(conv, seg)].base;
    if (reusedBase === undefined || reusedBase !== seg.seq) {
      conv = undefined;
      reused = true;
    }
  }
  const opening = !conv;
  conv ??= newConversation(s, seg);
  const direction = directionOf(conv, seg);
  const fwd = conv.flows[direction];
  const rev = conv.flows[1 - direction]!;
  const completeness = conv.completeness;
  const timeRelNs = nsSub(seg.tsNs, conv.firstNs);
  const timeDeltaNs = nsSub(seg.tsNs, conv.lastNs);
  const prevFrame = conv.lastFrame;
  conv.lastNs = seg.tsNs;
  conv.lastFrame = seg.frame;

  const seglen = seg.seglen;
  const seq = seg.seq;
  const ack = seg.ack;
  // The flows' fields are read through views on typed arrays (tcp-conversations.ts): each is read
  // once into a local here, and the local follows what is written back (a sequence number above
  // 2^30 read from a view is a boxed number per read).

  // Relative bases: a SYN fixes them; otherwise the first segment counts as relative 1.
  let base = fwd.base;
  if (syn || base === undefined) fwd.base = base = syn ? seq : (seq - 1) >>> 0;
  let firstSeq = fwd.firstSeq;
  if (firstSeq === undefined) fwd.firstSeq = firstSeq = seq;
  let revBase = rev.base;
  if (ackFlag && revBase === undefined) rev.base = revBase = (ack - 1) >>> 0;

  // Window scaling is agreed in the handshake: a SYN without the option rules it out both ways, a
  // SYN/ACK with it after a SYN without it too. A SYN whose options the capture cut (-1) says nothing.
  if (syn && seg.wsShift !== -1) {
    if (seg.wsShift !== undefined) fwd.winScale = seg.wsShift;
    if (fwd.winScale === -1) fwd.winScale = rev.winScale = -2;
    else if (ackFlag && rev.winScale === -2) fwd.winScale = -2;
  }

  // The boolean flags as bits (flagsOf makes the object); rto and dupAck carry values.
  let bits = reused ? Af.ReusedPorts : 0;
  let rto: AnalysisFlags['rto'];
  let dupAck: AnalysisFlags['dupAck'];
  const noCtl = (seg.flags & (Th.SYN | Th.FIN | Th.RST)) === 0;
  // None of these changes before "Advance this flow".
  const fwdNext = fwd.nextSeq;
  const fwdWindow = fwd.window;
  const fwdLastAck = fwd.lastAck;
  const revLastAck = rev.lastAck;

  if (seg.window === 0 && noCtl) bits |= Af.ZeroWindow;
  if (fwdNext !== undefined && seqGt(seq, fwdNext) && (seg.flags & Th.RST) === 0) {
    bits |= Af.LostSegment;
    // With bytes missing tshark stops counting bytes in flight and push bytes for this side.
    fwd.validBif = false;
  }
  const keepAlive = seglen <= 1 && noCtl && fwdNext !== undefined && ((fwdNext - 1) >>> 0) === seq;
  if (keepAlive) bits |= Af.KeepAlive;
  const sameState = seglen === 0 && fwdNext !== undefined && seq === fwdNext && fwdLastAck !== undefined && ack === fwdLastAck && noCtl;
  if (sameState && seg.window !== 0 && fwdWindow !== undefined && seg.window !== fwdWindow) bits |= Af.WindowUpdate;
  const keepAliveAck = sameState && fwdWindow !== undefined && seg.window === fwdWindow && rev.lastKeepAlive;
  if (keepAliveAck) bits |= Af.KeepAliveAck;
  if (sameState && !keepAliveAck && seg.window !== 0 && fwdWindow !== undefined && seg.window === fwdWindow) {
    const num = fwd.dupAckNum + 1;
    fwd.dupAckNum = num;
    dupAck = { num, frame: fwd.lastNonDupAck };
  } else {
    fwd.lastNonDupAck = seg.frame;
    fwd.dupAckNum = 0;
  }
  const revNext = rev.nextSeq;
  if (ackFlag && revNext !== undefined && seqGt(ack, revNext)) bits |= Af.AckLostSegment;

  let duplicateData = false;
  let overlap = 0;
  const occupies = seglen > 0 || (seg.flags & (Th.SYN | Th.FIN)) !== 0;
  if (occupies && fwdNext !== undefined && seqLt(seq, fwdNext) && !keepAlive) {
    // Shortly after the segment that moved the edge (under the initial RTT, else 3 ms), a segment
    // filling in below it is out of order rather than resent.
    const threshold = conv.iRttNs ?? 3_000_000;
    const sinceEdge = nsSub(seg.tsNs, fwd.nextSeqNs);
    if (rev.dupAckNum >= 2 && revLastAck === seq && nsSub(seg.tsNs, rev.lastAckNs) < 20_000_000) {
      bits |= Af.FastRetransmission | Af.Retransmission;
    } else if (seglen > 0 && sinceEdge < threshold && fwdNext !== ((seq + seglen) >>> 0)) bits |= Af.OutOfOrder;
    else bits |= Af.Retransmission;
    if (bits & Af.Retransmission) {
      // tshark measures from the oldest segment still waiting for its ACK.
      const first = fwd.unacked?.[0];
      if (first) rto = { ns: nsSub(seg.tsNs, first.tsNs), frame: first.frame };
      if (seglen > 0 && revLastAck !== undefined && !seqGt((seq + seglen) >>> 0, revLastAck)) bits |= Af.Spurious;
    }
  }
  if (seglen > 0 && fwdNext !== undefined && seqLt(seq, fwdNext)) {
    const seen = seqDiff(fwdNext, seq);
    if (seen >= seglen) duplicateData = true;
    else overlap = seen;
  }

  // What this segment acknowledges.
  let acked: Unacked | undefined;
  if (ackFlag) {
    const list = rev.unacked;
    if (list !== undefined) {
      // The last segment this ACK ends exactly (searched from the end: the match is usually the newest).
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.nextSeq === ack) {
          acked = list[i];
          break;
        }
      }
      if (!seqGt(list[0]!.nextSeq, ack)) {
        // Drop what this ACK covers, in place (no new array per ACK).
        let w = 0;
        for (let i = 0; i < list.length; i++) if (seqGt(list[i]!.nextSeq, ack)) list[w++] = list[i]!;
        if (w === 0) rev.unacked = undefined;
        else list.length = w;
      }
    }
  }

  // Advance this flow.
  const spurious = (bits & Af.Spurious) !== 0;
  const segEnd = (seq + seglen + (syn ? 1 : 0) + ((seg.flags & Th.FIN) ? 1 : 0)) >>> 0;
  let nextSeq = fwdNext;
  if (occupies && (nextSeq === undefined || seqGt(segEnd, nextSeq))) {
    fwd.nextSeq = nextSeq = segEnd;
    fwd.nextSeqNs = seg.tsNs;
    addUnacked(fwd, { frame: seg.frame, seq, nextSeq: segEnd, tsNs: seg.tsNs });
  } else if ((keepAlive || spurious) && seglen > 0) {
    addUnacked(fwd, { frame: seg.frame, seq, nextSeq: segEnd, tsNs: seg.tsNs });
  } else if (nextSeq === undefined) {
    fwd.nextSeq = nextSeq = seq;
  }
  if (ackFlag) {
    fwd.lastAck = ack;
    fwd.lastAckNs = seg.tsNs;
    fwd.keepAliveAckBias = keepAliveAck ? 1 : 0;
  }
  fwd.window = seg.window;
  fwd.lastKeepAlive = keepAlive;

  // Handshake and initial RTT.
  if (syn && !ackFlag) {
    conv.completeness |= Completeness.SYN;
    // The most recent SYN counts (a retransmitted SYN restarts the clock); a zero timestamp means none, as in tshark.
    conv.synNs = seg.tsZero ? undefined : seg.tsNs;
    conv.synDirection = direction;
  } else if (syn && ackFlag) {
    if (conv.completeness & Completeness.SYN) conv.completeness |= Completeness.SYNACK;
    conv.synAckSeen = true;
  } else if (ackFlag) {
    // The initial RTT ends with the SYN sender's first ACK, SYN-ACK seen or not, or with a RST refusing the SYN.
    const answers = direction === conv.synDirection || (seg.flags & Th.RST) !== 0;
    if (conv.iRttNs === undefined && conv.synNs !== undefined && answers) conv.iRttNs = nsSub(seg.tsNs, conv.synNs);
  }
  // Completeness as tshark 4.0 counts it (observed): only a SYN counts on the segment that opens the
  // stream; a bare ACK counts as ACK, data (not on a SYN) as DATA, a FIN only with an ACK, and then as both.
  if (!opening) {
    if (ackFlag && seglen === 0 && !(seg.flags & (Th.SYN | Th.FIN | Th.RST))) conv.completeness |= Completeness.ACK;
    if (seglen > 0 && !syn) conv.completeness |= Completeness.DATA;
    if ((seg.flags & Th.FIN) && ackFlag) conv.completeness |= Completeness.FIN | Completeness.ACK;
  }
  if (seg.flags & Th.RST) {
    conv.completeness |= Completeness.RST;
    conv.closing = true;
  }
  let finRole: 'active' | 'passive' | undefined;
  if (seg.flags & Th.FIN) {
    conv.closing = true;
    conv.finSide ??= direction;
    finRole = conv.finSide === direction ? 'active' : 'passive';
  }

  let bytesInFlight: number | undefined;
  let pushBytes: number | undefined;
  if (seglen > 0 && fwd.validBif) {
    // The other side's lastAck is not written by this segment (only this side's is).
    const ackedUpTo = revLastAck ?? firstSeq;
    // After an ACK to a keep-alive, tshark counts one byte fewer in flight until the next ACK.
    const inFlight = seqDiff(nextSeq!, ackedUpTo) - ((seg.flags & Th.FIN) ? 1 : 0) - rev.keepAliveAckBias;
    if (inFlight > 0 && inFlight < 0x40000000) bytesInFlight = inFlight;
    if (keepAlive || spurious) bytesInFlight = seglen;
    fwd.pushBytes = pushBytes = fwd.pushBytes + seglen;
  }
  if (seg.flags & Th.PSH) fwd.pushBytes = 0;

  const ackBase = revBase ?? 0;
  // Every field present from the start (undefined when absent): one object shape for all segments.
  return {
    stream: conv.index,
    direction,
    relSeq: seqDiff(seq, base),
    relAck: ackFlag ? seqDiff(ack, ackBase) : 0,
    relNxt: seqDiff(segEnd, base),
    ackBase,
    completeness,
    timeRelNs,
    timeDeltaNs,
    firstFrame: conv.firstFrame,
    prevFrame,
    winScale: fwd.winScale,
    flags: segmentFlags(bits, rto, dupAck),
    acksFrame: acked?.frame,
    ackRttNs: acked === undefined ? undefined : nsSub(seg.tsNs, acked.tsNs),
    iRttNs: conv.iRttNs,
    bytesInFlight,
    pushBytes,
    duplicateData,
    overlap,
    fin: finRole,
  };
}

const COMPLETENESS_NAMES: Record<number, string> = {
  1: 'Incomplete, SYN_SENT',
  3: 'Incomplete, CLIENT_ESTABLISHED',
  7: 'Incomplete, ESTABLISHED',
  15: 'Incomplete, DATA',
  31: 'Complete, WITH_DATA',
  47: 'Complete, WITH_DATA',
  63: 'Complete, WITH_DATA',
  23: 'Complete, NO_DATA',
  39: 'Complete, NO_DATA',
  55: 'Complete, NO_DATA',
};

export function completenessText(v: number): string {
  return `${COMPLETENESS_NAMES[v] ?? 'Incomplete'} (${v})`;
}
