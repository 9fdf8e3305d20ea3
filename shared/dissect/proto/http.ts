/**
 * HTTP/1.x over TCP: request/status line, headers, bodies by Content-Length or
 * chunked coding (reassembled across segments), and the Upgrade handshake that
 * hands a stream to WebSocket. Found by port (80, 8080, ...) or by a heuristic on
 * any port, as tshark 4.0 does.
 */
import { addExpert, GROUPS, hfWs, Severity } from '../expert.js';
import { fields, type FieldDef } from '../field.js';
import { Noted } from '../noted.js';
import type { PacketContext } from '../packet.js';
import { protocol, type Dissector, type Registry } from '../registry.js';
import type { FieldTable, Tree } from '../tree.js';
import { ascii, asciiRepeated, BoundsError, ensure, slice, utf8String, type Tvb } from '../tvb.js';
import { formatRelativeTime } from '../../format/time-text.js';
import { bigNs } from '../ns.js';
import { escapeString } from '../../format/field-text.js';
import { DESEGMENT_ONE_MORE_SEGMENT, DESEGMENT_UNTIL_FIN, isTcpPayload, setStreamDissector, type TcpPayload } from './tcp-reassembly.js';
import { noteWebSocketHandshake } from './websocket.js';
import { dissectTextLines } from './websocket-text.js';
import { CONTENT_CAP, decodeContent } from './http-content.js';
import { HEADER, HeaderNames, HeaderScan, lineEnd, withoutCr } from './http-headers.js';
import { HttpStreams, NO_TEXT } from './http-streams.js';
import { addStrayExpert } from './stray-characters.js';

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
  responseIn: { abbrev: 'http.response_in', name: 'Response in frame', type: 'framenum' },
  prevRequestIn: { abbrev: 'http.prev_request_in', name: 'Prev request in frame', type: 'framenum' },
  prevResponseIn: { abbrev: 'http.prev_response_in', name: 'Prev response in frame', type: 'framenum' },
  nextRequestIn: { abbrev: 'http.next_request_in', name: 'Next request in frame', type: 'framenum' },
  nextResponseIn: { abbrev: 'http.next_response_in', name: 'Next response in frame', type: 'framenum' },
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

/** HEADER_FIELDS' names, found from a line's bytes (the index of a name is its field's in HEADER_LINE_FIELDS). */
const HEADER_LOOKUP = new HeaderNames(Object.keys(HEADER_FIELDS));

/** For each of HEADER_FIELDS, the fields of the items its line gives: a pruned tree naming none skips the line. */
const HEADER_LINE_FIELDS: FieldTable[] = Object.values(HEADER_FIELDS).map((def) => ({
  def,
  ...(def === hfHttp.cookie ? { cookiePair: hfHttp.cookiePair } : {}),
  ...(def === hfHttp.authorization ? { authbasic: hfHttp.authbasic } : {}),
  ...(def === hfHttp.contentLengthHeader ? { contentLength: hfHttp.contentLength } : {}),
}));

