/**
 * Where a worker_threads script is found. Built, it is next to the module that starts it
 * (dist/main/...). Running from the TypeScript sources (the tests), Node 20 cannot run a
 * TypeScript worker, so the compiled copy under dist/ is used: `tsc -p tsconfig.json` must
 * have run (test/run.mjs does it).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The script `name`, beside `from` (the starting module's import.meta.url) or, from the sources,
 * under dist/`folder` (the starting module's folder from the repository's root, e.g. main/worker); null if neither exists.
 */
export function threadScript(from: string, folder: string, name: string): URL | null {
  const beside = new URL(`./${name}`, from);
  if (existsSync(fileURLToPath(beside))) return beside;
  const compiled = new URL(`../../dist/${folder}/${name}`, from);
  return existsSync(fileURLToPath(compiled)) ? compiled : null;
}
