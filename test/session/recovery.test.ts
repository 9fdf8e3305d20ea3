/**
 * Recovery of unsaved live captures (issue 8), with the fake decoder: capture
 * folders under <stateDir>/captures written by hand with fake owners (a dead
 * pid comes from a process that has exited), listed by file.recoverable only
 * when their owner is gone, opened by file.recover as unsaved captures, deleted
 * by file.discardRecoverable; and leftovers swept.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isIpcError, type RecoverableCapture, type SessionState } from '../../shared/ipc/contract.js';
import { PcapngWriter } from '../../shared/capture/pcapng-writer.js';
import { createHandlers, type Handlers } from '../../main/ipc/handlers.js';
import { bootId, identityOf, processStartTicks, stillRunning } from '../../main/session/process-identity.js';
import { parseMarker } from '../../main/session/capture-folder.js';
import { APP_INFO, DecoderLog, EventRecorder, FakeDialogs, scratch, VIEW } from './fakes.js';
import { fakeDumpcap } from './fake-dumpcap.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The pid of a process that has exited (spawned, waited for): kill(pid, 0) fails with ESRCH. */
function deadPid(): number {
  const r = spawnSync('true');
  if (r.pid === undefined || r.status !== 0) throw new Error('cannot run `true`');
  return r.pid;
}

/** A process that stays alive until killed (a sleeping child of this process, killed at the end at the latest). */
function liveProcess(): { pid: number; kill(): Promise<void> } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = async (): Promise<void> => {
    child.kill('SIGKILL');
    await exited;
  };
  cleanups.push(kill);
  return { pid: child.pid!, kill };
}

/** A small, valid pcapng: section header, one Ethernet interface, `packets` packets. */
function pcapng(packets: number): Buffer {
  const w = new PcapngWriter({ userAppl: 'test' });
  const parts = [w.sectionHeader(), w.addInterface({ linkType: 1, snapLen: 262144, name: 'lo' })];
  for (let i = 0; i < packets; i++) {
    parts.push(w.packet({ interface: 0, tsSec: 1_700_000_000 + i, tsNsec: 0, origLen: 60, data: new Uint8Array(60).fill(i) }));
  }
  return Buffer.concat(parts);
}

interface Folder {
  readonly dir: string;
  readonly file: string;
}

function world() {
  const s = scratch('paquet-recovery-');
  cleanups.push(s.cleanup);
  const stateDir = join(s.dir, 'state');
  const log = new DecoderLog();
  const dialogs = new FakeDialogs();
  const events = new EventRecorder();
  const logged: string[] = [];
  const make = (state = stateDir): Handlers => {
    const h = createHandlers({
      dialogs, emit: events.emit, stateDir: state, appInfo: () => APP_INFO, startDecoder: log.start, log: (m) => logged.push(m), changeIntervalMs: 20,
    });
    cleanups.push(() => h.dispose());
    return h;
  };
  const handlers = make();
  /** A capture folder as a run of Paquet leaves it (marker as given, or none; pcapng bytes, or none). */
  const folder = (name: string, marker: object | string | null, file: Buffer | null = pcapng(3), state = stateDir): Folder => {
    const dir = join(state, 'captures', name);
    mkdirSync(dir, { recursive: true });
    if (marker !== null) writeFileSync(join(dir, 'capture.json'), typeof marker === 'string' ? marker : JSON.stringify(marker));
    if (file) writeFileSync(join(dir, 'live.pcapng'), file);
    return { dir, file: join(dir, 'live.pcapng') };
  };
  const marker = (pid: number, extra: object = {}) => ({ version: 1, interface: 'lo', filter: 'udp', startedMs: 1_700_000_000_000, pid, ...extra });
  const call = (name: string, args?: unknown) => handlers.handle(name, args);
  const list = async (h: Handlers = handlers) => (await h.handle('file.recoverable', undefined)) as RecoverableCapture[];
  return { dir: s.dir, stateDir, log, dialogs, events, logged, handlers, make, folder, marker, call, list };
}

