/**
 * The Info column of every packet, packed: a million strings would cost over a
 * hundred bytes a packet, most of it V8's string headers and text that repeats
 * with different numbers (`33007 → 80 [ACK] Seq=246 Ack=180 Win=64256 Len=0`).
 *
 * Each text is split into a shape (its text with the numbers taken out: decimal
 * numbers written without leading zeros, and hex digits after `0x`) and those
 * numbers. Shapes are interned (a capture has few); a packet's entry in one
 * byte buffer is its shape's id and its numbers as variable-length integers,
 * usually 10 to 20 bytes. Decoding writes the numbers back the way they were
 * written, so every text comes back exactly. A text is stored as its characters
 * instead when its shape is seen for the first time (a shape is made on its
 * second sighting: texts with digits inside random words, such as DNS answers
 * with IPv6 addresses, would each make a shape of many little strings, costing
 * far more than the text), or when the shape table is full.
 *
 * The caller may give two hints with a text, numbers likely to be among its
 * own (the packet's ports, which TCP and UDP texts start with), and the same two
 * to read it back: a number equal to a hint is stored as the hint's place, one
 * byte instead of up to three.
 *
 * Entries are found from the position of every BLOCK-th one, skipping the few in
 * between (their shapes say how many numbers they hold). The bytes are in chunks
 * that are never copied or doubled; an entry never straddles two.
 */

const BLOCK = 16;
/** Small enough that the chunk being filled wastes little, large enough for any entry (see MAX_INFO_CHARS). */
const CHUNK = 1 << 16;
/** Characters in a text at most (any entry then fits a chunk); the store's texts are cut to 4095 bytes long before. */
export const MAX_INFO_CHARS = (CHUNK - 32) / 2;
/** Shapes kept at most: a capture of texts that share no shape (random URIs) stores them as characters. */
const MAX_SHAPES = 1 << 15;
/** Slots of the table of shape hashes seen once (a newer hash in a slot replaces an older: it only delays a shape). */
const SEEN_SLOTS = 1 << 14;
/** Digits of a number taken out at most: below 2^53, so exact as a double. */
const MAX_DECIMAL_DIGITS = 15;
const MAX_HEX_DIGITS = 13;

// The first variable-length integer of an entry: a literal text, or a shape's id + SHAPED.
const LATIN1 = 0;
const UTF16 = 1;
const SHAPED = 2;

/** A number written in decimal; a hex number's kind is its digit count (1..MAX_HEX_DIGITS). */
export const DECIMAL = 0;

/** A stored number: 0 and 1 are the hints, any other is the number + HINTS. */
const HINTS = 2;

export interface Shape {
  /** The text around the numbers: one more than there are numbers. */
  readonly texts: readonly string[];
  /** DECIMAL, or the digit count of a hex number. */
  readonly kinds: readonly number[];
}

/**
 * A text split into literal text and numbers (scratch, reused for every text): the k-th number
 * is `values[k]`, written at text[starts[k], ends[k]) as `kinds[k]`; `hash` covers the literal
 * text and the kinds, so texts of one shape hash alike, without building the shape as a string.
 */
class Split {
  count = 0;
  hash = 0;
  values = new Float64Array(64);
  kinds = new Uint8Array(64);
  starts = new Int32Array(64);
  ends = new Int32Array(64);

  add(value: number, kind: number, start: number, end: number): void {
    if (this.count === this.values.length) this.grow();
    const k = this.count++;
    this.values[k] = value;
    this.kinds[k] = kind;
    this.starts[k] = start;
    this.ends[k] = end;
  }

  private grow(): void {
    const n = this.count * 2;
    const values = new Float64Array(n);
    values.set(this.values);
    this.values = values;
    const kinds = new Uint8Array(n);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const starts = new Int32Array(n);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Int32Array(n);
    ends.set(this.ends);
    this.ends = ends;
  }
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const hexValue = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);
const mix = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);
/** Mixed into the hash where a number was (past any UTF-16 code unit). */
const NUMBER_MARK = 0x10000;

