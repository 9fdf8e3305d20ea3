/**
 * Transmission Control Protocol: header, options, conversation tracking
 * (tcp.stream, relative sequence numbers, analysis flags) and hand-off of the
 * payload to application dissectors, with stream reassembly (tcp-reassembly.ts).
 * Labels and the Info column follow tshark 4.0 with default preferences.
 */
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import { fields, type FieldDef } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { FieldTable, Tree } from '../tree.js';
import { BoundsError, ensure, MalformedError, slice, u16, u32, u8, type Tvb } from '../tvb.js';
import type { IpPacketInfo } from './ipv4.js';
import { formatRelativeTime } from '../../format/time-text.js';
import { bigNs, nsSince, type Ns } from '../ns.js';
import { analyseSegment, completenessText, conversationOnly, hasAnalysisFlag, newTcpSession, segmentNotes, Th, type SegmentAnalysis, type SegmentInput, type TcpSessionState } from './tcp-analysis.js';
import { TcpFrames, type TcpMemo } from './tcp-frames.js';
import { awaitsFin, deliverPayload, hfTcpReasm, NO_PLAN, planForRevisit } from './tcp-stream.js';
import { hfTcpPdu } from './tcp-reassembly.js';
import { wireEnd } from './wire-end.js';

export const tcpProto = protocol('tcp', 'TCP', 'Transmission Control Protocol');

const OPTION_KINDS: Record<number, string> = {
  0: 'End of Option List', 1: 'No-Operation', 2: 'Maximum Segment Size', 3: 'Window Scale', 4: 'SACK Permitted',
  5: 'SACK', 6: 'Echo', 7: 'Echo Reply', 8: 'Time Stamp Option', 9: 'Partial Order Connection Permitted', 10: 'Partial Order Service Profile',
  11: 'CC', 12: 'CC.NEW', 13: 'CC.ECHO', 14: 'TCP Alternate Checksum Request', 15: 'TCP Alternate Checksum Data', 16: 'Skeeter', 17: 'Bubba',
  18: 'Trailer Checksum Option', 19: 'MD5 Signature Option', 20: 'SCPS Capabilities', 21: 'Selective Negative Acknowledgements',
  22: 'Record Boundaries', 23: 'Corruption experienced', 24: 'SNAP', 25: 'Unassigned', 26: 'TCP Compression Filter',
  27: 'Quick-Start Response', 28: 'User Timeout Option', 29: 'TCP Authentication Option', 30: 'Multipath TCP', 34: 'TCP Fast Open Cookie',
  69: 'Encryption Negotiation', 172: 'Accurate ECN Order 0 (AccECN0)', 174: 'Accurate ECN Order 1 (AccECN1)', 253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
};

const opt = (abbrev: string, name: string): FieldDef => ({ abbrev, name, type: 'protocol' });
const none = (abbrev: string, name: string): FieldDef => ({ abbrev, name, type: 'none' });
const flag = (abbrev: string, name: string, bitmask: number): FieldDef => ({ abbrev, name, type: 'boolean', bits: 12, bitmask, tfs: ['Set', 'Not set'] });

