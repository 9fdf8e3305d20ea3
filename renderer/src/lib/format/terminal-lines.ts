/**
 * Which packet a terminal row belongs to. Paquet writes logical lines (one per
 * tcpdump line) and remembers each one's packet; xterm wraps long lines over
 * several rows and drops the oldest rows past its scrollback. A row that does
 * not continue a wrapped line starts a logical line, so the rows still held
 * start at logical line (lines written − line starts held), and a row's
 * logical line is that plus its rank among line starts.
 */

/** Marks a written line that belongs to no packet (a note). */
export const NO_PACKET = -1;

export interface LineMap {
  /** Packet number of each logical line written, oldest first, after `dropped` forgotten ones. */
  readonly nums: readonly number[];
  readonly dropped: number;
  /** Logical lines the terminal has processed (writes are asynchronous). */
  readonly processed: number;
}

/**
 * The packet of each of the first `rows` buffer rows; `isWrapped(r)` says row r
 * continues the line above (xterm's IBufferLine.isWrapped). Row 0 always counts
 * as a start: if its line began above the scrollback, that line is still the one shown.
 */
export function rowPackets(rows: number, isWrapped: (row: number) => boolean, map: LineMap): Int32Array {
  let starts = 0;
  for (let r = 0; r < rows; r++) if (r === 0 || !isWrapped(r)) starts++;
  const out = new Int32Array(rows).fill(NO_PACKET);
  let logical = map.processed - starts - 1;
  for (let r = 0; r < rows; r++) {
    if (r === 0 || !isWrapped(r)) logical++;
    out[r] = map.nums[logical - map.dropped] ?? NO_PACKET;
  }
  return out;
}

/** The contiguous rows around `row` that belong to the same packet (to select them as feedback). */
export function packetRowSpan(packets: Int32Array, row: number): [number, number] | null {
  const num = packets[row];
  if (num === undefined || num === NO_PACKET) return null;
  let start = row;
  let end = row;
  while (start > 0 && packets[start - 1] === num) start--;
  while (end + 1 < packets.length && packets[end + 1] === num) end++;
  return [start, end];
}
