/**
 * IPv6 extension headers that Wireshark shows as their own layers inside the
 * IPv6 item: Hop-by-Hop and Destination Options (with their TLV options),
 * Routing, and Fragment. Each returns the next header and its length.
 */
import { addExpert, GROUPS, Severity } from '../expert.js';
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol } from '../registry.js';
import type { Tree } from '../tree.js';
import { ensure, MalformedError, slice, u16, u32, u8, type Tvb } from '../tvb.js';
import { ipv6Text } from '../../format/address-text.js';
import { bitfieldPrefix } from '../../format/tree-text.js';
import { IP_PROTO_NAMES } from './ipv4-names.js';
import { IPV6_OPT_TYPE_NAMES, IPV6_ROUTING_TYPE_NAMES } from './ipv6-names.js';

// The Protocol column stays "IPv6" while these are dissected.
// (their short names only show in a malformed marker, "[Malformed Packet: IPv6 Destination]").
export const hopoptsProto = protocol('ipv6.hopopts', 'IPv6 Hop-by-Hop', 'IPv6 Hop-by-Hop Option');
export const routingProto = protocol('ipv6.routing', 'IPv6 Routing', 'Routing Header for IPv6');
export const fraghdrProto = protocol('ipv6.fraghdr', 'IPv6 Fragment', 'Fragment Header for IPv6');
export const dstoptsProto = protocol('ipv6.dstopts', 'IPv6 Destination', 'Destination Options for IPv6');
/** IPsec AH, which IPv6 walks through like its own extension headers. */
export const ahProto = protocol('ah', 'AH', 'Authentication Header');

export const hfAh = fields({
  nextHeader: { abbrev: 'ah.next_header', name: 'Next header', type: 'uint8', base: 'dec', strings: IP_PROTO_NAMES },
  length: { abbrev: 'ah.length', name: 'Length', type: 'uint8', base: 'dec' },
  reserved: { abbrev: 'ah.reserved', name: 'Reserved', type: 'bytes' },
  spi: { abbrev: 'ah.spi', name: 'AH SPI', type: 'uint32', base: 'hex' },
  sequence: { abbrev: 'ah.sequence', name: 'AH Sequence', type: 'uint32', base: 'dec' },
  icv: { abbrev: 'ah.icv', name: 'AH ICV', type: 'bytes' },
});

/** The Authentication Header: its length field counts 32-bit words minus 2. */
export function dissectAhHeader(ctx: PacketContext, parent: Tree, tvb: Tvb, off: number): ExtResult {
  const nxt = u8(tvb, off);
  const lenField = u8(tvb, off + 1);
  const length = (lenField + 2) * 4;
  const t = ctx.enter(ahProto, parent, tvb, off, length);
  t.add(hfAh.nextHeader, tvb, off, 1, nxt, t.enabled ? `Next header: ${protoName(nxt)} (${nxt})` : undefined);
  t.add(hfAh.length, tvb, off + 1, 1, lenField, t.enabled ? `Length: ${lenField} (${length} bytes)` : undefined);
  t.add(hfAh.reserved, tvb, off + 2, 2, slice(tvb, off + 2, 2));
  t.add(hfAh.spi, tvb, off + 4, 4, u32(tvb, off + 4));
  t.add(hfAh.sequence, tvb, off + 8, 4, u32(tvb, off + 8));
  const icvLen = Math.max(0, length - 12);
  t.add(hfAh.icv, tvb, off + 12, icvLen, slice(tvb, off + 12, icvLen), icvLen === 0 ? 'AH ICV: <MISSING>' : undefined);
  return { nxt, length };
}

const ACTION_NAMES: Readonly<Record<number, string>> = {
  0: 'Skip and continue', 1: 'Discard and return', 2: 'Discard and return ICMP', 3: 'Discard and return ICMP if not multicast',
};
const RA_NAMES: Readonly<Record<number, string>> = { 0: 'MLD', 1: 'RSVP', 2: 'Active Networks' };

