/**
 * The second transport of the IPC contract, for browser tests and for using
 * the UI without Electron: an http server on 127.0.0.1 that serves the built
 * renderer, and a WebSocket on /ipc that carries the same requests, replies and
 * events as Electron's IPC (JSON text, bytes as base64: shared/ipc/wire.ts).
 *
 * Any local program (or web page) can reach 127.0.0.1, so the WebSocket wants
 * the random token printed in the page's URL and an Origin that is this
 * server's own; otherwise the upgrade is refused with 401. Each connection is
 * one window: it gets its own Handlers (its own session), disposed when the
 * socket closes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { realpath } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { EventName, Events } from '../../shared/ipc/contract.js';
import { decodeWire, encodeWire } from '../../shared/ipc/wire.js';
import { ipcError, type Handlers } from './handlers.js';
import { sendText, serveStatic } from './static-files.js';

export type BridgeEmit = <K extends EventName>(name: K, payload: Events[K]) => void;

export interface BridgeOptions {
  /** The Handlers of one window; `emit` sends events to that window's socket. */
  handlersFor(emit: BridgeEmit): Handlers;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  host?: '127.0.0.1';
  /** Largest message accepted, in bytes (default 1 MiB); a bigger one closes the socket with 1009. */
  maxMessageBytes?: number;
  /** Where connection problems are logged (default console.error). */
  log?: (message: string) => void;
}

export interface Bridge {
  /** `http://127.0.0.1:PORT/index.html?token=TOKEN` */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export const IPC_PATH = '/ipc';
const DEFAULT_MAX_MESSAGE = 1 << 20;
/** Requests one connection may have running at once; more are answered 'busy'. */
const MAX_IN_FLIGHT = 64;

/** Equal strings, in time that does not depend on where they differ (hashes first, so lengths leak nothing either). */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((m: string) => console.error(`paquet bridge: ${m}`));
  const root = await realpath(options.staticDir);
  const token = randomBytes(32).toString('hex');
  /** Open connections, each with the (one-time) disposal of its Handlers. */
  const connections = new Map<WebSocket, () => Promise<void>>();
  let port = 0;
  const origin = (): string => `http://${host}:${port}`;
  const hostHeader = (): string => `${host}:${port}`;

  const server = createServer((req, res) => {
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends another Host.
    if (req.headers.host !== hostHeader()) {
      sendText(res, 421, 'wrong host\n');
      return;
    }
    serveStatic(req, res, root).catch((e: Error) => {
      log(`serving ${req.url}: ${e.message}`);
      if (!res.headersSent) sendText(res, 500, 'internal error\n');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined); // a client that vanishes mid-handshake is not our problem
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin());
    } catch {
      refuseUpgrade(socket, 400, 'Bad Request');
      return;
    }
    if (url.pathname !== IPC_PATH) {
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    const given = url.searchParams.get('token') ?? '';
    if (!sameSecret(given, token) || req.headers.origin !== origin() || req.headers.host !== hostHeader()) {
      refuseUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  function connect(ws: WebSocket): void {
    const send = (message: unknown): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      let text: string;
      try {
        text = encodeWire(message);
      } catch (e) {
        const id = (message as { id?: unknown }).id ?? null;
        text = encodeWire({ id, reply: ipcError('internal', `the reply could not be encoded: ${(e as Error).message}`) });
      }
      ws.send(text);
    };
    const emit: BridgeEmit = (event, payload) => send({ event, payload });
    const handlers = options.handlersFor(emit);
    let disposed: Promise<void> | undefined;
    const dispose = (): Promise<void> =>
      (disposed ??= handlers.dispose().catch((e: Error) => log(`closing a session: ${e.message}`)));
    connections.set(ws, dispose);
    let inFlight = 0;

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        send({ id: null, reply: ipcError('bad-argument', 'messages are JSON text, not binary') });
        return;
      }
      let msg: unknown;
      try {
        msg = decodeWire(textOf(data));
      } catch (e) {
        send({ id: null, reply: ipcError('bad-argument', `the message is not valid JSON: ${(e as Error).message}`) });
        return;
      }
      const m = msg as { id?: unknown; name?: unknown; args?: unknown } | null;
      const id = typeof m === 'object' && m !== null && Number.isSafeInteger(m.id) ? (m.id as number) : null;
      if (id === null || typeof m?.name !== 'string' || Array.isArray(m)) {
        send({ id, reply: ipcError('bad-argument', 'a message is an object { id: integer, name: string, args }') });
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        send({ id, reply: ipcError('busy', `more than ${MAX_IN_FLIGHT} requests are waiting for replies`) });
        return;
      }
      inFlight++;
      handlers
        .handle(m.name, m.args)
        .then((reply) => send({ id, reply }))
        .catch((e: Error) => send({ id, reply: ipcError('internal', e.message) })) // handle() never throws; kept for safety
        .finally(() => inFlight--);
    });
    // ws reports protocol faults (an oversized message...) here, then closes the socket itself.
    ws.on('error', (e) => log(`connection: ${e.message}`));
    ws.on('close', () => {
      connections.delete(ws);
      void dispose();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `${origin()}/index.html?token=${token}`,
    port,
    token,
    async close() {
      const disposing = [...connections].map(([ws, dispose]) => {
        ws.terminate();
        return dispose();
      });
      connections.clear();
      await Promise.all(disposing);
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
