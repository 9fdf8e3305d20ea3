/**
 * kill -9 of the app in the middle of a Save (issue 8: "a crash during Save
 * never leaves a damaged file where a good one was"). A child process
 * (save-child.mjs: the compiled handlers and decoding worker, as the app runs
 * them) saves a ~60 MB capture over a good file; the test watches the
 * temporary file grow and kills the child at set points of the write. After
 * each kill the target is either the good file, byte for byte, or (when the
 * rename had happened) the new file whole; a temporary file left behind is
 * named after the target and the dead process, and the next save into the
 * folder removes it, and only it.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { bigCapture, delay, readWithPaquet, REPO } from './support.js';

const compiled = existsSync(join(REPO, 'dist/main/worker/decode-worker.js')) && existsSync(join(REPO, 'dist/main/ipc/handlers.js'));
if (!compiled) console.log('kill during Save test skipped: dist/ is not compiled (run npx tsc -p tsconfig.json)');

const GOOD = '/work/shared/captures/workerman-chat-7272.pcap';
const PACKETS = 40_000;
const tmp = mkdtempSync(join(tmpdir(), 'paquet-faults-save-kill-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface SaveRun {
  readonly pid: number;
  /** Resolves with the child's {"saved": ...} reply, or undefined once it has exited without one. */
  readonly saved: Promise<unknown>;
  readonly exited: Promise<void>;
  kill(): void;
  stderr(): string;
}

/** save-child.mjs saving `source` to `target` (a Save As through the real session and worker). */
function startSave(source: string, target: string): SaveRun {
  const child = spawn(process.execPath, [join(REPO, 'test/faults/save-child.mjs'), join(tmp, 'state'), source, target], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const saved = new Promise<unknown>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const o = JSON.parse(l) as { saved?: unknown };
      if ('saved' in o) resolve(o.saved);
    });
    void exited.then(() => resolve(undefined));
  });
  return { pid: child.pid!, saved, exited, kill: () => child.kill('SIGKILL'), stderr: () => stderr };
}

/** The temporary files of saves by `pid` to `target` in its folder: `<name>.paquet-<pid>-<12 hex>.tmp`. */
function tempsOf(folder: string, name: string, pid: number): string[] {
  const own = new RegExp(`^${name.replace(/\./g, '\\.')}\\.paquet-${pid}-[0-9a-f]{12}\\.tmp$`);
  return readdirSync(folder).filter((n) => own.test(n));
}

/** The size of the largest temporary file of `run` (0 when there is none yet). */
function tempSize(folder: string, name: string, pid: number): number {
  let most = 0;
  for (const t of tempsOf(folder, name, pid)) {
    try {
      most = Math.max(most, statSync(join(folder, t)).size);
    } catch {
      // renamed meanwhile
    }
  }
  return most;
}

/**
 * Polls every millisecond until `reached()` says where the save is, then kills
 * the child at once. Returns what `reached` said, or undefined when the save
 * ended first.
 */
async function killWhen(run: SaveRun, reached: () => string | undefined): Promise<string | undefined> {
  let over = false;
  void run.saved.then(() => (over = true));
  const end = Date.now() + 20_000;
  try {
    while (!over && Date.now() < end) {
      const where = reached();
      if (where !== undefined) {
        run.kill();
        return where;
      }
      await delay(1);
    }
    if (!over) throw new Error(`the save did not get there within 20 s; child stderr: ${run.stderr()}`);
    return undefined;
  } finally {
    run.kill();
    await run.exited;
  }
}

describe.skipIf(!compiled)('kill -9 in the middle of a Save', () => {
  it('leaves the good file whole (or the new one complete); the next save removes the temporary file', async () => {
    const source = join(tmp, 'big.pcapng');
    bigCapture(source, PACKETS, 1500); // about 61 MB: its save takes a few hundred milliseconds
    const folder = join(tmp, 'saves');
    mkdirSync(folder);
    const name = 'capture.pcapng';
    const target = join(folder, name);

    // The new file a complete save writes (the same bytes every time: same packets, same view).
    const first = startSave(source, target);
    expect(await first.saved, first.stderr()).toEqual({ saved: true, path: target });
    await first.exited;
    const complete = readFileSync(target);
    expect((await readWithPaquet(target)).packets).toBe(PACKETS);
    expect(readdirSync(folder)).toEqual([name]);

    // Files that look alike but are not stale temporary files of a save: kept by every later save.
    const running = `${name}.paquet-${process.pid}-0123456789ab.tmp`; // its writer (this process) still runs
    writeFileSync(join(folder, running), 'in use');
    writeFileSync(join(folder, 'notes.tmp'), 'not ours');

    const good = readFileSync(GOOD);
    const outcomes: string[] = [];
    let stale: string[] = [];
    let intact = 0;
    const points: [string, (pid: number, before: number) => string | undefined][] = [0.1, 0.5, 0.9, 1].map((share) => [
      `${share * 100}% written`,
      (pid) => {
        const size = tempSize(folder, name, pid);
        return size >= complete.length * share ? `${size} of ${complete.length} bytes written` : undefined;
      },
    ]);
    // Right after the rename (the target is another file now): the folder's flush and the end of the save.
    points.push(['just renamed', (_pid, before) => (statSync(target).ino !== before ? 'the target renamed' : undefined)]);
    for (const [point, reached] of points) {
      copyFileSync(GOOD, target);
      const before = statSync(target).ino;
      const run = startSave(source, target);
      const seen = await killWhen(run, () => reached(run.pid, before));
      const now = readFileSync(target);
      const left = tempsOf(folder, name, run.pid);
      // The previous kill's temporary file went when this save began.
      for (const t of stale) expect(existsSync(join(folder, t)), t).toBe(false);
      if (now.equals(good)) {
        // Killed before the rename: the good file is untouched; the half-written copy is recognisable by its name.
        expect(left).toHaveLength(1);
        expect(statSync(join(folder, left[0]!)).size).toBeLessThanOrEqual(complete.length);
        intact++;
        outcomes.push(`at ${point}: killed with ${seen ?? 'the save over'}; the good file intact, ${left[0]} left`);
      } else {
        // Killed after the rename: the new file is there whole.
        expect(now.equals(complete)).toBe(true);
        expect(left).toEqual([]);
        outcomes.push(`at ${point}: killed with ${seen ?? 'the save over'}; the rename had happened, the new file is complete`);
      }
      stale = left;
    }
    console.log(`kill -9 during Save of ${complete.length} bytes:\n  ${outcomes.join('\n  ')}`);
    // The point of the test: most kills must land while the temporary file was being written.
    expect(intact).toBeGreaterThanOrEqual(3);

    // The next save removes the dead process's temporary file, and nothing else.
    const last = startSave(source, target);
    expect(await last.saved, last.stderr()).toEqual({ saved: true, path: target });
    await last.exited;
    expect(readFileSync(target).equals(complete)).toBe(true);
    expect(readdirSync(folder).sort()).toEqual([name, running, 'notes.tmp'].sort());
  }, 60_000);
});
