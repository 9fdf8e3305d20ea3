/**
 * Sorting packets by their Info texts without building the texts. A text is its
 * shape's pieces of literal text with numbers between them (info-texts.ts), so
 * two texts compare piece by piece and number by number: a most-significant-first
 * sort whose levels alternate between a piece and a number. At a piece level a
 * group's few distinct pieces are ordered once, as strings; at a number level each
 * number gets a key that orders its digits as text would (with the character after
 * it: `8 ` before `80` before `8:`). Members of a group are equal in every level
 * before, so each level only orders within groups, and equal keys keep their input
 * order (frame order), as a stable string sort does. The few texts the shapes
 * cannot order (a piece that is a prefix of another, continued by a number where
 * the other has a digit: `id=` then a number, and `id=007`) are decoded and compared.
 *
 * Memory: a handful of numbers per packet (positions, shape ids, keys), not the texts.
 */
import { DECIMAL, splitText, type InfoTexts, type Shape } from './info-texts.js';
import { sortByKeys, sortByStrings } from './radix-sort.js';

/** What the sort reads from the packet store. */
export interface InfoColumn {
  readonly info: InfoTexts;
  srcPort(i: number): number;
  dstPort(i: number): number;
  infoText(i: number): string;
}

/** What follows a piece: the end of the text, or a number written in decimal or hex. */
const END = 0;
const DECIMAL_NEXT = 1;
const HEX_NEXT = 2;

/** Below this many members a group is sorted by insertion. */
const SMALL_GROUP = 16;
/** Below this many members a group is sorted by comparisons, above by radix passes (which cost 256 KB of counts each). */
const RADIX_MIN = 4096;

const DIGIT_0 = 0x30;
const LETTER_A = 0x61;

/**
 * Sort `packets` (packet indexes in frame order) in place by their Info texts in
 * code-unit order, descending when asked, ties in frame order either way. Returns
 * how many texts had to be decoded and compared (the slow way: few, if any).
 */
export function sortByInfo(store: InfoColumn, packets: Uint32Array, descending: boolean): number {
  const sort = new InfoSort(store, packets, descending);
  sort.run();
  return sort.decoded;
}

/** The end of a range of texts: `prefix`, and when open every text that starts with it too. */
interface Bound {
  readonly prefix: string;
  readonly open: boolean;
}

/** A piece of a shape and what follows it: the texts that can follow range from `lowest` to `highest`. */
interface Unit {
  readonly piece: string;
  readonly next: number;
  readonly lowest: string;
  readonly highest: Bound;
}

class InfoSort {
  private readonly n: number;
  /** Per position in `packets`: where its entry is, and its shape id (texts stored as characters get their own, past the table's). */
  private readonly positions: Float64Array;
  private readonly shapeIds: Int32Array;
  private readonly shapes: Shape[] = [];
  private readonly tableShapes: number;
  /** Numbers of the texts stored as characters, by shape id - tableShapes. */
  private readonly literalValues: Float64Array[] = [];
  /** Positions in sort order. */
  private readonly order: Uint32Array;
  /** The current level's key of each position (the rank of its unit, or its number's key). */
  private readonly keyHi: Uint32Array;
  private readonly keyLo: Uint32Array;
  /** Numbers of the entry read last. */
  private values = new Float64Array(16);
  private readonly digits = new Uint8Array(16);
  /** By shape id: the group that last met it (orderPieces), its rank in that group. */
  private readonly seen: Uint32Array;
  private readonly rankOfShape: Uint32Array;
  private serial = 0;
  /** By rank in the group orderPieces ordered last: whether units that can interleave share it. */
  private readonly mixed: boolean[] = [];
  /** Texts decoded by compareTexts. */
  decoded = 0;
  /** By shape id, by piece: see unit(). */
  private readonly units: Unit[][] = [];

  constructor(private readonly store: InfoColumn, private readonly packets: Uint32Array, private readonly descending: boolean) {
    const n = (this.n = packets.length);
    const info = store.info;
    this.positions = new Float64Array(n);
    this.shapeIds = new Int32Array(n);
    this.order = new Uint32Array(n);
    this.keyHi = new Uint32Array(n);
    this.keyLo = new Uint32Array(n);
    for (let k = 0; k < n; k++) this.order[k] = k;
    // Entries located in frame order (reading on from the last one), shapes taken from the table.
    for (let k = 0; k < n; k++) this.positions[k] = info.locate(packets[k]!);
    let most = 0;
    for (let k = 0; k < n; k++) {
      const id = this.readNumbers(k, 0);
      this.shapeIds[k] = id;
      most = Math.max(most, id + 1);
    }
    for (let id = 0; id < most; id++) this.shapes.push(info.shape(id));
    this.tableShapes = most;
    // Texts stored as characters: split as push would have, each its own shape.
    for (let k = 0; k < n; k++) {
      if (this.shapeIds[k]! >= 0) continue;
      const { shape, values } = splitText(store.infoText(packets[k]!));
      this.shapeIds[k] = this.shapes.push(shape) - 1;
      this.literalValues.push(values);
    }
    this.seen = new Uint32Array(this.shapes.length);
    this.rankOfShape = new Uint32Array(this.shapes.length);
  }

