/**
 * IPv4 (ethertype 0x0800, raw IP): the header with Wireshark's defaults (header
 * checksum not validated, so its status is "Unverified"; fragments reassembled),
 * options, and the hand-off through the 'ip.proto' table.
 */
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import { NULL_TREE, type Tree } from '../tree.js';
import { u16, u32, u8, type Tvb } from '../tvb.js';
import { ipv4Text } from '../../format/address-text.js';
import { bitfieldPrefix } from '../../format/tree-text.js';
import { CHECKSUM_STATUS, checksumStatusText } from './eth-trailer-fields.js';
import { DSCP_NAMES, IP_PROTO_NAMES } from './ipv4-names.js';
import { dissectIpOptions, hfIpOpt, ipOptionItemDefs, sourceRouteDestination } from './ipv4-options.js';
import { addFragment, showReassembled } from './ipv4-reassembly.js';

export const ipProto = protocol('ip', 'IPv4', 'Internet Protocol Version 4');

const ECN_NAMES: Readonly<Record<number, string>> = {
  0: 'Not ECN-Capable Transport', 1: "ECN-Capable Transport codepoint '01'", 2: "ECN-Capable Transport codepoint '10'", 3: 'Congestion Experienced',
};
const ECN_SHORT = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];
const DSCP_SHORT: Readonly<Record<number, string>> = {
  0: 'CS0', 1: 'LE', 8: 'CS1', 10: 'AF11', 12: 'AF12', 14: 'AF13', 16: 'CS2', 18: 'AF21', 20: 'AF22', 22: 'AF23',
  24: 'CS3', 26: 'AF31', 28: 'AF32', 30: 'AF33', 32: 'CS4', 34: 'AF41', 36: 'AF42', 38: 'AF43', 40: 'CS5', 44: 'VOICE-ADMIT', 46: 'EF', 48: 'CS6', 56: 'CS7',
};
const SET: readonly [string, string] = ['Set', 'Not set'];

