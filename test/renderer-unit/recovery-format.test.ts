import { describe, expect, it } from 'vitest';
import { describeRecoverable, formatFileSize, formatStartTime, recoveryHeadline } from '../../renderer/src/lib/format/recovery.js';

describe('the recovery dialog lines', () => {
  it('sizes: exact bytes below 1 KiB, one decimal below 10, whole numbers above', () => {
    expect(formatFileSize(0)).toBe('0 bytes');
    expect(formatFileSize(1)).toBe('1 byte');
    expect(formatFileSize(1023)).toBe('1023 bytes');
    expect(formatFileSize(1536)).toBe('1.5 KiB');
    expect(formatFileSize(200 * 1024)).toBe('200 KiB');
    expect(formatFileSize(3.25 * 1024 ** 3)).toBe('3.3 GiB');
    expect(formatFileSize(-1)).toBe('unknown size');
    expect(formatFileSize(Number.NaN)).toBe('unknown size');
  });

  it('start time in the given offset from UTC', () => {
    const ms = Date.UTC(2026, 10, 24, 12, 45, 3);
    expect(formatStartTime(ms, 0)).toBe('2026-11-24 12:45');
    expect(formatStartTime(ms, 60)).toBe('2026-11-24 13:45');
    expect(formatStartTime(ms, -13 * 60)).toBe('2026-11-23 23:45');
    expect(formatStartTime(Number.NaN, 0)).toBe('an unknown time');
  });

  it('names the interface, or says it is unknown', () => {
    const base = { path: '/state/captures/1/capture.pcapng', startedMs: Date.UTC(2026, 10, 24, 9, 5), bytes: 2048 };
    expect(describeRecoverable({ ...base, interface: 'eth0' }, 0)).toEqual({ title: 'Capture on eth0', detail: 'started 2026-11-24 09:05 · 2.0 KiB' });
    expect(describeRecoverable({ ...base, interface: null }, 0).title).toBe('Capture (interface unknown)');
  });

  it('counts the captures in the headline', () => {
    expect(recoveryHeadline(1)).toBe('Paquet found an unsaved capture from an earlier session.');
    expect(recoveryHeadline(3)).toBe('Paquet found 3 unsaved captures from an earlier session.');
  });
});
