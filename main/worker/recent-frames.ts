/**
 * The captured bytes of the frames dissected last, by frame number: a revisit
 * that rebuilds a reassembled PDU (the engine keeps no reassembled bytes in the
 * worker) needs the bytes of the frames it was made of, which are nearly always
 * a few frames back and were just read. A direct-mapped table: a frame's slot is
 * its number modulo the size, so looking one up is two array reads, and a miss
 * (an older frame) is read from the file by the caller.
 */

/** Slots: covers a PDU spread over this many frames of interleaved traffic. */
const SIZE = 1024;

export class RecentFrames {
  private readonly nums = new Float64Array(SIZE).fill(-1);
  private readonly bytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SIZE).fill(undefined);

  /** Frame `num`'s bytes (a view: the file's read buffer is kept only as long as a slot holds it). */
  remember(num: number, data: Uint8Array): void {
    const slot = num % SIZE;
    this.nums[slot] = num;
    this.bytes[slot] = data;
  }

  get(num: number): Uint8Array | undefined {
    const slot = num % SIZE;
    return this.nums[slot] === num ? this.bytes[slot] : undefined;
  }
}
