/**
 * The renderer's transport (renderer/src/lib/api.ts) over a real WebSocket on
 * 127.0.0.1, against a small server speaking the bridge's messages
 * (`{id, name, args}` in; `{id, reply}` and `{event, payload}` out, JSON by
 * shared/ipc/wire.ts).
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { PaquetApi } from '../../shared/ipc/contract.js';
import { decodeWire, encodeWire } from '../../shared/ipc/wire.js';
import { connectSocket, isPaquetApi, socketApi, socketUrl, type SocketLike } from '../../renderer/src/lib/api.js';

const TOKEN = 'a'.repeat(64);

interface Server {
  port: number;
  wss: WebSocketServer;
  /** The server side of each connection, in order. */
  peers: import('ws').WebSocket[];
  /** Requests received, in order. */
  requests: { id: number; name: string; args: unknown }[];
  /** How to answer a request; default: echo name and args. */
  answer: (req: { id: number; name: string; args: unknown }, peer: import('ws').WebSocket) => void;
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/ipc',
    verifyClient: (info: { req: { url?: string } }) => new URL(info.req.url ?? '', 'http://x').searchParams.get('token') === TOKEN,
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const server: Server = {
    port: (wss.address() as AddressInfo).port,
    wss,
    peers: [],
    requests: [],
    answer: (req, peer) => peer.send(encodeWire({ id: req.id, reply: { name: req.name, args: req.args } })),
    close: () =>
      new Promise<void>((r) => {
        for (const p of server.peers) p.terminate();
        wss.close(() => r());
      }),
  };
  wss.on('connection', (peer) => {
    server.peers.push(peer);
    peer.on('message', (data) => {
      const req = decodeWire(String(data)) as { id: number; name: string; args: unknown };
      server.requests.push(req);
      server.answer(req, peer);
    });
  });
  return server;
}

function client(port: number, token = TOKEN): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${port}/ipc?token=${token}`);
}

let server: Server;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  await server.close();
});

async function connected(): Promise<PaquetApi> {
  return connectSocket(client(server.port) as unknown as SocketLike, `ws://127.0.0.1:${server.port}/ipc`);
}

