/**
 * Paquet's addition to the tcpdump view: one line per WebSocket frame under
 * the packet that carries it, with the payload already unmasked by the
 * WebSocket dissector (so the text a browser sent is readable).
 */
import type { Dissected } from '../dissect/engine.js';
import type { TreeNode } from '../dissect/tree.js';
import { walk } from '../dissect/tree.js';
import { fieldIn } from './packet.js';

const OPCODES: Readonly<Record<number, string>> = {
  0: 'Continuation',
  1: 'Text',
  2: 'Binary',
  8: 'Connection Close',
  9: 'Ping',
  10: 'Pong',
};

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Longest binary payload shown in hex before it is cut with an ellipsis. */
const MAX_HEX_BYTES = 64;

function truthy(node: TreeNode | undefined): boolean {
  const v = node?.value;
  return v === true || (typeof v === 'number' && v !== 0);
}

/** A line must stay one line in a terminal: control characters are shown escaped. */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${HEX2[c.charCodeAt(0)]}`));
}

function bytesOf(d: Dissected, node: TreeNode): Uint8Array | null {
  if (node.value instanceof Uint8Array) return node.value;
  const src = d.sources[node.source];
  if (!src || node.length <= 0) return null;
  return src.tvb.bytes.subarray(node.offset, node.offset + node.length);
}

function hexPreview(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < Math.min(b.length, MAX_HEX_BYTES); i++) s += HEX2[b[i]!];
  return b.length > MAX_HEX_BYTES ? s + '…' : s;
}

function payloadText(d: Dissected, frame: TreeNode, opcode: number): string {
  const text = fieldIn(frame, 'websocket.payload.text');
  if (text && typeof text.value === 'string') return oneLine(text.value);
  if (opcode === 8) {
    const code = fieldIn(frame, 'websocket.payload.close.status_code')?.value;
    const reason = fieldIn(frame, 'websocket.payload.close.reason')?.value;
    return [code, reason].filter((v) => v !== undefined && v !== null && v !== '').map(String).map(oneLine).join(' ');
  }
  for (const abbrev of ['websocket.payload.ping', 'websocket.payload.pong', 'websocket.payload.continue', 'websocket.payload.unknown', 'websocket.payload']) {
    const node = fieldIn(frame, abbrev);
    const bytes = node ? bytesOf(d, node) : null;
    if (bytes && bytes.length) return hexPreview(bytes);
  }
  return '';
}

/** One line per WebSocket frame in the packet, in frame order; [] when it carries none. */
export function websocketLines(d: Dissected): string[] {
  if (!d.tree) return [];
  const lines: string[] = [];
  for (const node of walk(d.tree)) {
    if (node.def.abbrev !== 'websocket' || node.def.type !== 'protocol') continue;
    const opcodeNode = fieldIn(node, 'websocket.opcode');
    if (!opcodeNode) continue;
    const opcode = Number(opcodeNode.value);
    const name = OPCODES[opcode] ?? `Opcode ${opcode}`;
    const fin = truthy(fieldIn(node, 'websocket.fin')) ? ' [FIN]' : '';
    // Browsers must mask what they send and servers must not: the mask bit tells the direction.
    const direction = truthy(fieldIn(node, 'websocket.mask')) ? 'client→server' : 'server→client';
    const payload = payloadText(d, node, opcode);
    lines.push(`    WebSocket ${name}${fin} ${direction}${payload ? ': ' + payload : ''}`);
  }
  return lines;
}
