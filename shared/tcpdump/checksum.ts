/** Internet checksums, to say "(correct)" or what the checksum should have been, as tcpdump -v does. */
import type { PacketText } from './packet.js';

/** One's-complement sum of 16-bit words, folded, not complemented. */
export function onesSum(bytes: Uint8Array, off: number, len: number, initial = 0): number {
  let sum = initial;
  const end = off + len;
  let i = off;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** What the network layer contributes to a transport checksum (the pseudo-header). */
export interface NetworkInfo {
  readonly version: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** Offsets of the source and destination addresses in the frame. */
  readonly srcOff: number;
  readonly dstOff: number;
  /** The datagram is a fragment (first or not): its transport checksum cannot be checked. */
  readonly fragmented: boolean;
}

/** The checksum a transport segment should carry, computed with its checksum field taken as zero. */
export function transportChecksum(p: PacketText, net: NetworkInfo, proto: number, off: number, len: number, sumOff: number): number {
  const addrLen = net.version === 4 ? 4 : 16;
  let sum = onesSum(p.bytes, net.srcOff, addrLen);
  sum = onesSum(p.bytes, net.dstOff, addrLen, sum);
  sum += proto + (len & 0xffff) + (len >>> 16);
  sum = onesSum(p.bytes, off, len, sum);
  // Take the stored checksum back out so the result is what the field should have been.
  const stored = (p.bytes[sumOff]! << 8) | p.bytes[sumOff + 1]!;
  sum += 0xffff - stored;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
