/**
 * The IPC handlers over a Session with a fake decoder, fake dialogs and a fake
 * capture program: opening (dialog, drop, recent, OS), the question about
 * unsaved packets, saving and exporting, the recent list and filter history
 * on disk, and error replies instead of exceptions.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isIpcError, type IpcError, type SessionState } from '../../shared/ipc/contract.js';
import { createHandlers, type Handlers } from '../../main/ipc/handlers.js';
import { FILTER_HISTORY_NAME, RECENT_FILES_NAME } from '../../main/session/history.js';
import { APP_INFO, DecoderLog, EventRecorder, FakeDialogs, scratch, VIEW } from '../session/fakes.js';
import { fakeDumpcap } from '../session/fake-dumpcap.js';

interface World {
  handlers: Handlers;
  log: DecoderLog;
  dialogs: FakeDialogs;
  events: EventRecorder;
  dir: string;
  stateDir: string;
  logged: string[];
  file(name: string): string;
  call(name: string, args?: unknown): Promise<unknown>;
  /** Another window (handlers) on the same state folder. */
  another(): Handlers;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function world(changeIntervalMs = 30): World {
  const s = scratch();
  const stateDir = join(s.dir, 'state');
  const log = new DecoderLog();
  const dialogs = new FakeDialogs();
  const events = new EventRecorder();
  const logged: string[] = [];
  const program = fakeDumpcap(s.dir);
  const make = (): Handlers => {
    const h = createHandlers({
      dialogs, emit: events.emit, stateDir, appInfo: () => APP_INFO, captureProgram: program, startDecoder: log.start,
      log: (m) => logged.push(m), changeIntervalMs,
    });
    cleanups.push(() => h.dispose());
    return h;
  };
  const handlers = make();
  cleanups.push(s.cleanup);
  return {
    handlers, log, dialogs, events, dir: s.dir, stateDir, logged,
    file: (name) => s.file(name),
    call: (name, args) => handlers.handle(name, args),
    another: make,
  };
}

function errorOf(reply: unknown): IpcError['error'] {
  if (!isIpcError(reply)) throw new Error(`expected an IpcError, got ${JSON.stringify(reply)}`);
  return reply.error;
}

async function state(w: World): Promise<SessionState> {
  return (await w.call('session.state')) as SessionState;
}

/** A live capture on the fake program that "captured" `packets` packets, stopped: the packets are unsaved. */
async function unsavedCapture(w: World, packets = 5): Promise<void> {
  const status = await w.call('capture.start', { interface: 'lo', filter: '' });
  expect(status).toMatchObject({ state: 'running', interface: 'lo' });
  w.log.last.grow(packets);
  expect(await w.call('capture.stop')).toMatchObject({ state: 'idle' });
  expect(await state(w)).toMatchObject({ unsaved: true, packets, source: { kind: 'live', interface: 'lo' } });
}

