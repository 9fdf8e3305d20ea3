/** IPv4 and IPv6 lines: `IP src > dst: ...`, with -v the header fields in parentheses. */
import { ipv4FromBytes, ipv6Text } from '../format/address-text.js';
import { onesSum, type NetworkInfo } from './checksum.js';
import { printAh } from './encap.js';
import { printIcmp } from './icmp.js';
import { printIcmp6 } from './icmp6.js';
import { printIgmp } from './igmp.js';
import { ipProtoName } from './names.js';
import { intField, type PacketText } from './packet.js';
import { printTcp } from './tcp.js';
import { printUdp } from './udp.js';

const IP_DF = 0x4000;
const IP_MF = 0x2000;
const IP_RSVD = 0x8000;

function fragFlags(frag: number): string {
  const parts: string[] = [];
  if (frag & IP_MF) parts.push('+');
  if (frag & IP_DF) parts.push('DF');
  if (frag & IP_RSVD) parts.push('rsvd');
  return parts.length ? parts.join(', ') : 'none';
}

const ECN = ['', ',ECT(1)', ',ECT(0)', ',CE'];

const ROUTE_OPTIONS: Readonly<Record<number, string>> = { 7: 'RR', 131: 'LSRR', 137: 'SSRR' };

/** Record-route and source-route options: the addresses, those already passed (before the pointer) followed by a comma. */
function routeOption(p: PacketText, type: number, at: number, len: number): string {
  let s = ROUTE_OPTIONS[type]!;
  if (len < 3 || (len + 1) & 3) s += ` [bad length ${len}]`;
  const ptr = p.u8(at + 2, 'ip') - 1;
  if (ptr < 3 || ((ptr + 1) & 3) || ptr > len + 1) s += ` [bad ptr ${p.bytes[at + 2]}]`;
  for (let i = 3; i + 4 <= len; i += 4) {
    s += ' ' + ipv4FromBytes(p.bytes, at + i);
    if (ptr > i) s += ',';
  }
  return s;
}

const TS_KINDS: Readonly<Record<number, string>> = { 0: 'TSONLY', 1: 'TS+ADDR', 3: 'PRESPEC' };

/** The timestamp option: each stamp (with its address, for the kinds that record one), `^` where the pointer is. */
function timestampOption(p: PacketText, at: number, len: number): string {
  const ptr = p.u8(at + 2, 'ip');
  const flags = p.u8(at + 3, 'ip');
  const kind = flags & 15;
  const withAddr = kind === 1 || kind === 3;
  let s = `timestamp TS{${TS_KINDS[kind] ?? `[bad ts type ${kind}]`}`;
  const size = withAddr ? 8 : 4;
  for (let i = 4; i + size <= len; i += size) {
    s += ptr === i + 1 ? ' ^ ' : ' ';
    s += withAddr ? `${p.u32(at + i + 4, 'ip')}@${ipv4FromBytes(p.bytes, at + i)}` : `${p.u32(at + i, 'ip')}@`;
  }
  s += '}';
  if (flags >> 4) s += ` [${flags >> 4} hops not recorded]`;
  return s;
}

/** IPv4 options as tcpdump names them, for the -v line. */
function ipv4Options(p: PacketText, off: number, end: number): string {
  const out: string[] = [];
  let i = off;
  while (i < end) {
    const type = p.bytes[i]!;
    if (type === 0) { out.push('EOL'); break; }
    if (type === 1) { out.push('NOP'); i++; continue; }
    if (i + 1 >= end) { out.push(`[bad length]`); break; }
    const len = p.bytes[i + 1]!;
    if (len < 2 || i + len > end) { out.push(`[bad length ${len}]`); break; }
    switch (type) {
      case 148: {
        if (len !== 4) { out.push(`RA [bad length ${len}]`); break; }
        const value = p.u16(i + 2, 'ip');
        out.push(value ? `RA value ${value}` : 'RA');
        break;
      }
      case 7: case 131: case 137: out.push(routeOption(p, type, i, len)); break;
      case 68: out.push(timestampOption(p, i, len)); break;
      default: out.push(`unknown ${type}`); break;
    }
    i += len;
  }
  return out.join(',');
}

