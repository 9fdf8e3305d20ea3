/**
 * HTTP/1.x over TCP: request/status line, headers, bodies by Content-Length or
 * chunked coding (reassembled across segments), and the Upgrade handshake that
 * hands a stream to WebSocket. Found by port (80, 8080, ...) or by a heuristic on
 * any port, as tshark 4.0 does.
 */
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import { fields, type FieldDef } from '../field.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { FieldTable, Tree } from '../tree.js';
import { ascii, asciiRepeated, ensure, slice, type Tvb } from '../tvb.js';
import { formatRelativeTime } from '../../format/time-text.js';
import { bigNs, nsSince, nsSub, type Ns } from '../ns.js';
import { escapeString } from '../../format/field-text.js';
import { DESEGMENT_ONE_MORE_SEGMENT, DESEGMENT_UNTIL_FIN, isTcpPayload, setStreamDissector, type TcpPayload } from './tcp-reassembly.js';
import { noteWebSocketHandshake } from './websocket.js';
import { dissectTextLines } from './websocket-text.js';
import { CONTENT_CAP, decodeContent } from './http-content.js';

export const httpProto = protocol('http', 'HTTP', 'Hypertext Transfer Protocol');

const str = (abbrev: string, name: string): FieldDef => ({ abbrev, name, type: 'string' });

export const hfHttp = fields({
  request: { abbrev: 'http.request', name: 'Request', type: 'boolean' },
  response: { abbrev: 'http.response', name: 'Response', type: 'boolean' },
  requestNumber: { abbrev: 'http.request_number', name: 'Request number', type: 'uint32', base: 'dec' },
  responseNumber: { abbrev: 'http.response_number', name: 'Response number', type: 'uint32', base: 'dec' },
  requestLine: str('http.request.line', 'Request line'),
  responseLine: str('http.response.line', 'Response line'),
  method: str('http.request.method', 'Request Method'),
  uri: str('http.request.uri', 'Request URI'),
  uriPath: str('http.request.uri.path', 'Request URI Path'),
  uriQuery: str('http.request.uri.query', 'Request URI Query'),
  requestVersion: str('http.request.version', 'Request Version'),
  responseVersion: str('http.response.version', 'Response Version'),
  fullUri: str('http.request.full_uri', 'Full request URI'),
  code: { abbrev: 'http.response.code', name: 'Status Code', type: 'uint16', base: 'dec' },
  codeDesc: str('http.response.code.desc', 'Status Code Description'),
  responseForUri: str('http.response_for.uri', 'Request URI'),
  phrase: str('http.response.phrase', 'Response Phrase'),
  authorization: str('http.authorization', 'Authorization'),
  contentType: str('http.content_type', 'Content-Type'),
  contentLengthHeader: str('http.content_length_header', 'Content-Length'),
  contentLength: { abbrev: 'http.content_length', name: 'Content length', type: 'uint64', base: 'dec' },
  contentEncoding: str('http.content_encoding', 'Content-Encoding'),
  transferEncoding: str('http.transfer_encoding', 'Transfer-Encoding'),
  upgrade: str('http.upgrade', 'Upgrade'),
  userAgent: str('http.user_agent', 'User-Agent'),
  host: str('http.host', 'Host'),
  connection: str('http.connection', 'Connection'),
  cookie: str('http.cookie', 'Cookie'),
  cookiePair: str('http.cookie_pair', 'Cookie pair'),
  authbasic: str('http.authbasic', 'Credentials'),
  uriQueryParameter: str('http.request.uri.query.parameter', 'Request URI Query Parameter'),
  decompressionFailed: { abbrev: 'http.decompression_failed', name: 'Decompression failed', type: 'none' },
  accept: str('http.accept', 'Accept'),
  referer: str('http.referer', 'Referer'),
  acceptLanguage: str('http.accept_language', 'Accept-Language'),
  acceptEncoding: str('http.accept_encoding', 'Accept Encoding'),
  date: str('http.date', 'Date'),
  cacheControl: str('http.cache_control', 'Cache-Control'),
  server: str('http.server', 'Server'),
  location: str('http.location', 'Location'),
  wsAccept: str('http.sec_websocket_accept', 'Sec-WebSocket-Accept'),
  wsExtensions: str('http.sec_websocket_extensions', 'Sec-WebSocket-Extensions'),
  wsKey: str('http.sec_websocket_key', 'Sec-WebSocket-Key'),
  wsProtocol: str('http.sec_websocket_protocol', 'Sec-WebSocket-Protocol'),
  wsVersion: str('http.sec_websocket_version', 'Sec-WebSocket-Version'),
  setCookie: str('http.set_cookie', 'Set-Cookie'),
  lastModified: str('http.last_modified', 'Last-Modified'),
  xForwardedFor: str('http.x_forwarded_for', 'X-Forwarded-For'),
  wwwAuthenticate: str('http.www_authenticate', 'WWW-Authenticate'),
  requestIn: { abbrev: 'http.request_in', name: 'Request in frame', type: 'framenum' },
  prevRequestIn: { abbrev: 'http.prev_request_in', name: 'Prev request in frame', type: 'framenum' },
  prevResponseIn: { abbrev: 'http.prev_response_in', name: 'Prev response in frame', type: 'framenum' },
  time: { abbrev: 'http.time', name: 'Time since request', type: 'relative_time', unit: ' seconds' },
  chat: { abbrev: 'http.chat', name: 'Formatted text', type: 'none' },
  chunkSize: { abbrev: 'http.chunk_size', name: 'Chunk size', type: 'uint32', base: 'dec' },
  chunkData: { abbrev: 'http.chunk_data', name: 'Chunk data', type: 'bytes' },
  chunkBoundary: { abbrev: 'http.chunk_boundary', name: 'Chunk boundary', type: 'bytes' },
  fileData: str('http.file_data', 'File Data'),
});

