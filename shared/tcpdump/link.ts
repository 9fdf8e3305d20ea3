/**
 * Link layers: Ethernet (with 802.1Q tags), Linux cooked v1/v2, BSD loopback
 * and raw IP. Each prints its -e text (SLL2 always shows interface and
 * direction, as tcpdump does) and returns the link header's length, where the
 * -x/-X/-A dumps start.
 */
import { macText } from '../format/address-text.js';
import { printArp } from './arp.js';
import { hexAsciiDump } from './dump.js';
import { printMpls, printPppoe } from './encap.js';
import { printIpv4, printIpv6 } from './ip.js';
import { printLoopback } from './loopback.js';
import { addressFamilyName, ethertypeText } from './names.js';
import { intField, type PacketText } from './packet.js';

const VLAN_TYPES = new Set([0x8100, 0x88a8, 0x9100, 0x9200]);

/** Hand the payload of a link header to the protocol named by its ethertype; false when tcpdump has no printer for it. */
function ethertypePayload(p: PacketText, type: number, off: number, length: number): boolean {
  switch (type) {
    case 0x0800: printIpv4(p, off, length); return true;
    case 0x86dd: printIpv6(p, off, length); return true;
    case 0x0806: case 0x8035: printArp(p, off, length); return true;
    case 0x9000: printLoopback(p, off, length); return true;
    case 0x8847: case 0x8848: printMpls(p, off, length, printIpv4, printIpv6); return true;
    case 0x8864: printPppoe(p, off, length, printIpv4, printIpv6); return true;
    default: return false;
  }
}

/** tcpdump's fallback for a payload it cannot decode: the bytes in hex and ASCII, unless -x/-X/-A already show them. */
function unknownPayload(p: PacketText, off: number, length: number): void {
  if (p.opts.hex || p.opts.hexOnly || p.opts.ascii) return;
  const end = Math.min(off + length, p.bytes.length);
  if (end > off) p.put(hexAsciiDump(p.bytes.subarray(off, end)));
}

function printEthernet(p: PacketText): number {
  const node = p.layer('eth', 0);
  p.need(0, 14, 'ether');
  if (p.link) p.put(`${macText(p.bytes, 6)} > ${macText(p.bytes, 0)}, `);
  let type = intField(node, 'eth.type', () => p.u16(12, 'ether'));
  let off = 14;
  let first = true;
  for (;;) {
    if (type <= 1500) {
      // An 802.3 length field: tcpdump goes on with LLC/SNAP and what they carry (STP, CDP...), which
      // this view does not decode; it says so in a form of its own rather than guess tcpdump's text.
      if (p.link) p.put(`802.3, length ${p.origLen}: `);
      p.put(`LLC, length ${type}`);
      unknownPayload(p, off, p.origLen - off);
      return off;
    }
    if (p.link) p.put(ethertypeText(type) + (first ? `, length ${p.origLen}: ` : ', '));
    first = false;
    if (VLAN_TYPES.has(type)) {
      p.need(off, 4, 'vlan');
      const tci = p.u16(off, 'vlan');
      if (p.link) p.put(`vlan ${tci & 0xfff}, p ${tci >> 13}${tci & 0x1000 ? ', DEI' : ''}, `);
      type = p.u16(off + 2, 'vlan');
      off += 4;
      continue;
    }
    if (!ethertypePayload(p, type, off, p.origLen - off)) {
      // For a payload it cannot decode tcpdump shows the whole Ethernet header, -e or not.
      if (!p.link) p.put(`${macText(p.bytes, 6)} > ${macText(p.bytes, 0)}, ${ethertypeText(type)}, length ${p.origLen}: `);
      unknownPayload(p, off, p.origLen - off);
    }
    return off;
  }
}

const PACKET_TYPES = ['In', 'B', 'M', 'P', 'Out'];

/** The protocol field of a cooked header: an ethertype, or a small number meaning a non-Ethernet framing. */
function cookedProtocolText(proto: number): string {
  if (proto > 1500) return ethertypeText(proto);
  if (proto === 1) return '802.3';
  if (proto === 4) return '802.2';
  return `ethertype Unknown (0x${proto.toString(16).padStart(4, '0')})`;
}

function cookedPayload(p: PacketText, proto: number, off: number): void {
  if (proto > 1500 && ethertypePayload(p, proto, off, p.origLen - off)) return;
  if (!p.link) p.put(`${cookedProtocolText(proto)}, length ${p.origLen}: `);
  unknownPayload(p, off, p.origLen - off);
}

function printSll(p: PacketText): number {
  const node = p.layer('sll', 0);
  p.need(0, 16, 'sll');
  const pkttype = intField(node, 'sll.pkttype', () => p.u16(0, 'sll'));
  const halen = intField(node, 'sll.halen', () => p.u16(4, 'sll'));
  const proto = p.u16(14, 'sll');
  if (p.link) {
    p.put(`${(PACKET_TYPES[pkttype] ?? '?').padStart(3)} `);
    if (halen === 6) p.put(`${macText(p.bytes, 6)} `);
    p.put(`${cookedProtocolText(proto)}, length ${p.origLen}: `);
  }
  cookedPayload(p, proto, 16);
  return 16;
}