export const hfIp = fields({
  version: { abbrev: 'ip.version', name: 'Version', type: 'uint8', base: 'dec', bitmask: 0xf0, bits: 8 },
  hdrLen: { abbrev: 'ip.hdr_len', name: 'Header Length', type: 'uint8', base: 'dec' },
  dsfield: { abbrev: 'ip.dsfield', name: 'Differentiated Services Field', type: 'uint8', base: 'hex' },
  dscp: { abbrev: 'ip.dsfield.dscp', name: 'Differentiated Services Codepoint', type: 'uint8', base: 'dec', bitmask: 0xfc, bits: 8, strings: DSCP_NAMES },
  ecn: { abbrev: 'ip.dsfield.ecn', name: 'Explicit Congestion Notification', type: 'uint8', base: 'dec', bitmask: 0x03, bits: 8, strings: ECN_NAMES },
  len: { abbrev: 'ip.len', name: 'Total Length', type: 'uint16', base: 'dec' },
  id: { abbrev: 'ip.id', name: 'Identification', type: 'uint16', base: 'hex_dec' },
  flags: { abbrev: 'ip.flags', name: 'Flags', type: 'uint8', base: 'hex', bitmask: 0xe0, bits: 8 },
  rb: { abbrev: 'ip.flags.rb', name: 'Reserved bit', type: 'boolean', bitmask: 0x80, bits: 8, tfs: SET },
  df: { abbrev: 'ip.flags.df', name: "Don't fragment", type: 'boolean', bitmask: 0x40, bits: 8, tfs: SET },
  mf: { abbrev: 'ip.flags.mf', name: 'More fragments', type: 'boolean', bitmask: 0x20, bits: 8, tfs: SET },
  fragOffset: { abbrev: 'ip.frag_offset', name: 'Fragment Offset', type: 'uint16', base: 'dec', bitmask: 0x1fff, bits: 16 },
  ttl: { abbrev: 'ip.ttl', name: 'Time to Live', type: 'uint8', base: 'dec' },
  proto: { abbrev: 'ip.proto', name: 'Protocol', type: 'uint8', base: 'dec', strings: IP_PROTO_NAMES },
  checksum: { abbrev: 'ip.checksum', name: 'Header Checksum', type: 'uint16', base: 'hex' },
  checksumCalculated: { abbrev: 'ip.checksum_calculated', name: 'Calculated Checksum', type: 'uint16', base: 'hex' },
  checksumStatus: { abbrev: 'ip.checksum.status', name: 'Header checksum status', type: 'uint8', strings: CHECKSUM_STATUS },
  src: { abbrev: 'ip.src', name: 'Source Address', type: 'ipv4' },
  addr: { abbrev: 'ip.addr', name: 'Source or Destination Address', type: 'ipv4' },
  srcHost: { abbrev: 'ip.src_host', name: 'Source Host', type: 'string' },
  host: { abbrev: 'ip.host', name: 'Source or Destination Host', type: 'string' },
  dst: { abbrev: 'ip.dst', name: 'Destination Address', type: 'ipv4' },
  dstHost: { abbrev: 'ip.dst_host', name: 'Destination Host', type: 'string' },
  curRt: { abbrev: 'ip.cur_rt', name: 'Current Route', type: 'ipv4' },
  curRtHost: { abbrev: 'ip.cur_rt_host', name: 'Current Route Host', type: 'string' },
  fragments: { abbrev: 'ip.fragments', name: 'IPv4 Fragments', type: 'bytes' },
  fragment: { abbrev: 'ip.fragment', name: 'IPv4 Fragment', type: 'framenum' },
  fragmentCount: { abbrev: 'ip.fragment.count', name: 'Fragment count', type: 'uint32', base: 'dec' },
  reassembledIn: { abbrev: 'ip.reassembled_in', name: 'Reassembled IPv4 in frame', type: 'framenum' },
  reassembledLength: { abbrev: 'ip.reassembled.length', name: 'Reassembled IPv4 length', type: 'uint32', base: 'dec' },
  reassembledData: { abbrev: 'ip.reassembled.data', name: 'Reassembled IPv4 data', type: 'bytes' },
  fragmentError: { abbrev: 'ip.fragment.error', name: 'Defragmentation error', type: 'framenum' },
  fragmentOverlap: { abbrev: 'ip.fragment.overlap', name: 'Fragment overlap', type: 'boolean' },
  fragmentOverlapConflict: { abbrev: 'ip.fragment.overlap.conflict', name: 'Conflicting data in fragment overlap', type: 'boolean' },
  fragmentTooLong: { abbrev: 'ip.fragment.toolongfragment', name: 'Fragment too long', type: 'boolean' },
  bogusIpLength: { abbrev: 'ip.bogus_ip_length', name: 'Bogus IP length', type: 'none' },
  bogusIpVersion: { abbrev: 'ip.bogus_ip_version', name: 'Bogus IP version', type: 'none' },
  bogusHeaderLength: { abbrev: 'ip.bogus_header_length', name: 'Bogus IP header length', type: 'none' },
  ttlTooSmall: { abbrev: 'ip.ttl.too_small', name: 'Time To Live', type: 'none' },
  ttlLncb: { abbrev: 'ip.ttl.lncb', name: 'Time To Live', type: 'none' },
});

/** The items reassembly adds to a fragment or a reassembled datagram (with reassembled_in): they depend on the other fragments. */
export const IP_FRAGMENT_FIELDS = {
  fragments: hfIp.fragments, fragment: hfIp.fragment, count: hfIp.fragmentCount,
  reassembledLength: hfIp.reassembledLength, reassembledData: hfIp.reassembledData,
  error: hfIp.fragmentError, overlap: hfIp.fragmentOverlap, overlapConflict: hfIp.fragmentOverlapConflict, tooLong: hfIp.fragmentTooLong,
};

/** What IP tells the transport layer above it. */
export interface IpPacketInfo {
  readonly version: 4 | 6;
  readonly proto: number;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly ttl: number;
  /** Inside an ICMP error message: the quoted datagram is incomplete by design. */
  readonly inError: boolean;
  /** Where the datagram ends on the wire, in IP's buffer: past its captured bytes when the snapshot length cut it. */
  readonly wireEnd: number;
}

/** IPv4's IpPacketInfo: the address views are made only when a layer above asks (few do). */
class Ipv4Info implements IpPacketInfo {
  readonly version = 4;
  constructor(
    readonly proto: number,
    private readonly bytes: Uint8Array,
    private readonly srcOff: number,
    private readonly dstOff: number,
    readonly ttl: number,
    readonly inError: boolean,
    readonly wireEnd: number,
  ) {}
  get src(): Uint8Array {
    return this.bytes.subarray(this.srcOff, this.srcOff + 4);
  }
  get dst(): Uint8Array {
    return this.bytes.subarray(this.dstOff, this.dstOff + 4);
  }
}

