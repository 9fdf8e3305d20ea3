/**
 * Small pcap files made in the tests: Ethernet / IPv4 / TCP or UDP packets with
 * chosen payloads. IPv4 header checksums are correct; TCP and UDP checksums are
 * left 0 (tshark and Paquet show them as unverified), which keeps this short.
 */
import { writeFileSync } from 'node:fs';

export interface Endpoint {
  readonly ip: readonly [number, number, number, number];
  readonly port: number;
}

export interface TcpPacket {
  readonly kind: 'tcp';
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly seq: number;
  readonly ack: number;
  /** SYN 0x02, ACK 0x10, PSH 0x08, FIN 0x01. */
  readonly flags: number;
  readonly payload?: Uint8Array;
}

export interface UdpPacket {
  readonly kind: 'udp';
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly payload: Uint8Array;
}

export type Packet = TcpPacket | UdpPacket;

export const SYN = 0x02;
export const ACK = 0x10;
export const PSH = 0x08;

const MAC_A = [0x02, 0, 0, 0, 0, 0x01];
const MAC_B = [0x02, 0, 0, 0, 0, 0x02];

function ipChecksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | header[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function transport(p: Packet): Uint8Array {
  const payload = p.payload ?? new Uint8Array(0);
  if (p.kind === 'udp') {
    const seg = new Uint8Array(8 + payload.length);
    const v = new DataView(seg.buffer);
    v.setUint16(0, p.from.port);
    v.setUint16(2, p.to.port);
    v.setUint16(4, seg.length);
    seg.set(payload, 8);
    return seg;
  }
  const seg = new Uint8Array(20 + payload.length);
  const v = new DataView(seg.buffer);
  v.setUint16(0, p.from.port);
  v.setUint16(2, p.to.port);
  v.setUint32(4, p.seq >>> 0);
  v.setUint32(8, p.ack >>> 0);
  seg[12] = 5 << 4;
  seg[13] = p.flags;
  v.setUint16(14, 65535);
  seg.set(payload, 20);
  return seg;
}

function frame(p: Packet): Uint8Array {
  const l4 = transport(p);
  const ip = new Uint8Array(20);
  const v = new DataView(ip.buffer);
  ip[0] = 0x45;
  v.setUint16(2, 20 + l4.length);
  v.setUint16(4, 0x1234);
  v.setUint16(6, 0x4000); // don't fragment
  ip[8] = 64;
  ip[9] = p.kind === 'tcp' ? 6 : 17;
  ip.set(p.from.ip, 12);
  ip.set(p.to.ip, 16);
  v.setUint16(10, ipChecksum(ip));
  const [srcMac, dstMac] = p.from.ip[3]! < p.to.ip[3]! ? [MAC_A, MAC_B] : [MAC_B, MAC_A];
  const out = new Uint8Array(14 + 20 + l4.length);
  out.set(dstMac!, 0);
  out.set(srcMac!, 6);
  out[12] = 0x08; // IPv4
  out.set(ip, 14);
  out.set(l4, 34);
  return out;
}

/** A classic pcap (microseconds, Ethernet), one packet every 10 ms from 2024-01-01. */
export function pcapBytes(packets: readonly Packet[]): Uint8Array {
  return pcapOfFrames(packets.map(frame));
}

/** The same file around frames given as bytes. */
export function pcapOfFrames(frames: readonly Uint8Array[]): Uint8Array {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, 1, true); // LINKTYPE_ETHERNET
  let off = 24;
  frames.forEach((f, i) => {
    v.setUint32(off, 1_704_067_200 + Math.floor(i / 100), true);
    v.setUint32(off + 4, (i % 100) * 10_000, true);
    v.setUint32(off + 8, f.length, true);
    v.setUint32(off + 12, f.length, true);
    out.set(f, off + 16);
    off += 16 + f.length;
  });
  return out;
}

export function writePcap(path: string, packets: readonly Packet[]): void {
  writeFileSync(path, pcapBytes(packets));
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A WebSocket text frame (FIN), masked with a fixed key when a client sends it; payload < 126 bytes. */
export function wsTextFrame(text: string, masked: boolean): Uint8Array {
  const payload = utf8(text);
  if (payload.length > 125) throw new Error('test frames are small');
  if (!masked) return Uint8Array.from([0x81, payload.length, ...payload]);
  const key = [0x11, 0x22, 0x33, 0x44];
  return Uint8Array.from([0x81, 0x80 | payload.length, ...key, ...payload.map((b, i) => b ^ key[i % 4]!)]);
}

// ---------------------------------------------------------------- the hostile capture

export const IMG = '<img src=x onerror="window.__pwned=1">';
export const SCRIPT = '<script>window.__pwned=2</script>';
export const HOSTILE_REQUEST_LINE = `GET /${IMG} HTTP/1.1`;

/**
 * A WebSocket session whose HTTP request line, headers and messages are HTML that
 * runs code if anything renders it as markup, plus a UDP datagram of the same.
 * Packets: 1-3 handshake, 4 GET (Upgrade), 5 101, 6 client text (SCRIPT), 7 server text (IMG), 8 UDP.
 */
export function hostilePackets(): Packet[] {
  const client: Endpoint = { ip: [10, 0, 0, 1], port: 40000 };
  const server: Endpoint = { ip: [10, 0, 0, 2], port: 80 };
  const request = utf8(
    `${HOSTILE_REQUEST_LINE}\r\nHost: ${SCRIPT}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Note: ${IMG}\r\n\r\n`,
  );
  const response = utf8(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nX-Server: ${SCRIPT}\r\n\r\n`,
  );
  const c1 = wsTextFrame(SCRIPT, true);
  const s1 = wsTextFrame(IMG, false);
  let cs = 1000;
  let ss = 5000;
  const packets: Packet[] = [
    { kind: 'tcp', from: client, to: server, seq: cs, ack: 0, flags: SYN },
    { kind: 'tcp', from: server, to: client, seq: ss, ack: cs + 1, flags: SYN | ACK },
    { kind: 'tcp', from: client, to: server, seq: cs + 1, ack: ss + 1, flags: ACK },
  ];
  cs += 1;
  ss += 1;
  packets.push({ kind: 'tcp', from: client, to: server, seq: cs, ack: ss, flags: PSH | ACK, payload: request });
  cs += request.length;
  packets.push({ kind: 'tcp', from: server, to: client, seq: ss, ack: cs, flags: PSH | ACK, payload: response });
  ss += response.length;
  packets.push({ kind: 'tcp', from: client, to: server, seq: cs, ack: ss, flags: PSH | ACK, payload: c1 });
  cs += c1.length;
  packets.push({ kind: 'tcp', from: server, to: client, seq: ss, ack: cs, flags: PSH | ACK, payload: s1 });
  packets.push({ kind: 'udp', from: { ip: [10, 0, 0, 1], port: 41000 }, to: { ip: [10, 0, 0, 2], port: 9999 }, payload: utf8(`${IMG}${SCRIPT}`) });
  return packets;
}

/** One harmless UDP datagram: "another file" to open between two others. */
export function plainPackets(): Packet[] {
  return [{ kind: 'udp', from: { ip: [192, 168, 1, 1], port: 5000 }, to: { ip: [192, 168, 1, 2], port: 6000 }, payload: utf8('plain') }];
}
