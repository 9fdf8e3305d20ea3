/**
 * Text from packets goes into a terminal emulator, which obeys escape
 * sequences: a crafted payload could move the cursor, retitle the window or
 * rewrite earlier lines. Every control character (C0, DEL, C1) is shown as a
 * visible `\xNN` escape instead, so the only escapes the terminal sees are the
 * colours Paquet adds itself.
 */

const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

export function neutraliseControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    if (c === '\t') return '    ';
    return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  });
}

/** SGR colours Paquet writes: the theme maps these palette slots to its own variables. */
export const SGR = {
  /** Palette bright black, themed as --muted. */
  dim: '\x1b[90m',
  /** Palette cyan, themed as --accent. */
  accent: '\x1b[36m',
  reset: '\x1b[0m',
} as const;

/** Lines tcpdump's WebSocket mode adds under a packet (see shared/tcpdump/websocket.ts). */
export function isWebSocketLine(line: string): boolean {
  return line.startsWith('    WebSocket ');
}

/**
 * The terminal text of one packet's block: its header line dim, WebSocket
 * lines in the accent colour, everything neutralised; each line ends in CRLF.
 */
export function blockText(lines: readonly string[]): string {
  let out = '';
  lines.forEach((line, i) => {
    const safe = neutraliseControls(line);
    if (i === 0) out += SGR.dim + safe + SGR.reset;
    else if (isWebSocketLine(line)) out += SGR.accent + safe + SGR.reset;
    else out += safe;
    out += '\r\n';
  });
  return out;
}
