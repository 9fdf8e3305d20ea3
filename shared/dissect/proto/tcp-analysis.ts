/**
 * TCP conversation state and sequence analysis, as Wireshark's tcp_analyze_seq
 * does it: per stream two flows, relative sequence bases, what each ACK
 * acknowledges, and the flags (retransmission, duplicate ACK, ...) a segment earns.
 * Everything here runs on the first, in-order pass only; the result for each
 * frame is a plain object that tcp.ts memoises for revisits.
 */

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
  rto?: { ns: bigint; frame: number };
  lostSegment?: boolean;
  ackLostSegment?: boolean;
  windowUpdate?: boolean;
  keepAlive?: boolean;
  keepAliveAck?: boolean;
  dupAck?: { num: number; frame: number };
  zeroWindow?: boolean;
}

/** Segments kept waiting for their ACK per flow; a one-way capture must not grow this without end. */
const MAX_UNACKED = 512;

interface Unacked {
  frame: number;
  seq: number;
  nextSeq: number;
  tsNs: bigint;
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
  lastFlags: AnalysisFlags;
  pushBytes: number;
  unacked: Unacked[];
  lastAckNs: bigint;
  /** False once a gap was seen in this direction. */
  validBif: boolean;
  /** 1 while the last ACK this side sent answered a keep-alive. */
  keepAliveAckBias: number;
  /** First raw sequence number seen (the SYN's, when there was one). */
  firstSeq: number | undefined;
  /** When nextSeq last moved forward. */
  nextSeqNs: bigint;
}

export interface Conversation {
  index: number;
  /** Endpoint key of the side whose segments form flow 0. */
  side0: string;
  flows: [Flow, Flow];
  firstNs: bigint;
  lastNs: bigint;
  completeness: number;
  synNs: bigint | undefined;
  synDirection: 0 | 1;
  /** A SYN-ACK went by (its bit counts only after a SYN, but it still opens the handshake). */
  synAckSeen: boolean;
  iRttNs: bigint | undefined;
  /** Side that sent the first FIN. */
  finSide: 0 | 1 | undefined;
  /** Set once FIN or RST went both ways or RST seen: a new SYN starts a new stream. */
  closing: boolean;
}

export interface TcpSessionState {
  conversations: Map<string, Conversation>;
  nextIndex: number;
}

export function newTcpSession(): TcpSessionState {
  return { conversations: new Map(), nextIndex: 0 };
}

function newFlow(): Flow {
  return {
    base: undefined, nextSeq: undefined, lastAck: undefined, window: undefined, winScale: -1,
    lastNonDupAck: 0, dupAckNum: 0, lastFlags: {}, pushBytes: 0, unacked: [], nextSeqNs: 0n, firstSeq: undefined, keepAliveAckBias: 0, validBif: true, lastAckNs: 0n,
  };
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
  timeRelNs: bigint;
  timeDeltaNs: bigint;
  winScale: number;
  flags: AnalysisFlags;
  acksFrame?: number;
  ackRttNs?: bigint;
  iRttNs?: bigint;
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
  srcKey: string;
  dstKey: string;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  seglen: number;
  wsShift: number | undefined;
  tsNs: bigint;
  frame: number;
}

/** Stream bookkeeping for a segment too short to analyse: its stream, completeness so far and times. */
export function conversationOnly(s: TcpSessionState, srcKey: string, dstKey: string, tsNs: bigint):
  { stream: number; direction: 0 | 1; completeness: number; timeRelNs: bigint; timeDeltaNs: bigint } {
  const key = srcKey < dstKey ? srcKey + '|' + dstKey : dstKey + '|' + srcKey;
  let conv = s.conversations.get(key);
  if (!conv) {
    conv = {
      index: s.nextIndex++, side0: srcKey, flows: [newFlow(), newFlow()], firstNs: tsNs, lastNs: tsNs,
      completeness: 0, synNs: undefined, synDirection: 0, synAckSeen: false, iRttNs: undefined, closing: false, finSide: undefined,
    };
    s.conversations.set(key, conv);
  }
  const out = { stream: conv.index, direction: (conv.side0 === srcKey ? 0 : 1) as 0 | 1, completeness: conv.completeness, timeRelNs: tsNs - conv.firstNs, timeDeltaNs: tsNs - conv.lastNs };
  conv.lastNs = tsNs;
  return out;
}

