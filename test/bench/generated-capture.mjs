/**
 * The generated benchmark capture: many interleaved conversations (HTTP over
 * TCP with handshakes and teardowns, WebSocket after an HTTP upgrade, DNS over
 * UDP, ICMP echo) plus a few malformed packets, written as a classic pcap
 * (Ethernet). A seeded PRNG makes the file identical on every run.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  ACK, EMPTY, FIN, PSH, RST, SYN, dnsQuery, dnsResponse, ethIpv4, fillTcpChecksum, fillUdpChecksum,
  icmpEcho, ipv4Bytes, macBytes, tcpSegment, udpDatagram, wsAccept, wsFrame,
} from './packets.mjs';
import { mulberry32 } from './script-options.mjs';

const CLIENT_MAC = macBytes('02:00:00:00:00:01');
const GATEWAY_MAC = macBytes('02:00:00:00:00:fe');
const UP = { src: CLIENT_MAC, dst: GATEWAY_MAC };
const DOWN = { src: GATEWAY_MAC, dst: CLIENT_MAC };
const WEB_SERVERS = ['93.184.216.34', '151.101.1.69', '104.16.132.229', '172.217.16.142'].map(ipv4Bytes);
const RESOLVER = ipv4Bytes('10.0.0.53');
const HOSTS = ['example.com', 'www.wikipedia.org', 'cdn.jsdelivr.net', 'api.github.com', 'news.ycombinator.com', 'fonts.gstatic.com'];
const PATHS = ['/', '/index.html', '/api/v1/items?page=2', '/static/app.js', '/images/logo.png', '/search?q=packet+capture', '/favicon.ico'];
const CHAT_LINES = ['hello', 'how are you?', '{"type":"say","to":"all","content":"hi there"}', 'ping', 'a somewhat longer chat message to vary the frame sizes a little'];

/** One TCP connection: keeps both sequence numbers and builds its segments. */
class TcpFlow {
  constructor(g, server, dport) {
    this.g = g;
    this.client = ipv4Bytes(`10.0.${1 + g.int(40)}.${2 + g.int(250)}`);
    this.server = server;
    this.sport = g.nextPort();
    this.dport = dport;
    this.cSeq = g.int(0xffffffff);
    this.sSeq = g.int(0xffffffff);
    this.cId = g.int(0xffff);
    this.sId = g.int(0xffff);
  }

