/**
 * Versions for the About box and the 'app.info' request. libpcap's version is
 * asked of the capture program (`paquet-dumpcap --version`, one JSON line)
 * once, in the background: a few milliseconds, and the About box simply says
 * "unknown" until (or unless) it answers.
 */
import { execFile } from 'node:child_process';
import type { AppInfo } from '../../shared/ipc/contract.js';
import { findCaptureProgram } from '../capture/locate.js';

/** libpcap's version string from the capture program's `--version` output, or null when absent. */
export function parseVersionOutput(stdout: string): string | null {
  for (const line of stdout.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      const event = JSON.parse(text) as { event?: unknown; libpcap?: unknown };
      if (event.event === 'version' && typeof event.libpcap === 'string' && event.libpcap !== '') return event.libpcap;
    } catch {
      // a line that is not JSON: the program prints plain text to stderr only, but be lenient
    }
  }
  return null;
}

/** Runs `program --version` (3 s at most); null when there is no program or it fails. */
export function probeLibpcapVersion(program: string | undefined = findCaptureProgram()): Promise<string | null> {
  if (!program) return Promise.resolve(null);
  return new Promise((resolvePromise) => {
    execFile(program, ['--version'], { timeout: 3000, maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error) {
        console.warn(`paquet: could not ask ${program} for its libpcap version: ${error.message}`);
        resolvePromise(null);
      } else {
        resolvePromise(parseVersionOutput(String(stdout)));
      }
    });
  });
}

/** AppInfo from the app's version, the process's versions and libpcap's (null while unknown). */
export function makeAppInfo(version: string, versions: NodeJS.ProcessVersions, libpcap: string | null, platform: string): AppInfo {
  const v = versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return {
    version,
    electron: v.electron ?? null,
    chrome: v.chrome ?? null,
    node: versions.node,
    libpcap,
    platform,
  };
}
