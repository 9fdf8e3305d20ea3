/**
 * A stand-in for the app's main process, for the "kill -9 of the app" fault
 * test: the compiled handlers (dist/) with the real decoding worker start a
 * live capture, then this process waits to be killed. It reports on stdout,
 * one JSON object per line: {"started": CaptureStatus} once capturing, then
 * {"captured": n, "packets": n} on every session.changed.
 *
 *   node owner-child.mjs STATE_DIR CAPTURE_PROGRAM FILTER
 */
import { createHandlers } from '../../dist/main/ipc/handlers.js';

const [stateDir, captureProgram, filter] = process.argv.slice(2);
if (!stateDir || !captureProgram || filter === undefined) {
  process.stderr.write('usage: owner-child.mjs STATE_DIR CAPTURE_PROGRAM FILTER\n');
  process.exit(2);
}

const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const dialogs = {
  openCapture: async () => null,
  saveCapture: async () => null,
  saveJsonLines: async () => null,
  confirmDiscard: async () => false,
};
const handlers = createHandlers({
  dialogs,
  emit: (name, payload) => {
    if (name === 'session.changed') say({ captured: payload.capture.captured, packets: payload.packets, state: payload.capture.state });
    if (name === 'app.alert') say({ alert: payload });
  },
  stateDir,
  appInfo: () => ({ version: 'test', electron: null, chrome: null, node: process.versions.node, libpcap: null, platform: process.platform }),
  captureProgram,
  changeIntervalMs: 100,
  log: (m) => process.stderr.write(`${m}\n`),
});

const status = await handlers.handle('capture.start', { interface: 'lo', filter });
say({ started: status });
// Stay up until killed; the timer also ends this process after a minute if the test forgot it.
setTimeout(() => process.exit(3), 60_000);
