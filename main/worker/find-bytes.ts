/**
 * Find by string and by hex value, as Wireshark's Find Packet does them over
 * the packet bytes: a string is looked for as its UTF-8 bytes, ASCII letters
 * matching either case (Wireshark's "Case sensitive" box starts unchecked); a
 * hex value is a byte sequence written `68 69`, `6869`, `68:69` or `68-69`.
 */

export type BytePattern = { readonly ok: true; readonly bytes: Uint8Array; readonly ignoreCase: boolean } | { readonly ok: false; readonly message: string };

const HEX_SEPARATORS = /[\s:.-]/g;

export function hexPattern(text: string): BytePattern {
  const digits = text.replace(HEX_SEPARATORS, '');
  if (digits === '') return { ok: false, message: 'Enter the bytes to find in hex, e.g. "68 69" or "68:69".' };
  const bad = /[^0-9a-fA-F]/.exec(digits);
  if (bad) return { ok: false, message: `"${bad[0]}" is not a hex digit: write bytes as "68 69", "6869" or "68:69".` };
  // Bytes are written in pairs; between separators a single digit is a byte too ("8:0" is 08 00).
  const groups = text.trim().split(/[\s:.-]+/).filter((g) => g !== '');
  const out: number[] = [];
  for (const g of groups) {
    if (g.length > 1 && g.length % 2 === 1) return { ok: false, message: `"${g}" has an odd number of hex digits: each byte takes two.` };
    const padded = g.length === 1 ? '0' + g : g;
    for (let i = 0; i < padded.length; i += 2) out.push(parseInt(padded.slice(i, i + 2), 16));
  }
  return { ok: true, bytes: Uint8Array.from(out), ignoreCase: false };
}

export function stringPattern(text: string): BytePattern {
  if (text === '') return { ok: false, message: 'Enter the text to find.' };
  return { ok: true, bytes: new TextEncoder().encode(text), ignoreCase: true };
}

const lower = (b: number): number => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b);

/** True when `data` contains the pattern's bytes. */
export function containsBytes(data: Uint8Array, pattern: Uint8Array, ignoreCase: boolean): boolean {
  const n = pattern.length;
  if (n === 0) return true;
  const first = ignoreCase ? lower(pattern[0]!) : pattern[0]!;
  outer: for (let i = 0; i + n <= data.length; i++) {
    if ((ignoreCase ? lower(data[i]!) : data[i]!) !== first) continue;
    for (let j = 1; j < n; j++) {
      const a = data[i + j]!;
      const b = pattern[j]!;
      if (ignoreCase ? lower(a) !== lower(b) : a !== b) continue outer;
    }
    return true;
  }
  return false;
}
