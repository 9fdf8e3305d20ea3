/**
 * The session's questions to the user (main/session/dialogs.ts), asked with
 * native dialogs attached to the session's window. The texts and filters are
 * plain data (tested in test/electron/dialogs.test.ts); only createDialogs
 * touches Electron.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { BaseWindow, Dialog, FileFilter, MessageBoxOptions } from 'electron';
import type { Dialogs } from '../session/dialogs.js';

/** Open: every format Paquet reads (pcap, pcapng, either gzipped), then anything. */
export const OPEN_FILTERS: FileFilter[] = [
  { name: 'Capture files', extensions: ['pcap', 'pcapng', 'cap', 'gz'] },
  { name: 'All files', extensions: ['*'] },
];

/** Save: Paquet writes pcapng (it keeps comments and the saved view). */
export const SAVE_CAPTURE_FILTERS: FileFilter[] = [{ name: 'pcapng', extensions: ['pcapng'] }];

export const SAVE_JSONL_FILTERS: FileFilter[] = [{ name: 'JSON Lines', extensions: ['jsonl'] }];

/** Buttons of the unsaved-packets question, by position; Cancel is the default and Escape. */
export const DISCARD_BUTTONS = ['Discard', 'Cancel'] as const;

export function discardQuestion(packets: number, comments = 0): MessageBoxOptions {
  const plural = (n: number, one: string, many: string): string => (n === 1 ? `1 ${one}` : `${n.toLocaleString('en-US')} ${many}`);
  const what = [
    ...(packets > 0 ? [`${plural(packets, 'packet', 'packets')} that ${packets === 1 ? 'is' : 'are'} in no saved file`] : []),
    ...(comments > 0 ? [plural(comments, 'edited packet comment', 'edited packet comments')] : []),
  ];
  return {
    type: 'warning',
    title: packets > 0 ? 'Unsaved packets' : 'Unsaved comments',
    message: `Discard ${what.length > 0 ? what.join(' and ') : 'the unsaved changes'}?`,
    detail: 'Choose Cancel, then File ▸ Save, to keep them.',
    buttons: [...DISCARD_BUTTONS],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
}

/**
 * The chosen path with `ext` appended when the user typed a name with no
 * extension at all (Linux file choosers do not add it), unless a file with
 * that name already exists: the chooser's overwrite question covered the name
 * as typed, not the longer one, so nothing is overwritten unasked.
 */
export function withDefaultExtension(path: string, ext: string, exists: (p: string) => boolean = existsSync): string {
  if (extname(path) !== '') return path;
  const longer = `${path}.${ext}`;
  return exists(longer) ? path : longer;
}

/** The part of Electron's `dialog` module used here (passed in, so tests can stand in for it). */
export type DialogModule = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox'>;

/** Native dialogs attached to `window` (sheets on macOS, modal elsewhere). */
export function createDialogs(window: BaseWindow, dialog: DialogModule): Dialogs {
  const attached = (): BaseWindow | null => (window.isDestroyed() ? null : window);

  async function saveAs(defaultName: string, filters: FileFilter[], ext: string, title: string): Promise<string | null> {
    const options = {
      title,
      defaultPath: defaultName,
      filters,
      properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'>,
    };
    const parent = attached();
    const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return null;
    return withDefaultExtension(result.filePath, ext);
  }

  return {
    async openCapture() {
      const options = { title: 'Open capture file', filters: OPEN_FILTERS, properties: ['openFile'] as Array<'openFile'> };
      const parent = attached();
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    saveCapture: (defaultName) => saveAs(defaultName, SAVE_CAPTURE_FILTERS, 'pcapng', 'Save capture'),
    saveJsonLines: (defaultName) => saveAs(defaultName, SAVE_JSONL_FILTERS, 'jsonl', 'Export WebSocket messages'),
    async confirmDiscard(packets, comments) {
      const question = discardQuestion(packets, comments);
      const parent = attached();
      const { response } = parent ? await dialog.showMessageBox(parent, question) : await dialog.showMessageBox(question);
      return response === 0;
    },
  };
}
