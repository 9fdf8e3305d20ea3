/**
 * ICMPv6 (RFC 4443) with the parts most captures hold: errors quoting the
 * offending datagram, echo with request/reply matching, Neighbor Discovery
 * (RS, RA, NS, NA, Redirect) and its common options, and MLD v1/v2 — with the
 * Info wording tshark uses.
 */
import { addExpert, GROUPS, Severity } from '../expert.js';
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { MalformedError, slice, u16, u32, u8, type Tvb } from '../tvb.js';
import { ipv6Text, macText } from '../../format/address-text.js';
import { CHECKSUM_STATUS, checksumStatusText } from './eth-trailer-fields.js';
import { etherLabel } from './eth.js';
import { internetChecksum } from './icmp-checksum.js';
import { dissectQuoted } from './icmp-quote.js';
import { inErrorPacket, ipFlags, type IpPacketInfo } from './ipv4.js';
import { wireEnd } from './wire-end.js';
import { ICMPV6_OPT_TYPE_NAMES, ICMPV6_TYPE_NAMES } from './icmpv6-names.js';
import { within } from './data.js';

export const icmpv6Proto = protocol('icmpv6', 'ICMPv6', 'Internet Control Message Protocol v6');

const RA_PRF_NAMES: Readonly<Record<number, string>> = { 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' };
const MLDR_RECORD_NAMES: Readonly<Record<number, string>> = {
  1: 'Include', 2: 'Exclude', 3: 'Changed to include', 4: 'Changed to exclude', 5: 'Allow new sources', 6: 'Block old sources',
};
const SET: readonly [string, string] = ['Set', 'Not set'];

export const hfIcmpv6 = fields({
  type: { abbrev: 'icmpv6.type', name: 'Type', type: 'uint8', base: 'dec', strings: ICMPV6_TYPE_NAMES },
  code: { abbrev: 'icmpv6.code', name: 'Code', type: 'uint8', base: 'dec' },
  checksum: { abbrev: 'icmpv6.checksum', name: 'Checksum', type: 'uint16', base: 'hex' },
  checksumStatus: { abbrev: 'icmpv6.checksum.status', name: 'Checksum Status', type: 'uint8', strings: CHECKSUM_STATUS },
  checksumBad: { abbrev: 'icmpv6.checksum_bad.expert', name: 'Bad checksum', type: 'none' },
  reserved: { abbrev: 'icmpv6.reserved', name: 'Reserved', type: 'bytes' },
  length: { abbrev: 'icmpv6.length', name: 'Length of original datagram', type: 'uint8', base: 'dec' },
  mtu: { abbrev: 'icmpv6.mtu', name: 'MTU', type: 'uint32', base: 'dec' },
  pointer: { abbrev: 'icmpv6.pointer', name: 'Pointer', type: 'uint32', base: 'dec' },
  echoId: { abbrev: 'icmpv6.echo.identifier', name: 'Identifier', type: 'uint16', base: 'hex' },
  echoSeq: { abbrev: 'icmpv6.echo.sequence_number', name: 'Sequence', type: 'uint16', base: 'dec' },
  respTo: { abbrev: 'icmpv6.resp_to', name: 'Response To', type: 'framenum' },
  respTime: { abbrev: 'icmpv6.resptime', name: 'Response Time', type: 'double' },
  raHopLimit: { abbrev: 'icmpv6.nd.ra.cur_hop_limit', name: 'Cur hop limit', type: 'uint8', base: 'dec' },
  raFlag: { abbrev: 'icmpv6.nd.ra.flag', name: 'Flags', type: 'uint8', base: 'hex' },
  raFlagM: { abbrev: 'icmpv6.nd.ra.flag.m', name: 'Managed address configuration', type: 'boolean', bitmask: 0x80, bits: 8, tfs: SET },
  raFlagO: { abbrev: 'icmpv6.nd.ra.flag.o', name: 'Other configuration', type: 'boolean', bitmask: 0x40, bits: 8, tfs: SET },
  raFlagH: { abbrev: 'icmpv6.nd.ra.flag.h', name: 'Home Agent', type: 'boolean', bitmask: 0x20, bits: 8, tfs: SET },
  raFlagPrf: { abbrev: 'icmpv6.nd.ra.flag.prf', name: 'Prf (Default Router Preference)', type: 'uint8', base: 'dec', bitmask: 0x18, bits: 8, strings: RA_PRF_NAMES },
  raFlagP: { abbrev: 'icmpv6.nd.ra.flag.p', name: 'Proxy', type: 'boolean', bitmask: 0x04, bits: 8, tfs: SET },
  raFlagRsv: { abbrev: 'icmpv6.nd.ra.flag.rsv', name: 'Reserved', type: 'uint8', base: 'dec', bitmask: 0x03, bits: 8 },
  raRouterLifetime: { abbrev: 'icmpv6.nd.ra.router_lifetime', name: 'Router lifetime (s)', type: 'uint16', base: 'dec' },
  raReachable: { abbrev: 'icmpv6.nd.ra.reachable_time', name: 'Reachable time (ms)', type: 'uint32', base: 'dec' },
  raRetrans: { abbrev: 'icmpv6.nd.ra.retrans_timer', name: 'Retrans timer (ms)', type: 'uint32', base: 'dec' },
  nsTarget: { abbrev: 'icmpv6.nd.ns.target_address', name: 'Target Address', type: 'ipv6' },
  naFlag: { abbrev: 'icmpv6.nd.na.flag', name: 'Flags', type: 'uint32', base: 'hex' },
  naFlagR: { abbrev: 'icmpv6.nd.na.flag.r', name: 'Router', type: 'boolean', bitmask: 0x80000000, bits: 32, tfs: SET },
  naFlagS: { abbrev: 'icmpv6.nd.na.flag.s', name: 'Solicited', type: 'boolean', bitmask: 0x40000000, bits: 32, tfs: SET },
  naFlagO: { abbrev: 'icmpv6.nd.na.flag.o', name: 'Override', type: 'boolean', bitmask: 0x20000000, bits: 32, tfs: SET },
  naFlagRsv: { abbrev: 'icmpv6.nd.na.flag.rsv', name: 'Reserved', type: 'uint32', base: 'dec', bitmask: 0x1fffffff, bits: 32 },
  naTarget: { abbrev: 'icmpv6.nd.na.target_address', name: 'Target Address', type: 'ipv6' },
  rdTarget: { abbrev: 'icmpv6.nd.rd.target_address', name: 'Target Address', type: 'ipv6' },
  rdDestination: { abbrev: 'icmpv6.nd.rd.destination_address', name: 'Destination Address', type: 'ipv6' },
  opt: { abbrev: 'icmpv6.opt', name: 'ICMPv6 Option', type: 'none' },
  optType: { abbrev: 'icmpv6.opt.type', name: 'Type', type: 'uint8', base: 'dec', strings: ICMPV6_OPT_TYPE_NAMES },
  optLength: { abbrev: 'icmpv6.opt.length', name: 'Length', type: 'uint8', base: 'dec' },
  optReserved: { abbrev: 'icmpv6.opt.reserved', name: 'Reserved', type: 'none' },
  optLinkaddrMac: { abbrev: 'icmpv6.opt.linkaddr', name: 'Link-layer address', type: 'ether' },
  optSrcLinkaddrMac: { abbrev: 'icmpv6.opt.src_linkaddr', name: 'Source Link-layer address', type: 'ether' },
  optTargetLinkaddrMac: { abbrev: 'icmpv6.opt.target_linkaddr', name: 'Target Link-layer address', type: 'ether' },
  optLinkaddr: { abbrev: 'icmpv6.opt.linkaddr', name: 'Link-layer address', type: 'bytes' },
  optPrefixLength: { abbrev: 'icmpv6.opt.prefix.length', name: 'Prefix Length', type: 'uint8', base: 'dec' },
  optPrefixFlag: { abbrev: 'icmpv6.opt.prefix.flag', name: 'Flag', type: 'uint8', base: 'hex' },
  optPrefixFlagL: { abbrev: 'icmpv6.opt.prefix.flag.l', name: 'On-link flag(L)', type: 'boolean', bitmask: 0x80, bits: 8, tfs: SET },
  optPrefixFlagA: { abbrev: 'icmpv6.opt.prefix.flag.a', name: 'Autonomous address-configuration flag(A)', type: 'boolean', bitmask: 0x40, bits: 8, tfs: SET },
  optPrefixFlagR: { abbrev: 'icmpv6.opt.prefix.flag.r', name: 'Router address flag(R)', type: 'boolean', bitmask: 0x20, bits: 8, tfs: SET },
  optPrefixFlagRsv: { abbrev: 'icmpv6.opt.prefix.flag.reserved', name: 'Reserved', type: 'uint8', base: 'dec', bitmask: 0x1f, bits: 8 },
  optPrefixValid: { abbrev: 'icmpv6.opt.prefix.valid_lifetime', name: 'Valid Lifetime', type: 'uint32', base: 'dec' },
  optPrefixPreferred: { abbrev: 'icmpv6.opt.prefix.preferred_lifetime', name: 'Preferred Lifetime', type: 'uint32', base: 'dec' },
  optPrefix: { abbrev: 'icmpv6.opt.prefix', name: 'Prefix', type: 'ipv6' },
  optMtu: { abbrev: 'icmpv6.opt.mtu', name: 'MTU', type: 'uint32', base: 'dec' },
  optRedirected: { abbrev: 'icmpv6.opt.redirected_packet', name: 'Redirected Packet', type: 'none' },
  mldMaxDelay: { abbrev: 'icmpv6.mld.maximum_response_delay', name: 'Maximum Response Delay [ms]', type: 'uint16', base: 'dec' },
  mldMaxCode: { abbrev: 'icmpv6.mld.maximum_response_code', name: 'Maximum Response Code', type: 'uint16', base: 'dec' },
  mldAddress: { abbrev: 'icmpv6.mld.multicast_address', name: 'Multicast Address', type: 'ipv6' },
  mldNbSources: { abbrev: 'icmpv6.mld.nb_sources', name: 'Number of Sources', type: 'uint16', base: 'dec' },
  mldSource: { abbrev: 'icmpv6.mld.source_address', name: 'Source Address', type: 'ipv6' },
  mldrNb: { abbrev: 'icmpv6.mldr.nb_mcast_records', name: 'Number of Multicast Address Records', type: 'uint16', base: 'dec' },
  mldrMar: { abbrev: 'icmpv6.mldr.mar', name: 'Multicast Address Record', type: 'none' },
  mldrType: { abbrev: 'icmpv6.mldr.mar.record_type', name: 'Record Type', type: 'uint8', base: 'dec', strings: MLDR_RECORD_NAMES },
  mldrAuxLen: { abbrev: 'icmpv6.mldr.mar.aux_data_len', name: 'Aux Data Len', type: 'uint8', base: 'dec' },
  mldrNbSources: { abbrev: 'icmpv6.mldr.mar.nb_sources', name: 'Number of Sources', type: 'uint16', base: 'dec' },
  mldrAddress: { abbrev: 'icmpv6.mldr.mar.multicast_address', name: 'Multicast Address', type: 'ipv6' },
  mldrSource: { abbrev: 'icmpv6.mldr.mar.source_address', name: 'Source Address', type: 'ipv6' },
  mldrAux: { abbrev: 'icmpv6.mldr.mar.auxiliary_data', name: 'Auxiliary Data', type: 'bytes' },
  data: { abbrev: 'icmpv6.data', name: 'Data', type: 'bytes' },
});

const CODE_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    0: 'no route to destination', 1: 'communication with destination administratively prohibited', 2: 'beyond scope of source address',
    3: 'address unreachable', 4: 'port unreachable', 5: 'source address failed ingress/egress policy', 6: 'reject route to destination',
    7: 'Error in Source Routing Header', 8: 'Headers too long',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: {
    0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered',
    3: 'IPv6 First Fragment has incomplete IPv6 Header Chain', 4: 'SR Upper-layer Header Error',
    5: 'Unrecognized Next Header type encountered by intermediate node', 6: 'Extension header too big', 7: 'Extension header chain too long',
    8: 'Too many extension headers', 9: 'Too many options in extension header', 10: 'Option too big',
  },
  139: { 0: 'Query subject = IPv6 addresses', 1: 'Query subject = Name', 2: 'Query subject = IPv4 addresses' },
  140: { 0: 'Successful reply', 1: 'Responder refuses to answer', 2: 'Qtype is unknown to the Responder' },
};

