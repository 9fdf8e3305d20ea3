/**
 * How bytes from the wire become visible characters. Only printable ASCII is
 * shown as itself; everything else is a '.', as in Wireshark and tcpdump -A.
 */

export function isPrintable(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

export function asciiChar(b: number): string {
  return isPrintable(b) ? String.fromCharCode(b) : '.';
}

/**
 * A stream's bytes as readable text (Follow TCP "ASCII"): printable ASCII,
 * line breaks and tabs kept so protocols like HTTP read as they were sent;
 * `\r\n` becomes one line break; any other byte is a '.'.
 */
export function streamAscii(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0d && bytes[i + 1] === 0x0a) continue;
    if (b === 0x0a || b === 0x09) s += String.fromCharCode(b);
    else s += asciiChar(b);
  }
  return s;
}