/** The items of a message's first line: a pruned tree naming none skips decoding the line. */
const FIRST_LINE_FIELDS: FieldTable = {
  chat: hfHttp.chat, method: hfHttp.method, uri: hfHttp.uri, uriPath: hfHttp.uriPath, uriQuery: hfHttp.uriQuery,
  uriQueryParameter: hfHttp.uriQueryParameter, requestVersion: hfHttp.requestVersion, responseVersion: hfHttp.responseVersion,
  code: hfHttp.code, codeDesc: hfHttp.codeDesc, phrase: hfHttp.phrase,
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
 * Per-stream HTTP state, built on the first pass (HttpStreams: columns, not an object per
 * stream). The requests are kept because a revisited response names its request: each
 * message's memo is then one small number, its place in the stream.
 */
function httpStreams(ctx: PacketContext, stream: number): HttpStreams {
  const streams = ctx.session.get('http.streams', newHttpStreams);
  streams.ensureStream(stream);
  return streams;
}

// Made by a function defined once (not a closure per call).
function newHttpStreams(): HttpStreams {
  return new HttpStreams();
}

interface MessageMemo {
  requestNumber?: number;
  responseNumber?: number;
  /** A response's request, by its index in the stream (read with requestFrame and shownUri). */
  request?: number;
  prevRequest?: number;
}

/**
 * A single pass never revisits a frame, so a request is read again only by the response that
 * answers it and, as the previous request, by the next one (the latest two are kept for a
 * message seen twice in one frame): the others are let go, so a long keep-alive stream holds
 * the few requests in flight rather than all it ever carried.
 */
function dropAnswered(ctx: PacketContext, streams: HttpStreams, s: number): void {
  if (ctx.keepsMemos) return;
  const keepFrom = Math.min(streams.responseCount(s) - 1, streams.requestCount(s) - 2);
  // In batches: letting requests go one at a time would move the rest each time.
  if (keepFrom - streams.dropped(s) < 64) return;
  streams.dropBefore(s, keepFrom);
}

function addRequest(ctx: PacketContext, streams: HttpStreams, s: number, frame: number, uri: number, host: number, method: string): void {
  // When the dissection keeps every frame's time (ctx.times) a request's time is its frame's.
  streams.addRequest(s, frame, uri, host, method === 'HEAD', !ctx.times, ctx.frame.tsSec, ctx.frame.tsNsec);
}

/** The URI a response names for request i of the stream: the full URI when there is one. */
function shownUri(streams: HttpStreams, s: number, i: number): string {
  const uri = streams.requestUri(s, i);
  return fullRequestUri(uri, streams.requestHost(s, i)) || uri;
}

/**
 * A message's memo as stored: its number in the stream times two, plus one for a response
 * whose request was known when it went by. The rest comes from the stream's request list.
 */
function encodeMessage(memo: MessageMemo): number {
  const n = memo.requestNumber ?? memo.responseNumber ?? 0;
  return n * 2 + (memo.request === undefined ? 0 : 1);
}

function decodeMessage(v: number, kind: 'request' | 'response', streams: HttpStreams | undefined, s: number): MessageMemo {
  const n = Math.floor(v / 2);
  const memo: MessageMemo = {};
  if (kind === 'request') {
    if (n > 0) memo.requestNumber = n;
    if (streams && n >= 2) memo.prevRequest = streams.requestFrame(s, n - 2);
  } else {
    if (n > 0) memo.responseNumber = n;
    if (streams && v % 2 === 1) memo.request = n - 1;
  }
  return memo;
}

/**
 * The text id a request's URI is kept under. URIs and hosts repeat (the same pages, again and
 * again): when the dissection keeps memos, repeated ones share an id. A single pass lets
 * answered requests go (dropAnswered): nothing piles up to share.
 */
function uriId(ctx: PacketContext, streams: HttpStreams, tvb: Tvb, off: number, uri: string): number {
  if (!ctx.keepsMemos) return streams.textId(uri, false);
  // A new URI sliced from the request line at tvb[off] is decoded afresh, not to hold on to the whole line.
  return streams.sharedTextId(uri) ?? streams.textId(ascii(tvb, off, uri.length), true);
}

/** The text id a request's Host value is kept under (see uriId). */
function hostId(ctx: PacketContext, streams: HttpStreams, host: string | undefined): number {
  return host === undefined ? NO_TEXT : streams.textId(host, ctx.keepsMemos);
}

type FirstLine =
  | Readonly<{ kind: 'request'; method: string; uri: string; version: string }>
  | Readonly<{ kind: 'response'; version: string; code: number; phrase: string }>;

/**
 * A status line `HTTP/d.d ddd[ phrase]`, or a request line `METHOD URI HTTP/d.d`; anything else
 * that starts with a known method and a space is taken as a request, as tshark does (HTTP/0.9
 * has no version). Scanned by hand: this runs on every message.
 */
function parseFirstLine(line: string): FirstLine | undefined {
  if (isVersionAt(line, 0)) {
    if (line.charCodeAt(8) !== 0x20 || !isDigit(line, 9) || !isDigit(line, 10) || !isDigit(line, 11)) return undefined;
    const code = (line.charCodeAt(9) - 0x30) * 100 + (line.charCodeAt(10) - 0x30) * 10 + (line.charCodeAt(11) - 0x30);
    if (line.length === 12) return { kind: 'response', version: versionAt(line, 0), code, phrase: '' };
    // The phrase runs to the end of the line and holds no line terminator.
    if (line.charCodeAt(12) !== 0x20 || hasLineTerminator(line, 13)) return undefined;
    return { kind: 'response', version: versionAt(line, 0), code, phrase: line.slice(13) };
  }
  let i = 0;
  while (i < line.length && (isUpper(line.charCodeAt(i)) || (i > 0 && line.charCodeAt(i) === 0x2d))) i++;
  if (i === 0 || line.charCodeAt(i) !== 0x20) return undefined;
  const method = methodOf(line, i);
  if (method === undefined) return undefined;
  const u = i + 1;
  let j = u;
  // Only a space ends the URI (a TAB is part of it), as in tshark.
  while (j < line.length && line.charCodeAt(j) !== 0x20) j++;
  const uri = line.slice(u, j);
  const whole = j > u && j + 9 === line.length && line.charCodeAt(j) === 0x20 && isVersionAt(line, j + 1);
  return { kind: 'request', method, uri, version: whole ? versionAt(line, j + 1) : '' };
}

/** Known methods by their length. */
const METHODS_BY_LENGTH: (string[] | undefined)[] = [];
for (const m of METHODS) (METHODS_BY_LENGTH[m.length] ??= []).push(m);

/** The known method the line's first `length` characters spell, as one shared string (none made per message). */
function methodOf(line: string, length: number): string | undefined {
  for (const m of METHODS_BY_LENGTH[length] ?? []) if (line.startsWith(m)) return m;
  return undefined;
}

/** Version texts by their two digits, made once each. */
const VERSIONS: string[] = [];

/** The `HTTP/d.d` at `at` (isVersionAt holds). */
function versionAt(line: string, at: number): string {
  const key = (line.charCodeAt(at + 5) - 0x30) * 10 + line.charCodeAt(at + 7) - 0x30;
  return (VERSIONS[key] ??= line.slice(at, at + 8));
}

/** `HTTP/d.d` at `at`. */
function isVersionAt(s: string, at: number): boolean {
  // The first letter alone turns away a request line without the call startsWith costs.
  return s.charCodeAt(at) === 0x48 && s.startsWith('HTTP/', at) && isDigit(s, at + 5) && s.charCodeAt(at + 6) === 0x2e && isDigit(s, at + 7);
}

function isDigit(s: string, at: number): boolean {
  const c = s.charCodeAt(at);
  return c >= 0x30 && c <= 0x39;
}

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
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

/**
 * The line peekFirstLine read last, where it starts and its LF (-1 when not within its reach):
 * dissectMessage, which peeks first, needs the same line right after.
 */
let peekedBytes: Uint8Array | undefined;
let peekedOff = 0;
let peekedLe = -1;
let peekedLine = '';

/** Where the first line at `off` ends (its LF), or -1. */
function firstLineEnd(b: Uint8Array, off: number, end: number): number {
  if (peekedBytes === b && peekedOff === off && peekedLe >= 0 && peekedLe < end) return peekedLe;
  return lineEnd(b, off, end);
}

/** The first line's text (CR stripped) ending at `le`, decoded once. */
function firstLineAt(tvb: Tvb, off: number, le: number): string {
  const known = peekedBytes === tvb.bytes && peekedOff === off && peekedLe === le;
  peekedBytes = undefined;
  if (known) return peekedLine;
  return ascii(tvb, off, withoutCr(tvb.bytes, off, le) - off);
}

/** The status line parsed last, and what it gave: status lines repeat, and asciiRepeated gives the same string for the same bytes. */
let lastStatusLine = '';
let lastStatus: FirstLine | undefined;

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
  peekedBytes = b;
  peekedOff = off;
  peekedLe = le;
  peekedLine = line;
  if (le < 0) {
    // Only a prefix is here: accept a plausible start so the rest can be reassembled.
    if (/^HTTP\/\d\.\d \d{3}/.test(line)) return { kind: 'response', version: line.slice(0, 8), code: Number(line.slice(9, 12)), phrase: '' };
    const m = /^([A-Z][A-Z-]*) \S/.exec(line);
    if (m && METHODS.has(m[1]!)) return { kind: 'request', method: m[1]!, uri: '', version: '' };
    return undefined;
  }
  if (b[w] !== 0x2f) return parseFirstLine(line);
  // Read-only, so shared by the messages that repeat the last status line.
  if (line !== lastStatusLine) {
    lastStatus = parseFirstLine(line);
    lastStatusLine = line;
  }
  return lastStatus;
}

