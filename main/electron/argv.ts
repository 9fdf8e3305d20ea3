/**
 * Capture files named on the command line: `paquet chat.pcap` (packaged) or
 * `electron . chat.pcap` (development), and the argv a second instance hands
 * to the first one.
 */
import { isAbsolute, resolve } from 'node:path';

/**
 * The file arguments in `argv`, as absolute paths (relative ones resolved from
 * `cwd`). `argv[0]` is the executable; when `hasAppPathArgument` (running as
 * `electron <app>`: process.defaultApp) the first non-flag argument is the app
 * folder or script and is skipped too. Flags (`--inspect=0`,
 * `--no-sandbox`, Chromium's `--original-process-start-time=…`) are skipped;
 * `--` ends the flags, so `-- -odd-name.pcap` opens a file whose name starts
 * with a dash.
 */
export function filesFromArgv(argv: readonly string[], hasAppPathArgument: boolean, cwd: string): string[] {
  const files: string[] = [];
  let appPathPending = hasAppPathArgument;
  let flagsEnded = false;
  for (const arg of argv.slice(1)) {
    if (!flagsEnded && arg === '--') {
      flagsEnded = true;
      continue;
    }
    if (!flagsEnded && arg.startsWith('-')) continue;
    if (arg === '') continue;
    if (appPathPending) {
      appPathPending = false;
      continue;
    }
    files.push(isAbsolute(arg) ? arg : resolve(cwd, arg));
  }
  return files;
}
