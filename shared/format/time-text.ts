/** Times as Wireshark prints them, from nanoseconds (bigint, so no precision is lost). */
import { civilTime } from './civil-time.js';

const NS = 1_000_000_000n;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `0.000012000`: seconds with nine decimals. */
export function formatRelativeTime(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  return (neg ? '-' : '') + (a / NS).toString() + '.' + (a % NS).toString().padStart(9, '0');
}

/**
 * `epoch`: `1795524301.783204000`; `local`: `Nov 24, 2026 12:45:01.783204000 UTC`,
 * in the process's time zone as tshark does (the zone's short name from Intl).
 */
export function formatAbsoluteTime(ns: bigint, style: 'epoch' | 'local' | 'utc'): string {
  if (style === 'epoch') return formatRelativeTime(ns);
  let sec = ns / NS;
  let frac = ns % NS;
  if (frac < 0n) { frac += NS; sec -= 1n; }
  const t = civilTime(Number(sec), style === 'utc');
  const fracText = frac.toString().padStart(9, '0');
  return `${MONTHS[t.month - 1]} ${String(t.day).padStart(2, ' ')}, ${t.year} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}.${fracText} ${t.zone}`;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}
