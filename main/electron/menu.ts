/**
 * The application menu, as a template built by a pure function (tested
 * without Electron: test/electron/menu.test.ts).
 *
 * Keyboard shortcuts: ONE path, the renderer's.
 * Every item that maps to a MenuCommand shows its shortcut but is built with
 * `registerAccelerator: false`: on Linux and Windows the key then reaches only
 * the page, whose keyboard handler runs the command, and a click on the item
 * sends 'menu.command' to the focused window, which runs the same code. So a
 * key press fires once, and the browser-test transport (no menu at all)
 * exercises the same keyboard code as the app.
 * macOS ignores registerAccelerator (NSMenu key equivalents are always
 * registered), but Chromium offers a key equivalent to the menu only when the
 * page did not handle the keydown. Hence the rule for the renderer: handle
 * these shortcuts on `window` in the capture phase (before xterm.js or an
 * input sees them) and call `preventDefault()` on each one handled.
 * Items Electron implements itself (roles: quit, copy/paste, zoom, DevTools,
 * full screen) keep their registered accelerators; the renderer leaves those
 * keys alone.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AppInfo, MenuCommand, RecentFile } from '../../shared/ipc/contract.js';

/** What the menu's items do; main supplies these (click handlers call them). */
export interface MenuActions {
  /** Send 'menu.command' to the focused window (or a new one when none is open). */
  command(command: MenuCommand): void;
  /** Open a recent file in the focused window (after the unsaved-packets question). */
  openRecent(path: string): void;
  /** Show the About box. */
  about(): void;
}

export interface MenuInput {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  readonly recent: readonly RecentFile[];
}

/** A menu entry that sends a MenuCommand, with the shortcut the renderer implements. */
export interface CommandEntry {
  readonly command: MenuCommand;
  readonly label: string;
  /** Electron accelerator syntax; absent when the command has no shortcut. */
  readonly accelerator?: string;
}

/**
 * Commands and their shortcuts, Wireshark's where Wireshark has one. This table
 * is the reference for the renderer's keyboard handler (H5): same keys.
 * `CmdOrCtrl` is Ctrl on Linux and Windows, Cmd on macOS.
 */
export const COMMAND_ENTRIES = {
  open: { command: 'open', label: 'Open…', accelerator: 'CmdOrCtrl+O' },
  save: { command: 'save', label: 'Save', accelerator: 'CmdOrCtrl+S' },
  saveAs: { command: 'saveAs', label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S' },
  exportDisplayed: { command: 'exportDisplayed', label: 'Export Displayed Packets…' },
  captureStartStop: { command: 'captureStartStop', label: 'Start/Stop Capture', accelerator: 'CmdOrCtrl+E' },
  captureOptions: { command: 'captureOptions', label: 'Options…', accelerator: 'CmdOrCtrl+K' },
  captureRestart: { command: 'captureRestart', label: 'Restart' },
  goToPacket: { command: 'goToPacket', label: 'Go to Packet…', accelerator: 'CmdOrCtrl+G' },
  find: { command: 'find', label: 'Find Packet…', accelerator: 'CmdOrCtrl+F' },
  focusFilter: { command: 'focusFilter', label: 'Display Filter', accelerator: 'CmdOrCtrl+/' },
  followTcp: { command: 'followTcp', label: 'Follow TCP Stream', accelerator: 'CmdOrCtrl+Alt+Shift+T' },
  followWebSocket: { command: 'followWebSocket', label: 'Follow WebSocket' },
  // Wireshark's Edit ▸ Packet Comment… shortcut; Ctrl+C with Alt is no copy, and no role uses it.
  editComment: { command: 'editComment', label: 'Packet Comment…', accelerator: 'CmdOrCtrl+Alt+C' },
  // 'about' is a MenuCommand in the contract, but main shows the About box
  // itself (it works with no window open); the menu does not send it.
  about: { command: 'about', label: 'About Paquet' },
} as const satisfies Record<MenuCommand, CommandEntry>;

/** Most recent files listed under File ▸ Open Recent. */
export const RECENT_IN_MENU = 10;

function commandItem(entry: CommandEntry, actions: MenuActions): MenuItemConstructorOptions {
  return {
    id: entry.command,
    label: entry.label,
    ...(entry.accelerator ? { accelerator: entry.accelerator, registerAccelerator: false } : {}),
    click: () => actions.command(entry.command),
  };
}

function recentSubmenu(recent: readonly RecentFile[], actions: MenuActions, mac: boolean): MenuItemConstructorOptions[] {
  if (recent.length === 0) return [{ id: 'recent-none', label: 'No recent files', enabled: false }];
  return recent.slice(0, RECENT_IN_MENU).map((file, i) => ({
    id: `recent-${i}`,
    // The full path as the sublabel; a lone '&' would mark a mnemonic on Linux and Windows.
    label: mac ? file.name : file.name.replaceAll('&', '&&'),
    sublabel: file.path,
    click: () => actions.openRecent(file.path),
  }));
}

/** The application menu's template. */
export function buildMenuTemplate(input: MenuInput, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = input.platform === 'darwin';
  const c = (command: MenuCommand): MenuItemConstructorOptions => commandItem(COMMAND_ENTRIES[command], actions);
  // '&' marks the Alt-key mnemonic on Linux and Windows; macOS menus have none.
  const top = (label: string): string => (mac ? label : `&${label}`);
  const about: MenuItemConstructorOptions = { id: 'about', label: `About ${input.appName}`, click: () => actions.about() };

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: input.appName,
      submenu: [about, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push({
    label: top('File'),
    submenu: [
      c('open'),
      { id: 'openRecent', label: 'Open Recent', submenu: recentSubmenu(input.recent, actions, mac) },
      { type: 'separator' },
      c('save'),
      c('saveAs'),
      c('exportDisplayed'),
      ...(mac ? [] : [{ type: 'separator' } as const, { id: 'quit', role: 'quit' } as const]),
    ],
  });
  // Copy and paste in the filter bar and dialogs need these roles on macOS (no Edit menu, no Cmd+C); Packet Comment sits here as in Wireshark.
  template.push({
    label: top('Edit'),
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
      { type: 'separator' },
      c('editComment'),
    ],
  });
  template.push({
    label: top('View'),
    submenu: [
      c('goToPacket'),
      c('find'),
      c('focusFilter'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      { id: 'toggleDevTools', role: 'toggleDevTools' },
    ],
  });
  template.push({ label: top('Capture'), submenu: [c('captureStartStop'), c('captureOptions'), c('captureRestart')] });
  template.push({ label: top('Analyze'), submenu: [c('followTcp'), c('followWebSocket')] });
  if (mac) template.push({ role: 'windowMenu' });
  template.push({ label: top('Help'), role: 'help', submenu: mac ? [] : [about] });
  return template;
}

/** The About box's text (main shows it in a message box). */
export function aboutText(info: AppInfo): { message: string; detail: string } {
  return {
    message: `Paquet ${info.version}`,
    detail: [
      `Electron ${info.electron ?? 'not running'}`,
      `Chromium ${info.chrome ?? 'not running'}`,
      `Node.js ${info.node}`,
      // null: no program was found, or it did not answer (deb/rpm: only the paquet group may run it).
      info.libpcap ?? 'libpcap: version unknown (the capture program is not built, or could not be run)',
      `Platform ${info.platform}`,
    ].join('\n'),
  };
}
