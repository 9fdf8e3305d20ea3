/**
 * Live capture through the session, with the fake capture program
 * (fake-dumpcap.ts) and the fake decoder: no root needed. Start, counters,
 * stop, errors with their codes, a program that dies on its own, and the
 * capture folder's life (under the state folder, with its marker; kept until
 * the user moves on or closes).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isIpcError, type CaptureStatus, type SessionState } from '../../shared/ipc/contract.js';
import { createHandlers, type Handlers } from '../../main/ipc/handlers.js';
import { permissionGuidance } from '../../main/capture/permission-guidance.js';
import { APP_INFO, DecoderLog, EventRecorder, FakeDialogs } from './fakes.js';
import { fakeDumpcap } from './fake-dumpcap.js';

// Capture folders go under the state folder, never os.tmpdir(): TMPDIR points at a folder of this
// file's own so that a stray one there would be seen.
const savedTmp = process.env.TMPDIR;
let tmp = '';
let program = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'paquet-h3-capture-'));
  process.env.TMPDIR = tmp;
  program = fakeDumpcap(tmp);
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(tmp, { recursive: true, force: true });
});

const open: Handlers[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.dispose();
});

function setup(captureProgram = program) {
  const log = new DecoderLog();
  const dialogs = new FakeDialogs();
  const events = new EventRecorder();
  const handlers = createHandlers({
    dialogs, emit: events.emit, stateDir: join(tmp, 'state'), appInfo: () => APP_INFO, captureProgram, startDecoder: log.start,
    log: () => undefined, changeIntervalMs: 50,
  });
  open.push(handlers);
  const call = (name: string, args?: unknown) => handlers.handle(name, args);
  return { log, dialogs, events, handlers, call };
}

const capturesDir = (): string => join(tmp, 'state', 'captures');
const liveDirs = (): string[] => (existsSync(capturesDir()) ? readdirSync(capturesDir()) : []);
const state = async (call: (n: string) => Promise<unknown>): Promise<SessionState> => (await call('session.state')) as SessionState;

describe('capture devices and filters', () => {
  it('lists devices as DeviceInfo', async () => {
    const { call } = setup();
    expect(await call('capture.devices')).toEqual([
      { name: 'lo', description: null, addresses: ['127.0.0.1', '::1'], loopback: true, up: true },
      { name: 'eth0', description: 'Ethernet', addresses: [], loopback: false, up: false },
    ]);
  });

  it('checks capture filters with the program; an empty filter needs no check', async () => {
    const { call } = setup('/nonexistent/paquet-dumpcap');
    expect(await call('capture.checkFilter', { interface: 'lo', filter: '  ' })).toEqual({ ok: true });
    const { call: call2 } = setup();
    expect(await call2('capture.checkFilter', { interface: 'lo', filter: 'tcp port 80' })).toEqual({ ok: true });
    expect(await call2('capture.checkFilter', { interface: 'lo', filter: 'bogus' })).toEqual({
      ok: false, problem: { message: 'syntax error in filter expression', start: 0, length: 5 },
    });
  });

  it('says clearly when the capture program is missing', async () => {
    const { call } = setup('/nonexistent/paquet-dumpcap');
    const r = await call('capture.devices');
    expect(isIpcError(r) && r.error).toMatchObject({ code: 'capture', message: expect.stringContaining('cannot run /nonexistent/paquet-dumpcap') });
  });
});

describe('starting and stopping', () => {
  it('captures into a temporary pcapng followed by a new decoder, counts, stops, keeps the packets', async () => {
    const { call, log, events } = setup();
    const status = (await call('capture.start', { interface: 'lo', filter: 'tcp', snapLen: 128, promiscuous: false })) as CaptureStatus;
    expect(status).toMatchObject({ state: 'running', interface: 'lo', filter: 'tcp' });
    const d = log.last;
    const [file, opts] = d.called('open')[0]!.args as [string, unknown];
    expect(opts).toEqual({ follow: true });
    expect(file.startsWith(`${capturesDir()}/${process.pid}-`)).toBe(true);
    expect(file).toMatch(/\/live\.pcapng$/);
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(tmp).filter((n) => n.startsWith('paquet-live-'))).toEqual([]);
    // The marker beside it says what and whose the capture is, for a recovery after a crash.
    const marker = JSON.parse(readFileSync(join(file, '../capture.json'), 'utf8')) as Record<string, unknown>;
    expect(marker).toMatchObject({ version: 1, interface: 'lo', filter: 'tcp', pid: process.pid, program: { pid: expect.any(Number) } });
    expect(Math.abs(Date.now() - (marker.startedMs as number))).toBeLessThan(10_000);
    d.grow(3);
    const running = await events.waitFor('session.changed', (s) => s.capture.captured >= 3 && s.capture.elapsed >= 1 && s.packets === 3);
    expect(running).toMatchObject({ source: { kind: 'live', interface: 'lo', filter: 'tcp' }, unsaved: true, capture: { state: 'running', dropped: 1 } });

    const stopped = (await call('capture.stop')) as CaptureStatus;
    expect(stopped).toMatchObject({ state: 'idle', interface: 'lo' });
    expect(stopped.captured).toBeGreaterThanOrEqual(3);
    expect(d.called('stopFollowing')).toHaveLength(1);
    expect(await state(call)).toMatchObject({ unsaved: true, packets: 3, capture: { state: 'idle' } });
    // The packets stay readable until the user moves on.
    expect(existsSync(file)).toBe(true);
    expect(d.terminated).toBe(false);
    expect(await call('capture.stop')).toMatchObject({ state: 'idle' });
  });

  it('a capture with no packets leaves nothing unsaved', async () => {
    const { call, dialogs } = setup();
    await call('capture.start', { interface: 'lo', filter: '' });
    const stopped = await call('capture.stop');
    expect(stopped).toMatchObject({ state: 'idle' });
    // The fake program counted some packets, but the decoder read none.
    expect(await state(call)).toMatchObject({ packets: 0, unsaved: false });
    await call('capture.start', { interface: 'lo', filter: '' });
    expect(dialogs.asks('confirmDiscard')).toEqual([]);
    await call('capture.stop');
  });

  it('refuses a second start while running', async () => {
    const { call } = setup();
    await call('capture.start', { interface: 'lo', filter: '' });
    const r = await call('capture.start', { interface: 'lo', filter: '' });
    expect(isIpcError(r) && r.error.code).toBe('busy');
    const o = await call('file.open');
    expect(isIpcError(o) && o.error).toMatchObject({ code: 'busy', message: 'A capture is running: stop it before opening a file.' });
    await call('capture.stop');
  });

  it('restart (stop + start) asks about the unsaved packets, and removes the old folder once agreed', async () => {
    const { call, log, dialogs } = setup();
    await call('capture.start', { interface: 'lo', filter: '' });
    const first = log.last;
    const firstDir = (first.called('open')[0]!.args[0] as string).replace(/\/live\.pcapng$/, '');
    first.grow(7);
    await call('capture.stop');
    dialogs.confirmAnswers.push(false);
    expect(await call('capture.start', { interface: 'lo', filter: '' })).toMatchObject({ state: 'idle' });
    expect(dialogs.asks('confirmDiscard')).toEqual([7]);
    expect(existsSync(firstDir)).toBe(true);
    expect(first.terminated).toBe(false);
    dialogs.confirmAnswers.push(true);
    expect(await call('capture.start', { interface: 'lo', filter: '' })).toMatchObject({ state: 'running' });
    expect(first.terminated).toBe(true);
    expect(existsSync(firstDir)).toBe(false);
    await call('capture.stop');
  });
});

describe('capture failures', () => {
  it('a missing privilege is a permission error with the fix, and leaves no temporary folder', async () => {
    const { call } = setup();
    const before = liveDirs();
    const r = await call('capture.start', { interface: 'denied', filter: '' });
    // The program's own words give way to the platform's guidance, naming the program that refused.
    expect(isIpcError(r) && r.error).toEqual({ code: 'permission', ...permissionGuidance({ platform: process.platform, packaging: 'source', program }) });
    if (process.platform === 'linux') expect(isIpcError(r) && r.error.fix).toBe(`sudo setcap cap_net_raw,cap_net_admin=eip ${program}`);
    expect(liveDirs()).toEqual(before);
    expect(await state(call)).toMatchObject({ source: { kind: 'empty' }, capture: { state: 'idle' } });
  });

  it('from an AppImage, the permission error offers the pkexec step; elsewhere the step is refused', async () => {
    const { call } = setup();
    const saved = process.env.APPIMAGE;
    try {
      process.env.APPIMAGE = '/home/u/Paquet.AppImage';
      const r = await call('capture.start', { interface: 'denied', filter: '' });
      expect(isIpcError(r) && r.error.action).toBe(process.platform === 'linux' ? 'setup-permission' : undefined);
      delete process.env.APPIMAGE;
      const refused = await call('capture.setupPermission', undefined);
      expect(isIpcError(refused) && refused.error).toMatchObject({ code: 'bad-argument', message: expect.stringMatching(/only for the AppImage/) });
      expect(isIpcError(await call('capture.setupPermission', { x: 1 }))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.APPIMAGE;
      else process.env.APPIMAGE = saved;
    }
  });

  it('other refusals are capture errors', async () => {
    const { call } = setup();
    const r = await call('capture.start', { interface: 'nosuch', filter: '' });
    expect(isIpcError(r) && r.error).toEqual({ code: 'capture', message: 'There is no interface called nosuch.' });
  });

  it('a program that dies on its own: app.alert, idle, the packets kept and still unsaved', async () => {
    const { call, log, events } = setup();
    await call('capture.start', { interface: 'dies', filter: '' });
    const d = log.last;
    d.grow(2);
    const alert = await events.waitFor('app.alert', () => true);
    expect(alert).toEqual({ title: 'The capture stopped', message: 'The network adapter on which the capture was being done is no longer running.' });
    const s = await events.waitFor('session.changed', (x) => x.capture.state === 'idle' && x.source.kind === 'live');
    expect(s).toMatchObject({ unsaved: true, packets: 2 });
    expect(d.called('stopFollowing')).toHaveLength(1);
    expect(d.terminated).toBe(false);
  });
});

describe('closing', () => {
  it('dispose stops a running capture, retires the decoder and removes the temporary folder', async () => {
    const { call, log, handlers } = setup();
    await call('capture.start', { interface: 'lo', filter: '' });
    const d = log.last;
    const dir = (d.called('open')[0]!.args[0] as string).replace(/\/live\.pcapng$/, '');
    expect(existsSync(dir)).toBe(true);
    await handlers.dispose();
    expect(d.terminated).toBe(true);
    expect(existsSync(dir)).toBe(false);
    const after = await call('session.state');
    expect(isIpcError(after) && after.error.code).toBe('busy');
  });
});
