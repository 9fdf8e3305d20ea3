/**
 * What a session asks the user. Electron implements it with native dialogs
 * (main/electron/dialogs.ts); tests and the browser server with stand-ins.
 * Every path returned here is one the user chose, which is why paths reach the
 * session only through these dialogs, the recent list or a drop.
 */
export interface Dialogs {
  /** The capture file to open; null: cancelled. */
  openCapture(): Promise<string | null>;
  /**
   * Where to save a capture (pcapng). `defaultName` is a file name, or a full
   * path when the capture already lives in a folder (Save As of an open file).
   */
  saveCapture(defaultName: string): Promise<string | null>;
  /** Where to write a WebSocket conversation as JSON Lines; same `defaultName` rule. */
  saveJsonLines(defaultName: string): Promise<string | null>;
  /**
   * true: the user agrees to drop what is unsaved: `packets` packets that are
   * in no saved file (a live or recovered capture; 0 when only comments
   * changed) and `comments` packet comments edited since the last Save
   * (0 or absent when none).
   */
  confirmDiscard(packets: number, comments?: number): Promise<boolean>;
}
