/**
 * The WebSocket frames of a TCP stream and its HTTP Upgrade handshake, read from
 * the packets' detail trees: the dissector has already found the frames (split
 * across segments or several per segment), unmasked them, joined fragments and
 * inflated permessage-deflate messages; this module only collects what it shows.
 *
 * Per frame the tree has a `websocket` item (header fields, then `websocket.payload`
 * over the unmasked bytes); on the frame that completes a text message the payload
 * holds `websocket.payload.text` (the whole, inflated message), and a binary
 * message is a `data` item right after the `websocket` item.
 */
import type { Dissected } from '../dissect/engine.js';
import { walk, type TreeNode } from '../dissect/tree.js';
import { tcpPacketOf } from './follow-tcp-packet.js';

export interface WsFrame {
  /** Frame number of the packet the WebSocket frame was dissected in (where its last byte arrived). */
  readonly num: number;
  /** Frame numbers whose TCP payload carried this WebSocket frame's bytes, ascending. */
  readonly carriers: readonly number[];
  /** Sender, "addr:port". */
  readonly src: string;
  readonly relTime: number;
  readonly epochTime: number;
  readonly fin: boolean;
  /** RSV bits (RSV1 = 4). */
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  /** Set when permessage-deflate was negotiated: the frame's RSV1 (websocket.pmc). */
  readonly perMessageCompressed: boolean | undefined;
  /** This frame's payload, unmasked (still compressed when the message is). */
  readonly payload: Uint8Array;
  /** The whole message as the dissector showed it on this frame (the last one of a message). */
  readonly message?: { readonly text?: string; readonly bytes?: Uint8Array; readonly size: number };
  readonly closeCode?: number;
  readonly closeReason?: string;
  /** The dissector could not inflate this message. */
  readonly inflateFailed: boolean;
}

export interface WsHandshake {
  /** Sender of the HTTP request that asked for the upgrade. */
  readonly client: string | undefined;
  /** Its request target (`/chat`). */
  readonly path: string | undefined;
  /** A `101 Switching Protocols` with `Upgrade: websocket` was seen. */
  readonly switched: boolean;
}

const EMPTY: Uint8Array = new Uint8Array(0);

function child(node: TreeNode, abbrev: string): TreeNode | undefined {
  for (const c of node.children ?? []) if (c.def.abbrev === abbrev) return c;
  return undefined;
}

function find(node: TreeNode, abbrev: string): TreeNode | undefined {
  for (const n of walk(node.children ?? [])) if (n.def.abbrev === abbrev) return n;
  return undefined;
}

/** The bytes an item covers, from the packet's data source it points into. */
function bytesOf(d: Dissected, n: TreeNode): Uint8Array {
  const src = d.sources[n.source];
  if (!src) return EMPTY;
  const b = src.tvb.bytes;
  return b.subarray(Math.min(n.offset, b.length), Math.min(n.offset + n.length, b.length));
}

/** Which frames brought the bytes [offset, offset+length) of a data source (a reassembled one names its parts). */
function carriersOf(d: Dissected, n: TreeNode): number[] {
  const parts = d.sources[n.source]?.parts;
  if (!parts || n.length === 0) return [d.num];
  const out = new Set<number>();
  const end = n.offset + n.length;
  for (const p of parts) if (p.length > 0 && p.offset < end && p.offset + p.length > n.offset) out.add(p.frame);
  if (out.size === 0) out.add(d.num);
  return [...out].sort((a, b) => a - b);
}

/** Every `websocket` item of a packet with the items that follow it at the same level, up to the next one. */
function* wsItems(nodes: readonly TreeNode[]): Generator<{ ws: TreeNode; after: TreeNode[] }> {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.def.abbrev === 'websocket') {
      const after: TreeNode[] = [];
      for (let j = i + 1; j < nodes.length && nodes[j]!.def.abbrev !== 'websocket'; j++) after.push(nodes[j]!);
      yield { ws: n, after };
    } else if (n.children) {
      yield* wsItems(n.children);
    }
  }
}

function frameOf(d: Dissected, src: string, ws: TreeNode, after: readonly TreeNode[]): WsFrame {
  const num = (abbrev: string): number => {
    const v = child(ws, abbrev)?.value;
    return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
  };
  const pmc = child(ws, 'websocket.pmc')?.value;
  const payloadItem = child(ws, 'websocket.payload');
  const payload = payloadItem ? bytesOf(d, payloadItem) : EMPTY;
  let message: WsFrame['message'];
  const textItem = payloadItem && child(payloadItem, 'websocket.payload.text');
  if (textItem && typeof textItem.value === 'string') {
    message = { text: textItem.value, size: textItem.length };
  } else {
    const dataItem = after.find((n) => n.def.abbrev === 'data');
    const data = dataItem && child(dataItem, 'data.data');
    if (data && data.value instanceof Uint8Array) message = { bytes: data.value, size: data.value.length };
  }
  const close = payloadItem && child(payloadItem, 'websocket.payload.close');
  const code = close && child(close, 'websocket.payload.close.status_code')?.value;
  const reason = close && child(close, 'websocket.payload.close.reason')?.value;
  const frame = d.ctx.frame;
  return {
    num: d.num,
    carriers: carriersOf(d, ws),
    src,
    relTime: d.relSec + d.relNsec / 1e9,
    epochTime: frame.tsSec + frame.tsNsec / 1e9,
    fin: child(ws, 'websocket.fin')?.value === true,
    rsv: num('websocket.rsv'),
    opcode: num('websocket.opcode'),
    masked: child(ws, 'websocket.mask')?.value === true,
    perMessageCompressed: typeof pmc === 'boolean' ? pmc : undefined,
    payload,
    ...(message ? { message } : {}),
    ...(typeof code === 'number' ? { closeCode: code } : {}),
    ...(typeof reason === 'string' ? { closeReason: reason } : {}),
    inflateFailed: payloadItem !== undefined && find(payloadItem, 'websocket.decompression.failed.expert') !== undefined,
  };
}

/** The WebSocket frames in the packets, in the order they were dissected. */
export function wsFramesOf(packets: readonly Dissected[]): WsFrame[] {
  const out: WsFrame[] = [];
  for (const d of packets) {
    if (!d.tree || !d.protocols.includes('websocket')) continue;
    const tcp = tcpPacketOf(d);
    if (!tcp) continue;
    for (const { ws, after } of wsItems(d.tree)) out.push(frameOf(d, tcp.src, ws, after));
  }
  return out;
}

/** The HTTP Upgrade that turned the stream into WebSocket: who asked, for which path, and whether the server agreed. */
export function wsHandshakeOf(packets: readonly Dissected[]): WsHandshake {
  let request: { client: string; path: string } | undefined;
  let accepted: { client: string; path: string } | undefined;
  let switched = false;
  for (const d of packets) {
    if (!d.tree || !d.protocols.includes('http')) continue;
    for (const http of walk(d.tree)) {
      if (http.def.abbrev !== 'http') continue;
      const upgrade = find(http, 'http.upgrade')?.value;
      if (typeof upgrade !== 'string' || !upgrade.toLowerCase().includes('websocket')) continue;
      const uri = find(http, 'http.request.uri')?.value;
      const tcp = tcpPacketOf(d);
      if (typeof uri === 'string' && tcp) request = { client: tcp.src, path: uri };
      if (find(http, 'http.response.code')?.value === 101 && !switched) {
        switched = true;
        accepted = request;
      }
    }
  }
  const h = accepted ?? request;
  return { client: h?.client, path: h?.path, switched };
}
