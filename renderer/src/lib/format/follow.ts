/**
 * Follow TCP Stream as text: the segments of a TcpStream turned into coloured
 * chunks (one per segment, so a click can select its packet) in Wireshark's
 * three renderings. Very long streams are cut at a byte budget so the view
 * stays responsive; the caller says so to the user.
 */
import type { TcpStream } from '../../../../shared/ipc/contract.js';
import { streamAscii } from './ascii.js';
import { hexDumpLines, hexString } from './hex.js';

export type FollowMode = 'ascii' | 'hex' | 'raw';
export type FollowShow = 'both' | 'client' | 'server';

export interface FollowChunk {
  readonly dir: 0 | 1;
  readonly num: number;
  readonly text: string;
}

export interface FollowText {
  readonly chunks: FollowChunk[];
  /** Payload bytes rendered, and whether some were left out because of the budget. */
  readonly shownBytes: number;
  readonly truncated: boolean;
}

/** About 1 MB of payload: beyond that the DOM text grows too large to scroll smoothly. */
export const FOLLOW_BYTE_BUDGET = 1_000_000;

/** Server lines in the hex dump are indented, as Wireshark does, so the two sides read apart without colour. */
const SERVER_INDENT = '    ';

export function followText(stream: TcpStream, mode: FollowMode, show: FollowShow, budget = FOLLOW_BYTE_BUDGET): FollowText {
  const chunks: FollowChunk[] = [];
  // Hex dump offsets count each direction's bytes separately.
  const dirOffset = [0, 0];
  let shown = 0;
  let truncated = false;
  for (const seg of stream.segments) {
    if ((show === 'client' && seg.dir !== 0) || (show === 'server' && seg.dir !== 1)) continue;
    if (seg.bytes.length === 0) continue;
    let bytes = seg.bytes;
    if (shown + bytes.length > budget) {
      bytes = bytes.subarray(0, Math.max(0, budget - shown));
      truncated = true;
    }
    if (bytes.length > 0) {
      chunks.push({ dir: seg.dir, num: seg.num, text: render(bytes, mode, seg.dir, dirOffset[seg.dir]!) });
      dirOffset[seg.dir]! += bytes.length;
      shown += bytes.length;
    }
    if (truncated) break;
  }
  return { chunks, shownBytes: shown, truncated };
}

function render(bytes: Uint8Array, mode: FollowMode, dir: 0 | 1, offset: number): string {
  const indent = dir === 1 ? SERVER_INDENT : '';
  switch (mode) {
    case 'ascii':
      return streamAscii(bytes);
    case 'hex':
      return hexDumpLines(bytes, offset, 8).map((l) => indent + l + '\n').join('');
    case 'raw':
      return indent + hexString(bytes) + '\n';
  }
}

/** The header line: "client a:p → server b:p, N bytes / M bytes". */
export function followHeader(stream: TcpStream): string {
  const [client, server] = stream.endpoints;
  return `client ${client} → server ${server}, ${plural(stream.totals[0], 'byte')} / ${plural(stream.totals[1], 'byte')}`;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
