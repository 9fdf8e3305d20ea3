/**
 * Where the capture program lives. In the repository: dist/capture/, beside the sources or the
 * compiled JS. In a packaged app: resources/app/dist/capture/ (the package is not an asar archive:
 * see electron-builder.yml), or the copy the one-time permission step installed with capture
 * capabilities (AppImage), which is preferred there because the bundled one has none.
 */
import { accessSync, constants } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = process.platform === 'win32' ? 'paquet-dumpcap.exe' : 'paquet-dumpcap';

/** Where the one-time permission step (pkexec) installs the program with cap_net_raw and cap_net_admin. */
export const SYSTEM_CAPTURE_PROGRAM = `/usr/local/lib/paquet/${NAME}`;

const ASAR = `${sep}app.asar${sep}`;

/** A path inside app.asar as the same path in app.asar.unpacked (should the package ever become an archive again). */
export function unpackedPath(p: string): string {
  return p.includes(ASAR) ? p.replace(ASAR, `${sep}app.asar.unpacked${sep}`) : p;
}

/** Running from a packaged app: Electron sets process.resourcesPath, and this file lies under it. */
export function packagedApp(here: string): boolean {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  return typeof resources === 'string' && resources.length > 0 && here.startsWith(resources + sep);
}

/** Where this copy of Paquet builds the program: beside the sources (tests) or the compiled JS. */
function localCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    resolve(here, '../../dist/capture', NAME), // running from the TypeScript sources (tests)
    resolve(here, '../../capture', NAME), // running from dist/main/capture/
  ].map(unpackedPath);
}

/** Paths tried, in order: $PAQUET_DUMPCAP, then the packaged or repository locations. */
export function captureProgramCandidates(): string[] {
  const fromEnv = process.env.PAQUET_DUMPCAP;
  const packaged = packagedApp(dirname(fileURLToPath(import.meta.url)));
  const local = localCandidates();
  const system = process.platform === 'linux' ? [SYSTEM_CAPTURE_PROGRAM] : [];
  return [...(fromEnv ? [fromEnv] : []), ...(packaged ? [...system, ...local] : local)];
}

function firstExecutable(paths: readonly string[]): string | undefined {
  return paths.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false; // try the next place
    }
  });
}

/** The program built with this copy of Paquet (never $PAQUET_DUMPCAP or the system copy), or undefined. */
export function bundledCaptureProgram(): string | undefined {
  return firstExecutable(localCandidates());
}

/** The capture program's path, or undefined when it was not built. */
export function findCaptureProgram(): string | undefined {
  return firstExecutable(captureProgramCandidates());
}
