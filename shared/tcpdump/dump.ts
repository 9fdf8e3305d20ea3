/** The payload dumps of -x (hex), -X (hex and ASCII) and -A (ASCII), each line starting "\n\t". */

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Printable in the -X column: graphic ASCII only (a space shows as a dot, as in tcpdump). */
function graphic(c: number): boolean {
  return c > 0x20 && c < 0x7f;
}

function offsetLabel(off: number): string {
  return '0x' + off.toString(16).padStart(4, '0') + ':';
}

function hexGroups(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i += 2) {
    s += ' ' + HEX2[bytes[i]!] + (i + 1 < to ? HEX2[bytes[i + 1]!] : '');
  }
  return s;
}

/** -x: sixteen bytes a line in groups of two; `lead` starts each line (deeper for data inside a decoded header). */
export function hexDump(bytes: Uint8Array, lead = '\n\t'): string {
  let out = '';
  for (let off = 0; off < bytes.length; off += 16) {
    out += lead + offsetLabel(off) + ' ' + hexGroups(bytes, off, Math.min(off + 16, bytes.length));
  }
  return out;
}

/** -X: the -x layout, padded to a fixed width, then the same bytes as ASCII. */
export function hexAsciiDump(bytes: Uint8Array): string {
  let out = '';
  for (let off = 0; off < bytes.length; off += 16) {
    const end = Math.min(off + 16, bytes.length);
    let ascii = '';
    for (let i = off; i < end; i++) ascii += graphic(bytes[i]!) ? String.fromCharCode(bytes[i]!) : '.';
    out += '\n\t' + offsetLabel(off) + ' ' + hexGroups(bytes, off, end).padEnd(40) + '  ' + ascii;
  }
  return out;
}

/**
 * -A: the bytes as text after a line break; tabs, spaces and newlines kept,
 * a carriage return before a newline dropped, anything else unprintable as a dot.
 */
export function asciiDump(bytes: Uint8Array): string {
  let out = '\n';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x0d) {
      if (i + 1 >= bytes.length || bytes[i + 1] !== 0x0a) out += '.';
    } else if (graphic(c) || c === 0x09 || c === 0x20 || c === 0x0a) {
      out += String.fromCharCode(c);
    } else {
      out += '.';
    }
  }
  return out;
}
