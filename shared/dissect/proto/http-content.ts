/**
 * HTTP content codings (Content-Encoding: gzip / deflate): the entity body
 * decoded for display, with a hard cap so a small body cannot expand into
 * unbounded memory.
 */
import { Gunzip, Inflate, Unzlib } from 'fflate';

/** Most a decoded body may grow to. */
export const CONTENT_CAP = 16 * 1024 * 1024;
const SLICE = 1024;

export type DecodeResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'cap' | 'error' | 'unsupported' };

/** Decode `body` for the coding named in Content-Encoding (case-insensitive); identity returns it as is. */
export function decodeContent(coding: string, body: Uint8Array, cap = CONTENT_CAP): DecodeResult {
  const c = coding.trim().toLowerCase();
  if (c === '' || c === 'identity') return { ok: true, bytes: body };
  let stream: Gunzip | Inflate | Unzlib;
  if (c === 'gzip' || c === 'x-gzip') stream = new Gunzip();
  else if (c === 'deflate') stream = body.length > 0 && (body[0]! & 0x0f) === 8 ? new Unzlib() : new Inflate();
  else return { ok: false, reason: 'unsupported' };
  const out: Uint8Array[] = [];
  let total = 0;
  let over = false;
  stream.ondata = (chunk: Uint8Array) => {
    if (over) return;
    total += chunk.length;
    if (total > cap) over = true;
    else out.push(chunk.slice());
  };
  try {
    for (let i = 0; i < body.length && !over; i += SLICE) {
      const end = Math.min(body.length, i + SLICE);
      stream.push(body.subarray(i, end), end === body.length);
    }
  } catch {
    // A body cut short still shows what came out before the error.
    if (total === 0) return { ok: false, reason: 'error' };
  }
  if (over) return { ok: false, reason: 'cap' };
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const x of out) {
    bytes.set(x, o);
    o += x.length;
  }
  return { ok: true, bytes };
}
