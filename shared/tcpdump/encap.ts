/** Encapsulations between the link layer and IP that tcpdump decodes inline: MPLS label stacks, PPPoE sessions, IPsec AH. */
import type { PacketText } from './packet.js';

export type NetworkPrinter = (p: PacketText, off: number, length: number) => void;

/** MPLS: `MPLS (label 8, tc 7, [S], ttl 1) ` then the payload, guessed from its first nibble as tcpdump does. */
export function printMpls(p: PacketText, off: number, length: number, ipv4: NetworkPrinter, ipv6: NetworkPrinter): void {
  p.put('MPLS');
  let first = true;
  let label = 0;
  for (;;) {
    const entry = p.u32(off, 'mpls');
    label = entry >>> 12;
    const bottom = (entry >>> 8) & 1;
    p.put(`${first ? ' ' : ', '}(label ${label}, tc ${(entry >>> 9) & 7}${bottom ? ', [S]' : ''}, ttl ${entry & 0xff})`);
    first = false;
    off += 4;
    length -= 4;
    if (bottom) break;
  }
  p.put(' ');
  const nibble = p.u8(off, 'mpls') >> 4;
  if (label === 0 || (label !== 2 && nibble === 4)) ipv4(p, off, length);
  else if (label === 2 || nibble === 6) ipv6(p, off, length);
  else p.put(`[|mpls]`);
}

const PPP_NAMES: Readonly<Record<number, string>> = { 0x0021: 'IP', 0x0057: 'IPv6', 0xc021: 'LCP', 0x8021: 'IPCP' };
const PPPOE_CODES: Readonly<Record<number, string>> = { 0x00: '', 0x09: 'PADI', 0x07: 'PADO', 0x19: 'PADR', 0x65: 'PADS', 0xa7: 'PADT' };

/** PPPoE: `PPPoE  [ses 0xdde5] ` and, in a session, the PPP payload (IP and IPv6 decoded). */
export function printPppoe(p: PacketText, off: number, length: number, ipv4: NetworkPrinter, ipv6: NetworkPrinter): void {
  p.need(off, 6, 'pppoe');
  const code = p.u8(off + 1, 'pppoe');
  const session = p.u16(off + 2, 'pppoe');
  p.put(`PPPoE ${PPPOE_CODES[code] ?? `unknown code 0x${code.toString(16).padStart(2, '0')}`}`);
  if (session) p.put(` [ses 0x${session.toString(16)}]`);
  if (code !== 0) return;
  const proto = p.u16(off + 6, 'pppoe');
  p.put(' ');
  if (p.link) p.put(`${PPP_NAMES[proto] ?? 'unknown'} (0x${proto.toString(16).padStart(4, '0')}), length ${p.u16(off + 4, 'pppoe')}: `);
  if (proto === 0x0021) ipv4(p, off + 8, length - 8);
  else if (proto === 0x0057) ipv6(p, off + 8, length - 8);
  else p.put(`PPP-0x${proto.toString(16).padStart(4, '0')}`);
}

/** IPsec AH: `AH(spi=0x00000100,seq=0x20,icv=0x…): `; returns the next header and where it starts. */
export function printAh(p: PacketText, off: number): { nh: number; size: number } {
  p.need(off, 12, 'AH');
  const nh = p.u8(off, 'AH');
  const words = p.u8(off + 1, 'AH');
  const size = (words + 2) * 4;
  p.put('AH(');
  if (p.verbose > 0) p.put(`length=${words}(${size}-bytes),`);
  p.put(`spi=0x${p.u32(off + 4, 'AH').toString(16).padStart(8, '0')},seq=0x${p.u32(off + 8, 'AH').toString(16)},icv=0x`);
  p.need(off, size, 'AH');
  for (let i = off + 12; i < off + size; i++) p.put(p.bytes[i]!.toString(16).padStart(2, '0'));
  p.put('): ');
  return { nh, size };
}
