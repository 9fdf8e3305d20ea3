/**
 * Save is atomic (issue 8): written to a temporary file in the same folder,
 * flushed, renamed over the target. When the rename or the writing fails, the
 * reply is an error with a message, the file that was there is untouched, and
 * no temporary file is left behind. Through the session with the real
 * decoder (dist/). The folder-is-a-target case runs anywhere; the read-only
 * and full-disk cases mount a small tmpfs (root only), skipped with the reason
 * otherwise.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isIpcError, type SessionState, type ViewState } from '../../shared/ipc/contract.js';
import { createHandlers, type Handlers } from '../../main/ipc/handlers.js';
import { isRoot } from '../capture-live/support.js';
import { APP_INFO, FakeDialogs } from '../session/fakes.js';
import { bigCapture, mountTmpfs, readWithPaquet, REPO, remountReadOnly, unmount, waitUntil } from './support.js';

const compiled = existsSync(join(REPO, 'dist/main/worker/decode-worker.js'));
if (!compiled) console.log('save atomicity tests skipped: dist/ is not compiled (run npx tsc -p tsconfig.json)');

const REFERENCE = '/work/shared/captures/workerman-chat-7272.pcap';
const VIEW: ViewState = { displayFilter: '', selected: null, scrollRow: 0, columnWidths: {}, paneSizes: [], sort: null, terminalMode: 'A' };

const tmp = mkdtempSync(join(tmpdir(), 'paquet-faults-save-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) unmount(m);
  rmSync(tmp, { recursive: true, force: true });
});
const open: Handlers[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.dispose();
});

function session(): { h: Handlers; dialogs: FakeDialogs } {
  const dialogs = new FakeDialogs();
  const h = createHandlers({ dialogs, emit: () => undefined, stateDir: join(tmp, 'state'), appInfo: () => APP_INFO, changeIntervalMs: 50, log: () => undefined });
  open.push(h);
  return { h, dialogs };
}

async function opened(h: Handlers, path: string): Promise<SessionState> {
  expect(await h.handle('file.openDropped', { path })).toEqual({ saved: true, path });
  return waitUntil(`${path} to be indexed`, async () => {
    const s = (await h.handle('session.state', undefined)) as SessionState;
    return s.progress === 1 && s.busy === null ? s : undefined;
  });
}

/** A good capture written by Paquet (the reference capture saved as pcapng) at `path`. */
async function goodFile(path: string): Promise<Buffer> {
  const { h, dialogs } = session();
  await opened(h, REFERENCE);
  dialogs.saveAnswers.push(path);
  expect(await h.handle('file.save', { as: true, view: VIEW })).toEqual({ saved: true, path });
  return readFileSync(path);
}

function errorOf(reply: unknown): { code: string; message: string } {
  if (!isIpcError(reply)) throw new Error(`expected an error reply, got ${JSON.stringify(reply).slice(0, 200)}`);
  return reply.error;
}

