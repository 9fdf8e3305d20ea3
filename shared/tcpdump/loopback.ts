/** Ethernet configuration testing protocol (ethertype 0x9000, "Loopback"); its fields are little-endian. */
import { macText } from '../format/address-text.js';
import type { PacketText } from './packet.js';

function le16(p: PacketText, off: number): number {
  p.need(off, 2, 'loopback');
  return p.bytes[off]! | (p.bytes[off + 1]! << 8);
}

export function printLoopback(p: PacketText, off: number, length: number): void {
  p.put('Loopback');
  const skip = le16(p, off);
  p.put(`, skipCount ${skip}`);
  if (skip % 8) p.put(' (bogus)');
  let at = off + 2 + skip;
  let left = length - 2 - skip;
  const func = le16(p, at);
  at += 2;
  left -= 2;
  switch (func) {
    case 1: {
      p.put(`, Reply, receipt number ${le16(p, at)}`);
      at += 2;
      left -= 2;
      break;
    }
    case 2: {
      p.need(at, 6, 'loopback');
      p.put(`, Forward Data, forwarding address ${macText(p.bytes, at)}`);
      at += 6;
      left -= 6;
      break;
    }
    default:
      p.put(`, Unknown function (${func})`);
  }
  p.put(`, data (${Math.max(0, left)} octets)`);
}
