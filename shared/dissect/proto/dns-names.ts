/**
 * Domain names in DNS wire format, expanded as Wireshark 4.0 does: labels,
 * compression pointers (relative to the start of the DNS message), RFC 2673
 * bit-string labels, and the same bounded answers for hostile input (a name
 * longer than 255 characters, pointer loops) so a crafted packet cannot hang us.
 */
import { MalformedError, u8, type Tvb } from '../tvb.js';

/** Wireshark's buffer for an expanded name, terminator included. */
const MAX_NAME = 255;
/** Shortest encoding that may stand for the root: one zero byte, or a two-byte pointer. */
const MIN_NAME_BYTES = 2;
const UNKNOWN_LABEL = '<Unknown extended label>';
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export interface DnsName {
  /** The name as displayed (`www.example.com`, `<Root>`, `<Name contains a pointer that loops>`). */
  readonly name: string;
  /** Characters in the expanded name (0 for the root): Wireshark's [Name Length]. */
  readonly length: number;
  /** Bytes the encoded name takes at its position (pointers not followed). */
  readonly used: number;
}

/**
 * Expand the name at `offset`; `msgStart` is where the DNS message starts (pointers count from there).
 * Throws BoundsError when a label runs past the data and MalformedError for the reserved label type.
 */
export function readDnsName(tvb: Tvb, offset: number, msgStart: number, cache?: NameWalkCache): DnsName {
  const start = offset;
  let out = '';
  let room = MAX_NAME;
  let used = -1;
  let pointers = 0;
  let special: string | undefined;

  for (;;) {
    if (room <= 0 && used >= 0 && cache) {
      // Nothing more will be shown: only how the walk ends matters, which is the same for every
      // name that reaches this offset (crafted messages make thousands of names share one chain).
      const o = walkOutcome(tvb, offset, msgStart, cache);
      if (o.kind === 'cycle' || o.kind === 'self' || pointers + o.hops > MAX_NAME) special = '<Name contains a pointer that loops>';
      else if (o.kind === 'throw') throw o.error;
      else if (o.kind === 'unknown') { special = UNKNOWN_LABEL; used = o.at - start; }
      break;
    }
    const len = u8(tvb, offset++);
    if (len === 0) break;
    const kind = len & 0xc0;
    if (kind === 0x00) {
      if (out.length > 0) {
        if (room > 0) { out += '.'; room--; }
      } else {
        room--;
      }
      // Wireshark stops reading once the buffer is full but keeps walking the label.
      const take = Math.min(len, Math.max(room, 0));
      if (take > 0) {
        u8(tvb, offset + take - 1);
        out += String.fromCharCode.apply(null, Array.from(tvb.bytes.subarray(offset, offset + take)));
        room -= take;
      }
      offset += len;
    } else if (kind === 0x40) {
      if ((len & 0x3f) !== 0x01) {
        special = UNKNOWN_LABEL;
        used = offset - start;
        break;
      }
      const bitCount = u8(tvb, offset++);
      let labelBytes = Math.trunc((bitCount - 1) / 8) + 1;
      const put = (s: string): void => {
        if (room <= 0) return;
        if (s.length <= room) { out += s; room -= s.length; } else room = 0;
      };
      put('\\[x');
      while (labelBytes-- > 0) {
        const b = u8(tvb, offset);
        put(HEX[b]!);
        offset++;
      }
      put(`/${bitCount}]`);
    } else if (kind === 0x80) {
      throw new MalformedError('DNS label with reserved type 0x80');
    } else {
      const target = msgStart + (((len & 0x3f) << 8) | u8(tvb, offset));
      offset++;
      pointers++;
      if (used < 0) used = offset - start;
      // A pointer just past itself counts as a loop in Wireshark; otherwise too many hops is an indirect loop.
      if (target === offset + 2 || pointers > MAX_NAME) {
        special = '<Name contains a pointer that loops>';
        break;
      }
      offset = target;
    }
  }
  if (used < 0) used = offset - start;

  let name: string;
  if (special !== undefined) name = special;
  else if (room > 0) name = out;
  else name = '<Name too long>';
  const length = special !== undefined || room <= 0 ? name.length : out.length;

  if (name === '' && used <= MIN_NAME_BYTES) return { name: '<Root>', length: 0, used };
  // tshark 4.0 stops at a name that is one unknown extended label byte, as at an empty one (checked with crafted queries).
  if (used < 1 || (used > MIN_NAME_BYTES && length === 0) || (special === UNKNOWN_LABEL && used < MIN_NAME_BYTES)) {
    throw new MalformedError('DNS name is empty');
  }
  return { name: formatText(name), length, used };
}

