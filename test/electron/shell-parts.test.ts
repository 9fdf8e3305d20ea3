/** The small pure parts of the Electron shell: argv, dialogs' texts and filters, the event gate, app info, the title. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/ipc/contract.js';
import { makeAppInfo, parseVersionOutput, probeLibpcapVersion } from '../../main/electron/app-info.js';
import { filesFromArgv } from '../../main/electron/argv.js';
import { DISCARD_BUTTONS, OPEN_FILTERS, SAVE_CAPTURE_FILTERS, SAVE_JSONL_FILTERS, createDialogs, discardQuestion, withDefaultExtension } from '../../main/electron/dialogs.js';
import { EventGate } from '../../main/electron/event-gate.js';
import { windowTitle } from '../../main/electron/title.js';
import { findCaptureProgram } from '../../main/capture/locate.js';

describe('filesFromArgv', () => {
  it('packaged: every non-flag argument after the executable, resolved from cwd', () => {
    expect(filesFromArgv(['/opt/Paquet/paquet', 'chat.pcap', '/abs/b.pcapng'], false, '/home/me')).toEqual(['/home/me/chat.pcap', '/abs/b.pcapng']);
  });

  it('development (electron <app> file): the app path is not a file', () => {
    expect(filesFromArgv(['/x/electron', '.', 'chat.pcap'], true, '/w')).toEqual(['/w/chat.pcap']);
    expect(filesFromArgv(['/x/electron', '/w/dist/main/electron/main.js'], true, '/w')).toEqual([]);
  });

  it('skips flags, before and after the app path, including those Chromium and Playwright add', () => {
    const argv = ['/x/electron', '--inspect=0', '--remote-debugging-port=0', '/w/dist/main/electron/main.js', '--no-sandbox', '../caps/chat.pcap', '--original-process-start-time=13371337'];
    expect(filesFromArgv(argv, true, '/w/sub')).toEqual(['/w/caps/chat.pcap']);
  });

  it("'--' ends the flags, so a file may start with a dash; empty arguments are ignored", () => {
    expect(filesFromArgv(['/p', '', '--', '-odd.pcap', '--also.pcap'], false, '/w')).toEqual(['/w/-odd.pcap', '/w/--also.pcap']);
  });

  it('no arguments: no files', () => {
    expect(filesFromArgv(['/p'], false, '/w')).toEqual([]);
    expect(filesFromArgv([], true, '/w')).toEqual([]);
  });
});

describe('dialogs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paquet-dialogs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('open offers every capture format Paquet reads, then all files', () => {
    expect(OPEN_FILTERS[0]!.extensions).toEqual(['pcap', 'pcapng', 'cap', 'gz']);
    expect(OPEN_FILTERS.at(-1)!.extensions).toEqual(['*']);
    expect(SAVE_CAPTURE_FILTERS).toEqual([{ name: 'pcapng', extensions: ['pcapng'] }]);
    expect(SAVE_JSONL_FILTERS).toEqual([{ name: 'JSON Lines', extensions: ['jsonl'] }]);
  });

  it('adds the extension to a bare name, unless that would overwrite a file nobody was asked about', () => {
    expect(withDefaultExtension(join(dir, 'chat'), 'pcapng')).toBe(join(dir, 'chat.pcapng'));
    expect(withDefaultExtension(join(dir, 'chat.pcap'), 'pcapng')).toBe(join(dir, 'chat.pcap'));
    writeFileSync(join(dir, 'taken.pcapng'), '');
    expect(withDefaultExtension(join(dir, 'taken'), 'pcapng')).toBe(join(dir, 'taken'));
  });

  it('asks about unsaved packets with Cancel as the default and the Escape answer', () => {
    const q = discardQuestion(1234);
    expect(q.message).toBe('Discard 1,234 packets that are in no saved file?');
    expect(discardQuestion(1).message).toBe('Discard 1 packet that is in no saved file?');
    expect(discardQuestion(0, 2).message).toBe('Discard 2 edited packet comments?');
    expect(discardQuestion(3, 1).message).toBe('Discard 3 packets that are in no saved file and 1 edited packet comment?');
    expect(q.buttons).toEqual([...DISCARD_BUTTONS]);
    expect(q.buttons![q.defaultId!]).toBe('Cancel');
    expect(q.buttons![q.cancelId!]).toBe('Cancel');
  });

  it('maps the native answers onto the Dialogs interface, attached to the window', async () => {
    const calls: string[] = [];
    const win = { isDestroyed: () => false };
    let openAnswer: { canceled: boolean; filePaths: string[] } = { canceled: false, filePaths: ['/c/chat.pcap'] };
    let saveAnswer = { canceled: false, filePath: join(dir, 'out') };
    let boxAnswer = 0;
    const fake = {
      showOpenDialog: async (parent: unknown, o: { filters: unknown }) => {
        calls.push(`open:${parent === win}:${JSON.stringify(o.filters) === JSON.stringify(OPEN_FILTERS)}`);
        return openAnswer;
      },
      showSaveDialog: async (parent: unknown, o: { defaultPath: string }) => {
        calls.push(`save:${parent === win}:${o.defaultPath}`);
        return saveAnswer;
      },
      showMessageBox: async (parent: unknown) => {
        calls.push(`box:${parent === win}`);
        return { response: boxAnswer, checkboxChecked: false };
      },
    };
    const d = createDialogs(win as never, fake as never);
    expect(await d.openCapture()).toBe('/c/chat.pcap');
    openAnswer = { canceled: true, filePaths: [] };
    expect(await d.openCapture()).toBeNull();
    expect(await d.saveCapture('chat.pcapng')).toBe(join(dir, 'out.pcapng'));
    expect(await d.saveJsonLines('ws-1.jsonl')).toBe(join(dir, 'out.jsonl'));
    saveAnswer = { canceled: true, filePath: '' };
    expect(await d.saveCapture('x.pcapng')).toBeNull();
    expect(await d.confirmDiscard(5)).toBe(true); // button 0: Discard
    boxAnswer = 1;
    expect(await d.confirmDiscard(5)).toBe(false); // Cancel
    expect(calls).toEqual(['open:true:true', 'open:true:true', 'save:true:chat.pcapng', 'save:true:ws-1.jsonl', 'save:true:x.pcapng', 'box:true', 'box:true']);
  });

  it('still asks, unattached, when the window is already gone', async () => {
    const seen: number[] = [];
    const fake = {
      showMessageBox: async (...args: unknown[]) => {
        seen.push(args.length);
        return { response: 1, checkboxChecked: false };
      },
    };
    const d = createDialogs({ isDestroyed: () => true } as never, fake as never);
    expect(await d.confirmDiscard(3)).toBe(false);
    expect(seen).toEqual([1]);
  });
});

describe('EventGate', () => {
  it('holds events until opened, then delivers them in order and lets later ones through', () => {
    const out: string[] = [];
    const gate = new EventGate((n, p) => out.push(`${n}=${String(p)}`));
    gate.emit('app.alert', 'a');
    gate.emit('view.restore', 'v');
    expect(out).toEqual([]);
    gate.open();
    expect(out).toEqual(['app.alert=a', 'view.restore=v']);
    gate.emit('menu.command', 'm');
    expect(out.at(-1)).toBe('menu.command=m');
  });

  it('keeps only the latest session.changed while held (a snapshot), at its latest position', () => {
    const out: string[] = [];
    const gate = new EventGate((n, p) => out.push(`${n}=${String(p)}`));
    gate.emit('session.changed', 1);
    gate.emit('app.alert', 'x');
    gate.emit('session.changed', 2);
    gate.emit('session.changed', 3);
    gate.open();
    expect(out).toEqual(['app.alert=x', 'session.changed=3']);
  });

  it('holds at most `limit` events, dropping the oldest, and closes again on reload', () => {
    const out: unknown[] = [];
    const gate = new EventGate((_n, p) => out.push(p), 3);
    for (let i = 0; i < 5; i++) gate.emit('app.alert', i);
    expect(gate.dropped).toBe(2);
    gate.open();
    expect(out).toEqual([2, 3, 4]);
    gate.close();
    expect(gate.isOpen).toBe(false);
    gate.emit('app.alert', 9);
    expect(out).toEqual([2, 3, 4]);
    gate.open();
    expect(out).toEqual([2, 3, 4, 9]);
  });
});

describe('app info', () => {
  it("reads libpcap's version from the capture program's JSON line", () => {
    expect(parseVersionOutput('{"event":"version","version":"0.1.0","libpcap":"libpcap version 1.10.3 (with TPACKET_V3)"}\n')).toBe('libpcap version 1.10.3 (with TPACKET_V3)');
    expect(parseVersionOutput('noise\n{"event":"stats"}\n{"event":"version","libpcap":"libpcap version 1.9.1"}')).toBe('libpcap version 1.9.1');
    expect(parseVersionOutput('')).toBeNull();
    expect(parseVersionOutput('{broken')).toBeNull();
    expect(parseVersionOutput('{"event":"version","libpcap":""}')).toBeNull();
  });

  it('has no libpcap version without a program, or when the program fails', async () => {
    expect(await probeLibpcapVersion('')).toBeNull();
    expect(await probeLibpcapVersion('/nonexistent/paquet-dumpcap')).toBeNull();
  });

  const program = findCaptureProgram();
  if (!program) console.log('shell-parts.test: the capture program is not built (node main/capture/build.mjs); its --version is not asked');
  it.skipIf(!program)('asks the built capture program', async () => {
    expect(await probeLibpcapVersion(program)).toMatch(/^libpcap version \d+\.\d+/);
  });

  it('takes Electron and Chromium versions when present', () => {
    const inNode = makeAppInfo('0.1.0', process.versions, null, 'linux');
    expect(inNode).toEqual({ version: '0.1.0', electron: null, chrome: null, node: process.versions.node, libpcap: null, platform: 'linux' });
    const inElectron = makeAppInfo('0.1.0', { ...process.versions, electron: '41.10.7', chrome: '146.0.1' }, 'libpcap version 1.10.3', 'darwin');
    expect(inElectron.electron).toBe('41.10.7');
    expect(inElectron.chrome).toBe('146.0.1');
  });
});

describe('windowTitle', () => {
  const base = { unsaved: false } as SessionState;
  it('names the file, or the interface being captured, with a dot when unsaved', () => {
    expect(windowTitle({ ...base, source: { kind: 'empty' } })).toBe('Paquet');
    expect(windowTitle({ ...base, source: { kind: 'file', path: '/c/chat.pcap', name: 'chat.pcap' } })).toBe('chat.pcap — Paquet');
    expect(windowTitle({ ...base, unsaved: true, source: { kind: 'live', interface: 'lo', filter: 'tcp port 7272' } })).toBe('• lo (tcp port 7272) — Paquet');
    expect(windowTitle({ ...base, source: { kind: 'live', interface: 'any', filter: '' } })).toBe('any — Paquet');
  });
});

it('no module of the shell but main.ts, window.ts and the preload loads Electron at run time', async () => {
  // The pure modules are what these tests import; a value import of 'electron' would throw here (no binary).
  const { readdirSync, readFileSync } = await import('node:fs');
  const dirPath = join(import.meta.dirname, '../../main/electron');
  const loaders = readdirSync(dirPath)
    .filter((f) => /\.c?ts$/.test(f))
    .filter((f) => /^import\s+(?!type\b)[^;]*from\s+'electron'|require\('electron'\)|import\s+\w+\s*=\s*require\('electron'\)/m.test(readFileSync(join(dirPath, f), 'utf8')));
  expect(loaders.sort()).toEqual(['main.ts', 'preload.cts', 'window.ts']);
  expect(existsSync(join(dirPath, 'csp.ts'))).toBe(true);
});
