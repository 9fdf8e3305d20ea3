/**
 * Serves the built renderer (dist/renderer) over http for the browser
 * transport, with the same Content-Security-Policy the page declares in its
 * meta tag (renderer/index.html; a test keeps the two identical). Only files
 * under the folder are served: a path with a `..`, `.`, backslash or NUL
 * segment, raw or percent-encoded, is refused, and so is a symbolic link that
 * leads outside.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

/** Packet bytes come from the network: no inline script, no eval, nothing remote. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self' ws://127.0.0.1:*; base-uri 'none'; form-action 'none'; object-src 'none'";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every answer, files and errors alike. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/**
 * The path segments of a request target, percent-decoded, or undefined when
 * one is unsafe (`..`, `.`, empty inside the path, or holding `/`, `\` or NUL
 * once decoded) or badly encoded.
 */
export function safeSegments(target: string): string[] | undefined {
  const pathPart = target.split(/[?#]/, 1)[0] ?? '';
  if (!pathPart.startsWith('/')) return undefined;
  const raw = pathPart.slice(1).split('/');
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let s: string;
    try {
      s = decodeURIComponent(raw[i]!);
    } catch {
      return undefined;
    }
    if (s === '' && i === raw.length - 1) break; // a trailing slash
    if (s === '' || s === '.' || s === '..' || /[/\\\0]/.test(s)) return undefined;
    out.push(s);
  }
  return out;
}

/** Answer a GET or HEAD for a file under `root` (an absolute, real path). */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const segments = safeSegments(req.url ?? '/');
  if (!segments) {
    sendText(res, 400, 'bad path\n');
    return;
  }
  const wanted = join(root, ...(segments.length === 0 ? ['index.html'] : segments));
  let real: string;
  try {
    real = await realpath(wanted);
    if (!real.startsWith(root + sep)) throw new Error('outside the served folder');
    if (!(await stat(real)).isFile()) throw new Error('not a file');
  } catch {
    sendText(res, 404, 'not found\n');
    return;
  }
  const size = (await stat(real)).size;
  res.writeHead(200, { ...securityHeaders(), 'Content-Type': contentType(real), 'Content-Length': size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(real);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