/** Headers with a field of their own: lower-cased name → field. */
const HEADER_FIELDS: Record<string, FieldDef> = {
  authorization: hfHttp.authorization, 'content-type': hfHttp.contentType, 'content-length': hfHttp.contentLengthHeader,
  'content-encoding': hfHttp.contentEncoding, 'transfer-encoding': hfHttp.transferEncoding, upgrade: hfHttp.upgrade,
  'user-agent': hfHttp.userAgent, host: hfHttp.host, connection: hfHttp.connection, cookie: hfHttp.cookie, accept: hfHttp.accept,
  referer: hfHttp.referer, 'accept-language': hfHttp.acceptLanguage, 'accept-encoding': hfHttp.acceptEncoding, date: hfHttp.date,
  'cache-control': hfHttp.cacheControl, server: hfHttp.server, location: hfHttp.location, 'sec-websocket-accept': hfHttp.wsAccept,
  'sec-websocket-extensions': hfHttp.wsExtensions, 'sec-websocket-key': hfHttp.wsKey, 'sec-websocket-protocol': hfHttp.wsProtocol,
  'sec-websocket-version': hfHttp.wsVersion, 'set-cookie': hfHttp.setCookie, 'last-modified': hfHttp.lastModified,
  'x-forwarded-for': hfHttp.xForwardedFor, 'www-authenticate': hfHttp.wwwAuthenticate,
};

/** The fields of the items header lines give: a filter's pruned tree decodes every line only when it names one. */
const HEADER_ITEM_FIELDS: FieldTable = {
  ...HEADER_FIELDS, requestLine: hfHttp.requestLine, responseLine: hfHttp.responseLine,
  cookiePair: hfHttp.cookiePair, authbasic: hfHttp.authbasic, contentLength: hfHttp.contentLength,
};

const STATUS_TEXT: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints', 200: 'OK', 201: 'Created', 202: 'Accepted',
  203: 'Non-authoritative Information', 204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 305: 'Use Proxy',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required',
  408: 'Request Time-out', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed', 418: "I'm a teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked',
  424: 'Failed Dependency', 426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out', 505: 'HTTP Version not supported', 507: 'Insufficient Storage',
  511: 'Network Authentication Required',
};

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'PROPFIND', 'PROPPATCH',
  'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'M-SEARCH', 'PURGE']);

/**
 * Per-stream HTTP state, built on the first pass. The requests are kept (as parallel
 * arrays, not an object each) because a revisited response names its request: each
 * message's memo is then one small number, its place in the stream.
 */
interface StreamState {
  /**
   * The requests in order, `stride` values each in one flat array (most streams carry one
   * or two: one small array, not one per field): its frame (0 for one counted before its
   * body arrived), its URI, and (stride 3) its time in nanoseconds since `epochSec`. When the
   * dissection keeps every frame's time (ctx.times) a request's time is its frame's: stride 2.
   */
  requests: (number | string | Ns)[] | undefined;
  stride: 2 | 3;
  /** Requests before this index were let go (see dropAnswered): `requests` starts with this one. */
  dropped: number;
  /** Indexes of HEAD requests (their responses have no body). */
  headRequests: Set<number> | undefined;
  epochSec: number | undefined;
  responses: number;
  /** A whole message went by: bytes that do not start one are shown as a continuation. */
  sawMessage: boolean;
  /** Frame from which the stream carries WebSocket, once a 101 answered an Upgrade: websocket. */
  websocketFrom: number | undefined;
  /** Each time websocketFrom was set: the frame that set it, and the value (read back on revisits). */
  websocketHistory: [setAt: number, from: number][] | undefined;
  upgradeRequested: boolean;
}

interface MessageMemo {
  requestNumber?: number;
  responseNumber?: number;
  /** timeNs: undefined when the request's frame time gives it (ctx.times). */
  request?: { frame: number; timeNs: Ns | undefined; uri: string };
  prevRequest?: number;
}

function streamState(ctx: PacketContext, stream: number): StreamState {
  // By stream index (numbered from 0): an array slot each, not a map entry.
  const m = ctx.session.get('http.streams', newStreamTable);
  let s = m[stream];
  if (!s) {
    s = {
      requests: undefined, stride: ctx.times ? 2 : 3, dropped: 0, headRequests: undefined, epochSec: undefined, responses: 0, sawMessage: false,
      websocketFrom: undefined, websocketHistory: undefined, upgradeRequested: false,
    };
    m[stream] = s;
  }
  return s;
}

// Session tables, made by functions defined once (not a closure per call).
function newStreamTable(): (StreamState | undefined)[] {
  return [];
}
function newUriCache(): Map<string, string> {
  return new Map();
}

function requestCount(st: StreamState): number {
  return st.dropped + (st.requests === undefined ? 0 : st.requests.length / st.stride);
}

/**
 * A single pass never revisits a frame, so a request is read again only by the response that
 * answers it and, as the previous request, by the next one (the latest two are kept for a
 * message seen twice in one frame): the others are let go, so a long keep-alive stream holds
 * the few requests in flight rather than all it ever carried.
 */
function dropAnswered(ctx: PacketContext, st: StreamState): void {
  if (ctx.keepsMemos || st.requests === undefined) return;
  const keepFrom = Math.min(st.responses - 1, requestCount(st) - 2);
  // In batches: taking requests off the front one at a time would move the rest each time.
  if (keepFrom - st.dropped < 64) return;
  st.requests.splice(0, (keepFrom - st.dropped) * st.stride);
  st.dropped = keepFrom;
  if (st.headRequests) for (const i of st.headRequests) if (i < keepFrom) st.headRequests.delete(i);
}

function addRequest(ctx: PacketContext, st: StreamState, frame: number, uri: string, method: string): void {
  if (method === 'HEAD') (st.headRequests ??= new Set()).add(requestCount(st));
  if (st.stride === 2) {
    if (st.requests === undefined) st.requests = [frame, uri];
    else st.requests.push(frame, uri);
    return;
  }
  st.epochSec ??= ctx.frame.tsSec;
  const time = frame === 0 ? 0 : nsSince(st.epochSec, ctx.frame.tsSec, ctx.frame.tsNsec);
  if (st.requests === undefined) st.requests = [frame, uri, time];
  else st.requests.push(frame, uri, time);
}

