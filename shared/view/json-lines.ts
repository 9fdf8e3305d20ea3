/**
 * WebSocket messages as JSON Lines (one JSON object per line), for jq, scripts
 * and log tools. A message whose text is JSON carries it parsed under `json`, so
 * `jq 'select(.json.type == "say")'` works without a second parse; `text` keeps
 * the exact text (parsing can lose what JSON.parse cannot hold, e.g. 64-bit ids).
 */
import type { WsMessage } from '../ipc/contract.js';
import { hex } from '../format/field-text.js';

export interface WsJsonLine {
  index: number;
  dir: 'client' | 'server';
  /** ISO 8601 UTC with microseconds: 2026-11-24T12:45:03.900756Z. */
  time: string;
  relTime: number;
  opcode: string;
  size: number;
  text?: string;
  json?: unknown;
  /** Binary and control payloads, lowercase hex (at most the first 64 KiB). */
  hex?: string;
  /** Present (true) when `hex` holds only the start of a longer payload. */
  truncated?: true;
  closeCode?: number;
  frames: number[];
}

/** Epoch seconds as ISO 8601 UTC with six decimals. */
export function isoMicros(epochSeconds: number): string {
  const micros = Math.round(epochSeconds * 1e6);
  const seconds = Math.floor(micros / 1e6);
  const fraction = String(micros - seconds * 1e6).padStart(6, '0');
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
}

export function wsJsonLine(m: WsMessage): WsJsonLine {
  const line: Omit<WsJsonLine, 'frames'> = {
    index: m.index, dir: m.dir, time: isoMicros(m.epochTime), relTime: Math.round(m.relTime * 1e9) / 1e9,
    opcode: m.opcode, size: m.size,
  };
  if (m.text !== undefined) line.text = m.text;
  const json = m.json !== undefined ? parsed(m.json) : undefined;
  if (json !== undefined) line.json = json;
  if (m.bytes !== undefined) line.hex = hex(m.bytes);
  if (m.truncated) line.truncated = true;
  if (m.closeCode !== undefined) line.closeCode = m.closeCode;
  return { ...line, frames: [...m.frames] };
}

/** `json` is the message's text re-indented, so it parses; a message built elsewhere with bad JSON just has none. */
function parsed(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** One JSON object per message and line; ends with a newline (empty for no messages). */
export function wsJsonLines(messages: readonly WsMessage[]): string {
  let out = '';
  for (const m of messages) out += JSON.stringify(wsJsonLine(m)) + '\n';
  return out;
}
