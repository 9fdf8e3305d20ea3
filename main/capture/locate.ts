/** Where the built capture program lives: dist/capture/ beside the sources or the compiled JS. */
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = process.platform === 'win32' ? 'paquet-dumpcap.exe' : 'paquet-dumpcap';

/** Paths tried, in order: $PAQUET_DUMPCAP, then dist/capture/ from main/capture/ or dist/main/capture/. */
export function captureProgramCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromEnv = process.env.PAQUET_DUMPCAP;
  return [
    ...(fromEnv ? [fromEnv] : []),
    resolve(here, '../../dist/capture', NAME), // running from the TypeScript sources (tests)
    resolve(here, '../../capture', NAME), // running from dist/main/capture/
  ];
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
