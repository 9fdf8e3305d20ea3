/**
 * What a dissection keeps per frame after its first pass, so that any frame can be
 * dissected again alone: the frame's timestamp, and the memos dissectors left.
 *
 * Kept compact because an app indexes millions of frames: timestamps in typed arrays
 * (8 bytes a frame), memos only for frames that have one, in parallel arrays. Protocols
 * that memoise on nearly every frame (TCP) keep their own typed-array columns instead
 * (proto/tcp-frames.ts), so a plain TCP segment costs no memo at all.
 */

const INITIAL = 1024;

/** A column of unsigned integers as narrow as the values stored so far. */
export type UintColumn = Uint8Array | Uint16Array | Uint32Array;

/**
 * `column` if `value` fits it and it has `length` slots, else a copy as wide as `value`
 * needs (8, 16 or 32 bits) and `length` long: a column widens once, the first time a
 * value does not fit, instead of every column being 32 bits for values that rarely are.
 */
export function fitUint(column: UintColumn, length: number, value: number): UintColumn {
  const max = column instanceof Uint8Array ? 0xff : column instanceof Uint16Array ? 0xffff : 0xffffffff;
  if (value <= max && column.length >= length) return column;
  const make = value > max ? (value <= 0xffff ? Uint16Array : Uint32Array) : (column.constructor as new (n: number) => UintColumn);
  const out = new make(Math.max(length, column.length));
  out.set(column);
  return out;
}

/**
 * Frame-number-keyed memos filled on the first pass, read on revisits.
 *
 * The first pass sets memos in frame order, so they are appended to parallel arrays
 * sorted by frame (frame number, key id, value): a memo whose value is a 32-bit integer
 * costs 10 bytes, any other value 8 more for its slot in `objects`; no map entry or
 * object per memo. A lookup is a binary search. A memo set out of order (on a revisit)
 * goes to a small map instead.
 */
export class FrameMemos {
  private frames = new Uint32Array(INITIAL);
  /** Key id, plus OBJECT when the value is in `objects` (then `values` holds its index there). */
  private keyIds = new Uint16Array(INITIAL);
  private values = new Int32Array(INITIAL);
  private readonly objects: unknown[] = [];
  private n = 0;
  /** Key text by id, and id by text: keys repeat across frames (`http:0:0:54`), each is kept once. */
  private readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Memos set out of frame order, or past 32,768 distinct keys: `frame key` → value. */
  private readonly late = new Map<string, unknown>();

  get(frame: number, key: string): unknown {
    const id = this.ids.get(key);
    if (id !== undefined) {
      const i = this.find(frame, id);
      if (i >= 0) return this.keyIds[i]! & OBJECT ? this.objects[this.values[i]!] : this.values[i];
    }
    return this.late.size > 0 ? this.late.get(frame + ' ' + key) : undefined;
  }

  set(frame: number, key: string, value: unknown): void {
    const id = this.idOf(key);
    const i = id === undefined ? -1 : this.find(frame, id);
    if (i >= 0) {
      this.store(i, id!, value);
    } else if (id !== undefined && (this.n === 0 || frame >= this.frames[this.n - 1]!) && (this.late.size === 0 || !this.late.has(frame + ' ' + key))) {
      if (this.n === this.frames.length) this.grow();
      this.frames[this.n] = frame;
      this.store(this.n, id, value);
      this.n++;
    } else {
      this.late.set(frame + ' ' + key, value);
    }
  }

  private store(i: number, id: number, value: unknown): void {
    if (typeof value === 'number' && (value | 0) === value && !Object.is(value, -0)) {
      this.keyIds[i] = id;
      this.values[i] = value;
    } else if (this.keyIds[i]! === (id | OBJECT) && i < this.n) {
      this.objects[this.values[i]!] = value;
    } else {
      this.keyIds[i] = id | OBJECT;
      this.values[i] = this.objects.push(value) - 1;
    }
  }

  /** Index of the memo (frame, key id), or -1. */
  private find(frame: number, id: number): number {
    const frames = this.frames;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (frames[mid]! < frame) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.n && frames[i] === frame; i++) if ((this.keyIds[i]! & ~OBJECT) === id) return i;
    return -1;
  }

  private grow(): void {
    const size = Math.ceil(this.n * 1.5);
    const f = new Uint32Array(size);
    f.set(this.frames);
    this.frames = f;
    const k = new Uint16Array(size);
    k.set(this.keyIds);
    this.keyIds = k;
    const v = new Int32Array(size);
    v.set(this.values);
    this.values = v;
  }

  private idOf(key: string): number | undefined {
    let id = this.ids.get(key);
    if (id === undefined && this.keys.length < OBJECT) {
      id = this.keys.push(key) - 1;
      this.ids.set(key, id);
    }
    return id;
  }
}

const OBJECT = 0x8000;

/**
 * Every frame's timestamp by frame number (1-based), 8 bytes a frame: seconds as an
 * Int32Array offset from the first frame's, nanoseconds in an Int32Array. The rare value
 * that does not fit (a capture spanning 68 years, hand-made input) is kept aside exactly.
 */
export class FrameTimes {
  private secs = new Int32Array(INITIAL);
  private nsecs = new Int32Array(INITIAL);
  private baseSec = 0;
  /** Exact (sec, nsec) of frames whose values do not fit the arrays. */
  private readonly odd = new Map<number, [sec: number, nsec: number]>();
  private n = 0;

  /** Frames recorded: 1..count. */
  get count(): number {
    return this.n;
  }

  /** Record the next frame's time (frame numbers come in order, from 1). */
  push(sec: number, nsec: number): void {
    const i = ++this.n;
    if (i >= this.secs.length) this.grow();
    if (i === 1) this.baseSec = sec;
    const off = sec - this.baseSec;
    if ((off | 0) === off && (nsec | 0) === nsec) {
      this.secs[i] = off;
      this.nsecs[i] = nsec;
    } else {
      this.odd.set(i, [sec, nsec]);
    }
  }

  sec(frame: number): number {
    return this.odd.size > 0 && this.odd.has(frame) ? this.odd.get(frame)![0] : this.baseSec + this.secs[frame]!;
  }

  nsec(frame: number): number {
    return this.odd.size > 0 && this.odd.has(frame) ? this.odd.get(frame)![1] : this.nsecs[frame]!;
  }

  /** Whole seconds from frame `from`'s time to frame `frame`'s (less one when the nanoseconds borrow). */
  secSince(frame: number, from: number): number {
    const d = this.sec(frame) - this.sec(from);
    return this.nsec(frame) < this.nsec(from) ? d - 1 : d;
  }

  /** The nanoseconds part of the same difference, 0..999,999,999. */
  nsecSince(frame: number, from: number): number {
    const a = this.nsec(frame);
    const b = this.nsec(from);
    return a < b ? a - b + 1_000_000_000 : a - b;
  }

  /** The frame's time as nanoseconds since the epoch, exactly. */
  ns(frame: number): bigint {
    return BigInt(this.sec(frame)) * 1_000_000_000n + BigInt(this.nsec(frame));
  }

  /** Nanoseconds from frame b to frame a, exactly. */
  between(a: number, b: number): bigint {
    return this.ns(a) - this.ns(b);
  }

  private grow(): void {
    const size = Math.ceil(this.secs.length * 1.5);
    const s = new Int32Array(size);
    s.set(this.secs);
    this.secs = s;
    const ns = new Int32Array(size);
    ns.set(this.nsecs);
    this.nsecs = ns;
  }
}
