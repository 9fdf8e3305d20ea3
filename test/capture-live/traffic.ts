/**
 * Traffic for the live-capture tests, all on 127.0.0.1 with ports the kernel
 * picks (port 0): a TCP echo server, an HTTP server, a WebSocket chat (HTTP
 * upgrade, written here with node:http and node:net: no dependency). Every loop
 * is bounded in count and in time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, request, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

const HOST = '127.0.0.1';

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: Server | HttpServer, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server | HttpServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

export async function echoServer(): Promise<Running> {
  const server = createServer((s) => s.pipe(s));
  const sockets = track(server);
  return { port: await listen(server), close: closer(server, sockets) };
}

/** Send each message, wait for it to come back, close. */
export function echoExchange(port: number, messages: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, HOST);
    let got = '';
    let i = 0;
    const expected = messages.join('');
    s.setEncoding('utf8');
    s.on('connect', () => s.write(messages[i++]!));
    s.on('data', (d: string) => {
      got += d;
      if (i < messages.length && got.length >= messages.slice(0, i).join('').length) s.write(messages[i++]!);
      if (got.length >= expected.length) s.end();
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

export async function httpServer(): Promise<Running> {
  const server = createHttpServer((req, res) => {
    const body = `hello ${req.url}\n`;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  const sockets = track(server);
  return { port: await listen(server), close: closer(server, sockets) };
}

export function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A text frame (FIN, opcode 1), masked when a client sends it; payloads under 126 bytes. */
function wsFrame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length > 125) throw new Error('test frames are small');
  if (!masked) return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, body]);
}

/** Complete frames at the start of `buf` (small, unfragmented text frames only). */
function wsTake(buf: Buffer): { texts: string[]; rest: Buffer } {
  const texts: string[] = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const masked = (buf[off + 1]! & 0x80) !== 0;
    const len = buf[off + 1]! & 0x7f;
    const head = 2 + (masked ? 4 : 0);
    if (buf.length - off < head + len) break;
    const data = Buffer.from(buf.subarray(off + head, off + head + len));
    if (masked) {
      const mask = buf.subarray(off + 2, off + 6);
      for (let i = 0; i < data.length; i++) data[i]! ^= mask[i % 4]!;
    }
    if ((buf[off]! & 0x0f) === 1) texts.push(data.toString('utf8'));
    off += head + len;
  }
  return { texts, rest: buf.subarray(off) };
}

/** A chat: every text frame a client sends is sent to every connected client. */
export async function wsChatServer(): Promise<Running> {
  const server = createHttpServer((_req, res) => res.writeHead(426).end());
  const sockets = track(server);
  const members = new Set<Socket>();
  server.on('upgrade', (req, socket: Socket) => {
    const key = String(req.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    members.add(socket);
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      const { texts, rest } = wsTake(Buffer.concat([buf, d]));
      buf = rest;
      for (const t of texts) for (const m of members) m.write(wsFrame(t, false));
    });
    socket.on('close', () => members.delete(socket));
    socket.on('error', () => members.delete(socket));
  });
  return { port: await listen(server), close: closer(server, sockets) };
}

export interface WsClient {
  send(text: string): void;
  /** Resolves once `count` messages have arrived in total. */
  received(count: number): Promise<string[]>;
  close(): Promise<void>;
}

export function wsConnect(port: number): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const s = connect(port, HOST);
    const key = randomBytes(16).toString('base64');
    const got: string[] = [];
    let waiters: Array<() => void> = [];
    let upgraded = false;
    let buf: Buffer = Buffer.alloc(0);
    s.on('connect', () =>
      s.write(
        `GET /chat HTTP/1.1\r\nHost: ${HOST}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101')) {
          reject(new Error('upgrade refused'));
          return;
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve(client);
      }
      const { texts, rest } = wsTake(buf);
      buf = rest;
      got.push(...texts);
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
    });
    const client: WsClient = {
      send: (text) => s.write(wsFrame(text, true)),
      received: (count) =>
        new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`only ${got.length} of ${count} messages arrived`)), 5000);
          const check = (): void => {
            if (got.length >= count) {
              clearTimeout(timer);
              res(got.slice());
            } else waiters.push(check);
          };
          check();
        }),
      close: () =>
        new Promise((res) => {
          s.once('close', () => res());
          s.end(Buffer.from([0x88, 0x80, 0, 0, 0, 0])); // a masked close frame, then FIN
          setTimeout(() => s.destroy(), 1000).unref();
        }),
    };
  });
}

/**
 * Send `count` UDP datagrams of `size` bytes to 127.0.0.1:port as fast as the
 * socket takes them (bounded by count and by `maxMs`); each starts with its
 * sequence number (4 bytes, big-endian). Returns how many were sent.
 */
export async function udpBurst(port: number, count: number, size: number, maxMs: number): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.connect(port, HOST, () => r()));
  const deadline = Date.now() + maxMs;
  let sent = 0;
  const payload = Buffer.alloc(size, 0x61);
  try {
    while (sent < count && Date.now() < deadline) {
      const batch = Math.min(500, count - sent);
      await Promise.all(
        Array.from({ length: batch }, () => {
          const p = Buffer.from(payload);
          p.writeUInt32BE(sent++, 0);
          return new Promise<void>((res, rej) => sock.send(p, (err) => (err ? rej(err) : res())));
        }),
      );
    }
  } finally {
    sock.close();
  }
  return sent;
}

/** A UDP socket that reads and discards (so the datagrams are not answered by ICMP). */
export async function udpSink(): Promise<Running> {
  const sock = createSocket('udp4');
  sock.on('message', () => undefined);
  await new Promise<void>((r) => sock.bind(0, HOST, () => r()));
  return { port: sock.address().port, close: () => new Promise((r) => sock.close(() => r())) };
}

/** Send datagrams at a steady pace for `ms` (for the crash and disk-full tests). */
export async function udpPaced(port: number, perTick: number, size: number, tickMs: number, ms: number, stop?: () => boolean): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.connect(port, HOST, () => r()));
  let sent = 0;
  const end = Date.now() + ms;
  try {
    while (Date.now() < end && !stop?.()) {
      for (let i = 0; i < perTick; i++) {
        const p = Buffer.alloc(size, 0x62);
        p.writeUInt32BE(sent++, 0);
        sock.send(p);
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
  } finally {
    await new Promise((r) => setTimeout(r, 50));
    sock.close();
  }
  return sent;
}