const T_UNREACH = 1, T_TOOBIG = 2, T_TIMXCEED = 3, T_PARAMPROB = 4, T_ECHO = 128, T_ECHOREPLY = 129;
const T_MLD_QUERY = 130, T_MLD_REPORT = 131, T_MLD_DONE = 132, T_RS = 133, T_RA = 134, T_NS = 135, T_NA = 136, T_REDIRECT = 137, T_MLDV2_REPORT = 143;
/** Fixed part of each message after type, code and checksum. */
const BODY_LENGTH: Readonly<Record<number, number>> = {
  1: 4, 2: 4, 3: 4, 4: 4, 128: 4, 129: 4, 130: 20, 131: 20, 132: 20, 133: 4, 134: 12, 135: 20, 136: 20, 137: 36, 143: 4,
};
const OPT_SRC_LL = 1, OPT_TGT_LL = 2, OPT_PREFIX = 3, OPT_REDIRECTED = 4, OPT_MTU = 5;

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

/** ICMPv6's checksum covers a pseudo-header of both addresses, the length and the next-header value 58. */
function pseudoHeaderWords(ip: IpPacketInfo, length: number): number[] {
  const words: number[] = [];
  for (const a of [ip.src, ip.dst]) for (let i = 0; i < 16; i += 2) words.push((a[i]! << 8) | a[i + 1]!);
  words.push(length >>> 16, length & 0xffff, 0, 58);
  return words;
}