describe('file.recoverable', () => {
  it('lists a capture whose owner is gone, with its start, size and interface; never one of a running process', async () => {
    const w = world();
    const dead = deadPid();
    const gone = w.folder(`${dead}-aaaaaa`, w.marker(dead));
    w.folder(`${process.pid}-bbbbbb`, w.marker(process.pid)); // this process: another window's capture
    const other = liveProcess().pid;
    w.folder(`${other}-cccccc`, w.marker(other)); // another app's current capture
    const list = await w.list();
    expect(list).toEqual([{ path: gone.file, startedMs: 1_700_000_000_000, bytes: pcapng(3).length, interface: 'lo' }]);
  });

  it('waits while the capture program of a dead app still runs (it is finishing the file)', async () => {
    const w = world();
    const dead = deadPid();
    const program = liveProcess();
    const f = w.folder(`${dead}-aaaaaa`, w.marker(dead, { program: { pid: program.pid } }));
    expect(await w.list()).toEqual([]);
    await program.kill();
    expect(stillRunning({ pid: program.pid })).toBe(false);
    expect((await w.list()).map((r) => r.path)).toEqual([f.file]);
  });

  it('lists newest first, and offers a capture whose marker is damaged (interface unknown) rather than drop it', async () => {
    const w = world();
    const dead = deadPid();
    const older = w.folder(`${dead}-aaaaaa`, w.marker(dead, { startedMs: 1000 }));
    const newer = w.folder(`${dead}-bbbbbb`, w.marker(dead, { startedMs: 2000 }));
    const damaged = w.folder(`${dead}-cccccc`, '{"version":1,"pid":');
    const list = await w.list();
    expect(list.map((r) => r.path)).toEqual([damaged.file, newer.file, older.file]); // the damaged one dates from its file
    expect(list[0]).toMatchObject({ interface: null });
    expect(w.logged.join('\n')).toContain('is damaged');
  });

  it('sweeps folders that hold nothing to recover once their owner is gone, and keeps those of running processes', async () => {
    const w = world();
    const dead = deadPid();
    const saved = w.folder(`${dead}-aaaaaa`, null); // marker removed on Save, then the app died
    const empty = w.folder(`${dead}-bbbbbb`, w.marker(dead), null); // the program never wrote a header
    const short = w.folder(`${dead}-cccccc`, w.marker(dead), pcapng(0).subarray(0, 20)); // half a header
    const notPcapng = w.folder(`${dead}-dddddd`, w.marker(dead), Buffer.from('not a capture file at all, really'));
    const settingUp = w.folder(`${process.pid}-eeeeee`, null); // this process, marker not written yet
    const noPid = w.folder('stray', null);
    expect(await w.list()).toEqual([]);
    for (const f of [saved, empty, short, notPcapng, noPid]) expect(existsSync(f.dir), f.dir).toBe(false);
    expect(existsSync(settingUp.dir)).toBe(true);
  });

  it('a pid that names another process now (reboot, or reused) does not hide the capture (Linux)', async (ctx) => {
    if (process.platform !== 'linux' || !bootId() || !processStartTicks(process.pid)) {
      console.log('boot id / start time checks skipped: they need Linux /proc');
      ctx.skip();
    }
    const w = world();
    const me = identityOf();
    const dead = deadPid();
    // This process's pid, but recorded before a reboot, or for a process that started at another time.
    const rebooted = w.folder(`${dead}-aaaaaa`, w.marker(process.pid, { boot: 'another-boot-id', started: me.started }));
    const reused = w.folder(`${dead}-bbbbbb`, w.marker(process.pid, { boot: me.boot, started: '1' }));
    const same = w.folder(`${dead}-cccccc`, w.marker(process.pid, { boot: me.boot, started: me.started }));
    const paths = (await w.list()).map((r) => r.path);
    expect(paths).toContain(rebooted.file);
    expect(paths).toContain(reused.file);
    expect(paths).not.toContain(same.file);
  });

  it('is empty for a state folder where nothing was ever captured', async () => {
    const w = world();
    expect(await w.list()).toEqual([]);
  });
});