/** Per-packet state IP shares with the layers above (Wireshark's pinfo->flags.in_error_pkt and pinfo->fragmented). */
export interface IpPacketFlags {
  /** Inside the datagram an ICMP error quotes. */
  inError: boolean;
  /** The payload is the first fragment of a datagram that could not be reassembled. */
  fragmented: boolean;
}

/** The flags live on the context itself (as on Wireshark's pinfo): a side table per packet costs more than the packet. */
/**
 * Dotted-quad text of an address, made once per address: every packet needs two, a capture
 * has few distinct ones, and the same string each time is also cheaper to look up (its
 * hash is kept) in the conversation tables keyed by address text.
 */
function addressText(v: number): string {
  // A table by a few bits of the address (no map to hash into): an address whose slot another
  // took meanwhile is made again, which is rare with this many slots.
  const slot = (v ^ (v >>> 12) ^ (v >>> 24)) & (ADDRESS_SLOTS - 1);
  if (slotAddress[slot] === v) return slotText[slot]!;
  const text = ipv4Text(v);
  slotAddress[slot] = v;
  slotText[slot] = text;
  return text;
}

const ADDRESS_SLOTS = 4096;
const slotAddress = new Float64Array(ADDRESS_SLOTS).fill(-1);
const slotText: string[] = new Array<string>(ADDRESS_SLOTS).fill('');

export function ipFlags(ctx: PacketContext): IpPacketFlags {
  return ctx.ipFlags;
}

export function inErrorPacket(ctx: PacketContext): boolean {
  return ctx.ipFlags.inError;
}

const IPH_MIN_LEN = 20;
const IP_PROTO_PIM = 103;
const IP_PROTO_OSPF = 89;

function flagsText(flags: number): string {
  let s = `Flags: 0x${flags.toString(16)}`;
  if (flags & 4) s += ', Reserved bit';
  if (flags & 2) s += ", Don't fragment";
  if (flags & 1) s += ', More fragments';
  return s;
}

/** Columns and the hand-off when the payload has no dissector: `IGMP (2)`. */
export function protoName(proto: number): string {
  return IP_PROTO_NAMES[proto] ?? 'Unknown';
}

/**
 * Wireshark's 224.0.0.0/24 check: such packets should never be routed, so their
 * TTL should be 1, except for protocols known to send 255 (VRRP, GLBP) or any
 * value (mDNS, LLMNR). Returns the expected TTL, -1 for "any", undefined outside the block.
 */
function localControlBlockTtl(dst: number): number | undefined {
  if ((dst & 0xffffff00) >>> 0 !== 0xe0000000) return undefined;
  switch (dst & 0xff) {
    case 18: case 102: return 255;
    case 251: case 252: return -1;
    default: return 1;
  }
}

