/**
 * The one implementation of the IPC contract: every request is validated
 * (shared/ipc/validate.ts), run by the window's Session, and answered with its
 * reply or an IpcError. Nothing is thrown back across the boundary: an
 * unexpected exception becomes an 'internal' error with its message, and is
 * logged. Electron's ipcMain and the WebSocket bridge both call handle().
 */
import { bundledCaptureProgram } from '../capture/locate.js';
import { runningFromAppImage, setupCapturePermission } from '../capture/permission-setup.js';
import type {
  AppInfo, EventName, Events, IpcError, IpcErrorAction, IpcErrorCode, RequestArgs, RequestName, RequestReply, SaveResult,
} from '../../shared/ipc/contract.js';
import { validateRequest } from '../../shared/ipc/validate.js';
import type { DecoderApi } from '../worker/decoder-api.js';
import type { Dialogs } from '../session/dialogs.js';
import { SessionError } from '../session/errors.js';
import { Session } from '../session/session.js';

export interface HandlerDeps {
  dialogs: Dialogs;
  emit<K extends EventName>(name: K, payload: Events[K]): void;
  /**
   * Folder for recent files and filter history (JSON), e.g. Electron's userData;
   * live captures not yet saved are kept in its captures/ folder (recoverable after a crash).
   */
  stateDir: string;
  appInfo(): AppInfo;
  /** Path of paquet-dumpcap; found by main/capture/locate.ts when absent. */
  captureProgram?: string;
  /** A new decoder; DecoderClient.start() when absent (tests pass a fake). */
  startDecoder?: () => Promise<DecoderApi>;
  /** Where unexpected errors are logged (default console.error). */
  log?: (message: string) => void;
  /** Least time between two `session.changed` events (default 200 ms). */
  changeIntervalMs?: number;
}

export interface Handlers {
  /** Validate args, run the request, return its reply or an IpcError (never throws). */
  handle(name: string, args: unknown): Promise<unknown>;
  /** Open a file given by the OS (command line, macOS open-file, file association). */
  openPath(path: string): Promise<SaveResult>;
  /** True when the window may close (asks through dialogs.confirmDiscard when packets are unsaved). */
  mayClose(): Promise<boolean>;
  dispose(): Promise<void>;
}

const CODES: ReadonlySet<IpcErrorCode> = new Set<IpcErrorCode>([
  'bad-argument', 'no-capture', 'not-found', 'busy', 'file', 'capture', 'permission', 'internal',
]);

export function ipcError(code: IpcErrorCode, message: string, fix?: string, action?: IpcErrorAction): IpcError {
  return { error: { code, message, ...(fix ? { fix } : {}), ...(action ? { action } : {}) } };
}

/**
 * The IpcError for a failure: SessionError and DecoderError carry their code
 * (DecoderError's codes are a subset of IpcErrorCode; it is recognised by name
 * too, in case it crossed a module boundary); anything else is 'internal'.
 */
export function toIpcError(e: unknown, log: (message: string) => void): IpcError {
  if (e instanceof SessionError) return ipcError(e.code, e.message, e.fix, e.action);
  const err = e as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (err && err.name === 'DecoderError' && typeof err.message === 'string' && CODES.has(err.code as IpcErrorCode)) {
    return ipcError(err.code as IpcErrorCode, err.message);
  }
  const message = e instanceof Error ? e.message : String(e);
  log(`unexpected error: ${e instanceof Error && e.stack ? e.stack : message}`);
  return ipcError('internal', message || 'unexpected error');
}

/** The AppImage's pkexec step, with the capture program packed in the image (never the system copy it installs). */
async function setUpPermission(deps: HandlerDeps): Promise<{ ok: boolean; message: string }> {
  if (!runningFromAppImage()) {
    throw new SessionError('bad-argument', 'the permission step is only for the AppImage; other installs set capture permission themselves (see the README)');
  }
  const program = deps.captureProgram ?? bundledCaptureProgram();
  if (!program) throw new SessionError('capture', 'the capture program is missing from this build');
  return setupCapturePermission(program);
}