describe('the WebSocket transport', () => {
  it('sends requests as {id, name, args} and resolves each with its own reply', async () => {
    const api = await connected();
    const replies = await Promise.all([api.invoke('rows.get', { from: 0, count: 3 }), api.invoke('app.info', undefined)]);
    expect(replies).toEqual([{ name: 'rows.get', args: { from: 0, count: 3 } }, { name: 'app.info' }]);
    expect(server.requests.map((r) => r.name)).toEqual(['rows.get', 'app.info']);
    expect(new Set(server.requests.map((r) => r.id)).size).toBe(2);
  });

  it('matches replies that come back out of order', async () => {
    const held: [{ id: number; name: string }, import('ws').WebSocket][] = [];
    server.answer = (req, peer) => {
      held.push([req, peer]);
      if (held.length === 3) for (const [r, p] of held.reverse()) p.send(encodeWire({ id: r.id, reply: r.name }));
    };
    const api = await connected();
    const replies = await Promise.all([api.invoke('app.info', undefined), api.invoke('session.state', undefined), api.invoke('file.recent', undefined)]);
    expect(replies).toEqual(['app.info', 'session.state', 'file.recent']);
  });

  it('carries bytes both ways as Uint8Array', async () => {
    server.answer = (req, peer) => peer.send(encodeWire({ id: req.id, reply: { bytes: new Uint8Array([0, 1, 254, 255]), echo: req.args } }));
    const api = await connected();
    const reply = (await api.invoke('packet.setComment', { num: 1, comment: 'x' })) as unknown as { bytes: Uint8Array };
    expect(reply.bytes).toBeInstanceOf(Uint8Array);
    expect([...reply.bytes]).toEqual([0, 1, 254, 255]);
  });

  it('passes IpcError replies through as replies, not rejections', async () => {
    server.answer = (req, peer) => peer.send(encodeWire({ id: req.id, reply: { error: { code: 'not-found', message: 'No packet 99.' } } }));
    const api = await connected();
    await expect(api.invoke('packet.detail', { num: 99 })).resolves.toEqual({ error: { code: 'not-found', message: 'No packet 99.' } });
  });

  it('dispatches events to their listeners until they unsubscribe; one failing listener does not stop the others', async () => {
    const api = await connected();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api.on('menu.command', (p) => a.push(p));
    api.on('menu.command', (p) => b.push(p));
    api.on('menu.command', () => {
      throw new Error('listener bug');
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    server.peers[0]!.send(encodeWire({ event: 'menu.command', payload: { command: 'find' } }));
    await vi.waitFor(() => expect(b).toHaveLength(1));
    offA();
    server.peers[0]!.send(encodeWire({ event: 'menu.command', payload: { command: 'open' } }));
    server.peers[0]!.send(encodeWire({ event: 'view.restore', payload: {} }));
    await vi.waitFor(() => expect(b).toHaveLength(2));
    expect(a).toEqual([{ command: 'find' }]);
    expect(b).toEqual([{ command: 'find' }, { command: 'open' }]);
    expect(errors.mock.calls.some((c) => String(c[0]).includes("a listener of 'menu.command' failed"))).toBe(true);
    errors.mockRestore();
  });

  it('ignores, and reports, messages it cannot read', async () => {
    const api = await connected();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const peer = server.peers[0]!;
    peer.send('not json');
    peer.send('[1,2]');
    peer.send(encodeWire({ id: 12345, reply: 'nobody asked' }));
    peer.send(encodeWire({ hello: 1 }));
    peer.send(Buffer.from([1, 2, 3]), { binary: true });
    await vi.waitFor(() => expect(errors).toHaveBeenCalledTimes(5));
    errors.mockRestore();
    await expect(api.invoke('app.info', undefined)).resolves.toEqual({ name: 'app.info' }); // still working
  });

  it('on connection loss rejects what is waiting and what comes later, and tells app.alert listeners', async () => {
    server.answer = () => {}; // never answers
    const api = await connected();
    const alerts: { title: string; message: string }[] = [];
    api.on('app.alert', (a) => alerts.push(a));
    const waiting = api.invoke('rows.get', { from: 0, count: 1 });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    server.peers[0]!.close(1001, 'server stopping');
    await expect(waiting).rejects.toThrow(/^rows\.get: The connection to Paquet was lost \(WebSocket closed, code 1001: server stopping\)/);
    await expect(api.invoke('app.info', undefined)).rejects.toThrow(/app\.info: The connection to Paquet was lost/);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toBe('Connection lost');
    expect(alerts[0]!.message).toMatch(/Reload the page/);
  });

  it('refuses to connect without the right token, with a message that does not repeat it', async () => {
    const shown = `ws://127.0.0.1:${server.port}/ipc`;
    const attempt = connectSocket(client(server.port, 'b'.repeat(64)) as unknown as SocketLike, shown);
    const message = await attempt.then(
      () => 'connected',
      (e: Error) => e.message,
    );
    expect(message).toMatch(new RegExp(`^Could not connect to Paquet at ${shown}: the server refused the connection`));
    expect(message).not.toMatch(/b{64}/);
  });

  it('gives up on a socket that never opens', async () => {
    let closed = 0;
    const silent: SocketLike = { readyState: 0, send: () => {}, close: () => void closed++, addEventListener: () => {} };
    await expect(connectSocket(silent, 'ws://127.0.0.1:1/ipc', 50)).rejects.toThrow('Could not connect to Paquet at ws://127.0.0.1:1/ipc: no answer in 0.05 s.');
    expect(closed).toBe(1);
  });

  it('rejects a request it cannot send', async () => {
    const api = socketApi({ readyState: 1, send: () => { throw new Error('socket is closing'); }, close: () => {}, addEventListener: () => {} });
    await expect(api.invoke('app.info', undefined)).rejects.toThrow('app.info: could not be sent to Paquet (socket is closing)');
    await expect(api.invoke('' as never, undefined as never)).rejects.toThrow(/is not a Paquet request name/);
  });
});

describe('helpers', () => {
  it('socketUrl: same host, ws or wss after the page, the token encoded', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:5173' }, 'ab+/=')).toBe('ws://127.0.0.1:5173/ipc?token=ab%2B%2F%3D');
    expect(socketUrl({ protocol: 'https:', host: 'h:1' }, 't')).toBe('wss://h:1/ipc?token=t');
    expect(socketUrl({ protocol: 'http:', host: 'h:1' }, null)).toBe('ws://h:1/ipc');
  });

  it('isPaquetApi: an object with invoke and on', () => {
    expect(isPaquetApi({ invoke: () => {}, on: () => {} })).toBe(true);
    expect(isPaquetApi({ invoke: () => {} })).toBe(false);
    expect(isPaquetApi(null)).toBe(false);
    expect(isPaquetApi('paquet')).toBe(false);
  });
});

describe('connectApi', () => {
  const g = globalThis as Record<string, unknown>;
  afterEach(() => {
    delete g.paquet;
    delete g.location;
    delete g.WebSocket;
    vi.resetModules();
  });

  async function freshModule() {
    vi.resetModules();
    return import('../../renderer/src/lib/api.js');
  }

  it("uses the preload's window.paquet when it is there", async () => {
    const preload = { invoke: async () => 'from preload', on: () => () => {} };
    g.paquet = preload;
    const { connectApi } = await freshModule();
    expect(await connectApi()).toBe(preload);
  });

  it("otherwise connects to the bridge with the page's token, once per page", async () => {
    g.location = { search: `?token=${TOKEN}`, host: `127.0.0.1:${server.port}`, protocol: 'http:' };
    g.WebSocket = WebSocket;
    const { connectApi } = await freshModule();
    const [a, b] = await Promise.all([connectApi(), connectApi()]);
    expect(a).toBe(b);
    expect(server.peers).toHaveLength(1);
    await expect(a.invoke('session.state', undefined)).resolves.toEqual({ name: 'session.state' });
  });

  it('says what to do when the page has neither the preload nor a token, and may try again later', async () => {
    g.location = { search: '', host: '127.0.0.1:1', protocol: 'http:' };
    const { connectApi } = await freshModule();
    await expect(connectApi()).rejects.toThrow(/no connection to Paquet: open it from the desktop app/);
    g.paquet = { invoke: async () => 0, on: () => () => {} };
    await expect(connectApi()).resolves.toBe(g.paquet);
  });
});