export const hfTcp = fields({
  srcport: { abbrev: 'tcp.srcport', name: 'Source Port', type: 'uint16', base: 'dec' },
  dstport: { abbrev: 'tcp.dstport', name: 'Destination Port', type: 'uint16', base: 'dec' },
  port: { abbrev: 'tcp.port', name: 'Source or Destination Port', type: 'uint16', base: 'dec' },
  stream: { abbrev: 'tcp.stream', name: 'Stream index', type: 'uint32', base: 'dec' },
  completeness: { abbrev: 'tcp.completeness', name: 'Conversation completeness', type: 'uint8', base: 'dec' },
  len: { abbrev: 'tcp.len', name: 'TCP Segment Len', type: 'uint32', base: 'dec' },
  seq: { abbrev: 'tcp.seq', name: 'Sequence Number', type: 'uint32', base: 'dec' },
  seqRaw: { abbrev: 'tcp.seq_raw', name: 'Sequence Number (raw)', type: 'uint32', base: 'dec' },
  nxtseq: { abbrev: 'tcp.nxtseq', name: 'Next Sequence Number', type: 'uint32', base: 'dec' },
  ack: { abbrev: 'tcp.ack', name: 'Acknowledgment Number', type: 'uint32', base: 'dec' },
  ackRaw: { abbrev: 'tcp.ack_raw', name: 'Acknowledgment number (raw)', type: 'uint32', base: 'dec' },
  hdrLen: { abbrev: 'tcp.hdr_len', name: 'Header Length', type: 'uint8', base: 'dec' },
  flags: { abbrev: 'tcp.flags', name: 'Flags', type: 'uint16', base: 'hex', bitmask: 0xfff, bits: 16 },
  flagRes: flag('tcp.flags.res', 'Reserved', 0xe00),
  flagAe: flag('tcp.flags.ae', 'Accurate ECN', 0x100),
  flagCwr: flag('tcp.flags.cwr', 'Congestion Window Reduced', 0x80),
  flagEce: flag('tcp.flags.ece', 'ECN-Echo', 0x40),
  flagUrg: flag('tcp.flags.urg', 'Urgent', 0x20),
  flagAck: flag('tcp.flags.ack', 'Acknowledgment', 0x10),
  flagPush: flag('tcp.flags.push', 'Push', 0x8),
  flagReset: flag('tcp.flags.reset', 'Reset', 0x4),
  flagSyn: flag('tcp.flags.syn', 'Syn', 0x2),
  flagFin: flag('tcp.flags.fin', 'Fin', 0x1),
  flagsStr: { abbrev: 'tcp.flags.str', name: 'TCP Flags', type: 'string' },
  windowValue: { abbrev: 'tcp.window_size_value', name: 'Window', type: 'uint16', base: 'dec' },
  windowSize: { abbrev: 'tcp.window_size', name: 'Calculated window size', type: 'uint32', base: 'dec' },
  windowScale: { abbrev: 'tcp.window_size_scalefactor', name: 'Window size scaling factor', type: 'int32', base: 'dec' },
  checksum: { abbrev: 'tcp.checksum', name: 'Checksum', type: 'uint16', base: 'hex' },
  checksumStatus: { abbrev: 'tcp.checksum.status', name: 'Checksum Status', type: 'uint8', strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } },
  urgentPointer: { abbrev: 'tcp.urgent_pointer', name: 'Urgent Pointer', type: 'uint16', base: 'dec' },
  options: { abbrev: 'tcp.options', name: 'TCP Options', type: 'bytes' },
  optionKind: { abbrev: 'tcp.option_kind', name: 'Kind', type: 'uint8', base: 'dec', strings: OPTION_KINDS },
  optionLen: { abbrev: 'tcp.option_len', name: 'Length', type: 'uint8', base: 'dec' },
  optNop: opt('tcp.options.nop', 'TCP Option - No-Operation (NOP)'),
  optEol: opt('tcp.options.eol', 'TCP Option - End of Option List (EOL)'),
  optTimestamp: opt('tcp.options.timestamp', 'TCP Option - Timestamps'),
  optMss: opt('tcp.options.mss', 'TCP Option - Maximum segment size'),
  optWscale: opt('tcp.options.wscale', 'TCP Option - Window scale'),
  optSackPerm: opt('tcp.options.sack_perm', 'TCP Option - SACK permitted'),
  optSack: opt('tcp.options.sack', 'TCP Option - SACK'),
  optQs: opt('tcp.options.qs', 'TCP Option - Quick-Start'),
  optUserTo: opt('tcp.options.user_to', 'TCP Option - User Timeout'),
  qsRate: { abbrev: 'tcp.options.qs.rate', name: 'QS Rate', type: 'uint8', base: 'dec', bitmask: 0x0f, bits: 8 },
  qsTtlDiff: { abbrev: 'tcp.options.qs.ttl_diff', name: 'QS Rate', type: 'uint8', base: 'dec' },
  userToGranularity: { abbrev: 'tcp.options.user_to_granularity', name: 'Granularity', type: 'boolean', bitmask: 0x8000, bits: 16, tfs: ['Minutes', 'Seconds'] },
  userToVal: { abbrev: 'tcp.options.user_to_val', name: 'User Timeout', type: 'uint16', base: 'dec', bitmask: 0x7fff, bits: 16 },
  optUnknown: opt('tcp.options.unknown', 'TCP Option - Unknown'),
  mssVal: { abbrev: 'tcp.options.mss_val', name: 'MSS Value', type: 'uint16', base: 'dec' },
  wscaleShift: { abbrev: 'tcp.options.wscale.shift', name: 'Shift count', type: 'uint8', base: 'dec' },
  wscaleMultiplier: { abbrev: 'tcp.options.wscale.multiplier', name: 'Multiplier', type: 'uint16', base: 'dec' },
  sackLe: { abbrev: 'tcp.options.sack_le', name: 'TCP SACK Left Edge', type: 'uint32', base: 'dec' },
  sackRe: { abbrev: 'tcp.options.sack_re', name: 'TCP SACK Right Edge', type: 'uint32', base: 'dec' },
  dsackLe: { abbrev: 'tcp.options.sack.dsack_le', name: 'TCP D-SACK Left Edge', type: 'uint32', base: 'dec' },
  dsackRe: { abbrev: 'tcp.options.sack.dsack_re', name: 'TCP D-SACK Right Edge', type: 'uint32', base: 'dec' },
  dsack: none('tcp.options.sack.dsack', 'D-SACK Sequence'),
  sackCount: { abbrev: 'tcp.options.sack.count', name: 'TCP SACK Count', type: 'uint8', base: 'dec' },
  tsval: { abbrev: 'tcp.options.timestamp.tsval', name: 'Timestamp value', type: 'uint32', base: 'dec' },
  tsecr: { abbrev: 'tcp.options.timestamp.tsecr', name: 'Timestamp echo reply', type: 'uint32', base: 'dec' },
  unknownPayload: { abbrev: 'tcp.options.unknown.payload', name: 'Payload', type: 'bytes' },
  mssAbsent: none('tcp.options.mss.absent', 'The SYN packet does not contain a MSS option'),
  optionLenInvalid: none('tcp.option.len.invalid', 'Invalid length for option'),
  timeRelative: { abbrev: 'tcp.time_relative', name: 'Time since first frame in this TCP stream', type: 'relative_time', unit: ' seconds' },
  timeDelta: { abbrev: 'tcp.time_delta', name: 'Time since previous frame in this TCP stream', type: 'relative_time', unit: ' seconds' },
  analysis: none('tcp.analysis', 'SEQ/ACK analysis'),
  analysisFlags: none('tcp.analysis.flags', 'TCP Analysis Flags'),
  acksFrame: { abbrev: 'tcp.analysis.acks_frame', name: 'This is an ACK to the segment in frame', type: 'framenum' },
  ackRtt: { abbrev: 'tcp.analysis.ack_rtt', name: 'The RTT to ACK the segment was', type: 'relative_time', unit: ' seconds' },
  initialRtt: { abbrev: 'tcp.analysis.initial_rtt', name: 'iRTT', type: 'relative_time', unit: ' seconds' },
  rto: { abbrev: 'tcp.analysis.rto', name: 'The RTO for this segment was', type: 'relative_time', unit: ' seconds' },
  rtoFrame: { abbrev: 'tcp.analysis.rto_frame', name: 'RTO based on delta from frame', type: 'framenum' },
  bytesInFlight: { abbrev: 'tcp.analysis.bytes_in_flight', name: 'Bytes in flight', type: 'uint32', base: 'dec' },
  pushBytes: { abbrev: 'tcp.analysis.push_bytes_sent', name: 'Bytes sent since last PSH flag', type: 'uint32', base: 'dec' },
  retransmission: none('tcp.analysis.retransmission', 'This frame is a (suspected) retransmission'),
  spuriousRetransmission: none('tcp.analysis.spurious_retransmission', 'This frame is a (suspected) spurious retransmission'),
  fastRetransmission: none('tcp.analysis.fast_retransmission', 'This frame is a (suspected) fast retransmission'),
  reusedPorts: none('tcp.analysis.reused_ports', 'A new tcp session is started with the same ports as an earlier session in this trace'),
  outOfOrder: none('tcp.analysis.out_of_order', 'This frame is a (suspected) out-of-order segment'),
  lostSegment: none('tcp.analysis.lost_segment', 'Previous segment(s) not captured (common at capture start)'),
  ackLostSegment: none('tcp.analysis.ack_lost_segment', "ACKed segment that wasn't captured (common at capture start)"),
  windowUpdate: none('tcp.analysis.window_update', 'TCP window update'),
  keepAlive: none('tcp.analysis.keep_alive', 'TCP keep-alive segment'),
  keepAliveAck: none('tcp.analysis.keep_alive_ack', 'ACK to a TCP keep-alive segment'),
  duplicateAck: none('tcp.analysis.duplicate_ack', 'Duplicate ACK'),
  duplicateAckNum: { abbrev: 'tcp.analysis.duplicate_ack_num', name: 'Duplicate ACK #', type: 'uint32', base: 'dec' },
  duplicateAckFrame: { abbrev: 'tcp.analysis.duplicate_ack_frame', name: 'Duplicate to the ACK in frame', type: 'framenum' },
  zeroWindow: none('tcp.analysis.zero_window', 'TCP Zero Window segment'),
  connSyn: none('tcp.connection.syn', 'Connection establish request (SYN)'),
  connSynAck: none('tcp.connection.synack', 'Connection establish acknowledge (SYN+ACK)'),
  connFin: none('tcp.connection.fin', 'Connection finish (FIN)'),
  finActive: none('tcp.connection.fin_active', 'This frame initiates the connection closing'),
  finPassive: none('tcp.connection.fin_passive', 'This frame undergoes the connection closing'),
  ackNonzero: none('tcp.ack.nonzero', 'The acknowledgment number field is nonzero while the ACK flag is not set'),
  urgentNonzero: none('tcp.urgent_pointer.non_zero', 'The urgent pointer field is nonzero while the URG flag is not set'),
  shortSegment: none('tcp.short_segment', 'Short segment'),
  connRst: none('tcp.connection.rst', 'Connection reset (RST)'),
  payload: { abbrev: 'tcp.payload', name: 'TCP payload', type: 'bytes' },
  bogusHeaderLength: none('tcp.bogus_header_length', 'Bogus TCP Header length'),
});

/** The fields of the header, options and analysis items: all but the ports (added apart, read by most TCP filters). */
const { srcport: _srcport, dstport: _dstport, port: _port, ...hfTcpBeyondPorts } = hfTcp;

/**
 * The items of blocks that cannot throw, each skipped on a filter's pruned tree naming none of them
 * (a block that may throw always runs: where it stops ends the layer).
 */
const FLAG_ITEM_FIELDS: FieldTable = {
  flags: hfTcp.flags, flagRes: hfTcp.flagRes, flagAe: hfTcp.flagAe, flagCwr: hfTcp.flagCwr, flagEce: hfTcp.flagEce,
  flagUrg: hfTcp.flagUrg, flagAck: hfTcp.flagAck, flagPush: hfTcp.flagPush, flagReset: hfTcp.flagReset, flagSyn: hfTcp.flagSyn,
  flagFin: hfTcp.flagFin, flagsStr: hfTcp.flagsStr, connRst: hfTcp.connRst, connSyn: hfTcp.connSyn, connSynAck: hfTcp.connSynAck,
  connFin: hfTcp.connFin, finActive: hfTcp.finActive, finPassive: hfTcp.finPassive,
};
const TIMESTAMP_FIELDS: FieldTable = { timeRelative: hfTcp.timeRelative, timeDelta: hfTcp.timeDelta };
/** The options walk reads only the header's bytes: it throws only when the capture cut them. */
const OPTION_ITEM_FIELDS: FieldTable = Object.fromEntries(Object.entries(hfTcp).filter(([, def]) => def.abbrev.startsWith('tcp.option')));
const ANALYSIS_FIELDS: FieldTable = Object.fromEntries(Object.entries(hfTcp).filter(([, def]) => def.abbrev.startsWith('tcp.analysis')));

