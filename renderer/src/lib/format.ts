/** Small text formatters for the status bar and dialogs. */

const integer = new Intl.NumberFormat('en-US');

/** A count as Wireshark's status bar writes it: plain digits. */
export function formatCount(n: number): string {
  return String(n);
}

/** "12.3%" with one decimal, as Wireshark; never "100.0%" for a part that is less than the whole. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return '0.0%';
  if (part >= whole) return '100.0%';
  return `${Math.min(99.9, (part / whole) * 100).toFixed(1)}%`;
}

/** Elapsed capture time as mm:ss (h:mm:ss past an hour). */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/** A byte count as Wireshark's capture dialog shows snap lengths. */
export function formatBytes(n: number): string {
  return `${integer.format(n)} bytes`;
}
