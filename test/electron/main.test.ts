/**
 * main.ts's lifecycle with Electron and SessionWindow replaced by stand-ins:
 * files from the command line, from macOS and from a second launch, the single
 * instance, the menu's targets, quitting after sessions stop.
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findCaptureProgram } from '../../main/capture/locate.js';

interface FakeWindowOptions {
  onClosed(w: unknown, disposal: Promise<void>): void;
  onRequestDone?(name: string): void;
  onCloseCancelled?(): void;
  stateDir: string;
  indexPath: string;
  preloadPath: string;
}

const h = vi.hoisted(() => ({
  current: null as null | {
    app: EventEmitter & Record<string, unknown>;
    windows: unknown[];
    focusedId: number | null;
    menus: unknown[][];
    boxes: unknown[];
    lock: boolean;
  },
}));

vi.mock('electron', () => {
  const c = () => h.current!;
  return {
    get app() {
      return c().app;
    },
    BrowserWindow: { getFocusedWindow: () => (c().focusedId === null ? null : { id: c().focusedId }) },
    Menu: { buildFromTemplate: (t: unknown[]) => t, setApplicationMenu: (t: unknown[]) => c().menus.push(t) },
    dialog: { showErrorBox: vi.fn(), showMessageBox: async (...a: unknown[]) => (c().boxes.push(a.at(-1)), { response: 0 }) },
    session: {
      defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, webRequest: { onHeadersReceived() {} } },
    },
  };
});

vi.mock('../../main/electron/window.js', () => {
  let nextId = 1;
  class SessionWindow {
    id = nextId++;
    opened: string[] = [];
    emitted: [string, unknown][] = [];
    focused = 0;
    empty = true;
    recentOpened: string[] = [];
    handlers = { handle: async (name: string) => (name === 'file.recent' ? [{ path: '/c/r.pcap', name: 'r.pcap' }] : null) };
    constructor(readonly options: FakeWindowOptions) {
      h.current!.windows.push(this);
    }
    async openPath(p: string) {
      this.opened.push(p);
      this.empty = false;
    }
    async openRecent(p: string) {
      this.recentOpened.push(p);
    }
    async isEmpty() {
      return this.empty;
    }
    focus() {
      this.focused++;
    }
    emit(name: string, payload: unknown) {
      this.emitted.push([name, payload]);
    }
    /** What SessionWindow does once its window is gone. */
    closeNow(disposal: Promise<void> = Promise.resolve()) {
      this.options.onClosed(this, disposal);
    }
  }
  return { SessionWindow };
});

type FakeWin = {
  id: number;
  opened: string[];
  emitted: [string, unknown][];
  focused: number;
  empty: boolean;
  recentOpened: string[];
  options: FakeWindowOptions;
  closeNow(d?: Promise<void>): void;
};

const savedArgv = process.argv;
const savedDefaultApp = (process as { defaultApp?: boolean }).defaultApp;

function fakeApp() {
  const app = new EventEmitter() as EventEmitter & Record<string, unknown>;
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  Object.assign(app, {
    calls: [] as string[],
    setPath: (k: string, v: string) => (app.calls as string[]).push(`setPath:${k}:${v}`),
    getPath: () => '/home/me/.config/paquet',
    getVersion: () => '0.1.0',
    requestSingleInstanceLock: () => h.current!.lock,
    enableSandbox: () => (app.calls as string[]).push('enableSandbox'),
    whenReady: () => readyPromise,
    quit: () => (app.calls as string[]).push('quit'),
    exit: (code: number) => (app.calls as string[]).push(`exit:${code}`),
    becomeReady: ready,
  });
  return app;
}

/** Loads main.ts afresh with this argv, then lets it become ready. */
async function startMain(argv: string[], options: { lock?: boolean; beforeReady?: (app: EventEmitter) => void } = {}) {
  h.current = { app: fakeApp(), windows: [], focusedId: null, menus: [], boxes: [], lock: options.lock ?? true };
  process.argv = argv;
  (process as { defaultApp?: boolean }).defaultApp = true;
  vi.resetModules();
  await import('../../main/electron/main.js');
  options.beforeReady?.(h.current.app);
  (h.current.app.becomeReady as () => void)();
  await new Promise((r) => setTimeout(r, 0));
  return { app: h.current.app, windows: h.current.windows as FakeWin[], calls: h.current.app.calls as string[] };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  process.argv = savedArgv;
  (process as { defaultApp?: boolean }).defaultApp = savedDefaultApp;
  vi.restoreAllMocks();
});