const FLAG_NAMES: [number, string][] = [
  [Th.FIN, 'FIN'], [Th.SYN, 'SYN'], [Th.RST, 'RST'], [Th.PSH, 'PSH'], [Th.ACK, 'ACK'], [Th.URG, 'URG'], [Th.ECE, 'ECE'], [Th.CWR, 'CWR'], [Th.AE, 'AE'],
];
const FLAG_LETTERS = 'RRRACEUAPRSF';

/** Quick-Start rate codes (RFC 4782). */
const QS_RATES = ['0 bit/s', '80 kbit/s', '160 kbit/s', '320 kbit/s', '640 kbit/s', '1.28 Mbit/s', '2.56 Mbit/s', '5.12 Mbit/s',
  '10.24 Mbit/s', '20.48 Mbit/s', '40.96 Mbit/s', '81.92 Mbit/s', '163.84 Mbit/s', '327.68 Mbit/s', '655.36 Mbit/s', '1.31072 Gbit/s'];

/** `[SYN, ACK]`-style list of the set flags; `Reserved` when reserved bits are set. */
export function tcpFlagNames(flags: number): string {
  // Every segment's Info needs this text and only a few flag values occur, so each is built once.
  const key = flags & 0xfff;
  let text = flagNamesByValue[key];
  if (text === undefined) flagNamesByValue[key] = text = buildFlagNames(key);
  return text;
}

const flagNamesByValue: (string | undefined)[] = new Array(0x1000).fill(undefined);

function buildFlagNames(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) names.push(name);
  if (flags & 0xe00) names.push('Reserved');
  return names.length ? names.join(', ') : '<None>';
}

function flagLetters(flags: number): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += flags & (1 << (11 - i)) ? FLAG_LETTERS[i] : '\u00b7';
  return s;
}

/** `.... 0001`-style picture of `mask` within a `bits`-wide field, showing `value` (the whole field). */
export function bitPicture(value: number, mask: number, bits: number): string {
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const bit = 1 << i;
    s += mask & bit ? (value & bit ? '1' : '0') : '.';
    if (i > 0 && i % 4 === 0) s += ' ';
  }
  return s;
}

/**
 * The analysis input, filled anew for each segment: analyseSegment keeps none of it and calls
 * no other dissector, so one object serves every segment (not ~150 bytes of garbage each).
 */
const SEGMENT: SegmentInput = {
  srcAddr: '', srcAddrKey: -1, srcPort: 0, dstAddr: '', dstAddrKey: -1, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, seglen: 0,
  wsShift: undefined, tsNs: 0 as Ns, tsZero: false, frame: 0,
};

/**
 * The analysis TCP found for the packet this context dissects (undefined when it is not
 * TCP): what the row colour and the packet list read.
 */
export function segmentAnalysis(ctx: PacketContext): SegmentAnalysis | undefined {
  return ctx.getMemo<TcpMemo>('tcp')?.a ?? ctx.getMemo<SegmentAnalysis>('tcp.short');
}

/** The capture's per-frame TCP records (only when the dissection keeps memos for revisits). */
function tcpFrames(ctx: PacketContext): TcpFrames | undefined {
  if (!ctx.keepsMemos || !ctx.times) return undefined;
  let store = ctx.session.find<TcpFrames>('tcp.frames');
  if (!store) ctx.session.set('tcp.frames', (store = new TcpFrames(ctx.times)));
  return store;
}

/** The frame's time for the analysis: nanoseconds from the session's first segment's second. */
function segmentTime(session: TcpSessionState, ctx: PacketContext): Ns {
  session.epochSec ??= ctx.frame.tsSec;
  return nsSince(session.epochSec, ctx.frame.tsSec, ctx.frame.tsNsec);
}

/** What the analysis and the Info column need from the options besides their text (see optionsInfo). */
interface ParsedOptions {
  wsShift?: number;
  /** Offset of a SACK option: its edges go in the Info column relative to the ACK base, known after the analysis. */
  sackAt?: number;
  hasMss?: boolean;
}

