/**
 * How the capture program is started and asked to stop on each platform.
 * POSIX: SIGTERM makes it write its last packets, the statistics block and
 * close the file. Windows has no SIGTERM to send (Node's kill() terminates the
 * process outright), so the program is given a pipe as stdin and stops cleanly
 * when that pipe is closed; and Npcap installs wpcap.dll in System32\Npcap,
 * which is not on the default DLL search path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { win32 } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** The environment the program runs in: on Windows, with Npcap's folder on PATH so wpcap.dll loads. */
export function captureProgramEnv(platform: NodeJS.Platform = process.platform, env: Env = process.env): Record<string, string | undefined> {
  if (platform !== 'win32') return { ...env };
  const npcap = win32.join(env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows', 'System32', 'Npcap');
  // Windows environment names are case-insensitive: keep whichever spelling of Path is there.
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  const path = env[key];
  return { ...env, [key]: path ? `${npcap}${win32.delimiter}${path}` : npcap };
}

export function spawnCaptureProgram(program: string, args: readonly string[], platform: NodeJS.Platform = process.platform): ChildProcess {
  return spawn(program, [...args], {
    stdio: [platform === 'win32' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: captureProgramEnv(platform),
  });
}

/** Ask for a clean stop: SIGTERM, or on Windows the end of the stdin pipe. */
export function requestStop(child: ChildProcess, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32' && child.stdin) child.stdin.end();
  else child.kill('SIGTERM');
}
