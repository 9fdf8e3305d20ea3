/**
 * WebSocket (RFC 6455) frames on a stream HTTP upgraded: header fields, the
 * client's masked payload shown unmasked, control frames (close code and
 * reason, ping, pong), messages fragmented over continuation frames (shown
 * whole on the last one) and permessage-deflate (RFC 7692) when negotiated.
 * Frames come whole from TCP's reassembly (dissectPdus), several per segment
 * or one over several segments.
 */
import { addExpert, GROUPS, Severity } from '../expert.js';
import { fields } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { BoundsError, slice, u16, u64, u8, utf8String, type Tvb } from '../tvb.js';
import { hex } from '../../format/field-text.js';
import { dissectPdus, isTcpPayload, type TcpPayload } from './tcp-reassembly.js';
import { MessageInflater, INFLATE_CAP } from './websocket-inflate.js';
import { dissectTextLines, textLinesProto } from './websocket-text.js';

export const wsProto = protocol('websocket', 'WebSocket', 'WebSocket');

const OPCODES: Record<number, string> = { 0: 'Continuation', 1: 'Text', 2: 'Binary', 8: 'Connection Close', 9: 'Ping', 10: 'Pong' };
const CLOSE_CODES: Record<number, string> = {
  1000: 'Normal Closure', 1001: 'Going Away', 1002: 'Protocol error', 1003: 'Unsupported Data', 1004: '---Reserved----',
  1005: 'No Status Rcvd', 1006: 'Abnormal Closure', 1007: 'Invalid frame payload data', 1008: 'Policy Violation',
  1009: 'Message Too Big', 1010: 'Mandatory Ext.', 1011: 'Internal Server', 1015: 'TLS handshake',
};

export const hfWebSocket = fields({
  fin: { abbrev: 'websocket.fin', name: 'Fin', type: 'boolean', bits: 8, bitmask: 0x80 },
  rsv: { abbrev: 'websocket.rsv', name: 'Reserved', type: 'uint8', base: 'hex', bits: 8, bitmask: 0x70 },
  pmc: { abbrev: 'websocket.pmc', name: 'Per-Message Compressed', type: 'boolean', bits: 8, bitmask: 0x40 },
  opcode: { abbrev: 'websocket.opcode', name: 'Opcode', type: 'uint8', base: 'dec', bits: 8, bitmask: 0x0f, strings: OPCODES },
  mask: { abbrev: 'websocket.mask', name: 'Mask', type: 'boolean', bits: 8, bitmask: 0x80 },
  payloadLength: { abbrev: 'websocket.payload_length', name: 'Payload length', type: 'uint8', base: 'dec', bits: 8, bitmask: 0x7f },
  payloadLength16: { abbrev: 'websocket.payload_length_ext_16', name: 'Extended Payload length (16 bits)', type: 'uint16', base: 'dec' },
  payloadLength64: { abbrev: 'websocket.payload_length_ext_64', name: 'Extended Payload length (64 bits)', type: 'uint64', base: 'dec' },
  maskingKey: { abbrev: 'websocket.masking_key', name: 'Masking-Key', type: 'bytes' },
  payload: { abbrev: 'websocket.payload', name: 'Payload', type: 'none' },
  maskedPayload: { abbrev: 'websocket.masked_payload', name: 'Masked payload', type: 'none' },
  continue: { abbrev: 'websocket.payload.continue', name: 'Continue', type: 'bytes' },
  text: { abbrev: 'websocket.payload.text', name: 'Text', type: 'string' },
  close: { abbrev: 'websocket.payload.close', name: 'Close', type: 'none' },
  closeStatus: { abbrev: 'websocket.payload.close.status_code', name: 'Status code', type: 'uint16', base: 'dec', strings: CLOSE_CODES },
  closeReason: { abbrev: 'websocket.payload.close.reason', name: 'Reason', type: 'string' },
  ping: { abbrev: 'websocket.payload.ping', name: 'Ping', type: 'bytes' },
  pong: { abbrev: 'websocket.payload.pong', name: 'Pong', type: 'bytes' },
  unknown: { abbrev: 'websocket.payload.unknown', name: 'Unknown', type: 'bytes' },
  fragments: { abbrev: 'websocket.fragments', name: 'Reassembled websocket Fragments', type: 'none' },
  fragment: { abbrev: 'websocket.fragment', name: 'Websocket Fragment', type: 'framenum' },
  fragmentCount: { abbrev: 'websocket.fragment.count', name: 'Fragment count', type: 'uint32', base: 'dec' },
  reassembledLength: { abbrev: 'websocket.reassembled.length', name: 'Reassembled websocket Payload length', type: 'uint32', base: 'dec' },
  decompressionFailed: { abbrev: 'websocket.decompression.failed.expert', name: 'Decompression failed', type: 'none' },
  unknownExpert: { abbrev: 'websocket.payload.unknown.expert', name: 'Dissector for Websocket Opcode', type: 'none' },
});