interface EchoRequest { frame: number; ns: bigint; replied: boolean }

function frameNs(ctx: PacketContext): bigint {
  return BigInt(ctx.frame.tsSec) * 1_000_000_000n + BigInt(ctx.frame.tsNsec);
}

function echoKey(ctx: PacketContext, id: number, seq: number): string {
  const [a, b] = ctx.netSrc < ctx.netDst ? [ctx.netSrc, ctx.netDst] : [ctx.netDst, ctx.netSrc];
  return `${a}|${b}|${id}|${seq}`;
}

function matchEcho(ctx: PacketContext, t: Tree, tvb: Tvb, off: number, isReply: boolean, id: number, seq: number): void {
  const table = ctx.session.get('icmpv6.echo', () => new Map<string, EchoRequest>());
  if (!isReply) {
    if (!ctx.visited) table.set(echoKey(ctx, id, seq), { frame: ctx.num, ns: frameNs(ctx), replied: false });
    return;
  }
  let found = ctx.getMemo<{ frame: number; ns: bigint }>('icmpv6.request');
  if (!ctx.visited) {
    const req = table.get(echoKey(ctx, id, seq));
    if (req && !req.replied) {
      req.replied = true;
      found = { frame: req.frame, ns: frameNs(ctx) - req.ns };
      ctx.setMemo('icmpv6.request', found);
    }
  }
  if (!found) return;
  t.addGenerated(hfIcmpv6.respTo, tvb, off, 0, found.frame);
  const ms = Number(found.ns) / 1e6;
  t.addGenerated(hfIcmpv6.respTime, tvb, off, 0, ms, `Response Time: ${ms.toFixed(3)} ms`);
  ctx.cols.appendInfo(` (request in ${found.frame})`);
}