export const hfIpv6Opt = fields({
  opt: { abbrev: 'ipv6.opt', name: 'IPv6 Option', type: 'none' },
  type: { abbrev: 'ipv6.opt.type', name: 'Type', type: 'uint8', base: 'hex', strings: IPV6_OPT_TYPE_NAMES },
  action: { abbrev: 'ipv6.opt.type.action', name: 'Action', type: 'uint8', base: 'dec', bitmask: 0xc0, bits: 8, strings: ACTION_NAMES },
  change: { abbrev: 'ipv6.opt.type.change', name: 'May Change', type: 'boolean', bitmask: 0x20, bits: 8, tfs: ['Yes', 'No'] },
  rest: { abbrev: 'ipv6.opt.type.rest', name: 'Low-Order Bits', type: 'uint8', base: 'hex', bitmask: 0x1f, bits: 8 },
  length: { abbrev: 'ipv6.opt.length', name: 'Length', type: 'uint8', base: 'dec' },
  pad1: { abbrev: 'ipv6.opt.pad1', name: 'Pad1', type: 'none' },
  padn: { abbrev: 'ipv6.opt.padn', name: 'PadN', type: 'bytes' },
  routerAlert: { abbrev: 'ipv6.opt.router_alert', name: 'Router Alert', type: 'uint16', base: 'dec', strings: RA_NAMES },
  jumbo: { abbrev: 'ipv6.opt.jumbo', name: 'Payload Length', type: 'uint32', base: 'dec' },
  tel: { abbrev: 'ipv6.opt.tel', name: 'Tunnel Encapsulation Limit', type: 'uint8', base: 'dec' },
  homeAddress: { abbrev: 'ipv6.opt.mipv6.home_address', name: 'MIPv6 Home Address', type: 'ipv6' },
  unknown: { abbrev: 'ipv6.opt.unknown', name: 'Unknown Option Payload', type: 'bytes' },
  unknownExpert: { abbrev: 'ipv6.opt.unknown_data.expert', name: 'Unknown Data (not interpreted)', type: 'none' },
  hopNxt: { abbrev: 'ipv6.hopopts.nxt', name: 'Next Header', type: 'uint8', base: 'dec', strings: IP_PROTO_NAMES },
  hopLen: { abbrev: 'ipv6.hopopts.len', name: 'Length', type: 'uint8', base: 'dec' },
  hopLenOct: { abbrev: 'ipv6.hopopts.len_oct', name: 'Length', type: 'uint16', base: 'dec' },
  dstNxt: { abbrev: 'ipv6.dstopts.nxt', name: 'Next Header', type: 'uint8', base: 'dec', strings: IP_PROTO_NAMES },
  dstLen: { abbrev: 'ipv6.dstopts.len', name: 'Length', type: 'uint8', base: 'dec' },
  dstLenOct: { abbrev: 'ipv6.dstopts.len_oct', name: 'Length', type: 'uint16', base: 'dec' },
  rtNxt: { abbrev: 'ipv6.routing.nxt', name: 'Next Header', type: 'uint8', base: 'dec', strings: IP_PROTO_NAMES },
  rtLen: { abbrev: 'ipv6.routing.len', name: 'Length', type: 'uint8', base: 'dec' },
  rtLenOct: { abbrev: 'ipv6.routing.len_oct', name: 'Length', type: 'uint16', base: 'dec' },
  rtType: { abbrev: 'ipv6.routing.type', name: 'Type', type: 'uint8', base: 'dec', strings: IPV6_ROUTING_TYPE_NAMES },
  rtSegleft: { abbrev: 'ipv6.routing.segleft', name: 'Segments Left', type: 'uint8', base: 'dec' },
  rtSrcReserved: { abbrev: 'ipv6.routing.src.reserved', name: 'Reserved', type: 'bytes' },
  rtSrcAddr: { abbrev: 'ipv6.routing.src.addr', name: 'Address', type: 'ipv6' },
  rtMipv6Reserved: { abbrev: 'ipv6.routing.mipv6.reserved', name: 'Reserved', type: 'bytes' },
  rtMipv6Home: { abbrev: 'ipv6.routing.mipv6.home_address', name: 'Home Address', type: 'ipv6' },
  rtDeprecated: { abbrev: 'ipv6.routing.deprecated', name: 'Routing header type is deprecated', type: 'none' },
  fragNxt: { abbrev: 'ipv6.fraghdr.nxt', name: 'Next header', type: 'uint8', base: 'dec', strings: IP_PROTO_NAMES },
  fragReserved: { abbrev: 'ipv6.fraghdr.reserved_octet', name: 'Reserved octet', type: 'uint8', base: 'hex' },
  fragOffset: { abbrev: 'ipv6.fraghdr.offset', name: 'Offset', type: 'uint16', base: 'dec', bitmask: 0xfff8, bits: 16 },
  fragReservedBits: { abbrev: 'ipv6.fraghdr.reserved_bits', name: 'Reserved bits', type: 'uint16', base: 'dec', bitmask: 0x0006, bits: 16 },
  fragMore: { abbrev: 'ipv6.fraghdr.more', name: 'More Fragments', type: 'boolean', bitmask: 0x0001, bits: 16, tfs: ['Yes', 'No'] },
  fragIdent: { abbrev: 'ipv6.fraghdr.ident', name: 'Identification', type: 'uint32', base: 'hex' },
});