/** What the HTTP 101 response negotiated for a stream. */
export interface WebSocketHandshake {
  extensions: string;
  protocol: string;
  serverPort: number;
}

interface Direction {
  /** Opcode of the message being assembled from fragments, if any. */
  fragOpcode: number | undefined;
  fragCompressed: boolean;
  fragParts: { frame: number; bytes: Uint8Array }[];
  fragLength: number;
  inflater: MessageInflater | undefined;
}

interface StreamState {
  handshake: WebSocketHandshake | undefined;
  deflate: boolean;
  dirs: [Direction, Direction];
}

/** What one frame's dissection learnt on the first pass (the message it completes, inflated text). */
interface FrameMemo {
  deflate: boolean;
  /** Set on the frame that completes a fragmented message. */
  message?: { opcode: number; bytes: Uint8Array; parts: { frame: number; length: number }[] };
  /** This frame is a non-final fragment. */
  partial?: boolean;
  compressed?: boolean;
  inflated?: Uint8Array;
  inflateError?: 'cap' | 'error';
}

// Session tables, made by functions defined once (not a closure per call).
function newHandshakes(): Map<number, WebSocketHandshake> {
  return new Map();
}
function newStreams(): Map<number, StreamState> {
  return new Map();
}

/** HTTP calls this when a 101 switches a stream to WebSocket. */
export function noteWebSocketHandshake(ctx: PacketContext, stream: number, hs: WebSocketHandshake): void {
  ctx.session.get('websocket.handshakes', newHandshakes).set(stream, hs);
}

function newDirection(): Direction {
  return { fragOpcode: undefined, fragCompressed: false, fragParts: [], fragLength: 0, inflater: undefined };
}

function streamState(ctx: PacketContext, stream: number): StreamState {
  const m = ctx.session.get('websocket.streams', newStreams);
  let s = m.get(stream);
  if (!s) {
    const hs = ctx.session.get('websocket.handshakes', newHandshakes).get(stream);
    const ext = hs?.extensions ?? '';
    s = { handshake: hs, deflate: /permessage-deflate|x-webkit-deflate-frame/.test(ext), dirs: [newDirection(), newDirection()] };
    m.set(stream, s);
  }
  return s;
}

function frameLength(tvb: Tvb, off: number, end: number): number {
  const b1 = u8(tvb, off + 1);
  let len = 2 + (b1 & 0x80 ? 4 : 0);
  const short = b1 & 0x7f;
  if (short === 126) {
    if (end - off < 4) return 0;
    return len + 2 + u16(tvb, off + 2);
  }
  if (short === 127) {
    if (end - off < 10) return 0;
    const big = u64(tvb, off + 2);
    // Lengths past what a buffer can hold are cut to what is there; the frame is malformed anyway.
    return big > BigInt(0x7fffffff) ? 0x7fffffff : len + 8 + Number(big);
  }
  return len + short;
}

/** Unmask (RFC 6455 5.3): XOR with the 4-byte key, repeating. */
export function unmask(data: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ key[i & 3]!;
  return out;
}

const dissectWebSocket: Dissector = (tvb, offset, end, ctx, tree, data) => {
  const tcp = isTcpPayload(data) ? data : undefined;
  ctx.protocols.push(wsProto.name);
  let index = 0;
  dissectPdus(tvb, offset, end, ctx, tree, tcp, 2, frameLength, (t, o, e, c, tr) => dissectFrame(t, o, e, c, tr, tcp, index++));
  return end - offset;
};

