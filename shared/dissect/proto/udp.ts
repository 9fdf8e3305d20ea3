/**
 * UDP over IPv4/IPv6: ports, length checks, the checksum as Wireshark shows it
 * without validation, the conversation index (udp.stream) with its timestamps,
 * then the payload to the lower port's dissector, the higher port's, the
 * heuristics, and finally `data`.
 */
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { slice, u16, type Tvb } from '../tvb.js';
import { CHECKSUM_STATUS, checksumStatusText } from './eth-trailer-fields.js';
import { within } from './data.js';
import { inErrorPacket, ipFlags, type IpPacketInfo } from './ipv4.js';
import { wireEnd } from './wire-end.js';
import { bigNs, nsSince, nsSub, type Ns } from '../ns.js';
import { EndpointPairs } from './endpoint-pairs.js';
import { NsColumn } from './ns-column.js';

export const udpProto = protocol('udp', 'UDP', 'User Datagram Protocol');

export const hfUdp = fields({
  srcport: { abbrev: 'udp.srcport', name: 'Source Port', type: 'uint16', base: 'dec' },
  dstport: { abbrev: 'udp.dstport', name: 'Destination Port', type: 'uint16', base: 'dec' },
  port: { abbrev: 'udp.port', name: 'Source or Destination Port', type: 'uint16', base: 'dec' },
  stream: { abbrev: 'udp.stream', name: 'Stream index', type: 'uint32', base: 'dec' },
  length: { abbrev: 'udp.length', name: 'Length', type: 'uint16', base: 'dec' },
  checksum: { abbrev: 'udp.checksum', name: 'Checksum', type: 'uint16', base: 'hex' },
  checksumCalculated: { abbrev: 'udp.checksum_calculated', name: 'Calculated Checksum', type: 'uint16', base: 'hex' },
  checksumStatus: { abbrev: 'udp.checksum.status', name: 'Checksum Status', type: 'uint8', strings: CHECKSUM_STATUS },
  timeRelative: { abbrev: 'udp.time_relative', name: 'Time since first frame', type: 'relative_time', unit: ' seconds' },
  timeDelta: { abbrev: 'udp.time_delta', name: 'Time since previous frame', type: 'relative_time', unit: ' seconds' },
  payload: { abbrev: 'udp.payload', name: 'Payload', type: 'bytes' },
  possibleTraceroute: { abbrev: 'udp.possible_traceroute', name: 'Possible traceroute', type: 'none' },
  lengthBad: { abbrev: 'udp.length.bad', name: 'Bad length value', type: 'none' },
  lengthBadZero: { abbrev: 'udp.length.bad_zero', name: 'Length is zero but payload < 65536', type: 'none' },
  checksumZero: { abbrev: 'udp.checksum.zero', name: 'Illegal checksum value (0)', type: 'none' },
});

/** What UDP passes to the dissector of its payload. */
export interface UdpInfo {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly stream: number;
}

const INITIAL = 64;

/**
 * Every conversation's first and latest datagram, by index, in typed-array columns (a
 * capture of DNS lookups from random ports has tens of thousands of conversations).
 */
class Conversations {
  count = 0;
  firstNs = new NsColumn(INITIAL);
  lastNs = new NsColumn(INITIAL);
  firstFrame: Uint32Array = new Uint32Array(INITIAL);
  lastFrame: Uint32Array = new Uint32Array(INITIAL);
  /** First frame of each conversation met on a first pass (0: none): a revisit works out the times from frame timestamps. */
  firstPassFrame: Uint32Array = new Uint32Array(INITIAL);

  add(ns: Ns, frame: number): number {
    const i = this.count++;
    if (i === this.firstFrame.length) this.grow();
    this.firstNs.set(i, ns);
    this.lastNs.set(i, ns);
    this.firstFrame[i] = frame;
    this.lastFrame[i] = frame;
    return i;
  }

  private grow(): void {
    const n = this.firstFrame.length * 2;
    const grown = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.firstNs.grow(n);
    this.lastNs.grow(n);
    this.firstFrame = grown(this.firstFrame);
    this.lastFrame = grown(this.lastFrame);
    this.firstPassFrame = grown(this.firstPassFrame);
  }
}

interface UdpState {
  /** The conversation (its index) of each endpoint pair. */
  byPair: EndpointPairs<number>;
  conversations: Conversations;
  /** Seconds the Ns times count from (the first datagram's). */
  epochSec: number | undefined;
}

/** What one UDP layer shows about its conversation. */
interface StreamMemo {
  readonly index: number;
  readonly relNs: Ns;
  readonly deltaNs: Ns;
}

function newUdpState(): UdpState {
  return { byPair: new EndpointPairs(), conversations: new Conversations(), epochSec: undefined };
}

