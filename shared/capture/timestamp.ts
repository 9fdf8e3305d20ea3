/**
 * Split a 64-bit count of time units into seconds and nanoseconds.
 * pcapng stores timestamps as (high, low) 32-bit halves in units of
 * if_tsresol; nanosecond counts overflow a double's 53-bit integer range,
 * so the exact BigInt path is taken whenever the fast one could round.
 */

export interface Resolution {
  /** Time units per second: 10^k or 2^k. */
  readonly unitsPerSec: number;
  /** Text for InterfaceInfo.tsResolution, e.g. "10^-6". */
  readonly text: string;
}

export const MICROSECONDS: Resolution = { unitsPerSec: 1e6, text: '10^-6' };
export const NANOSECONDS: Resolution = { unitsPerSec: 1e9, text: '10^-9' };

/** Decode the if_tsresol byte: high bit set means a power of 2, else of 10. */
export function resolutionFromByte(b: number): Resolution | undefined {
  const exp = b & 0x7f;
  if (b & 0x80) {
    if (exp > 63) return undefined;
    return { unitsPerSec: 2 ** exp, text: `2^-${exp}` };
  }
  if (exp > 19) return undefined; // 10^20 exceeds a 64-bit count's range
  return { unitsPerSec: 10 ** exp, text: `10^-${exp}` };
}

export function splitTimestamp(high: number, low: number, res: Resolution): { sec: number; nsec: number } {
  const units = res.unitsPerSec;
  const simpleFraction = units <= 1e9 && 1e9 % units === 0;
  if (high < 0x200000 && simpleFraction) {
    const ts = high * 0x100000000 + low;
    let sec = Math.floor(ts / units);
    let frac = ts - sec * units;
    if (frac < 0) { sec -= 1; frac += units; }
    else if (frac >= units) { sec += 1; frac -= units; }
    return { sec, nsec: frac * (1e9 / units) };
  }
  const ts = (BigInt(high) << 32n) | BigInt(low);
  const u = BigInt(units);
  const sec = ts / u;
  const frac = ts % u;
  return { sec: Number(sec), nsec: Number((frac * 1_000_000_000n) / u) };
}
