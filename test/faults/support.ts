/**
 * Shared by the fault tests (issue 8, "Faults while capturing"): when they can
 * run, reading a capture back the ways a user would (Paquet's reader, tshark),
 * waiting for processes to end, the capture folders in a state folder, big
 * captures to save, small tmpfs mounts. Every wait is bounded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openCaptureFile } from '../../main/capture-file/index.js';
import { PcapngWriter } from '../../shared/capture/pcapng-writer.js';
import { parseMarker, type CaptureMarker } from '../../main/session/capture-folder.js';
import { stillRunning } from '../../main/session/process-identity.js';
import { captureProgram, hasTshark, whyLiveSkipped } from '../capture-live/support.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const program = captureProgram();
export { hasTshark };

/** Why the live fault tests cannot run here, or undefined. */
export function whyFaultsSkipped(): string | undefined {
  const live = whyLiveSkipped(program);
  if (live) return live;
  for (const f of ['dist/main/worker/decode-worker.js', 'dist/main/ipc/handlers.js', 'dist/main/cli/paquet.js']) {
    if (!existsSync(join(REPO, f))) return `${f} is not compiled (run npx tsc -p tsconfig.json)`;
  }
  return undefined;
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `test` every 20 ms until it holds; throws with `what` after `ms`. */
export async function waitUntil<T>(what: string, test: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await test();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(20);
  }
}

/** Resolves once `pid` has exited (or is a zombie: exited, not yet reaped); throws after `ms`. */
export async function processGone(pid: number, ms = 8000): Promise<void> {
  await waitUntil(`process ${pid} to exit`, () => !stillRunning({ pid }), ms);
}

/** The pids whose parent is `pid` (Linux /proc). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(name));
  }
  return out;
}

export interface CaptureDir {
  readonly dir: string;
  readonly file: string;
  readonly marker: CaptureMarker | undefined;
}

/** The capture folders under a state folder, with their markers. */
export function captureDirs(stateDir: string): CaptureDir[] {
  const parent = join(stateDir, 'captures');
  if (!existsSync(parent)) return [];
  return readdirSync(parent).map((name) => {
    const dir = join(parent, name);
    const m = join(dir, 'capture.json');
    return { dir, file: join(dir, 'live.pcapng'), marker: existsSync(m) ? parseMarker(readFileSync(m, 'utf8')) : undefined };
  });
}

export interface ReadBack {
  readonly packets: number;
  readonly warnings: string[];
  /** The 4-byte sequence number each test datagram starts with (payload of `payloadSize` bytes at the end of the frame). */
  readonly seqs: number[];
}

/** The file as Paquet's reader (main/capture-file) sees it. */
export async function readWithPaquet(path: string, payloadSize?: number): Promise<ReadBack> {
  const reader = await openCaptureFile(path);
  try {
    const seqs: number[] = [];
    if (payloadSize !== undefined) {
      for await (const r of reader.records()) seqs.push(Buffer.from(r.data).readUInt32BE(r.data.length - payloadSize));
    }
    return { packets: reader.packetCount, warnings: reader.warnings.map((w) => w.message), seqs };
  } finally {
    await reader.close();
  }
}

/** Packets tshark reads from the file (undefined when tshark is not installed), and its exit status. */
export function readWithTshark(path: string): { packets: number; status: number | null; stderr: string } | undefined {
  if (!hasTshark) return undefined;
  const t = spawnSync('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', timeout: 20_000 });
  const lines = t.stdout.trim() === '' ? [] : t.stdout.trim().split('\n');
  return { packets: lines.length, status: t.status, stderr: t.stderr };
}

/** The type of the last block of a pcapng file (5: Interface Statistics, written only by a clean stop). */
export function lastBlockType(path: string): number {
  const bytes = readFileSync(path);
  const length = bytes.readUInt32LE(bytes.length - 4);
  return bytes.readUInt32LE(bytes.length - length);
}

/** True when the datagram sequence numbers run without a gap (each sent once, none missing in between). */
export function contiguous(seqs: readonly number[]): boolean {
  return seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);
}

/** Write a pcapng of `packets` packets of `size` bytes (about packets × (size + 32) bytes) to `path`. */
export function bigCapture(path: string, packets: number, size: number): void {
  const w = new PcapngWriter({ userAppl: 'test' });
  const parts = [w.sectionHeader(), w.addInterface({ linkType: 1, snapLen: 262144, name: 'eth0' })];
  for (let i = 0; i < packets; i++) parts.push(w.packet({ interface: 0, tsSec: 1_700_000_000, tsNsec: i, origLen: size, data: new Uint8Array(size).fill(i & 0xff) }));
  writeFileSync(path, Buffer.concat(parts));
}

/** Mount a tmpfs of `size` (e.g. '256k') on `dir` (root only); false when it cannot be mounted here. */
export function mountTmpfs(dir: string, size: string): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]).status === 0;
}

export function remountReadOnly(dir: string): boolean {
  return spawnSync('mount', ['-o', 'remount,ro', dir]).status === 0;
}

export function unmount(dir: string): void {
  // Lazy: a decoder still holding a file open must not leave the mount behind.
  spawnSync('umount', ['-l', dir]);
}
