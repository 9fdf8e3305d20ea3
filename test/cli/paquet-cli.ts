/**
 * Runs the compiled `paquet` command for the CLI tests. Each test file builds
 * its own copy (test/tmp/cli-dist-NAME): vitest runs files in parallel, and
 * two compilations writing one folder could hand a half-written file to node.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../format/support.js';

let bin = '';

/** The entry point built by buildCli(). */
export function binPath(): string {
  if (!bin) throw new Error('buildCli() first');
  return bin;
}

/**
 * Compile the sources on their own (not into dist/, which other test runs
 * may be using). tsc still writes JavaScript when some unrelated file has a
 * type error, so only a missing entry point is fatal here.
 */
export function buildCli(name: string): void {
  const dist = join(REPO, 'test/tmp', `cli-dist-${name}`);
  rmSync(dist, { recursive: true, force: true });
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--outDir', dist], { cwd: REPO, encoding: 'utf8' });
  bin = join(dist, 'main/cli/paquet.js');
  if (!existsSync(bin)) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
}

export interface RunResult { status: number | null; stdout: string; stderr: string }

export function paquet(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath(), ...args], { cwd: REPO, env: { ...process.env, TZ: 'UTC', ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
