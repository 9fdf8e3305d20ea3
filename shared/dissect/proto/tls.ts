/**
 * TLS and SSLv3 records over TCP (no decryption): record layer, handshake
 * messages in the clear (ClientHello/ServerHello with their extensions,
 * Certificate, NewSessionTicket), alerts, ChangeCipherSpec and encrypted data,
 * with Wireshark 4.0's fields, labels and Info/Protocol columns. Records cut
 * across segments are handed back to TCP for reassembly. The version a
 * connection negotiated (ServerHello, supported_versions for TLS 1.3) is kept
 * per TCP stream and memoised per frame so a revisit shows the same thing.
 */
import type { PacketContext } from '../packet.js';
import { protocol, type Registry } from '../registry.js';
import type { Tree } from '../tree.js';
import { hfWs } from '../expert.js';
import { slice, u16, u24, u8, type Tvb } from '../tvb.js';
import { hex } from '../../format/field-text.js';
import { hfTls } from './tls-fields.js';
import { dissectHandshakeBody, type HelloFacts } from './tls-handshake.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS, HANDSHAKE_TYPES, VERSIONS } from './tls-tables.js';
import { isTcpPayload, setStreamDissector, type TcpPayload } from './tcp-reassembly.js';
import { dissectSslv2Record, hfSslv2, looksLikeSslv2Hello, sslv2RecordLength } from './tls-sslv2.js';

export const tlsProto = protocol('tls', 'TLS', 'Transport Layer Security');

const CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPDATA = 23, CT_HEARTBEAT = 24;
const HS_SERVER_HELLO = 2;
const MAX_RECORD = 0x4000 + 2048;

/** What one TCP connection has shown so far. */
interface Connection {
  /** Negotiated version (0 until a ServerHello is seen). */
  version: number;
  /** ChangeCipherSpec seen, per direction: later handshake records and alerts are encrypted. */
  ccs: [boolean, boolean];
  alpn: string | undefined;
  /** Cipher suite the ServerHello chose (0 until then). */
  cipher: number;
  /** SSL 2.0 connection: records have the v2 header; set once the master key went by, all is encrypted. */
  sslv2?: { encrypted: boolean };
}

/** Protocol-column names of versions. */
export function versionShortName(v: number): string {
  switch (v) {
    case 0x0002: return 'SSLv2';
    case 0x0300: return 'SSLv3';
    case 0x0301: return 'TLSv1';
    case 0x0302: return 'TLSv1.1';
    case 0x0303: return 'TLSv1.2';
    default:
      return isTls13(v) ? 'TLSv1.3' : 'TLS';
  }
}

export function isTls13(v: number): boolean {
  return v === 0x0304 || (v >= 0x7f0e && v <= 0x7f1c) || v === 0xfb17 || v === 0xfb1a;
}

const APP_PROTOCOL_BY_PORT: Readonly<Record<number, string>> = {
  443: 'Hypertext Transfer Protocol', 853: 'Domain Name System', 993: 'Internet Message Access Protocol',
  995: 'Post Office Protocol', 465: 'Simple Mail Transfer Protocol', 5061: 'Session Initiation Protocol',
  8883: 'MQ Telemetry Transport Protocol', 636: 'Lightweight Directory Access Protocol',
};
const APP_PROTOCOL_BY_ALPN: Readonly<Record<string, string>> = {
  'http/1.1': 'Hypertext Transfer Protocol', 'http/1.0': 'Hypertext Transfer Protocol', h2: 'HyperText Transfer Protocol 2',
};

function connectionFor(ctx: PacketContext, payload: TcpPayload | undefined): { conn: Connection; dir: 0 | 1 } {
  const table = ctx.session.get('tls.connections', () => new Map<string, Connection>());
  let key: string;
  let dir: 0 | 1;
  if (payload) {
    key = String(payload.stream);
    dir = payload.direction;
  } else {
    const a = `${ctx.netSrc}:${ctx.srcPort}`, b = `${ctx.netDst}:${ctx.dstPort}`;
    key = a < b ? `${a}-${b}` : `${b}-${a}`;
    dir = a < b ? 0 : 1;
  }
  let conn = table.get(key);
  if (!conn) table.set(key, (conn = { version: 0, ccs: [false, false], alpn: undefined, cipher: 0 }));
  return { conn, dir };
}

const infoCleared = new WeakSet<PacketContext>();

