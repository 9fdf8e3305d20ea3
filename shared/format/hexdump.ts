/**
 * The hex and ASCII dump of `tshark -x`: 16 bytes a line, the offset in as
 * many hex digits as the buffer's last offset needs (at least 4), the ASCII
 * column aligned even on a short last line. A packet with several data
 * sources (reassembled or unmasked buffers) gets a `Name (N bytes):` header
 * before each source's dump; a packet with only its frame gets none.
 */
import type { DataSource } from '../dissect/packet.js';

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const BYTES_PER_LINE = 16;
/** Width of a full line's hex part: 16 two-digit bytes and the 15 spaces between them. */
const HEX_WIDTH = BYTES_PER_LINE * 3 - 1;

export interface HexDumpOptions {
  /** Surround the ASCII column with `|` (tshark --hexdump delimit). */
  readonly delimit?: boolean;
  /** Leave the ASCII column empty, keeping the padding before it (--hexdump noascii). */
  readonly noAscii?: boolean;
  /** Dump only the frame, never reassembled or decoded buffers (--hexdump frames). */
  readonly framesOnly?: boolean;
}

/** Dump lines of one buffer, offsets from 0. */
export function hexDumpLines(bytes: Uint8Array, options: HexDumpOptions = {}): string[] {
  const lines: string[] = [];
  const digits = offsetDigits(bytes.length);
  for (let start = 0; start < bytes.length; start += BYTES_PER_LINE) {
    const end = Math.min(start + BYTES_PER_LINE, bytes.length);
    let hex = '';
    let ascii = '';
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      hex += (i > start ? ' ' : '') + HEX2[b];
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    if (options.noAscii) ascii = '';
    else if (options.delimit) ascii = '|' + ascii + '|';
    lines.push(start.toString(16).padStart(digits, '0') + '  ' + hex.padEnd(HEX_WIDTH, ' ') + '   ' + ascii);
  }
  return lines;
}

/**
 * Every data source of a packet: the frame alone without a header, or each
 * source under its `Name (N bytes):` header when there are several.
 */
export function packetHexDump(sources: readonly DataSource[], options: HexDumpOptions = {}): string[] {
  if (sources.length === 1 || options.framesOnly) return hexDumpLines(sources[0]!.tvb.bytes, options);
  const lines: string[] = [];
  for (const source of sources) {
    const bytes = source.tvb.bytes;
    lines.push(`${source.name} (${bytes.length} byte${bytes.length === 1 ? '' : 's'}):`);
    for (const line of hexDumpLines(bytes, options)) lines.push(line);
  }
  return lines;
}

/** Wireshark widens the offset column only when the last offset needs more than four hex digits. */
function offsetDigits(length: number): number {
  const last = Math.max(0, length - 1);
  let digits = 4;
  while (digits < 8 && last >= 16 ** digits) digits++;
  return digits;
}
