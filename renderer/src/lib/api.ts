/**
 * The page's way to main: the PaquetApi of shared/ipc/contract.ts.
 *
 * In the desktop app the preload has put it on `window.paquet` (Electron IPC).
 * In a browser (the browser tests, main/ipc/ws-bridge.ts) there is no preload:
 * the same requests and events travel on a WebSocket to
 * `ws://<host>/ipc?token=<token>`, the token coming from the page's own URL,
 * as JSON made by shared/ipc/wire.ts (bytes as base64).
 *
 * Messages: page → main `{ id, name, args }`; main → page `{ id, reply }` and
 * `{ event, payload }`. If the socket closes, every request still waiting is
 * rejected, later requests are rejected at once, and listeners of 'app.alert'
 * are told the connection was lost (the page can show it like any alert).
 * invoke() rejects only then, or for a name that is not a request; every
 * other failure is an IpcError reply, as in Electron.
 */
import type { EventName, Events, PaquetApi, Reply, RequestArgs, RequestName, RequestReply } from '../../../shared/ipc/contract.js';
import { decodeWire, encodeWire } from '../../../shared/ipc/wire.js';

/** What this module needs of a WebSocket (the DOM's; tests pass the `ws` package's client). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

/** WebSocket.OPEN, spelled out so this module needs no DOM constant (tests run in Node). */
const OPEN = 1;

/** How long to wait for the WebSocket to open before giving up. */
export const CONNECT_TIMEOUT_MS = 10_000;

let connecting: Promise<PaquetApi> | null = null;

/**
 * The API, connected once per page: a second call returns the same one (over
 * the WebSocket each connection is its own session, so there must be one).
 */
export function connectApi(): Promise<PaquetApi> {
  connecting ??= connect().catch((error: unknown) => {
    connecting = null; // let a later call try again
    throw error;
  });
  return connecting;
}

async function connect(): Promise<PaquetApi> {
  const fromPreload = (globalThis as { paquet?: unknown }).paquet;
  if (isPaquetApi(fromPreload)) return fromPreload;
  const token = new URLSearchParams(location.search).get('token');
  if (!token) {
    throw new Error(
      'This page has no connection to Paquet: open it from the desktop app, or from the address the test server gave (it ends in ?token=…).',
    );
  }
  return connectSocket(new WebSocket(socketUrl(location, token)), socketUrl(location, null));
}

/** True for an object with invoke() and on(), which is all a page uses. */
export function isPaquetApi(value: unknown): value is PaquetApi {
  const v = value as { invoke?: unknown; on?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.invoke === 'function' && typeof v.on === 'function';
}

/** The bridge's address for a page served from `loc`; `token` null gives the address without it (for messages). */
export function socketUrl(loc: { protocol: string; host: string }, token: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ipc${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

/** Waits for `socket` to open, then gives the API over it. `shownUrl` names it in errors (no token). */
export function connectSocket(socket: SocketLike, shownUrl: string, timeoutMs = CONNECT_TIMEOUT_MS): Promise<PaquetApi> {
  if (socket.readyState === OPEN) return Promise.resolve(socketApi(socket));
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`Could not connect to Paquet at ${shownUrl}: ${why}.`));
    };
    const timer = setTimeout(() => {
      fail(`no answer in ${timeoutMs / 1000} s`);
      socket.close();
    }, timeoutMs);
    socket.addEventListener('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(socketApi(socket));
    });
    // A browser says nothing about why (a 401 for a wrong token looks like a stopped server); both end here.
    const why = 'the server refused the connection or is not running (a wrong or missing token is refused)';
    socket.addEventListener('error', () => fail(why));
    socket.addEventListener('close', (event) => fail(`${why}; close code ${event.code}`));
  });
}

interface Pending {
  readonly name: string;
  resolve(reply: unknown): void;
  reject(error: Error): void;
}

/** The API over an open socket. */
export function socketApi(socket: SocketLike): PaquetApi {
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let lost: Error | null = null;

  function dispatch(name: string, payload: unknown): void {
    // A copy: a listener may unsubscribe (itself or another) while we loop.
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        // One broken listener must not keep the event from the others; it is reported, not hidden.
        console.error(`Paquet: a listener of '${name}' failed:`, error);
      }
    }
  }

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') {
      console.error('Paquet: ignored a binary WebSocket message (the bridge sends text only).');
      return;
    }
    let message: unknown;
    try {
      message = decodeWire(event.data);
    } catch (error) {
      console.error('Paquet: ignored a WebSocket message that is not valid wire JSON:', error);
      return;
    }
    const m = message as { id?: unknown; reply?: unknown; event?: unknown; payload?: unknown } | null;
    if (typeof m !== 'object' || m === null) {
      console.error('Paquet: ignored a WebSocket message that is not an object.');
    } else if (typeof m.id === 'number') {
      const waiting = pending.get(m.id);
      if (!waiting) {
        console.error(`Paquet: a reply came for request ${m.id}, which is not waiting.`);
        return;
      }
      pending.delete(m.id);
      waiting.resolve(m.reply);
    } else if (typeof m.event === 'string') {
      dispatch(m.event, m.payload);
    } else {
      console.error('Paquet: ignored a WebSocket message with neither an id nor an event.');
    }
  });

  // An error is always followed by 'close', which does the work; listening keeps it from being unhandled.
  socket.addEventListener('error', () => {});
  socket.addEventListener('close', (event) => {
    if (lost) return;
    const why = event.reason ? `: ${event.reason}` : '';
    lost = new Error(`The connection to Paquet was lost (WebSocket closed, code ${event.code}${why}). Reload the page to connect again.`);
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) p.reject(new Error(`${p.name}: ${lost.message}`));
    dispatch('app.alert', { title: 'Connection lost', message: lost.message } satisfies Events['app.alert']);
  });

  return {
    invoke<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<Reply<RequestReply<K>>> {
      if (typeof name !== 'string' || (name as string) === '') return Promise.reject(new TypeError(`${JSON.stringify(name)} is not a Paquet request name`));
      if (lost) return Promise.reject(new Error(`${name}: ${lost.message}`));
      const id = nextId++;
      let text: string;
      try {
        text = encodeWire({ id, name, args });
      } catch (error) {
        return Promise.reject(new Error(`${name}: its arguments cannot be sent (${error instanceof Error ? error.message : String(error)})`));
      }
      return new Promise((resolve, reject) => {
        pending.set(id, { name, resolve: resolve as (reply: unknown) => void, reject });
        try {
          socket.send(text);
        } catch (error) {
          pending.delete(id);
          reject(new Error(`${name}: could not be sent to Paquet (${error instanceof Error ? error.message : String(error)})`));
        }
      });
    },

    on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
      const l = listener as (payload: unknown) => void;
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(l);
      return () => {
        listeners.get(name)?.delete(l);
      };
    },
  };
}