  run(): void {
    if (this.n < 2) return;
    const stack: number[] = [0, this.n, 0];
    while (stack.length > 0) {
      const level = stack.pop()!;
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      const index = level >> 1;
      const pieces = level % 2 === 0;
      const id = pieces ? this.oneShape(lo, hi) : -1;
      if (id >= 0) {
        // Deep in the sort most groups hold one shape: one piece, the same for all; on to its number, if any.
        if (this.shapes[id]!.kinds.length > index) stack.push(lo, hi, level + 1);
        continue;
      }
      const group = this.order.subarray(lo, hi);
      if (pieces) {
        this.orderPieces(group, index);
      } else if (!this.orderNumbers(group, index)) {
        this.compareTexts(group);
        continue;
      }
      // Runs of one key are equal so far: on to the next level, unless their texts ended here.
      const { keyHi, keyLo } = this;
      for (let a = 0; a < group.length;) {
        const first = group[a]!;
        let b = a + 1;
        while (b < group.length && keyHi[group[b]!] === keyHi[first] && keyLo[group[b]!] === keyLo[first]) b++;
        const shape = this.shapeIds[first]!;
        if (b - a > 1) {
          if (pieces && this.mixed[this.rankOfShape[shape]!]) this.compareTexts(group.subarray(a, b));
          // Texts that ended here are equal.
          else if (!pieces || this.shapes[shape]!.kinds.length > index) stack.push(lo + a, lo + b, level + 1);
        }
        a = b;
      }
    }
    const input = this.packets.slice();
    for (let k = 0; k < this.n; k++) this.packets[k] = input[this.order[k]!]!;
  }

  /**
   * Order a group by its members' piece `p` and what follows it. Units whose texts can
   * interleave (a number against a digit: `id=` then a number, and `id=007`) share a rank,
   * marked in `mixed`: that run is compared as text.
   */
  private orderPieces(group: Uint32Array, p: number): void {
    const serial = ++this.serial;
    const distinct: number[] = [];
    for (const k of group) {
      const id = this.shapeIds[k]!;
      if (this.seen[id] !== serial) {
        this.seen[id] = serial;
        distinct.push(id);
      }
    }
    // By the lowest text each unit can start; then units whose ranges overlap share a rank (equal units, unmixed).
    distinct.sort((a, b) => compareStrings(this.unit(a, p).lowest, this.unit(b, p).lowest));
    let rank = -1;
    let reach: Bound = { prefix: '', open: false };
    let last: Unit | null = null;
    for (const id of distinct) {
      const u = this.unit(id, p);
      const same = last !== null && u.piece === last.piece && u.next === last.next;
      if (!same && last !== null && reaches(reach, u.lowest)) {
        this.mixed[rank] = true;
        reach = later(reach, u.highest);
      } else if (!same) {
        this.mixed[++rank] = false;
        reach = u.highest;
      }
      last = u;
      this.rankOfShape[id] = rank;
    }
    for (const k of group) {
      const r = this.rankOfShape[this.shapeIds[k]!]!;
      this.keyHi[k] = this.descending ? rank - r : r;
      this.keyLo[k] = 0;
    }
    this.sortGroup(group);
  }

  /** Piece p of a shape, what follows it and the range of texts that can follow (made once: a sort meets the same shapes in many groups). */
  private unit(id: number, p: number): Unit {
    const units = (this.units[id] ??= []);
    let unit = units[p];
    if (!unit) {
      const shape = this.shapes[id]!;
      const piece = shape.texts[p]!;
      const next = p === shape.kinds.length ? END : shape.kinds[p] === DECIMAL ? DECIMAL_NEXT : HEX_NEXT;
      const highest: Bound = next === END ? { prefix: piece, open: false } : { prefix: piece + (next === DECIMAL_NEXT ? '9' : 'f'), open: true };
      unit = units[p] = { piece, next, lowest: next === END ? piece : piece + '0', highest };
    }
    return unit;
  }

  /** The shape of every member of order[lo, hi), or -1 when they have several. */
  private oneShape(lo: number, hi: number): number {
    const { order, shapeIds } = this;
    const id = shapeIds[order[lo]!]!;
    for (let j = lo + 1; j < hi; j++) if (shapeIds[order[j]!] !== id) return -1;
    return id;
  }

