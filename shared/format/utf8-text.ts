/**
 * UTF-8 byte lengths of JS strings: Wireshark sizes its column and label
 * buffers in bytes, so limits and padding must count bytes, not characters.
 */

/** Bytes the string takes in UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** The longest prefix of `s` whose UTF-8 form fits in `max` bytes, cut between characters. */
export function truncateUtf8(s: string, max: number): string {
  if (s.length * 3 <= max) return s;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (bytes + size > max) return s.slice(0, i);
    bytes += size;
    if (size === 4) i++;
  }
  return s;
}