export function analyseSegment(s: TcpSessionState, seg: SegmentInput): SegmentAnalysis {
  const key = seg.srcKey < seg.dstKey ? seg.srcKey + '|' + seg.dstKey : seg.dstKey + '|' + seg.srcKey;
  let conv = s.conversations.get(key);
  const syn = (seg.flags & Th.SYN) !== 0;
  const ackFlag = (seg.flags & Th.ACK) !== 0;
  let reused = false;
  if (conv && syn && !ackFlag && conv.closing) {
    const f = conv.flows[conv.side0 === seg.srcKey ? 0 : 1];
    if (f.base === undefined || f.base !== seg.seq) {
      conv = undefined;
      reused = true;
    }
  }
  const opening = !conv;
  if (!conv) {
    conv = {
      index: s.nextIndex++, side0: seg.srcKey, flows: [newFlow(), newFlow()], firstNs: seg.tsNs, lastNs: seg.tsNs,
      completeness: 0, synNs: undefined, synDirection: 0, synAckSeen: false, iRttNs: undefined, closing: false, finSide: undefined,
    };
    s.conversations.set(key, conv);
  }
  const direction: 0 | 1 = conv.side0 === seg.srcKey ? 0 : 1;
  const fwd = conv.flows[direction];
  const rev = conv.flows[1 - direction]!;
  const completeness = conv.completeness;
  const timeRelNs = seg.tsNs - conv.firstNs;
  const timeDeltaNs = seg.tsNs - conv.lastNs;
  conv.lastNs = seg.tsNs;

  // Relative bases: a SYN fixes them; otherwise the first segment counts as relative 1.
  if (syn) {
    fwd.base = seg.seq;
  } else if (fwd.base === undefined) {
    fwd.base = (seg.seq - 1) >>> 0;
  }
  fwd.firstSeq ??= seg.seq;
  if (ackFlag && rev.base === undefined) rev.base = (seg.ack - 1) >>> 0;

  // Window scaling is agreed in the handshake.
  if (syn) {
    fwd.winScale = seg.wsShift ?? -2;
    if (ackFlag && (fwd.winScale === -2 || rev.winScale === -2)) {
      fwd.winScale = -2;
      if (rev.winScale !== -1) rev.winScale = -2;
    }
  }

  const flags: AnalysisFlags = {};
  if (reused) flags.reusedPorts = true;
  const noCtl = (seg.flags & (Th.SYN | Th.FIN | Th.RST)) === 0;
  const seglen = seg.seglen;
  const seq = seg.seq;
  const ack = seg.ack;

  if (seg.window === 0 && noCtl) flags.zeroWindow = true;
  if (fwd.nextSeq !== undefined && seqGt(seq, fwd.nextSeq) && (seg.flags & Th.RST) === 0) {
    flags.lostSegment = true;
    // With bytes missing tshark stops counting bytes in flight and push bytes for this side.
    fwd.validBif = false;
  }
  if (seglen <= 1 && noCtl && fwd.nextSeq !== undefined && ((fwd.nextSeq - 1) >>> 0) === seq) flags.keepAlive = true;
  const sameState = seglen === 0 && fwd.nextSeq !== undefined && seq === fwd.nextSeq && fwd.lastAck !== undefined && ack === fwd.lastAck && noCtl;
  if (sameState && seg.window !== 0 && fwd.window !== undefined && seg.window !== fwd.window) flags.windowUpdate = true;
  if (sameState && fwd.window !== undefined && seg.window === fwd.window && rev.lastFlags.keepAlive) flags.keepAliveAck = true;
  if (sameState && !flags.keepAliveAck && seg.window !== 0 && fwd.window !== undefined && seg.window === fwd.window) {
    fwd.dupAckNum++;
    flags.dupAck = { num: fwd.dupAckNum, frame: fwd.lastNonDupAck };
  } else {
    fwd.lastNonDupAck = seg.frame;
    fwd.dupAckNum = 0;
  }
  if (ackFlag && rev.nextSeq !== undefined && seqGt(ack, rev.nextSeq)) flags.ackLostSegment = true;

  let duplicateData = false;
  let overlap = 0;
  const occupies = seglen > 0 || (seg.flags & (Th.SYN | Th.FIN)) !== 0;
  if (occupies && fwd.nextSeq !== undefined && seqLt(seq, fwd.nextSeq) && !flags.keepAlive) {
    // Shortly after the segment that moved the edge (under the initial RTT, else 3 ms), a segment
    // filling in below it is out of order rather than resent.
    const threshold = conv.iRttNs ?? 3_000_000n;
    const sinceEdge = seg.tsNs - fwd.nextSeqNs;
    if (rev.dupAckNum >= 2 && rev.lastAck === seq && seg.tsNs - rev.lastAckNs < 20_000_000n) {
      flags.fastRetransmission = true;
      flags.retransmission = true;
    } else if (seglen > 0 && sinceEdge < threshold && fwd.nextSeq !== ((seq + seglen) >>> 0)) flags.outOfOrder = true;
    else flags.retransmission = true;
    if (flags.retransmission) {
      // tshark measures from the oldest segment still waiting for its ACK.
      const first = fwd.unacked[0];
      if (first) flags.rto = { ns: seg.tsNs - first.tsNs, frame: first.frame };
    }
    if (flags.retransmission && seglen > 0 && rev.lastAck !== undefined && !seqGt((seq + seglen) >>> 0, rev.lastAck)) flags.spurious = true;
  }
  if (seglen > 0 && fwd.nextSeq !== undefined && seqLt(seq, fwd.nextSeq)) {
    const seen = seqDiff(fwd.nextSeq, seq);
    if (seen >= seglen) duplicateData = true;
    else overlap = seen;
  }

  // What this segment acknowledges.
  let acksFrame: number | undefined;
  let ackRttNs: bigint | undefined;
  if (ackFlag) {
    for (const u of rev.unacked) {
      if (u.nextSeq === ack) {
        acksFrame = u.frame;
        ackRttNs = seg.tsNs - u.tsNs;
      }
    }
    if (rev.unacked.length > 0 && !seqGt(rev.unacked[0]!.nextSeq, ack)) rev.unacked = rev.unacked.filter((u) => seqGt(u.nextSeq, ack));
  }

  // Advance this flow.
  const segEnd = (seq + seglen + (syn ? 1 : 0) + ((seg.flags & Th.FIN) ? 1 : 0)) >>> 0;
  if (occupies && (fwd.nextSeq === undefined || seqGt(segEnd, fwd.nextSeq))) {
    fwd.nextSeq = segEnd;
    fwd.nextSeqNs = seg.tsNs;
    fwd.unacked.push({ frame: seg.frame, seq, nextSeq: segEnd, tsNs: seg.tsNs });
    if (fwd.unacked.length > MAX_UNACKED) fwd.unacked.splice(0, fwd.unacked.length - MAX_UNACKED);
  } else if ((flags.keepAlive || flags.spurious) && seglen > 0) {
    fwd.unacked.push({ frame: seg.frame, seq, nextSeq: segEnd, tsNs: seg.tsNs });
    if (fwd.unacked.length > MAX_UNACKED) fwd.unacked.splice(0, fwd.unacked.length - MAX_UNACKED);
  } else if (fwd.nextSeq === undefined) {
    fwd.nextSeq = seq;
  }
  if (ackFlag) {
    fwd.lastAck = ack;
    fwd.lastAckNs = seg.tsNs;
    fwd.keepAliveAckBias = flags.keepAliveAck ? 1 : 0;
  }
  fwd.window = seg.window;
  fwd.lastFlags = flags;

  // Handshake and initial RTT.
  if (syn && !ackFlag) {
    conv.completeness |= Completeness.SYN;
    // The most recent SYN counts (a retransmitted SYN restarts the clock); a zero timestamp means none, as in tshark.
    conv.synNs = seg.tsNs === 0n ? undefined : seg.tsNs;
    conv.synDirection = direction;
  } else if (syn && ackFlag) {
    if (conv.completeness & Completeness.SYN) conv.completeness |= Completeness.SYNACK;
    conv.synAckSeen = true;
  } else if (ackFlag) {
    // The initial RTT ends with the SYN sender's first ACK, SYN-ACK seen or not, or with a RST refusing the SYN.
    const answers = direction === conv.synDirection || (seg.flags & Th.RST) !== 0;
    if (conv.iRttNs === undefined && conv.synNs !== undefined && answers) conv.iRttNs = seg.tsNs - conv.synNs;
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
    if (fwd.nextSeq !== undefined) {
      const acked = rev.lastAck ?? fwd.firstSeq!;
      // After an ACK to a keep-alive, tshark counts one byte fewer in flight until the next ACK.
      const inFlight = seqDiff(fwd.nextSeq, acked) - ((seg.flags & Th.FIN) ? 1 : 0) - rev.keepAliveAckBias;
      if (inFlight > 0 && inFlight < 0x40000000) bytesInFlight = inFlight;
      if (flags.keepAlive || flags.spurious) bytesInFlight = seglen;
    }
    fwd.pushBytes += seglen;
  }
  if (seglen > 0 && fwd.validBif) pushBytes = fwd.pushBytes;
  if (seg.flags & Th.PSH) fwd.pushBytes = 0;

  const base = fwd.base;
  const ackBase = rev.base ?? 0;
  const out: SegmentAnalysis = {
    stream: conv.index,
    direction,
    relSeq: seqDiff(seq, base),
    relAck: ackFlag ? seqDiff(ack, ackBase) : 0,
    relNxt: seqDiff(segEnd, base),
    ackBase,
    completeness,
    timeRelNs,
    timeDeltaNs,
    winScale: fwd.winScale,
    flags,
    duplicateData,
    overlap,
  };
  if (acksFrame !== undefined) {
    out.acksFrame = acksFrame;
    out.ackRttNs = ackRttNs;
  }
  if (conv.iRttNs !== undefined) out.iRttNs = conv.iRttNs;
  if (bytesInFlight !== undefined) out.bytesInFlight = bytesInFlight;
  if (pushBytes !== undefined) out.pushBytes = pushBytes;
  if (finRole) out.fin = finRole;
  return out;
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