function bits8(value: number, mask: number): string {
  let s = '';
  for (let i = 7; i >= 0; i--) {
    const bit = 1 << i;
    s += mask & bit ? (value & bit ? '1' : '0') : '.';
    if (i === 4) s += ' ';
  }
  return s;
}

function dissectFrame(tvb: Tvb, off: number, end: number, ctx: PacketContext, parent: Tree, tcp: TcpPayload | undefined, index: number): number {
  const b0 = u8(tvb, off);
  const b1 = u8(tvb, off + 1);
  const fin = (b0 & 0x80) !== 0;
  const rsv = (b0 & 0x70) >> 4;
  const opcode = b0 & 0x0f;
  const masked = (b1 & 0x80) !== 0;
  const short = b1 & 0x7f;
  let p = off + 2;
  let payloadLen: number;
  if (short === 126) {
    payloadLen = u16(tvb, p);
    p += 2;
  } else if (short === 127) {
    payloadLen = Number(u64(tvb, p));
    p += 8;
  } else payloadLen = short;
  const keyOff = p;
  if (masked) p += 4;
  const payloadOff = p;
  const avail = Math.max(0, Math.min(payloadLen, end - payloadOff));

  const opName = OPCODES[opcode] ?? 'Unknown Opcode';
  ctx.cols.protocol = wsProto.short;
  ctx.cols.setInfo('WebSocket');
  ctx.cols.appendInfo(' ' + opName);
  ctx.cols.appendInfo(fin ? ' [FIN]' : '[FRAGMENT] ');
  ctx.cols.appendInfo(masked ? ' [MASKED]' : ' ');

  const memoKey = 'ws:' + (tcp?.key ?? '') + ':' + tvb.source + ':' + off + ':' + index;
  let memo = ctx.getMemo<FrameMemo>(memoKey);
  const key = masked ? slice(tvb, keyOff, 4) : undefined;
  const raw = slice(tvb, payloadOff, avail);
  const payload = key ? unmask(raw, key) : raw;
  if (!memo) {
    memo = firstPass(ctx, tcp, fin, rsv, opcode, payload);
    // A frame that learnt nothing is what a revisit works out without a memo: none is kept for it.
    if (!ctx.visited) {
      if (isPlainFrame(memo)) ctx.setLocalMemo(memoKey, memo);
      else ctx.setMemo(memoKey, memo);
    }
  }

  const ws = parent.add(wsProto.def, tvb, off, end - off, null, wsProto.label);
  if (ws.wantsAny(hfWebSocket)) {
    const labels = ws.labels;
    ws.add(hfWebSocket.fin, tvb, off, 1, fin, labels ? `${bits8(b0, 0x80)} = Fin: ${fin ? 'True' : 'False'}` : undefined);
    ws.add(hfWebSocket.rsv, tvb, off, 1, rsv, labels ? `${bits8(b0, 0x70)} = Reserved: 0x${rsv.toString(16)}` : undefined);
    if (memo.deflate) ws.add(hfWebSocket.pmc, tvb, off, 1, (b0 & 0x40) !== 0, labels ? `${bits8(b0, 0x40)} = Per-Message Compressed: ${b0 & 0x40 ? 'True' : 'False'}` : undefined);
    ws.add(hfWebSocket.opcode, tvb, off, 1, opcode, labels ? `${bits8(b0, 0x0f)} = Opcode: ${opName} (${opcode})` : undefined);
    ws.add(hfWebSocket.mask, tvb, off + 1, 1, masked, labels ? `${bits8(b1, 0x80)} = Mask: ${masked ? 'True' : 'False'}` : undefined);
    const extText = short === 126 ? ' Extended Payload Length (16 bits)' : short === 127 ? ' Extended Payload Length (64 bits)' : '';
    ws.add(hfWebSocket.payloadLength, tvb, off + 1, 1, short, labels ? `${bits8(b1, 0x7f)} = Payload length: ${short}${extText}` : undefined);
    if (short === 126) ws.add(hfWebSocket.payloadLength16, tvb, off + 2, 2, payloadLen, labels ? `Extended Payload length (16 bits): ${payloadLen}` : undefined);
    if (short === 127) ws.add(hfWebSocket.payloadLength64, tvb, off + 2, 8, u64(tvb, off + 2), labels ? `Extended Payload length (64 bits): ${payloadLen}` : undefined);
    if (key) ws.add(hfWebSocket.maskingKey, tvb, keyOff, 4, key, labels ? `Masking-Key: ${hex(key)}` : undefined);
  }
  if (payloadLen === 0) return end - off;
  if (masked && ws.enabled) ws.add(hfWebSocket.maskedPayload, tvb, payloadOff, avail, null, 'Masked payload');
  // A payload the capture cut short ends the layer after the header (and the masked bytes kept), as tshark's:
  // it unmasks and reads the payload whole.
  const wireEnd = tcp?.wireEnd;
  if (wireEnd !== undefined && tvb.source === 0 && payloadOff + payloadLen > end && end < wireEnd) {
    throw new BoundsError(end, payloadOff + payloadLen - end, end, true);
  }
  let ptvb = tvb;
  let pOff = payloadOff;
  if (masked) {
    ptvb = ctx.addSource('Unmasked data', payload);
    pOff = 0;
  }
  const pl = ws.add(hfWebSocket.payload, ptvb, pOff, avail, null, 'Payload');

  if (opcode & 8) {
    dissectControl(ptvb, pOff, avail, opcode, pl);
    return end - off;
  }
  if (memo.partial) {
    if (opcode === 0 && parent.wants(hfWebSocket.continue)) {
      parent.add(hfWebSocket.continue, ptvb, pOff, avail, slice(ptvb, pOff, avail), parent.labels ? `Continue: ${hex(slice(ptvb, pOff, Math.min(avail, 36)))}${avail > 36 ? '…' : ''}` : undefined);
    }
    return end - off;
  }
  // A whole message: this frame alone, or the fragments it completes.
  let mtvb = ptvb;
  let mOff = pOff;
  let mLen = avail;
  let mOpcode = opcode;
  if (memo.message) {
    const m = memo.message;
    mOpcode = m.opcode;
    mtvb = ctx.addSource('Reassembled Message', m.bytes);
    mOff = 0;
    mLen = m.bytes.length;
    if (parent.wantsAny(hfWebSocket)) {
      const labels = parent.labels;
      const label = labels ? `${m.parts.length} Reassembled websocket Fragments (${mLen} bytes): ` + m.parts.map((x) => `#${x.frame}(${x.length})`).join(', ') : undefined;
      const fr = parent.addGenerated(hfWebSocket.fragments, mtvb, 0, mLen, null, label);
      let o = 0;
      for (const x of m.parts) {
        fr.addGenerated(hfWebSocket.fragment, mtvb, o, x.length, x.frame, labels ? `Frame: ${x.frame}, payload: ${o}-${o + x.length - 1} (${x.length} byte${x.length === 1 ? '' : 's'})` : undefined);
        o += x.length;
      }
      fr.addGenerated(hfWebSocket.fragmentCount, mtvb, 0, mLen, m.parts.length, labels ? `Fragment count: ${m.parts.length}` : undefined);
      fr.addGenerated(hfWebSocket.reassembledLength, mtvb, 0, mLen, mLen, labels ? `Reassembled websocket Payload length: ${mLen}` : undefined);
    }
  }
  if (memo.compressed) {
    if (memo.inflated) {
      mtvb = ctx.addSource('Decompressed payload', memo.inflated);
      mOff = 0;
      mLen = memo.inflated.length;
    } else {
      const msg = memo.inflateError === 'cap'
        ? `Decompression stopped: the message inflates to more than ${INFLATE_CAP} bytes`
        : 'Decompression failed';
      addExpert(pl, mtvb, mOff, mLen, Severity.Error, GROUPS.Protocol, msg, hfWebSocket.decompressionFailed);
      return end - off;
    }
  }
  if (mOpcode === 1) {
    if (pl.wants(hfWebSocket.text)) pl.add(hfWebSocket.text, mtvb, mOff, mLen, utf8String(slice(mtvb, mOff, mLen)));
    dissectTextLines(mtvb, mOff, mOff + mLen, ctx, parent);
  } else if (mOpcode === 2) {
    const data = ctx.registry.byName('data');
    if (data) ctx.call(data, mtvb, mOff, mOff + mLen, parent);
  } else {
    const it = pl.add(hfWebSocket.unknown, mtvb, mOff, mLen, slice(mtvb, mOff, mLen));
    addExpert(it, mtvb, mOff, mLen, Severity.Warning, GROUPS.Undecoded,
      `Dissector for Websocket Opcode (${mOpcode}) code not implemented, Contact Wireshark developers if you want this supported`, hfWebSocket.unknownExpert);
  }
  return end - off;
}