export const IPV6_HOPOPTS = 0;
export const IPV6_ROUTING = 43;
export const IPV6_FRAGMENT = 44;
export const IPV6_DSTOPTS = 60;

const OPT_PAD1 = 0, OPT_PADN = 1, OPT_TEL = 4, OPT_RTALERT = 5, OPT_JUMBO = 0xc2, OPT_HOME_ADDRESS = 0xc9;
/** Options whose value has one valid length. */
const FIXED_OPTION_LENGTH: Readonly<Record<number, number>> = { [OPT_TEL]: 1, [OPT_RTALERT]: 2, [OPT_JUMBO]: 4, [OPT_HOME_ADDRESS]: 16 };

export interface ExtResult {
  readonly nxt: number;
  readonly length: number;
  /** From a Jumbo Payload option. */
  readonly jumbo?: number;
  /** From a Home Address option: the mobile node's address, which Wireshark shows as the source. */
  readonly homeAddress?: Uint8Array;
}

function protoName(p: number): string {
  return IP_PROTO_NAMES[p] ?? 'Unknown';
}

/** Hop-by-Hop or Destination Options header at `off`. */
/** `limit` is where the IPv6 payload ends: a header claiming more is cut short there, as Wireshark's sub-buffer is. */
export function dissectOptionsHeader(ctx: PacketContext, parent: Tree, tvb: Tvb, off: number, hopByHop: boolean, limit: number): ExtResult {
  const proto = hopByHop ? hopoptsProto : dstoptsProto;
  ctx.cols.setInfo(hopByHop ? 'IPv6 hop-by-hop options' : 'IPv6 destination options');
  const nxt = u8(tvb, off);
  const lenField = u8(tvb, off + 1);
  const length = (lenField + 1) * 8;
  const t = ctx.enter(proto, parent, tvb, off, length);
  ctx.cols.protocol = 'IPv6';
  t.add(hopByHop ? hfIpv6Opt.hopNxt : hfIpv6Opt.dstNxt, tvb, off, 1, nxt, t.enabled ? `Next Header: ${protoName(nxt)} (${nxt})` : undefined);
  t.add(hopByHop ? hfIpv6Opt.hopLen : hfIpv6Opt.dstLen, tvb, off + 1, 1, lenField);
  t.addGenerated(hopByHop ? hfIpv6Opt.hopLenOct : hfIpv6Opt.dstLenOct, tvb, off + 1, 1, length, `Length: ${length} bytes`);
  let jumbo: number | undefined;
  let homeAddress: Uint8Array | undefined;
  const end = off + length;
  let p = off + 2;
  while (p < end) {
    const type = u8(tvb, p);
    const name = IPV6_OPT_TYPE_NAMES[type];
    if (type === OPT_PAD1) {
      const item = t.add(hfIpv6Opt.opt, tvb, p, 1, null, 'Pad1');
      addOptType(item, tvb, p, type);
      item.add(hfIpv6Opt.pad1, tvb, p, 1, null, 'Pad1');
      p += 1;
      continue;
    }
    if (p + 1 >= end || p + 1 >= limit) throw new MalformedError('option length past the end of the header');
    const olen = u8(tvb, p + 1);
    const label = name ?? `Unknown IPv6 Option (${type})`;
    const item = t.add(hfIpv6Opt.opt, tvb, p, olen + 2, null, label);
    addOptType(item, tvb, p, type);
    const lenItem = item.add(hfIpv6Opt.length, tvb, p + 1, 1, olen);
    // The header's length bounds its options, as Wireshark's sub-buffer does.
    if (p + 2 + olen > end || p + 2 + olen > limit) {
      // Past the captured bytes this is a short capture, as Wireshark reports it; else malformed.
      ensure(tvb, p, 2 + olen);
      throw new MalformedError('option runs past the end of the header');
    }
    const fixed = FIXED_OPTION_LENGTH[type];
    if (fixed !== undefined && olen !== fixed) {
      addExpert(lenItem, tvb, p + 1, 1, Severity.Error, GROUPS.Malformed, `${label}: Invalid length (${olen} bytes)`);
      if (type !== OPT_HOME_ADDRESS) {
        p += olen + 2;
        continue;
      }
      // Wireshark still reads the address, then stops decoding this header's options.
      const home = slice(tvb, p + 2, 16);
      item.add(hfIpv6Opt.homeAddress, tvb, p + 2, 16, home);
      ctx.netSrc = ipv6Text(home);
      ctx.cols.src = ctx.netSrc;
      break;
    }
    const v = p + 2;
    switch (type) {
      case OPT_PADN:
        item.add(hfIpv6Opt.padn, tvb, v, olen, slice(tvb, v, olen), olen === 0 ? 'PadN: <none>' : undefined);
        break;
      case OPT_RTALERT:
        item.add(hfIpv6Opt.routerAlert, tvb, v, 2, u16(tvb, v));
        break;
      case OPT_JUMBO:
        jumbo = u32(tvb, v);
        item.add(hfIpv6Opt.jumbo, tvb, v, 4, jumbo);
        break;
      case OPT_TEL:
        item.add(hfIpv6Opt.tel, tvb, v, 1, u8(tvb, v));
        break;
      case OPT_HOME_ADDRESS:
        homeAddress = slice(tvb, v, 16);
        item.add(hfIpv6Opt.homeAddress, tvb, v, 16, homeAddress);
        // The mobile node's home address is the packet's real source (set now: a later option may be malformed).
        ctx.netSrc = ipv6Text(homeAddress);
        ctx.cols.src = ctx.netSrc;
        break;
      default: {
        const u = item.add(hfIpv6Opt.unknown, tvb, v, olen, slice(tvb, v, olen));
        addExpert(u, tvb, v, 0, Severity.Note, GROUPS.Undecoded, 'Unknown Data (not interpreted)', hfIpv6Opt.unknownExpert);
      }
    }
    p += olen + 2;
  }
  return { nxt, length, ...(jumbo !== undefined ? { jumbo } : {}), ...(homeAddress ? { homeAddress } : {}) };
}

