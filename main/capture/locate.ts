/**
 * Where the capture program lives. In the repository: dist/capture/, beside the sources or the
 * compiled JS. In a packaged app: unpacked next to app.asar (a program inside the archive cannot
 * be executed), or the copy the one-time permission step installed with capture capabilities
 * (AppImage), which is preferred there because the bundled one has none.
 */
import { accessSync, constants } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = process.platform === 'win32' ? 'paquet-dumpcap.exe' : 'paquet-dumpcap';

/** Where the one-time permission step (pkexec) installs the program with cap_net_raw and cap_net_admin. */
export const SYSTEM_CAPTURE_PROGRAM = `/usr/local/lib/paquet/${NAME}`;

const ASAR = `${sep}app.asar${sep}`;

/** A path inside app.asar as the same path in app.asar.unpacked, where asarUnpack puts executables. */
export function unpackedPath(p: string): string {
  return p.includes(ASAR) ? p.replace(ASAR, `${sep}app.asar.unpacked${sep}`) : p;
}

/** Paths tried, in order: $PAQUET_DUMPCAP, then the packaged or repository locations. */
export function captureProgramCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromEnv = process.env.PAQUET_DUMPCAP;
  const packaged = here.includes(ASAR);
  const local = [
    resolve(here, '../../dist/capture', NAME), // running from the TypeScript sources (tests)
    resolve(here, '../../capture', NAME), // running from dist/main/capture/
  ].map(unpackedPath);
  const system = process.platform === 'linux' ? [SYSTEM_CAPTURE_PROGRAM] : [];
  return [...(fromEnv ? [fromEnv] : []), ...(packaged ? [...system, ...local] : local)];
}

/** The capture program's path, or undefined when it was not built. */
export function findCaptureProgram(): string | undefined {
  for (const p of captureProgramCandidates()) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // try the next place
    }
  }
  return undefined;
}