export const dissectIpv4: Dissector = (tvb, offset, end, ctx, tree) => {
  ctx.cols.protocol = 'IPv4';
  ctx.cols.clearInfo();
  const vhl = u8(tvb, offset);
  const hlen = (vhl & 0x0f) * 4;
  const t = ctx.enter(ipProto, tree, tvb, offset, hlen);
  if (t.labels) t.setText(ipProto.label);
  // Where IPv4's own items go: nowhere on a filter's pruned tree that names none of them.
  const items = t.wantsAny(hfIp) ? t : NULL_TREE;
  const versionItem = items.add(hfIp.version, tvb, offset, 1, vhl >> 4);
  if (vhl >> 4 !== 4) {
    ctx.cols.setInfo(`Bogus IPv4 version (${vhl >> 4}, must be 4)`);
    addExpert(versionItem, tvb, offset, 1, Severity.Error, GROUPS.Malformed, 'Bogus IPv4 version', hfIp.bogusIpVersion);
    if (vhl >> 4 === 6) ctx.dispatch('ethertype', 0x86dd, tvb, offset, end, tree);
    return end - offset;
  }
  const hdrBits = (): string => `.... ${((vhl & 0x0f) >> 3) & 1}${((vhl & 0x0f) >> 2) & 1}${((vhl & 0x0f) >> 1) & 1}${vhl & 1}`;
  if (hlen < IPH_MIN_LEN) {
    ctx.cols.setInfo(`Bogus IP header length (${hlen}, must be at least ${IPH_MIN_LEN})`);
    const item = items.add(hfIp.hdrLen, tvb, offset, 1, hlen, t.labels ? `${hdrBits()} = Header Length: ${hlen} bytes (bogus, must be at least ${IPH_MIN_LEN})` : undefined);
    addExpert(item, tvb, offset, 1, Severity.Error, GROUPS.Malformed, `Bogus IP header length (${hlen}, must be at least ${IPH_MIN_LEN})`, hfIp.bogusHeaderLength);
    return end - offset;
  }
  items.add(hfIp.hdrLen, tvb, offset, 1, hlen, t.labels ? `${hdrBits()} = Header Length: ${hlen} bytes (${hlen >> 2})` : undefined);

  const tos = u8(tvb, offset + 1);
  if (items.enabled) {
    const ds = t.add(hfIp.dsfield, tvb, offset + 1, 1, tos, t.labels
      ? `Differentiated Services Field: 0x${tos.toString(16).padStart(2, '0')} (DSCP: ${DSCP_SHORT[tos >> 2] ?? 'Unknown'}, ECN: ${ECN_SHORT[tos & 3]})`
      : undefined);
    ds.add(hfIp.dscp, tvb, offset + 1, 1, tos >> 2);
    ds.add(hfIp.ecn, tvb, offset + 1, 1, tos & 3);
  }

  const inError = inErrorPacket(ctx);
  let ipLen = u16(tvb, offset + 2);
  // The datagram's extent on the wire, from the layer below (a snapshot length may have cut the capture shorter).
  const layerReported = tvb.source === 0 && end === tvb.bytes.length ? tvb.reportedLength - offset : end - offset;
  let datagramEnd = end;
  let lenItem: Tree;
  if (ipLen === 0) {
    // Wireshark assumes TCP segmentation offload zeroed the field and uses the captured datagram's size.
    ipLen = layerReported;
    lenItem = items.addGenerated(hfIp.len, tvb, offset + 2, 2, ipLen,
      t.labels ? `Total Length: ${ipLen} bytes (reported as 0, presumed to be because of "TCP segmentation offload" (TSO))` : undefined);
  } else if (ipLen < hlen) {
    ctx.cols.setInfo(`Bogus IP length (${ipLen}, less than header length ${hlen})`);
    const item = items.add(hfIp.len, tvb, offset + 2, 2, ipLen, t.labels ? `Total Length: ${ipLen} bytes (bogus, less than header length ${hlen})` : undefined);
    addExpert(item, tvb, offset + 2, 2, Severity.Error, GROUPS.Malformed, 'Bogus IP length', hfIp.bogusIpLength);
    return end - offset;
  } else {
    lenItem = items.add(hfIp.len, tvb, offset + 2, 2, ipLen);
  }
  if (ipLen > layerReported) {
    if (!inError) addExpert(lenItem, tvb, offset + 2, 2, Severity.Error, GROUPS.Protocol, `IPv4 total length exceeds packet length (${layerReported} bytes)`, hfIp.bogusIpLength);
    ipLen = layerReported;
  } else {
    datagramEnd = Math.min(end, offset + ipLen);
  }

  const id = u16(tvb, offset + 4);
  items.add(hfIp.id, tvb, offset + 4, 2, id);
  const off = u16(tvb, offset + 6);
  const flags = off >> 13;
  const fragOffset = (off & 0x1fff) * 8;
  if (items.enabled) {
    const labels = t.labels;
    const f = t.add(hfIp.flags, tvb, offset + 6, 1, flags, labels ? `${bitfieldPrefix(hfIp.flags, flags)} = ${flagsText(flags)}` : undefined);
    f.add(hfIp.rb, tvb, offset + 6, 1, (flags & 4) !== 0);
    f.add(hfIp.df, tvb, offset + 6, 1, (flags & 2) !== 0);
    f.add(hfIp.mf, tvb, offset + 6, 1, (flags & 1) !== 0);
    t.add(hfIp.fragOffset, tvb, offset + 6, 2, off & 0x1fff, labels ? `${bitfieldPrefix(hfIp.fragOffset, off & 0x1fff)} = Fragment Offset: ${fragOffset}` : undefined);
  }
  const ttl = u8(tvb, offset + 8);
  const ttlItem = items.add(hfIp.ttl, tvb, offset + 8, 1, ttl);
  const proto = u8(tvb, offset + 9);
  items.add(hfIp.proto, tvb, offset + 9, 1, proto);
  const sum = u16(tvb, offset + 10);
  items.add(hfIp.checksum, tvb, offset + 10, 2, sum, t.labels ? `Header Checksum: 0x${sum.toString(16).padStart(4, '0')} [validation disabled]` : undefined);
  items.addGenerated(hfIp.checksumStatus, tvb, offset + 10, 0, 2, items.labels ? checksumStatusText(hfIp.checksumStatus, 2) : undefined);

  const src = u32(tvb, offset + 12);
  const srcText = addressText(src);
  ctx.netSrc = srcText;
  ctx.netSrcKey = src;
  ctx.cols.src = srcText;
  if (items.enabled) {
    t.add(hfIp.src, tvb, offset + 12, 4, src);
    t.addHidden(hfIp.addr, tvb, offset + 12, 4, src);
    t.addHidden(hfIp.srcHost, tvb, offset + 12, 4, srcText);
    t.addHidden(hfIp.host, tvb, offset + 12, 4, srcText);
  }
  // Options the capture cut off cannot move the destination; their dissection reports the truncation.
  let routeDst = -1;
  if (hlen > IPH_MIN_LEN && offset + hlen <= tvb.bytes.length) {
    try {
      routeDst = sourceRouteDestination(tvb, offset + IPH_MIN_LEN, hlen - IPH_MIN_LEN);
    } catch {
      routeDst = -1;
    }
  }
  const dstOff = routeDst >= 0 ? routeDst : offset + 16;
  const dst = u32(tvb, dstOff);
  const dstText = addressText(dst);
  ctx.netDst = dstText;
  ctx.netDstKey = dst;
  ctx.cols.dst = dstText;

  const lncbTtl = localControlBlockTtl(dst);
  if (lncbTtl !== undefined) {
    if (lncbTtl !== -1 && ttl !== lncbTtl) {
      addExpert(ttlItem, tvb, offset + 8, 1, Severity.Note, GROUPS.Sequence, `"Time To Live" != ${lncbTtl} for a packet sent to the Local Network Control Block (see RFC 3171)`, hfIp.ttlLncb);
    }
  } else if ((dst >>> 28) !== 0xe && ttl < 5 && proto !== IP_PROTO_PIM && proto !== IP_PROTO_OSPF) {
    addExpert(ttlItem, tvb, offset + 8, 1, Severity.Note, GROUPS.Sequence, `"Time To Live" only ${ttl}`, hfIp.ttlTooSmall);
  }

  if (items.enabled) {
    if (routeDst >= 0) {
      const cur = u32(tvb, offset + 16);
      t.add(hfIp.curRt, tvb, offset + 16, 4, cur);
      t.addHidden(hfIp.curRtHost, tvb, offset + 16, 4, ipv4Text(cur));
    } else {
      t.add(hfIp.dst, tvb, offset + 16, 4, dst);
      t.addHidden(hfIp.addr, tvb, offset + 16, 4, dst);
      t.addHidden(hfIp.dstHost, tvb, offset + 16, 4, dstText);
      t.addHidden(hfIp.host, tvb, offset + 16, 4, dstText);
    }
  }
  if (t.labels) t.setText(`${ipProto.label}, Src: ${srcText}, Dst: ${dstText}`);
  if (hlen > IPH_MIN_LEN) {
    const optLen = hlen - IPH_MIN_LEN;
    const opts = t.add(hfWs.text, tvb, offset + IPH_MIN_LEN, optLen, null, t.labels ? `Options: (${optLen} bytes)` : undefined);
    const addFinalDst = (item: Tree, at: number): void => {
      item.add(hfIp.dst, tvb, at, 4, dst);
      item.addHidden(hfIp.addr, tvb, at, 4, dst);
      item.addHidden(hfIp.dstHost, tvb, at, 4, dstText);
      item.addHidden(hfIp.host, tvb, at, 4, dstText);
    };
    const names = dissectIpOptions(opts, tvb, offset + IPH_MIN_LEN, optLen, routeDst >= 0 ? { offset: routeDst, add: addFinalDst } : undefined);
    if (opts.labels && names.length) opts.appendText(', ' + names.join(', '));
  }

  ctx.ipProto = proto;
  const payload = offset + hlen;
  const info: IpPacketInfo = new Ipv4Info(proto, tvb.bytes, offset + 12, dstOff, ttl, inError, offset + ipLen);
  const isFragment = (off & 0x3fff) !== 0;
  const payloadLen = ipLen - hlen;
  if (isFragment && payload + payloadLen <= tvb.bytes.length) {
    const key = `${proto}:${id}:${src}:${dst}`;
    const whole = addFragment(ctx, 'ipv4.fragments', key, fragOffset, tvb, payload, payloadLen, (flags & 1) !== 0);
    if (whole) {
      const next = showReassembled(ctx, t, whole, 'IPv4', IP_FRAGMENT_FIELDS);
      handOff(ctx, proto, next, 0, next.bytes.length, tree, info);
      return datagramEnd - offset;
    }
    fragmentOnly(ctx, proto, fragOffset, id, tvb, payload, datagramEnd, tree);
    return datagramEnd - offset;
  }
  if (off & 0x1fff) {
    fragmentOnly(ctx, proto, fragOffset, id, tvb, payload, datagramEnd, tree);
    return datagramEnd - offset;
  }
  if (datagramEnd > payload || ipLen > hlen) {
    const flagsState = ipFlags(ctx);
    const saved = flagsState.fragmented;
    flagsState.fragmented = (flags & 1) !== 0;
    handOff(ctx, proto, tvb, payload, datagramEnd, tree, info);
    flagsState.fragmented = saved;
  }
  return datagramEnd - offset;
};