export function dissectTls(tvb: Tvb, offset: number, end: number, ctx: PacketContext, parent: Tree, data?: unknown): number {
  const payload = isTcpPayload(data) ? data : undefined;
  const shared = connectionFor(ctx, payload);
  const dir = shared.dir;
  // First pass: work on the connection and remember where it stood; a revisit starts from that memo.
  const memoKey = `tls:${payload?.key ?? offset}`;
  let conn: Connection;
  if (ctx.visited) {
    const saved = ctx.getMemo<Connection>(memoKey);
    conn = saved ? { ...saved, ccs: [saved.ccs[0], saved.ccs[1]], ...(saved.sslv2 ? { sslv2: { ...saved.sslv2 } } : {}) } : { version: 0, ccs: [false, false], alpn: undefined, cipher: 0 };
  } else {
    ctx.setMemo(memoKey, { ...shared.conn, ccs: [shared.conn.ccs[0], shared.conn.ccs[1]], ...(shared.conn.sslv2 ? { sslv2: { ...shared.conn.sslv2 } } : {}) });
    conn = shared.conn;
  }

  let tree: Tree | undefined;
  const enter = (): Tree => {
    if (!tree) {
      // The first TLS layer of a frame replaces what TCP wrote; a later one (after reassembly) appends.
      if (!infoCleared.has(ctx)) { ctx.cols.clearInfo(); infoCleared.add(ctx); }
      tree = ctx.enter(tlsProto, parent, tvb, offset, end - offset);
    }
    return tree;
  };
  const appendInfo = (text: string): void => {
    // Wireshark's col_append_sep_str adds the separator whenever the column is non-empty.
    ctx.cols.appendInfo(ctx.cols.info.length > 0 ? ', ' + text : text);
  };

  // Like Wireshark, the layer (and a cleared Info) is there even when the first record needs more segments.
  enter();
  let cur = offset;
  while (cur < end) {
    const avail = end - cur;
    if (avail < 5) {
      if (payload?.canDesegment) { payload.desegment(cur, 5 - avail); break; }
      continuation(enter(), tvb, cur, end, ctx, conn, appendInfo);
      break;
    }
    if (conn.sslv2 || (conn.version === 0 && looksLikeSslv2Hello(tvb, cur, end))) {
      // Encrypted v2 data is shown whole: its header may carry padding and it cannot be read anyway.
      const need = conn.sslv2?.encrypted ? avail : sslv2RecordLength(tvb, cur);
      if (need > avail && payload?.canDesegment) { payload.desegment(cur, need - avail); break; }
      const t = enter();
      conn.sslv2 ??= { encrypted: false };
      appendInfo(dissectSslv2Record(tvb, cur, t, conn.sslv2));
      ctx.cols.protocol = 'SSLv2';
      cur += need;
      continue;
    }
    const type = u8(tvb, cur);
    const version = u16(tvb, cur + 1);
    const length = u16(tvb, cur + 3);
    if (!looksLikeRecord(type, version, length)) {
      continuation(enter(), tvb, cur, end, ctx, conn, appendInfo);
      break;
    }
    if (5 + length > avail && payload?.canDesegment) {
      payload.desegment(cur, 5 + length - avail);
      break;
    }
    const t = enter();
    const shortName = versionShortName(conn.version || version);
    ctx.cols.protocol = shortName;
    dissectRecord({ tvb, ctx, conn, dir, payload, appendInfo }, t, cur, type, version, length, shortName);
    ctx.cols.protocol = versionShortName(conn.version || version);
    cur += 5 + length;
  }
  return end - offset;
}

function looksLikeRecord(type: number, version: number, length: number): boolean {
  return type >= CT_CCS && type <= CT_HEARTBEAT && (version >> 8) === 3 && (version & 0xff) <= 4 && length <= MAX_RECORD;
}

function continuation(tree: Tree, tvb: Tvb, at: number, end: number, ctx: PacketContext, conn: Connection, appendInfo: (s: string) => void): void {
  appendInfo('Continuation Data');
  if (conn.version) ctx.cols.protocol = versionShortName(conn.version);
  tree.add(hfWs.text, tvb, at, end - at, null, tree.enabled ? `${versionShortName(conn.version)} Continuation Data` : undefined);
}

interface RecordCtx {
  readonly tvb: Tvb;
  readonly ctx: PacketContext;
  readonly conn: Connection;
  readonly dir: 0 | 1;
  readonly payload: TcpPayload | undefined;
  readonly appendInfo: (s: string) => void;
}

