/**
 * IPv6 (ethertype 0x86dd, raw IP): the fixed header, the addresses' embedded
 * identifiers (SLAAC MAC, 6to4, Teredo, ISATAP) as Wireshark adds them, the
 * extension headers, fragment reassembly, then the hand-off through 'ip.proto'.
 */
import { addExpert, GROUPS, Severity } from '../expert.js';
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { slice, u16, u32, u8, type Tvb } from '../tvb.js';
import { ipv6Text } from '../../format/address-text.js';
import { bitfieldPrefix } from '../../format/tree-text.js';
import { etherLabel } from './eth.js';
import { DSCP_NAMES, IP_PROTO_NAMES } from './ipv4-names.js';
import { handOff, hfIp, inErrorPacket, ipFlags, type IpPacketInfo } from './ipv4.js';
import { addFragment, showReassembled } from './ipv4-reassembly.js';
import {
  ahProto, dissectAhHeader, hfAh,
  dissectFragmentHeader, dissectOptionsHeader, dissectRoutingHeader, dstoptsProto, fraghdrProto, hfIpv6Opt, hopoptsProto,
  IPV6_DSTOPTS, IPV6_FRAGMENT, IPV6_HOPOPTS, IPV6_ROUTING, routingProto,
} from './ipv6-ext.js';

export const ipv6Proto = protocol('ipv6', 'IPv6', 'Internet Protocol Version 6');
const IPPROTO_AH = 51;

const ECN_NAMES: Readonly<Record<number, string>> = {
  0: 'Not ECN-Capable Transport', 1: "ECN-Capable Transport codepoint '01'", 2: "ECN-Capable Transport codepoint '10'", 3: 'Congestion Experienced',
};
const ECN_SHORT = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];
const DSCP_SHORT: Readonly<Record<number, string>> = {
  0: 'CS0', 1: 'LE', 8: 'CS1', 10: 'AF11', 12: 'AF12', 14: 'AF13', 16: 'CS2', 18: 'AF21', 20: 'AF22', 22: 'AF23',
  24: 'CS3', 26: 'AF31', 28: 'AF32', 30: 'AF33', 32: 'CS4', 34: 'AF41', 36: 'AF42', 38: 'AF43', 40: 'CS5', 44: 'VOICE-ADMIT', 46: 'EF', 48: 'CS6', 56: 'CS7',
};