describe('requests in general', () => {
  it('answers app.info from the deps, and refuses unknown names and bad arguments as bad-argument', async () => {
    const w = world();
    expect(await w.call('app.info')).toEqual(APP_INFO);
    expect(errorOf(await w.call('app.quit'))).toMatchObject({ code: 'bad-argument', message: 'unknown request "app.quit"' });
    expect(errorOf(await w.call('rows.get', { from: 0, count: 5000 }))).toMatchObject({ code: 'bad-argument', message: expect.stringContaining('args.count') });
  });

  it('never throws for hostile arguments: oversized, deep, not plain, unreadable (a Proxy whose traps throw)', async () => {
    const w = world();
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    const trap = (): never => {
      throw new Error('trap');
    };
    const hostile: [string, unknown][] = [
      ['file.openDropped', { path: '/'.repeat(10_000_000) }],
      ['file.recover', { path: ['/a'] }],
      ['file.discardRecoverable', deep],
      ['file.save', { as: true, view: { ...VIEW, paneSizes: new Array(1_000_000).fill(0) } }],
      ['filter.apply', new Proxy({ text: 'tcp' }, { ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap })],
      ['packet.setComment', { num: 1, comment: new String('x') }],
      ['capture.start', Object.create({ interface: 'lo', filter: '' }) as object],
    ];
    for (const [name, args] of hostile) {
      const reply = await w.handlers.handle(name, args);
      expect(errorOf(reply).code, name).toBe('bad-argument');
      expect(errorOf(reply).message.length, name).toBeLessThan(400);
    }
    expect(w.log.decoders).toEqual([]);
  });

  it('says no-capture for packet requests on an empty window', async () => {
    const w = world();
    expect(await state(w)).toMatchObject({ source: { kind: 'empty' }, packets: 0, unsaved: false, capture: { state: 'idle' } });
    for (const [name, args] of [['rows.get', { from: 0, count: 10 }], ['packet.detail', { num: 1 }], ['follow.tcp', { stream: 0 }], ['file.save', { as: true, view: VIEW }]] as const) {
      expect(errorOf(await w.call(name, args)).code, name).toBe('no-capture');
    }
    expect(w.dialogs.asked).toEqual([]);
  });

  it('maps decoder errors to their codes and unexpected exceptions to internal (logged, not thrown)', async () => {
    const w = world();
    const path = w.file('a.pcapng');
    expect(await w.call('file.openDropped', { path })).toEqual({ saved: true, path });
    expect(errorOf(await w.call('packet.detail', { num: 999 }))).toEqual({ code: 'not-found', message: 'there is no packet 999' });
    w.log.last.rows = async () => {
      throw new TypeError('cannot read properties of undefined');
    };
    expect(errorOf(await w.call('rows.get', { from: 0, count: 3 }))).toEqual({ code: 'internal', message: 'cannot read properties of undefined' });
    expect(w.logged.some((m) => m.includes('cannot read properties of undefined'))).toBe(true);
  });

  it('passes packet requests to the decoder with their validated arguments', async () => {
    const w = world();
    await w.call('file.openDropped', { path: w.file('a.pcapng') });
    const rows = (await w.call('rows.get', { from: 2, count: 3 })) as { num: number }[];
    expect(rows.map((r) => r.num)).toEqual([3, 4, 5]);
    expect(await w.call('rows.get', { from: 0, count: 0 })).toEqual([]);
    expect(await w.call('rows.indexOf', { num: 4 })).toBe(3);
    expect(await w.call('rows.find', { kind: 'string', text: 'x', after: -1 })).toEqual({ index: 0, num: 1 });
    expect(await w.call('tcpdump.lines', { from: 0, count: 2, mode: 'X' })).toEqual([{ num: 1, lines: ['line in mode X'] }]);
    expect(await w.call('packet.setComment', { num: 2, comment: 'look' })).toMatchObject({ num: 2, comments: ['look'] });
    expect(await w.call('websocket.conversations')).toHaveLength(1);
    expect(errorOf(await w.call('websocket.messages', { id: 4 })).code).toBe('not-found');
    const sorted = (await w.call('rows.sort', { order: { column: 'length', descending: true } })) as SessionState;
    expect(sorted.sort).toEqual({ column: 'length', descending: true });
    expect(w.log.last.called('sort')[0]?.args).toEqual([{ column: 'length', descending: true }]);
  });
});

