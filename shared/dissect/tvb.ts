/**
 * A Tvb ("testy virtual buffer", after Wireshark) is a byte buffer a dissector
 * reads: the frame itself, or a buffer built by reassembly or decompression.
 * Offsets are absolute within the buffer so tree items can point at their bytes.
 * Reads are bounds-checked and throw BoundsError, which the dissector wrapper
 * turns into a "malformed" item on the layer that broke.
 */

export interface SourcePart {
  /** Frame number (1-based) the bytes came from. */
  readonly frame: number;
  /** Offset of those bytes in that frame's data. */
  readonly frameOffset: number;
  /** Offset in this buffer. */
  readonly offset: number;
  readonly length: number;
}

export interface Tvb {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Index of this buffer among the packet's data sources; 0 is the frame. */
  readonly source: number;
  /** Length the packet had on the wire for this buffer (>= bytes.length when the capture was cut short). */
  readonly reportedLength: number;
}

export class BoundsError extends Error {
  constructor(
    readonly offset: number,
    readonly wanted: number,
    readonly available: number,
    /** True when the data exists on the wire but the capture's snaplen cut it off. */
    readonly snapped: boolean,
  ) {
    super(snapped ? 'Packet size limited during capture' : `Malformed: needed ${wanted} bytes at ${offset}, have ${Math.max(0, available - offset)}`);
    this.name = 'BoundsError';
  }
}

/** A dissector found data that contradicts its protocol (a length that points nowhere, say). */
export class MalformedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedError';
  }
}

export function makeTvb(bytes: Uint8Array, source = 0, reportedLength = bytes.length): Tvb {
  return new TvbBuffer(bytes, source, reportedLength);
}

/** A Tvb whose DataView is made on first use: the integer reads below do without one. */
class TvbBuffer implements Tvb {
  private dataView: DataView | undefined;
  constructor(
    readonly bytes: Uint8Array,
    readonly source: number,
    readonly reportedLength: number,
  ) {}
  get view(): DataView {
    return (this.dataView ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }
}

/** Throws unless `length` bytes are available at `offset`. */
export function ensure(tvb: Tvb, offset: number, length: number): void {
  if (offset < 0 || length < 0 || offset + length > tvb.bytes.length) {
    throw new BoundsError(offset, length, tvb.bytes.length, offset + length <= tvb.reportedLength);
  }
}

export function u8(tvb: Tvb, off: number): number {
  if (off < 0 || off >= tvb.bytes.length) ensure(tvb, off, 1);
  return tvb.bytes[off]!;
}
export function u16(tvb: Tvb, off: number): number {
  ensure(tvb, off, 2);
  const b = tvb.bytes;
  return (b[off]! << 8) | b[off + 1]!;
}
export function u16le(tvb: Tvb, off: number): number {
  ensure(tvb, off, 2);
  const b = tvb.bytes;
  return b[off]! | (b[off + 1]! << 8);
}
export function u24(tvb: Tvb, off: number): number {
  ensure(tvb, off, 3);
  return (tvb.bytes[off]! << 16) | (tvb.bytes[off + 1]! << 8) | tvb.bytes[off + 2]!;
}
export function u32(tvb: Tvb, off: number): number {
  ensure(tvb, off, 4);
  const b = tvb.bytes;
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}
export function u32le(tvb: Tvb, off: number): number {
  ensure(tvb, off, 4);
  const b = tvb.bytes;
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}
export function u64(tvb: Tvb, off: number): bigint {
  ensure(tvb, off, 8);
  return tvb.view.getBigUint64(off);
}
/** A view (no copy) of `length` bytes at `offset`. */
export function slice(tvb: Tvb, off: number, length: number): Uint8Array {
  ensure(tvb, off, length);
  return tvb.bytes.subarray(off, off + length);
}
/** Bytes left in the buffer from `off` (captured, not reported). */
export function remaining(tvb: Tvb, off: number): number {
  return Math.max(0, tvb.bytes.length - off);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
/** Bytes as Wireshark's ENC_ASCII reads them: one char per byte, each byte past 0x7f as U+FFFD. */
export function ascii(tvb: Tvb, off: number, length: number): string {
  return asciiText(slice(tvb, off, length));
}

/**
 * The bytes as ENC_ASCII text. Nearly all are plain ASCII: a loop over the bytes tells so for less
 * than a regular expression's replace costs on a short string (that was ~5% of `paquet read`).
 */
function asciiText(bytes: Uint8Array): string {
  const text = latin1.decode(bytes);
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return text.replace(/[\x80-\xff]/g, '\ufffd');
  return text;
}

/**
 * ascii() for short texts that repeat from packet to packet (header values, status lines): each is
 * decoded once and found again by its bytes in a small table, which costs far less than decoding.
 * Not for texts that rarely repeat (a miss costs a copy of the bytes besides the decoding).
 */
export function asciiRepeated(tvb: Tvb, off: number, length: number): string {
  if (length > REPEATED_MAX) return ascii(tvb, off, length);
  ensure(tvb, off, length);
  const b = tvb.bytes;
  let h = length;
  for (let i = off; i < off + length; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
  const slot = h & (REPEATED_SLOTS - 1);
  const known = repeatedBytes[slot];
  if (known !== undefined && known.length === length && sameBytes(known, b, off)) return repeatedTexts[slot]!;
  const text = asciiText(b.subarray(off, off + length));
  repeatedBytes[slot] = b.slice(off, off + length);
  repeatedTexts[slot] = text;
  return text;
}

const REPEATED_MAX = 64;
const REPEATED_SLOTS = 256;
const repeatedBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(REPEATED_SLOTS).fill(undefined);
const repeatedTexts: string[] = new Array<string>(REPEATED_SLOTS).fill('');

function sameBytes(known: Uint8Array, b: Uint8Array, off: number): boolean {
  for (let i = 0; i < known.length; i++) if (known[i] !== b[off + i]) return false;
  return true;
}

export function utf8String(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
