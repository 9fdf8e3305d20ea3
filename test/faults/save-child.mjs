/**
 * A stand-in for the app's main process, for the "kill -9 during Save" fault
 * test: the compiled handlers (dist/) with the real decoding worker open a
 * capture, wait until it is indexed, then Save As to TARGET (the dialog answers
 * TARGET), as File > Save As does. It reports on stdout, one JSON object per
 * line: {"indexed": packets}, then {"saved": reply} when the save is over.
 *
 *   node save-child.mjs STATE_DIR SOURCE TARGET
 */
import { createHandlers } from '../../dist/main/ipc/handlers.js';

const [stateDir, source, target] = process.argv.slice(2);
if (!stateDir || !source || !target) {
  process.stderr.write('usage: save-child.mjs STATE_DIR SOURCE TARGET\n');
  process.exit(2);
}
// The test kills this process; the timer ends it if the test forgot it.
setTimeout(() => process.exit(3), 60_000).unref();

const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const handlers = createHandlers({
  dialogs: {
    openCapture: async () => null,
    saveCapture: async () => target,
    saveJsonLines: async () => null,
    confirmDiscard: async () => false,
  },
  emit: () => undefined,
  stateDir,
  appInfo: () => ({ version: 'test', electron: null, chrome: null, node: process.versions.node, libpcap: null, platform: process.platform }),
  changeIntervalMs: 100,
  log: (m) => process.stderr.write(`${m}\n`),
});

const opened = await handlers.handle('file.openDropped', { path: source });
if (!opened?.saved) {
  process.stderr.write(`could not open ${source}: ${JSON.stringify(opened)}\n`);
  process.exit(1);
}
for (;;) {
  const s = await handlers.handle('session.state', undefined);
  if (s.progress === 1 && s.busy === null) {
    say({ indexed: s.packets });
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
const view = { displayFilter: '', selected: null, scrollRow: 0, columnWidths: {}, paneSizes: [], sort: null, terminalMode: 'A' };
say({ saved: await handlers.handle('file.save', { as: true, view }) });
await handlers.dispose();
process.exit(0);