/** Split `text` into `out`. */
function split(text: string, out: Split): void {
  out.count = 0;
  let h = 0x811c9dc5;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x30 && i + 2 < n && text.charCodeAt(i + 1) === 0x78 && hexValue(text.charCodeAt(i + 2)) >= 0) {
      // 0x then hex digits: the digits, with their count (so leading zeros come back).
      const start = i + 2;
      let end = start;
      let value = 0;
      for (let d = 0; end < n && (d = hexValue(text.charCodeAt(end))) >= 0; end++) value = value * 16 + d;
      h = mix(mix(h, 0x30), 0x78);
      if (end - start <= MAX_HEX_DIGITS) {
        out.add(value, end - start, start, end);
        h = mix(h, NUMBER_MARK + end - start);
      } else {
        for (let k = start; k < end; k++) h = mix(h, text.charCodeAt(k));
      }
      i = end;
    } else if (isDigit(c)) {
      let end = i;
      let value = 0;
      for (; end < n && isDigit(text.charCodeAt(end)); end++) value = value * 10 + text.charCodeAt(end) - 0x30;
      // Only digits that String(number) writes back as they are: no leading zero, not too many.
      if ((c !== 0x30 || end === i + 1) && end - i <= MAX_DECIMAL_DIGITS) {
        out.add(value, DECIMAL, i, end);
        h = mix(h, NUMBER_MARK + DECIMAL);
      } else {
        for (let k = i; k < end; k++) h = mix(h, text.charCodeAt(k));
      }
      i = end;
    } else {
      h = mix(h, c);
      i++;
    }
  }
  out.hash = h >>> 0;
}

/** Whether `shape` is the shape of the text `out` was split from. */
function hasShape(shape: Shape, text: string, out: Split): boolean {
  const kinds = shape.kinds;
  if (kinds.length !== out.count) return false;
  let from = 0;
  for (let k = 0; k < kinds.length; k++) {
    const piece = shape.texts[k]!;
    if (kinds[k] !== out.kinds[k] || piece.length !== out.starts[k]! - from || !text.startsWith(piece, from)) return false;
    from = out.ends[k]!;
  }
  const last = shape.texts[kinds.length]!;
  return last.length === text.length - from && text.startsWith(last, from);
}

/** The shape of the text `out` was split from, as a new Shape. */
function shapeOf(text: string, out: Split): Shape {
  const texts: string[] = [];
  const kinds: number[] = [];
  let from = 0;
  for (let k = 0; k < out.count; k++) {
    texts.push(text.slice(from, out.starts[k]));
    kinds.push(out.kinds[k]!);
    from = out.ends[k]!;
  }
  texts.push(text.slice(from));
  return { texts, kinds };
}

/** Shape ids by hash: open addressing over a typed array. */
class ShapeTable {
  readonly shapes: Shape[] = [];
  private hashes: number[] = [];
  private slots = new Int32Array(1024).fill(-1);
  /** Hashes of shapes seen once and not made yet, one per slot. */
  private readonly seenOnce = new Uint32Array(SEEN_SLOTS);

