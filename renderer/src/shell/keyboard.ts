import type { MenuCommand } from '../../../shared/ipc/contract';

/**
 * The window's shortcuts, Wireshark's where it has one. Handled here in the
 * renderer whether or not the Electron menu also has them as accelerators;
 * AppState.run drops the second of two runs for one key press.
 */
export function commandForKey(e: KeyboardEvent): MenuCommand | null {
  const mod = e.ctrlKey || e.metaKey;
  if (!mod) return null;
  if (e.altKey) return altCommand(e);
  const key = e.key.toLowerCase();
  if (e.shiftKey) {
    if (key === 's') return 'saveAs';
    return null;
  }
  switch (key) {
    case 'e':
      return 'captureStartStop';
    case 'k':
      return 'captureOptions';
    case 'r':
      return 'captureRestart';
    case 'o':
      return 'open';
    case 's':
      return 'save';
    case 'g':
      return 'goToPacket';
    case 'f':
      return 'find';
    case '/':
      return 'focusFilter';
  }
  // Ctrl+/ on layouts where '/' needs Shift is still the Slash key.
  if (e.code === 'Slash') return 'focusFilter';
  return null;
}

/**
 * Ctrl+Alt (Cmd+Option) shortcuts, by physical key: with Option held, macOS
 * turns C into 'ç' in `key`, while `code` stays KeyC.
 */
function altCommand(e: KeyboardEvent): MenuCommand | null {
  // AltGr arrives as Ctrl+Alt on Windows: it types characters (AltGr+C is 'ć' in Polish), never a shortcut.
  if (e.getModifierState?.('AltGraph')) return null;
  if (e.code === 'KeyC' && !e.shiftKey) return 'editComment';
  if (e.code === 'KeyT' && e.shiftKey) return 'followTcp';
  return null;
}

/** True while a modal dialog is open: shortcuts and Esc then belong to it. */
export function modalOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}