describe('file.recover', () => {
  it('opens a listed capture as an unsaved one: closing asks, Save shows the dialog, then the marker is gone', async () => {
    const w = world();
    const dead = deadPid();
    const f = w.folder(`${dead}-aaaaaa`, w.marker(dead));
    const r = (await w.call('file.recover', { path: f.file })) as { saved: true; path: string };
    expect(r).toMatchObject({ saved: true });
    // Taken over: renamed to a folder of this process, marker rewritten with this process as owner.
    expect(existsSync(f.dir)).toBe(false);
    const claimed = join(r.path, '..');
    expect(r.path.startsWith(join(w.stateDir, 'captures', `${process.pid}-`))).toBe(true);
    const m = parseMarker(readFileSync(join(claimed, 'capture.json'), 'utf8'));
    expect(m).toMatchObject({ pid: process.pid, interface: 'lo', filter: 'udp', startedMs: 1_700_000_000_000 });
    expect(m?.program).toBeUndefined();
    expect(w.log.last.called('open')[0]!.args).toEqual([r.path, { follow: false }]);

    const state = (await w.call('session.state')) as SessionState;
    expect(state).toMatchObject({ source: { kind: 'live', interface: 'lo', filter: 'udp' }, unsaved: true, packets: 37, capture: { state: 'idle' } });
    // It is this process's now: not offered to another window.
    expect(await w.list(w.make())).toEqual([]);

    expect(await w.handlers.mayClose()).toBe(false);
    expect(w.dialogs.asks('confirmDiscard')).toEqual([37]);

    const target = join(w.dir, 'recovered.pcapng');
    w.dialogs.saveAnswers.push(target);
    expect(await w.call('file.save', { as: false, view: VIEW })).toEqual({ saved: true, path: target });
    // The suggested name carries the capture's own start time, not now.
    expect(w.dialogs.asks('saveCapture')[0]).toMatch(/^paquet-lo-2023111\d-\d{6}\.pcapng$/);
    expect(existsSync(join(claimed, 'capture.json'))).toBe(false);
    expect(await w.call('session.state')).toMatchObject({ unsaved: false, source: { kind: 'file', path: target } });
    expect(await w.handlers.mayClose()).toBe(true);
    await w.handlers.dispose();
    expect(existsSync(claimed)).toBe(false);
  });

  it('refuses a path that file.recoverable does not offer, whatever it is', async () => {
    const w = world();
    const mine = w.folder(`${process.pid}-aaaaaa`, w.marker(process.pid));
    const elsewhere = join(w.dir, 'x.pcapng');
    writeFileSync(elsewhere, pcapng(1));
    for (const path of [mine.file, elsewhere, '/etc/passwd', join(w.stateDir, 'captures', '..', 'recent-files.json'), 'relative/live.pcapng']) {
      const r = await w.call('file.recover', { path });
      expect(isIpcError(r) && r.error, path).toMatchObject({ code: 'bad-argument', message: expect.stringContaining('is not one of the captures that can be recovered') });
      const d = await w.call('file.discardRecoverable', { path });
      expect(isIpcError(d) && d.error.code, path).toBe('bad-argument');
    }
    expect(existsSync(mine.dir)).toBe(true);
    expect(existsSync(elsewhere)).toBe(true);
    expect(w.log.decoders.filter((d) => d.called('open').length > 0)).toEqual([]);
  });

  it('asks about unsaved packets first; a refusal leaves the capture where it was', async () => {
    const w = world();
    const dead = deadPid();
    const first = w.folder(`${dead}-aaaaaa`, w.marker(dead));
    const second = w.folder(`${dead}-bbbbbb`, w.marker(dead, { startedMs: 1 }));
    expect(await w.call('file.recover', { path: first.file })).toMatchObject({ saved: true });
    w.dialogs.confirmAnswers.push(false);
    expect(await w.call('file.recover', { path: second.file })).toEqual({ saved: false, cancelled: true });
    expect(existsSync(second.file)).toBe(true);
    expect((await w.list()).map((r) => r.path)).toEqual([second.file]);
    w.dialogs.confirmAnswers.push(true);
    const r = (await w.call('file.recover', { path: second.file })) as { path: string };
    expect(r).toMatchObject({ saved: true });
    expect(w.dialogs.asks('confirmDiscard')).toEqual([37, 37]);
    // The first one was dropped (the user agreed): its folder is gone; the second is the session's.
    expect(readdirSync(join(w.stateDir, 'captures'))).toEqual([join(r.path, '..').split('/').pop()]);
  });

  it('gives the capture back when it cannot be opened, so it is offered again', async () => {
    const w = world();
    // The fake decoder refuses any path containing "broken".
    const state = join(w.dir, 'broken-state');
    const h = w.make(state);
    const dead = deadPid();
    const f = w.folder(`${dead}-aaaaaa`, w.marker(dead), pcapng(3), state);
    const r = await h.handle('file.recover', { path: f.file });
    expect(isIpcError(r) && r.error).toMatchObject({ code: 'file', message: expect.stringContaining('not a capture file') });
    expect(existsSync(f.file)).toBe(true);
    expect(parseMarker(readFileSync(join(f.dir, 'capture.json'), 'utf8'))).toMatchObject({ pid: dead });
    expect((await w.list(h)).map((x) => x.path)).toEqual([f.file]);
    expect(await h.handle('session.state', undefined)).toMatchObject({ source: { kind: 'empty' }, unsaved: false });
  });

  it('two windows recovering the same capture at once: one gets it, the other is told', async () => {
    const w = world();
    const dead = deadPid();
    const f = w.folder(`${dead}-aaaaaa`, w.marker(dead));
    const other = w.make();
    const [a, b] = await Promise.all([w.call('file.recover', { path: f.file }), other.handle('file.recover', { path: f.file })]);
    const wins = [a, b].filter((x) => !isIpcError(x));
    const losses = [a, b].filter(isIpcError);
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(1);
    expect(['bad-argument', 'not-found']).toContain(losses[0]!.error.code);
    expect(readdirSync(join(w.stateDir, 'captures'))).toHaveLength(1);
  });
});

