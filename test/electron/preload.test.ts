/**
 * The preload, run as Electron runs a sandboxed preload: its compiled
 * CommonJS evaluated in a function given `require`, `exports` and `module`,
 * where `require` knows only 'electron' (here a stand-in that records calls).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_PREFIX, EVENT_NAMES, REQUEST_NAMES, type PaquetApi } from '../../shared/ipc/contract.js';
import { REPO } from '../support/dissect-file.js';

const SOURCE = readFileSync(join(REPO, 'main/electron/preload.cts'), 'utf8');
const COMPILED = ts.transpileModule(SOURCE, {
  compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
  fileName: 'preload.cts',
}).outputText;

type Listener = (event: unknown, ...args: unknown[]) => void;

interface Loaded {
  exposed: Map<string, unknown>;
  api: PaquetApi;
  invoked: { channel: string; args: unknown[] }[];
  listeners: Map<string, Set<Listener>>;
  required: string[];
  pathFor: (file: unknown) => string;
}

function load(pathFor: (file: unknown) => string = () => ''): Loaded {
  const exposed = new Map<string, unknown>();
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) => {
        invoked.push({ channel, args });
        return Promise.resolve({ echoed: channel });
      },
      on: (channel: string, l: Listener) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
      },
      removeListener: (channel: string, l: Listener) => listeners.get(channel)?.delete(l),
    },
    webUtils: { getPathForFile: (file: unknown) => pathFor(file) },
  };
  const sandboxRequire = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`); // what a sandboxed preload's require says
  };
  const exports = {};
  // The same wrapper shape Electron uses for sandboxed preloads.
  const wrapper = runInNewContext(`(function (require, process, exports, module) {\n${COMPILED}\n})`, { TypeError, Promise, JSON, Error, RegExp });
  wrapper(sandboxRequire, {}, exports, { exports });
  return { exposed, api: exposed.get('paquet') as PaquetApi, invoked, listeners, required, pathFor };
}

describe('the preload', () => {
  let p: Loaded;
  beforeEach(() => {
    p = load();
  });

  it("requires nothing but 'electron' and exposes only window.paquet with invoke, on and pathOfDroppedFile", () => {
    expect(p.required).toEqual(['electron']);
    expect([...p.exposed.keys()]).toEqual(['paquet']);
    expect(Object.keys(p.api).sort()).toEqual(['invoke', 'on', 'pathOfDroppedFile']);
  });

  it('sends every request of the contract on its channel, CHANNEL_PREFIX + name', async () => {
    for (const name of REQUEST_NAMES) {
      await expect(p.api.invoke(name, undefined as never)).resolves.toEqual({ echoed: CHANNEL_PREFIX + name });
    }
    expect(p.invoked.map((i) => i.channel)).toEqual(REQUEST_NAMES.map((n) => CHANNEL_PREFIX + n));
  });

  it('passes the arguments as they are', async () => {
    const args = { from: 0, count: 50 };
    await p.api.invoke('rows.get', args);
    expect(p.invoked).toEqual([{ channel: 'paquet:rows.get', args: [args] }]);
  });

  it('refuses names that are not request names, without sending anything', async () => {
    const bad: unknown[] = ['', 'app', 'paquet:app.info', 'app.info\n', '../app.info', 'app.info.x', 'App.info', 'a.b c', 'ELECTRON_BROWSER_REQUIRE', 42, null, undefined, { toString: () => 'app.info' }];
    for (const name of bad) {
      await expect(p.api.invoke(name as never, undefined as never), String(name)).rejects.toThrow(/is not a Paquet request or event name/);
    }
    expect(p.invoked).toEqual([]);
  });

  it('subscribes to every event of the contract, and hands the listener the payload only', () => {
    for (const name of EVENT_NAMES) {
      const got: unknown[][] = [];
      const off = p.api.on(name, (...args: unknown[]) => got.push(args));
      const subscribed = [...p.listeners.get(CHANNEL_PREFIX + name)!];
      expect(subscribed).toHaveLength(1);
      const ipcEvent = { sender: { send: () => 'must not leak' }, ports: [] };
      subscribed[0]!(ipcEvent, { some: 'payload' });
      expect(got).toEqual([[{ some: 'payload' }]]);
      off();
      expect(p.listeners.get(CHANNEL_PREFIX + name)!.size).toBe(0);
      off(); // twice is harmless
    }
  });

  it('keeps two listeners of one event apart', () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = p.api.on('session.changed', (s) => a.push(s));
    p.api.on('session.changed', (s) => b.push(s));
    offA();
    for (const l of p.listeners.get('paquet:session.changed')!) l({}, 'state');
    expect(a).toEqual([]);
    expect(b).toEqual(['state']);
  });

  it('refuses bad event names and non-function listeners', () => {
    expect(() => p.api.on('paquet:menu.command' as never, () => {})).toThrow(/not a Paquet request or event name/);
    expect(() => p.api.on('menu.command', 'nope' as never)).toThrow(/must be a function/);
    expect(p.listeners.size).toBe(0);
  });

  it('gives the path of a dropped file, and undefined for a File not on disk or not a File', () => {
    const withPath = load((f) => ((f as { name?: string }).name === 'chat.pcap' ? '/home/me/chat.pcap' : ''));
    expect(withPath.api.pathOfDroppedFile!({ name: 'chat.pcap' } as never)).toBe('/home/me/chat.pcap');
    expect(withPath.api.pathOfDroppedFile!({ name: 'made-in-page' } as never)).toBeUndefined();
    const throwing = load(() => {
      throw new TypeError('not a File');
    });
    expect(throwing.api.pathOfDroppedFile!(42 as never)).toBeUndefined();
  });

  it("says in its source why it repeats the contract's prefix, and repeats it exactly", () => {
    expect(SOURCE).toContain(`const PREFIX = '${CHANNEL_PREFIX}'`);
    expect(SOURCE).toMatch(/cannot load project modules/);
    // Only type imports from the project: anything else would be a require() the sandbox refuses.
    for (const m of SOURCE.matchAll(/^import\s+(.*?)\s+from\s+'([^']+)'/gm)) expect(m[1], m[2]).toMatch(/^type\s/);
  });
});