function dissectControl(tvb: Tvb, off: number, len: number, opcode: number, pl: Tree): void {
  if (!pl.enabled) return;
  const bytes = slice(tvb, off, len);
  if (opcode === 8) {
    const c = pl.add(hfWebSocket.close, tvb, off, len, null, 'Close');
    if (len >= 2) {
      const code = u16(tvb, off);
      c.add(hfWebSocket.closeStatus, tvb, off, 2, code, `Status code: ${CLOSE_CODES[code] ?? 'Unknown'} (${code})`);
      if (len > 2) c.add(hfWebSocket.closeReason, tvb, off + 2, len - 2, utf8String(bytes.subarray(2)));
    }
  } else if (opcode === 9) {
    pl.add(hfWebSocket.ping, tvb, off, len, bytes);
  } else if (opcode === 10) {
    pl.add(hfWebSocket.pong, tvb, off, len, bytes);
  } else {
    const it = pl.add(hfWebSocket.unknown, tvb, off, len, bytes);
    addExpert(it, tvb, off, len, Severity.Warning, GROUPS.Undecoded,
      `Dissector for Websocket Opcode (${opcode}) code not implemented, Contact Wireshark developers if you want this supported`, hfWebSocket.unknownExpert);
  }
}

/** The memo of an uncompressed, unfragmented frame: exactly what firstPass gives on a revisit. */
function isPlainFrame(memo: FrameMemo): boolean {
  return !memo.deflate && memo.message === undefined && memo.partial === undefined && memo.compressed === undefined &&
    memo.inflated === undefined && memo.inflateError === undefined;
}

