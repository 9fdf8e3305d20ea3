/**
 * The capture program's start and stop per platform (main/capture/spawn-program.ts). Windows is
 * checked here by passing 'win32': a stand-in program that, like paquet-dumpcap built for Windows,
 * stops cleanly when its stdin pipe closes.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { captureProgramEnv, requestStop, spawnCaptureProgram } from '../../main/capture/spawn-program.js';

// Handlers first, then 'started': the test stops it as soon as it reads that word. Like the program,
// it watches stdin only when that is a pipe (Node's are socket pairs; POSIX starts it with /dev/null there).
const STAND_IN = `
const input = require('node:fs').fstatSync(0);
if (input.isFIFO() || input.isSocket()) {
  process.stdin.resume();
  process.stdin.on('end', () => { process.stdout.write('stopped cleanly\\n'); process.exit(0); });
}
process.on('SIGTERM', () => { process.stdout.write('stopped by SIGTERM\\n'); process.exit(0); });
setInterval(() => {}, 1000); // runs until told to stop, like a capture
process.stdout.write('started\\n');
`;

async function runAndStop(platform: NodeJS.Platform): Promise<{ out: string; code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawnCaptureProgram(process.execPath, ['-e', STAND_IN], platform);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  while (!out.includes('started')) await once(child.stdout!, 'data');
  requestStop(child, platform);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { out, code, signal };
}

describe('capture program start and stop', () => {
  it('puts Npcap\'s folder first on the Windows PATH, whatever the spelling of Path, and nowhere else', () => {
    const env = captureProgramEnv('win32', { Path: 'C:\\Tools', SystemRoot: 'D:\\Win' });
    expect(env.Path).toBe('D:\\Win\\System32\\Npcap;C:\\Tools');
    expect(env.PATH).toBeUndefined();
    expect(captureProgramEnv('linux', { PATH: '/usr/bin' }).PATH).toBe('/usr/bin');
    expect(captureProgramEnv('darwin', { PATH: '/usr/bin' }).PATH).toBe('/usr/bin');
  });

  it('stops with SIGTERM on POSIX', async () => {
    const r = await runAndStop('linux');
    expect(r.out).toContain('stopped by SIGTERM');
    expect(r.code).toBe(0);
  });

  it('stops by closing stdin where there is no SIGTERM (Windows)', async () => {
    const r = await runAndStop('win32');
    expect(r.out).toContain('stopped cleanly');
    expect(r.code).toBe(0);
  });
});