function dissectTcp(tvb: Tvb, offset: number, end: number, ctx: PacketContext, parent: Tree, ip?: unknown): number {
  const srcPort = u16(tvb, offset);
  const dstPort = u16(tvb, offset + 2);
  ctx.srcPort = srcPort;
  ctx.dstPort = dstPort;
  const cols = ctx.cols;
  cols.clearInfo();
  if (end - offset < 16 && end === tvb.bytes.length && tvb.reportedLength > end) {
    // Cut by the snapshot length: tshark shows the ports, then fails reading the rest of the fixed header.
    const cut = ctx.enter(tcpProto, parent, tvb, offset, end - offset, undefined);
    if (cut.labels) cut.setText(`Transmission Control Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}`);
    addPortItems(cut, tvb, offset, srcPort, dstPort);
    cols.setInfo(`${srcPort} \u2192 ${dstPort}`);
    ensure(tvb, offset, 16);
  }
  const seqRaw = u32(tvb, offset + 4);
  const ackRaw = u32(tvb, offset + 8);
  const offFlags = u16(tvb, offset + 12);
  const hdrLen = (offFlags >> 12) * 4;
  const flags = offFlags & 0xfff;
  const window = u16(tvb, offset + 14);
  // A snapshot length may cut the header after the window: tshark reads the rest as it shows it (addHeaderItems).
  const checksum = end - offset >= 18 ? u16(tvb, offset + 16) : 0;
  const urgent = end - offset >= 20 ? u16(tvb, offset + 18) : 0;

  const tree = ctx.enter(tcpProto, parent, tvb, offset, Math.min(hdrLen || 20, end - offset), undefined);
  addPortItems(tree, tvb, offset, srcPort, dstPort);
  if (hdrLen < 20) {
    cols.setInfo(`${srcPort} \u2192 ${dstPort} [${tcpFlagNames(flags)}] Seq=${seqRaw}`);
    if (tree.enabled) {
      tree.setText(`Transmission Control Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}`);
      const item = tree.add(hfTcp.hdrLen, tvb, offset + 12, 1, hdrLen, `${bitPicture(offFlags >> 8, 0xf0, 8)} = Header Length: ${hdrLen} bytes (${hdrLen >> 2})`);
      addExpert(item, tvb, offset + 12, 1, Severity.Error, GROUPS.Malformed, `Bogus TCP header length (${hdrLen}, must be at least 20)`, hfTcp.bogusHeaderLength);
    }
    return end - offset;
  }
  const segmentEnd = wireEnd(tvb, end, ip as IpPacketInfo | undefined);
  // A short segment is one whose header runs past its length on the wire; one the capture cut is dissected up to the cut.
  if (offset + hdrLen > segmentEnd) {
    dissectShortSegment(tvb, offset, end, ctx, tree, { seqRaw, ackRaw, hdrLen, offFlags, flags, window, winSize: window, checksum, urgent, seglen: 0, srcPort, dstPort });
    return end - offset;
  }
  const payloadOff = offset + hdrLen;
  const headerCut = payloadOff > end;
  // tcp.len is the segment's length on the wire (as IP's length gives it), which a snapshot length may have cut short.
  const captured = end - payloadOff;
  const seglen = segmentEnd - payloadOff;

  // Options are read first: the handshake's window scale feeds the analysis (only from options the capture kept whole).
  const opts = parseOptions(tvb, offset + 20, Math.min(payloadOff, end), flags);

  // Another TCP layer of this frame may have left the memo already (as a memo map did); else a revisit reads the store.
  const store = tcpFrames(ctx);
  let memo = ctx.getMemo<TcpMemo>('tcp');
  if (!memo && ctx.visited && store) {
    memo = store.load(ctx.num, { seq: seqRaw, ack: ackRaw, flags, seglen, payloadStart: payloadOff, payloadEnd: Math.max(end, payloadOff) });
    if (memo) ctx.setLocalMemo('tcp', memo);
  }
  let a: SegmentAnalysis;
  if (memo) {
    a = memo.a;
  } else {
    // A revisit without a memo (the first pass failed early) must not disturb the capture's state.
    const session = ctx.visited ? newTcpSession() : ctx.session.get<TcpSessionState>('tcp', newTcpSession);
    const seg = SEGMENT;
    seg.srcAddr = ctx.netSrc;
    seg.srcAddrKey = ctx.netSrcKey;
    seg.srcPort = srcPort;
    seg.dstAddr = ctx.netDst;
    seg.dstAddrKey = ctx.netDstKey;
    seg.dstPort = dstPort;
    seg.seq = seqRaw;
    seg.ack = ackRaw;
    seg.flags = flags;
    seg.window = window;
    seg.seglen = seglen;
    seg.wsShift = headerCut ? -1 : opts.wsShift;
    seg.tsNs = segmentTime(session, ctx);
    seg.tsZero = ctx.frame.tsSec === 0 && ctx.frame.tsNsec === 0;
    seg.frame = ctx.num;
    a = analyseSegment(session, seg);
  }

  // Info: analysis prefixes first, fenced so an application's text keeps them.
  const prefix = analysisPrefix(a);
  if (prefix) {
    cols.setInfo(prefix);
    cols.setFence();
  }
  const hasAck = (flags & Th.ACK) !== 0;
  const syn = (flags & Th.SYN) !== 0;
  let winSize = window;
  if (!syn && a.winScale >= 0) winSize = window * 2 ** a.winScale;
  // Made only if it is still there when the column is read: an application's Info usually replaces it.
  deferSegmentInfo(ctx, tvb, offset, payloadOff, end, seglen, a, winSize, opts.sackAt);

  if (tree.labels) {
    let label = `Transmission Control Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}, Seq: ${a.relSeq}`;
    if (hasAck) label += `, Ack: ${a.relAck}`;
    label += `, Len: ${seglen}`;
    tree.setText(label);
  }
  tree.setLength(Math.min(hdrLen, end - offset));
  // The full tree's tcp.len item (addHeaderItems), known to filters without a tree.
  ctx.noteTcpLen(seglen);
  // The flag and analysis items, known to filters without a tree.
  ctx.note(segmentNotes(flags, a.flags));
  const firstPass = !memo && !ctx.visited;
  if (firstPass) {
    memo = { a, plan: NO_PLAN };
    ctx.setLocalMemo('tcp', memo);
    store?.save(ctx.num, a, seqRaw);
  }
  if (tree.wantsAny(hfTcpBeyondPorts)) {
    // A header the capture cut ends in its fixed part or in the options walk: the items stop there, as tshark's.
    addHeaderItems(tree, tvb, offset, a, { seqRaw, ackRaw, hdrLen, offFlags, flags, window, winSize, checksum, urgent, seglen, srcPort, dstPort });
    // An options walk the capture's end stops fails after the timestamps, before the SEQ/ACK analysis (as tshark's).
    let cut: unknown;
    try {
      if (hdrLen > 20 && (headerCut || tree.wantsAny(OPTION_ITEM_FIELDS))) addOptionItems(tree, tvb, offset + 20, payloadOff, a, !opts.hasMss && syn, ackRaw);
    } catch (e) {
      if (!headerCut) throw e;
      cut = e;
    }
    if (tree.wantsAny(TIMESTAMP_FIELDS)) addTimestamps(tree, tvb, offset, a);
    if (cut) throw cut;
    if (!headerCut && tree.wantsAny(ANALYSIS_FIELDS)) addAnalysis(tree, tvb, offset, a);
  }
  if (headerCut) throw new BoundsError(end, payloadOff - end, end, true);
  const finishes = seglen === 0 && (flags & Th.FIN) !== 0 && (firstPass ? awaitsFin(ctx, a.stream, a.direction) : (memo?.plan.steps.length ?? 0) > 0);
  // tshark shows no payload, nor hands it on, when the capture kept none of it.
  if (captured > 0 || finishes) {
    if (captured > 0 && tree.wants(hfTcp.payload)) {
      tree.add(hfTcp.payload, tvb, payloadOff, captured, slice(tvb, payloadOff, captured), tree.labels ? `TCP payload (${seglen} byte${seglen === 1 ? '' : 's'})` : undefined);
    } else if (captured > 0 && tree.enabled) {
      // A payload the capture cut short ends the layer here on the full tree: so it must on a pruned one.
      ensure(tvb, payloadOff, captured);
    }
    const plan = deliverPayload(ctx, tvb, payloadOff, end, parent, tree, {
      stream: a.stream, direction: a.direction, srcPort, dstPort, fin: (flags & Th.FIN) !== 0,
      relSeq: (a.relSeq + (syn ? 1 : 0)) >>> 0, duplicateData: a.duplicateData, keepAlive: a.flags.keepAlive === true, spurious: a.flags.spurious === true, overlap: a.overlap,
      rst: (flags & Th.RST) !== 0, truncated: captured < seglen, wireEnd: payloadOff + seglen,
    }, firstPass || !memo ? undefined : memo.plan, ctx.visited && !memo);
    if (firstPass) {
      memo!.plan = plan;
      store?.savePlan(ctx.num, planForRevisit(ctx, plan), { seq: seqRaw, ack: ackRaw, flags, seglen, payloadStart: payloadOff, payloadEnd: end });
    }
  }
  return end - offset;
}

/** The port items (a filter's pruned tree gets them only when it names a TCP field). */
function addPortItems(tree: Tree, tvb: Tvb, offset: number, srcPort: number, dstPort: number): void {
  if (!tree.wantsAny(hfTcp)) return;
  tree.add(hfTcp.srcport, tvb, offset, 2, srcPort, tree.labels ? `Source Port: ${srcPort}` : undefined);
  tree.add(hfTcp.dstport, tvb, offset + 2, 2, dstPort, tree.labels ? `Destination Port: ${dstPort}` : undefined);
  tree.addHidden(hfTcp.port, tvb, offset, 2, srcPort);
  tree.addHidden(hfTcp.port, tvb, offset + 2, 2, dstPort);
}

function deferSegmentInfo(
  ctx: PacketContext, tvb: Tvb, offset: number, payloadOff: number, capEnd: number, seglen: number, a: SegmentAnalysis, winSize: number, sackAt: number | undefined,
): void {
  ctx.cols.appendInfoLater(() => segmentInfo(tvb, offset, payloadOff, capEnd, seglen, a, winSize, sackAt));
}

