/**
 * Byte-level builders for the generated benchmark capture: Ethernet, IPv4,
 * TCP, UDP, ICMP, DNS and WebSocket frames, with real checksums, so the
 * capture looks like traffic to every reader (Paquet, tcpdump, tshark).
 */
import { createHash } from 'node:crypto';

/** Internet checksum of buf[start, end), starting from a partial sum (pseudo header). */
export function inetChecksum(buf, start, end, partial = 0) {
  let sum = partial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < end) sum += buf[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return (~sum) & 0xffff;
}

export function ipv4Bytes(dotted) {
  return dotted.split('.').map(Number);
}

export function macBytes(text) {
  return text.split(':').map((h) => parseInt(h, 16));
}

const ETH_HEADER = 14;
const IP_HEADER = 20;

/**
 * An Ethernet II + IPv4 frame carrying `l4` (a Buffer already holding the
 * transport header and payload, checksum field zeroed); `fillL4Checksum`
 * receives the frame and the pseudo-header sum to finish the transport checksum.
 */
export function ethIpv4(link, ip, l4, fillL4Checksum) {
  const frame = Buffer.allocUnsafe(ETH_HEADER + IP_HEADER + l4.length);
  frame.set(link.dst, 0);
  frame.set(link.src, 6);
  frame.writeUInt16BE(0x0800, 12);
  const o = ETH_HEADER;
  frame[o] = 0x45;
  frame[o + 1] = 0;
  frame.writeUInt16BE(ip.totalLength ?? IP_HEADER + l4.length, o + 2);
  frame.writeUInt16BE(ip.id & 0xffff, o + 4);
  frame.writeUInt16BE(ip.df === false ? 0 : 0x4000, o + 6);
  frame[o + 8] = ip.ttl ?? 64;
  frame[o + 9] = ip.proto;
  frame.writeUInt16BE(0, o + 10);
  frame.set(ip.src, o + 12);
  frame.set(ip.dst, o + 16);
  frame.writeUInt16BE(inetChecksum(frame, o, o + IP_HEADER), o + 10);
  l4.copy(frame, o + IP_HEADER);
  if (fillL4Checksum) {
    const pseudo = ((ip.src[0] << 8) | ip.src[1]) + ((ip.src[2] << 8) | ip.src[3])
      + ((ip.dst[0] << 8) | ip.dst[1]) + ((ip.dst[2] << 8) | ip.dst[3]) + ip.proto + l4.length;
    fillL4Checksum(frame, o + IP_HEADER, pseudo);
  }
  return frame;
}

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

/** SYN options as Linux sends them: MSS, SACK permitted, timestamps, window scale. */
function synOptions(tsVal) {
  const b = Buffer.alloc(20);
  b.set([2, 4, 0x05, 0xb4, 4, 2, 8, 10], 0);
  b.writeUInt32BE(tsVal >>> 0, 8);
  b.writeUInt32BE(0, 12);
  b.set([1, 3, 3, 7], 16);
  return b;
}

export function tcpSegment({ sport, dport, seq, ack, flags, win = 502, payload = EMPTY, syn = false, tsVal = 0, dataOffsetWords }) {
  const options = syn ? synOptions(tsVal) : EMPTY;
  const header = 20 + options.length;
  const seg = Buffer.allocUnsafe(header + payload.length);
  seg.writeUInt16BE(sport, 0);
  seg.writeUInt16BE(dport, 2);
  seg.writeUInt32BE(seq >>> 0, 4);
  seg.writeUInt32BE(flags & ACK ? ack >>> 0 : 0, 8);
  seg[12] = (dataOffsetWords ?? header / 4) << 4;
  seg[13] = flags;
  seg.writeUInt16BE(syn ? 64240 : win, 14);
  seg.writeUInt32BE(0, 16);
  options.copy(seg, 20);
  payload.copy(seg, header);
  return seg;
}

export function fillTcpChecksum(frame, at, pseudo) {
  frame.writeUInt16BE(inetChecksum(frame, at, frame.length, pseudo), at + 16);
}

export function udpDatagram(sport, dport, payload) {
  const d = Buffer.allocUnsafe(8 + payload.length);
  d.writeUInt16BE(sport, 0);
  d.writeUInt16BE(dport, 2);
  d.writeUInt16BE(8 + payload.length, 4);
  d.writeUInt16BE(0, 6);
  payload.copy(d, 8);
  return d;
}

export function fillUdpChecksum(frame, at, pseudo) {
  const c = inetChecksum(frame, at, frame.length, pseudo);
  frame.writeUInt16BE(c === 0 ? 0xffff : c, at + 6);
}

export function icmpEcho(type, id, seq, payload) {
  const m = Buffer.allocUnsafe(8 + payload.length);
  m[0] = type;
  m[1] = 0;
  m.writeUInt16BE(0, 2);
  m.writeUInt16BE(id, 4);
  m.writeUInt16BE(seq, 6);
  payload.copy(m, 8);
  m.writeUInt16BE(inetChecksum(m, 0, m.length), 2);
  return m;
}

export const EMPTY = Buffer.alloc(0);

function dnsName(name) {
  const parts = name.split('.').filter(Boolean);
  const out = [];
  for (const p of parts) out.push(Buffer.from([p.length]), Buffer.from(p, 'ascii'));
  out.push(Buffer.from([0]));
  return Buffer.concat(out);
}

/** A DNS query for one name (type A = 1, AAAA = 28). */
export function dnsQuery(id, name, qtype) {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(0x0100, 2);
  h.writeUInt16BE(1, 4);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(qtype, 0);
  q.writeUInt16BE(1, 2);
  return Buffer.concat([h, dnsName(name), q]);
}

/** The answer to dnsQuery: the question again, then `addresses` pointing back at it (0xc00c). */
export function dnsResponse(id, name, qtype, addresses) {
  const query = dnsQuery(id, name, qtype);
  query.writeUInt16BE(0x8180, 2);
  query.writeUInt16BE(addresses.length, 6);
  const answers = addresses.map((addr) => {
    const rr = Buffer.alloc(12 + addr.length);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(300, 6);
    rr.writeUInt16BE(addr.length, 10);
    rr.set(addr, 12);
    return rr;
  });
  return Buffer.concat([query, ...answers]);
}

/** A WebSocket frame (RFC 6455); a `maskKey` (4 bytes) masks the payload as a client must. */
export function wsFrame(opcode, payload, maskKey) {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = 2 + ext + (maskKey ? 4 : 0);
  const f = Buffer.allocUnsafe(head + len);
  f[0] = 0x80 | opcode;
  f[1] = (maskKey ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) f.writeUInt16BE(len, 2);
  if (ext === 8) f.writeBigUInt64BE(BigInt(len), 2);
  if (maskKey) {
    f.set(maskKey, 2 + ext);
    for (let i = 0; i < len; i++) f[head + i] = payload[i] ^ maskKey[i & 3];
  } else {
    payload.copy(f, head);
  }
  return f;
}

export function wsAccept(key) {
  return createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
}