function callData(ctx: PacketContext, tvb: Tvb, off: number, end: number, tree: Tree): void {
  const data = ctx.registry.byName('data');
  if (data && end > off) ctx.call(data, tvb, off, end, tree);
}

/** ND options; link-layer address options add "from"/"is at" to the Info column. */
function dissectNdOptions(ctx: PacketContext, t: Tree, tvb: Tvb, off: number, end: number): void {
  let p = off;
  while (p < end) {
    const type = u8(tvb, p);
    const lenUnits = u8(tvb, p + 1);
    const len = lenUnits * 8;
    const name = ICMPV6_OPT_TYPE_NAMES[type] ?? 'Unknown';
    if (len === 0) throw new MalformedError('ICMPv6 option with length 0');
    if (p + len > end) throw new MalformedError('ICMPv6 option runs past the end of the message');
    const item = t.add(hfIcmpv6.opt, tvb, p, len, null, `ICMPv6 Option (${name})`);
    item.add(hfIcmpv6.optType, tvb, p, 1, type);
    item.add(hfIcmpv6.optLength, tvb, p + 1, 1, lenUnits, item.enabled ? `Length: ${lenUnits} (${len} bytes)` : undefined);
    const v = p + 2;
    switch (type) {
      case OPT_SRC_LL: case OPT_TGT_LL: {
        const n = len - 2;
        if (n === 6) {
          const mac = slice(tvb, v, 6);
          item.add(hfIcmpv6.optLinkaddrMac, tvb, v, 6, mac, item.enabled ? `Link-layer address: ${etherLabel(mac)}` : undefined);
          item.addHidden(type === OPT_SRC_LL ? hfIcmpv6.optSrcLinkaddrMac : hfIcmpv6.optTargetLinkaddrMac, tvb, v, 6, mac);
          const text = macText(mac);
          item.setText(`ICMPv6 Option (${name} : ${text})`);
          ctx.cols.appendInfo(type === OPT_SRC_LL ? ` from ${text}` : ` is at ${text}`);
        } else {
          item.add(hfIcmpv6.optLinkaddr, tvb, v, n, slice(tvb, v, n));
        }
        break;
      }
      case OPT_PREFIX: {
        const plen = u8(tvb, v);
        item.add(hfIcmpv6.optPrefixLength, tvb, v, 1, plen);
        const flag = u8(tvb, v + 1);
        const names: string[] = [];
        if (flag & 0x80) names.push('On-link flag(L)');
        if (flag & 0x40) names.push('Autonomous address-configuration flag(A)');
        if (flag & 0x20) names.push('Router address flag(R)');
        const f = item.add(hfIcmpv6.optPrefixFlag, tvb, v + 1, 1, flag,
          item.enabled ? `Flag: 0x${flag.toString(16).padStart(2, '0')}${names.map((n) => ', ' + n).join('')}` : undefined);
        f.add(hfIcmpv6.optPrefixFlagL, tvb, v + 1, 1, (flag & 0x80) !== 0);
        f.add(hfIcmpv6.optPrefixFlagA, tvb, v + 1, 1, (flag & 0x40) !== 0);
        f.add(hfIcmpv6.optPrefixFlagR, tvb, v + 1, 1, (flag & 0x20) !== 0);
        f.add(hfIcmpv6.optPrefixFlagRsv, tvb, v + 1, 1, flag & 0x1f);
        item.add(hfIcmpv6.optPrefixValid, tvb, v + 2, 4, u32(tvb, v + 2));
        item.add(hfIcmpv6.optPrefixPreferred, tvb, v + 6, 4, u32(tvb, v + 6));
        item.add(hfIcmpv6.optReserved, tvb, v + 10, 4, null, 'Reserved');
        const prefix = slice(tvb, v + 14, 16);
        item.add(hfIcmpv6.optPrefix, tvb, v + 14, 16, prefix);
        item.setText(`ICMPv6 Option (${name} : ${ipv6Text(prefix)}/${plen})`);
        break;
      }
      case OPT_MTU: {
        item.add(hfIcmpv6.optReserved, tvb, v, 2, null, 'Reserved');
        const mtu = u32(tvb, v + 2);
        item.add(hfIcmpv6.optMtu, tvb, v + 2, 4, mtu);
        item.setText(`ICMPv6 Option (${name} : ${mtu})`);
        break;
      }
      case OPT_REDIRECTED: {
        item.add(hfIcmpv6.optReserved, tvb, v, 6, null, 'Reserved');
        const r = item.add(hfIcmpv6.optRedirected, tvb, v + 6, len - 8, null, 'Redirected Packet');
        dissectQuoted(ctx, 0x86dd, tvb, v + 6, p + len, r);
        break;
      }
      default:
        break;
    }
    p += len;
  }
}