/** Print the protocol above IP: TCP, UDP, ICMP, ICMPv6 have their own printers, others the generic form. */
function demux(p: PacketText, proto: number, off: number, len: number, net: NetworkInfo): void {
  switch (proto) {
    case 6: printTcp(p, off, len, net); return;
    case 17: printUdp(p, off, len, net); return;
    case 1: if (net.version === 4) { printIcmp(p, off, len, net); return; } break;
    case 58: printIcmp6(p, off, len, net); return;
    case 2: if (net.version === 4) { printIgmp(p, off, len); return; } break;
    case 4: if (net.version === 4) { printIpv4(p, off, len); return; } break;
    case 41: printIpv6(p, off, len); return;
    case 51: {
      const ah = printAh(p, off);
      afterHeader(p, ah.nh, off + ah.size, len - ah.size, net);
      return;
    }
  }
  p.put(`${net.version === 4 ? ' ' : ''}ip-proto-${proto} ${len}`);
}

/** The protocol after an IPsec or extension header: TCP and UDP then show their ports only. */
function afterHeader(p: PacketText, nh: number, off: number, len: number, net: NetworkInfo): void {
  if (nh === 6) printTcp(p, off, len, net, true);
  else if (nh === 17) printUdp(p, off, len, net, true);
  else demux(p, nh, off, len, net);
}

function addresses(p: PacketText, net: NetworkInfo, proto: number): void {
  // TCP and UDP print their own `src.port > dst.port: `.
  if (proto !== 6 && proto !== 17) p.put(`${net.src} > ${net.dst}: `);
}

/** `length` is what the wire carried from `off` on. */
export function printIpv4(p: PacketText, off: number, length: number): void {
  const node = p.layer('ip', off);
  p.need(off, 1, 'ip');
  const version = p.bytes[off]! >> 4;
  if (!p.link) p.put('IP ');
  if (version !== 4) {
    p.put(version === 6 ? 'IP6, wrong link-layer encapsulation' : `IP${version} (invalid)`);
    return;
  }
  p.need(off, 20, 'ip');
  const hl = intField(node, 'ip.hdr_len', () => (p.bytes[off]! & 15) * 4);
  if (hl < 20) {
    p.put(`bad-hlen ${hl}`);
    return;
  }
  // From the header itself: Wireshark's ip.len stands for the captured length when the header says 0 (TSO).
  const totalLen = p.u16(off + 2, 'ip');
  if (totalLen < hl) {
    p.put(`bad-len ${totalLen}`);
    return;
  }
  // A datagram quoted in an ICMP error is cut short by design; tcpdump does not flag it.
  if (totalLen > length && !p.quoted) {
    p.put(`truncated-ip - ${totalLen - length} bytes missing! `);
  }
  const tos = p.bytes[off + 1]!;
  const id = intField(node, 'ip.id', () => p.u16(off + 4, 'ip'));
  const frag = p.u16(off + 6, 'ip');
  const ttl = intField(node, 'ip.ttl', () => p.bytes[off + 8]!);
  const proto = intField(node, 'ip.proto', () => p.bytes[off + 9]!);
  const net: NetworkInfo = {
    version: 4,
    src: ipv4FromBytes(p.bytes, off + 12),
    dst: ipv4FromBytes(p.bytes, off + 16),
    srcOff: off + 12,
    dstOff: off + 16,
    fragmented: (frag & (IP_MF | 0x1fff)) !== 0,
  };
  if (p.verbose > 0) {
    p.put(`(tos 0x${tos.toString(16)}${ECN[tos & 3]}${ttl >= 1 ? `, ttl ${ttl}` : ''}, id ${id}, offset ${(frag & 0x1fff) * 8}, flags [${fragFlags(frag)}]`);
    p.put(`, proto ${ipProtoName(proto)} (${proto}), length ${totalLen}`);
    if (hl > 20) {
      p.need(off, hl, 'ip');
      p.put(`, options (${ipv4Options(p, off + 20, off + hl)})`);
    }
    if (p.captured(off, hl)) {
      const sum = onesSum(p.bytes, off, hl);
      if (sum !== 0xffff) {
        const stored = (p.bytes[off + 10]! << 8) | p.bytes[off + 11]!;
        const should = ~onesSum(p.bytes, off, hl, 0xffff - stored) & 0xffff;
        p.put(`, bad cksum ${stored.toString(16)} (->${should.toString(16)})!`);
      }
    }
    p.put(')\n    ');
  }
  // The header's own length counts, even when the wire carried less (tcpdump says so above and goes on).
  const payloadLen = totalLen - hl;
  if ((frag & 0x1fff) !== 0) {
    p.put(`${net.src} > ${net.dst}: ip-proto-${proto}`);
    return;
  }
  addresses(p, net, proto);
  p.withEnd(off + totalLen, () => demux(p, proto, off + hl, payloadLen, net));
}