/** A small tmpfs at a new folder; undefined (with the reason printed) when it cannot be mounted. */
function smallDisk(name: string, size: string): string | undefined {
  if (!isRoot) {
    console.log(`${name}: skipped, mounting a tmpfs needs root`);
    return undefined;
  }
  const dir = join(tmp, name);
  mkdirSync(dir);
  if (!mountTmpfs(dir, size)) {
    console.log(`${name}: skipped, cannot mount a tmpfs here`);
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

describe.skipIf(!compiled)('an atomic Save', () => {
  it('refuses a target that is a folder (the final rename fails): an error reply, the folder untouched, no temporary file', async () => {
    const dir = join(tmp, 'target-is-a-folder');
    const target = join(dir, 'capture.pcapng');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'inside.txt'), 'keep me');
    const { h, dialogs } = session();
    await opened(h, REFERENCE);
    dialogs.saveAnswers.push(target);
    const e = errorOf(await h.handle('file.save', { as: true, view: VIEW }));
    expect(e).toEqual({ code: 'file', message: 'Could not save capture.pcapng: a folder has that name' });
    expect(readdirSync(dir)).toEqual(['capture.pcapng']);
    expect(readdirSync(target)).toEqual(['inside.txt']);
    expect(readFileSync(join(target, 'inside.txt'), 'utf8')).toBe('keep me');
    // The window is as it was: still the reference capture.
    expect(await h.handle('session.state', undefined)).toMatchObject({ source: { kind: 'file', path: REFERENCE }, packets: 37 });
  });

  it('into a read-only folder: an error reply, and the good file there untouched', async () => {
    const { h, dialogs } = session();
    let dir: string;
    let expected: RegExp;
    const disk = smallDisk('read-only', '1m');
    if (disk) {
      dir = disk; // root ignores permissions: a read-only mount it is
      expected = /^Could not save good\.pcapng: the disk is read-only$/;
    } else if (!isRoot) {
      dir = join(tmp, 'no-write');
      mkdirSync(dir);
      expected = /^Could not save good\.pcapng: permission denied$/;
    } else return;
    const target = join(dir, 'good.pcapng');
    const before = await goodFile(target);
    if (disk) expect(remountReadOnly(dir)).toBe(true);
    else chmodSync(dir, 0o555);
    try {
      await opened(h, REFERENCE);
      await h.handle('packet.setComment', { num: 1, comment: 'a change to save' });
      dialogs.saveAnswers.push(target);
      const e = errorOf(await h.handle('file.save', { as: true, view: VIEW }));
      expect(e.code).toBe('file');
      expect(e.message).toMatch(expected);
      expect(readFileSync(target).equals(before)).toBe(true);
      expect(readdirSync(dir).filter((n) => n !== 'lost+found')).toEqual(['good.pcapng']);
      // The change is still unsaved: closing would ask.
      expect(await h.handle('session.state', undefined)).toMatchObject({ unsaved: true });
      console.log(`save into a read-only folder: "${e.message}"`);
    } finally {
      if (!disk) chmodSync(dir, 0o755);
    }
  });

  it('a Save As over a good file that fills the disk: an error reply, the good file intact, no temporary file left', async () => {
    const disk = smallDisk('full-save-as', '128k');
    if (!disk) return;
    const target = join(disk, 'good.pcapng');
    const before = await goodFile(target);
    const big = join(tmp, 'big.pcapng');
    bigCapture(big, 400, 1000); // about 400 kB: cannot fit in 128 KiB
    const { h, dialogs } = session();
    expect((await opened(h, big)).packets).toBe(400);
    dialogs.saveAnswers.push(target);
    const e = errorOf(await h.handle('file.save', { as: true, view: VIEW }));
    expect(e).toEqual({ code: 'file', message: 'Could not save good.pcapng: the disk is full' });
    expect(readFileSync(target).equals(before)).toBe(true);
    expect((await readWithPaquet(target)).packets).toBe(37);
    expect(readdirSync(disk)).toEqual(['good.pcapng']);
    expect(await h.handle('session.state', undefined)).toMatchObject({ source: { kind: 'file', path: big } });
    console.log(`Save As of ${readFileSync(big).length} bytes onto a 128 KiB disk: "${e.message}"; the ${before.length}-byte file there is intact`);
  });

  it('a Save in place that fills the disk: the file keeps its old content, the edit stays unsaved, no temporary file', async () => {
    const disk = smallDisk('full-in-place', '512k');
    if (!disk) return;
    const file = join(disk, 'big.pcapng');
    bigCapture(file, 300, 1000); // about 310 kB: the file and its new copy do not both fit in 512 KiB
    const before = readFileSync(file);
    const { h } = session();
    await opened(h, file);
    expect(await h.handle('packet.setComment', { num: 7, comment: 'seen' })).toMatchObject({ comments: ['seen'] });
    const e = errorOf(await h.handle('file.save', { as: false, view: VIEW }));
    expect(e).toEqual({ code: 'file', message: 'Could not save big.pcapng: the disk is full' });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(disk)).toEqual(['big.pcapng']);
    expect(await h.handle('session.state', undefined)).toMatchObject({ unsaved: true, source: { kind: 'file', path: file } });
    // A smaller capture saved over it fits: the rename replaces the file whole.
    const smaller = join(tmp, 'small.pcapng');
    bigCapture(smaller, 50, 1000);
    const { h: h2, dialogs: d2 } = session();
    await opened(h2, smaller);
    d2.saveAnswers.push(file);
    expect(await h2.handle('file.save', { as: true, view: VIEW })).toEqual({ saved: true, path: file });
    expect((await readWithPaquet(file)).packets).toBe(50);
    expect(readdirSync(disk)).toEqual(['big.pcapng']);
  });
});
