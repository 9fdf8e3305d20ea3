/**
 * The header block of an HTTP/1.x message, read in one pass over its bytes: where
 * it ends (the blank line), and where the values of the few headers the dissector
 * acts on lie. Values are decoded only when asked for, and nothing is made per
 * header line: this runs on every message of the summary pass.
 */
import { ascii, asciiRepeated, slice, utf8String, type Tvb } from '../tvb.js';

/** The headers the dissector looks up, by slot (a slot is an index into HEADER_NAMES). */
export const HEADER = {
  transferEncoding: 0, contentLength: 1, expect: 2, host: 3, upgrade: 4, wsExtensions: 5, wsProtocol: 6, contentEncoding: 7, contentType: 8,
} as const;

/** Lower-case names, in slot order. */
const HEADER_NAMES = ['transfer-encoding', 'content-length', 'expect', 'host', 'upgrade', 'sec-websocket-extensions',
  'sec-websocket-protocol', 'content-encoding', 'content-type'];

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

/**
 * Lower-case header names, found from a line's bytes as the line's lower-cased text up to its first
 * colon (or all of it without one) would find them, without decoding it.
 */
export class HeaderNames {
  /** Indexes into names by the first letter of the name (its character code). */
  private readonly byFirst: (number[] | undefined)[] = [];

  constructor(private readonly names: readonly string[]) {
    names.forEach((n, i) => (this.byFirst[n.charCodeAt(0)] ??= []).push(i));
  }

  /**
   * The index of the name the header line b[start, stop) (CR stripped) names, or -1. Only ASCII
   * letters change case (Latin-1 letters past 0x7f stay past it when lower-cased, so they never
   * match). No name holds a colon, so a name followed by one (or by the line's end) is the line's name.
   */
  indexOf(b: Uint8Array, start: number, stop: number): number {
    const candidates = this.byFirst[b[start]! | 0x20];
    if (candidates === undefined) return -1;
    for (const i of candidates) {
      const name = this.names[i]!;
      const after = start + name.length;
      if ((after === stop || (after < stop && b[after] === COLON)) && sameLowerCase(b, start, name)) return i;
    }
    return -1;
  }
}

/** Slots by name. */
const SLOTS = new HeaderNames(HEADER_NAMES);

/** Content-Length digits summed by hand below this count; longer ones go through Number (its rounding). */
const EXACT_DIGITS = 15;

/** Where the next LF at or after `off` (before `end`) is, or -1. */
export function lineEnd(b: Uint8Array, off: number, end: number): number {
  let i = off;
  // Four bytes a turn: every header byte passes here, and the loop's own test costs as much as the byte's.
  for (; i + 4 <= end; i += 4) {
    if (b[i] === LF) return i;
    if (b[i + 1] === LF) return i + 1;
    if (b[i + 2] === LF) return i + 2;
    if (b[i + 3] === LF) return i + 3;
  }
  for (; i < end; i++) if (b[i] === LF) return i;
  return -1;
}

/** Where the text b[off, stop) ends without its trailing CR. */
export function withoutCr(b: Uint8Array, off: number, stop: number): number {
  return stop > off && b[stop - 1] === CR ? stop - 1 : stop;
}

/**
 * One message's header block. Reused from message to message: read what you need from it
 * before handing the packet to another dissector.
 */
export class HeaderScan {
  /** Past the blank line that ends the block, or -1 when the data ends first. */
  end = -1;
  /**
   * Where the line the data ends in starts when that line holds no colon (a header cut before its
   * value: tshark stops reading the block there), else -1.
   */
  cutInName = -1;
  /** Each header line as a pair [start, LF position], when the scan was asked to keep them. */
  readonly lines: number[] = [];
  /** Each looked-up header's first value, as the bytes [from, to) it is trimmed from; from -1 when absent. */
  private readonly from = new Int32Array(HEADER_NAMES.length);
  private readonly to = new Int32Array(HEADER_NAMES.length);

