/**
 * The WebSocket transport's encoding of IPC messages: JSON, where every
 * Uint8Array travels as `{ "$bytes": "<base64>" }` and comes back as a
 * Uint8Array. Electron's IPC needs none of this (structured clone keeps bytes).
 *
 * Base64 is written here rather than with btoa/atob: those take "binary
 * strings", and building one from a large array with
 * String.fromCharCode(...bytes) overflows the stack; this code works in
 * bounded chunks whatever the size.
 *
 * Limitation: a plain object whose only key is "$bytes" with a string value is
 * indistinguishable from encoded bytes. Nothing in the contract has such a key.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Character code → 6-bit value, -1 for characters outside the alphabet. */
const DECODE = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** Bytes per string piece when encoding: a multiple of 3 so pieces join without padding inside. */
const ENCODE_CHUNK = 3 * 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  const pieces: string[] = [];
  const codes: number[] = [];
  for (let start = 0; start < bytes.length; start += ENCODE_CHUNK) {
    const end = Math.min(start + ENCODE_CHUNK, bytes.length);
    codes.length = 0;
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      codes.push(
        ALPHABET.charCodeAt(n >>> 18),
        ALPHABET.charCodeAt((n >>> 12) & 63),
        ALPHABET.charCodeAt((n >>> 6) & 63),
        ALPHABET.charCodeAt(n & 63),
      );
    }
    const rest = end - i; // only the last chunk can leave 1 or 2 bytes
    if (rest === 1) {
      const n = bytes[i]! << 16;
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63), 61, 61);
    } else if (rest === 2) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63), ALPHABET.charCodeAt((n >>> 6) & 63), 61);
    }
    // 32 Ki arguments at most: well inside every engine's argument limit.
    pieces.push(String.fromCharCode.apply(null, codes));
  }
  return pieces.join('');
}

/** Strict base64 (standard alphabet, padding required); throws on anything else. */
export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`base64 text of ${text.length} characters is not a multiple of 4`);
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = last && pad === 2 ? 0 : sextet(text, i + 2);
    const d = last && pad >= 1 ? 0 : sextet(text, i + 3);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  const v = code < 128 ? DECODE[code]! : -1;
  if (v < 0) throw new Error(`invalid base64 character at position ${i}`);
  return v;
}

/** JSON text of `value`, bytes as `{ "$bytes": base64 }`. */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? { $bytes: bytesToBase64(v) } : v));
}

/** The value of a message made by encodeWire; throws (SyntaxError or Error) on bad JSON or bad base64. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const bytes = (v as { $bytes?: unknown }).$bytes;
      if (keys.length === 1 && keys[0] === '$bytes' && typeof bytes === 'string') return base64ToBytes(bytes);
    }
    return v;
  });
}
