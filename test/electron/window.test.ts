/**
 * SessionWindow with Electron and the Handlers replaced by stand-ins: which
 * requests reach the session, how events wait for the page, and closing with
 * unsaved packets.
 */
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_PREFIX, REQUEST_NAMES, type SessionState } from '../../shared/ipc/contract.js';

const fakes = await vi.hoisted(async () => {
  const { EventEmitter: Emitter } = await import('node:events');

  class FakeContents extends Emitter {
    handles = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>();
    sent: [string, unknown][] = [];
    destroyed = false;
    reloads = 0;
    ipc = { handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => this.handles.set(channel, fn) };
    send(channel: string, payload: unknown): void {
      this.sent.push([channel, payload]);
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    setWindowOpenHandler(): void {}
    reload(): void {
      this.reloads++;
    }
  }

  class FakeBrowserWindow extends Emitter {
    static nextId = 1;
    static last: FakeBrowserWindow | null = null;
    id = FakeBrowserWindow.nextId++;
    webContents = new FakeContents();
    title = '';
    visible = false;
    destroyed = false;
    loaded: string | null = null;
    constructor(readonly options: unknown) {
      super();
      FakeBrowserWindow.last = this;
    }
    loadFile(path: string): Promise<void> {
      this.loaded = path;
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isMinimized(): boolean {
      return false;
    }
    show(): void {
      this.visible = true;
    }
    focus(): void {}
    restore(): void {}
    setTitle(t: string): void {
      this.title = t;
    }
    setDocumentEdited(): void {}
    setRepresentedFilename(): void {}
    /** As Electron: 'close' (preventable), then 'closed'. */
    close(): void {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
    }
  }

  interface FakeHandlers {
    deps: { emit(name: string, payload: unknown): void; stateDir: string; captureProgram?: string };
    handle: ReturnType<typeof vi.fn>;
    openPath: ReturnType<typeof vi.fn>;
    mayClose: ReturnType<typeof vi.fn>;
    dispose: ReturnType<typeof vi.fn>;
  }
  const made: FakeHandlers[] = [];
  return { FakeBrowserWindow, made };
});

vi.mock('electron', () => ({
  BrowserWindow: fakes.FakeBrowserWindow,
  dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
}));

vi.mock('../../main/ipc/handlers.js', () => ({
  createHandlers: (deps: never) => {
    const h = {
      deps,
      handle: vi.fn(async (name: string, args: unknown) => ({ answered: name, args })),
      openPath: vi.fn(async (path: string) => ({ saved: true, path })),
      mayClose: vi.fn(async () => true),
      dispose: vi.fn(async () => {}),
    };
    fakes.made.push(h);
    return h;
  },
}));

const { SessionWindow } = await import('../../main/electron/window.js');

const INDEX = '/opt/paquet/dist/renderer/index.html';
const INDEX_URL = pathToFileURL(INDEX).href;
type Win = InstanceType<typeof fakes.FakeBrowserWindow>;

function makeWindow(extra: Record<string, unknown> = {}) {
  const closed: unknown[] = [];
  const cancelled: number[] = [];
  const done: string[] = [];
  const w = new SessionWindow({
    preloadPath: '/opt/paquet/dist/main/electron/preload.cjs',
    indexPath: INDEX,
    stateDir: '/tmp/state',
    appInfo: () => ({ version: '0', electron: null, chrome: null, node: '20', libpcap: null, platform: 'linux' }),
    onRequestDone: (n) => done.push(n),
    onCloseCancelled: () => cancelled.push(1),
    onClosed: (win, disposal) => closed.push([win, disposal]),
    ...extra,
  });
  const bw = fakes.FakeBrowserWindow.last as Win;
  return { w, bw, contents: bw.webContents, handlers: fakes.made.at(-1)!, closed, cancelled, done };
}

/** An invoke event as Electron builds it: from a frame with a URL, top-level unless `parent` is given. */
function fromFrame(url: string, parent: unknown = null) {
  return { senderFrame: { url, parent } };
}

const tick = () => new Promise((r) => setImmediate(r));

beforeEach(() => {
  fakes.made.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SessionWindow', () => {
  it("loads the app page with the secure options and gives the session Electron's userData", () => {
    const { bw, handlers } = makeWindow({ captureProgram: '/x/paquet-dumpcap' });
    expect(bw.loaded).toBe(INDEX);
    expect((bw.options as { webPreferences: { sandbox: boolean } }).webPreferences.sandbox).toBe(true);
    expect(handlers.deps.stateDir).toBe('/tmp/state');
    expect(handlers.deps.captureProgram).toBe('/x/paquet-dumpcap');
  });

  it('answers every request of the contract on its own channel, from its own page', async () => {
    const { contents, handlers, done } = makeWindow();
    expect([...contents.handles.keys()].sort()).toEqual(REQUEST_NAMES.map((n) => CHANNEL_PREFIX + n).sort());
    const reply = await contents.handles.get('paquet:rows.get')!(fromFrame(`${INDEX_URL}?x`), { from: 0, count: 10 });
    expect(reply).toEqual({ answered: 'rows.get', args: { from: 0, count: 10 } });
    expect(handlers.handle).toHaveBeenCalledWith('rows.get', { from: 0, count: 10 });
    expect(done).toEqual(['rows.get']);
  });

  it('refuses requests from a sub-frame, another page, or a frame already gone', async () => {
    const { contents, handlers } = makeWindow();
    const send = contents.handles.get('paquet:file.openDropped')!;
    for (const event of [fromFrame(INDEX_URL, { url: INDEX_URL }), fromFrame('https://example.com/'), fromFrame('file:///tmp/evil.html'), { senderFrame: null }]) {
      const reply = (await send(event, { path: '/etc/passwd' })) as { error: { code: string; message: string } };
      expect(reply.error.code).toBe('bad-argument');
      expect(reply.error.message).toMatch(/refused: it did not come from Paquet's own page/);
    }
    expect(handlers.handle).not.toHaveBeenCalled();
  });

  it('turns a handler that throws into an internal error reply', async () => {
    const { contents, handlers } = makeWindow();
    handlers.handle.mockRejectedValueOnce(new Error('boom'));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const reply = (await contents.handles.get('paquet:app.info')!(fromFrame(INDEX_URL), undefined)) as { error: { code: string; message: string } };
    quiet.mockRestore();
    expect(reply.error).toEqual({ code: 'internal', message: "Paquet failed while answering 'app.info': boom" });
  });

  it('holds events until the page has made its first request, and again after a reload', async () => {
    const { contents, handlers } = makeWindow();
    handlers.deps.emit('view.restore', { displayFilter: 'tcp' });
    const state = (n: number) => ({ n, source: { kind: 'empty' }, unsaved: false });
    handlers.deps.emit('session.changed', state(1));
    handlers.deps.emit('session.changed', state(2));
    expect(contents.sent).toEqual([]);
    await contents.handles.get('paquet:session.state')!(fromFrame(INDEX_URL), undefined);
    await tick();
    expect(contents.sent).toEqual([
      ['paquet:view.restore', { displayFilter: 'tcp' }],
      ['paquet:session.changed', state(2)],
    ]);
    handlers.deps.emit('menu.command', { command: 'find' });
    expect(contents.sent.at(-1)).toEqual(['paquet:menu.command', { command: 'find' }]);

    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url: INDEX_URL });
    handlers.deps.emit('app.alert', { title: 't', message: 'm' });
    expect(contents.sent).toHaveLength(3);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true, url: INDEX_URL });
    await contents.handles.get('paquet:session.state')!(fromFrame(INDEX_URL), undefined);
    await tick();
    expect(contents.sent.at(-1)).toEqual(['paquet:app.alert', { title: 't', message: 'm' }]);
  });

  it('titles the window after what the session shows', () => {
    const { bw, handlers } = makeWindow();
    handlers.deps.emit('session.changed', { source: { kind: 'file', path: '/c/chat.pcap', name: 'chat.pcap' }, unsaved: false } as SessionState);
    expect(bw.title).toBe('chat.pcap — Paquet');
  });

  it('opens a file from the OS through the session, and shows a failure as an alert', async () => {
    const { w, handlers, contents, done } = makeWindow();
    await w.openPath('/c/chat.pcap');
    expect(handlers.openPath).toHaveBeenCalledWith('/c/chat.pcap');
    expect(done).toEqual(['file.openPath']);
    handlers.openPath.mockRejectedValueOnce(new Error('disk on fire'));
    await w.openPath('/c/x.pcap');
    await contents.handles.get('paquet:session.state')!(fromFrame(INDEX_URL), undefined);
    await tick();
    expect(contents.sent).toContainEqual(['paquet:app.alert', { title: 'Could not open the file', message: '/c/x.pcap: disk on fire' }]);
  });

  it('closes only when the session agrees, asking once however often the user clicks', async () => {
    const { bw, handlers, closed, cancelled } = makeWindow();
    let answer!: (ok: boolean) => void;
    handlers.mayClose.mockImplementationOnce(() => new Promise<boolean>((r) => (answer = r)));
    bw.close();
    bw.close();
    expect(handlers.mayClose).toHaveBeenCalledTimes(1);
    answer(false);
    await tick();
    expect(bw.destroyed).toBe(false);
    expect(cancelled).toEqual([1]);
    expect(closed).toEqual([]);

    bw.close(); // mayClose → true (the default)
    await tick();
    expect(bw.destroyed).toBe(true);
    expect(closed).toHaveLength(1);
    expect(handlers.dispose).toHaveBeenCalledTimes(1);
    expect(handlers.mayClose).toHaveBeenCalledTimes(2);
  });

  it('lets the window close if the question itself fails (never an unclosable window)', async () => {
    const { bw, handlers } = makeWindow();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    handlers.mayClose.mockRejectedValueOnce(new Error('oops'));
    bw.close();
    await tick();
    quiet.mockRestore();
    expect(bw.destroyed).toBe(true);
  });

  it('shows the window on its first paint, or after a while if the page never paints', () => {
    vi.useFakeTimers();
    const { bw } = makeWindow();
    expect(bw.visible).toBe(false);
    bw.emit('ready-to-show');
    expect(bw.visible).toBe(true);
    const late = makeWindow().bw;
    vi.advanceTimersByTime(5000);
    expect(late.visible).toBe(true);
  });

  it('reloads a crashed page a few times, not forever', () => {
    const { contents } = makeWindow();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (let i = 0; i < 6; i++) contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    quiet.mockRestore();
    expect(contents.reloads).toBe(3);
  });
});