function printSll2(p: PacketText): number {
  const node = p.layer('sll', 0);
  p.need(0, 20, 'sll2');
  const proto = p.u16(0, 'sll2');
  const ifindex = intField(node, 'sll.ifindex', () => p.u32(4, 'sll2'));
  const pkttype = intField(node, 'sll.pkttype', () => p.u8(10, 'sll2'));
  const halen = intField(node, 'sll.halen', () => p.u8(11, 'sll2'));
  const ifname = p.opts.interfaceName ? p.opts.interfaceName(ifindex) : ifindex === 1 ? 'lo' : undefined;
  p.put(`${(ifname ?? '?').padEnd(5)} ${(PACKET_TYPES[pkttype] ?? '?').padEnd(3)} `);
  if (p.link) {
    p.put(`ifindex ${ifindex} `);
    if (halen === 6) p.put(`${macText(p.bytes, 12)} `);
    p.put(`${cookedProtocolText(proto)}, length ${p.origLen}: `);
  }
  cookedPayload(p, proto, 20);
  return 20;
}

/** BSD loopback: a 4-byte address family in the capturing host's byte order (`bigEndian` for LINKTYPE_LOOP). */
function printNull(p: PacketText, bigEndian: boolean): number {
  p.need(0, 4, 'null');
  const be = p.u32(0, 'null');
  const swapped = (((be & 0xff) << 24) | ((be & 0xff00) << 8) | ((be >>> 8) & 0xff00) | (be >>> 24)) >>> 0;
  // The writer's byte order is not recorded; like tcpdump, take it as little-endian unless the value then looks too big.
  let af = bigEndian ? be : swapped;
  if (!bigEndian && (af & 0xffff0000) !== 0) af = be;
  const afText = `AF ${addressFamilyName(af)} (${af}), length ${p.origLen}: `;
  if (p.link) p.put(afText);
  const len = p.origLen - 4;
  if (af === 2) printIpv4(p, 4, len);
  else if (af === 24 || af === 28 || af === 30) printIpv6(p, 4, len);
  else {
    if (!p.link) p.put(afText);
    unknownPayload(p, 4, len);
  }
  return 4;
}

function printRaw(p: PacketText, version?: 4 | 6): number {
  if (p.link) p.put('ip: ');
  const v = version ?? p.u8(0, 'ip') >> 4;
  if (v === 6) printIpv6(p, 0, p.origLen);
  else printIpv4(p, 0, p.origLen);
  return 0;
}

const PPP_PROTOCOLS: Readonly<Record<number, string>> = {
  0x0021: 'IP', 0x0057: 'IPv6', 0xc021: 'LCP', 0x8021: 'IPCP', 0x8057: 'IP6CP', 0xc023: 'PAP', 0xc223: 'CHAP', 0x80fd: 'CCP',
};

/** PPP in HDLC-like framing (LINKTYPE_PPP): optional address/control bytes, then a one- or two-byte protocol. */
function printPpp(p: PacketText): number {
  let off = 0;
  if (p.u8(0, 'ppp') === 0xff && p.u8(1, 'ppp') === 0x03) off = 2;
  let proto = p.u8(off, 'ppp');
  if (proto & 1) {
    off += 1;
  } else {
    proto = p.u16(off, 'ppp');
    off += 2;
  }
  if (p.link) p.put(`${PPP_PROTOCOLS[proto] ?? 'unknown'} (0x${proto.toString(16).padStart(4, '0')}), length ${p.origLen}: `);
  if (proto === 0x0021) printIpv4(p, off, p.origLen - off);
  else if (proto === 0x0057) printIpv6(p, off, p.origLen - off);
  else unknownPayload(p, off, p.origLen - off);
  return off;
}

/** Linux NFLOG: a small header, then type-length-value attributes; the packet is the payload attribute (type 9). */
function printNflog(p: PacketText): number {
  p.need(0, 4, 'nflog');
  const family = p.u8(0, 'nflog');
  let off = 4;
  while (off + 4 <= p.bytes.length) {
    // Attribute lengths and types are in the capturing host's byte order, little-endian in practice.
    const len = p.bytes[off]! | (p.bytes[off + 1]! << 8);
    const type = p.bytes[off + 2]! | (p.bytes[off + 3]! << 8);
    if (len < 4) break;
    if (type === 9) {
      const payload = off + 4;
      const size = len - 4;
      if (p.link) p.put(`version ${p.u8(1, 'nflog')}, resource ID ${p.u16(2, 'nflog')}, `);
      if (family === 2) printIpv4(p, payload, size);
      else if (family === 10) printIpv6(p, payload, size);
      else p.put(`NFLOG unknown family ${family}`);
      return payload;
    }
    off += (len + 3) & ~3;
  }
  p.put('NFLOG [|nflog]');
  return off;
}

/** Print the link layer and everything above it; returns the link header's length. */
export function printLink(p: PacketText, linkType: number): number {
  switch (linkType) {
    case 1: return printEthernet(p);
    case 113: return printSll(p);
    case 276: return printSll2(p);
    case 9: return printPpp(p);
    case 239: return printNflog(p);
    case 0: return printNull(p, false);
    case 109: return printNull(p, true);
    case 101: case 12: case 14: return printRaw(p);
    case 228: return printRaw(p, 4);
    case 229: return printRaw(p, 6);
    default:
      p.put(`[link-type ${linkType} not printed]`);
      return 0;
  }
}