function dissectRecord(r: RecordCtx, tree: Tree, at: number, type: number, version: number, length: number, shortName: string): void {
  const { tvb, conn, dir } = r;
  const on = tree.enabled;
  const body = at + 5;
  const tls13 = isTls13(conn.version);
  const rec = tree.add(hfTls.record, tvb, at, 5 + length, null, on ? `${shortName} Record Layer` : undefined);
  const addHeader = (): void => {
    if (tls13 && type === CT_APPDATA) rec.add(hfTls.opaqueType, tvb, at, 1, type, on ? 'Opaque Type: Application Data (23)' : undefined);
    else rec.add(hfTls.contentType, tvb, at, 1, type);
    rec.add(hfTls.recordVersion, tvb, at + 1, 2, version, on ? `Version: ${VERSIONS[version] ?? 'Unknown'} (0x${version.toString(16).padStart(4, '0')})` : undefined);
    rec.add(hfTls.recordLength, tvb, at + 3, 2, length);
  };

  switch (type) {
    case CT_CCS:
      r.appendInfo('Change Cipher Spec');
      if (on) rec.setText(`${shortName} Record Layer: Change Cipher Spec Protocol: Change Cipher Spec`);
      addHeader();
      rec.add(hfTls.changeCipherSpec, tvb, body, length, null);
      conn.ccs[dir] = true;
      return;
    case CT_ALERT: {
      const level = length === 2 ? u8(tvb, body) : 0;
      const desc = length === 2 ? u8(tvb, body + 1) : 0;
      const plain = length === 2 && !(conn.ccs[dir] && !tls13) && ALERT_LEVELS[level] !== undefined && ALERT_DESCRIPTIONS[desc] !== undefined;
      if (plain) {
        const text = `Alert (Level: ${ALERT_LEVELS[level]}, Description: ${ALERT_DESCRIPTIONS[desc]})`;
        r.appendInfo(text);
        if (on) rec.setText(`${shortName} Record Layer: ${text}`);
        addHeader();
        const a = rec.add(hfTls.alert, tvb, body, 2, null);
        a.add(hfTls.alertLevel, tvb, body, 1, level);
        a.add(hfTls.alertDesc, tvb, body + 1, 1, desc);
      } else {
        r.appendInfo('Encrypted Alert');
        if (on) rec.setText(`${shortName} Record Layer: Encrypted Alert`);
        addHeader();
        rec.add(hfTls.alert, tvb, body, length, null, on ? 'Alert Message: Encrypted Alert' : undefined);
      }
      return;
    }
    case CT_HANDSHAKE:
      dissectHandshakeRecord(r, rec, body, length, shortName, addHeader);
      return;
    case CT_APPDATA: {
      r.appendInfo('Application Data');
      const proto = appProtocol(r);
      if (on) rec.setText(`${shortName} Record Layer: Application Data Protocol: ${proto ?? 'Application Data'}`);
      addHeader();
      rec.add(hfTls.appData, tvb, body, length, slice(tvb, body, length));
      if (proto) rec.addGenerated(hfTls.appDataProto, tvb, body, length, proto);
      return;
    }
    default:
      r.appendInfo(conn.ccs[dir] ? 'Encrypted Heartbeat' : 'Heartbeat');
      if (on) rec.setText(`${shortName} Record Layer: ${conn.ccs[dir] ? 'Encrypted Heartbeat' : 'Heartbeat'}`);
      addHeader();
  }
}

function appProtocol(r: RecordCtx): string | undefined {
  if (r.conn.alpn !== undefined) return r.conn.alpn.startsWith('spdy/') ? 'SPDY' : APP_PROTOCOL_BY_ALPN[r.conn.alpn];
  const p = r.payload;
  const lo = p ? Math.min(p.srcPort, p.dstPort) : Math.min(r.ctx.srcPort, r.ctx.dstPort);
  const hi = p ? Math.max(p.srcPort, p.dstPort) : Math.max(r.ctx.srcPort, r.ctx.dstPort);
  return APP_PROTOCOL_BY_PORT[lo] ?? APP_PROTOCOL_BY_PORT[hi];
}

/** True when the record cannot be plaintext handshake messages. */
function handshakeEncrypted(r: RecordCtx, body: number, length: number): boolean {
  if (r.conn.ccs[r.dir] && !isTls13(r.conn.version)) return true;
  if (length < 4) return true;
  const type = u8(r.tvb, body);
  const len = u24(r.tvb, body + 1);
    // Encrypted bytes rarely start with a known type and a plausible length.
  return HANDSHAKE_TYPES[type] === undefined || (4 + len > length && len > 0x10000);
}

