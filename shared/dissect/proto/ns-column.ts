/**
 * A growable column of Ns values (times and durations), one double a row: NaN
 * is undefined, and a value past a double's exact range (rare: a capture
 * spanning months) is kept aside as a bigint, its row marked Infinity.
 */
import type { Ns } from '../ns.js';

export class NsColumn {
  values: Float64Array;
  private big: Map<number, bigint> | undefined;

  constructor(rows: number) {
    this.values = new Float64Array(rows).fill(NaN);
  }

  get(i: number): Ns | undefined {
    const v = this.values[i]!;
    if (v !== v) return undefined;
    return v === Infinity ? this.big!.get(i)! : v;
  }

  set(i: number, v: Ns | undefined): void {
    if (typeof v === 'bigint') {
      (this.big ??= new Map()).set(i, v);
      this.values[i] = Infinity;
    } else {
      this.values[i] = v === undefined ? NaN : v;
    }
  }

  /** Room for `rows` rows (more than now), the new ones undefined. */
  grow(rows: number): void {
    const values = new Float64Array(rows).fill(NaN);
    values.set(this.values);
    this.values = values;
  }
}