/** LBL traceroute's first port is 32768 + 666; three probes per hop. */
const TRACEROUTE_BASE = 32768 + 666;

/** Stored per layer: index × 2^32 + the conversation's previous frame, while that fits a double exactly. */
const FRAME_SPAN = 4294967296;
const MAX_PACKED_INDEX = 1 << 20;

/** The conversation of (address, port) pairs, numbered in order of first appearance, and its timing. */
function conversation(ctx: PacketContext, sport: number, dport: number): StreamMemo {
  const layer = ctx.protocols.filter((p) => p === 'udp').length - 1;
  const memoKey = layer === 0 ? 'udp.stream' : 'udp.stream:' + layer;
  const state = ctx.session.get('udp.conversations', newUdpState);
  const convs = state.conversations;
  if (ctx.visited) {
    const stored = ctx.getMemo<number | StreamMemo>(memoKey);
    if (typeof stored === 'object') return stored;
    if (stored !== undefined && ctx.times) {
      const index = Math.floor(stored / FRAME_SPAN);
      const prevFrame = stored % FRAME_SPAN;
      return { index, relNs: ctx.times.between(ctx.num, convs.firstPassFrame[index]!), deltaNs: ctx.times.between(ctx.num, prevFrame) };
    }
  }
  state.epochSec ??= ctx.frame.tsSec;
  const now = nsSince(state.epochSec, ctx.frame.tsSec, ctx.frame.tsNsec);
  let index = state.byPair.get(ctx.netSrc, ctx.netSrcKey, sport, ctx.netDst, ctx.netDstKey, dport);
  if (index === undefined) {
    index = convs.add(now, ctx.num);
    state.byPair.set(ctx.netSrc, ctx.netSrcKey, sport, ctx.netDst, ctx.netDstKey, dport, index);
    if (!ctx.visited) convs.firstPassFrame[index] = ctx.num;
  }
  const result: StreamMemo = { index, relNs: nsSub(now, convs.firstNs.get(index)!), deltaNs: nsSub(now, convs.lastNs.get(index)!) };
  const prevFrame = convs.lastFrame[index]!;
  convs.lastNs.set(index, now);
  convs.lastFrame[index] = ctx.num;
  const packed = !ctx.visited && ctx.times && index < MAX_PACKED_INDEX && convs.firstPassFrame[index] === convs.firstFrame[index];
  ctx.setMemo(memoKey, packed ? index * FRAME_SPAN + prevFrame : result);
  return result;
}