function fragmentOnly(ctx: PacketContext, proto: number, fragOffset: number, id: number, tvb: Tvb, payload: number, end: number, tree: Tree): void {
  ctx.cols.setInfo(`Fragmented IP protocol (proto=${protoName(proto)} ${proto}, off=${fragOffset}, ID=${id.toString(16).padStart(4, '0')})`);
  const data = ctx.registry.byName('data');
  if (data && end > payload) ctx.call(data, tvb, payload, end, tree);
}

/**
 * The payload goes to whoever registered the protocol number (a dissector may
 * decline by returning 0), else it is shown as data with `unknownPrefix` + `UDP (17)` in Info.
 */
export function handOff(ctx: PacketContext, proto: number, tvb: Tvb, offset: number, end: number, tree: Tree, info: IpPacketInfo, unknownPrefix = ''): void {
  const d = ctx.registry.lookup('ip.proto', proto);
  if (d && ctx.call(d, tvb, offset, end, tree, info) > 0) return;
  ctx.cols.setInfo(`${unknownPrefix}${protoName(proto)} (${proto})`);
  const data = ctx.registry.byName('data');
  if (data && end > offset) ctx.call(data, tvb, offset, end, tree);
}

/**
 * IP in IP (protocol 4): Wireshark's version-neutral entry, which also takes
 * IPv6 and labels anything else a bogus version.
 */
export const dissectIpAnyVersion: Dissector = (tvb, offset, end, ctx, tree, data) => {
  const version = u8(tvb, offset) >> 4;
  if (version === 4) return dissectIpv4(tvb, offset, end, ctx, tree, data);
  if (version === 6) {
    ctx.dispatch('ethertype', 0x86dd, tvb, offset, end, tree);
    return end - offset;
  }
  const t = tree.add(ipProto.def, tvb, offset, 1, null, `Internet Protocol, bogus version (${version})`);
  ctx.protocols.push(ipProto.name);
  ctx.cols.protocol = 'IP';
  ctx.cols.clearInfo();
  ctx.cols.setInfo(`Bogus IP version (${version})`);
  const v = t.add(hfIp.version, tvb, offset, 1, version);
  addExpert(v, tvb, offset, 1, Severity.Error, GROUPS.Malformed, 'Bogus IP version', hfIp.bogusIpVersion);
  return 1;
};

export function register(r: Registry): void {
  r.addProtocol(ipProto, hfIp);
  r.add('ip.proto', 4, dissectIpAnyVersion);
  r.addFields(Object.values(hfIpOpt));
  r.addFields(ipOptionItemDefs);
  r.add('ethertype', 0x0800, dissectIpv4);
}
