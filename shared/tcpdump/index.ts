/**
 * The tcpdump view: for each dissected packet, the text `tcpdump -nn -r FILE`
 * (4.99) prints for it, with tcpdump's -A/-X/-x/-e/-v/-t/-# options, plus
 * Paquet's WebSocket lines. Call formatTcpdump once per packet, in capture
 * order, with one state object per capture (TCP relative sequence numbers and
 * -ttt deltas depend on earlier packets).
 */
import type { Dissected } from '../dissect/engine.js';
import { asciiDump, hexAsciiDump, hexDump } from './dump.js';
import { printLink } from './link.js';
import type { TcpdumpOptions } from './options.js';
import { PacketText, Truncated } from './packet.js';
import { timestampText } from './time.js';
import { websocketLines } from './websocket.js';

export { createTcpdumpState, type TcpdumpOptions, type TcpdumpState, type TimestampStyle } from './options.js';
export { parseTcpdumpFlags, type ParsedTcpdumpFlags, type TcpdumpDisplayOptions } from './flags.js';

/**
 * tcpdump's ICMP printers abandon the whole packet when it is cut short, after
 * which tcpdump no longer knows where the link header ended: its dumps then
 * start at the frame's first byte. Its other printers return normally.
 */
const ABANDONING = new Set(['icmp', 'icmp6']);

/** Where the link layer ends when the printer cannot say (it failed before finding out). */
function fallbackLinkLength(linkType: number): number {
  switch (linkType) {
    case 1: return 14;
    case 113: return 16;
    case 276: return 20;
    case 0: case 109: return 4;
    default: return 0;
  }
}

/** The packet's lines: the summary (several lines with -v for some protocols), then any dump and WebSocket lines. */
export function formatTcpdump(d: Dissected, opts: TcpdumpOptions): string[] {
  const frame = d.ctx.frame;
  const prefix = (opts.number ? String(d.num).padStart(5) + '  ' : '') + timestampText(frame.tsSec, frame.tsNsec, opts);
  const p = new PacketText(d, opts);
  let linkLen = fallbackLinkLength(frame.linkType);
  try {
    linkLen = printLink(p, frame.linkType);
  } catch (err) {
    if (err instanceof Truncated) {
      p.put(' ' + err.message);
      if (ABANDONING.has(err.proto)) linkLen = 0;
    } else {
      // A bug here must not take the terminal pane or the CLI down with it: the packet says what went wrong.
      p.put(` [|paquet: ${err instanceof Error ? err.message : String(err)}]`);
    }
  }
  let text = prefix + p.out;
  const bytes = p.bytes;
  const dumpFrom = opts.withLinkHeader ? 0 : Math.min(linkLen, bytes.length);
  const dumped = bytes.subarray(dumpFrom);
  if (opts.hex) text += hexAsciiDump(dumped);
  else if (opts.hexOnly) text += hexDump(dumped);
  else if (opts.ascii) text += asciiDump(dumped);
  const lines = text.split('\n');
  if (opts.websocket) lines.push(...websocketLines(d));
  return lines;
}
