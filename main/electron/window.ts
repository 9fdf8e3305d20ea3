/**
 * One window = one session: a BrowserWindow, its Handlers (main/ipc/handlers.ts)
 * and the IPC between them. Requests are accepted only from this window's own
 * page (its top frame, showing the app's index.html); events go back through
 * an EventGate so none is lost while the page loads.
 */
import { BrowserWindow, dialog, type Event as ElectronEvent, type IpcMainInvokeEvent } from 'electron';
import {
  CHANNEL_PREFIX,
  REQUEST_NAMES,
  isIpcError,
  type AppInfo,
  type EventName,
  type Events,
  type IpcError,
  type SessionState,
} from '../../shared/ipc/contract.js';
import { createHandlers, type Handlers } from '../ipc/handlers.js';
import { createDialogs } from './dialogs.js';
import { EventGate } from './event-gate.js';
import { hardenContents, isAppUrl, windowOptions } from './security.js';
import { windowTitle } from './title.js';

export interface SessionWindowOptions {
  readonly preloadPath: string;
  /** dist/renderer/index.html */
  readonly indexPath: string;
  readonly stateDir: string;
  appInfo(): AppInfo;
  readonly captureProgram?: string;
  /** After each request the page made (main refreshes the Open Recent menu after file.* requests). */
  onRequestDone?(name: string): void;
  /** The user answered Cancel to "discard unsaved packets?" while closing (main stops quitting). */
  onCloseCancelled?(): void;
  /** The window is gone; `disposal` settles when its session has stopped (capture included). */
  onClosed(window: SessionWindow, disposal: Promise<void>): void;
}

/** Crashes of a window's page that are followed by a reload; after that the window stays blank. */
const RELOADS_AFTER_CRASH = 3;

/** Shown anyway if the page has not painted by then (a broken build should not mean an invisible app). */
const SHOW_FALLBACK_MS = 5000;

export class SessionWindow {
  readonly window: BrowserWindow;
  readonly handlers: Handlers;
  /** BrowserWindow ids are reused by nothing while the app runs. */
  readonly id: number;
  readonly #options: SessionWindowOptions;
  readonly #gate: EventGate;
  #closeAllowed = false;
  #askingToClose = false;
  #crashes = 0;

