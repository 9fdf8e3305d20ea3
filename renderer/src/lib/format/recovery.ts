/**
 * How the recovery dialog names a capture left behind by an earlier run: its
 * interface, when it started (local time, as the user saw the clock then) and
 * its size on disk.
 */
import type { RecoverableCapture } from '../../../../shared/ipc/contract.js';

/** 1536 → "1.5 KiB"; bytes below 1 KiB stay exact. */
export function formatFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown size';
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "2026-11-24 12:45" in the given time zone offset (minutes east of UTC, default: this machine's). */
export function formatStartTime(ms: number, offsetMinutes = -new Date(ms).getTimezoneOffset()): string {
  if (!Number.isFinite(ms)) return 'an unknown time';
  const d = new Date(ms + offsetMinutes * 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The line the dialog shows for one capture. */
export function describeRecoverable(c: RecoverableCapture, offsetMinutes?: number): { title: string; detail: string } {
  return {
    title: c.interface ? `Capture on ${c.interface}` : 'Capture (interface unknown)',
    detail: `started ${formatStartTime(c.startedMs, offsetMinutes)} · ${formatFileSize(c.bytes)}`,
  };
}

/** "Paquet found 2 unsaved captures from an earlier session". */
export function recoveryHeadline(count: number): string {
  return count === 1
    ? 'Paquet found an unsaved capture from an earlier session.'
    : `Paquet found ${count} unsaved captures from an earlier session.`;
}
