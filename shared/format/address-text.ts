/** Addresses as Wireshark writes them: dotted quad, RFC 5952 IPv6, lower-case colon MAC. */

export function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function ipv4FromBytes(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function macText(b: Uint8Array, off = 0, len = 6): string {
  let s = HEX2[b[off]!]!;
  for (let i = 1; i < len; i++) s += ':' + HEX2[b[off + i]!];
  return s;
}

/** RFC 5952: lower case, leading zeros dropped, the longest run (>1) of zero groups as `::`, IPv4-mapped tail kept dotted. */
export function ipv6Text(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  // ::ffff:a.b.c.d and ::a.b.c.d (the latter only when not :: or ::1) keep the dotted form, as inet_ntop does.
  const dottedTail = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 &&
    (g[5] === 0xffff || (g[5] === 0 && (g[6]! !== 0 || g[7]! > 1)));
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const groups = dottedTail ? 6 : 8;
  const parts: string[] = [];
  for (let i = 0; i < groups; i++) {
    if (i === bestStart) {
      parts.push(i === 0 ? ':' : '');
      i += Math.min(bestLen, groups - i) - 1;
      if (i === groups - 1) parts.push('');
      continue;
    }
    parts.push(g[i]!.toString(16));
  }
  let s = parts.join(':');
  if (dottedTail) {
    const tail = `${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
    s = s.endsWith(':') ? s + tail : s + ':' + tail;
  }
  return s;
}