function addOptType(item: Tree, tvb: Tvb, p: number, type: number): void {
  const ti = item.add(hfIpv6Opt.type, tvb, p, 1, type, item.enabled ? `Type: ${IPV6_OPT_TYPE_NAMES[type] ?? 'Unknown'} (0x${type.toString(16).padStart(2, '0')})` : undefined);
  ti.add(hfIpv6Opt.action, tvb, p, 1, type >> 6);
  ti.add(hfIpv6Opt.change, tvb, p, 1, (type & 0x20) !== 0);
  ti.add(hfIpv6Opt.rest, tvb, p, 1, type & 0x1f);
}

export interface RoutingResult extends ExtResult {
  /** Where the packet is finally going: the last listed address while segments are left. */
  readonly finalDst?: Uint8Array;
}

export function dissectRoutingHeader(ctx: PacketContext, parent: Tree, tvb: Tvb, off: number): RoutingResult {
  ctx.cols.setInfo('IPv6 routing');
  const nxt = u8(tvb, off);
  const lenField = u8(tvb, off + 1);
  const length = (lenField + 1) * 8;
  const type = u8(tvb, off + 2);
  const typeName = IPV6_ROUTING_TYPE_NAMES[type] ?? 'Unknown';
  const t = ctx.enter(routingProto, parent, tvb, off, length, parent.enabled ? `${routingProto.label} (${typeName})` : undefined);
  ctx.cols.protocol = 'IPv6';
  t.add(hfIpv6Opt.rtNxt, tvb, off, 1, nxt, t.enabled ? `Next Header: ${protoName(nxt)} (${nxt})` : undefined);
  t.add(hfIpv6Opt.rtLen, tvb, off + 1, 1, lenField);
  t.addGenerated(hfIpv6Opt.rtLenOct, tvb, off + 1, 1, length, `Length: ${length} bytes`);
  const typeItem = t.add(hfIpv6Opt.rtType, tvb, off + 2, 1, type);
  if (type === 0) addExpert(typeItem, tvb, off + 2, 0, Severity.Note, GROUPS.Deprecated, 'Routing header type is deprecated', hfIpv6Opt.rtDeprecated);
  t.add(hfIpv6Opt.rtSegleft, tvb, off + 3, 1, u8(tvb, off + 3));
  const segleft = u8(tvb, off + 3);
  let finalDst: Uint8Array | undefined;
  if (type === 0) {
    t.add(hfIpv6Opt.rtSrcReserved, tvb, off + 4, 4, slice(tvb, off + 4, 4));
    for (let a = off + 8, i = 1; a + 16 <= off + length; a += 16, i++) {
      const addr = slice(tvb, a, 16);
      t.add(hfIpv6Opt.rtSrcAddr, tvb, a, 16, addr, t.enabled ? `Address[${i}]: ${ipv6Text(addr)}` : undefined);
      if (segleft > 0) finalDst = addr;
    }
  } else if (type === 2 && length >= 24) {
    t.add(hfIpv6Opt.rtMipv6Reserved, tvb, off + 4, 4, slice(tvb, off + 4, 4));
    const home = slice(tvb, off + 8, 16);
    t.add(hfIpv6Opt.rtMipv6Home, tvb, off + 8, 16, home);
    if (segleft > 0) finalDst = home;
  }
  return finalDst ? { nxt, length, finalDst } : { nxt, length };
}