type Dispatch = { readonly [K in RequestName]: (args: RequestArgs<K>) => Promise<RequestReply<K>> | RequestReply<K> };

/** Each request to the Session method that runs it; the mapped type makes a missing one a compile error. */
function dispatchTable(session: Session, deps: HandlerDeps): Dispatch {
  return {
    'app.info': () => deps.appInfo(),
    'session.state': () => session.state(),

    'file.open': () => session.openWithDialog(),
    'file.openRecent': ({ path }) => session.openRecent(path),
    'file.openDropped': ({ path }) => session.openPath(path),
    'file.recent': () => session.recentFiles(),
    'file.save': ({ as, view }) => session.save(as, view),
    'file.exportDisplayed': ({ view }) => session.exportDisplayed(view),
    'file.confirmDiscard': () => session.mayDiscard(),
    'file.recoverable': () => session.recoverable(),
    'file.recover': ({ path }) => session.recover(path),
    'file.discardRecoverable': ({ path }) => session.discardRecoverable(path),

    'capture.devices': () => session.devices(),
    'capture.checkFilter': (a) => session.checkCaptureFilter(a.interface, a.filter),
    'capture.start': (a) => session.startCapture(a),
    'capture.stop': () => session.stopCapture(),
    'capture.setupPermission': () => setUpPermission(deps),

    'rows.get': ({ from, count }) => (count === 0 ? [] : session.rows(from, count)),
    'rows.indexOf': ({ num }) => session.indexOf(num),
    'rows.sort': ({ order }) => session.setSort(order),
    'rows.find': (query) => session.find(query),

    'filter.check': ({ text }) => session.checkFilter(text),
    'filter.apply': ({ text }) => session.applyFilter(text),
    'filter.history': () => session.filterHistory(),

    'packet.detail': ({ num }) => session.detail(num),
    'packet.setComment': ({ num, comment }) => session.setComment(num, comment),

    'tcpdump.lines': ({ from, count, mode }) => (count === 0 ? [] : session.tcpdump(from, count, mode)),

    'follow.tcp': ({ stream }) => session.followTcp(stream),
    'websocket.conversations': () => session.wsConversations(),
    'websocket.messages': ({ id }) => session.wsMessages(id),
    'websocket.export': ({ id }) => session.exportWebSocket(id),
  };
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const log = deps.log ?? ((m: string) => console.error(`paquet ipc: ${m}`));
  const session = new Session({
    dialogs: deps.dialogs,
    emit: deps.emit,
    stateDir: deps.stateDir,
    log,
    ...(deps.captureProgram !== undefined ? { captureProgram: deps.captureProgram } : {}),
    ...(deps.startDecoder ? { startDecoder: deps.startDecoder } : {}),
    ...(deps.changeIntervalMs !== undefined ? { changeIntervalMs: deps.changeIntervalMs } : {}),
  });
  const dispatch = dispatchTable(session, deps);
  let disposed = false;

  async function run<T>(work: () => Promise<T> | T): Promise<T | IpcError> {
    if (disposed) return ipcError('busy', 'The window is closing.');
    try {
      return await work();
    } catch (e) {
      return toIpcError(e, log);
    }
  }

  return {
    async handle(name, args) {
      const v = validateRequest(name, args);
      if (!v.ok) return ipcError('bad-argument', v.message);
      const handler = dispatch[v.name] as (a: unknown) => Promise<unknown> | unknown;
      return run(() => handler(v.args));
    },

    async openPath(path) {
      const v = validateRequest('file.openDropped', { path });
      const r = v.ok ? await run(() => session.openPath(path)) : ipcError('bad-argument', v.message);
      if ('error' in r) {
        // The OS asked, not the window: show the reason as an alert.
        deps.emit('app.alert', { title: 'The file could not be opened', message: r.error.message, ...(r.error.fix ? { fix: r.error.fix } : {}) });
        return { saved: false, cancelled: true };
      }
      return r;
    },

    async mayClose() {
      if (disposed) return true;
      const r = await run(() => session.mayDiscard());
      return r === true;
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        await session.dispose();
      } catch (e) {
        log(`closing the session: ${(e as Error).message}`);
      }
    },
  };
}