describe('main', () => {
  it('opens one window per file named on the command line, sandboxed, with the app page and userData', async () => {
    const { windows, calls } = await startMain(['/x/electron', '--inspect=0', '.', 'a.pcap', '/abs/b.pcapng']);
    expect(calls).toContain('enableSandbox');
    expect(windows.map((w) => w.opened)).toEqual([[resolve('a.pcap')], ['/abs/b.pcapng']]);
    const o = windows[0]!.options;
    expect(o.indexPath).toMatch(/renderer[/\\]index\.html$/);
    expect(o.preloadPath).toMatch(/electron[/\\]preload\.cjs$/);
    expect(o.stateDir).toBe('/home/me/.config/paquet');
  });

  it('opens one empty window without files, and builds the menu (then again with the recent files)', async () => {
    const { windows } = await startMain(['/x/electron', '.']);
    await flush();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.opened).toEqual([]);
    const menus = h.current!.menus as { label?: string; submenu?: { id?: string; submenu?: { label?: string }[] }[] }[][];
    expect(menus.length).toBe(2);
    const file = menus[1]!.find((m) => m.label?.replace('&', '') === 'File')!;
    expect(file.submenu!.find((i) => i.id === 'openRecent')!.submenu![0]!.label).toBe('r.pcap');
  });

  it('leaves everything to the Paquet already running when the single-instance lock is taken', async () => {
    const { windows, calls } = await startMain(['/x/electron', '.', 'a.pcap'], { lock: false });
    expect(calls).toContain('quit');
    expect(calls).not.toContain('enableSandbox');
    expect(windows).toEqual([]);
  });

  it('opens files macOS names before the app is ready', async () => {
    const { windows } = await startMain(['/x/electron', '.'], {
      beforeReady: (app) => {
        let prevented = false;
        app.emit('open-file', { preventDefault: () => (prevented = true) }, '/c/early.pcap');
        expect(prevented).toBe(true);
      },
    });
    expect(windows.map((w) => w.opened)).toEqual([['/c/early.pcap']]);
  });

  it('after ready, a file from macOS goes to the focused window if it shows nothing, else to a new one', async () => {
    const { app, windows } = await startMain(['/x/electron', '.']);
    h.current!.focusedId = windows[0]!.id;
    app.emit('open-file', { preventDefault() {} }, '/c/one.pcap');
    await flush();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.opened).toEqual(['/c/one.pcap']);
    app.emit('open-file', { preventDefault() {} }, '/c/two.pcap');
    await flush();
    expect(windows).toHaveLength(2);
    expect(windows[1]!.opened).toEqual(['/c/two.pcap']);
  });

  it('a second launch with files opens them in new windows; without, it brings the first window forward', async () => {
    const { app, windows } = await startMain(['/x/electron', '.']);
    app.emit('second-instance', {}, ['/x/electron', '.', 'c.pcap'], '/home/me/caps');
    await flush();
    expect(windows).toHaveLength(2);
    expect(windows[1]!.opened).toEqual(['/home/me/caps/c.pcap']);
    app.emit('second-instance', {}, ['/x/electron', '.', '--some-chromium-flag'], '/home/me');
    expect(windows).toHaveLength(2);
    expect(windows[0]!.focused).toBe(1);
  });

  it('sends menu commands to the focused window, and opens a window for them when none is open', async () => {
    const { windows } = await startMain(['/x/electron', '.']);
    h.current!.focusedId = windows[0]!.id;
    const menu = h.current!.menus.at(-1) as { label?: string; submenu?: { id?: string; click?: () => void }[] }[];
    const item = (id: string) => menu.flatMap((m) => m.submenu ?? []).find((i) => i.id === id)!;
    item('find').click!();
    expect(windows[0]!.emitted).toEqual([['menu.command', { command: 'find' }]]);

    windows[0]!.closeNow();
    h.current!.focusedId = null;
    item('open').click!();
    expect(windows).toHaveLength(2);
    expect(windows[1]!.emitted).toEqual([['menu.command', { command: 'open' }]]);
  });

  it('shows About with the versions', async () => {
    await startMain(['/x/electron', '.']);
    const menu = h.current!.menus.at(-1) as { submenu?: { id?: string; click?: () => void }[] }[];
    const about = () => menu.flatMap((m) => m.submenu ?? []).find((i) => i.id === 'about')!.click!();
    about();
    const box = h.current!.boxes[0] as { message: string; detail: string };
    expect(box.message).toBe('Paquet 0.1.0');
    expect(box.detail).toContain(`Node.js ${process.versions.node}`);
    // libpcap's version: asked of the capture program in the background at start, when it is built.
    if (!findCaptureProgram()) return console.log('main.test: the capture program is not built; the libpcap line is not checked');
    await vi.waitFor(() => {
      about();
      expect((h.current!.boxes.at(-1) as { detail: string }).detail).toMatch(/^libpcap version \d+\.\d+/m);
    }, 5000);
  });

  it('quits when the last window closes (not on macOS unless asked), after the sessions have stopped', async () => {
    const { app, windows, calls } = await startMain(['/x/electron', '.']);
    let stop!: () => void;
    windows[0]!.closeNow(new Promise<void>((r) => (stop = r)));
    app.emit('window-all-closed');
    const quitting = calls.filter((c) => c === 'quit').length;
    expect(quitting).toBe(process.platform === 'darwin' ? 0 : 1);

    let prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true); // a session is still stopping
    const before = calls.filter((c) => c === 'quit').length;
    stop();
    await vi.waitFor(() => expect(calls.filter((c) => c === 'quit').length).toBe(before + 1));
    prevented = false;
    app.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });

  it('carries on quitting after a window asked about unsaved packets, and stops if the user cancelled', async () => {
    const { app, windows, calls } = await startMain(['/x/electron', '.', 'a.pcap', 'b.pcap']);
    app.emit('before-quit');
    windows[0]!.options.onCloseCancelled!();
    windows[1]!.closeNow();
    expect(calls.filter((c) => c === 'quit')).toEqual([]); // cancelled: no more quitting
    app.emit('before-quit');
    windows[0]!.closeNow();
    expect(calls.filter((c) => c === 'quit')).toEqual(['quit']);
  });

  it('honours PAQUET_USER_DATA_DIR', async () => {
    process.env.PAQUET_USER_DATA_DIR = '/tmp/paquet-test-data';
    try {
      const { calls } = await startMain(['/x/electron', '.']);
      expect(calls).toContain('setPath:userData:/tmp/paquet-test-data');
    } finally {
      delete process.env.PAQUET_USER_DATA_DIR;
    }
  });
});