  fromClient(flags, payload = EMPTY, extra = {}) {
    const seg = tcpSegment({ sport: this.sport, dport: this.dport, seq: this.cSeq, ack: this.sSeq, flags, payload, syn: (flags & SYN) !== 0, tsVal: this.g.int(1e9), ...extra });
    this.cSeq = (this.cSeq + payload.length + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
    return ethIpv4(UP, { src: this.client, dst: this.server, proto: 6, id: this.cId++ }, seg, fillTcpChecksum);
  }

  fromServer(flags, payload = EMPTY) {
    const seg = tcpSegment({ sport: this.dport, dport: this.sport, seq: this.sSeq, ack: this.cSeq, flags, payload, syn: (flags & SYN) !== 0, tsVal: this.g.int(1e9) });
    this.sSeq = (this.sSeq + payload.length + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
    return ethIpv4(DOWN, { src: this.server, dst: this.client, proto: 6, id: this.sId++ }, seg, fillTcpChecksum);
  }

  *handshake() {
    yield this.fromClient(SYN);
    yield this.fromServer(SYN | ACK);
    yield this.fromClient(ACK);
  }

  /** Server data in MSS-sized segments, acknowledged by the client every two. */
  *serverData(bytes) {
    for (let at = 0, n = 0; at < bytes.length; at += 1448, n++) {
      const last = at + 1448 >= bytes.length;
      yield this.fromServer(ACK | (last ? PSH : 0), bytes.subarray(at, at + 1448));
      if (last || n % 2 === 1) yield this.fromClient(ACK);
    }
  }

  *teardown() {
    if (this.g.chance(0.05)) {
      yield this.fromClient(RST | ACK);
      return;
    }
    yield this.fromClient(FIN | ACK);
    yield this.fromServer(FIN | ACK);
    yield this.fromClient(ACK);
  }
}

function httpRequest(g, host) {
  const post = g.chance(0.15);
  const body = post ? Buffer.from(`name=item${g.int(1000)}&value=${'x'.repeat(g.int(200))}`) : EMPTY;
  const head = `${post ? 'POST' : 'GET'} ${g.pick(PATHS)} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) bench/1.0\r\n`
    + 'Accept: */*\r\nAccept-Encoding: identity\r\nConnection: keep-alive\r\n'
    + (post ? `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n` : '') + '\r\n';
  return Buffer.concat([Buffer.from(head), body]);
}

function httpResponse(g) {
  const notFound = g.chance(0.1);
  const size = notFound ? 30 : g.chance(0.7) ? 100 + g.int(1200) : 1500 + g.int(8000);
  const body = Buffer.alloc(size, notFound ? 'n' : 'b');
  const head = `HTTP/1.1 ${notFound ? '404 Not Found' : '200 OK'}\r\nServer: nginx/1.24.0\r\nDate: Wed, 25 Nov 2026 12:00:00 GMT\r\n`
    + `Content-Type: ${notFound ? 'text/plain' : 'text/html; charset=utf-8'}\r\nContent-Length: ${size}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

function* httpConversation(g) {
  const host = g.pick(HOSTS);
  const flow = new TcpFlow(g, g.pick(WEB_SERVERS), 80);
  yield* flow.handshake();
  for (let i = 1 + g.int(4); i > 0; i--) {
    yield flow.fromClient(PSH | ACK, httpRequest(g, host));
    if (g.chance(0.5)) yield flow.fromServer(ACK);
    yield* flow.serverData(httpResponse(g));
  }
  yield* flow.teardown();
}

function* websocketConversation(g) {
  const flow = new TcpFlow(g, g.pick(WEB_SERVERS), 80);
  const key = Buffer.from(Array.from({ length: 16 }, () => g.int(256))).toString('base64');
  yield* flow.handshake();
  yield flow.fromClient(PSH | ACK, Buffer.from(`GET /chat HTTP/1.1\r\nHost: ${g.pick(HOSTS)}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://${g.pick(HOSTS)}\r\n\r\n`));
  yield flow.fromServer(PSH | ACK, Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${wsAccept(key)}\r\n\r\n`));
  for (let i = 3 + g.int(30); i > 0; i--) {
    const mask = Buffer.from([g.int(256), g.int(256), g.int(256), g.int(256)]);
    const ping = g.chance(0.05);
    yield flow.fromClient(PSH | ACK, wsFrame(ping ? 9 : 1, Buffer.from(ping ? '' : g.pick(CHAT_LINES)), mask));
    yield flow.fromServer(PSH | ACK, wsFrame(ping ? 10 : 1, Buffer.from(ping ? '' : `{"type":"say","from":"user${g.int(100)}","content":"${g.pick(CHAT_LINES)}"}`)));
    if (g.chance(0.5)) yield flow.fromClient(ACK);
  }
  const mask = Buffer.from([1, 2, 3, 4]);
  yield flow.fromClient(PSH | ACK, wsFrame(8, Buffer.from([0x03, 0xe8]), mask));
  yield flow.fromServer(PSH | ACK, wsFrame(8, Buffer.from([0x03, 0xe8])));
  yield* flow.teardown();
}

function* dnsConversation(g) {
  const client = ipv4Bytes(`10.0.${1 + g.int(40)}.${2 + g.int(250)}`);
  const sport = g.nextPort();
  const id = g.int(0xffff);
  const name = g.pick(HOSTS);
  const aaaa = g.chance(0.3);
  const qtype = aaaa ? 28 : 1;
  const addresses = Array.from({ length: 1 + g.int(3) }, () =>
    Buffer.from(Array.from({ length: aaaa ? 16 : 4 }, () => g.int(256))));
  yield ethIpv4(UP, { src: client, dst: RESOLVER, proto: 17, id: g.int(0xffff) }, udpDatagram(sport, 53, dnsQuery(id, name, qtype)), fillUdpChecksum);
  yield ethIpv4(DOWN, { src: RESOLVER, dst: client, proto: 17, id: g.int(0xffff) }, udpDatagram(53, sport, dnsResponse(id, name, qtype, addresses)), fillUdpChecksum);
}

function* icmpConversation(g) {
  const client = ipv4Bytes(`10.0.${1 + g.int(40)}.${2 + g.int(250)}`);
  const target = g.pick(WEB_SERVERS);
  const id = g.int(0xffff);
  const payload = Buffer.alloc(56, 0x61);
  for (let seq = 1, n = 1 + g.int(4); seq <= n; seq++) {
    yield ethIpv4(UP, { src: client, dst: target, proto: 1, id: g.int(0xffff) }, icmpEcho(8, id, seq, payload));
    yield ethIpv4(DOWN, { src: target, dst: client, proto: 1, id: g.int(0xffff) }, icmpEcho(0, id, seq, payload));
  }
}

/** One broken packet of a few kinds readers must survive. */
function* malformedPacket(g) {
  const flow = new TcpFlow(g, g.pick(WEB_SERVERS), 80);
  const kind = g.int(5);
  if (kind === 0) {
    // IPv4 header length below the minimum (IHL 4).
    const f = flow.fromClient(ACK);
    f[14] = 0x44;
    yield f;
  } else if (kind === 1) {
    // TCP data offset below 5 words.
    yield flow.fromClient(PSH | ACK, Buffer.from('junk'), { dataOffsetWords: 3 });
  } else if (kind === 2) {
    // IPv4 total length larger than the frame.
    const f = flow.fromClient(ACK);
    f.writeUInt16BE(1400, 16);
    yield f;
  } else if (kind === 3) {
    // A frame cut inside the IPv4 header.
    yield flow.fromClient(ACK).subarray(0, 24);
  } else {
    // A DNS answer whose name is a compression pointer to itself.
    const client = ipv4Bytes('10.0.9.9');
    const bad = dnsResponse(g.int(0xffff), 'loop.example', 1, [Buffer.from([1, 2, 3, 4])]);
    bad.writeUInt16BE(0xc000 | (bad.length - 16), bad.length - 16);
    yield ethIpv4(DOWN, { src: RESOLVER, dst: client, proto: 17, id: 1 }, udpDatagram(53, g.nextPort(), bad), fillUdpChecksum);
  }
}

const KINDS = [
  { name: 'http', weight: 0.55, make: httpConversation },
  { name: 'websocket', weight: 0.05, make: websocketConversation },
  { name: 'dns', weight: 0.25, make: dnsConversation },
  { name: 'icmp', weight: 0.14, make: icmpConversation },
  { name: 'malformed', weight: 0.01, make: malformedPacket },
];

class PcapWriter {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(8 << 20);
    this.used = 0;
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(1, 20);
    writeSync(this.fd, h);
  }

  write(usec, frame) {
    if (this.used + 16 + frame.length > this.buf.length) this.flush();
    const b = this.buf;
    const o = this.used;
    b.writeUInt32LE(Math.floor(usec / 1e6), o);
    b.writeUInt32LE(usec % 1e6, o + 4);
    b.writeUInt32LE(frame.length, o + 8);
    b.writeUInt32LE(frame.length, o + 12);
    frame.copy(b, o + 16);
    this.used = o + 16 + frame.length;
  }

  flush() {
    writeSync(this.fd, this.buf, 0, this.used);
    this.used = 0;
  }

  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/** Write `count` packets to `path`; returns packets per kind of conversation. */
export function writeGeneratedCapture(path, { count = 1_000_000, concurrent = 400, seed = 20261125 } = {}) {
  const random = mulberry32(seed);
  let port = 32768;
  const g = {
    int: (n) => Math.floor(random() * n),
    chance: (p) => random() < p,
    pick: (list) => list[Math.floor(random() * list.length)],
    nextPort: () => (port = port >= 60999 ? 32768 : port + 1),
  };
  const startKind = () => {
    let r = random();
    for (const k of KINDS) {
      if ((r -= k.weight) < 0) return { kind: k.name, it: k.make(g) };
    }
    return { kind: 'http', it: httpConversation(g) };
  };
  const pool = Array.from({ length: concurrent }, startKind);
  const perKind = Object.fromEntries(KINDS.map((k) => [k.name, 0]));
  const out = new PcapWriter(path);
  let usec = 1_764_072_000 * 1e6;
  for (let written = 0; written < count;) {
    const slot = g.int(pool.length);
    const next = pool[slot].it.next();
    if (next.done) {
      pool[slot] = startKind();
      continue;
    }
    usec += 1 + Math.floor(-Math.log(1 - random()) * 40);
    out.write(usec, next.value);
    perKind[pool[slot].kind]++;
    written++;
  }
  out.close();
  return perKind;
}
