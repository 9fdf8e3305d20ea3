/** Times as Wireshark prints them, from nanoseconds (bigint, so no precision is lost). */

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
  const date = new Date(Number(sec) * 1000);
  const fracText = frac.toString().padStart(9, '0');
  if (style === 'utc') {
    return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')}, ${date.getUTCFullYear()} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${fracText} UTC`;
  }
  return `${MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')}, ${date.getFullYear()} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${fracText} ${zoneName(date)}`;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

// Building an Intl.DateTimeFormat costs far more than using one; -V prints a time per packet.
let zoneFormat: Intl.DateTimeFormat | undefined;
function zoneName(d: Date): string {
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  const part = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}
