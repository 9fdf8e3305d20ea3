/**
 * Where each packet sits in the (uncompressed) capture file: about 4 bytes per
 * packet in typed arrays, so millions of packets cost megabytes, not millions of
 * objects. A packet's offset is its block's (a double, exact up to 2^53, so files
 * past 2 and 4 GiB index fine) plus a distance from it; distances and record
 * lengths are 16 bits until one needs more (a block of Ethernet frames spans less
 * than 64 KiB); sections, which change rarely, are kept as runs.
 */
/** Packets per block: one offset of 8 bytes for each BLOCK packets. */
const BLOCK = 32;
/** A distance from the block's offset too large for the column (its largest value): the offset is in `far`. */
const FAR16 = 0xffff;
const FAR32 = 0xffffffff;

export class PacketIndex {
  private blockOffsets = new Float64Array(16);
  private distances: Uint16Array | Uint32Array = new Uint16Array(1024);
  private readonly far = new Map<number, number>();
  private lengths: Uint16Array | Uint32Array = new Uint16Array(1024);
  /** Runs of one section: the first packet of each run and its section. */
  private readonly runStarts: number[] = [];
  private readonly runSections: number[] = [];
  private n = 0;

  get count(): number { return this.n; }

  add(offset: number, length: number, section: number): void {
    const i = this.n;
    if (i === this.distances.length) this.grow();
    const block = Math.floor(i / BLOCK);
    if (i % BLOCK === 0) {
      if (block === this.blockOffsets.length) {
        const b = new Float64Array(block * 2); b.set(this.blockOffsets); this.blockOffsets = b;
      }
      this.blockOffsets[block] = offset;
    }
    const distance = offset - this.blockOffsets[block]!;
    if (distance >= FAR16 && distance < FAR32 && this.distances instanceof Uint16Array) {
      this.distances = Uint32Array.from(this.distances, (d) => (d === FAR16 ? FAR32 : d));
    }
    const far = this.farMark();
    if (distance >= 0 && distance < far) {
      this.distances[i] = distance;
    } else {
      this.distances[i] = far;
      this.far.set(i, offset);
    }
    if (length > 0xffff && this.lengths instanceof Uint16Array) this.lengths = Uint32Array.from(this.lengths);
    this.lengths[i] = length;
    if (this.runSections.length === 0 || this.runSections[this.runSections.length - 1] !== section) {
      this.runStarts.push(i);
      this.runSections.push(section);
    }
    this.n++;
  }

  offset(i: number): number {
    this.check(i);
    const d = this.distances[i]!;
    return d === this.farMark() ? this.far.get(i)! : this.blockOffsets[Math.floor(i / BLOCK)]! + d;
  }

  length(i: number): number { this.check(i); return this.lengths[i]!; }

  section(i: number): number {
    this.check(i);
    // The last run starting at or before i.
    let lo = 0, hi = this.runStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.runStarts[mid]! <= i) lo = mid; else hi = mid - 1;
    }
    return this.runSections[lo]!;
  }

  private farMark(): number {
    return this.distances instanceof Uint16Array ? FAR16 : FAR32;
  }

  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) throw new RangeError(`packet ${i} does not exist (the capture has ${this.n})`);
  }

  private grow(): void {
    const size = this.distances.length * 2;
    const d = this.distances instanceof Uint16Array ? new Uint16Array(size) : new Uint32Array(size);
    d.set(this.distances);
    this.distances = d;
    const l = this.lengths instanceof Uint16Array ? new Uint16Array(size) : new Uint32Array(size);
    l.set(this.lengths);
    this.lengths = l;
  }
}
