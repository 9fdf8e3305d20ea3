/** ARP and RARP: `ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28`. */
import { ipv4FromBytes, macText } from '../format/address-text.js';
import { hex2 } from './names.js';
import { intField, type PacketText } from './packet.js';

const HARDWARE: Readonly<Record<number, string>> = { 1: 'Ethernet', 6: 'IEEE 802', 15: 'Frame Relay', 32: 'InfiniBand' };

function isZero(b: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (b[off + i] !== 0) return false;
  return true;
}

function hexAddr(b: Uint8Array, off: number, len: number): string {
  const parts: string[] = [];
  for (let i = 0; i < len; i++) parts.push(hex2(b[off + i]!));
  return parts.join(':');
}

export function printArp(p: PacketText, off: number, length: number): void {
  const node = p.layer('arp', off);
  if (!p.link) p.put('ARP, ');
  p.need(off, 8, 'arp');
  const hrd = intField(node, 'arp.hw.type', () => p.u16(off, 'arp'));
  const pro = intField(node, 'arp.proto.type', () => p.u16(off + 2, 'arp'));
  const hln = p.bytes[off + 4]!;
  const pln = p.bytes[off + 5]!;
  const op = intField(node, 'arp.opcode', () => p.u16(off + 6, 'arp'));
  const sha = off + 8, spa = sha + hln, tha = spa + pln, tpa = tha + hln;
  const ipv4 = (pro === 0x0800 || pro === 0x0200) && pln === 4;
  const paddr = (at: number) => (ipv4 ? ipv4FromBytes(p.bytes, at) : hexAddr(p.bytes, at, pln));
  const haddr = (at: number) => (hln === 6 ? macText(p.bytes, at) : hexAddr(p.bytes, at, hln));
  if (!ipv4 || hln === 0 || p.verbose > 0) {
    const hwName = HARDWARE[hrd] ?? `Unknown Hardware (${hrd})`;
    const protoName = pro === 0x0800 ? 'IPv4' : `Unknown Protocol (0x${pro.toString(16).padStart(4, '0')})`;
    p.put(`${hwName} (len ${hln}), ${protoName} (len ${pln}), `);
    // Addresses of a size tcpdump does not know are not shown at all.
    if (!ipv4 || hln === 0) {
      p.put(`length ${length}`);
      return;
    }
  }
  p.need(off, 8 + 2 * (hln + pln), 'arp');
  switch (op) {
    case 1:
      p.put(`Request who-has ${paddr(tpa)}`);
      if (!isZero(p.bytes, tha, hln)) p.put(` (${haddr(tha)})`);
      p.put(` tell ${paddr(spa)}`);
      break;
    case 2: p.put(`Reply ${paddr(spa)} is-at ${haddr(sha)}`); break;
    case 3: p.put(`Reverse Request who-is ${haddr(tha)} tell ${haddr(sha)}`); break;
    case 4: p.put(`Reverse Reply ${haddr(tha)} at ${paddr(tpa)}`); break;
    case 8: p.put(`Inverse Request who-is ${haddr(tha)} tell ${paddr(spa)}`); break;
    case 9: p.put(`Inverse Reply ${paddr(spa)} at ${haddr(sha)}`); break;
    default: p.put(`Unknown (${op})`); break;
  }
  p.put(`, length ${length}`);
}
