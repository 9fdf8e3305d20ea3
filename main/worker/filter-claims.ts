/**
 * How the decoding worker and its filter helper (filter-helper.ts) share the
 * packets a display filter must dissect, without either waiting on the other:
 * the helper dissects the file again from its first frame, so it takes
 * candidates from the front; the worker can revisit any frame, so it takes them
 * from the back; they stop where they meet. Both threads see the same cells (an
 * Int32Array over a SharedArrayBuffer); a claim is made under a tiny spin lock
 * (three cells read and written), so no candidate is taken twice or left over.
 */

const FRONT = 0;
const BACK = 1;
const LOCK = 2;
/** Candidates the helper has answered, counted from the first (it answers them in order). */
const DONE = 3;
/** Set by the worker: the helper stops at its next packet (a newer filter, a closed file). */
const STOP = 4;
const CELLS = 5;

/** A range of candidates [from, to), by their position in the candidate list. */
export interface Claim {
  readonly from: number;
  readonly to: number;
}

export class SharedClaims {
  /** Candidates [0, count) are unclaimed; `cells` is what the other thread is given. */
  static create(count: number): SharedClaims {
    const cells = new Int32Array(new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT));
    cells[BACK] = count;
    return new SharedClaims(cells);
  }

  constructor(readonly cells: Int32Array) {
    if (cells.length !== CELLS) throw new Error(`claims need ${CELLS} cells, got ${cells.length}`);
  }

  /** Up to n candidates from the front (the helper's side); null once none is left or when stopped. */
  takeFront(n: number): Claim | null {
    return this.take(n, true);
  }

  /** Up to n candidates from the back (the worker's side); null once none is left. */
  takeBack(n: number): Claim | null {
    return this.take(n, false);
  }

  /** The helper answered candidates [0, n). */
  markDone(n: number): void {
    Atomics.store(this.cells, DONE, n);
  }

  get done(): number {
    return Atomics.load(this.cells, DONE);
  }

  /** Where the helper's claims end: candidates [0, front) are the helper's. */
  get front(): number {
    return Atomics.load(this.cells, FRONT);
  }

  stop(): void {
    Atomics.store(this.cells, STOP, 1);
  }

  get stopped(): boolean {
    return Atomics.load(this.cells, STOP) !== 0;
  }

  private take(n: number, front: boolean): Claim | null {
    if (front && this.stopped) return null;
    const cells = this.cells;
    // Held for a few instructions by the other thread at most: spinning beats sleeping.
    while (Atomics.compareExchange(cells, LOCK, 0, 1) !== 0);
    try {
      const lo = cells[FRONT]!;
      const hi = cells[BACK]!;
      const k = Math.min(Math.max(0, n), hi - lo);
      if (k <= 0) return null;
      if (front) {
        cells[FRONT] = lo + k;
        return { from: lo, to: lo + k };
      }
      cells[BACK] = hi - k;
      return { from: hi - k, to: hi };
    } finally {
      Atomics.store(cells, LOCK, 0);
    }
  }
}