/** `src → dst [flags] Seq=… Ack=… Win=… Len=…` and the options, for the segment whose header is at `offset`. */
function segmentInfo(
  tvb: Tvb, offset: number, payloadOff: number, capEnd: number, seglen: number, a: SegmentAnalysis, winSize: number, sackAt: number | undefined,
): string {
  const flags = u16(tvb, offset + 12) & 0xfff;
  let info = `${u16(tvb, offset)} \u2192 ${u16(tvb, offset + 2)} [${tcpFlagNames(flags)}] Seq=${a.relSeq}`;
  if (flags & Th.ACK) info += ` Ack=${a.relAck}`;
  info += ` Win=${winSize}`;
  // tshark writes the rest once it has read the whole fixed header, and the options the capture kept whole.
  if (capEnd < offset + 20) return info;
  if (flags & Th.URG) info += ` Urg=${u16(tvb, offset + 18)}`;
  info += ` Len=${seglen}` + optionsInfo(tvb, offset + 20, Math.min(payloadOff, capEnd));
  if (sackAt !== undefined) {
    const len = u8(tvb, sackAt + 1);
    for (let p = sackAt + 2; p < sackAt + len; p += 8) {
      info += ` SLE=${(u32(tvb, p) - a.ackBase) >>> 0} SRE=${(u32(tvb, p + 4) - a.ackBase) >>> 0}`;
    }
  }
  return info;
}

function analysisPrefix(a: SegmentAnalysis): string {
  const f = a.flags;
  // tshark prepends each one in turn, so the last checked ends up first (no helper closure: this runs per segment).
  let p = '';
  if (f.fastRetransmission) p = '[TCP Fast Retransmission] ';
  else if (f.spurious) p = '[TCP Spurious Retransmission] ';
  else if (f.retransmission) p = '[TCP Retransmission] ';
  if (f.outOfOrder) p = '[TCP Out-Of-Order] ' + p;
  if (f.lostSegment) p = '[TCP Previous segment not captured] ' + p;
  if (f.ackLostSegment) p = '[TCP ACKed unseen segment] ' + p;
  if (f.windowUpdate) p = '[TCP Window Update] ' + p;
  if (f.keepAlive) p = '[TCP Keep-Alive] ' + p;
  if (f.keepAliveAck) p = '[TCP Keep-Alive ACK] ' + p;
  if (f.dupAck) p = `[TCP Dup ACK ${f.dupAck.frame}#${f.dupAck.num}] ` + p;
  if (f.zeroWindow) p = '[TCP ZeroWindow] ' + p;
  if (f.reusedPorts) p = '[TCP Port numbers reused] ' + p;
  return p;
}

interface HeaderValues {
  seqRaw: number; ackRaw: number; hdrLen: number; offFlags: number; flags: number; window: number; winSize: number;
  checksum: number; urgent: number; seglen: number; srcPort: number; dstPort: number;
}

function addHeaderItems(tree: Tree, tvb: Tvb, offset: number, a: SegmentAnalysis, h: HeaderValues, whole = true): void {
  const labels = tree.labels;
  const flags = h.flags;
  if (whole) {
    tree.addGenerated(hfTcp.stream, tvb, offset, 0, a.stream, labels ? `Stream index: ${a.stream}` : undefined);
    tree.addGenerated(hfTcp.completeness, tvb, offset, 0, a.completeness, labels ? `Conversation completeness: ${completenessText(a.completeness)}` : undefined);
    tree.addGenerated(hfTcp.len, tvb, offset, 0, h.seglen, labels ? `TCP Segment Len: ${h.seglen}` : undefined);
  }
  tree.add(hfTcp.seq, tvb, offset + 4, 4, a.relSeq, labels ? `Sequence Number: ${a.relSeq}    (relative sequence number)` : undefined);
  tree.add(hfTcp.seqRaw, tvb, offset + 4, 4, h.seqRaw, labels ? `Sequence Number (raw): ${h.seqRaw}` : undefined);
  if (whole) tree.addGenerated(hfTcp.nxtseq, tvb, offset, 0, a.relNxt, labels ? `Next Sequence Number: ${a.relNxt}    (relative sequence number)` : undefined);
  if (flags & Th.ACK) {
    tree.add(hfTcp.ack, tvb, offset + 8, 4, a.relAck, labels ? `Acknowledgment Number: ${a.relAck}    (relative ack number)` : undefined);
  } else {
    const ackItem = tree.add(hfTcp.ack, tvb, offset + 8, 4, h.ackRaw, labels ? `Acknowledgment Number: ${h.ackRaw}` : undefined);
    if (h.ackRaw !== 0) {
      addExpert(ackItem, tvb, offset + 8, 4, Severity.Note, GROUPS.Protocol, 'The acknowledgment number field is nonzero while the ACK flag is not set', hfTcp.ackNonzero);
    }
  }
  tree.add(hfTcp.ackRaw, tvb, offset + 8, 4, h.ackRaw, labels ? `Acknowledgment number (raw): ${h.ackRaw}` : undefined);
  tree.add(hfTcp.hdrLen, tvb, offset + 12, 1, h.hdrLen, labels ? `${bitPicture(h.offFlags >> 8, 0xf0, 8)} = Header Length: ${h.hdrLen} bytes (${h.hdrLen >> 2})` : undefined);
  if (tree.wantsAny(FLAG_ITEM_FIELDS)) addFlagItems(tree, tvb, offset, a, h);
  tree.add(hfTcp.windowValue, tvb, offset + 14, 2, h.window, labels ? `Window: ${h.window}` : undefined);
  tree.addGenerated(hfTcp.windowSize, tvb, offset + 14, 2, h.winSize, labels ? `Calculated window size: ${h.winSize}` : undefined);
  if (!(flags & Th.SYN)) {
    const sf = a.winScale >= 0 ? 2 ** a.winScale : a.winScale;
    const text = labels ? `Window size scaling factor: ${sf === -1 ? '-1 (unknown)' : sf === -2 ? '-2 (no window scaling used)' : sf}` : undefined;
    tree.addGenerated(hfTcp.windowScale, tvb, offset + 14, 2, sf, text);
  }
  ensure(tvb, offset + 16, 2);
  tree.add(hfTcp.checksum, tvb, offset + 16, 2, h.checksum, labels ? `Checksum: 0x${h.checksum.toString(16).padStart(4, '0')} [unverified]` : undefined);
  tree.addGenerated(hfTcp.checksumStatus, tvb, offset + 16, 0, 2, 'Checksum Status: Unverified');
  ensure(tvb, offset + 18, 2);
  const urg = tree.add(hfTcp.urgentPointer, tvb, offset + 18, 2, h.urgent, labels ? `Urgent Pointer: ${h.urgent}` : undefined);
  if (!(flags & Th.URG) && h.urgent !== 0) {
    addExpert(urg, tvb, offset + 18, 2, Severity.Note, GROUPS.Protocol, 'The urgent pointer field is nonzero while the URG flag is not set', hfTcp.urgentNonzero);
  }
}

/** The flags item, its bits and the connection experts they raise. */
function addFlagItems(tree: Tree, tvb: Tvb, offset: number, a: SegmentAnalysis, h: HeaderValues): void {
  const labels = tree.labels;
  const flags = h.flags;
  const fl = tree.add(hfTcp.flags, tvb, offset + 12, 2, flags, labels ? `Flags: 0x${flags.toString(16).padStart(3, '0')} (${tcpFlagNames(flags)})` : undefined);
  const bitItem = (def: FieldDef, mask: number, extra?: (t: Tree) => void) => {
    const set = (flags & mask) !== 0;
    const t = fl.add(def, tvb, offset + 12, 2, set, labels ? `${bitPicture(flags, mask, 12)} = ${def.name}: ${set ? 'Set' : 'Not set'}` : undefined);
    if (set && extra) extra(t);
  };
  bitItem(hfTcp.flagRes, 0xe00);
  bitItem(hfTcp.flagAe, 0x100);
  bitItem(hfTcp.flagCwr, 0x80);
  bitItem(hfTcp.flagEce, 0x40);
  bitItem(hfTcp.flagUrg, 0x20);
  bitItem(hfTcp.flagAck, 0x10);
  bitItem(hfTcp.flagPush, 0x8);
  bitItem(hfTcp.flagReset, 0x4, (t) => addExpert(t, tvb, offset + 12, 2, Severity.Warning, GROUPS.Sequence, 'Connection reset (RST)', hfTcp.connRst));
  bitItem(hfTcp.flagSyn, 0x2, (t) => {
    if (flags & Th.ACK) addExpert(t, tvb, offset + 12, 2, Severity.Chat, GROUPS.Sequence, `Connection establish acknowledge (SYN+ACK): server port ${h.srcPort}`, hfTcp.connSynAck);
    else addExpert(t, tvb, offset + 12, 2, Severity.Chat, GROUPS.Sequence, `Connection establish request (SYN): server port ${h.dstPort}`, hfTcp.connSyn);
  });
  bitItem(hfTcp.flagFin, 0x1, (t) => addExpert(t, tvb, offset + 12, 2, Severity.Chat, GROUPS.Sequence, 'Connection finish (FIN)', hfTcp.connFin));
  const letters = flagLetters(flags);
  const str = fl.addGenerated(hfTcp.flagsStr, tvb, offset + 12, 2, letters, labels ? `TCP Flags: ${letters}` : undefined);
  if (a.fin === 'active') addExpert(str, tvb, offset + 12, 2, Severity.Note, GROUPS.Sequence, 'This frame initiates the connection closing', hfTcp.finActive);
  else if (a.fin === 'passive') addExpert(str, tvb, offset + 12, 2, Severity.Note, GROUPS.Sequence, 'This frame undergoes the connection closing', hfTcp.finPassive);
}