  /** Order a group by its members' number `p` as text; false when some are decimal and some hex. */
  private orderNumbers(group: Uint32Array, p: number): boolean {
    let hex = -1;
    for (const k of group) {
      const shape = this.shapes[this.shapeIds[k]!]!;
      const kind = shape.kinds[p]!;
      if (hex !== -1 && hex !== Number(kind !== DECIMAL)) return false;
      hex = Number(kind !== DECIMAL);
      const after = shape.texts[p + 1]!;
      this.numberKey(k, this.numberOf(k, p), kind, after.length > 0 ? after.charCodeAt(0) : -1);
      if (this.descending) {
        this.keyHi[k] = 0xffffffff - this.keyHi[k]!;
        this.keyLo[k] = 0xffffffff - this.keyLo[k]!;
      }
    }
    this.sortGroup(group);
    return true;
  }

  /**
   * Position k's key for a number followed by the character `after` (-1: the text's end),
   * so that keys order as the texts do from the number on, up to that character:
   * one rank a digit from the most significant, then a filler that stands for `after`
   * among the digits (below them, between 9 and a, above them). Decimal: 15 places of
   * base 12; hex: 13 places of base 19; each split in two below 2^32.
   */
  private numberKey(k: number, value: number, kind: number, after: number): void {
    const digits = this.digits;
    let count = 0;
    let v = value;
    if (kind === DECIMAL) {
      do {
        // Integer division while the value fits 31 bits (most do), exact float division above.
        const q = v < 0x80000000 ? (v / 10) | 0 : Math.floor(v / 10);
        digits[count++] = v - q * 10;
        v = q;
      } while (v > 0);
    } else {
      for (; count < kind; count++) {
        digits[count] = v % 16;
        v = Math.floor(v / 16);
      }
    }
    const hex = kind !== DECIMAL;
    const base = hex ? 19 : 12;
    const places = hex ? 13 : 15;
    const split = hex ? 7 : 8;
    const filler = after < DIGIT_0 ? 0 : hex && after < LETTER_A ? 11 : base - 1;
    let hi = 0;
    let lo = 0;
    for (let j = 0; j < places; j++) {
      const d = j < count ? digits[count - 1 - j]! : -1;
      const r = d < 0 ? filler : d < 10 ? d + 1 : d + 2;
      if (j < split) hi = hi * base + r;
      else lo = lo * base + r;
    }
    this.keyHi[k] = hi;
    this.keyLo[k] = lo;
  }

  /** Number p of position k's text. */
  private numberOf(k: number, p: number): number {
    const id = this.shapeIds[k]!;
    if (id >= this.tableShapes) return this.literalValues[id - this.tableShapes]![p]!;
    if (p >= this.values.length) this.values = new Float64Array(2 * (p + 1));
    this.readNumbers(k, p + 1);
    return this.values[p]!;
  }

  /** Read position k's entry: its shape id (-1: stored as characters), its first `count` numbers into `values`. */
  private readNumbers(k: number, count: number): number {
    const i = this.packets[k]!;
    return this.store.info.readNumbers(this.positions[k]!, this.store.srcPort(i), this.store.dstPort(i), this.values, count);
  }

  /**
   * Stable sort of a group by (keyHi, keyLo). Its members are positions in frame order
   * (equal in every level before, a stable sort left them so): ties are broken by position.
   */
  private sortGroup(group: Uint32Array): void {
    const { keyHi, keyLo } = this;
    const before = (a: number, b: number): boolean => keyHi[a]! < keyHi[b]! || (keyHi[a] === keyHi[b] && (keyLo[a]! < keyLo[b]! || (keyLo[a] === keyLo[b] && a < b)));
    if (group.length < SMALL_GROUP) {
      for (let j = 1; j < group.length; j++) {
        const v = group[j]!;
        let k = j - 1;
        for (; k >= 0 && before(v, group[k]!); k--) group[k + 1] = group[k]!;
        group[k + 1] = v;
      }
    } else if (group.length < RADIX_MIN) {
      group.sort((a, b) => keyHi[a]! - keyHi[b]! || keyLo[a]! - keyLo[b]! || a - b);
    } else {
      sortByKeys(group, [keyHi, keyLo]);
    }
  }

  /** The slow way, for a group the shapes cannot order: its texts decoded and compared. */
  private compareTexts(group: Uint32Array): void {
    this.decoded += group.length;
    const texts = new Map<number, string>();
    for (const k of group) texts.set(k, this.store.infoText(this.packets[k]!));
    sortByStrings(group, (k) => texts.get(k)!, this.descending);
  }
}

/** Whether the texts up to `bound` include `text`. */
function reaches(bound: Bound, text: string): boolean {
  return text <= bound.prefix || (bound.open && text.startsWith(bound.prefix));
}

/** The later of two bounds. */
function later(a: Bound, b: Bound): Bound {
  if (a.prefix === b.prefix) return a.open ? a : b;
  if (b.prefix.startsWith(a.prefix)) return a.open ? a : b;
  if (a.prefix.startsWith(b.prefix)) return b.open ? b : a;
  return a.prefix < b.prefix ? b : a;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