/** The frame of request i (0-based) of the stream, which must exist (no object made, unlike requestAt). */
function requestFrame(st: StreamState, i: number): number {
  return st.requests![(i - st.dropped) * st.stride] as number;
}

/** Request i (0-based) of the stream, which must exist. */
function requestAt(st: StreamState, i: number): { frame: number; uri: string; timeNs: Ns | undefined } {
  const r = st.requests!;
  const k = (i - st.dropped) * st.stride;
  return { frame: r[k] as number, uri: r[k + 1] as string, timeNs: st.stride === 3 ? (r[k + 2] as Ns) : undefined };
}

/**
 * A message's memo as stored: its number in the stream times two, plus one for a response
 * whose request was known when it went by. The rest comes from the stream's request list.
 */
function encodeMessage(memo: MessageMemo): number {
  const n = memo.requestNumber ?? memo.responseNumber ?? 0;
  return n * 2 + (memo.request ? 1 : 0);
}

function decodeMessage(v: number, kind: 'request' | 'response', st: StreamState | undefined): MessageMemo {
  const n = Math.floor(v / 2);
  const memo: MessageMemo = {};
  if (kind === 'request') {
    if (n > 0) memo.requestNumber = n;
    if (st && n >= 2) memo.prevRequest = requestFrame(st, n - 2);
  } else {
    if (n > 0) memo.responseNumber = n;
    if (st && v % 2 === 1) memo.request = requestAt(st, n - 1);
  }
  return memo;
}

/** Where the stream carries WebSocket, as the first pass saw it on entering frame `num`. */
function websocketFromAt(st: StreamState, num: number): number | undefined {
  let from: number | undefined;
  for (const [setAt, value] of st.websocketHistory ?? []) if (setAt < num) from = value;
  return from;
}

/**
 * URIs repeat (the same pages, again and again): a response keeps its request's URI, so
 * repeated ones are stored once. Unbounded distinct URIs are not all cached.
 */
const URI_CACHE_MAX = 4096;

function keptUri(ctx: PacketContext, uri: string): string {
  // A single pass lets answered requests go (dropAnswered): nothing piles up to share.
  if (!ctx.keepsMemos) return uri;
  const cache = ctx.session.get('http.uris', newUriCache);
  const known = cache.get(uri);
  if (known !== undefined) return known;
  if (cache.size < URI_CACHE_MAX) cache.set(uri, uri);
  return uri;
}

/** The headers dissectMessage looks up by name, by the length of the name. */
const LOOKED_UP: (string[] | undefined)[] = [];
for (const n of ['transfer-encoding', 'content-length', 'expect', 'host', 'upgrade', 'sec-websocket-extensions', 'sec-websocket-protocol',
  'content-encoding', 'content-type']) {
  (LOOKED_UP[n.length] ??= []).push(n);
}

/**
 * The LOOKED_UP name the header line b[start, stop) (CR stripped) has, if any, compared as its
 * lower-cased text would be: only ASCII letters change case (Latin-1 letters past 0x7f stay past
 * it when lower-cased, so they never match).
 */
function lookedUpName(b: Uint8Array, start: number, stop: number): string | undefined {
  let colon = start;
  // No looked-up name is longer than the list: a longer one needs no colon found.
  const limit = Math.min(stop, start + LOOKED_UP.length);
  while (colon < limit && b[colon] !== 0x3a) colon++;
  if (colon === limit && limit < stop) return undefined;
  const names = LOOKED_UP[colon - start];
  if (names === undefined) return undefined;
  for (const name of names) if (sameLowerCase(b, start, name)) return name;
  return undefined;
}

