/**
 * Paquet's UI in a browser, without Electron: a developer's tool. Starts the
 * WebSocket bridge with the real session handlers and prints the page's URL.
 *
 *   npm run build
 *   node dist/main/ipc/serve-browser.js [--save-dir DIR] [--state-dir DIR] [capture-file]
 *
 * A browser cannot show the OS dialogs, so they are asked on this terminal:
 * Open asks for a path; Save proposes DIR/<suggested name> (Enter accepts it,
 * `-` cancels, or type another path); "drop unsaved packets?" wants y. With no
 * terminal (stdin not a TTY), Open is cancelled, Save takes the proposal and
 * unsaved packets are dropped. Each browser tab is a window with its own
 * session; `capture-file` is opened in every new one. Ctrl-C stops the server.
 */
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import type { AppInfo } from '../../shared/ipc/contract.js';
import { findCaptureProgram } from '../capture/locate.js';
import type { Dialogs } from '../session/dialogs.js';
import { createHandlers } from './handlers.js';
import { startBridge } from './ws-bridge.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** dist/renderer, from dist/main/ipc/. */
const STATIC_DIR = resolve(HERE, '../../renderer');
const PACKAGE_JSON = resolve(HERE, '../../../package.json');

interface Options {
  saveDir: string;
  stateDir: string;
  file: string | undefined;
}

const USAGE = 'usage: serve-browser [--save-dir DIR] [--state-dir DIR] [capture-file]';

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { saveDir: process.cwd(), stateDir: join(tmpdir(), 'paquet-browser-state'), file: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return resolve(v);
    };
    if (a === '--save-dir') o.saveDir = value();
    else if (a === '--state-dir') o.stateDir = value();
    else if (a === '-h' || a === '--help') throw new Error(USAGE);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (o.file === undefined) o.file = resolve(a);
    else throw new Error(`one capture file at most\n${USAGE}`);
  }
  return o;
}

/** The OS dialogs as questions on this terminal (one at a time). */
function terminalDialogs(saveDir: string): Dialogs {
  const tty = process.stdin.isTTY === true;
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (question: string): Promise<string> => {
    const next = queue.then(async () => {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return (await rl.question(question)).trim();
      } finally {
        rl.close();
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const expand = (p: string): string => (p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);
  const savePath = async (what: string, defaultName: string): Promise<string | null> => {
    const proposal = isAbsolute(defaultName) ? defaultName : join(saveDir, basename(defaultName));
    if (!tty) return proposal;
    const answer = await ask(`${what} [${proposal}] (- cancels): `);
    if (answer === '-') return null;
    return answer === '' ? proposal : resolve(expand(answer));
  };
  return {
    async openCapture() {
      if (!tty) return null;
      const answer = await ask('Open capture file (empty cancels): ');
      return answer === '' ? null : resolve(expand(answer));
    },
    saveCapture: (name) => savePath('Save capture as', name),
    saveJsonLines: (name) => savePath('Save JSON Lines as', name),
    async confirmDiscard(packets, comments = 0) {
      if (!tty) return true;
      const what = [packets > 0 ? `${packets} unsaved packets` : '', comments > 0 ? `${comments} unsaved comments` : ''].filter(Boolean).join(' and ');
      return /^y(es)?$/i.test(await ask(`Drop ${what}? [y/N] `));
    },
  };
}

function appInfo(): AppInfo {
  let version = 'unknown';
  try {
    version = String((JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    // not run from a checkout: the version stays unknown
  }
  return { version, electron: null, chrome: null, node: process.versions.node, libpcap: null, platform: process.platform };
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const dialogs = terminalDialogs(options.saveDir);
  const program = findCaptureProgram();
  const info = appInfo();
  let bridge;
  try {
    bridge = await startBridge({
      staticDir: STATIC_DIR,
      handlersFor: (emit) => {
        const handlers = createHandlers({
          dialogs, emit, stateDir: options.stateDir, appInfo: () => info, ...(program ? { captureProgram: program } : {}),
        });
        if (options.file) void handlers.openPath(options.file);
        return handlers;
      },
    });
  } catch (e) {
    console.error(`cannot serve ${STATIC_DIR}: ${(e as Error).message} (build the renderer first: npm run build)`);
    process.exit(1);
  }
  console.log(`Paquet is at ${bridge.url}`);
  if (!program) console.log('(live capture is unavailable: paquet-dumpcap is not built)');
  const stop = (): void => {
    void bridge.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