/** First pass: follow fragments and inflate; the result is memoised for revisits. */
function firstPass(ctx: PacketContext, tcp: TcpPayload | undefined, fin: boolean, rsv: number, opcode: number, payload: Uint8Array): FrameMemo {
  if (!tcp || ctx.visited) return { deflate: false };
  const st = streamState(ctx, tcp.stream);
  const memo: FrameMemo = { deflate: st.deflate };
  if (opcode & 8) return memo;
  const dir = st.dirs[tcp.direction];
  const first = opcode !== 0;
  if (first) {
    dir.fragOpcode = opcode;
    dir.fragCompressed = st.deflate && (rsv & 4) !== 0;
    dir.fragParts = [];
    dir.fragLength = 0;
  }
  let message: Uint8Array;
  if (!fin || opcode === 0) {
    dir.fragParts.push({ frame: ctx.num, bytes: payload.slice() });
    dir.fragLength += payload.length;
    if (!fin) {
      memo.partial = true;
      return memo;
    }
    message = new Uint8Array(dir.fragLength);
    let o = 0;
    for (const part of dir.fragParts) {
      message.set(part.bytes, o);
      o += part.bytes.length;
    }
    memo.message = { opcode: dir.fragOpcode ?? 0, bytes: message, parts: dir.fragParts.map((x) => ({ frame: x.frame, length: x.bytes.length })) };
    dir.fragParts = [];
    dir.fragLength = 0;
  } else {
    message = payload;
  }
  if (dir.fragCompressed) {
    memo.compressed = true;
    const serverSends = st.handshake ? tcp.srcPort === st.handshake.serverPort : tcp.direction === 1;
    const ext = st.handshake?.extensions ?? '';
    const takeover = !(serverSends ? /server_no_context_takeover/.test(ext) : /client_no_context_takeover/.test(ext));
    dir.inflater ??= new MessageInflater(takeover);
    const r = dir.inflater.message(message);
    if (r.ok) memo.inflated = r.bytes;
    else memo.inflateError = r.reason;
  }
  return memo;
}

export function register(r: Registry): void {
  r.addProtocol(wsProto, hfWebSocket);
  r.addNamed('websocket', dissectWebSocket);
  r.addProtocol(textLinesProto, []);
}