export const dissectHttp: Dissector = (tvb, offset, end, ctx, tree, data) => {
  const tcp = isTcpPayload(data) ? data : undefined;
  if (tcp) {
    const streams = httpStreams(ctx, tcp.stream);
    // On a revisit, the value the first pass saw comes from the stream's history (no memo per frame).
    const wsFrom = ctx.getMemo<number>('http.ws') ?? (ctx.visited ? streams.websocketFromAt(tcp.stream, ctx.num) : streams.websocketFrom(tcp.stream));
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

/** The header block of the message dissectMessage is on (read before it calls another dissector). */
const headerScan = new HeaderScan();

/** One message at `off`; returns bytes used, 0 when it asked TCP for more. */
function dissectMessage(tvb: Tvb, off: number, end: number, ctx: PacketContext, tree: Tree, tcp: TcpPayload | undefined, first: boolean): number {
  const b = tvb.bytes;
  const canAsk = tcp?.canDesegment ?? false;
  // Looked up once (dissectHttp made it for a TCP stream).
  const streams = tcp ? httpStreams(ctx, tcp.stream) : undefined;
  const fl = peekFirstLine(tvb, off, end);
  if (!fl) {
    // Not the start of a message. At the start of a segment of a stream HTTP owns tshark 4.0 takes the
    // bytes and shows nothing; after a message in the same segment they are a "Continuation".
    const seen = tcp ? (ctx.getMemo<boolean>('http.seen:' + off) ?? (!ctx.visited && streams!.sawMessage(tcp.stream))) : false;
    if (tcp && !ctx.visited && seen) ctx.setMemo('http.seen:' + off, true);
    if (!first || seen) {
      if (first) {
        ctx.cols.protocol = httpProto.short;
        ctx.protocols.push('http');
        ctx.cols.setInfo('Continuation');
      } else ctx.cols.appendInfo('Continuation');
      const item = tree.add(httpProto.def, tvb, off, end - off, null, tree.labels ? httpProto.label : undefined);
      ctx.note(Noted.Http);
      if (first && item.wants(hfHttp.fileData)) {
        item.add(hfHttp.fileData, tvb, off, end - off, fileDataText(tvb, off, end - off), item.labels ? `File Data: ${end - off} bytes` : undefined);
      } else if (first && item.enabled) {
        // Bytes the capture cut short end the layer on the full tree: so they must on a pruned one.
        ensure(tvb, off, end - off);
      }
      const data = ctx.registry.byName('data');
      if (data) ctx.call(data, tvb, off, end, item.enabled ? item : tree);
      // Bytes the capture cut off a body end the layer after what was kept, as in tshark (see setPlainBody).
      if (tcp?.wireEnd !== undefined && continuesPlainBody(ctx, streams!, tcp, off)) throwIfCut(end, tcp.wireEnd);
    }
    return end - off;
  }
  const le = firstLineEnd(b, off, end);
  const firstLineText = le >= 0 ? firstLineAt(tvb, off, le) : '';
  const info = escapeString(shownText(tvb, off, firstLineText)) + ' ';
  if (le >= 0) {
    if (first) ctx.cols.setInfo(info);
    else ctx.cols.appendInfo(info);
  }
  // Every header line is read only for a tree that shows them; otherwise just the looked-up values are found.
  const all = tree.wantsAny(HEADER_ITEM_FIELDS);
  headerScan.scan(b, le < 0 ? end : le + 1, end, all);
  const hdrEnd = headerScan.end;
  if (hdrEnd < 0) {
    if (canAsk) {
      tcp!.desegment(off, DESEGMENT_ONE_MORE_SEGMENT);
      return 0;
    }
  }
  const headersEnd = hdrEnd < 0 ? end : hdrEnd;
  // The capture cut a header line before its colon: tshark ends the layer at that line, the message counted
  // (with a request's URI) but not where it is (no frame, no host) and not answered (no 101 switch).
  const cutInName = hdrEnd < 0 && headerScan.cutInName >= 0 && tcp?.wireEnd !== undefined && end < tcp.wireEnd;
  const blankStart = hdrEnd < 0 ? end : hdrEnd - (b[hdrEnd - 2] === 0x0d ? 2 : 1);

  // How long is the body?
  const te = headerScan.text(tvb, HEADER.transferEncoding)?.toLowerCase();
  const cl = headerScan.decimal(tvb, HEADER.contentLength);
  let bodyLen = 0;
  let chunked = false;
  let untilEnd = false;
  if (te && te.includes('chunked')) {
    chunked = true;
  } else if (cl !== undefined) {
    bodyLen = cl;
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
        if (fl.kind === 'request' && tcp && !ctx.visited && headerScan.text(tvb, HEADER.expect)?.toLowerCase() === '100-continue' && !ctx.getMemo('http.pending:' + off)) {
          addRequest(ctx, streams!, tcp.stream, 0, NO_TEXT, NO_TEXT, fl.method);
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
  if (tcp && !ctx.visited) {
    streams!.markSawMessage(tcp.stream);
    // Seen in tshark 4.0 (corpus files cut by editcap -s): bytes after a chunked body, or one with a
    // Content-Encoding, are not cut short; after others, even after a header block the capture cut, they are.
    streams!.setPlainBody(tcp.stream, tcp.direction, !chunked && !headerScan.has(HEADER.contentEncoding));
  }

  // Cross-message bookkeeping, memoised per message for revisits. A single pass has none, and
  // no frame hands HTTP the same message twice: it neither makes the key nor keeps the memo.
  const memoKey = ctx.keepsMemos ? 'http:' + (tcp?.key ?? '') + ':' + tvb.source + ':' + off : undefined;
  const stored = memoKey === undefined ? undefined : ctx.getMemo<number>(memoKey);
  let memo = stored === undefined ? undefined : decodeMessage(stored, fl.kind, streams, tcp?.stream ?? 0);
  if (!memo) {
    memo = {};
    if (tcp && streams && !ctx.visited) {
      const s = tcp.stream;
      if (fl.kind === 'request') {
        const prev = streams.requestCount(s);
        const uri = uriId(ctx, streams, tvb, off + fl.method.length + 1, fl.uri);
        // A block cut in a name: counted with its URI, but neither where it is nor its host (see cutInName).
        addRequest(ctx, streams, s, cutInName ? 0 : ctx.num, uri, cutInName ? NO_TEXT : hostId(ctx, streams, headerScan.text(tvb, HEADER.host)), fl.method);
        memo.requestNumber = prev + 1;
        if (prev > 0) memo.prevRequest = streams.requestFrame(s, prev - 1);
      } else if (cutInName) {
        memo.responseNumber = streams.addResponse(s);
      } else {
        const n = streams.addResponse(s);
        memo.responseNumber = n;
        const i = n - 1;
        if (i < streams.requestCount(s)) {
          // Kept for a request counted before it went by too (Expect: 100-continue): the next response names it.
          streams.setResponseFrame(s, i, ctx.num);
          if (streams.requestFrame(s, i) !== 0) memo.request = i;
        }
        dropAnswered(ctx, streams, s);
        if (fl.code === 101 && headerScan.text(tvb, HEADER.upgrade)?.toLowerCase().includes('websocket')) {
          streams.setWebsocketAfter(s, ctx.num);
          noteWebSocketHandshake(ctx, tcp.stream, {
            extensions: headerScan.text(tvb, HEADER.wsExtensions) ?? '',
            protocol: headerScan.text(tvb, HEADER.wsProtocol) ?? '',
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
  // The hidden http.request or http.response item below, known to filters without a tree (after the
  // headers: a block cut in a name has none).
  ctx.note(Noted.Http | (cutInName ? 0 : fl.kind === 'request' ? Noted.HttpRequest : Noted.HttpResponse));
  // The tree has a method item for a request whose whole first line is here.
  if (fl.kind === 'request' && le >= 0) ctx.noteHttpMethod(fl.method);
  else if (fl.kind === 'response' && le >= 0) ctx.noteHttpCode(fl.code);
  if (item.wantsAny(hfHttp)) {
    const labels = item.labels;
    if (le >= 0 && item.wantsAny(FIRST_LINE_FIELDS)) {
      const lineLen = le + 1 - off;
      const raw = shownText(tvb, off, ascii(tvb, off, lineLen));
      const fli = item.add(hfWs.text, tvb, off, lineLen, null, labels ? escapeString(raw) : undefined);
      // The expert message is the line itself, CR LF included (tshark escapes it when printing),
      // cut to the 239 characters tshark's expert text holds.
      addExpert(fli, tvb, off, lineLen, Severity.Chat, GROUPS.Sequence, raw.slice(0, 239), hfHttp.chat);
      if (fl.kind === 'request') {
        fli.add(hfHttp.method, tvb, off, fl.method.length, fl.method, labels ? `Request Method: ${labelValue(fl.method)}` : undefined);
        const uOff = off + fl.method.length + 1;
        const uri = fli.add(hfHttp.uri, tvb, uOff, fl.uri.length, fl.uri, labels ? `Request URI: ${labelValue(fl.uri)}` : undefined);
        const q = fl.uri.indexOf('?');
        if (q >= 0) {
          uri.add(hfHttp.uriPath, tvb, uOff, q, fl.uri.slice(0, q), labels ? `Request URI Path: ${labelValue(fl.uri.slice(0, q))}` : undefined);
          const query = fl.uri.slice(q + 1);
          const qi = uri.add(hfHttp.uriQuery, tvb, uOff + q + 1, query.length, query, labels ? `Request URI Query: ${labelValue(query)}` : undefined);
          let pOff = uOff + q + 1;
          for (const param of query.split('&')) {
            qi.add(hfHttp.uriQueryParameter, tvb, pOff, param.length, param, labels ? `Request URI Query Parameter: ${labelValue(param)}` : undefined);
            pOff += param.length + 1;
          }
        }
        if (fl.version) fli.add(hfHttp.requestVersion, tvb, uOff + fl.uri.length + 1, fl.version.length, fl.version, labels ? `Request Version: ${labelValue(fl.version)}` : undefined);
      } else {
        fli.add(hfHttp.responseVersion, tvb, off, fl.version.length, fl.version, labels ? `Response Version: ${fl.version}` : undefined);
        fli.add(hfHttp.code, tvb, off + 9, 3, fl.code, labels ? `Status Code: ${fl.code}` : undefined);
        const desc = STATUS_TEXT[fl.code] ?? 'Unknown';
        fli.addGenerated(hfHttp.codeDesc, tvb, off + 9, 3, desc, labels ? `Status Code Description: ${desc}` : undefined);
        fli.add(hfHttp.phrase, tvb, off + 13, fl.phrase.length, fl.phrase, labels ? `Response Phrase: ${labelValue(fl.phrase)}` : undefined);
      }
    }
    const lineDef = fl.kind === 'request' ? hfHttp.requestLine : hfHttp.responseLine;
    const lines = labels || item.wants(lineDef);
    // "Trailing stray characters" items hang under the lines: a tree naming them needs the lines' text.
    const experts = item.wantsAny(hfWs);
    // Otherwise a line is read only when its header gives an item the tree names.
    const everyLine = labels || lines || experts;
    const hl = headerScan.lines;
    for (let k = 0; k < hl.length; k += 2) {
      const start = hl[k]!;
      if (cutInName && start === headerScan.cutInName) break;
      const len = hl[k + 1]! + 1 - start;
      if (!everyLine) {
        const h = HEADER_LOOKUP.indexOf(b, start, withoutCr(b, start, b[hl[k + 1]!] === 0x0a ? hl[k + 1]! : hl[k + 1]! + 1));
        if (h < 0 || !item.wantsAny(HEADER_LINE_FIELDS[h]!)) continue;
      }
      // A last line the data cuts short has no LF: its value runs to the cut, as tshark's.
      const raw = stripCr(ascii(tvb, start, b[hl[k + 1]!] === 0x0a ? len - 1 : len));
      const colon = raw.indexOf(':');
      const key = (colon < 0 ? raw : raw.slice(0, colon)).toLowerCase();
      // tshark skips the blanks after the colon and keeps the rest (a line the capture cut ends where it was cut).
      const value = colon < 0 ? '' : raw.slice(colon + 1).replace(/^[ \t]+/, '');
      // The line's text is the label and the value of the request or response line item.
      const lineText = lines || experts ? ascii(tvb, start, len) : '';
      // The label decodes the line's bytes as UTF-8; the value keeps ascii()'s U+FFFD for each byte past 0x7f.
      const shown = labels ? escapeString(shownText(tvb, start, lineText)) : undefined;
      const def = HEADER_FIELDS[key];
      if (def) {
        const hi = item.add(def, tvb, start, len, value, shown);
        addStrayExpert(item.addHidden(lineDef, tvb, start, len, lineText), tvb, start, len, lineText);
        if (def === hfHttp.cookie) {
          for (const pair of value.split(';')) {
            const v = pair.trim();
            if (v) addStrayExpert(hi.add(hfHttp.cookiePair, tvb, start, len, v, labels ? `Cookie pair: ${labelValue(v)}` : undefined), tvb, start, len, v);
          }
        }
        if (def === hfHttp.authorization && /^basic /i.test(value)) {
          const creds = basicCredentials(value.slice(6).trim());
          if (creds !== undefined) hi.add(hfHttp.authbasic, tvb, start, len, creds, labels ? `Credentials: ${creds}` : undefined);
        }
        if (def === hfHttp.contentLengthHeader && /^\d+$/.test(value)) {
          hi.addGenerated(hfHttp.contentLength, tvb, start, len, BigInt(value), labels ? `Content length: ${value}` : undefined);
        }
      } else {
        const li = item.add(lineDef, tvb, start, len, lineText, shown);
        // tshark ends the headers at a line that is not one, so never warns under it.
        if (isHeaderName(raw, colon)) addStrayExpert(li, tvb, start, len, lineText);
      }
    }
    if (cutInName) throwIfCut(end, tcp!.wireEnd!);
    // A revisit (tshark's second pass, -2) knows the stream's whole list: its counts, answers, next messages.
    const later = ctx.visited && tcp && streams ? streams : undefined;
    if (hdrEnd >= 0) item.add(hfWs.text, tvb, blankStart, hdrEnd - blankStart, null, labels ? escapeString(ascii(tvb, blankStart, hdrEnd - blankStart)) : undefined);
    if (fl.kind === 'request') {
      if (item.wants(hfHttp.fullUri)) {
        // tshark's full URI has the host's bytes decoded as UTF-8, the URI's as ascii().
        const host = headerScan.text(tvb, HEADER.host);
        const fullUri = fullRequestUri(fl.uri, host?.includes('\ufffd') ? headerScan.utf8Text(tvb, HEADER.host) : host);
        if (fullUri) item.addGenerated(hfHttp.fullUri, tvb, off, 0, fullUri, labels ? `Full request URI: ${labelValue(fullUri)}` : undefined);
      }
      item.addHidden(hfHttp.request, tvb, off, 0, true);
      const n = memo.requestNumber ?? 1;
      const stream = tcp?.stream ?? 0;
      const total = later ? Math.max(n, later.requestCount(stream)) : n;
      item.addGenerated(hfHttp.requestNumber, tvb, off, 0, n, labels ? `HTTP request ${n}/${total}` : undefined);
      // A request counted before it went by (Expect: 100-continue) has no frame to name.
      if (memo.prevRequest) item.addGenerated(hfHttp.prevRequestIn, tvb, off, 0, memo.prevRequest, labels ? `Prev request in frame: ${memo.prevRequest}` : undefined);
      const answer = later ? later.responseFrame(stream, n - 1) : 0;
      if (answer !== 0) item.addGenerated(hfHttp.responseIn, tvb, off, 0, answer, labels ? `Response in frame: ${answer}` : undefined);
      const next = later ? later.requestFrame(stream, n) : 0;
      if (next !== 0) item.addGenerated(hfHttp.nextRequestIn, tvb, off, 0, next, labels ? `Next request in frame: ${next}` : undefined);
    } else {
      item.addHidden(hfHttp.response, tvb, off, 0, true);
      const n = memo.responseNumber ?? 1;
      const total = later ? Math.max(n, later.responseCount(tcp!.stream)) : n;
      item.addGenerated(hfHttp.responseNumber, tvb, off, 0, n, labels ? `HTTP response ${n}/${total}` : undefined);
      if (tcp && streams && memo.responseNumber !== undefined) {
        // The response's place in the stream; its request when one went by before it (memo.request, the same place).
        const i = n - 1;
        const answered = memo.request !== undefined;
        const frame = answered ? streams.requestFrame(tcp.stream, i) : 0;
        if (answered && item.wants(hfHttp.time)) {
          const since = streams.requestTimeTo(tcp.stream, i, ctx.frame.tsSec, ctx.frame.tsNsec);
          const dt = since === undefined ? ctx.times!.between(ctx.num, frame) : bigNs(since);
          item.addGenerated(hfHttp.time, tvb, off, 0, dt, labels ? `Time since request: ${formatRelativeTime(dt)} seconds` : undefined);
        }
        // The exchange before this one (a single pass keeps it until the next answer: see dropAnswered).
        const prevRequest = i > 0 ? streams.requestFrame(tcp.stream, i - 1) : 0;
        if (prevRequest !== 0) item.addGenerated(hfHttp.prevRequestIn, tvb, off, 0, prevRequest, labels ? `Prev request in frame: ${prevRequest}` : undefined);
        const prevResponse = i > 0 ? streams.responseFrame(tcp.stream, i - 1) : 0;
        if (prevResponse !== 0) item.addGenerated(hfHttp.prevResponseIn, tvb, off, 0, prevResponse, labels ? `Prev response in frame: ${prevResponse}` : undefined);
        if (answered) item.addGenerated(hfHttp.requestIn, tvb, off, 0, frame, labels ? `Request in frame: ${frame}` : undefined);
        // And the one after, once it went by (a revisit).
        const nextRequest = later ? later.requestFrame(tcp.stream, i + 1) : 0;
        if (nextRequest !== 0) item.addGenerated(hfHttp.nextRequestIn, tvb, off, 0, nextRequest, labels ? `Next request in frame: ${nextRequest}` : undefined);
        const nextResponse = later ? later.responseFrame(tcp.stream, i + 1) : 0;
        if (nextResponse !== 0) item.addGenerated(hfHttp.nextResponseIn, tvb, off, 0, nextResponse, labels ? `Next response in frame: ${nextResponse}` : undefined);
        // A request counted before its frame was known (its header block cut in a name) still names its URI.
        const uri = item.wants(hfHttp.responseForUri) && streams.hasRequest(tcp.stream, i) ? shownUri(streams, tcp.stream, i) : undefined;
        if (uri) item.addGenerated(hfHttp.responseForUri, tvb, off, 0, uri, labels ? `Request URI: ${labelValue(uri)}` : undefined);
      }
    }
  }
  // A header block the capture cut (no blank line before its end) ends the layer once the message's items are in, as tshark's.
  if (hdrEnd < 0 && tcp?.wireEnd !== undefined && end < tcp.wireEnd) {
    // The rest of a 101's segment is WebSocket's: tshark hands it on, and the cut ends that layer.
    if (!cutInName && fl.kind === 'response' && fl.code === 101 && (ctx.getMemo<number>('http.ws') ?? streams!.websocketFrom(tcp.stream)) !== undefined) {
      ctx.protocols.push('websocket');
    }
    throwIfCut(end, tcp.wireEnd);
  }
  // tshark's chunk walk fails at the capture's end before it shows any of the body.
  if (tcp?.wireEnd !== undefined && chunked) throwIfCut(end, tcp.wireEnd);
  // The entity body: as sent, or joined from its chunks.
  let btvb = tvb;
  let bOff = headersEnd;
  let bEnd = bodyEnd;
  if (chunked && bodyEnd > headersEnd) {
    const body = dechunk(tvb, headersEnd, bodyEnd, item, fl.kind);
    btvb = ctx.addSource('De-chunked entity body', body);
    bOff = 0;
    bEnd = body.length;
  }
  const coding = headerScan.text(tvb, HEADER.contentEncoding);
  if (coding && bEnd > bOff) {
    const r = decodeContent(coding, slice(btvb, bOff, bEnd - bOff));
    const name = coding.trim().toLowerCase();
    if (r.ok && name !== 'identity') {
      if (item.wants(hfWs.text)) {
        item.add(hfWs.text, btvb, bOff, bEnd - bOff, null, item.labels ? `Content-encoded entity body (${name}): ${bEnd - bOff} bytes -> ${r.bytes.length} bytes` : undefined);
      }
      btvb = ctx.addSource('Uncompressed entity body', r.bytes);
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
      item.add(hfHttp.fileData, btvb, bOff, len, fileDataText(btvb, bOff, len), item.labels ? `File Data: ${len} byte${len === 1 ? '' : 's'}` : undefined);
    } else if (item.enabled) {
      ensure(btvb, bOff, len);
    }
    const ctype = headerScan.text(tvb, HEADER.contentType);
    const media = ctype === undefined ? undefined : mediaOf(ctype);
    if (media && media.type) ctx.cols.appendInfo(media.info);
    if (media && media.text) {
      ctx.call(textLines, btvb, bOff, bEnd, tree, media.type);
    } else {
      // A body no media dissector takes hangs under the HTTP item, as in tshark.
      const data = ctx.registry.byName('data');
      if (data) ctx.call(data, btvb, bOff, bEnd, item.enabled ? item : tree);
    }
  }
  // A body the wire had more of than the capture kept ends the layer, what was kept shown (as tshark's).
  if (tcp?.wireEnd !== undefined && !chunked) throwIfCut(end, untilEnd ? tcp.wireEnd : Math.min(headersEnd + bodyLen, tcp.wireEnd));
  // After a 101 the rest of this segment belongs to the new protocol.
  if (fl.kind === 'response' && fl.code === 101 && tcp && bodyEnd < end && (ctx.getMemo<number>('http.ws') ?? streams!.websocketFrom(tcp.stream)) !== undefined) {
    callWebSocket(tvb, bodyEnd, end, ctx, tree, tcp, false);
    return end - off;
  }
  return bodyEnd - off;
}

/** HTTP's separators, which tshark does not take in a header's name. */
const SEPARATORS = '()<>@,;\\"/[]?={} ';

/** Whether `line` starts with a header name (printable, no separator) ending at `colon`, as tshark reads one. */
function isHeaderName(line: string, colon: number): boolean {
  if (colon < 0) return false;
  for (let i = 0; i < colon; i++) {
    const c = line.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || SEPARATORS.includes(line[i]!)) return false;
  }
  return true;
}

/** Whether bytes that start no message continue a plain body (see HttpStreams.setPlainBody); memoised for revisits. */
function continuesPlainBody(ctx: PacketContext, streams: HttpStreams, tcp: TcpPayload, off: number): boolean {
  const key = 'http.plainBody:' + off;
  const known = ctx.getMemo<boolean>(key);
  if (known !== undefined || ctx.visited) return known ?? false;
  const has = streams.plainBody(tcp.stream, tcp.direction);
  if (has) ctx.setMemo(key, true);
  return has;
}

/** The text lines dissector, called as tshark calls it: an error HTTP throws once it returned names HTTP. */
const textLines: Dissector = (tvb, off, end, ctx, tree, mediaType) => dissectTextLines(tvb, off, end, ctx, tree, mediaType as string);

/** A message the capture kept to `end` of what reached `wireEnd` on the wire: the snapshot length's error. */
function throwIfCut(end: number, wireEnd: number): void {
  if (wireEnd > end) throw new BoundsError(end, wireEnd - end, end, true);
}

/** What a Content-Type value gives: its media type, the Info text that names it, and whether the body is shown as text lines. */
interface Media {
  readonly type: string;
  readonly info: string;
  readonly text: boolean;
}

/** The Content-Type value read last and what it gave: most bodies of a capture share a few types. */
let lastContentType = '';
let lastMedia: Media | undefined;

function mediaOf(ctype: string): Media {
  if (lastMedia === undefined || ctype !== lastContentType) {
    const type = mediaType(ctype);
    lastMedia = { type, info: ` (${type})`, text: isTextMedia(type) };
    lastContentType = ctype;
  }
  return lastMedia;
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
function fileDataText(tvb: Tvb, off: number, len: number): string {
  const nul = slice(tvb, off, len).indexOf(0);
  return ascii(tvb, off, nul < 0 ? len : nul);
}

/** A string value as its item's label shows it: cut at its first NUL (as the tree holds the value), control characters escaped. */
function labelValue(v: string): string {
  const nul = v.indexOf('\0');
  return escapeString(nul < 0 ? v : v.slice(0, nul));
}

/**
 * How tshark shows bytes `text` holds as ascii() read them, in a label or Info it builds from the
 * packet's bytes: decoded as UTF-8 (so é stays é, a byte no UTF-8 sequence holds becomes U+FFFD).
 * Only a text with a byte past 0x7f (a U+FFFD) reads differently, so only that one is decoded again.
 */
function shownText(tvb: Tvb, off: number, text: string): string {
  return text.includes('\ufffd') ? utf8String(slice(tvb, off, text.length)) : text;
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
  const streams = httpStreams(ctx, tcp.stream);
  return streams.isHeadRequest(tcp.stream, streams.responseCount(tcp.stream));
}

/** http.request.full_uri: made only to be shown (a request keeps its URI and Host apart). */
function fullRequestUri(uri: string, host: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri;
  // Without a Host header tshark gives no full URI.
  if (host === undefined) return '';
  return 'http://' + host + uri;
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