export const dissectUdp: Dissector = (tvb, offset, end, ctx, tree, data) => {
  const ip = data as IpPacketInfo | undefined;
  const inError = ip?.inError ?? inErrorPacket(ctx);
  ctx.cols.protocol = 'UDP';
  ctx.cols.clearInfo();
  within(tvb, offset, 4, end);
  const sport = u16(tvb, offset);
  const dport = u16(tvb, offset + 2);
  ctx.cols.setInfo(`${sport} \u2192 ${dport}`);
  const t = ctx.enter(udpProto, tree, tvb, offset, 8, tree.labels ? `${udpProto.label}, Src Port: ${sport}, Dst Port: ${dport}` : undefined);
  ctx.cols.protocol = 'UDP';
  const sItem = t.add(hfUdp.srcport, tvb, offset, 2, sport);
  const dItem = t.add(hfUdp.dstport, tvb, offset + 2, 2, dport);
  t.addHidden(hfUdp.port, tvb, offset, 2, sport);
  t.addHidden(hfUdp.port, tvb, offset + 2, 2, dport);
  for (const [item, port, off] of [[sItem, sport, offset], [dItem, dport, offset + 2]] as const) {
    if (port > TRACEROUTE_BASE && port <= TRACEROUTE_BASE + 30) {
      const n = port - TRACEROUTE_BASE - 1;
      addExpert(item, tvb, off, 2, Severity.Chat, GROUPS.Sequence, `Possible traceroute: hop #${Math.floor(n / 3) + 1}, attempt #${(n % 3) + 1}`, hfUdp.possibleTraceroute);
    }
  }

  // The IP payload as reported on the wire (the capture may hold less).
  const reportedLen = wireEnd(tvb, end, ip) - offset;
  within(tvb, offset, 8, end);
  let ulen = u16(tvb, offset + 4);
  const lenItem = t.add(hfUdp.length, tvb, offset + 4, 2, ulen);
  let jumbogram = false;
  if (ulen === 0 && ip?.version === 6) {
    ulen = reportedLen;
    jumbogram = true;
  }
  if (ulen < 8) {
    lenItem.appendText(' (bogus, must be >= 8)');
    addExpert(lenItem, tvb, offset + 4, 2, Severity.Error, GROUPS.Malformed, `Bad length value ${ulen} < 8`, hfUdp.lengthBad);
    ctx.cols.appendInfo(` [BAD UDP LENGTH ${ulen} < 8]`);
    return end - offset;
  }
  if (ulen > reportedLen && !inError && !ipFlags(ctx).fragmented) {
    lenItem.appendText(` (bogus, payload length ${reportedLen})`);
    addExpert(lenItem, tvb, offset + 4, 2, Severity.Error, GROUPS.Malformed, `Bad length value ${ulen} > IP payload length`, hfUdp.lengthBad);
    ctx.cols.appendInfo(` [BAD UDP LENGTH ${ulen} > IP PAYLOAD LENGTH]`);
  }
  if (jumbogram && ulen < 65536) addExpert(lenItem, tvb, offset + 4, 2, Severity.Warning, GROUPS.Protocol, 'Length is zero but payload < 65536', hfUdp.lengthBadZero);
  ctx.cols.appendInfo(` Len=${ulen - 8}`);
  if (jumbogram) ctx.cols.appendInfo(' [Jumbogram]');

  const sum = u16(tvb, offset + 6);
  if (sum === 0) {
    if (ip?.version !== 6 || inError) {
      t.add(hfUdp.checksum, tvb, offset + 6, 2, 0, 'Checksum: 0x0000 [zero-value ignored]')
        .addGenerated(hfUdp.checksumStatus, tvb, offset + 6, 0, 3, checksumStatusText(hfUdp.checksumStatus, 3));
    } else {
      const item = t.add(hfUdp.checksum, tvb, offset + 6, 2, 0, 'Checksum: 0 (Illegal)');
      addExpert(item, tvb, offset + 6, 2, Severity.Error, GROUPS.Checksum, 'Illegal checksum value (0)', hfUdp.checksumZero);
      ctx.cols.appendInfo(' [ILLEGAL CHECKSUM (0)]');
      item.addGenerated(hfUdp.checksumStatus, tvb, offset + 6, 0, 4, item.labels ? checksumStatusText(hfUdp.checksumStatus, 4) : undefined);
    }
  } else {
    t.add(hfUdp.checksum, tvb, offset + 6, 2, sum, t.labels ? `Checksum: 0x${sum.toString(16).padStart(4, '0')} [unverified]` : undefined);
    t.addGenerated(hfUdp.checksumStatus, tvb, offset + 6, 0, 2, t.labels ? checksumStatusText(hfUdp.checksumStatus, 2) : undefined);
  }

  ctx.srcPort = sport;
  ctx.dstPort = dport;
  const conv = conversation(ctx, sport, dport);
  t.addGenerated(hfUdp.stream, tvb, offset + 8, 0, conv.index);
  if (ulen === 8) return end - offset;

  if (t.wantsAny(hfUdp) && !inError) {
    const ts = t.addGenerated(hfWs.text, tvb, offset + 8, 0, null, 'Timestamps');
    ts.addGenerated(hfUdp.timeRelative, tvb, offset + 8, 0, bigNs(conv.relNs));
    ts.addGenerated(hfUdp.timeDelta, tvb, offset + 8, 0, bigNs(conv.deltaNs));
  }
  const payload = offset + 8;
  const payloadEnd = Math.min(end, payload + ulen - 8);
  const payloadLen = payloadEnd - payload;
  // The payload item shows every byte after the header, even past the UDP length.
  const shown = Math.min(end, tvb.bytes.length) - payload;
  if (shown > 0 && t.wants(hfUdp.payload)) t.add(hfUdp.payload, tvb, payload, shown, slice(tvb, payload, shown), t.labels ? `UDP payload (${shown} bytes)` : undefined);
  if (inError && payloadLen <= 0) return end - offset;
  const info: UdpInfo = { srcPort: sport, dstPort: dport, stream: conv.index };
  decodePorts(ctx, tvb, payload, payloadEnd, tree, sport, dport, info);
  return end - offset;
};

/** Lower port first, as Wireshark tries, then the higher, then heuristics, then data. */
function decodePorts(ctx: PacketContext, tvb: Tvb, off: number, end: number, tree: Tree, sport: number, dport: number, info: UdpInfo): void {
  const low = Math.min(sport, dport);
  const high = Math.max(sport, dport);
  for (const port of low === high ? [low] : [low, high]) {
    if (port === 0) continue;
    const d = ctx.registry.lookup('udp.port', port);
    if (d && ctx.call(d, tvb, off, end, tree, info) > 0) return;
  }
  if (end > off && ctx.tryHeuristics('udp', tvb, off, end, tree, info)) return;
  const data = ctx.registry.byName('data');
  if (data && end > off) ctx.call(data, tvb, off, end, tree);
}

export function register(r: Registry): void {
  r.addProtocol(udpProto, hfUdp);
  r.add('ip.proto', 17, dissectUdp);
}