export const dissectIcmpv6: Dissector = (tvb, offset, end, ctx, tree, dataArg) => {
  const ip = dataArg as IpPacketInfo | undefined;
  const inError = inErrorPacket(ctx);
  ctx.cols.protocol = 'ICMPv6';
  ctx.cols.clearInfo();
  const t = ctx.enter(icmpv6Proto, tree, tvb, offset, end - offset);
  ctx.cols.protocol = 'ICMPv6';
  within(tvb, offset, 1, end);
  const type = u8(tvb, offset);
  t.add(hfIcmpv6.type, tvb, offset, 1, type);
  const typeName = ICMPV6_TYPE_NAMES[type] ?? `Unknown (${type})`;
  ctx.cols.setInfo(typeName);
  within(tvb, offset, 4, end);
  const code = u8(tvb, offset + 1);
  const codeName = CODE_NAMES[type]?.[code];
  t.add(hfIcmpv6.code, tvb, offset + 1, 1, code, t.enabled && codeName ? `Code: ${code} (${codeName})` : undefined);
  if (codeName) ctx.cols.appendInfo(` (${codeName})`);

  const sum = u16(tvb, offset + 2);
  const captured = end - offset;
  const reported = wireEnd(tvb, end, ip) - offset;
  if (ip && !inError && !ipFlags(ctx).fragmented && captured >= reported) {
    const computed = internetChecksum(tvb.bytes, offset, captured, -1, pseudoHeaderWords(ip, reported));
    if (computed === 0) {
      t.add(hfIcmpv6.checksum, tvb, offset + 2, 2, sum, t.enabled ? `Checksum: 0x${hex4(sum)} [correct]` : undefined);
      t.addGenerated(hfIcmpv6.checksumStatus, tvb, offset + 2, 0, 1, t.labels ? checksumStatusText(hfIcmpv6.checksumStatus, 1) : undefined);
    } else {
      const should = internetChecksum(tvb.bytes, offset, captured, offset + 2, pseudoHeaderWords(ip, reported));
      const item = t.add(hfIcmpv6.checksum, tvb, offset + 2, 2, sum, t.enabled ? `Checksum: 0x${hex4(sum)} incorrect, should be 0x${hex4(should)}` : undefined);
      addExpert(item, tvb, offset + 2, 2, Severity.Warning, GROUPS.Checksum, `Bad checksum [should be 0x${hex4(should)}]`, hfIcmpv6.checksumBad);
      t.addGenerated(hfIcmpv6.checksumStatus, tvb, offset + 2, 0, 0, t.labels ? checksumStatusText(hfIcmpv6.checksumStatus, 0) : undefined);
    }
  } else {
    t.add(hfIcmpv6.checksum, tvb, offset + 2, 2, sum, t.enabled ? `Checksum: 0x${hex4(sum)} [unverified]` : undefined);
    t.addGenerated(hfIcmpv6.checksumStatus, tvb, offset + 2, 0, 2, t.labels ? checksumStatusText(hfIcmpv6.checksumStatus, 2) : undefined);
  }

  const body = offset + 4;
  within(tvb, body, BODY_LENGTH[type] ?? 0, end);
  switch (type) {
    case T_UNREACH: case T_TIMXCEED: case T_TOOBIG: case T_PARAMPROB: {
      if (type === T_TOOBIG) t.add(hfIcmpv6.mtu, tvb, body, 4, u32(tvb, body));
      else if (type === T_PARAMPROB) t.add(hfIcmpv6.pointer, tvb, body, 4, u32(tvb, body));
      else {
        const origLen = u8(tvb, body);
        if (origLen) {
          t.add(hfIcmpv6.length, tvb, body, 1, origLen);
          t.add(hfIcmpv6.reserved, tvb, body + 1, 3, slice(tvb, body + 1, 3));
        } else {
          t.add(hfIcmpv6.reserved, tvb, body, 4, slice(tvb, body, 4));
        }
      }
      // Even an empty quote is handed to IPv6, which then reports the packet malformed, as tshark does.
      dissectQuoted(ctx, 0x86dd, tvb, body + 4, end, t);
      break;
    }
    case T_ECHO: case T_ECHOREPLY: {
      const id = u16(tvb, body);
      const seq = u16(tvb, body + 2);
      t.add(hfIcmpv6.echoId, tvb, body, 2, id);
      t.add(hfIcmpv6.echoSeq, tvb, body + 2, 2, seq);
      ctx.cols.appendInfo(` id=0x${hex4(id)}, seq=${seq}`);
      if (ip) ctx.cols.appendInfo(`, hop limit=${ip.ttl}`);
      if (!inError) matchEcho(ctx, t, tvb, body, type === T_ECHOREPLY, id, seq);
      callData(ctx, tvb, body + 4, end, t);
      break;
    }
    case T_MLD_QUERY: case T_MLD_REPORT: case T_MLD_DONE: {
      t.add(hfIcmpv6.mldMaxDelay, tvb, body, 2, u16(tvb, body));
      t.add(hfIcmpv6.reserved, tvb, body + 2, 2, slice(tvb, body + 2, 2));
      t.add(hfIcmpv6.mldAddress, tvb, body + 4, 16, slice(tvb, body + 4, 16));
      break;
    }
    case T_MLDV2_REPORT: {
      t.add(hfIcmpv6.reserved, tvb, body, 2, slice(tvb, body, 2));
      const n = u16(tvb, body + 2);
      t.add(hfIcmpv6.mldrNb, tvb, body + 2, 2, n);
      let p = body + 4;
      for (let i = 0; i < n; i++) {
        const rtype = u8(tvb, p);
        const aux = u8(tvb, p + 1);
        const ns = u16(tvb, p + 2);
        const maddr = slice(tvb, p + 4, 16);
        const recLen = 20 + ns * 16 + aux * 4;
        const rec = t.add(hfIcmpv6.mldrMar, tvb, p, recLen, null,
          `Multicast Address Record ${MLDR_RECORD_NAMES[rtype] ?? 'Unknown'}: ${ipv6Text(maddr)}`);
        rec.add(hfIcmpv6.mldrType, tvb, p, 1, rtype);
        rec.add(hfIcmpv6.mldrAuxLen, tvb, p + 1, 1, aux);
        rec.add(hfIcmpv6.mldrNbSources, tvb, p + 2, 2, ns);
        rec.add(hfIcmpv6.mldrAddress, tvb, p + 4, 16, maddr);
        for (let s = 0; s < ns; s++) rec.add(hfIcmpv6.mldrSource, tvb, p + 20 + s * 16, 16, slice(tvb, p + 20 + s * 16, 16));
        if (aux) rec.add(hfIcmpv6.mldrAux, tvb, p + 20 + ns * 16, aux * 4, slice(tvb, p + 20 + ns * 16, aux * 4));
        p += recLen;
      }
      break;
    }
    case T_RS:
      t.add(hfIcmpv6.reserved, tvb, body, 4, slice(tvb, body, 4));
      dissectNdOptions(ctx, t, tvb, body + 4, end);
      break;
    case T_RA: {
      t.add(hfIcmpv6.raHopLimit, tvb, body, 1, u8(tvb, body));
      const flag = u8(tvb, body + 1);
      const f = t.add(hfIcmpv6.raFlag, tvb, body + 1, 1, flag, t.enabled ? raFlagText(flag) : undefined);
      f.add(hfIcmpv6.raFlagM, tvb, body + 1, 1, (flag & 0x80) !== 0);
      f.add(hfIcmpv6.raFlagO, tvb, body + 1, 1, (flag & 0x40) !== 0);
      f.add(hfIcmpv6.raFlagH, tvb, body + 1, 1, (flag & 0x20) !== 0);
      f.add(hfIcmpv6.raFlagPrf, tvb, body + 1, 1, (flag >> 3) & 3);
      f.add(hfIcmpv6.raFlagP, tvb, body + 1, 1, (flag & 0x04) !== 0);
      f.add(hfIcmpv6.raFlagRsv, tvb, body + 1, 1, flag & 3);
      t.add(hfIcmpv6.raRouterLifetime, tvb, body + 2, 2, u16(tvb, body + 2));
      t.add(hfIcmpv6.raReachable, tvb, body + 4, 4, u32(tvb, body + 4));
      t.add(hfIcmpv6.raRetrans, tvb, body + 8, 4, u32(tvb, body + 8));
      dissectNdOptions(ctx, t, tvb, body + 12, end);
      break;
    }
    case T_NS: {
      t.add(hfIcmpv6.reserved, tvb, body, 4, slice(tvb, body, 4));
      const target = slice(tvb, body + 4, 16);
      t.add(hfIcmpv6.nsTarget, tvb, body + 4, 16, target);
      ctx.cols.appendInfo(` for ${ipv6Text(target)}`);
      dissectNdOptions(ctx, t, tvb, body + 20, end);
      break;
    }
    case T_NA: {
      const flags = u32(tvb, body);
      const f = t.add(hfIcmpv6.naFlag, tvb, body, 4, flags, t.enabled ? naFlagText(flags) : undefined);
      f.add(hfIcmpv6.naFlagR, tvb, body, 4, (flags & 0x80000000) !== 0);
      f.add(hfIcmpv6.naFlagS, tvb, body, 4, (flags & 0x40000000) !== 0);
      f.add(hfIcmpv6.naFlagO, tvb, body, 4, (flags & 0x20000000) !== 0);
      f.add(hfIcmpv6.naFlagRsv, tvb, body, 4, flags & 0x1fffffff);
      const target = slice(tvb, body + 4, 16);
      t.add(hfIcmpv6.naTarget, tvb, body + 4, 16, target);
      const names: string[] = [];
      if (flags & 0x80000000) names.push('rtr');
      if (flags & 0x40000000) names.push('sol');
      if (flags & 0x20000000) names.push('ovr');
      ctx.cols.appendInfo(` ${ipv6Text(target)}${names.length ? ` (${names.join(', ')})` : ''}`);
      dissectNdOptions(ctx, t, tvb, body + 20, end);
      break;
    }
    case T_REDIRECT:
      t.add(hfIcmpv6.reserved, tvb, body, 4, slice(tvb, body, 4));
      t.add(hfIcmpv6.rdTarget, tvb, body + 4, 16, slice(tvb, body + 4, 16));
      t.add(hfIcmpv6.rdDestination, tvb, body + 20, 16, slice(tvb, body + 20, 16));
      dissectNdOptions(ctx, t, tvb, body + 36, end);
      break;
    default:
      if (end > body) t.add(hfIcmpv6.data, tvb, body, end - body, slice(tvb, body, end - body));
      break;
  }
  return end - offset;
};

function raFlagText(flag: number): string {
  const parts: string[] = [];
  if (flag & 0x80) parts.push('Managed');
  if (flag & 0x40) parts.push('Other');
  if (flag & 0x20) parts.push('Home Agent');
  parts.push(`Prf (Default Router Preference): ${RA_PRF_NAMES[(flag >> 3) & 3]}`);
  if (flag & 0x04) parts.push('Proxy');
  return `Flags: 0x${flag.toString(16).padStart(2, '0')}, ${parts.join(', ')}`;
}

function naFlagText(flags: number): string {
  const parts: string[] = [];
  if (flags & 0x80000000) parts.push('Router');
  if (flags & 0x40000000) parts.push('Solicited');
  if (flags & 0x20000000) parts.push('Override');
  return `Flags: 0x${(flags >>> 0).toString(16).padStart(8, '0')}${parts.map((p) => ', ' + p).join('')}`;
}

export function register(r: Registry): void {
  r.addProtocol(icmpv6Proto, hfIcmpv6);
  r.add('ip.proto', 58, dissectIcmpv6);
}