  /**
   * The id of the text's shape, adding it when seen before and there is room; -1 when the
   * shape is new (the text is then stored as characters) or the table is full.
   */
  idOf(text: string, s: Split): number {
    const mask = this.slots.length - 1;
    let slot = s.hash & mask;
    for (let id = this.slots[slot]!; id >= 0; id = this.slots[slot]!) {
      if (this.hashes[id] === s.hash && hasShape(this.shapes[id]!, text, s)) return id;
      slot = (slot + 1) & mask;
    }
    if (this.shapes.length >= MAX_SHAPES) return -1;
    const seen = s.hash & (SEEN_SLOTS - 1);
    if (this.seenOnce[seen] !== s.hash) {
      this.seenOnce[seen] = s.hash;
      return -1;
    }
    const id = this.shapes.push(shapeOf(text, s)) - 1;
    this.hashes.push(s.hash);
    this.slots[slot] = id;
    if (this.shapes.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.shapes.length; id++) {
      let slot = this.hashes[id]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }
}

const splitScratch = new Split();

/** A text's shape and numbers, made the way push makes them (for texts stored as characters). */
export function splitText(text: string): { shape: Shape; values: Float64Array } {
  const s = splitScratch;
  split(text, s);
  return { shape: shapeOf(text, s), values: s.values.slice(0, s.count) };
}

function formatNumber(value: number, kind: number): string {
  return kind === DECIMAL ? String(value) : value.toString(16).padStart(kind, '0');
}

export class InfoTexts {
  /** Full chunks, then the one being written (`bytes`, up to `used`). */
  private readonly chunks: Uint8Array[] = [];
  /** Bytes used in each chunk. */
  private readonly chunkUsed: number[] = [];
  private bytes = new Uint8Array(CHUNK);
  private used = 0;
  /** Position (chunk * CHUNK + byte) of entry k * BLOCK. */
  private blockStarts = new Float64Array(1024);
  private n = 0;
  private readonly table = new ShapeTable();
  private readonly shapes = this.table.shapes;
  private readonly scratch = new Split();
  /** Read position while decoding: a chunk and a byte in it. */
  private readChunk: Uint8Array = this.bytes;
  private readChunkIndex = 0;
  private at = 0;
  /** The entry that starts at the read position, if any (-1): texts read in order are not looked for again. */
  private nextEntry = -1;

  get count(): number {
    return this.n;
  }

  /** Append the next packet's text; `hint0` and `hint1`: see the top of the file (-1: none). */
  push(text: string, hint0 = -1, hint1 = -1): void {
    if (text.length > MAX_INFO_CHARS) throw new RangeError(`an Info text of ${text.length} characters (at most ${MAX_INFO_CHARS})`);
    const s = this.scratch;
    split(text, s);
    // Room for the longest entry this text can make (a literal: 2 bytes a character), in this chunk or a new one.
    this.reserve(Math.max(10 + 8 * s.count, 20 + 2 * text.length));
    if (this.n % BLOCK === 0) {
      const block = this.n / BLOCK;
      if (block === this.blockStarts.length) {
        const grown = new Float64Array(block * 2);
        grown.set(this.blockStarts);
        this.blockStarts = grown;
      }
      this.blockStarts[block] = this.chunks.length * CHUNK + this.used;
    }
    this.n++;
    const id = this.table.idOf(text, s);
    if (id < 0) {
      this.pushLiteral(text);
      return;
    }
    this.writeVarint(id + SHAPED);
    for (let k = 0; k < s.count; k++) {
      const v = s.values[k]!;
      this.writeVarint(v === hint0 ? 0 : v === hint1 ? 1 : v + HINTS);
    }
  }

  /** Packet i's text, given the hints it was pushed with. */
  get(i: number, hint0 = -1, hint1 = -1): string {
    this.moveTo(i);
    const tag = this.readVarint();
    if (tag < SHAPED) {
      const length = this.readVarint();
      const bytes = this.readChunk;
      const pos = this.at;
      this.at += tag === LATIN1 ? length : length * 2;
      this.crossChunkEnd();
      return tag === LATIN1 ? latin1Text(bytes, pos, length) : utf16Text(bytes, pos, length);
    }
    const shape = this.shapes[tag - SHAPED]!;
    let text = shape.texts[0]!;
    for (let k = 0; k < shape.kinds.length; k++) {
      const stored = this.readVarint();
      const value = stored === 0 ? hint0 : stored === 1 ? hint1 : stored - HINTS;
      text += formatNumber(value, shape.kinds[k]!) + shape.texts[k + 1]!;
    }
    this.crossChunkEnd();
    return text;
  }

  /** Where entry i is (chunk * CHUNK + byte), for readNumbers: a sort reads each entry several times. */
  locate(i: number): number {
    this.moveTo(i);
    const position = this.readChunkIndex * CHUNK + this.at;
    this.skipEntry();
    return position;
  }

  /** Shape `id` (readNumbers gives a packet's). */
  shape(id: number): Shape {
    return this.shapes[id]!;
  }