function dissectHandshakeRecord(r: RecordCtx, rec: Tree, body: number, length: number, shortName: string, addHeader: () => void): void {
  const { tvb, conn } = r;
  const on = rec.enabled;
  if (handshakeEncrypted(r, body, length)) {
    r.appendInfo('Encrypted Handshake Message');
    if (on) rec.setText(`${shortName} Record Layer: Handshake Protocol: Encrypted Handshake Message`);
    addHeader();
    rec.add(hfTls.handshake, tvb, body, length, null, on ? 'Handshake Protocol: Encrypted Handshake Message' : undefined);
    return;
  }
  addHeader();
  const recEnd = body + length;
  const names: string[] = [];
  let cur = body;
  while (cur < recEnd) {
    const type = u8(tvb, cur);
    const len = recEnd - cur >= 4 ? u24(tvb, cur + 1) : 0;
    const facts: HelloFacts = { serverVersion: 0, alpn: undefined, helloRetry: false, tls13: isTls13(conn.version), version: conn.version, cipher: conn.cipher, serverCipher: 0 };
    let name = HANDSHAKE_TYPES[type] ?? `Unknown (${type})`;
    if (type === HS_SERVER_HELLO && isHelloRetry(tvb, cur + 6, recEnd)) {
      name = 'Hello Retry Request';
      facts.helloRetry = true;
    }
    names.push(name);
    r.appendInfo(name);
    // Labelled before the body is read, so a malformed message still names its record.
    if (on) rec.setText(`${shortName} Record Layer: Handshake Protocol: ${names.length === 1 ? name : 'Multiple Handshake Messages'}`);
    const msgLen = Math.min(4 + len, recEnd - cur);
    const hs = rec.add(hfTls.handshake, tvb, cur, msgLen, null, on ? `Handshake Protocol: ${name}` : undefined);
    hs.add(hfTls.hsType, tvb, cur, 1, type, on ? `Handshake Type: ${HANDSHAKE_TYPES[type] ?? 'Unknown'} (${type})` : undefined);
    hs.add(hfTls.hsLength, tvb, cur + 1, 3, u24(tvb, cur + 1));
    const bodyEnd = cur + 4 + len;
    if (bodyEnd <= recEnd) {
      dissectHandshakeBody(tvb, type, cur + 4, bodyEnd, hs, facts);
      if (type === HS_SERVER_HELLO && facts.serverVersion) {
        conn.version = facts.serverVersion;
        conn.cipher = facts.serverCipher;
        if (facts.alpn !== undefined) conn.alpn = facts.alpn;
      }
    }
    cur = Math.min(bodyEnd, recEnd);
  }
}

/** RFC 8446 4.1.3: a HelloRetryRequest is a ServerHello with this fixed random. */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
function isHelloRetry(tvb: Tvb, randomAt: number, end: number): boolean {
  return randomAt + 32 <= end && hex(slice(tvb, randomAt, 32)) === HRR_RANDOM;
}

/**
 * TLS found on any port, by Wireshark's test: a handshake or application-data record header
 * with an SSLv3..TLS 1.2 (or GM/T) version and a sane length, or an SSLv2-format ClientHello.
 */
export function heuristicTls(tvb: Tvb, offset: number, end: number, ctx: PacketContext, tree: Tree, data?: unknown): number {
  if (!looksLikeTlsRecord(tvb, offset, end) && !looksLikeV2ClientHello(tvb, offset, end)) return 0;
  if (isTcpPayload(data)) setStreamDissector(ctx, data, dissectTls);
  return dissectTls(tvb, offset, end, ctx, tree, data) || 1;
}

function looksLikeTlsRecord(tvb: Tvb, offset: number, end: number): boolean {
  if (end - offset < 5) return false;
  const b = tvb.bytes;
  const type = b[offset]!;
  const version = (b[offset + 1]! << 8) | b[offset + 2]!;
  const length = (b[offset + 3]! << 8) | b[offset + 4]!;
  if (type !== CT_HANDSHAKE && type !== CT_APPDATA) return false;
  if (!(version >= 0x0300 && version <= 0x0303) && version !== 0x0101) return false;
  return length > 0 && length < MAX_RECORD;
}

/** RFC 5246 E.2: the SSLv2-format ClientHello of SSLv3/TLS clients. */
function looksLikeV2ClientHello(tvb: Tvb, offset: number, end: number): boolean {
  if (end - offset < 46) return false;
  const b = tvb.bytes;
  if (b[offset] !== 0x80 || b[offset + 2] !== 1) return false;
  const specLen = (b[offset + 5]! << 8) | b[offset + 6]!;
  const sidLen = (b[offset + 7]! << 8) | b[offset + 8]!;
  const challengeLen = (b[offset + 9]! << 8) | b[offset + 10]!;
  return specLen !== 0 && specLen % 3 === 0 && (sidLen === 0 || sidLen === 16) && challengeLen === 32;
}

const TLS_PORTS = [324, 443, 465, 636, 802, 853, 993, 995, 1300, 2221, 2443, 3249, 3250, 3251, 3252, 3496, 5061, 5671, 5684, 5868, 8883, 11207, 19999, 27017];

export function register(r: Registry): void {
  r.addProtocol(tlsProto, hfTls);
  r.addFields(Object.values(hfSslv2));
  for (const port of TLS_PORTS) r.add('tcp.port', port, dissectTls);
  r.addHeuristic('tcp', heuristicTls);
  r.addNamed('tls', dissectTls);
}