/**
 * The segment ends inside its own header (tshark's "short segment"): what the fixed
 * header says is shown with raw sequence numbers, then the options run out of bytes.
 */
function dissectShortSegment(tvb: Tvb, offset: number, end: number, ctx: PacketContext, tree: Tree, h: HeaderValues): void {
  let a = ctx.getMemo<SegmentAnalysis>('tcp.short');
  if (!a) {
    const session = ctx.visited ? newTcpSession() : ctx.session.get<TcpSessionState>('tcp', newTcpSession);
    const c = conversationOnly(session, {
      srcAddr: ctx.netSrc, srcAddrKey: ctx.netSrcKey, srcPort: h.srcPort, dstAddr: ctx.netDst, dstAddrKey: ctx.netDstKey, dstPort: h.dstPort,
      tsNs: segmentTime(session, ctx), frame: ctx.num,
    });
    a = {
      stream: c.stream, direction: c.direction, relSeq: h.seqRaw, relAck: h.ackRaw, relNxt: h.seqRaw, ackBase: 0, completeness: c.completeness,
      timeRelNs: c.timeRelNs, timeDeltaNs: c.timeDeltaNs, firstFrame: 0, prevFrame: 0, winScale: -1, flags: {}, duplicateData: false, overlap: 0,
    };
    if (!ctx.visited) ctx.setMemo('tcp.short', a);
  }
  const flags = h.flags;
  let info = `${h.srcPort} \u2192 ${h.dstPort} [${tcpFlagNames(flags)}] Seq=${h.seqRaw}`;
  if (flags & Th.ACK) info += ` Ack=${h.ackRaw}`;
  ctx.cols.appendInfo(info + ` Win=${h.window}`);
  if (tree.enabled) {
    let label = `Transmission Control Protocol, Src Port: ${h.srcPort}, Dst Port: ${h.dstPort}, Seq: ${h.seqRaw}`;
    if (flags & Th.ACK) label += `, Ack: ${h.ackRaw}`;
    tree.setText(label);
    tree.setLength(end - offset);
    tree.addGenerated(hfTcp.stream, tvb, offset, 0, a.stream, `Stream index: ${a.stream}`);
    tree.addGenerated(hfTcp.completeness, tvb, offset, 0, a.completeness, `Conversation completeness: ${completenessText(a.completeness)}`);
    const msg = 'Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)';
    const short = tree.add(hfWs.text, tvb, offset, 0, null, msg);
    addExpert(short, tvb, offset, 0, Severity.Warning, GROUPS.Malformed, msg, hfTcp.shortSegment);
    addHeaderItems(tree, tvb, offset, a, h, false);
    tree.add(hfTcp.options, tvb, offset + 20, end - offset - 20, slice(tvb, offset + 20, end - offset - 20), `Options: (${h.hdrLen - 20} bytes)`);
    addTimestamps(tree, tvb, offset, a);
  }
  ctx.note(segmentNotes(flags, a.flags));
  throw new MalformedError(`TCP header length ${h.hdrLen} runs past the segment`);
}

/** What a header without options gives (shared: most segments have none). */
const NO_OPTIONS: ParsedOptions = Object.freeze({});

/** Walk the options once for what the analysis needs (no text: see optionsInfo). */
function parseOptions(tvb: Tvb, off: number, end: number, flags: number): ParsedOptions {
  let out: ParsedOptions | undefined;
  for (let len = 0; off < end && (len = optionLength(tvb, off, end)) > 0; off += len) {
    const kind = u8(tvb, off);
    if (kind === 2) (out ??= {}).hasMss = true;
    else if (kind === 3 && len === 3 && (flags & Th.SYN)) (out ??= {}).wsShift = Math.min(u8(tvb, off + 2), 14);
    else if (kind === 5 && (len - 2) % 8 === 0) (out ??= {}).sackAt = off;
  }
  return out ?? NO_OPTIONS;
}

/** The options as the Info column lists them (` MSS=1460 SACK_PERM TSval=… TSecr=… WS=128`), in their order. */
function optionsInfo(tvb: Tvb, off: number, end: number): string {
  let info = '';
  for (let len = 0; off < end && (len = optionLength(tvb, off, end)) > 0; off += len) {
    switch (u8(tvb, off)) {
      case 2:
        if (len === 4) info += ` MSS=${u16(tvb, off + 2)}`;
        break;
      case 3:
        if (len === 3) info += ` WS=${2 ** Math.min(u8(tvb, off + 2), 14)}`;
        break;
      case 4:
        if (len === 2) info += ' SACK_PERM';
        break;
      case 8:
        if (len === 10) info += ` TSval=${u32(tvb, off + 2)} TSecr=${u32(tvb, off + 6)}`;
        break;
      case 27:
        if (len === 8) info += ` QSresp=${QS_RATES[u8(tvb, off + 2) & 0x0f]}`;
        break;
      case 28:
        if (len === 4) info += ` USER_TO=${u16(tvb, off + 2) & 0x7fff}`;
        break;
    }
  }
  return info;
}

/** Bytes of the option at `off` (1 for a NOP), or 0 where the walk stops: the end of the list, or a length that does not fit. */
function optionLength(tvb: Tvb, off: number, end: number): number {
  const kind = u8(tvb, off);
  if (kind === 0) return 0;
  if (kind === 1) return 1;
  if (off + 1 >= end) return 0;
  const len = u8(tvb, off + 1);
  return len < 2 || off + len > end ? 0 : len;
}

function addOptionItems(tree: Tree, tvb: Tvb, start: number, end: number, a: SegmentAnalysis, mssAbsent: boolean, ackRaw: number): void {
  const labels = tree.labels;
  const optsItem = tree.add(hfTcp.options, tvb, start, end - start, captured(tvb, start, end - start));
  const names: string[] = [];
  try {
    walkOptions(optsItem, tvb, start, end, a, ackRaw, names);
  } finally {
    // A walk the capture's end stops keeps the names of the options it finished.
    if (labels) optsItem.setText(`Options: (${end - start} bytes)${names.length ? ', ' + names.join(', ') : ''}`);
  }
  if (mssAbsent) addExpert(optsItem, tvb, start, end - start, Severity.Note, GROUPS.Protocol, 'The SYN packet does not contain a MSS option', hfTcp.mssAbsent);
}

/** The bytes the capture kept of `length` at `off` (all of them unless a snapshot length cut them). */
function captured(tvb: Tvb, off: number, length: number): Uint8Array {
  return tvb.bytes.subarray(off, Math.min(off + length, tvb.bytes.length));
}

