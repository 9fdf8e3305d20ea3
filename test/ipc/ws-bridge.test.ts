/**
 * The browser transport: static files with the page's CSP, no way out of the
 * served folder, a WebSocket that wants the token and our own Origin, and the
 * IPC messages (requests, replies, events, bytes) carried over it.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Handlers } from '../../main/ipc/handlers.js';
import { createHandlers } from '../../main/ipc/handlers.js';
import { CONTENT_SECURITY_POLICY } from '../../main/ipc/static-files.js';
import { startBridge, type Bridge, type BridgeEmit } from '../../main/ipc/ws-bridge.js';
import { decodeWire, encodeWire } from '../../shared/ipc/wire.js';
import { APP_INFO, DecoderLog, FakeDialogs, scratch } from '../session/fakes.js';

const REPO = join(import.meta.dirname, '../..');
const s = scratch('paquet-h3-bridge-');
const staticDir = join(s.dir, 'www');
const stateDir = join(s.dir, 'state');
const capture = join(s.dir, 'chat.pcapng');

beforeAll(() => {
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Paquet</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(staticDir, 'assets', 'blob.xyz'), 'data');
  writeFileSync(join(s.dir, 'secret.txt'), 'SECRET');
  writeFileSync(capture, 'fake');
  symlinkSync(join(s.dir, 'secret.txt'), join(staticDir, 'link.txt'));
});
afterAll(() => s.cleanup());

const bridges: Bridge[] = [];
afterEach(async () => {
  for (const b of bridges.splice(0)) await b.close();
});

interface Spy {
  handlers: Handlers[];
  emits: BridgeEmit[];
  disposed: number;
}

/** A bridge whose connections get real handlers over the fake decoder (and a record of them). */
async function bridge(maxMessageBytes?: number): Promise<{ b: Bridge; spy: Spy }> {
  const spy: Spy = { handlers: [], emits: [], disposed: 0 };
  const log = new DecoderLog();
  const b = await startBridge({
    staticDir,
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
    log: () => undefined,
    handlersFor: (emit) => {
      const real = createHandlers({ dialogs: new FakeDialogs(), emit, stateDir, appInfo: () => APP_INFO, startDecoder: log.start, log: () => undefined, changeIntervalMs: 20 });
      const h: Handlers = {
        handle: (n, a) => real.handle(n, a),
        openPath: (p) => real.openPath(p),
        mayClose: () => real.mayClose(),
        dispose: async () => {
          spy.disposed++;
          await real.dispose();
        },
      };
      spy.handlers.push(h);
      spy.emits.push(emit);
      return h;
    },
  });
  bridges.push(b);
  return { b, spy };
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Connect; resolves with the socket, or rejects with the HTTP status of a refused upgrade. */
function connect(url: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin !== undefined ? { origin } : {});
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

/** Messages from the server, decoded, in arrival order; next() waits (bounded) for one matching. */
function inbox(ws: WebSocket) {
  const got: Record<string, unknown>[] = [];
  ws.on('message', (data) => got.push(decodeWire(String(data)) as Record<string, unknown>));
  return {
    got,
    async next(test: (m: Record<string, unknown>) => boolean, ms = 5000): Promise<Record<string, unknown>> {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const i = got.findIndex(test);
        if (i >= 0) return got.splice(i, 1)[0]!;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no matching message in ${ms} ms; got ${JSON.stringify(got).slice(0, 300)}`);
    },
  };
}

const wsUrl = (b: Bridge, token = b.token): string => `ws://127.0.0.1:${b.port}/ipc?token=${token}`;
const origin = (b: Bridge): string => `http://127.0.0.1:${b.port}`;

describe('static files', () => {
  it('serves the page and assets with their types, the CSP of renderer/index.html, and nosniff', async () => {
    const { b } = await bridge();
    expect(b.url).toBe(`http://127.0.0.1:${b.port}/index.html?token=${b.token}`);
    expect(b.token).toMatch(/^[0-9a-f]{64}$/);
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(readFileSync(join(REPO, 'renderer/index.html'), 'utf8'));
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);

    const page = await get(b.port, `/index.html?token=${b.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Paquet</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(b.port, '/')).body).toContain('<title>Paquet</title>');
    expect((await get(b.port, '/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(b.port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(b.port, '/assets/blob.xyz')).headers['content-type']).toBe('application/octet-stream');
    const head = await get(b.port, '/assets/app.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(b.port, '/assets/app.js', {}, 'POST')).status).toBe(405);
    const missing = await get(b.port, '/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await get(b.port, '/assets')).status).toBe(404);
  });

  it('never serves anything outside the folder', async () => {
    const { b } = await bridge();
    const attempts = [
      '/../secret.txt', '/../package.json', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/assets/../../secret.txt', '/./index.html', '//etc/passwd',
      '/%00index.html', '/%zz', `/${encodeURIComponent(join(s.dir, 'secret.txt'))}`, '/link.txt',
    ];
    for (const path of attempts) {
      const r = await get(b.port, path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain('SECRET');
    }
  });

  it('answers only to its own Host name (no DNS rebinding)', async () => {
    const { b } = await bridge();
    expect((await get(b.port, '/index.html', { Host: `evil.example:${b.port}` })).status).toBe(421);
  });
});

describe('the WebSocket', () => {
  it('refuses an upgrade without the token, with a wrong one, from another origin, or on another path', async () => {
    const { b, spy } = await bridge();
    await expect(connect(`ws://127.0.0.1:${b.port}/ipc`, origin(b))).rejects.toThrow('status 401');
    await expect(connect(wsUrl(b, 'a'.repeat(64)), origin(b))).rejects.toThrow('status 401');
    await expect(connect(wsUrl(b, b.token.slice(0, 63)), origin(b))).rejects.toThrow('status 401');
    await expect(connect(wsUrl(b), 'http://evil.example')).rejects.toThrow('status 401');
    await expect(connect(wsUrl(b), `http://localhost:${b.port}`)).rejects.toThrow('status 401');
    await expect(connect(wsUrl(b), undefined)).rejects.toThrow('status 401');
    await expect(connect(`ws://127.0.0.1:${b.port}/other?token=${b.token}`, origin(b))).rejects.toThrow('status 404');
    expect(spy.handlers).toHaveLength(0);
  });

  it('carries requests and replies (bytes included) and delivers events', async () => {
    const { b, spy } = await bridge();
    const ws = await connect(wsUrl(b), origin(b));
    const box = inbox(ws);
    ws.send(encodeWire({ id: 1, name: 'app.info' }));
    expect(await box.next((m) => m.id === 1)).toEqual({ id: 1, reply: APP_INFO });

    ws.send(encodeWire({ id: 2, name: 'file.openDropped', args: { path: capture } }));
    expect(await box.next((m) => m.id === 2)).toEqual({ id: 2, reply: { saved: true, path: capture } });
    const changed = await box.next((m) => m.event === 'session.changed');
    expect(changed.payload).toMatchObject({ source: { kind: 'file', path: capture }, packets: 37 });

    ws.send(encodeWire({ id: 3, name: 'packet.detail', args: { num: 1 } }));
    const detail = (await box.next((m) => m.id === 3)).reply as { sources: { bytes: Uint8Array }[] };
    expect(detail.sources[0]!.bytes).toBeInstanceOf(Uint8Array);
    expect([...detail.sources[0]!.bytes]).toEqual([1, 2, 3, 4]);

    spy.emits[0]!('menu.command', { command: 'goToPacket' });
    expect(await box.next((m) => m.event === 'menu.command')).toEqual({ event: 'menu.command', payload: { command: 'goToPacket' } });

    ws.send(encodeWire({ id: 4, name: 'rows.get', args: { from: 0, count: 1e6 } }));
    expect(await box.next((m) => m.id === 4)).toMatchObject({ reply: { error: { code: 'bad-argument' } } });
    ws.close();
  });

  it('answers bad JSON and malformed messages with an error, and keeps the connection', async () => {
    const { b } = await bridge();
    const ws = await connect(wsUrl(b), origin(b));
    const box = inbox(ws);
    ws.send('{"id": 1, "name": ');
    expect(await box.next(() => true)).toMatchObject({ id: null, reply: { error: { code: 'bad-argument', message: expect.stringContaining('not valid JSON') } } });
    ws.send('[1,2]');
    expect(await box.next(() => true)).toMatchObject({ id: null, reply: { error: { code: 'bad-argument' } } });
    ws.send('{"id": 7}');
    expect(await box.next(() => true)).toMatchObject({ id: 7, reply: { error: { code: 'bad-argument' } } });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await box.next(() => true)).toMatchObject({ reply: { error: { message: expect.stringContaining('binary') } } });
    ws.send(encodeWire({ id: 8, name: 'session.state' }));
    expect(await box.next((m) => m.id === 8)).toMatchObject({ reply: { source: { kind: 'empty' } } });
    ws.close();
  });

  it('answers deeply nested messages (JSON the decoder cannot even revive) with an error, and keeps the connection', async () => {
    const { b } = await bridge();
    const ws = await connect(wsUrl(b), origin(b));
    const box = inbox(ws);
    // 400,000 levels in under 1 MiB: reviving it overflows the stack; the bridge answers, it does not crash.
    const depth = 400_000;
    ws.send(`{"id":1,"name":"file.recover","args":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(await box.next(() => true)).toMatchObject({ id: null, reply: { error: { code: 'bad-argument' } } });
    // Nested deep enough to be unusual but parsed: refused by validation, naming the field.
    ws.send(`{"id":2,"name":"file.recover","args":{"path":${'['.repeat(1000)}${']'.repeat(1000)}}}`);
    expect(await box.next((m) => m.id === 2)).toMatchObject({ reply: { error: { code: 'bad-argument', message: expect.stringContaining('args.path must be a string') } } });
    ws.send(encodeWire({ id: 3, name: 'file.recoverable' }));
    expect(await box.next((m) => m.id === 3)).toMatchObject({ reply: [] });
    ws.close();
  });

  it('closes with 1009 on a message over the size cap (1 MiB by default)', async () => {
    const { b } = await bridge();
    const ws = await connect(wsUrl(b), origin(b));
    const code = new Promise<number>((r) => ws.on('close', (c) => r(c)));
    ws.on('error', () => undefined);
    ws.send(encodeWire({ id: 1, name: 'filter.check', args: { text: 'x'.repeat((1 << 20) + 10) } }));
    expect(await code).toBe(1009);
  });

  it('gives each connection its own session, disposed when it closes (and by close())', async () => {
    const { b, spy } = await bridge();
    const one = await connect(wsUrl(b), origin(b));
    const two = await connect(wsUrl(b), origin(b));
    const boxOne = inbox(one);
    const boxTwo = inbox(two);
    one.send(encodeWire({ id: 1, name: 'file.openDropped', args: { path: capture } }));
    await boxOne.next((m) => m.id === 1);
    two.send(encodeWire({ id: 1, name: 'session.state' }));
    expect((await boxTwo.next((m) => m.id === 1)).reply).toMatchObject({ source: { kind: 'empty' } });
    expect(spy.handlers).toHaveLength(2);
    one.close();
    const end = Date.now() + 5000;
    while (spy.disposed < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(spy.disposed).toBe(1);
    await b.close();
    bridges.splice(bridges.indexOf(b), 1);
    expect(spy.disposed).toBe(2);
  });
});