/** Hop-by-hop and destination options, listed with -v. */
function ipv6OptionsText(p: PacketText, off: number, end: number): string {
  let s = '';
  for (let i = off; i < end; ) {
    const type = p.u8(i, 'hbhopt');
    if (type === 0) { s += '(pad1)'; i++; continue; }
    const len = p.u8(i + 1, 'hbhopt');
    if (i + 2 + len > end) { s += '[trunc]'; break; }
    switch (type) {
      case 1: s += '(padn)'; break;
      case 5: s += `(rtalert: 0x${p.u16(i + 2, 'hbhopt').toString(16).padStart(4, '0')}) `; break;
      case 0xc2: s += `(jumbo: ${p.u32(i + 2, 'hbhopt')}) `; break;
      default: s += `(opt_type 0x${type.toString(16).padStart(2, '0')}: len=${len})`; break;
    }
    i += 2 + len;
  }
  return s;
}

interface AfterExtensions { nh: number; off: number; len: number; stop: boolean; fragmented: boolean; finalDstOff: number }

/** IPv6 extension headers walked before the upper layer, printed as tcpdump does for the common ones. */
function extensionHeaders(p: PacketText, nh: number, off: number, len: number, net: NetworkInfo): AfterExtensions {
  let fragmented = false;
  let finalDstOff = net.dstOff;
  for (;;) {
    switch (nh) {
      case 0: case 60: {
        const what = nh === 0 ? 'hbhopt' : 'dstopt';
        p.put(nh === 0 ? 'HBH ' : 'DSTOPT ');
        p.need(off, 2, what);
        const size = (p.bytes[off + 1]! + 1) * 8;
        p.need(off, size, what);
        if (p.verbose > 0) p.put(ipv6OptionsText(p, off + 2, off + size) + ' ');
        nh = p.bytes[off]!;
        off += size;
        len -= size;
        continue;
      }
      case 43: {
        p.need(off, 4, 'rt6');
        const hdrLen = p.bytes[off + 1]!;
        const type = p.bytes[off + 2]!;
        const segleft = p.bytes[off + 3]!;
        const size = (hdrLen + 1) * 8;
        p.put(`RT6 (len=${hdrLen}, type=${type}${type === 0 ? ' [Deprecated]' : ''}, segleft=${segleft}`);
        if (type === 0) {
          if (p.verbose > 0) p.put(`, rsv=0x${p.u32(off + 4, 'rt6').toString(16)}`);
          const addrs = hdrLen >> 1;
          for (let i = 0; i < addrs; i++) {
            p.need(off + 8 + 16 * i, 16, 'rt6');
            p.put(`, [${i}]${ipv6Text(p.bytes, off + 8 + 16 * i)}`);
          }
          // Checksums above use the last hop's address, the datagram's final destination.
          if (segleft > 0 && addrs > 0) finalDstOff = off + 8 + 16 * (addrs - 1);
        }
        p.put(') ');
        p.need(off, size, 'rt6');
        nh = p.bytes[off]!;
        off += size;
        len -= size;
        continue;
      }
      case 51: {
        const ah = printAh(p, off);
        nh = ah.nh;
        off += ah.size;
        len -= ah.size;
        continue;
      }
      case 44: {
        p.need(off, 8, 'frag6');
        const offlg = p.u16(off + 2, 'frag6');
        const ident = p.u32(off + 4, 'frag6');
        const fragOff = offlg & 0xfff8;
        p.put(`frag (${p.verbose > 0 ? `0x${ident.toString(16).padStart(8, '0')}:` : ''}${fragOff}|${len - 8})`);
        fragmented = true;
        if (fragOff !== 0) return { nh, off, len, stop: true, fragmented, finalDstOff };
        p.put(' ');
        nh = p.bytes[off]!;
        off += 8;
        len -= 8;
        continue;
      }
      default:
        return { nh, off, len, stop: false, fragmented, finalDstOff };
    }
  }
}

