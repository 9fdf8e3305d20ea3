/**
 * Paquet's Electron main process: one instance, one window per session,
 * files from the command line, from macOS ('open-file') and from a second
 * launch, the application menu, and an orderly quit (every window asked about
 * unsaved packets, every session stopped before exit).
 *
 * Environment: PAQUET_USER_DATA_DIR puts settings (recent files, filter
 * history) and the single-instance lock in another folder (tests, or a second
 * independent Paquet).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, session } from 'electron';
import { isIpcError, type RecentFile } from '../../shared/ipc/contract.js';
import { makeAppInfo, probeLibpcapVersion } from './app-info.js';
import { filesFromArgv } from './argv.js';
import { aboutText, buildMenuTemplate, type MenuActions } from './menu.js';
import { hardenSession } from './security.js';
import { SessionWindow } from './window.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/main/electron/ → dist/renderer/index.html and the compiled preload beside this file. */
const INDEX_PATH = resolve(here, '../../renderer/index.html');
const PRELOAD_PATH = resolve(here, 'preload.cjs');
/** How long quitting waits for sessions to stop (a capture program finishing its file). */
const DISPOSE_WAIT_MS = 5000;

const windows = new Map<number, SessionWindow>();
const disposals = new Set<Promise<void>>();
/** Files the OS named before the app was ready (macOS 'open-file' comes that early). */
const earlyPaths: string[] = [];
let ready = false;
let quitting = false;
let libpcapVersion: string | null = null;
let recent: RecentFile[] = [];

if (process.env.PAQUET_USER_DATA_DIR) app.setPath('userData', resolve(process.env.PAQUET_USER_DATA_DIR));

// Registered first: macOS sends 'open-file' for a double-clicked capture even before 'ready'.
app.on('open-file', (event, path) => {
  event.preventDefault();
  if (ready) void openFromOs(path);
  else earlyPaths.push(path);
});

if (app.requestSingleInstanceLock()) {
  start();
} else {
  // Another Paquet runs: it received our arguments in 'second-instance' and opens the files.
  app.quit();
}

function start(): void {
  app.enableSandbox();

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const files = filesFromArgv(argv, process.defaultApp === true, workingDirectory);
    if (files.length === 0) {
      const first = windows.values().next().value;
      if (first) first.focus();
      else if (ready) createWindow();
      return;
    }
    for (const file of files) void openInNewWindow(file);
  });

  app.on('before-quit', () => {
    quitting = true;
  });

  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window, unless the user asked to quit.
    if (process.platform !== 'darwin' || quitting) app.quit();
  });

  app.on('will-quit', (event) => {
    if (disposals.size === 0) return;
    event.preventDefault();
    const timeout = new Promise<void>((done) => setTimeout(done, DISPOSE_WAIT_MS));
    void Promise.race([Promise.allSettled([...disposals]), timeout]).then(() => {
      disposals.clear();
      app.quit();
    });
  });

  app.on('activate', () => {
    if (ready && windows.size === 0) createWindow();
  });

  app.whenReady().then(onReady, (error: unknown) => {
    console.error('paquet: Electron did not start:', error);
    app.exit(1);
  });
}

function onReady(): void {
  if (!existsSync(INDEX_PATH)) {
    dialog.showErrorBox('Paquet is not built', `${INDEX_PATH} is missing.\n\nBuild the app first: npm run build`);
    app.exit(1);
    return;
  }
  hardenSession(session.defaultSession, INDEX_PATH);
  void probeLibpcapVersion().then((v) => {
    libpcapVersion = v;
  });
  rebuildMenu();
  ready = true;

  const files = [...filesFromArgv(process.argv, process.defaultApp === true, process.cwd()), ...earlyPaths.splice(0)];
  if (files.length === 0) createWindow();
  for (const file of files) void openInNewWindow(file);
  void refreshRecent();
}

function appInfo() {
  return makeAppInfo(app.getVersion(), process.versions, libpcapVersion, process.platform);
}

function createWindow(): SessionWindow {
  const w = new SessionWindow({
    preloadPath: PRELOAD_PATH,
    indexPath: INDEX_PATH,
    stateDir: app.getPath('userData'),
    appInfo,
    onRequestDone: (name) => {
      if (name.startsWith('file.')) void refreshRecent();
    },
    onCloseCancelled: () => {
      quitting = false;
    },
    onClosed: (closed, disposal) => {
      windows.delete(closed.id);
      const tracked = disposal.catch((error: unknown) => console.error('paquet: a session did not stop cleanly:', error));
      disposals.add(tracked);
      void tracked.finally(() => disposals.delete(tracked));
      // A prevented close cancels app.quit(); once this window's question is answered, carry on quitting.
      if (quitting) app.quit();
    },
  });
  windows.set(w.id, w);
  return w;
}

async function openInNewWindow(path: string): Promise<void> {
  await createWindow().openPath(path);
}

/** A file from the OS goes to the focused window when it shows nothing yet, else to a new window. */
async function openFromOs(path: string): Promise<void> {
  const target = focusedWindow();
  if (target && (await target.isEmpty())) {
    target.focus();
    await target.openPath(path);
  } else {
    await openInNewWindow(path);
  }
}

function focusedWindow(): SessionWindow | undefined {
  const focused = BrowserWindow.getFocusedWindow();
  return focused ? windows.get(focused.id) : undefined;
}

/** The window a menu item acts on: the focused one, else a new one (macOS, no window open). */
function menuTarget(): SessionWindow {
  return focusedWindow() ?? windows.values().next().value ?? createWindow();
}

const menuActions: MenuActions = {
  command: (command) => menuTarget().emit('menu.command', { command }),
  openRecent: (path) => void menuTarget().openRecent(path),
  about: () => {
    const { message, detail } = aboutText(appInfo());
    const options = { type: 'info' as const, title: 'About Paquet', message, detail, buttons: ['OK'] };
    const parent = BrowserWindow.getFocusedWindow();
    void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
  },
};

function rebuildMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, appName: 'Paquet', recent }, menuActions)));
}

/** The recent list is shared by all windows (one file in userData); any session can read it. */
async function refreshRecent(): Promise<void> {
  const any = windows.values().next().value;
  if (!any) return;
  const list = await any.handlers.handle('file.recent', undefined);
  if (isIpcError(list) || !Array.isArray(list)) return;
  if (JSON.stringify(list) === JSON.stringify(recent)) return;
  recent = list as RecentFile[];
  rebuildMenu();
}
