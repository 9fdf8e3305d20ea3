/**
 * A WebSocket conversation as messages rather than frames: fragments joined into
 * one message, control frames sent between fragments kept as messages of their
 * own, text shown unmasked and inflated, JSON re-indented. One conversation is
 * one TCP stream (its id is the tcp.stream index).
 */
import type { WsConversationSummary, WsMessage, WsOpcodeName } from '../ipc/contract.js';
import type { Dissected } from '../dissect/engine.js';
import { clientOf, tcpPacketOf, tcpStreamOf, type TcpPacket } from './follow-tcp-packet.js';
import { wsFramesOf, wsHandshakeOf, type WsFrame } from './ws-frames.js';

/** Binary payloads travel to the window up to this size; `truncated` says when a message was longer. */
export const WS_BYTES_LIMIT = 64 * 1024;

const OPCODE_NAMES: Record<number, WsOpcodeName> = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

interface Conversation {
  readonly stream: number;
  readonly client: string;
  readonly server: string;
  readonly path: string;
  readonly switched: boolean;
  readonly frames: readonly WsFrame[];
}

/** The packets of one stream: `stream`, or the stream of the first packet carrying WebSocket (else of the first TCP packet). */
function streamPackets(packets: readonly Dissected[], stream?: number): { stream: number; packets: Dissected[] } | null {
  let id = stream;
  if (id === undefined) {
    const first = packets.find((d) => d.protocols.includes('websocket') && tcpStreamOf(d) !== undefined) ?? packets.find((d) => tcpStreamOf(d) !== undefined);
    id = first && tcpStreamOf(first);
  }
  if (id === undefined) return null;
  return { stream: id, packets: packets.filter((d) => tcpStreamOf(d) === id) };
}

function conversationOf(packets: readonly Dissected[], stream?: number): Conversation | null {
  const s = streamPackets(packets, stream);
  if (!s) return null;
  const frames = wsFramesOf(s.packets);
  const hs = wsHandshakeOf(s.packets);
  const tcp: TcpPacket[] = [];
  for (const d of s.packets) {
    const p = tcpPacketOf(d);
    if (p) tcp.push(p);
  }
  // The WebSocket client asked for the upgrade; without the handshake, it is the side that masks (RFC 6455 5.3), else the TCP client.
  const client = hs.client ?? frames.find((f) => f.masked)?.src ?? clientOf(tcp) ?? '';
  const server = tcp.find((p) => p.src !== client)?.src ?? tcp.find((p) => p.src === client)?.dst ?? '';
  return { stream: s.stream, client, server, path: hs.path ?? '', switched: hs.switched, frames };
}

/** Summary of the WebSocket conversation on TCP stream `stream`; null when the stream carries no WebSocket. */
export function wsConversationSummary(packets: readonly Dissected[], stream: number): WsConversationSummary | null {
  const c = conversationOf(packets, stream);
  if (!c || (c.frames.length === 0 && !c.switched)) return null;
  return { id: c.stream, tcpStream: c.stream, client: c.client, server: c.server, path: c.path, messages: messagesOf(c).length };
}

/**
 * Every WebSocket message of the stream the packets belong to (dissected with a
 * tree, in frame order), in the order they completed.
 */
export function wsMessages(packets: readonly Dissected[]): WsMessage[] {
  const c = conversationOf(packets);
  return c ? messagesOf(c) : [];
}

function messagesOf(c: Conversation): WsMessage[] {
  const out: WsMessage[] = [];
  const open = new Map<string, WsFrame[]>();
  const emit = (frames: WsFrame[]) => out.push(messageOf(out.length, frames, frames[0]!.src === c.client ? 'client' : 'server'));
  for (const f of c.frames) {
    if (f.opcode & 8) {
      emit([f]);
      continue;
    }
    let parts = open.get(f.src);
    if (f.opcode !== 0) {
      // A new message while one was unfinished: the unfinished one is shown as it stands.
      if (parts) emit(parts);
      parts = [f];
    } else if (parts) {
      parts.push(f);
    } else {
      parts = [f]; // a continuation whose start was not captured
    }
    if (f.fin) {
      emit(parts);
      open.delete(f.src);
    } else {
      open.set(f.src, parts);
    }
  }
  for (const parts of open.values()) emit(parts);
  return out;
}

function messageOf(index: number, frames: readonly WsFrame[], dir: 'client' | 'server'): WsMessage {
  const first = frames[0]!;
  const last = frames[frames.length - 1]!;
  const opcode = OPCODE_NAMES[first.opcode] ?? 'reserved';
  const carriers = new Set<number>();
  for (const f of frames) for (const n of f.carriers) carriers.add(n);
  const base = {
    index, dir, relTime: last.relTime, epochTime: last.epochTime, opcode,
    masked: first.masked, compressed: first.perMessageCompressed === true,
    frames: [...carriers].sort((a, b) => a - b),
  };
  if (opcode === 'close') {
    return {
      ...base, size: first.payload.length,
      ...(first.closeCode !== undefined ? { closeCode: first.closeCode } : {}),
      ...(first.closeReason !== undefined ? { text: first.closeReason } : {}),
    };
  }
  // The dissector shows the whole message (joined, inflated) on its last frame when that frame ends it.
  const shown = last.fin ? last.message : undefined;
  if (opcode === 'text' && shown?.text !== undefined) return { ...base, size: shown.size, ...textFields(shown.text) };
  if (shown?.bytes) return { ...base, size: shown.size, ...bytesFields(shown.bytes) };
  // Otherwise: the frames' own bytes (an unfinished message, a control frame, one that would not inflate).
  const joined = join(frames.map((f) => f.payload));
  if (opcode === 'text' && !base.compressed) return { ...base, size: joined.length, ...textFields(new TextDecoder().decode(joined)) };
  return { ...base, size: joined.length, ...bytesFields(joined) };
}

function textFields(text: string): { text: string; json?: string } {
  const json = prettyJson(text);
  return json === undefined ? { text } : { text, json };
}

function bytesFields(bytes: Uint8Array): { bytes: Uint8Array; truncated?: true } {
  // A copy: a view would carry its whole underlying buffer (a reassembled stream, say) across IPC.
  if (bytes.length <= WS_BYTES_LIMIT) return { bytes: bytes.slice() };
  return { bytes: bytes.slice(0, WS_BYTES_LIMIT), truncated: true };
}

/** The text re-indented by 2 when it is a JSON object or array; undefined otherwise. */
export function prettyJson(text: string): string | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined; // not JSON after all: the text is shown as it is
  }
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