  /**
   * The entry at `position` (from locate), read with its hints: its shape id, its first
   * `count` numbers put in `values`; -1 when it is stored as characters.
   */
  readNumbers(position: number, hint0: number, hint1: number, values: Float64Array, count: number): number {
    this.seek(Math.floor(position / CHUNK), position % CHUNK);
    this.nextEntry = -1;
    const tag = this.readVarint();
    if (tag < SHAPED) return -1;
    for (let k = 0; k < count; k++) {
      const stored = this.readVarint();
      values[k] = stored === 0 ? hint0 : stored === 1 ? hint1 : stored - HINTS;
    }
    return tag - SHAPED;
  }

  /** Put the read position at entry i's start. */
  private moveTo(i: number): void {
    if (!(i >= 0 && i < this.n)) throw new RangeError(`no Info text ${i} (${this.n} stored)`);
    if (i === this.nextEntry) {
      // Written since the last read, the entry may have gone into a new chunk.
      this.crossChunkEnd();
    } else {
      const start = this.blockStarts[Math.floor(i / BLOCK)]!;
      this.seek(Math.floor(start / CHUNK), start % CHUNK);
      for (let skip = i % BLOCK; skip > 0; skip--) this.skipEntry();
    }
    this.nextEntry = i + 1;
  }

  /** Move the read position past one entry (to the next chunk after a chunk's last). */
  private skipEntry(): void {
    const tag = this.readVarint();
    if (tag < SHAPED) {
      const length = this.readVarint();
      this.at += tag === LATIN1 ? length : length * 2;
    } else {
      const bytes = this.readChunk;
      let pos = this.at;
      for (let k = this.shapes[tag - SHAPED]!.kinds.length; k > 0; k--) {
        while (bytes[pos++]! & 0x80);
      }
      this.at = pos;
    }
    this.crossChunkEnd();
  }

  /** At the end of a full chunk, move to the next (an entry never straddles two). */
  private crossChunkEnd(): void {
    const c = this.readChunkIndex;
    if (c < this.chunks.length && this.at === this.chunkUsed[c]) this.seek(c + 1, 0);
  }

  private seek(chunk: number, at: number): void {
    this.readChunkIndex = chunk;
    this.readChunk = chunk < this.chunks.length ? this.chunks[chunk]! : this.bytes;
    this.at = at;
  }

  private pushLiteral(text: string): void {
    let wide = false;
    for (let k = 0; k < text.length && !wide; k++) wide = text.charCodeAt(k) > 0xff;
    this.writeVarint(wide ? UTF16 : LATIN1);
    this.writeVarint(text.length);
    const bytes = this.bytes;
    let pos = this.used;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (wide) bytes[pos++] = c >>> 8;
      bytes[pos++] = c & 0xff;
    }
    this.used = pos;
  }

  /** 7 bits a byte, low bits first; values up to 2^53 (hence division, not shifts). */
  private writeVarint(value: number): void {
    const bytes = this.bytes;
    let pos = this.used;
    let v = value;
    while (v >= 0x80) {
      bytes[pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    bytes[pos++] = v;
    this.used = pos;
  }

  /** The integer at the read position, which moves past it. */
  private readVarint(): number {
    const bytes = this.readChunk;
    let pos = this.at;
    let value = 0;
    let scale = 1;
    let b = 0;
    do {
      b = bytes[pos++]!;
      value += (b & 0x7f) * scale;
      scale *= 0x80;
    } while (b & 0x80);
    this.at = pos;
    return value;
  }

  /** Start a new chunk unless `extra` bytes fit in this one. */
  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    this.chunks.push(this.bytes);
    this.chunkUsed.push(this.used);
    this.bytes = new Uint8Array(CHUNK);
    this.used = 0;
  }
}

function latin1Text(bytes: Uint8Array, pos: number, length: number): string {
  let text = '';
  for (let k = 0; k < length; k++) text += String.fromCharCode(bytes[pos + k]!);
  return text;
}

function utf16Text(bytes: Uint8Array, pos: number, length: number): string {
  let text = '';
  for (let k = 0; k < length; k++) text += String.fromCharCode((bytes[pos + 2 * k]! << 8) | bytes[pos + 2 * k + 1]!);
  return text;
}