describe('opening files', () => {
  it('opens a dropped file: session.changed with the file, counts and a new generation; the recent list has it', async () => {
    const w = world();
    const path = w.file('chat.pcapng');
    const before = (await state(w)).generation;
    expect(await w.call('file.openDropped', { path })).toEqual({ saved: true, path });
    const changed = await w.events.waitFor('session.changed', (s) => s.source.kind === 'file');
    expect(changed).toMatchObject({ source: { kind: 'file', path, name: 'chat.pcapng' }, packets: 37, displayed: 37, unsaved: false });
    expect(changed.generation).toBeGreaterThan(before);
    expect(await w.call('file.recent')).toEqual([{ path, name: 'chat.pcapng' }]);
    expect(JSON.parse(readFileSync(join(w.stateDir, RECENT_FILES_NAME), 'utf8'))).toEqual([{ path, name: 'chat.pcapng' }]);
    expect(w.log.last.called('open')[0]?.args).toEqual([path, { follow: false }]);
  });

  it('explains paths that are no capture file, and keeps what was open', async () => {
    const w = world();
    const good = w.file('good.pcapng');
    await w.call('file.openDropped', { path: good });
    const first = w.log.last;
    mkdirSync(join(w.dir, 'folder'));
    expect(errorOf(await w.call('file.openDropped', { path: join(w.dir, 'missing.pcap') }))).toEqual({
      code: 'file', message: `${join(w.dir, 'missing.pcap')} does not exist`,
    });
    expect(errorOf(await w.call('file.openDropped', { path: join(w.dir, 'folder') })).message).toMatch(/is a folder, not a capture file$/);
    expect(errorOf(await w.call('file.openDropped', { path: 'relative.pcap' }))).toMatchObject({ code: 'bad-argument', message: expect.stringContaining('not an absolute path') });
    if (existsSync('/dev/null')) expect(errorOf(await w.call('file.openDropped', { path: '/dev/null' })).message).toMatch(/not a regular file/);
    // A file the decoder cannot read: its error, the old capture stays, the new decoder is retired.
    expect(errorOf(await w.call('file.openDropped', { path: w.file('broken.pcap') }))).toMatchObject({ code: 'file', message: expect.stringContaining('not a capture file') });
    expect((await state(w)).source).toMatchObject({ kind: 'file', path: good });
    expect(first.terminated).toBe(false);
    expect(w.log.last.terminated).toBe(true);
    expect(w.log.live).toEqual([first]);
  });

  it('opens through the dialog; a cancelled dialog changes nothing', async () => {
    const w = world();
    expect(await w.call('file.open')).toEqual({ saved: false, cancelled: true });
    const path = w.file('x.pcapng');
    w.dialogs.openAnswers.push(path);
    expect(await w.call('file.open')).toEqual({ saved: true, path });
    expect(w.dialogs.asks('openCapture')).toHaveLength(2);
    expect(w.dialogs.asks('confirmDiscard')).toEqual([]);
  });

  it('retires the previous decoder when another file opens', async () => {
    const w = world();
    await w.call('file.openDropped', { path: w.file('a.pcapng') });
    const a = w.log.last;
    await w.call('file.openDropped', { path: w.file('b.pcapng') });
    expect(a.terminated).toBe(true);
    expect(w.log.live).toHaveLength(1);
    expect(w.log.last.path).toBe(join(w.dir, 'b.pcapng'));
  });

  it('restores a saved view: filter and sort applied, then view.restore after session.changed', async () => {
    const w = world();
    const path = w.file('with-view.pcapng');
    w.log.views.set(path, VIEW);
    await w.call('file.openDropped', { path });
    const d = w.log.last;
    expect(d.called('applyFilter').map((c) => c.args[0])).toEqual(['tcp']);
    expect(d.called('sort').map((c) => c.args[0])).toEqual([VIEW.sort]);
    expect(await state(w)).toMatchObject({ displayFilter: 'tcp', sort: VIEW.sort, displayed: 18 });
    const names = w.events.events.map((e) => e.name);
    expect(names).toContain('view.restore');
    expect(names.indexOf('session.changed')).toBeLessThan(names.indexOf('view.restore'));
    expect(w.events.of('view.restore')).toEqual([VIEW]);
  });

  it('opens files given by the OS, alerting (not throwing) when they cannot be opened', async () => {
    const w = world();
    const path = w.file('os.pcapng');
    expect(await w.handlers.openPath(path)).toEqual({ saved: true, path });
    expect(await w.handlers.openPath(join(w.dir, 'nope.pcap'))).toEqual({ saved: false, cancelled: true });
    expect(w.events.of('app.alert')).toEqual([{ title: 'The file could not be opened', message: `${join(w.dir, 'nope.pcap')} does not exist` }]);
  });
});