export function printIpv6(p: PacketText, off: number, length: number): void {
  const node = p.layer('ipv6', off);
  p.need(off, 1, 'ip6');
  const version = p.bytes[off]! >> 4;
  if (!p.link) p.put('IP6 ');
  if (version !== 6) {
    p.put(`version error: ${version} != 6`);
    return;
  }
  p.need(off, 40, 'ip6');
  const first = p.u32(off, 'ip6');
  const tclass = (first >>> 20) & 0xff;
  const flow = first & 0xfffff;
  const plen = intField(node, 'ipv6.plen', () => p.u16(off + 4, 'ip6'));
  const nh0 = intField(node, 'ipv6.nxt', () => p.bytes[off + 6]!);
  const hlim = intField(node, 'ipv6.hlim', () => p.bytes[off + 7]!);
  const net: NetworkInfo = {
    version: 6,
    src: ipv6Text(p.bytes, off + 8),
    dst: ipv6Text(p.bytes, off + 24),
    srcOff: off + 8,
    dstOff: off + 24,
    fragmented: false,
  };
  if (p.verbose > 0) {
    p.put('(');
    if (tclass) p.put(`class 0x${tclass.toString(16).padStart(2, '0')}, `);
    if (flow) p.put(`flowlabel 0x${flow.toString(16).padStart(5, '0')}, `);
    p.put(`hlim ${hlim}, next-header ${ipProtoName(nh0)} (${nh0}) payload length: ${plen}) `);
  }
  const len = plen;
  if (plen + 40 > length) p.put(`truncated-ip6 - ${plen + 40 - length} bytes missing!`);
  const upper = [6, 17].includes(nh0);
  if (!upper) p.put(`${net.src} > ${net.dst}: `);
  // A jumbogram (payload length 0) is not limited by its header.
  if (plen === 0) ipv6Payload(p, nh0, off, len, net, upper);
  else p.withEnd(off + 40 + plen, () => ipv6Payload(p, nh0, off, len, net, upper));
}

function ipv6Payload(p: PacketText, nh0: number, off: number, len: number, net: NetworkInfo, upper: boolean): void {
  const ext = extensionHeaders(p, nh0, off + 40, len, net);
  if (ext.stop) return;
  const inner: NetworkInfo = { ...net, fragmented: ext.fragmented, dstOff: ext.finalDstOff };
  // Ports follow extension headers without repeating the addresses.
  if (!upper) afterHeader(p, ext.nh, ext.off, ext.len, inner);
  else demux(p, ext.nh, ext.off, ext.len, inner);
}
