/** The Internet checksum (RFC 1071) as ICMP, ICMPv6 and friends use it. */

/**
 * Ones' complement of the ones' complement sum of `length` bytes at `offset`,
 * plus the optional pseudo-header words. With `skip` (the offset of the checksum
 * field) that field counts as zero, which gives the value the field should hold;
 * without it, 0 means the packet's checksum is right.
 */
export function internetChecksum(bytes: Uint8Array, offset: number, length: number, skip = -1, pseudo: readonly number[] = []): number {
  let sum = 0;
  for (const w of pseudo) sum += w;
  const end = offset + length;
  let i = offset;
  for (; i + 1 < end; i += 2) {
    if (i === skip) continue;
    sum += (bytes[i]! << 8) | bytes[i + 1]!;
    if (sum > 0xffffffff / 2) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  if (i < end) sum += bytes[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return (~sum) & 0xffff;
}