function sameLowerCase(b: Uint8Array, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    let c = b[start + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

function findHeaderEnd(b: Uint8Array, off: number, end: number): number {
  for (let i = off; i < end; i++) {
    if (b[i] === 0x0a) {
      if (i + 1 < end && b[i + 1] === 0x0a) return i + 2;
      if (i + 2 < end && b[i + 1] === 0x0d && b[i + 2] === 0x0a) return i + 3;
    }
  }
  return -1;
}

function lineEnd(b: Uint8Array, off: number, end: number): number {
  for (let i = off; i < end; i++) if (b[i] === 0x0a) return i;
  return -1;
}

type FirstLine =
  | { kind: 'request'; method: string; uri: string; version: string }
  | { kind: 'response'; version: string; code: number; phrase: string };

/**
 * A status line `HTTP/d.d ddd[ phrase]`, or a request line `METHOD URI HTTP/d.d`; anything else
 * that starts with a known method and a space is taken as a request, as tshark does (HTTP/0.9
 * has no version). Scanned by hand: this runs on every message.
 */
function parseFirstLine(line: string): FirstLine | undefined {
  if (isVersionAt(line, 0)) {
    if (line.charCodeAt(8) !== 0x20 || !isDigit(line, 9) || !isDigit(line, 10) || !isDigit(line, 11)) return undefined;
    const code = (line.charCodeAt(9) - 0x30) * 100 + (line.charCodeAt(10) - 0x30) * 10 + (line.charCodeAt(11) - 0x30);
    if (line.length === 12) return { kind: 'response', version: line.slice(0, 8), code, phrase: '' };
    // The phrase runs to the end of the line and holds no line terminator.
    if (line.charCodeAt(12) !== 0x20 || hasLineTerminator(line, 13)) return undefined;
    return { kind: 'response', version: line.slice(0, 8), code, phrase: line.slice(13) };
  }
  let i = 0;
  while (i < line.length && (isUpper(line.charCodeAt(i)) || (i > 0 && line.charCodeAt(i) === 0x2d))) i++;
  if (i === 0 || line.charCodeAt(i) !== 0x20) return undefined;
  const method = line.slice(0, i);
  if (!METHODS.has(method)) return undefined;
  const u = i + 1;
  let j = u;
  while (j < line.length && !isJsSpace(line.charCodeAt(j))) j++;
  const uri = line.slice(u, j);
  const whole = j > u && j + 9 === line.length && line.charCodeAt(j) === 0x20 && isVersionAt(line, j + 1);
  return { kind: 'request', method, uri, version: whole ? line.slice(j + 1) : '' };
}

/** `HTTP/d.d` at `at`. */
function isVersionAt(s: string, at: number): boolean {
  return s.startsWith('HTTP/', at) && isDigit(s, at + 5) && s.charCodeAt(at + 6) === 0x2e && isDigit(s, at + 7);
}

function isDigit(s: string, at: number): boolean {
  const c = s.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
}

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/** What a regular expression's \s matches. */
function isJsSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** What a regular expression's `.` does not match, from `from` on. */
function hasLineTerminator(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/** The first line of the data, if it looks like an HTTP request or status line. */
/** The line peekFirstLine decoded last: dissectMessage, which peeks first, needs the same text right after (used once). */
let peeked: { bytes: Uint8Array; off: number; le: number; line: string } | undefined;

/** The first line's text (CR stripped) ending at `le`, decoded once. */
function firstLineAt(tvb: Tvb, off: number, le: number): string {
  const p = peeked;
  peeked = undefined;
  if (p !== undefined && p.bytes === tvb.bytes && p.off === off && p.le === le) return p.line;
  return ascii(tvb, off, withoutCr(tvb.bytes, off, le) - off);
}

/** Where the text b[off, stop) ends without its trailing CR (what stripCr leaves, counted in bytes). */
function withoutCr(b: Uint8Array, off: number, stop: number): number {
  return stop > off && b[stop - 1] === 0x0d ? stop - 1 : stop;
}

function peekFirstLine(tvb: Tvb, off: number, end: number): FirstLine | undefined {
  // Cheap rejection first: this runs on every unclaimed TCP segment. A request or status line
  // starts with an upper-case word (a method, or HTTP) followed by a space or a slash.
  const b = tvb.bytes;
  let w = off;
  const limit = Math.min(end, off + 20);
  while (w < limit && ((b[w]! >= 0x41 && b[w]! <= 0x5a) || (w > off && b[w] === 0x2d))) w++;
  if (w === off || w >= end || (b[w] !== 0x20 && b[w] !== 0x2f)) return undefined;
  const le = lineEnd(tvb.bytes, off, Math.min(end, off + 8192));
  const stop = withoutCr(b, off, le < 0 ? Math.min(end, off + 8192) : le);
  // Status lines (`HTTP/`: a slash after the first word) repeat from message to message; request lines carry their URI.
  const line = b[w] === 0x2f ? asciiRepeated(tvb, off, stop - off) : ascii(tvb, off, stop - off);
  peeked = { bytes: b, off, le, line };
  if (le < 0) {
    // Only a prefix is here: accept a plausible start so the rest can be reassembled.
    if (/^HTTP\/\d\.\d \d{3}/.test(line)) return { kind: 'response', version: line.slice(0, 8), code: Number(line.slice(9, 12)), phrase: '' };
    const m = /^([A-Z][A-Z-]*) \S/.exec(line);
    if (m && METHODS.has(m[1]!)) return { kind: 'request', method: m[1]!, uri: '', version: '' };
    return undefined;
  }
  return parseFirstLine(line);
}

export const dissectHttp: Dissector = (tvb, offset, end, ctx, tree, data) => {
  const tcp = isTcpPayload(data) ? data : undefined;
  if (tcp) {
    const st = streamState(ctx, tcp.stream);
    // On a revisit, the value the first pass saw comes from the stream's history (no memo per frame).
    const wsFrom = ctx.getMemo<number>('http.ws') ?? (ctx.visited ? websocketFromAt(st, ctx.num) : st.websocketFrom);
    if (wsFrom !== undefined && ctx.num >= wsFrom) {
      if (!ctx.visited) ctx.setLocalMemo('http.ws', wsFrom);
      return callWebSocket(tvb, offset, end, ctx, tree, tcp);
    }
  }
  let off = offset;
  let first = true;
  while (off < end) {
    const used = dissectMessage(tvb, off, end, ctx, tree, tcp, first);
    if (used <= 0) break;
    first = false;
    off += used;
  }
  return end - offset;
};

function callWebSocket(tvb: Tvb, off: number, end: number, ctx: PacketContext, tree: Tree, tcp: TcpPayload, viaHttp = true): number {
  // tshark lists http before websocket: WebSocket is reached through the HTTP dissector of the stream.
  if (viaHttp) ctx.protocols.push('http');
  const ws = ctx.registry.byName('websocket');
  if (!ws) return end - off;
  ctx.call(ws, tvb, off, end, tree, tcp);
  return end - off;
}

/** One message at `off`; returns bytes used, 0 when it asked TCP for more. */
function dissectMessage(tvb: Tvb, off: number, end: number, ctx: PacketContext, tree: Tree, tcp: TcpPayload | undefined, first: boolean): number {
  const b = tvb.bytes;
  const canAsk = tcp?.canDesegment ?? false;
  const fl = peekFirstLine(tvb, off, end);
  if (!fl) {
    // Not the start of a message. At the start of a segment of a stream HTTP owns tshark 4.0 takes the
    // bytes and shows nothing; after a message in the same segment they are a "Continuation".
    const seen = tcp ? (ctx.getMemo<boolean>('http.seen:' + off) ?? (!ctx.visited && streamState(ctx, tcp.stream).sawMessage === true)) : false;
    if (tcp && !ctx.visited && seen) ctx.setMemo('http.seen:' + off, true);
    if (!first || seen) {
      if (first) {
        ctx.cols.protocol = httpProto.short;
        ctx.protocols.push('http');
        ctx.cols.setInfo('Continuation');
      } else ctx.cols.appendInfo('Continuation');
      const item = tree.add(httpProto.def, tvb, off, end - off, null, tree.labels ? httpProto.label : undefined);
      if (first && item.wants(hfHttp.fileData)) {
        item.add(hfHttp.fileData, tvb, off, end - off, fileDataText(slice(tvb, off, end - off)), item.labels ? `File Data: ${end - off} bytes` : undefined);
      } else if (first && item.enabled) {
        // Bytes the capture cut short end the layer on the full tree: so they must on a pruned one.
        ensure(tvb, off, end - off);
      }
      const data = ctx.registry.byName('data');
      if (data) ctx.call(data, tvb, off, end, item.enabled ? item : tree);
    }
    return end - off;
  }
  const le = lineEnd(b, off, end);
  const firstLineText = le >= 0 ? firstLineAt(tvb, off, le) : '';
  const info = escapeString(firstLineText) + ' ';
  if (le >= 0) {
    if (first) ctx.cols.setInfo(info);
    else ctx.cols.appendInfo(info);
  }
  const hdrEnd = findHeaderEnd(b, off, end);
  if (hdrEnd < 0) {
    if (canAsk) {
      tcp!.desegment(off, DESEGMENT_ONE_MORE_SEGMENT);
      return 0;
    }
  }
  const headersEnd = hdrEnd < 0 ? end : hdrEnd;

  // Headers as name/value pairs with their spans.
  // `key` is the lower-cased name, made once here: several lookups below compare against it.
  // Without a tree only the headers looked up below are decoded (the others are skipped as bytes).
  const headers: { key: string; value: string; start: number; len: number }[] = [];
  const all = tree.wantsAny(HEADER_ITEM_FIELDS);
  let p = le < 0 ? end : le + 1;
  while (p < headersEnd) {
    let e = lineEnd(b, p, headersEnd);
    if (e < 0) e = headersEnd - 1;
    if (!all) {
      const stop = withoutCr(b, p, e);
      if (stop === p) {
        p = e + 1;
        break;
      }
      const key = lookedUpName(b, p, stop);
      if (key !== undefined) {
        // Only the value is read; values repeat from message to message (see asciiRepeated).
        const colon = p + key.length;
        headers.push({ key, value: colon < stop ? trimmedValue(tvb, colon + 1, e) : '', start: p, len: e + 1 - p });
      }
      p = e + 1;
      continue;
    }
    const raw = stripCr(ascii(tvb, p, e - p));
    if (raw === '') {
      p = e + 1;
      break;
    }
    const colon = raw.indexOf(':');
    const key = (colon < 0 ? raw : raw.slice(0, colon)).toLowerCase();
    headers.push({ key, value: colon < 0 ? '' : raw.slice(colon + 1).trim(), start: p, len: e + 1 - p });
    p = e + 1;
  }
  const blankStart = p - (hdrEnd >= 0 ? (b[p - 2] === 0x0d ? 2 : 1) : 0);
  const header = (n: string): string | undefined => {
    for (const h of headers) if (h.key === n) return h.value;
    return undefined;
  };

  // How long is the body?
  const te = header('transfer-encoding')?.toLowerCase();
  const cl = header('content-length');
  let bodyLen = 0;
  let chunked = false;
  let untilEnd = false;
  if (te && te.includes('chunked')) {
    chunked = true;
  } else if (cl !== undefined && /^\d+$/.test(cl)) {
    bodyLen = Number(cl);
  } else if (fl.kind === 'response' && !(fl.code < 200 || fl.code === 204 || fl.code === 304) && !answersHead(ctx, tcp, tvb, off)) {
    untilEnd = true;
  }
  let bodyEnd = headersEnd;
  if (hdrEnd >= 0) {
    if (chunked) {
      const r = chunkedExtent(b, headersEnd, end);
      if (r.end < 0) {
        if (canAsk) {
          // tshark asks again on every segment of a chunked body, so those frames keep the first line in Info.
          tcp!.desegment(off, r.more > 0 ? r.more : DESEGMENT_ONE_MORE_SEGMENT, true);
          return 0;
        }
        bodyEnd = end;
      } else bodyEnd = r.end;
    } else if (untilEnd) {
      if (canAsk && !tcp!.fin) {
        tcp!.desegment(off, DESEGMENT_UNTIL_FIN);
        return 0;
      }
      bodyEnd = end;
    } else if (headersEnd + bodyLen > end) {
      if (canAsk) {
        // With Expect: 100-continue tshark counts the request once its headers are in, before waiting for the body.
        if (fl.kind === 'request' && tcp && !ctx.visited && header('expect')?.toLowerCase() === '100-continue' && !ctx.getMemo('http.pending:' + off)) {
          addRequest(ctx, streamState(ctx, tcp.stream), 0, '', fl.method);
          ctx.setMemo('http.pending:' + off, true);
        }
        tcp!.desegment(off, headersEnd + bodyLen - end);
        return 0;
      }
      bodyEnd = end;
    } else bodyEnd = headersEnd + bodyLen;
  }

  ctx.cols.protocol = httpProto.short;
  ctx.protocols.push('http');
  ctx.cols.setFence();
  if (tcp && !ctx.visited) streamState(ctx, tcp.stream).sawMessage = true;

  // Cross-message bookkeeping, memoised per message for revisits. A single pass has none, and
  // no frame hands HTTP the same message twice: it neither makes the key nor keeps the memo.
  const memoKey = ctx.keepsMemos ? 'http:' + (tcp?.key ?? '') + ':' + tvb.source + ':' + off : undefined;
  const stored = memoKey === undefined ? undefined : ctx.getMemo<number>(memoKey);
  let memo = stored === undefined ? undefined : decodeMessage(stored, fl.kind, tcp ? streamState(ctx, tcp.stream) : undefined);
  const hostHeader = header('host');
  const fullUri = fl.kind === 'request' ? fullRequestUri(fl.uri, hostHeader, ctx, tcp) : '';
  if (!memo) {
    memo = {};
    if (tcp && !ctx.visited) {
      const st = streamState(ctx, tcp.stream);
      if (fl.kind === 'request') {
        const prev = requestCount(st);
        addRequest(ctx, st, ctx.num, keptUri(ctx, fullUri || fl.uri), fl.method);
        memo.requestNumber = prev + 1;
        if (prev > 0) memo.prevRequest = requestFrame(st, prev - 1);
        if (header('upgrade')?.toLowerCase() === 'websocket') st.upgradeRequested = true;
      } else {
        st.responses++;
        memo.responseNumber = st.responses;
        const i = st.responses - 1;
        if (i < requestCount(st) && requestFrame(st, i) !== 0) memo.request = requestAt(st, i);
        dropAnswered(ctx, st);
        if (fl.code === 101 && header('upgrade')?.toLowerCase().includes('websocket')) {
          st.websocketFrom = ctx.num + 1;
          (st.websocketHistory ??= []).push([ctx.num, st.websocketFrom]);
          noteWebSocketHandshake(ctx, tcp.stream, {
            extensions: header('sec-websocket-extensions') ?? '',
            protocol: header('sec-websocket-protocol') ?? '',
            serverPort: tcp.srcPort,
          });
        }
      }
      setStreamDissector(ctx, tcp, dissectHttp);
    } else if (!tcp) {
      memo.requestNumber = fl.kind === 'request' ? 1 : undefined;
    }
    if (memoKey !== undefined && !ctx.visited) ctx.setMemo(memoKey, encodeMessage(memo));
  }

  const item = tree.add(httpProto.def, tvb, off, bodyEnd - off, null, tree.labels ? httpProto.label : undefined);
  if (item.wantsAny(hfHttp)) {
    const labels = item.labels;
    if (le >= 0) {
      const lineLen = le + 1 - off;
      const raw = ascii(tvb, off, lineLen);
      const fli = item.add(hfWs.text, tvb, off, lineLen, null, labels ? escapeString(raw) : undefined);
      // The expert message is the line itself, CR LF included (tshark escapes it when printing),
      // cut to the 239 characters tshark's expert text holds.
      addExpert(fli, tvb, off, lineLen, Severity.Chat, GROUPS.Sequence, raw.slice(0, 239), hfHttp.chat);
      if (fl.kind === 'request') {
        fli.add(hfHttp.method, tvb, off, fl.method.length, fl.method, labels ? `Request Method: ${fl.method}` : undefined);
        const uOff = off + fl.method.length + 1;
        const uri = fli.add(hfHttp.uri, tvb, uOff, fl.uri.length, fl.uri, labels ? `Request URI: ${fl.uri}` : undefined);
        const q = fl.uri.indexOf('?');
        if (q >= 0) {
          uri.add(hfHttp.uriPath, tvb, uOff, q, fl.uri.slice(0, q), labels ? `Request URI Path: ${fl.uri.slice(0, q)}` : undefined);
          const query = fl.uri.slice(q + 1);
          const qi = uri.add(hfHttp.uriQuery, tvb, uOff + q + 1, query.length, query, labels ? `Request URI Query: ${query}` : undefined);
          let pOff = uOff + q + 1;
          for (const param of query.split('&')) {
            qi.add(hfHttp.uriQueryParameter, tvb, pOff, param.length, param, labels ? `Request URI Query Parameter: ${param}` : undefined);
            pOff += param.length + 1;
          }
        }
        if (fl.version) fli.add(hfHttp.requestVersion, tvb, uOff + fl.uri.length + 1, fl.version.length, fl.version, labels ? `Request Version: ${fl.version}` : undefined);
      } else {
        fli.add(hfHttp.responseVersion, tvb, off, fl.version.length, fl.version, labels ? `Response Version: ${fl.version}` : undefined);
        fli.add(hfHttp.code, tvb, off + 9, 3, fl.code, labels ? `Status Code: ${fl.code}` : undefined);
        const desc = STATUS_TEXT[fl.code] ?? 'Unknown';
        fli.addGenerated(hfHttp.codeDesc, tvb, off + 9, 3, desc, labels ? `Status Code Description: ${desc}` : undefined);
        fli.add(hfHttp.phrase, tvb, off + 13, fl.phrase.length, fl.phrase, labels ? `Response Phrase: ${fl.phrase}` : undefined);
      }
    }
    const lineDef = fl.kind === 'request' ? hfHttp.requestLine : hfHttp.responseLine;
    const lines = labels || item.wants(lineDef);
    for (const h of all ? headers : []) {
      // The line's text is the label and the value of the request or response line item.
      const lineText = lines ? ascii(tvb, h.start, h.len) : '';
      const shown = labels ? escapeString(lineText) : undefined;
      const def = HEADER_FIELDS[h.key];
      if (def) {
        const hi = item.add(def, tvb, h.start, h.len, h.value, shown);
        item.addHidden(lineDef, tvb, h.start, h.len, lineText);
        if (def === hfHttp.cookie) {
          for (const pair of h.value.split(';')) {
            const v = pair.trim();
            if (v) hi.add(hfHttp.cookiePair, tvb, h.start, h.len, v, labels ? `Cookie pair: ${v}` : undefined);
          }
        }
        if (def === hfHttp.authorization && /^basic /i.test(h.value)) {
          const creds = basicCredentials(h.value.slice(6).trim());
          if (creds !== undefined) hi.add(hfHttp.authbasic, tvb, h.start, h.len, creds, labels ? `Credentials: ${creds}` : undefined);
        }
        if (def === hfHttp.contentLengthHeader && /^\d+$/.test(h.value)) {
          hi.addGenerated(hfHttp.contentLength, tvb, h.start, h.len, BigInt(h.value), labels ? `Content length: ${h.value}` : undefined);
        }
      } else {
        item.add(lineDef, tvb, h.start, h.len, lineText, shown);
      }
    }
    if (hdrEnd >= 0) item.add(hfWs.text, tvb, blankStart, hdrEnd - blankStart, null, labels ? escapeString(ascii(tvb, blankStart, hdrEnd - blankStart)) : undefined);
    if (fl.kind === 'request') {
      if (fullUri) item.addGenerated(hfHttp.fullUri, tvb, off, 0, fullUri, labels ? `Full request URI: ${fullUri}` : undefined);
      item.addHidden(hfHttp.request, tvb, off, 0, true);
      const n = memo.requestNumber ?? 1;
      item.addGenerated(hfHttp.requestNumber, tvb, off, 0, n, labels ? `HTTP request ${n}/${n}` : undefined);
      if (memo.prevRequest !== undefined) item.addGenerated(hfHttp.prevRequestIn, tvb, off, 0, memo.prevRequest, labels ? `Prev request in frame: ${memo.prevRequest}` : undefined);
    } else {
      item.addHidden(hfHttp.response, tvb, off, 0, true);
      const n = memo.responseNumber ?? 1;
      item.addGenerated(hfHttp.responseNumber, tvb, off, 0, n, labels ? `HTTP response ${n}/${n}` : undefined);
      if (memo.request && tcp) {
        const st = streamState(ctx, tcp.stream);
        const sent = memo.request.timeNs;
        const dt = sent === undefined ? ctx.times!.between(ctx.num, memo.request.frame) : bigNs(nsSub(nsSince(st.epochSec!, ctx.frame.tsSec, ctx.frame.tsNsec), sent));
        item.addGenerated(hfHttp.time, tvb, off, 0, dt, labels ? `Time since request: ${formatRelativeTime(dt)} seconds` : undefined);
        item.addGenerated(hfHttp.requestIn, tvb, off, 0, memo.request.frame, labels ? `Request in frame: ${memo.request.frame}` : undefined);
        if (memo.request.uri) item.addGenerated(hfHttp.responseForUri, tvb, off, 0, memo.request.uri, labels ? `Request URI: ${memo.request.uri}` : undefined);
      }
    }
  }
  // The entity body: as sent, or joined from its chunks.
  let btvb = tvb;
  let bOff = headersEnd;
  let bEnd = bodyEnd;
  if (chunked && bodyEnd > headersEnd) {
    const body = dechunk(tvb, headersEnd, bodyEnd, item, fl.kind);
    btvb = ctx.addSource(`De-chunked entity body (${body.length} bytes)`, body);
    bOff = 0;
    bEnd = body.length;
  }
  const coding = header('content-encoding');
  if (coding && bEnd > bOff) {
    const r = decodeContent(coding, slice(btvb, bOff, bEnd - bOff));
    const name = coding.trim().toLowerCase();
    if (r.ok && name !== 'identity') {
      if (item.wants(hfWs.text)) {
        item.add(hfWs.text, btvb, bOff, bEnd - bOff, null, item.labels ? `Content-encoded entity body (${name}): ${bEnd - bOff} bytes -> ${r.bytes.length} bytes` : undefined);
      }
      btvb = ctx.addSource(`Uncompressed entity body (${r.bytes.length} bytes)`, r.bytes);
      bOff = 0;
      bEnd = r.bytes.length;
    } else if (!r.ok && r.reason !== 'unsupported' && item.enabled) {
      const msg = r.reason === 'cap' ? `Decompression stopped: the body decodes to more than ${CONTENT_CAP} bytes` : 'Decompression failed';
      addExpert(item, btvb, bOff, bEnd - bOff, Severity.Warning, GROUPS.Undecoded, msg, hfHttp.decompressionFailed);
    }
  }
  if (bEnd > bOff) {
    const len = bEnd - bOff;
    if (item.wants(hfHttp.fileData)) {
      // tshark's string stops at the first NUL byte.
      item.add(hfHttp.fileData, btvb, bOff, len, fileDataText(slice(btvb, bOff, len)), item.labels ? `File Data: ${len} byte${len === 1 ? '' : 's'}` : undefined);
    } else if (item.enabled) {
      ensure(btvb, bOff, len);
    }
    const ctype = header('content-type');
    const media = ctype === undefined ? undefined : mediaType(ctype);
    if (media) ctx.cols.appendInfo(` (${media})`);
    if (media && isTextMedia(media)) {
      dissectTextLines(btvb, bOff, bEnd, ctx, tree, media);
    } else {
      // A body no media dissector takes hangs under the HTTP item, as in tshark.
      const data = ctx.registry.byName('data');
      if (data) ctx.call(data, btvb, bOff, bEnd, item.enabled ? item : tree);
    }
  }
  // After a 101 the rest of this segment belongs to the new protocol.
  if (fl.kind === 'response' && fl.code === 101 && tcp && bodyEnd < end && (ctx.getMemo<number>('http.ws') ?? streamState(ctx, tcp.stream).websocketFrom) !== undefined) {
    callWebSocket(tvb, bodyEnd, end, ctx, tree, tcp, false);
    return end - off;
  }
  return bodyEnd - off;
}

/**
 * The text of b[from, to) with surrounding white space removed, as String.prototype.trim leaves
 * the decoded text: the bytes that decode to JavaScript white space are 0x09-0x0d, 0x20 and 0xa0.
 */
function trimmedValue(tvb: Tvb, from: number, to: number): string {
  const b = tvb.bytes;
  while (from < to && isSpaceByte(b[from]!)) from++;
  while (to > from && isSpaceByte(b[to - 1]!)) to--;
  return asciiRepeated(tvb, from, to - from);
}

function isSpaceByte(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
}

/** The media type of a Content-Type value, lower-cased, without its parameters. */
function mediaType(ctype: string): string {
  const semi = ctype.indexOf(';');
  return (semi < 0 ? ctype : ctype.slice(0, semi)).trim().toLowerCase();
}

/** Media types (as mediaType gives them) tshark shows as Line-based text data. */
function isTextMedia(t: string): boolean {
  return t.startsWith('text/') || t === 'application/x-javascript' || t === 'application/javascript' || t === 'application/x-ns-proxy-autoconfig';
}

/** http.file_data's value: the body as text up to its first NUL byte, as tshark's string holds it. */
function fileDataText(body: Uint8Array): string {
  const nul = body.indexOf(0);
  return asciiText(nul < 0 ? body : body.subarray(0, nul));
}

/** Bytes as ASCII, each byte past 0x7f as U+FFFD, as tshark shows http.file_data. */
function asciiText(b: Uint8Array): string {
  const chunks: string[] = [];
  const codes: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    codes.push(x > 0x7f ? 0xfffd : x);
    if (codes.length === 8192) chunks.push(String.fromCharCode(...codes.splice(0)));
  }
  chunks.push(String.fromCharCode(...codes));
  return chunks.join('');
}

/** user:password from a Basic authorization token, when it is valid base64 of text. */
function basicCredentials(token: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+=*$/.test(token)) return undefined;
  try {
    return new TextDecoder('latin1').decode(Uint8Array.from(atob(token), (ch) => ch.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/** Whether this response answers a HEAD request (no body then); memoised, as it reads the stream's request list. */
function answersHead(ctx: PacketContext, tcp: TcpPayload | undefined, tvb: Tvb, off: number): boolean {
  const key = 'http.head:' + (tcp?.key ?? '') + ':' + tvb.source + ':' + off;
  let head = ctx.getMemo<boolean>(key);
  if (head === undefined) {
    head = isHeadResponse(ctx, tcp);
    if (!ctx.visited) ctx.setMemo(key, head);
  }
  return head;
}

function isHeadResponse(ctx: PacketContext, tcp: TcpPayload | undefined): boolean {
  if (!tcp) return false;
  const st = streamState(ctx, tcp.stream);
  return st.headRequests?.has(st.responses) === true;
}

function fullRequestUri(uri: string, host: string | undefined, ctx: PacketContext, tcp: TcpPayload | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri;
  // Without a Host header tshark gives no full URI.
  if (host === undefined) return '';
  // Joined rather than concatenated: one flat string, not a chain holding on to the header lines it came from.
  return ['http://', host, uri].join('');
}

/** Show the chunks of a complete chunked body and return the joined data. */
function dechunk(tvb: Tvb, off: number, end: number, item: Tree, kind: 'request' | 'response'): Uint8Array {
  const b = tvb.bytes;
  const parts: Uint8Array[] = [];
  const shown = item.wantsAny(hfHttp);
  const ct = shown ? item.add(hfWs.text, tvb, off, end - off, null, `HTTP chunked ${kind}`) : item;
  let p = off;
  while (p < end) {
    const e = lineEnd(b, p, end);
    if (e < 0) break;
    const size = parseInt(ascii(tvb, p, e - p).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) break;
    const dataStart = e + 1;
    if (size === 0) {
      if (shown) {
        const last = ct.add(hfWs.text, tvb, p, dataStart - p, null, 'End of chunked encoding');
        last.add(hfHttp.chunkSize, tvb, p, dataStart - p, 0, 'Chunk size: 0 octets');
        if (dataStart < end) ct.add(hfWs.text, tvb, dataStart, end - dataStart, null, escapeString(ascii(tvb, dataStart, end - dataStart)));
      }
      break;
    }
    const dataEnd = Math.min(end, dataStart + size);
    parts.push(slice(tvb, dataStart, dataEnd - dataStart));
    let q = dataEnd;
    if (b[q] === 0x0d) q++;
    if (b[q] === 0x0a) q++;
    if (shown) {
      const c = ct.add(hfWs.text, tvb, p, q - p, null, `Data chunk (${size} octets)`);
      c.add(hfHttp.chunkSize, tvb, p, dataStart - p, size, `Chunk size: ${size} octets`);
      c.add(hfHttp.chunkData, tvb, dataStart, dataEnd - dataStart, slice(tvb, dataStart, dataEnd - dataStart));
      if (q > dataEnd) c.add(hfHttp.chunkBoundary, tvb, dataEnd, q - dataEnd, slice(tvb, dataEnd, q - dataEnd));
    }
    p = q;
  }
  let total = 0;
  for (const x of parts) total += x.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

/** End of a chunked body starting at `off`, or -1 with the bytes still missing when known. */
function chunkedExtent(b: Uint8Array, off: number, end: number): { end: number; more: number } {
  let p = off;
  for (;;) {
    const e = lineEnd(b, p, end);
    if (e < 0) return { end: -1, more: 0 };
    const line = new TextDecoder('latin1').decode(b.subarray(p, e)).replace(/\r$/, '');
    const size = parseInt(line.split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) return { end: end, more: 0 };
    p = e + 1;
    if (size === 0) {
      // Trailers up to an empty line.
      for (;;) {
        const te = lineEnd(b, p, end);
        if (te < 0) return { end: -1, more: 0 };
        const empty = te === p || (te === p + 1 && b[p] === 0x0d);
        p = te + 1;
        if (empty) return { end: p, more: 0 };
      }
    }
    if (p + size + 2 > end) return { end: -1, more: p + size + 2 - end };
    p += size;
    if (b[p] === 0x0d) p++;
    if (b[p] === 0x0a) p++;
  }
}

/** Heuristic for HTTP on any port: the data starts with a request or status line. */
const heuristicHttp: Dissector = (tvb, offset, end, ctx, tree, data) => {
  if (end - offset < 8) return 0;
  if (!peekFirstLine(tvb, offset, end)) return 0;
  return dissectHttp(tvb, offset, end, ctx, tree, data);
};

export function register(r: Registry): void {
  r.addProtocol(httpProto, hfHttp);
  for (const port of [80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710]) r.add('tcp.port', port, dissectHttp);
  r.addHeuristic('tcp', heuristicHttp);
  r.addNamed('http', dissectHttp);
}
