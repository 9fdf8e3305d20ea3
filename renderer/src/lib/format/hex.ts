/**
 * Hex dump layout shared by the hex pane, the Follow TCP hex mode and the
 * WebSocket view's binary messages: 16 bytes a row in two groups of 8, the
 * offset in 4 hex digits unless the buffer needs more (as Wireshark does).
 * Pure string work, no DOM, so it is unit-tested in Node.
 */
import { asciiChar } from './ascii.js';

export const BYTES_PER_ROW = 16;

const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Two lowercase hex digits. */
export function hexByte(b: number): string {
  return HEX2[b & 0xff]!;
}

/** Digits of the offset column: 4, widened only when the last offset needs more (at most 8). */
export function offsetDigits(length: number): number {
  const last = Math.max(0, length - 1);
  let digits = 4;
  while (digits < 8 && last >= 16 ** digits) digits++;
  return digits;
}

export function formatOffset(offset: number, digits: number): string {
  return offset.toString(16).padStart(digits, '0');
}

export function rowCount(length: number): number {
  return Math.ceil(length / BYTES_PER_ROW);
}

/** The whole string of a buffer as hex, no separators (Follow TCP "Raw"). */
export function hexString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX2[bytes[i]!];
  return s;
}

/**
 * One text line of a dump: offset, two groups of 8 hex bytes, ASCII. A short
 * last row is padded so its ASCII column lines up with the full rows.
 */
export function hexDumpLine(bytes: Uint8Array, start: number, digits: number, offsetBase = 0): string {
  const end = Math.min(start + BYTES_PER_ROW, bytes.length);
  let hex = '';
  let ascii = '';
  for (let i = start; i < start + BYTES_PER_ROW; i++) {
    if (i === start + 8) hex += ' ';
    if (i < end) {
      hex += HEX2[bytes[i]!] + ' ';
      ascii += asciiChar(bytes[i]!);
    } else {
      hex += '   ';
    }
  }
  return formatOffset(offsetBase + start, digits) + '  ' + hex + ' ' + ascii;
}

/** Every line of a dump of `bytes`; offsets start at `offsetBase` (Follow TCP counts per direction). */
export function hexDumpLines(bytes: Uint8Array, offsetBase = 0, digits = offsetDigits(offsetBase + bytes.length)): string[] {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += BYTES_PER_ROW) lines.push(hexDumpLine(bytes, start, digits, offsetBase));
  return lines;
}