/** Per-message memo of how a walk that shows nothing more ends, by offset. */
export type NameWalkCache = Map<number, WalkOutcome>;

type WalkOutcome =
  | { kind: 'end' | 'self'; hops: number }
  | { kind: 'unknown'; hops: number; at: number }
  | { kind: 'throw'; hops: number; error: unknown }
  | { kind: 'cycle'; hops: number };

type Segment = { kind: 'ptr'; target: number; self: boolean } | WalkOutcome;

/** Labels from `off` up to the next pointer or the end of the name, reading only what Wireshark reads. */
function scanSegment(tvb: Tvb, off: number, msgStart: number): Segment {
  try {
    for (;;) {
      const len = u8(tvb, off++);
      if (len === 0) return { kind: 'end', hops: 0 };
      const kind = len & 0xc0;
      if (kind === 0x00) off += len;
      else if (kind === 0x40) {
        if ((len & 0x3f) !== 0x01) return { kind: 'unknown', hops: 0, at: off };
        const bitCount = u8(tvb, off++);
        off += Math.trunc((bitCount - 1) / 8) + 1;
      } else if (kind === 0x80) {
        throw new MalformedError('DNS label with reserved type 0x80');
      } else {
        const target = msgStart + (((len & 0x3f) << 8) | u8(tvb, off));
        off++;
        return { kind: 'ptr', target, self: target === off + 2 };
      }
    }
  } catch (error) {
    return { kind: 'throw', hops: 0, error };
  }
}

function oneHopBefore(o: WalkOutcome): WalkOutcome {
  return { ...o, hops: o.hops + 1 };
}

/** How the walk from `start` ends and after how many pointers, filling `cache` along the chain. */
function walkOutcome(tvb: Tvb, start: number, msgStart: number, cache: NameWalkCache): WalkOutcome {
  const path: number[] = [];
  const onPath = new Set<number>();
  let off = start;
  let last: WalkOutcome;
  for (;;) {
    const known = cache.get(off);
    if (known) { last = oneHopBefore(known); break; }
    // More distinct hops than any walk may take: a loop whatever the count so far (not cached: it depends on where one starts).
    if (path.length > MAX_NAME + 1) return { kind: 'cycle', hops: 0 };
    if (onPath.has(off)) { last = { kind: 'cycle', hops: 0 }; break; }
    onPath.add(off);
    path.push(off);
    const seg = scanSegment(tvb, off, msgStart);
    if (seg.kind !== 'ptr') { cache.set(off, seg); path.pop(); last = oneHopBefore(seg); break; }
    if (seg.self) { const o: WalkOutcome = { kind: 'self', hops: 1 }; cache.set(off, o); path.pop(); last = oneHopBefore(o); break; }
    off = seg.target;
  }
  // `last` is the outcome one pointer before the last unresolved entry; walk the chain back.
  for (let i = path.length - 1; i >= 0; i--) {
    const here: WalkOutcome = last.kind === 'cycle' ? last : { ...last };
    cache.set(path[i]!, here);
    last = oneHopBefore(here);
  }
  return cache.get(start)!;
}

const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 92: '\\\\' };

/**
 * Bytes (one char each) made displayable as Wireshark's format_text does:
 * control characters escaped, valid UTF-8 kept, invalid bytes as U+FFFD.
 */
export function formatText(raw: string): string {
  let clean = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 92) { clean = false; break; }
  }
  if (clean) return raw;
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const c = raw.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c < 0x7f && c !== 92) out += raw[i];
      else out += C_ESCAPES[c] ?? '\\' + c.toString(8).padStart(3, '0');
      i++;
      continue;
    }
    const n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    let ok = n > 0 && i + n <= raw.length && c < 0xf5;
    let cp = n === 2 ? c & 0x1f : n === 3 ? c & 0x0f : c & 0x07;
    for (let k = 1; ok && k < n; k++) {
      const cc = raw.charCodeAt(i + k);
      if ((cc & 0xc0) !== 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (ok && ((n === 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff)))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += n;
    } else {
      out += '\ufffd';
      i++;
    }
  }
  return out;
}