describe('unsaved packets', () => {
  it('asks before opening over unsaved packets; a refusal keeps them, agreement opens the file', async () => {
    const w = world();
    await unsavedCapture(w, 5);
    const liveDecoder = w.log.last;
    const path = w.file('next.pcapng');
    w.dialogs.confirmAnswers.push(false);
    expect(await w.call('file.openDropped', { path })).toEqual({ saved: false, cancelled: true });
    expect(w.dialogs.asks('confirmDiscard')).toEqual([5]);
    expect(await state(w)).toMatchObject({ unsaved: true, packets: 5, source: { kind: 'live' } });
    expect(liveDecoder.terminated).toBe(false);

    w.dialogs.confirmAnswers.push(true);
    expect(await w.call('file.openDropped', { path })).toEqual({ saved: true, path });
    expect(await state(w)).toMatchObject({ unsaved: false, source: { kind: 'file', path } });
    expect(liveDecoder.terminated).toBe(true);
  });

  it('asks before the Open dialog (not after), and not at all for a file that does not exist', async () => {
    const w = world();
    await unsavedCapture(w, 2);
    expect(errorOf(await w.call('file.openDropped', { path: join(w.dir, 'gone.pcap') })).code).toBe('file');
    expect(w.dialogs.asks('confirmDiscard')).toEqual([]);
    w.dialogs.confirmAnswers.push(false);
    expect(await w.call('file.open')).toEqual({ saved: false, cancelled: true });
    expect(w.dialogs.asks('openCapture')).toEqual([]);
  });

  it('file.confirmDiscard and mayClose ask only when packets are unsaved, and an agreement is not asked twice', async () => {
    const w = world();
    expect(await w.call('file.confirmDiscard')).toBe(true);
    expect(await w.handlers.mayClose()).toBe(true);
    expect(w.dialogs.asked).toEqual([]);
    await unsavedCapture(w, 3);
    w.dialogs.confirmAnswers.push(false);
    expect(await w.handlers.mayClose()).toBe(false);
    w.dialogs.confirmAnswers.push(true);
    expect(await w.call('file.confirmDiscard')).toBe(true);
    // The renderer asked first; starting a new capture now does not ask again.
    expect(await w.call('capture.start', { interface: 'lo', filter: '' })).toMatchObject({ state: 'running' });
    expect(w.dialogs.asks('confirmDiscard')).toEqual([3, 3]);
    await w.call('capture.stop');
  });
});

