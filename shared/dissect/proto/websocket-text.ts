/**
 * `data-text-lines` (Line-based text data): a text payload shown line by line,
 * as Wireshark does for WebSocket text messages and text/* HTTP bodies.
 */
import { hfWs } from '../expert.js';
import type { PacketContext } from '../packet.js';
import { protocol } from '../registry.js';
import type { Tree } from '../tree.js';
import { slice, utf8String, type Tvb } from '../tvb.js';
import { escapeString } from '../../format/field-text.js';

export const textLinesProto = protocol('data-text-lines', 'Line-based text data', 'Line-based text data');

/** Show bytes [off, end) as lines; `mediaType` as HTTP gives it, if any. */
export function dissectTextLines(tvb: Tvb, off: number, end: number, ctx: PacketContext, tree: Tree, mediaType?: string): number {
  ctx.protocols.push(textLinesProto.name);
  if (!tree.enabled) return end - off;
  if (!tree.wants(hfWs.text)) {
    // A filter's pruned tree that names no text item reads only the protocol item.
    tree.add(textLinesProto.def, tvb, off, end - off, null);
    return end - off;
  }
  const b = tvb.bytes;
  const lines: [number, number][] = [];
  let p = off;
  while (p < end) {
    let e = p;
    while (e < end && b[e] !== 0x0a) e++;
    const next = e < end ? e + 1 : e;
    lines.push([p, next]);
    p = next;
  }
  const label = `${textLinesProto.label}${mediaType ? ': ' + mediaType : ''} (${lines.length} lines)`;
  const item = tree.add(textLinesProto.def, tvb, off, end - off, null, label);
  for (const [s, e] of lines) item.add(hfWs.text, tvb, s, e - s, null, escapeString(utf8String(slice(tvb, s, e - s))));
  return end - off;
}