describe('file.discardRecoverable', () => {
  it('deletes the folder for good; it is no longer offered', async () => {
    const w = world();
    const dead = deadPid();
    const f = w.folder(`${dead}-aaaaaa`, w.marker(dead));
    const keep = w.folder(`${dead}-bbbbbb`, w.marker(dead));
    expect(await w.call('file.discardRecoverable', { path: f.file })).toBe(true);
    expect(existsSync(f.dir)).toBe(false);
    expect((await w.list()).map((r) => r.path)).toEqual([keep.file]);
    const again = await w.call('file.discardRecoverable', { path: f.file });
    expect(isIpcError(again) && again.error.code).toBe('bad-argument');
  });
});

describe('edited comments count as unsaved', () => {
  it('after packet.setComment the session is unsaved until saved, so closing asks', async () => {
    const w = world();
    const file = join(w.dir, 'a.pcapng');
    writeFileSync(file, pcapng(3));
    expect(await w.call('file.openDropped', { path: file })).toMatchObject({ saved: true });
    expect(await w.call('session.state')).toMatchObject({ unsaved: false });
    expect(await w.call('packet.setComment', { num: 2, comment: 'look here' })).toMatchObject({ comments: ['look here'] });
    expect(await w.call('session.state')).toMatchObject({ unsaved: true });
    await w.events.waitFor('session.changed', (s) => s.unsaved);

    w.dialogs.confirmAnswers.push(false);
    expect(await w.handlers.mayClose()).toBe(false);
    // 0 packets in no file, 1 edited comment.
    expect(w.dialogs.asks('confirmDiscard')).toEqual([0]);
    expect(w.dialogs.discardComments()).toEqual([1]);

    // Export Displayed is not a Save of this file: still unsaved.
    w.dialogs.saveAnswers.push(join(w.dir, 'export.pcapng'));
    expect(await w.call('file.exportDisplayed', { view: VIEW })).toMatchObject({ saved: true });
    expect(await w.call('session.state')).toMatchObject({ unsaved: true });

    expect(await w.call('file.save', { as: false, view: VIEW })).toEqual({ saved: true, path: file });
    expect(await w.call('session.state')).toMatchObject({ unsaved: false });
    expect(await w.handlers.mayClose()).toBe(true);
    expect(w.dialogs.asks('confirmDiscard')).toHaveLength(1);
  });

  it('an agreement covers the comments edited so far, not a later edit; a new file starts clean', async () => {
    const w = world();
    const a = join(w.dir, 'a.pcapng');
    const b = join(w.dir, 'b.pcapng');
    writeFileSync(a, pcapng(3));
    writeFileSync(b, pcapng(3));
    await w.call('file.openDropped', { path: a });
    await w.call('packet.setComment', { num: 1, comment: 'x' });
    await w.call('packet.setComment', { num: 1, comment: 'y' });
    w.dialogs.confirmAnswers.push(true);
    expect(await w.call('file.confirmDiscard')).toBe(true);
    expect(await w.call('file.confirmDiscard')).toBe(true); // not asked twice
    expect(w.dialogs.discardComments()).toEqual([1]);
    await w.call('packet.setComment', { num: 3, comment: 'z' });
    w.dialogs.confirmAnswers.push(true);
    expect(await w.call('file.openDropped', { path: b })).toMatchObject({ saved: true });
    expect(w.dialogs.discardComments()).toEqual([1, 2]);
    expect(await w.call('session.state')).toMatchObject({ unsaved: false, source: { kind: 'file', path: b } });
  });

  it('a comment that could not be set leaves the session saved', async () => {
    const w = world();
    const a = join(w.dir, 'a.pcapng');
    writeFileSync(a, pcapng(3));
    await w.call('file.openDropped', { path: a });
    const r = await w.call('packet.setComment', { num: 999, comment: 'x' });
    expect(isIpcError(r) && r.error.code).toBe('not-found');
    expect(await w.call('session.state')).toMatchObject({ unsaved: false });
  });
});

