/** The typed arrays SparseCodes can keep its codes in. */
type CodeArray = Int8Array | Int16Array;

/**
 * Small codes kept for the few packets whose code is not the usual one (the
 * HTTP request method of the packets holding a request, other than GET; the
 * status code of those holding a response, other than 200): their packet
 * indexes, ascending, and their codes, found by binary search. Five or six
 * bytes for each such packet, none for the others.
 */
export class SparseCodes {
  private packets = new Uint32Array(0);
  private codes: CodeArray;
  private count = 0;

  /** `codes`: Int8Array for codes of -128..127, Int16Array for larger ones. */
  constructor(private readonly Codes: new (length: number) => CodeArray = Int8Array) {
    this.codes = new Codes(0);
  }

  /** Packet i's code; packets are set in ascending order, each once (as the first pass stores them). */
  set(i: number, code: number): void {
    if (this.count > 0 && i <= this.packets[this.count - 1]!) throw new Error(`packet ${i} set out of order`);
    if (this.count === this.packets.length) {
      const cap = Math.max(256, this.count * 2);
      const packets = new Uint32Array(cap);
      packets.set(this.packets);
      const codes = new this.Codes(cap);
      codes.set(this.codes);
      this.packets = packets;
      this.codes = codes;
    }
    this.packets[this.count] = i;
    this.codes[this.count++] = code;
  }

  /** Packet i's code; `usual` when none was set. */
  get(i: number, usual: number): number {
    let lo = 0;
    let hi = this.count - 1;
    const packets = this.packets;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const p = packets[mid]!;
      if (p === i) return this.codes[mid]!;
      if (p < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return usual;
  }
}
