/**
 * Times and durations in nanoseconds without a BigInt per packet: a plain number while
 * the value is exact (|v| < 2^53, about 104 days), a bigint beyond. `<` and `>` compare
 * a number with a bigint exactly, so thresholds work on either; subtraction goes
 * through nsSub, which falls back to BigInt only when a number result would be inexact.
 */
export type Ns = number | bigint;

/** Nanoseconds from `epochSec` to (sec, nsec): the per-capture base keeps the number small. */
export function nsSince(epochSec: number, sec: number, nsec: number): Ns {
  const d = sec - epochSec;
  const v = d * 1e9 + nsec;
  // Both parts are integers: the number is exact while |d| * 10^9 and the sum stay below 2^53.
  if (Math.abs(d) < 9_000_000 && Number.isSafeInteger(v)) return v;
  return BigInt(d) * 1_000_000_000n + BigInt(nsec);
}

/** a − b, exactly. */
export function nsSub(a: Ns, b: Ns): Ns {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return BigInt(a) - BigInt(b);
}

/** The value as a bigint (what relative_time fields hold). */
export function bigNs(v: Ns): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}