describe('saving', () => {
  it('saves a live capture through the dialog; it becomes that file, saved', async () => {
    const w = world();
    await unsavedCapture(w, 4);
    const target = join(w.dir, 'kept.pcapng');
    w.dialogs.saveAnswers.push(target);
    expect(await w.call('file.save', { as: false, view: VIEW })).toEqual({ saved: true, path: target });
    expect(w.dialogs.asks('saveCapture')[0]).toMatch(/^paquet-lo-\d{8}-\d{6}\.pcapng$/);
    expect(w.log.last.called('save')[0]?.args).toEqual([target, { which: 'all', view: VIEW }]);
    expect(await state(w)).toMatchObject({ unsaved: false, source: { kind: 'file', path: target, name: 'kept.pcapng' } });
    expect(await w.call('file.recent')).toEqual([{ path: target, name: 'kept.pcapng' }]);
    // Saved: moving on asks nothing.
    await w.call('file.openDropped', { path: w.file('other.pcapng') });
    expect(w.dialogs.asks('confirmDiscard')).toEqual([]);
  });

  it('Save writes a pcapng file in place, but sends a .pcap file through the dialog under a .pcapng name', async () => {
    const w = world();
    const ng = w.file('in-place.pcapng');
    await w.call('file.openDropped', { path: ng });
    expect(await w.call('file.save', { as: false, view: VIEW })).toEqual({ saved: true, path: ng });
    expect(w.dialogs.asks('saveCapture')).toEqual([]);

    const pcap = w.file('old.pcap');
    await w.call('file.openDropped', { path: pcap });
    expect(await w.call('file.save', { as: false, view: VIEW })).toEqual({ saved: false, cancelled: true });
    expect(w.dialogs.asks('saveCapture')).toEqual([join(w.dir, 'old.pcapng')]);
    expect(w.log.last.called('save')).toEqual([]);
    expect(readFileSync(pcap, 'utf8')).toBe('not really a capture');

    // A compressed pcapng is not written over with plain pcapng either.
    await w.call('file.openDropped', { path: w.file('zipped.pcapng.gz') });
    expect(await w.call('file.save', { as: false, view: VIEW })).toEqual({ saved: false, cancelled: true });
    expect(w.dialogs.asks('saveCapture')[1]).toBe(join(w.dir, 'zipped.pcapng'));
  });

  it('Save As asks even for a pcapng file, and the window follows the new file', async () => {
    const w = world();
    await w.call('file.openDropped', { path: w.file('a.pcapng') });
    const target = join(w.dir, 'copy.pcapng');
    w.dialogs.saveAnswers.push(target);
    expect(await w.call('file.save', { as: true, view: VIEW })).toEqual({ saved: true, path: target });
    expect(w.dialogs.asks('saveCapture')).toEqual([join(w.dir, 'a.pcapng')]);
    expect(w.log.last.called('save')[0]?.args).toEqual([target, { which: 'all', view: VIEW }]);
    expect((await state(w)).source).toMatchObject({ kind: 'file', path: target });
  });

  it('refuses to save during a capture, and a path that is not absolute', async () => {
    const w = world();
    await w.call('capture.start', { interface: 'lo', filter: '' });
    expect(errorOf(await w.call('file.save', { as: true, view: VIEW }))).toMatchObject({ code: 'busy' });
    await w.call('capture.stop');
    w.dialogs.saveAnswers.push('relative.pcapng');
    expect(errorOf(await w.call('file.save', { as: true, view: VIEW }))).toMatchObject({ code: 'file', message: expect.stringContaining('not an absolute path') });
  });

  it('exports the displayed packets without changing the source', async () => {
    const w = world();
    const path = w.file('src.pcapng');
    await w.call('file.openDropped', { path });
    const target = join(w.dir, 'shown.pcapng');
    w.dialogs.saveAnswers.push(target);
    expect(await w.call('file.exportDisplayed', { view: VIEW })).toEqual({ saved: true, path: target });
    expect(w.dialogs.asks('saveCapture')).toEqual([join(w.dir, 'src-displayed.pcapng')]);
    expect(w.log.last.called('save')[0]?.args).toEqual([target, { which: 'displayed', view: VIEW }]);
    expect((await state(w)).source).toMatchObject({ kind: 'file', path });
  });

  it('exports a WebSocket conversation as JSON Lines, written whole; an unknown id asks nothing', async () => {
    const w = world();
    await w.call('file.openDropped', { path: w.file('chat.pcap') });
    expect(errorOf(await w.call('websocket.export', { id: 7 })).code).toBe('not-found');
    expect(w.dialogs.asks('saveJsonLines')).toEqual([]);
    const target = join(w.dir, 'chat.jsonl');
    w.dialogs.jsonAnswers.push(target);
    expect(await w.call('websocket.export', { id: 0 })).toEqual({ saved: true, path: target });
    expect(w.dialogs.asks('saveJsonLines')).toEqual([join(w.dir, 'chat-websocket-0.jsonl')]);
    expect(readFileSync(target, 'utf8')).toBe('{"dir":"client","text":"hi, all !"}\n');
    writeFileSync(join(w.dir, 'blocker'), ''); // a file where the folder should be
    w.dialogs.jsonAnswers.push(join(w.dir, 'blocker', 'x.jsonl'));
    expect(errorOf(await w.call('websocket.export', { id: 0 }))).toMatchObject({ code: 'file', message: expect.stringContaining('cannot write') });
  });
});