export const hfIpv6 = fields({
  version: { abbrev: 'ipv6.version', name: 'Version', type: 'uint8', base: 'dec', bitmask: 0xf0, bits: 8 },
  tclass: { abbrev: 'ipv6.tclass', name: 'Traffic Class', type: 'uint32', base: 'hex', bitmask: 0x0ff00000, bits: 32 },
  dscp: { abbrev: 'ipv6.tclass.dscp', name: 'Differentiated Services Codepoint', type: 'uint32', base: 'dec', bitmask: 0x0fc00000, bits: 32, strings: DSCP_NAMES },
  ecn: { abbrev: 'ipv6.tclass.ecn', name: 'Explicit Congestion Notification', type: 'uint32', base: 'dec', bitmask: 0x00300000, bits: 32, strings: ECN_NAMES },
  flow: { abbrev: 'ipv6.flow', name: 'Flow Label', type: 'uint24', base: 'hex', bitmask: 0x0fffff, bits: 24 },
  plen: { abbrev: 'ipv6.plen', name: 'Payload Length', type: 'uint16', base: 'dec' },
  nxt: { abbrev: 'ipv6.nxt', name: 'Next Header', type: 'uint8', base: 'dec', strings: IP_PROTO_NAMES },
  hlim: { abbrev: 'ipv6.hlim', name: 'Hop Limit', type: 'uint8', base: 'dec' },
  src: { abbrev: 'ipv6.src', name: 'Source Address', type: 'ipv6' },
  dst: { abbrev: 'ipv6.dst', name: 'Destination Address', type: 'ipv6' },
  addr: { abbrev: 'ipv6.addr', name: 'Source or Destination Address', type: 'ipv6' },
  srcHost: { abbrev: 'ipv6.src_host', name: 'Source Host', type: 'string' },
  dstHost: { abbrev: 'ipv6.dst_host', name: 'Destination Host', type: 'string' },
  host: { abbrev: 'ipv6.host', name: 'Source or Destination Host', type: 'string' },
  srcSlaacMac: { abbrev: 'ipv6.src_slaac_mac', name: 'Source SLAAC MAC', type: 'ether' },
  dstSlaacMac: { abbrev: 'ipv6.dst_slaac_mac', name: 'Destination SLAAC MAC', type: 'ether' },
  slaacMac: { abbrev: 'ipv6.slaac_mac', name: 'SLAAC MAC', type: 'ether' },
  src6to4Gw: { abbrev: 'ipv6.src_6to4_gw_ipv4', name: 'Source 6to4 Gateway IPv4', type: 'ipv4' },
  dst6to4Gw: { abbrev: 'ipv6.dst_6to4_gw_ipv4', name: 'Destination 6to4 Gateway IPv4', type: 'ipv4' },
  gw6to4: { abbrev: 'ipv6.6to4_gw_ipv4', name: '6to4 Gateway IPv4', type: 'ipv4' },
  src6to4Sla: { abbrev: 'ipv6.src_6to4_sla_id', name: 'Source 6to4 SLA ID', type: 'uint16', base: 'dec' },
  dst6to4Sla: { abbrev: 'ipv6.dst_6to4_sla_id', name: 'Destination 6to4 SLA ID', type: 'uint16', base: 'dec' },
  sla6to4: { abbrev: 'ipv6.6to4_sla_id', name: '6to4 SLA ID', type: 'uint16', base: 'dec' },
  srcTsIpv4: { abbrev: 'ipv6.src_ts_ipv4', name: 'Source Teredo Server IPv4', type: 'ipv4' },
  dstTsIpv4: { abbrev: 'ipv6.dst_ts_ipv4', name: 'Destination Teredo Server IPv4', type: 'ipv4' },
  tsIpv4: { abbrev: 'ipv6.ts_ipv4', name: 'Teredo Server IPv4', type: 'ipv4' },
  srcTcPort: { abbrev: 'ipv6.src_tc_port', name: 'Source Teredo Port', type: 'uint16', base: 'dec' },
  dstTcPort: { abbrev: 'ipv6.dst_tc_port', name: 'Destination Teredo Port', type: 'uint16', base: 'dec' },
  tcPort: { abbrev: 'ipv6.tc_port', name: 'Teredo Port', type: 'uint16', base: 'dec' },
  srcTcIpv4: { abbrev: 'ipv6.src_tc_ipv4', name: 'Source Teredo Client IPv4', type: 'ipv4' },
  dstTcIpv4: { abbrev: 'ipv6.dst_tc_ipv4', name: 'Destination Teredo Client IPv4', type: 'ipv4' },
  tcIpv4: { abbrev: 'ipv6.tc_ipv4', name: 'Teredo Client IPv4', type: 'ipv4' },
  srcIsatap: { abbrev: 'ipv6.src_isatap_ipv4', name: 'Source ISATAP IPv4', type: 'ipv4' },
  dstIsatap: { abbrev: 'ipv6.dst_isatap_ipv4', name: 'Destination ISATAP IPv4', type: 'ipv4' },
  isatap: { abbrev: 'ipv6.isatap_ipv4', name: 'ISATAP IPv4', type: 'ipv4' },
  fragments: { abbrev: 'ipv6.fragments', name: 'IPv6 Fragments', type: 'none' },
  fragment: { abbrev: 'ipv6.fragment', name: 'IPv6 Fragment', type: 'framenum' },
  fragmentCount: { abbrev: 'ipv6.fragment.count', name: 'Fragment count', type: 'uint32', base: 'dec' },
  reassembledLength: { abbrev: 'ipv6.reassembled.length', name: 'Reassembled IPv6 length', type: 'uint32', base: 'dec' },
  reassembledData: { abbrev: 'ipv6.reassembled.data', name: 'Reassembled IPv6 data', type: 'bytes' },
  fragmentError: { abbrev: 'ipv6.fragment.error', name: 'Defragmentation error', type: 'framenum' },
  fragmentOverlap: { abbrev: 'ipv6.fragment.overlap', name: 'Fragment overlap', type: 'boolean' },
  fragmentOverlapConflict: { abbrev: 'ipv6.fragment.overlap.conflict', name: 'Conflicting data in fragment overlap', type: 'boolean' },
  fragmentTooLong: { abbrev: 'ipv6.fragment.toolongfragment', name: 'Fragment too long', type: 'boolean' },
  bogusVersion: { abbrev: 'ipv6.bogus_ipv6_version', name: 'Bogus IP version', type: 'none' },
  plenExceedsFraming: { abbrev: 'ipv6.plen_exceeds_framing', name: 'IPv6 payload length does not match expected framing length', type: 'none' },
  plenZero: { abbrev: 'ipv6.plen_zero', name: 'IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))', type: 'none' },
  jumboMissing: { abbrev: 'ipv6.opt.jumbo.missing', name: 'IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing', type: 'none' },
});

