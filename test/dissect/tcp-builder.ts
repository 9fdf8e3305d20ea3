/**
 * Test helper: hand-built Ethernet/IPv4/TCP frames for one conversation, so
 * TCP, HTTP and WebSocket tests can state exactly what is on the wire.
 */
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { walk, type TreeNode } from '../../shared/dissect/tree.js';
import { fieldText } from '../../shared/format/field-text.js';

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

export interface Segment {
  /** true: client (10.0.0.1:40000) to server (10.0.0.2:port). */
  fromClient: boolean;
  seq: number;
  ack?: number;
  flags: number;
  win?: number;
  payload?: Uint8Array | string;
  options?: number[];
  /** Microseconds since the first frame. */
  t?: number;
}

const enc = new TextEncoder();

export function bytesOf(p: Uint8Array | string | undefined): Uint8Array {
  if (p === undefined) return new Uint8Array(0);
  return typeof p === 'string' ? enc.encode(p) : p;
}

export function tcpFrame(num: number, seg: Segment, serverPort: number): FrameInput {
  const payload = bytesOf(seg.payload);
  const opts = seg.options ?? [];
  const tcpLen = 20 + opts.length;
  const ipLen = 20 + tcpLen + payload.length;
  const b = new Uint8Array(14 + ipLen);
  const v = new DataView(b.buffer);
  b.set([0, 0, 0, 0, 0, seg.fromClient ? 2 : 1, 0, 0, 0, 0, 0, seg.fromClient ? 1 : 2], 0);
  v.setUint16(12, 0x0800);
  const ip = 14;
  b[ip] = 0x45;
  v.setUint16(ip + 2, ipLen);
  v.setUint16(ip + 4, num);
  b[ip + 6] = 0x40;
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  const cli = [10, 0, 0, 1], srv = [10, 0, 0, 2];
  b.set(seg.fromClient ? cli : srv, ip + 12);
  b.set(seg.fromClient ? srv : cli, ip + 16);
  const t = ip + 20;
  v.setUint16(t, seg.fromClient ? 40000 : serverPort);
  v.setUint16(t + 2, seg.fromClient ? serverPort : 40000);
  v.setUint32(t + 4, seg.seq >>> 0);
  v.setUint32(t + 8, (seg.ack ?? 0) >>> 0);
  v.setUint16(t + 12, ((tcpLen / 4) << 12) | seg.flags);
  v.setUint16(t + 14, seg.win ?? 1000);
  b.set(opts, t + 20);
  b.set(payload, t + tcpLen);
  const us = seg.t ?? num * 1000;
  return {
    num, tsSec: 1_700_000_000 + Math.floor(us / 1e6), tsNsec: (us % 1e6) * 1000, capLen: b.length, origLen: b.length,
    linkType: 1, interfaceId: 0, data: b,
  };
}

/**
 * A client/server conversation with sequence numbers kept for you: `send(fromClient, payload)`
 * adds a PSH/ACK segment carrying `payload` right after what that side sent before.
 */
export class Conversation {
  readonly segments: Segment[] = [];
  private cseq = 1000;
  private sseq = 5000;
  constructor(readonly serverPort: number, handshake = true) {
    if (handshake) {
      this.segments.push({ fromClient: true, seq: this.cseq++, flags: SYN });
      this.segments.push({ fromClient: false, seq: this.sseq++, ack: this.cseq, flags: SYN | ACK });
      this.segments.push({ fromClient: true, seq: this.cseq, ack: this.sseq, flags: ACK });
    }
  }
  send(fromClient: boolean, payload: Uint8Array | string, flags = PSH | ACK): this {
    const p = bytesOf(payload);
    const seq = fromClient ? this.cseq : this.sseq;
    this.segments.push({ fromClient, seq, ack: fromClient ? this.sseq : this.cseq, flags, payload: p });
    if (fromClient) this.cseq += p.length;
    else this.sseq += p.length;
    return this;
  }
  ack(fromClient: boolean): this {
    this.segments.push({ fromClient, seq: fromClient ? this.cseq : this.sseq, ack: fromClient ? this.sseq : this.cseq, flags: ACK });
    return this;
  }
  raw(seg: Segment): this {
    this.segments.push(seg);
    return this;
  }
  frames(): FrameInput[] {
    return this.segments.map((s, i) => tcpFrame(i + 1, s, this.serverPort));
  }
}

export function dissectAll(frames: readonly FrameInput[], withTree = true): { dissection: Dissection; packets: Dissected[] } {
  const dissection = new Dissection(defaultRegistry());
  const packets = frames.map((f) => dissection.dissect(f, withTree));
  return { dissection, packets };
}

/** Every value of `abbrev` in the packet's tree, as tshark -T fields prints it. */
export function values(p: Dissected, abbrev: string): string[] {
  const out: string[] = [];
  for (const n of walk(p.tree ?? [])) if (n.def.abbrev === abbrev) out.push(fieldText(n));
  return out;
}

export function nodes(p: Dissected, abbrev: string): TreeNode[] {
  return [...walk(p.tree ?? [])].filter((n) => n.def.abbrev === abbrev);
}

/** RFC 6455 frame bytes. */
export function wsFrame(opts: { fin?: boolean; opcode: number; payload: Uint8Array | string; mask?: number[]; rsv1?: boolean; force64?: boolean }): Uint8Array {
  const p = bytesOf(opts.payload);
  const head: number[] = [((opts.fin ?? true) ? 0x80 : 0) | (opts.rsv1 ? 0x40 : 0) | opts.opcode];
  const m = opts.mask ? 0x80 : 0;
  if (opts.force64 || p.length > 0xffff) {
    head.push(m | 127, 0, 0, 0, 0, (p.length >>> 24) & 255, (p.length >>> 16) & 255, (p.length >>> 8) & 255, p.length & 255);
  } else if (p.length >= 126) {
    head.push(m | 126, p.length >> 8, p.length & 255);
  } else head.push(m | p.length);
  let body = p;
  if (opts.mask) {
    head.push(...opts.mask);
    body = p.map((x, i) => x ^ opts.mask![i & 3]!);
  }
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const UPGRADE_REQUEST =
  'GET /chat HTTP/1.1\r\nHost: example.test:9000\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

export function upgradeResponse(extensions?: string): string {
  return 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' + (extensions ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : '') + '\r\n';
}
