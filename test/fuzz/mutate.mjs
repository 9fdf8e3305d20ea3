/**
 * Deterministic mutations for the fuzzer: every case is a function of
 * (seed, case number), so a crash is reproduced from two integers and the
 * input it wrote, and CI's bounded run is the same run every time.
 */

/** mulberry32: small, fast, good enough to pick mutations (not for secrets). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
  };
}

/** Values that sit on the edges parsers get wrong: zero, sign bits, all ones, off by one. */
const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x20];
const INTERESTING_16 = [0x0000, 0x0001, 0x7fff, 0x8000, 0xffff, 0x0100, 0x00ff, 0x05dc, 0x0800, 0x86dd];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x0000ffff, 0x00010000, 0x1000000];

function flipBit(b, r) {
  if (b.length === 0) return b;
  const i = r.int(b.length);
  b[i] ^= 1 << r.int(8);
  return b;
}

function setByte(b, r) {
  if (b.length === 0) return b;
  b[r.int(b.length)] = r.chance(0.5) ? r.pick(INTERESTING_8) : r.int(256);
  return b;
}

/** Overwrite a 16- or 32-bit field with a boundary value, or the buffer's own length nearby. */
function lengthField(b, r) {
  if (b.length < 4) return setByte(b, r);
  const wide = r.chance(0.5);
  const at = r.int(b.length - (wide ? 3 : 1));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = r.chance(0.5);
  const near = b.length - at + r.int(5) - 2;
  if (wide) dv.setUint32(at, r.chance(0.3) ? Math.max(0, near) >>> 0 : r.pick(INTERESTING_32), le);
  else dv.setUint16(at, r.chance(0.3) ? Math.max(0, near) & 0xffff : r.pick(INTERESTING_16), le);
  return b;
}

function truncate(b, r) {
  return b.subarray(0, r.int(b.length + 1));
}

function deleteRange(b, r) {
  if (b.length < 2) return b;
  const from = r.int(b.length);
  const len = 1 + r.int(Math.min(32, b.length - from));
  const out = new Uint8Array(b.length - len);
  out.set(b.subarray(0, from));
  out.set(b.subarray(from + len), from);
  return out;
}

function insertRange(b, r) {
  const at = r.int(b.length + 1);
  const len = 1 + r.int(16);
  const out = new Uint8Array(b.length + len);
  out.set(b.subarray(0, at));
  const fill = r.chance(0.5) ? r.pick(INTERESTING_8) : -1;
  for (let i = 0; i < len; i++) out[at + i] = fill >= 0 ? fill : r.int(256);
  out.set(b.subarray(at), at + len);
  return out;
}

/** Graft a piece of another input at a random place (keeps structure two valid inputs share). */
function splice(b, r, other) {
  if (!other || other.length === 0) return insertRange(b, r);
  const from = r.int(other.length);
  const len = 1 + r.int(Math.min(256, other.length - from));
  const at = r.int(b.length + 1);
  const keepTail = r.chance(0.5);
  const tail = keepTail ? b.subarray(at) : new Uint8Array(0);
  const out = new Uint8Array(at + len + tail.length);
  out.set(b.subarray(0, at));
  out.set(other.subarray(from, from + len), at);
  out.set(tail, at + len);
  return out;
}

export const MUTATORS = { flipBit, setByte, lengthField, truncate, deleteRange, insertRange, splice };
const ORDER = [flipBit, setByte, setByte, lengthField, lengthField, truncate, deleteRange, insertRange, splice];

/** 1 to 4 stacked mutations of a copy of `input`. */
export function mutateBytes(input, r, other) {
  let b = input.slice();
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) b = r.pick(ORDER)(b, r, other);
  return b;
}

/** Filter-string mutations: character edits plus swaps of whole tokens of the language. */
const FILTER_TOKENS = [
  '==', '!=', '<', '>', '<=', '>=', 'eq', 'ne', 'contains', 'matches', 'and', 'or', 'not', '&&', '||', '!', '(', ')',
  '{', '}', '..', 'in', '[', ']', ':', ',', '"', '\\', '0x', '-', '/', '.', '1', '65535', '4294967296', '1e999',
  'tcp', 'tcp.port', 'ip.addr', 'frame[0:2]', 'eth.addr', 'websocket.payload.text', 'http.request.method', '"\\x00"',
  '::1', '10.0.0.0/8', 'aa:bb:cc', '"(a+)+$"', '$', 'any', 'all', '~', '@', 'len(', 'upper(', '${x}',
];

export function mutateFilter(text, r) {
  let s = text;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const at = r.int(s.length + 1);
    switch (r.int(5)) {
      case 0: s = s.slice(0, at) + r.pick(FILTER_TOKENS) + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + r.int(4)); break;
      case 2: s = s.slice(0, at) + String.fromCharCode(r.int(128)) + s.slice(at); break;
      case 3: s = s.slice(0, at) + ' ' + r.pick(FILTER_TOKENS) + ' ' + s.slice(at); break;
      default: s = s.slice(0, at) + s.slice(at).split('').reverse().join(''); break;
    }
  }
  return s.slice(0, 4096);
}