export interface FragmentHeader extends ExtResult {
  readonly offset: number;
  readonly more: boolean;
  readonly ident: number;
}

export function dissectFragmentHeader(ctx: PacketContext, parent: Tree, tvb: Tvb, off: number): FragmentHeader {
  const t = ctx.enter(fraghdrProto, parent, tvb, off, 8);
  ctx.cols.protocol = 'IPv6';
  const nxt = u8(tvb, off);
  const word = u16(tvb, off + 2);
  const ident = u32(tvb, off + 4);
  const offset = word & 0xfff8;
  const more = (word & 1) !== 0;
  t.add(hfIpv6Opt.fragNxt, tvb, off, 1, nxt, t.enabled ? `Next header: ${protoName(nxt)} (${nxt})` : undefined);
  t.add(hfIpv6Opt.fragReserved, tvb, off + 1, 1, u8(tvb, off + 1));
  t.add(hfIpv6Opt.fragOffset, tvb, off + 2, 2, offset >> 3, t.enabled ? `${bitfieldPrefix(hfIpv6Opt.fragOffset, offset >> 3)} = Offset: ${offset >> 3} (${offset} bytes)` : undefined);
  t.add(hfIpv6Opt.fragReservedBits, tvb, off + 2, 2, (word >> 1) & 3);
  t.add(hfIpv6Opt.fragMore, tvb, off + 2, 2, more);
  t.add(hfIpv6Opt.fragIdent, tvb, off + 4, 4, ident);
  return { nxt, length: 8, offset, more, ident };
}