/**
 * One item per option, in tshark's order of reads: an option whose length byte the capture lost
 * gets none, one whose value it lost keeps its kind and length (reading the value throws).
 */
function walkOptions(optsItem: Tree, tvb: Tvb, start: number, end: number, a: SegmentAnalysis, ackRaw: number, names: string[]): void {
  const labels = optsItem.labels;
  let off = start;
  while (off < end) {
    const kind = u8(tvb, off);
    if (kind === 0 || kind === 1) {
      const def = kind === 0 ? hfTcp.optEol : hfTcp.optNop;
      const it = optsItem.add(def, tvb, off, 1, slice(tvb, off, 1));
      it.add(hfTcp.optionKind, tvb, off, 1, kind, labels ? `Kind: ${OPTION_KINDS[kind]} (${kind})` : undefined);
      names.push(kind === 0 ? 'End of Option List (EOL)' : 'No-Operation (NOP)');
      off++;
      continue;
    }
    if (off + 1 >= end) break;
    const len = u8(tvb, off + 1);
    if (len < 2 || off + len > end) {
      const it = optsItem.add(hfTcp.optUnknown, tvb, off, end - off, captured(tvb, off, end - off));
      it.add(hfTcp.optionKind, tvb, off, 1, kind, labels ? `Kind: ${OPTION_KINDS[kind] ?? 'Unknown'} (${kind})` : undefined);
      addExpert(it, tvb, off + 1, 1, Severity.Error, GROUPS.Protocol, `Option length ${len} is invalid`, hfTcp.optionLenInvalid);
      break;
    }
    const bytes = captured(tvb, off, len);
    const kindItem = (it: Tree): Tree => {
      it.add(hfTcp.optionKind, tvb, off, 1, kind, labels ? `Kind: ${OPTION_KINDS[kind] ?? 'Unknown'} (${kind})` : undefined);
      return it.add(hfTcp.optionLen, tvb, off + 1, 1, len, labels ? `Length: ${len}` : undefined);
    };
    const fixed = FIXED_LENGTH_OPTIONS.get(kind);
    if (fixed && len !== fixed.len) {
      // tshark names the option, flags its length and reads no value.
      const lenItem = kindItem(optsItem.add(fixed.def, tvb, off, len, bytes));
      addExpert(lenItem, tvb, off + 1, 1, Severity.Note, GROUPS.Sequence, `option length should be ${fixed.len}`, hfTcp.optionLenInvalid);
      names.push(fixed.name);
      off += len;
      continue;
    }
    if (kind === 2 && len === 4) {
      const it = optsItem.add(hfTcp.optMss, tvb, off, len, bytes);
      kindItem(it);
      const mss = u16(tvb, off + 2);
      if (labels) it.appendText(`: ${mss} bytes`);
      it.add(hfTcp.mssVal, tvb, off + 2, 2, mss, labels ? `MSS Value: ${mss}` : undefined);
      names.push('Maximum segment size');
    } else if (kind === 3 && len === 3) {
      const it = optsItem.add(hfTcp.optWscale, tvb, off, len, bytes);
      kindItem(it);
      const shift = u8(tvb, off + 2);
      const mult = 2 ** Math.min(shift, 14);
      if (labels) it.appendText(`: ${shift} (multiply by ${mult})`);
      it.add(hfTcp.wscaleShift, tvb, off + 2, 1, shift, labels ? `Shift count: ${shift}` : undefined);
      it.addGenerated(hfTcp.wscaleMultiplier, tvb, off + 2, 1, mult, labels ? `Multiplier: ${mult}` : undefined);
      names.push('Window scale');
    } else if (kind === 4 && len === 2) {
      const it = optsItem.add(hfTcp.optSackPerm, tvb, off, len, bytes);
      kindItem(it);
      names.push('SACK permitted');
    } else if (kind === 8 && len === 10) {
      const it = optsItem.add(hfTcp.optTimestamp, tvb, off, len, bytes);
      kindItem(it);
      const tsval = u32(tvb, off + 2);
      it.add(hfTcp.tsval, tvb, off + 2, 4, tsval, labels ? `Timestamp value: ${tsval}` : undefined);
      const tsecr = u32(tvb, off + 6);
      if (labels) it.appendText(`: TSval ${tsval}, TSecr ${tsecr}`);
      it.add(hfTcp.tsecr, tvb, off + 6, 4, tsecr, labels ? `Timestamp echo reply: ${tsecr}` : undefined);
      names.push('Timestamps');
    } else if (kind === 5 && (len - 2) % 8 === 0) {
      const it = optsItem.add(hfTcp.optSack, tvb, off, len, bytes);
      kindItem(it);
      let text = '';
      for (let p = off + 2; p < off + len; p += 8) {
        const le = (u32(tvb, p) - a.ackBase) >>> 0;
        const re = (u32(tvb, p + 4) - a.ackBase) >>> 0;
        it.add(hfTcp.sackLe, tvb, p, 4, le, labels ? `left edge = ${le} (relative)` : undefined);
        it.add(hfTcp.sackRe, tvb, p + 4, 4, re, labels ? `right edge = ${re} (relative)` : undefined);
        text += ` ${le}-${re}`;
      }
      it.addGenerated(hfTcp.sackCount, tvb, off, len, (len - 2) / 8, labels ? `TCP SACK Count: ${(len - 2) / 8}` : undefined);
      if (labels) it.appendText(text);
      if (len >= 10 && isDsack(tvb, off + 2, len - 2, ackRaw)) {
        const le = (u32(tvb, off + 2) - a.ackBase) >>> 0;
        const re = (u32(tvb, off + 6) - a.ackBase) >>> 0;
        it.addGenerated(hfTcp.dsackLe, tvb, off + 2, 4, le, labels ? `D-SACK Left Edge = ${le} (relative)` : undefined);
        it.addGenerated(hfTcp.dsackRe, tvb, off + 6, 4, re, labels ? `D-SACK Right Edge = ${re} (relative)` : undefined);
        addExpert(it, tvb, off + 2, 8, Severity.Warning, GROUPS.Sequence, 'D-SACK Sequence', hfTcp.dsack);
      }
      names.push('SACK');
    } else if (kind === 27 && len === 8) {
      const it = optsItem.add(hfTcp.optQs, tvb, off, len, bytes);
      kindItem(it);
      const b2 = u8(tvb, off + 2);
      it.add(hfTcp.qsRate, tvb, off + 2, 1, b2 & 0x0f, labels ? `${bitPicture(b2, 0x0f, 8)} = QS Rate: ${QS_RATES[b2 & 0x0f]} (${b2 & 0x0f})` : undefined);
      it.add(hfTcp.qsTtlDiff, tvb, off + 3, 1, u8(tvb, off + 3), labels ? `QS Rate: ${u8(tvb, off + 3)}` : undefined);
      names.push('Quick-Start');
    } else if (kind === 28 && len === 4) {
      const v = u16(tvb, off + 2);
      const it = optsItem.add(hfTcp.optUserTo, tvb, off, len, bytes);
      kindItem(it);
      it.add(hfTcp.userToGranularity, tvb, off + 2, 2, (v & 0x8000) !== 0, labels ? `${bitPicture(v, 0x8000, 16)} = Granularity: ${v & 0x8000 ? 'Minutes' : 'Seconds'}` : undefined);
      it.add(hfTcp.userToVal, tvb, off + 2, 2, v & 0x7fff, labels ? `${bitPicture(v, 0x7fff, 16)} = User Timeout: ${v & 0x7fff}` : undefined);
      names.push('User Timeout');
    } else {
      const it = optsItem.add(hfTcp.optUnknown, tvb, off, len, bytes);
      kindItem(it);
      if (len > 2) it.add(hfTcp.unknownPayload, tvb, off + 2, len - 2, slice(tvb, off + 2, len - 2));
      names.push(OPTION_KINDS[kind] ?? 'Unknown');
    }
    off += len;
  }
}

