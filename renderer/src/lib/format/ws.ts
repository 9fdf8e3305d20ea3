/** Helpers of the WebSocket conversation view: labels, times, filtering. Pure, no DOM. */
import type { WsMessage, WsOpcodeName } from '../../../../shared/ipc/contract.js';
import { hexString } from './hex.js';

/** RFC 6455 section 7.4.1 and the IANA registry's common codes. */
const CLOSE_CODES: Readonly<Record<number, string>> = {
  1000: 'Normal Closure',
  1001: 'Going Away',
  1002: 'Protocol Error',
  1003: 'Unsupported Data',
  1005: 'No Status Received',
  1006: 'Abnormal Closure',
  1007: 'Invalid Payload Data',
  1008: 'Policy Violation',
  1009: 'Message Too Big',
  1010: 'Mandatory Extension',
  1011: 'Internal Error',
  1012: 'Service Restart',
  1013: 'Try Again Later',
  1014: 'Bad Gateway',
  1015: 'TLS Handshake',
};

export function closeCodeName(code: number): string {
  return CLOSE_CODES[code] ?? (code >= 4000 && code <= 4999 ? 'Application code' : 'Unknown code');
}

/** Seconds with microseconds, as the packet list's relative time column. */
export function formatRelTime(seconds: number): string {
  return Number.isFinite(seconds) ? seconds.toFixed(6) : '';
}

/** Delta to the previous message, short: "+12 ms", "+1.5 s". */
export function formatDelta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 1) return `+${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 0)} ms`;
  if (seconds < 60) return `+${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  return `+${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export type OpcodeFilter = 'all' | 'data' | 'control' | WsOpcodeName;

const CONTROL: ReadonlySet<WsOpcodeName> = new Set(['close', 'ping', 'pong']);

export function opcodeMatches(opcode: WsOpcodeName, filter: OpcodeFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'control') return CONTROL.has(opcode);
  if (filter === 'data') return !CONTROL.has(opcode);
  return opcode === filter;
}

/**
 * Messages kept by the filter box (case-insensitive substring of the text,
 * the close code, or the hex of a binary payload) and the opcode choice.
 */
export function filterMessages(messages: readonly WsMessage[], text: string, opcode: OpcodeFilter): WsMessage[] {
  const needle = text.trim().toLowerCase();
  return messages.filter((m) => opcodeMatches(m.opcode, opcode) && (needle === '' || messageHaystack(m).includes(needle)));
}

function messageHaystack(m: WsMessage): string {
  let s = m.text ?? '';
  if (m.closeCode !== undefined) s += ' ' + m.closeCode;
  if (m.bytes) s += ' ' + hexString(m.bytes);
  return s.toLowerCase();
}

/** Short list of what is special about a message's framing. */
export function messageFlags(m: WsMessage): string[] {
  const flags: string[] = [];
  if (m.masked) flags.push('masked');
  if (m.compressed) flags.push('compressed');
  if (m.frames.length > 1) flags.push(`fragmented (${m.frames.length} frames)`);
  if (m.truncated) flags.push('truncated');
  return flags;
}