  constructor(options: SessionWindowOptions) {
    this.#options = options;
    const win = new BrowserWindow(windowOptions(options.preloadPath));
    this.window = win;
    this.id = win.id;
    const contents = win.webContents;
    hardenContents(contents, options.indexPath);

    this.#gate = new EventGate((name, payload) => {
      if (!contents.isDestroyed()) contents.send(CHANNEL_PREFIX + name, payload);
    });
    this.handlers = createHandlers({
      dialogs: createDialogs(win, dialog),
      emit: (name, payload) => this.emit(name, payload),
      stateDir: options.stateDir,
      appInfo: () => options.appInfo(),
      ...(options.captureProgram ? { captureProgram: options.captureProgram } : {}),
    });

    // Handlers scoped to this window's contents: another window's page cannot reach this session.
    for (const name of REQUEST_NAMES) {
      contents.ipc.handle(CHANNEL_PREFIX + name, (event, args: unknown) => this.#invoke(name, event, args));
    }
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.#gate.close();
    });
    contents.on('render-process-gone', (_event, details) => {
      console.error(`paquet: the page of window ${this.id} stopped (${details.reason}, exit code ${details.exitCode})`);
      if (details.reason !== 'clean-exit' && this.#crashes++ < RELOADS_AFTER_CRASH && !win.isDestroyed()) contents.reload();
    });

    const fallback = setTimeout(() => this.#show(), SHOW_FALLBACK_MS);
    win.once('ready-to-show', () => {
      clearTimeout(fallback);
      this.#show();
    });
    // The title is main's (file name, capture); the page's <title> must not overwrite it.
    win.on('page-title-updated', (event) => event.preventDefault());
    win.on('close', (event) => this.#onClose(event));
    win.on('closed', () => {
      clearTimeout(fallback);
      options.onClosed(this, this.handlers.dispose());
    });

    win.loadFile(options.indexPath).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`paquet: could not load ${options.indexPath}: ${message}`);
      dialog.showErrorBox('Paquet could not show its window', `Loading ${options.indexPath} failed: ${message}\n\nBuild the app first: npm run build`);
    });
  }

  /** Sends an event to this window's page (held until the page listens). */
  emit<K extends EventName>(name: K, payload: Events[K]): void {
    this.#gate.emit(name, payload);
    if (name === 'session.changed') this.#onState(payload as SessionState);
  }

  alert(title: string, message: string, fix?: string): void {
    this.emit('app.alert', fix ? { title, message, fix } : { title, message });
  }

  focus(): void {
    if (this.window.isDestroyed()) return;
    if (this.window.isMinimized()) this.window.restore();
    this.window.show();
    this.window.focus();
  }

  /** True when nothing is open and nothing is being captured: a file from the OS may go here. */
  async isEmpty(): Promise<boolean> {
    const state = await this.handlers.handle('session.state', undefined);
    return !isIpcError(state) && (state as SessionState).source.kind === 'empty' && !(state as SessionState).unsaved;
  }

  /** Opens a file the OS named (command line, macOS open-file, second instance); problems become an alert. */
  async openPath(path: string): Promise<void> {
    try {
      const result: unknown = await this.handlers.openPath(path);
      if (isIpcError(result)) this.alert('Could not open the file', result.error.message, result.error.fix);
    } catch (error) {
      this.alert('Could not open the file', `${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#options.onRequestDone?.('file.openPath');
  }

  /** File ▸ Open Recent (the session asks about unsaved packets itself). */
  async openRecent(path: string): Promise<void> {
    const result = await this.handlers.handle('file.openRecent', { path });
    if (isIpcError(result)) this.alert('Could not open the file', result.error.message, result.error.fix);
    this.#options.onRequestDone?.('file.openRecent');
  }

  async #invoke(name: string, event: IpcMainInvokeEvent, args: unknown): Promise<unknown> {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, this.#options.indexPath)) {
      return refusal(`The request '${name}' was refused: it did not come from Paquet's own page.`);
    }
    let reply: unknown;
    try {
      reply = await this.handlers.handle(name, args);
    } catch (error) {
      // Handlers promise never to throw; if one does, the page still gets an answer it can show.
      console.error(`paquet: request ${name} failed:`, error);
      reply = { error: { code: 'internal', message: `Paquet failed while answering '${name}': ${error instanceof Error ? error.message : String(error)}` } } satisfies IpcError;
    }
    if (!this.#gate.isOpen) setImmediate(() => this.#gate.open()); // after this reply is on its way
    this.#options.onRequestDone?.(name);
    return reply;
  }

  #onState(state: SessionState): void {
    if (this.window.isDestroyed()) return;
    this.window.setTitle(windowTitle(state));
    this.window.setDocumentEdited(state.unsaved); // macOS: the dot in the close button
    if (process.platform === 'darwin') this.window.setRepresentedFilename(state.source.kind === 'file' ? state.source.path : '');
  }

  #show(): void {
    if (!this.window.isDestroyed() && !this.window.isVisible()) this.window.show();
  }

  /** Closing waits for Handlers.mayClose (it asks about unsaved packets); the first answer decides. */
  #onClose(event: ElectronEvent): void {
    if (this.#closeAllowed) return;
    event.preventDefault();
    if (this.#askingToClose) return;
    this.#askingToClose = true;
    this.handlers.mayClose().then(
      (ok) => this.#closeAnswered(ok),
      (error: unknown) => {
        // Never leave a window that cannot be closed: report and let it go.
        console.error('paquet: could not ask whether the window may close:', error);
        this.#closeAnswered(true);
      },
    );
  }

  #closeAnswered(ok: boolean): void {
    this.#askingToClose = false;
    if (!ok) {
      this.#options.onCloseCancelled?.();
      return;
    }
    this.#closeAllowed = true;
    if (!this.window.isDestroyed()) this.window.close();
  }
}

function refusal(message: string): IpcError {
  return { error: { code: 'bad-argument', message } };
}
