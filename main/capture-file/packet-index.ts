/**
 * Where each packet sits in the (uncompressed) capture file: 16 bytes per packet
 * in typed arrays, so millions of packets cost megabytes, not millions of objects.
 * Offsets are doubles: exact up to 2^53, so files past 2 and 4 GiB index fine.
 */
export class PacketIndex {
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private sections = new Uint32Array(1024);
  private n = 0;

  get count(): number { return this.n; }

  add(offset: number, length: number, section: number): void {
    if (this.n === this.offsets.length) this.grow();
    this.offsets[this.n] = offset;
    this.lengths[this.n] = length;
    this.sections[this.n] = section;
    this.n++;
  }

  offset(i: number): number { this.check(i); return this.offsets[i]!; }
  length(i: number): number { this.check(i); return this.lengths[i]!; }
  section(i: number): number { this.check(i); return this.sections[i]!; }

  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) throw new RangeError(`packet ${i} does not exist (the capture has ${this.n})`);
  }

  private grow(): void {
    const size = this.offsets.length * 2;
    const o = new Float64Array(size); o.set(this.offsets); this.offsets = o;
    const l = new Uint32Array(size); l.set(this.lengths); this.lengths = l;
    const s = new Uint32Array(size); s.set(this.sections); this.sections = s;
  }
}