describe('closing a window with an unsaved capture', () => {
  async function unsavedLive() {
    const s = scratch('paquet-recovery-close-');
    cleanups.push(s.cleanup);
    const stateDir = join(s.dir, 'state');
    const log = new DecoderLog();
    const dialogs = new FakeDialogs();
    const h = createHandlers({
      dialogs, emit: () => undefined, stateDir, appInfo: () => APP_INFO, captureProgram: fakeDumpcap(s.dir), startDecoder: log.start, log: () => undefined,
    });
    cleanups.push(() => h.dispose());
    expect(await h.handle('capture.start', { interface: 'lo', filter: '' })).toMatchObject({ state: 'running' });
    log.last.grow(4);
    await h.handle('capture.stop', undefined);
    const [dir] = readdirSync(join(stateDir, 'captures'));
    return { h, dialogs, stateDir, dir: join(stateDir, 'captures', dir!) };
  }

  it('deletes the capture folder once the user agreed to drop the packets', async () => {
    const { h, dialogs, dir } = await unsavedLive();
    dialogs.confirmAnswers.push(true);
    expect(await h.mayClose()).toBe(true);
    await h.dispose();
    expect(existsSync(dir)).toBe(false);
  });

  it('keeps it when the window went without asking (a browser tab closed): nothing is dropped silently', async () => {
    const { h, stateDir, dir } = await unsavedLive();
    await h.dispose();
    expect(existsSync(join(dir, 'live.pcapng'))).toBe(true);
    expect(parseMarker(readFileSync(join(dir, 'capture.json'), 'utf8'))).toMatchObject({ pid: process.pid, interface: 'lo' });
    // Still this process's: offered only once it has ended.
    const other = createHandlers({ dialogs: new FakeDialogs(), emit: () => undefined, stateDir, appInfo: () => APP_INFO, log: () => undefined });
    cleanups.push(() => other.dispose());
    expect(await other.handle('file.recoverable', undefined)).toEqual([]);
  });
});
