/**
 * `paquet read` on a large capture: output starts before the file is read
 * through, `-c` stops early, a closed pipe (`| head`) ends the run quietly
 * with status 0 (in one thread or split over two), and memory stays bounded
 * by what the engine keeps.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHAT, REPO, expected, lines } from '../format/support.js';
import { binPath, buildCli, paquet } from './paquet-cli.js';

const BIG = join(REPO, 'test/tmp/chat-x2000.pcap');
const COPIES = 2000;

/** The chat capture's records repeated, each copy 10 s later than the one before (classic pcap, µs). */
function makeBigCapture(): void {
  const chat = readFileSync(join(REPO, CHAT));
  const body = chat.subarray(24);
  const parts: Buffer[] = [chat.subarray(0, 24)];
  for (let k = 0; k < COPIES; k++) {
    const copy = Buffer.from(body);
    for (let o = 0; o < copy.length; ) {
      copy.writeUInt32LE(copy.readUInt32LE(o) + k * 10, o);
      o += 16 + copy.readUInt32LE(o + 8);
    }
    parts.push(copy);
  }
  mkdirSync(join(REPO, 'test/tmp'), { recursive: true });
  writeFileSync(BIG, Buffer.concat(parts));
}

beforeAll(() => {
  buildCli('streaming');
  makeBigCapture();
}, 120_000);

/** Run paquet, read `wanted` lines of its output, then close the pipe as `head` does. */
function readThenClose(args: string[], wanted: number): Promise<{ status: number | null; signal: string | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath(), ...args], { cwd: REPO, env: { ...process.env, TZ: 'UTC' } });
    let text = '';
    let stderr = '';
    let done = false;
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      if (done) return;
      text += b.toString();
      if (text.split('\n').length > wanted) {
        done = true;
        child.stdout.destroy();
      }
    });
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, lines: text.split('\n').slice(0, wanted), stderr }));
  });
}

describe('large captures', () => {
  it('ends quietly with status 0 when the reader closes the pipe early', async () => {
    const started = Date.now();
    const r = await readThenClose(['read', BIG, '-V'], 5);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines[0]).toBe(lines(expected('chat', 'details.txt'))[0]);
    // Stopping must not wait for the whole file to be dissected.
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('ends quietly on a closed pipe after summary lines too', async () => {
    const r = await readThenClose(['read', BIG], 3);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(lines(expected('chat', 'summary.txt')).slice(0, 3));
  }, 60_000);

  it('stops reading after -c packets', async () => {
    const r = await paquet(['read', BIG, '-c', '37']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected('chat', 'summary.txt'));
  });

  it('prints the same summary in two threads as in one (PAQUET_READ_THREADS), and ends quietly on a closed pipe', async () => {
    const one = await paquet(['read', BIG], { PAQUET_READ_THREADS: '1' });
    const two = await paquet(['read', BIG], { PAQUET_READ_THREADS: '2' });
    expect(one.status).toBe(0);
    expect(lines(one.stdout).length).toBe(37 * COPIES);
    expect(two).toEqual(one);
    const closed = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [binPath(), 'read', BIG], { cwd: REPO, env: { ...process.env, TZ: 'UTC', PAQUET_READ_THREADS: '2' } });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stderr }));
    });
    expect(closed).toEqual({ status: 0, stderr: '' });
  }, 60_000);

  it('prints every packet of the whole file in order', async () => {
    const r = await paquet(['read', BIG, '-T', 'fields', '-e', '_ws.col.No.', '-e', '_ws.col.Length']);
    expect(r.status).toBe(0);
    const got = lines(r.stdout);
    expect(got.length).toBe(37 * COPIES);
    const lengths = lines(expected('chat', 'columns.tsv')).map((l) => l.split('\u0002')[5]);
    got.forEach((line, i) => {
      if (line !== `${i + 1}\t${lengths[i % 37]}`) expect(line).toBe(`${i + 1}\t${lengths[i % 37]}`);
    });
  }, 60_000);
});

describe('help and version', () => {
  it('--help prints usage and exits 0', async () => {
    const r = await paquet(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: paquet read FILE/);
    for (const flag of ['-V', '-x', '-c', '-T', '-e', '-E', '-n']) expect(r.stdout).toContain(`  ${flag}`);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await paquet(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`Paquet ${pkg.version}\n`);
  });

  it('an unknown command is an error', async () => {
    const r = await paquet(['frobnicate']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').length).toBe(2);
  });
});