  /**
   * Read the lines from `from` (just past the first line) up to the blank line. A last line the
   * data cuts short is read as if its last byte were its LF, as the headers were always read.
   */
  scan(b: Uint8Array, from: number, end: number, keepLines: boolean): void {
    this.end = -1;
    this.cutInName = -1;
    // By hand: fill() and setting a length cost a call each, many times the few stores.
    if (this.lines.length !== 0) this.lines.length = 0;
    for (let slot = 0; slot < this.from.length; slot++) this.from[slot] = -1;
    let p = from;
    while (p < end) {
      const c = b[p]!;
      if (c === LF) {
        this.end = p + 1;
        return;
      }
      if (c === CR && p + 1 < end && b[p + 1] === LF) {
        this.end = p + 2;
        return;
      }
      let e = lineEnd(b, p, end);
      if (e < 0) {
        // Cut short: its last byte stands for its LF, and this is the last line read.
        e = end - 1;
        if (!(e === p && c === CR) && b.subarray(p, end).indexOf(COLON) < 0) this.cutInName = p;
        if (e === p || (e === p + 1 && c === CR)) return;
      }
      this.record(b, p, e, SLOTS.indexOf(b, p, withoutCr(b, p, e)), keepLines);
      p = e + 1;
    }
  }

  private record(b: Uint8Array, start: number, e: number, slot: number, keepLines: boolean): void {
    if (keepLines) this.lines.push(start, e);
    if (slot < 0 || this.from[slot]! >= 0) return;
    const colon = start + HEADER_NAMES[slot]!.length;
    // A name alone on its line has an empty value.
    const hasValue = colon < withoutCr(b, start, e);
    this.from[slot] = hasValue ? colon + 1 : start;
    this.to[slot] = hasValue ? e : start;
  }

  has(slot: number): boolean {
    return this.from[slot]! >= 0;
  }

  /** Where the last trim() put the value's first byte and the byte after its last. */
  private valueStart = 0;
  private valueEnd = 0;

  /**
   * Bounds of header `slot`'s value without its surrounding white space, left in valueStart/valueEnd
   * (two fields, not an object: this runs for every header an HTTP message is read for); false without it.
   */
  private trim(b: Uint8Array, slot: number): boolean {
    const from = this.from[slot]!;
    if (from < 0) return false;
    this.valueEnd = trimmedEnd(b, from, this.to[slot]!);
    this.valueStart = trimmedStart(b, from, this.valueEnd);
    return true;
  }

  /** The header's value with surrounding white space removed, or undefined without the header. */
  text(tvb: Tvb, slot: number): string | undefined {
    if (!this.trim(tvb.bytes, slot)) return undefined;
    const { valueStart: start, valueEnd: to } = this;
    // Values repeat from message to message (see asciiRepeated).
    return asciiRepeated(tvb, start, to - start);
  }

  /** text() with the bytes decoded as UTF-8 (where tshark shows them so: the host in the full request URI). */
  utf8Text(tvb: Tvb, slot: number): string | undefined {
    if (!this.trim(tvb.bytes, slot)) return undefined;
    const { valueStart: start, valueEnd: to } = this;
    return utf8String(slice(tvb, start, to - start));
  }

  /** The header's value as a number when it is all decimal digits (white space aside), else undefined. */
  decimal(tvb: Tvb, slot: number): number | undefined {
    const b = tvb.bytes;
    if (!this.trim(b, slot)) return undefined;
    const { valueStart: start, valueEnd: to } = this;
    if (start === to) return undefined;
    let n = 0;
    for (let i = start; i < to; i++) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    return to - start <= EXACT_DIGITS ? n : Number(ascii(tvb, start, to - start));
  }
}

function sameLowerCase(b: Uint8Array, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    let c = b[start + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Trimming as String.prototype.trim does on the decoded text: the bytes that decode to
 * JavaScript white space are 0x09-0x0d, 0x20 and 0xa0.
 */
export function isSpaceByte(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

function trimmedEnd(b: Uint8Array, from: number, to: number): number {
  while (to > from && isSpaceByte(b[to - 1]!)) to--;
  return to;
}

function trimmedStart(b: Uint8Array, from: number, to: number): number {
  while (from < to && isSpaceByte(b[from]!)) from++;
  return from;
}