describe('recent files and filter history on disk', () => {
  it('keeps the 10 most recent files, newest first, without duplicates, shared by windows', async () => {
    const w = world();
    const paths = Array.from({ length: 12 }, (_, i) => w.file(`f${i}.pcapng`));
    for (const path of paths) await w.call('file.openDropped', { path });
    await w.call('file.openDropped', { path: paths[5]! });
    const recent = (await w.call('file.recent')) as { path: string }[];
    expect(recent.map((r) => r.path)).toEqual([paths[5], paths[11], paths[10], paths[9], paths[8], paths[7], paths[6], paths[4], paths[3], paths[2]]);
    expect(await w.another().handle('file.recent', undefined)).toEqual(recent);
  });

  it('opens only files on the recent list, and drops one that is gone', async () => {
    const w = world();
    const path = w.file('r.pcapng');
    expect(errorOf(await w.call('file.openRecent', { path }))).toMatchObject({ code: 'bad-argument', message: expect.stringContaining('not in the recent files list') });
    await w.call('file.openDropped', { path });
    await w.call('file.openDropped', { path: w.file('s.pcapng') });
    expect(await w.call('file.openRecent', { path })).toEqual({ saved: true, path });
    const gone = w.file('gone.pcapng');
    await w.call('file.openDropped', { path: gone });
    const { rmSync } = await import('node:fs');
    rmSync(gone);
    expect(errorOf(await w.call('file.openRecent', { path: gone }))).toMatchObject({ code: 'file', message: `${gone} does not exist` });
    expect(((await w.call('file.recent')) as { path: string }[]).map((r) => r.path)).not.toContain(gone);
  });

  it('reads a damaged or foreign state file as empty, and rewrites it on the next change', async () => {
    const w = world();
    mkdirSync(w.stateDir, { recursive: true });
    for (const junk of ['{not json', '{"path":"/a"}', '', '[1, null, {"path": 5}]']) {
      writeFileSync(join(w.stateDir, RECENT_FILES_NAME), junk);
      expect(await w.call('file.recent'), junk).toEqual([]);
    }
    writeFileSync(join(w.stateDir, RECENT_FILES_NAME), '[{"path":"/kept.pcap","name":"ignored"},{"nope":1},{"path":"/kept.pcap"}]');
    expect(await w.call('file.recent')).toEqual([{ path: '/kept.pcap', name: 'kept.pcap' }]);
    writeFileSync(join(w.stateDir, FILTER_HISTORY_NAME), 'garbage');
    expect(await w.call('filter.history')).toEqual([]);
    const path = w.file('ok.pcapng');
    await w.call('file.openDropped', { path });
    expect(await w.call('file.recent')).toEqual([{ path, name: 'ok.pcapng' }, { path: '/kept.pcap', name: 'kept.pcap' }]);
  });

  it('adds valid, non-empty applied filters to the history (20, newest first), not invalid ones', async () => {
    const w = world();
    await w.call('file.openDropped', { path: w.file('f.pcapng') });
    const applied = (await w.call('filter.apply', { text: 'tcp' })) as SessionState;
    expect(applied).toMatchObject({ displayFilter: 'tcp', displayed: 18 });
    expect(errorOf(await w.call('filter.apply', { text: 'tcp ((' }))).toMatchObject({ code: 'bad-argument', message: expect.stringContaining('unbalanced parenthesis') });
    expect((await state(w)).displayFilter).toBe('tcp');
    await w.call('filter.apply', { text: '' });
    expect((await state(w)).displayFilter).toBe('');
    for (let i = 0; i < 25; i++) await w.call('filter.apply', { text: `frame.number == ${i}` });
    await w.call('filter.apply', { text: 'tcp' });
    const history = (await w.call('filter.history')) as string[];
    expect(history).toHaveLength(20);
    expect(history[0]).toBe('tcp');
    expect(history[1]).toBe('frame.number == 24');
    expect(history).not.toContain('tcp ((');
    expect(history).not.toContain('');
  });

  it('checks and keeps a filter before any capture is open, and carries it to the next file', async () => {
    const w = world();
    expect(await w.call('filter.check', { text: 'udp ((' })).toMatchObject({ ok: false, problem: { start: 4, length: 2 } });
    expect(await w.call('filter.apply', { text: 'udp' })).toMatchObject({ displayFilter: 'udp', source: { kind: 'empty' } });
    await w.call('file.openDropped', { path: w.file('g.pcapng') });
    expect(w.log.last.called('applyFilter').map((c) => c.args[0])).toEqual(['udp']);
    expect(await state(w)).toMatchObject({ displayFilter: 'udp', displayed: 18, packets: 37 });
  });
});

describe('session.changed', () => {
  it('is sent at most about five times a second however often counts change', async () => {
    const w = world(200);
    await w.call('capture.start', { interface: 'lo', filter: '' });
    const d = w.log.last;
    const start = w.events.of('session.changed').length;
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) {
      d.grow(1);
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 250));
    const sent = w.events.of('session.changed').slice(start);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(seconds * 5) + 2);
    expect(sent[sent.length - 1]!.packets).toBe(50);
    await w.call('capture.stop');
  });
});