/** The options of one fixed length: tshark checks it before reading their value. */
const FIXED_LENGTH_OPTIONS: ReadonlyMap<number, { def: FieldDef; len: number; name: string }> = new Map([
  [2, { def: hfTcp.optMss, len: 4, name: 'Maximum segment size' }],
  [3, { def: hfTcp.optWscale, len: 3, name: 'Window scale' }],
  [4, { def: hfTcp.optSackPerm, len: 2, name: 'SACK permitted' }],
  [8, { def: hfTcp.optTimestamp, len: 10, name: 'Timestamps' }],
  [27, { def: hfTcp.optQs, len: 8, name: 'Quick-Start' }],
  [28, { def: hfTcp.optUserTo, len: 4, name: 'User Timeout' }],
]);

/** RFC 2883: the first SACK block reports bytes received twice (below the ACK, or inside the second block). */
function isDsack(tvb: Tvb, off: number, len: number, ackRaw: number): boolean {
  const le = u32(tvb, off);
  const re = u32(tvb, off + 4);
  if (((le - ackRaw) | 0) < 0) return true;
  if (len >= 16) {
    const le2 = u32(tvb, off + 8);
    const re2 = u32(tvb, off + 12);
    return ((le - le2) | 0) >= 0 && ((re2 - re) | 0) >= 0;
  }
  return false;
}

function secondsText(ns: Ns): string {
  return formatRelativeTime(bigNs(ns)) + ' seconds';
}

function addTimestamps(tree: Tree, tvb: Tvb, offset: number, a: SegmentAnalysis): void {
  const labels = tree.labels;
  const t = tree.addGenerated(hfWs.text, tvb, offset, 0, null, 'Timestamps');
  t.addGenerated(hfTcp.timeRelative, tvb, offset, 0, bigNs(a.timeRelNs), labels ? `Time since first frame in this TCP stream: ${secondsText(a.timeRelNs)}` : undefined);
  t.addGenerated(hfTcp.timeDelta, tvb, offset, 0, bigNs(a.timeDeltaNs), labels ? `Time since previous frame in this TCP stream: ${secondsText(a.timeDeltaNs)}` : undefined);
}

function addAnalysis(tree: Tree, tvb: Tvb, offset: number, a: SegmentAnalysis): void {
  const labels = tree.labels;
  const f = a.flags;
  const anyFlag = hasAnalysisFlag(f);
  if (a.acksFrame === undefined && a.bytesInFlight === undefined && a.pushBytes === undefined && !anyFlag) return;
  const t = tree.addGenerated(hfTcp.analysis, tvb, offset, 0, null, 'SEQ/ACK analysis');
  if (a.acksFrame !== undefined) {
    t.addGenerated(hfTcp.acksFrame, tvb, offset, 0, a.acksFrame, labels ? `This is an ACK to the segment in frame: ${a.acksFrame}` : undefined);
    t.addGenerated(hfTcp.ackRtt, tvb, offset, 0, bigNs(a.ackRttNs!), labels ? `The RTT to ACK the segment was: ${secondsText(a.ackRttNs!)}` : undefined);
  }
  if (a.iRttNs !== undefined) t.addGenerated(hfTcp.initialRtt, tvb, offset, 0, bigNs(a.iRttNs), labels ? `iRTT: ${secondsText(a.iRttNs)}` : undefined);
  if (a.bytesInFlight !== undefined) t.addGenerated(hfTcp.bytesInFlight, tvb, offset, 0, a.bytesInFlight, labels ? `Bytes in flight: ${a.bytesInFlight}` : undefined);
  if (a.pushBytes !== undefined) t.addGenerated(hfTcp.pushBytes, tvb, offset, 0, a.pushBytes, labels ? `Bytes sent since last PSH flag: ${a.pushBytes}` : undefined);
  if (!anyFlag) return;
  const ft = t.addGenerated(hfTcp.analysisFlags, tvb, offset, 0, null, 'TCP Analysis Flags');
  if (f.spurious) addExpert(ft, tvb, offset, 0, Severity.Note, GROUPS.Sequence, 'This frame is a (suspected) spurious retransmission', hfTcp.spuriousRetransmission);
  if (f.reusedPorts) addExpert(ft, tvb, offset, 0, Severity.Note, GROUPS.Sequence, 'A new tcp session is started with the same ports as an earlier session in this trace', hfTcp.reusedPorts);
  if (f.fastRetransmission) addExpert(ft, tvb, offset, 0, Severity.Note, GROUPS.Sequence, 'This frame is a (suspected) fast retransmission', hfTcp.fastRetransmission);
  if (f.outOfOrder) addExpert(ft, tvb, offset, 0, Severity.Warning, GROUPS.Sequence, 'This frame is a (suspected) out-of-order segment', hfTcp.outOfOrder);
  if (f.retransmission) addExpert(ft, tvb, offset, 0, Severity.Note, GROUPS.Sequence, 'This frame is a (suspected) retransmission', hfTcp.retransmission);
  if (f.rto) {
    ft.addGenerated(hfTcp.rto, tvb, offset, 0, bigNs(f.rto.ns), labels ? `The RTO for this segment was: ${secondsText(f.rto.ns)}` : undefined);
    ft.addGenerated(hfTcp.rtoFrame, tvb, offset, 0, f.rto.frame, labels ? `RTO based on delta from frame: ${f.rto.frame}` : undefined);
  }
  if (f.lostSegment) addExpert(ft, tvb, offset, 0, Severity.Warning, GROUPS.Sequence, 'Previous segment(s) not captured (common at capture start)', hfTcp.lostSegment);
  if (f.ackLostSegment) addExpert(ft, tvb, offset, 0, Severity.Warning, GROUPS.Sequence, "ACKed segment that wasn't captured (common at capture start)", hfTcp.ackLostSegment);
  if (f.windowUpdate) addExpert(ft, tvb, offset, 0, Severity.Chat, GROUPS.Sequence, 'TCP window update', hfTcp.windowUpdate);
  if (f.keepAlive) addExpert(ft, tvb, offset, 0, Severity.Note, GROUPS.Sequence, 'TCP keep-alive segment', hfTcp.keepAlive);
  if (f.keepAliveAck) addExpert(ft, tvb, offset, 0, Severity.Note, GROUPS.Sequence, 'ACK to a TCP keep-alive segment', hfTcp.keepAliveAck);
  if (f.dupAck) {
    ft.addGenerated(hfTcp.duplicateAck, tvb, offset, 0, null, 'This is a TCP duplicate ack');
    t.addGenerated(hfTcp.duplicateAckNum, tvb, offset, 0, f.dupAck.num, labels ? `Duplicate ACK #: ${f.dupAck.num}` : undefined);
    const fr = t.addGenerated(hfTcp.duplicateAckFrame, tvb, offset, 0, f.dupAck.frame, labels ? `Duplicate to the ACK in frame: ${f.dupAck.frame}` : undefined);
    addExpert(fr, tvb, offset, 0, Severity.Note, GROUPS.Sequence, `Duplicate ACK (#${f.dupAck.num})`, hfTcp.duplicateAck);
  }
  if (f.zeroWindow) addExpert(ft, tvb, offset, 0, Severity.Warning, GROUPS.Sequence, 'TCP Zero Window segment', hfTcp.zeroWindow);
}

export function register(r: Registry): void {
  r.addProtocol(tcpProto, hfTcp);
  r.addFields([...Object.values(hfTcpReasm), ...Object.values(hfTcpPdu)]);
  r.add('ip.proto', 6, dissectTcp);
  r.addNamed('tcp', dissectTcp as Dissector);
}