const IPV6_FRAGMENT_FIELDS = {
  fragments: hfIpv6.fragments, fragment: hfIpv6.fragment, count: hfIpv6.fragmentCount,
  reassembledLength: hfIpv6.reassembledLength, reassembledData: hfIpv6.reassembledData,
  error: hfIpv6.fragmentError, overlap: hfIpv6.fragmentOverlap, overlapConflict: hfIpv6.fragmentOverlapConflict, tooLong: hfIpv6.fragmentTooLong,
};

function ipv4At(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

/** Identifiers Wireshark reads out of an address: 6to4 gateway, Teredo server/client, SLAAC MAC, ISATAP IPv4. */
function addressDetails(t: Tree, tvb: Tvb, off: number, a: Uint8Array, isSrc: boolean): void {
  if (a[0] === 0x20 && a[1] === 0x02) {
    t.addGenerated(isSrc ? hfIpv6.src6to4Gw : hfIpv6.dst6to4Gw, tvb, off + 2, 4, ipv4At(a, 2));
    t.addHidden(hfIpv6.gw6to4, tvb, off + 2, 4, ipv4At(a, 2));
    t.addGenerated(isSrc ? hfIpv6.src6to4Sla : hfIpv6.dst6to4Sla, tvb, off + 6, 2, (a[6]! << 8) | a[7]!);
    t.addHidden(hfIpv6.sla6to4, tvb, off + 6, 2, (a[6]! << 8) | a[7]!);
  } else if (a[0] === 0x20 && a[1] === 0x01 && a[2] === 0 && a[3] === 0) {
    t.addGenerated(isSrc ? hfIpv6.srcTsIpv4 : hfIpv6.dstTsIpv4, tvb, off + 4, 4, ipv4At(a, 4));
    t.addHidden(hfIpv6.tsIpv4, tvb, off + 4, 4, ipv4At(a, 4));
    const port = ~((a[10]! << 8) | a[11]!) & 0xffff;
    t.addGenerated(isSrc ? hfIpv6.srcTcPort : hfIpv6.dstTcPort, tvb, off + 10, 2, port);
    t.addHidden(hfIpv6.tcPort, tvb, off + 10, 2, port);
    const client = ~ipv4At(a, 12) >>> 0;
    t.addGenerated(isSrc ? hfIpv6.srcTcIpv4 : hfIpv6.dstTcIpv4, tvb, off + 12, 4, client);
    t.addHidden(hfIpv6.tcIpv4, tvb, off + 12, 4, client);
  }
  // Wireshark recognises a SLAAC interface ID only with the universal/local bit set, as EUI-64 from a MAC gives.
  if (a[11] === 0xff && a[12] === 0xfe && (a[8]! & 0x02) !== 0) {
    const mac = new Uint8Array([a[8]! ^ 0x02, a[9]!, a[10]!, a[13]!, a[14]!, a[15]!]);
    t.addGenerated(isSrc ? hfIpv6.srcSlaacMac : hfIpv6.dstSlaacMac, tvb, off + 8, 8, mac,
      t.enabled ? `${isSrc ? 'Source' : 'Destination'} SLAAC MAC: ${etherLabel(mac)}` : undefined);
    t.addHidden(hfIpv6.slaacMac, tvb, off + 8, 8, mac);
  }
  if ((a[8]! & 0xfd) === 0 && a[9] === 0 && a[10] === 0x5e && a[11] === 0xfe) {
    t.addGenerated(isSrc ? hfIpv6.srcIsatap : hfIpv6.dstIsatap, tvb, off + 12, 4, ipv4At(a, 12));
    t.addHidden(hfIpv6.isatap, tvb, off + 12, 4, ipv4At(a, 12));
  }
}

export const dissectIpv6: Dissector = (tvb, offset, end, ctx, tree) => {
  if (offset < tvb.bytes.length && u8(tvb, offset) >> 4 !== 6) {
    // Not IPv6 after all: Wireshark shows the bogus version, then declines, so the
    // layer below shows the bytes as data and the layer is not in frame.protocols.
    if (tree.enabled) {
      const item = tree.add(ipv6Proto.def, tvb, offset, 40, null, ipv6Proto.label);
      const v = item.add(hfIpv6.version, tvb, offset, 1, u8(tvb, offset) >> 4);
      addExpert(v, tvb, offset, 1, Severity.Error, GROUPS.Malformed, 'Bogus IPv6 version', hfIpv6.bogusVersion);
    }
    return 0;
  }
  ctx.cols.protocol = 'IPv6';
  ctx.cols.clearInfo();
  const word = u32(tvb, offset);
  const t = ctx.enter(ipv6Proto, tree, tvb, offset, 40);
  ctx.cols.protocol = 'IPv6';
  t.add(hfIpv6.version, tvb, offset, 1, 6);
  t.addHidden(hfIp.version, tvb, offset, 1, 6);
  const tclass = (word >>> 20) & 0xff;
  if (t.enabled) {
    const tc = t.add(hfIpv6.tclass, tvb, offset, 4, tclass,
      `${bitfieldPrefix(hfIpv6.tclass, tclass)} = Traffic Class: 0x${tclass.toString(16).padStart(2, '0')} (DSCP: ${DSCP_SHORT[tclass >> 2] ?? 'Unknown'}, ECN: ${ECN_SHORT[tclass & 3]})`);
    tc.add(hfIpv6.dscp, tvb, offset, 4, tclass >> 2);
    tc.add(hfIpv6.ecn, tvb, offset, 4, tclass & 3);
    const flow = word & 0xfffff;
    t.add(hfIpv6.flow, tvb, offset + 1, 3, flow, `${bitfieldPrefix(hfIpv6.flow, flow)} = Flow Label: 0x${flow.toString(16).padStart(5, '0')}`);
  }
  let plen = u16(tvb, offset + 4);
  const plenItem = t.add(hfIpv6.plen, tvb, offset + 4, 2, plen);
  const nxt0 = u8(tvb, offset + 6);
  t.add(hfIpv6.nxt, tvb, offset + 6, 1, nxt0);
  const hlim = u8(tvb, offset + 7);
  t.add(hfIpv6.hlim, tvb, offset + 7, 1, hlim);
  const src = slice(tvb, offset + 8, 16);
  const srcText = ipv6Text(src);
  ctx.netSrc = srcText;
  ctx.cols.src = srcText;
  const dst = slice(tvb, offset + 24, 16);
  const dstText = ipv6Text(dst);
  ctx.netDst = dstText;
  ctx.cols.dst = dstText;
  if (t.enabled) {
    t.setText(`${ipv6Proto.label}, Src: ${srcText}, Dst: ${dstText}`);
    t.add(hfIpv6.src, tvb, offset + 8, 16, src);
    t.addHidden(hfIpv6.addr, tvb, offset + 8, 16, src);
    t.addHidden(hfIpv6.srcHost, tvb, offset + 8, 16, srcText);
    t.addHidden(hfIpv6.host, tvb, offset + 8, 16, srcText);
    t.add(hfIpv6.dst, tvb, offset + 24, 16, dst);
    t.addHidden(hfIpv6.addr, tvb, offset + 24, 16, dst);
    t.addHidden(hfIpv6.dstHost, tvb, offset + 24, 16, dstText);
    t.addHidden(hfIpv6.host, tvb, offset + 24, 16, dstText);
    addressDetails(t, tvb, offset + 8, src, true);
    addressDetails(t, tvb, offset + 24, dst, false);
  }

  const inError = inErrorPacket(ctx);
  const framing = (tvb.source === 0 && end === tvb.bytes.length ? tvb.reportedLength : end) - offset - 40;
  if (plen > framing && !inError) {
    addExpert(plenItem, tvb, offset + 4, 2, Severity.Error, GROUPS.Protocol, `IPv6 payload length exceeds framing length (${framing} bytes)`, hfIpv6.plenExceedsFraming);
  }
  let datagramEnd = Math.min(end, offset + 40 + plen);
  if (plen === 0 && nxt0 !== IPV6_HOPOPTS) {
    addExpert(plenItem, tvb, offset + 4, 2, Severity.Chat, GROUPS.Protocol, 'IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))', hfIpv6.plenZero);
  }

  let nxt = nxt0;
  let p = offset + 40;
  let fragment: ReturnType<typeof dissectFragmentHeader> | null = null;
  let finalDst = dst;
  for (;;) {
    // A quoted datagram often stops after its fixed header: nothing more to show, and nothing wrong.
    if (inError && p >= end) return datagramEnd - offset;
    if (nxt === IPV6_HOPOPTS || nxt === IPV6_DSTOPTS) {
      const r = dissectOptionsHeader(ctx, t, tvb, p, nxt === IPV6_HOPOPTS, plen === 0 ? end : offset + 40 + plen);
      if (r.homeAddress) {
        ctx.netSrc = ipv6Text(r.homeAddress);
        ctx.cols.src = ctx.netSrc;
      }
      if (nxt === IPV6_HOPOPTS && plen === 0) {
        if (r.jumbo !== undefined) {
          plen = r.jumbo;
          datagramEnd = Math.min(end, offset + 40 + plen);
        } else {
          addExpert(plenItem, tvb, offset + 4, 2, Severity.Warning, GROUPS.Protocol, 'IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing', hfIpv6.jumboMissing);
        }
      }
      p += r.length;
      nxt = r.nxt;
    } else if (nxt === IPV6_ROUTING) {
      const r = dissectRoutingHeader(ctx, t, tvb, p);
      if (r.finalDst) {
        finalDst = r.finalDst;
        ctx.netDst = ipv6Text(r.finalDst);
        ctx.cols.dst = ctx.netDst;
      }
      p += r.length;
      nxt = r.nxt;
    } else if (nxt === IPPROTO_AH) {
      const r = dissectAhHeader(ctx, t, tvb, p);
      ctx.cols.protocol = 'AH';
      p += r.length;
      nxt = r.nxt;
    } else if (nxt === IPV6_FRAGMENT) {
      fragment = dissectFragmentHeader(ctx, t, tvb, p);
      p += 8;
      nxt = fragment.nxt;
      break;
    } else {
      break;
    }
  }

  ctx.ipProto = nxt;
  const info: IpPacketInfo = { version: 6, proto: nxt, src, dst: finalDst, ttl: hlim, inError, wireEnd: offset + 40 + Math.min(plen, framing) };
  const dstKey = ctx.netDst;
  if (fragment && (fragment.offset !== 0 || fragment.more)) {
    const payloadLen = datagramEnd - p;
    const complete = offset + 40 + plen <= tvb.bytes.length;
    if (complete) {
      const key = `${srcText}|${dstKey}|${fragment.ident}`;
      const whole = addFragment(ctx, 'ipv6.fragments', key, fragment.offset, tvb, p, payloadLen, fragment.more);
      if (whole) {
        const next = showReassembled(ctx, t, whole, 'IPv6', IPV6_FRAGMENT_FIELDS);
        handOffIpv6(ctx, nxt, next, 0, next.bytes.length, tree, info);
        return datagramEnd - offset;
      }
    } else if (fragment.offset === 0) {
      const flags = ipFlags(ctx);
      const saved = flags.fragmented;
      flags.fragmented = true;
      handOffIpv6(ctx, nxt, tvb, p, datagramEnd, tree, info);
      flags.fragmented = saved;
      return datagramEnd - offset;
    }
    ctx.cols.setInfo(`IPv6 fragment (off=${fragment.offset} more=${fragment.more ? 'y' : 'n'} ident=0x${fragment.ident.toString(16).padStart(8, '0')} nxt=${nxt})`);
    const data = ctx.registry.byName('data');
    if (data && datagramEnd > p) ctx.call(data, tvb, p, datagramEnd, tree);
    return datagramEnd - offset;
  }
  if (inError && p >= end) return datagramEnd - offset;
  if (datagramEnd > p || nxt !== 59) handOffIpv6(ctx, nxt, tvb, p, datagramEnd, tree, info);
  return datagramEnd - offset;
};

/** Like IPv4's hand-off; "No Next Header" carries nothing to dissect. */
function handOffIpv6(ctx: PacketContext, nxt: number, tvb: Tvb, off: number, end: number, tree: Tree, info: IpPacketInfo): void {
  if (nxt === 59) {
    ctx.cols.setInfo('IPv6 no next header');
    const data = ctx.registry.byName('data');
    if (data && end > off) ctx.call(data, tvb, off, end, tree);
    return;
  }
  handOff(ctx, nxt, tvb, off, end, tree, info, 'Unknown IP Protocol: ');
}



export function register(r: Registry): void {
  r.addProtocol(ipv6Proto, hfIpv6);
  for (const p of [hopoptsProto, routingProto, fraghdrProto, dstoptsProto]) r.addProtocol(p, []);
  r.addProtocol(ahProto, hfAh);
  r.addFields(Object.values(hfIpv6Opt));
  r.add('ethertype', 0x86dd, dissectIpv6);
  r.add('ip.proto', 41, dissectIpv6);
}
