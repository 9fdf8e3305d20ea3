/** Bodies of cleartext TLS handshake messages: hellos and their extensions, certificates, tickets. */
import type { Tree } from '../tree.js';
import { ascii, MalformedError, slice, u16, u24, u32, u8, type Tvb } from '../tvb.js';
import { hfWs } from '../expert.js';
import { hfTls } from './tls-fields.js';
import { md5Hex } from './tls-md5.js';
import {
  CIPHER_SUITES, EC_POINT_FORMATS, EXTENSION_TYPES, PSK_KE_MODES, SIGNATURE_ALGORITHMS, SUPPORTED_GROUPS, VERSIONS,
} from './tls-tables.js';

/** What a ServerHello tells the record layer. */
export interface HelloFacts {
  /** The version the server chose (supported_versions wins over the legacy field); 0 if none. */
  serverVersion: number;
  alpn: string | undefined;
  helloRetry: boolean;
  /** The connection already negotiated TLS 1.3. */
  tls13: boolean;
  /** Negotiated version and cipher suite so far (0 when unknown). */
  version: number;
  cipher: number;
  /** The cipher suite the ServerHello chose. */
  serverCipher: number;
}

const HS = { CLIENT_HELLO: 1, SERVER_HELLO: 2, NEW_SESSION_TICKET: 4, ENCRYPTED_EXTENSIONS: 8, CERTIFICATE: 11, SERVER_KEY_EXCHANGE: 12, CERTIFICATE_REQUEST: 13, CLIENT_KEY_EXCHANGE: 16 } as const;

const hex4 = (v: number): string => '0x' + v.toString(16).padStart(4, '0');
const versionText = (v: number): string => `${VERSIONS[v] ?? 'Unknown'} (${hex4(v)})`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function dissectHandshakeBody(tvb: Tvb, type: number, start: number, end: number, tree: Tree, facts: HelloFacts): void {
  switch (type) {
    case HS.CLIENT_HELLO: clientHello(tvb, start, end, tree, facts); break;
    case HS.SERVER_HELLO: serverHello(tvb, start, end, tree, facts); break;
    case HS.CERTIFICATE: if (!facts.tls13) certificates(tvb, start, end, tree); break;
    case HS.NEW_SESSION_TICKET: if (!facts.tls13) sessionTicket(tvb, start, end, tree); break;
    case HS.ENCRYPTED_EXTENSIONS: extensions(tvb, start, end, tree, 'ee', facts); break;
    case HS.SERVER_KEY_EXCHANGE: serverKeyExchange(tvb, start, end, tree, facts); break;
    case HS.CLIENT_KEY_EXCHANGE: clientKeyExchange(tvb, start, end, tree, facts); break;
    case HS.CERTIFICATE_REQUEST: if (!facts.tls13) certificateRequest(tvb, start, end, tree, facts); break;
    default: break;
  }
}

function random(tvb: Tvb, at: number, tree: Tree, withTime: boolean, helloRetry = false): void {
  const r = tree.add(hfTls.random, tvb, at, 32, slice(tvb, at, 32));
  if (helloRetry) r.appendText(' (HelloRetryRequest magic)');
  if (withTime) {
    r.add(hfTls.randomTime, tvb, at, 4, BigInt(u32(tvb, at)) * 1_000_000_000n);
    r.add(hfTls.randomBytes, tvb, at + 4, 28, slice(tvb, at + 4, 28));
  }
}

function sessionId(tvb: Tvb, at: number, tree: Tree): number {
  const len = u8(tvb, at);
  tree.add(hfTls.sessionIdLength, tvb, at, 1, len);
  if (len > 0) tree.add(hfTls.sessionId, tvb, at + 1, len, slice(tvb, at + 1, len));
  return 1 + len;
}

function suiteText(v: number): string {
  const name = CIPHER_SUITES[v] ?? 'Unknown';
  return `Cipher Suite: ${name} (${hex4(v)})`;
}

function clientHello(tvb: Tvb, start: number, end: number, tree: Tree, facts: HelloFacts): void {
  const on = tree.enabled;
  let cur = start;
  const v = u16(tvb, cur);
  tree.add(hfTls.hsVersion, tvb, cur, 2, v, on ? `Version: ${versionText(v)}` : undefined);
  cur += 2;
  // Once a connection is TLS 1.3 (a second hello after HelloRetryRequest) the random has no time.
  random(tvb, cur, tree, !facts.tls13);
  cur += 32;
  cur += sessionId(tvb, cur, tree);
  const csLen = u16(tvb, cur);
  tree.add(hfTls.cipherSuitesLength, tvb, cur, 2, csLen);
  cur += 2;
  const suites = tree.add(hfTls.cipherSuites, tvb, cur, csLen, null, on ? `Cipher Suites (${plural(csLen >> 1, 'suite')})` : undefined);
  const ciphers: number[] = [];
  for (let i = 0; i + 1 < csLen; i += 2) {
    const s = u16(tvb, cur + i);
    ciphers.push(s);
    suites.add(hfTls.cipherSuite, tvb, cur + i, 2, s, on ? suiteText(s) : undefined);
  }
  cur += csLen;
  const cmLen = u8(tvb, cur);
  tree.add(hfTls.compMethodsLength, tvb, cur, 1, cmLen);
  cur += 1;
  const methods = tree.add(hfTls.compMethods, tvb, cur, cmLen, null, on ? `Compression Methods (${plural(cmLen, 'method')})` : undefined);
  for (let i = 0; i < cmLen; i++) {
    const m = u8(tvb, cur + i);
    methods.add(hfTls.compMethod, tvb, cur + i, 1, m);
  }
  cur += cmLen;
  const fp: Fingerprint = { extensions: [], groups: [], formats: [] };
  if (cur + 2 <= end) extensions(tvb, cur, end, tree, 'ch', undefined, fp);
  if (on) {
    const full = `${v},${noGrease(ciphers)},${noGrease(fp.extensions)},${noGrease(fp.groups)},${fp.formats.join('-')}`;
    tree.addGenerated(hfTls.ja3Full, tvb, start, 0, full);
    tree.addGenerated(hfTls.ja3, tvb, start, 0, md5Hex(full));
  }
}

function serverHello(tvb: Tvb, start: number, end: number, tree: Tree, facts: HelloFacts): void {
  const on = tree.enabled;
  let cur = start;
  const v = u16(tvb, cur);
  tree.add(hfTls.hsVersion, tvb, cur, 2, v, on ? `Version: ${versionText(v)}` : undefined);
  facts.serverVersion = v;
  cur += 2;
  // TLS 1.3 (by the legacy field, as in early drafts) has no time in its random.
  random(tvb, cur, tree, !isTls13Version(v) && !facts.helloRetry && !hasSupportedVersions(tvb, cur + 32, end), facts.helloRetry);
  cur += 32;
  if (!isDraft13(v)) cur += sessionId(tvb, cur, tree);
  const suite = u16(tvb, cur);
  tree.add(hfTls.cipherSuite, tvb, cur, 2, suite, on ? suiteText(suite) : undefined);
  facts.serverCipher = suite;
  cur += 2;
  if (!isDraft13(v)) {
    tree.add(hfTls.compMethod, tvb, cur, 1, u8(tvb, cur));
    cur += 1;
  }
  const fp: Fingerprint = { extensions: [], groups: [], formats: [] };
  if (cur + 2 <= end) extensions(tvb, cur, end, tree, facts.helloRetry ? 'hrr' : 'sh', facts, fp);
  if (on) {
    const full = `${v},${suite},${noGrease(fp.extensions)}`;
    tree.addGenerated(hfTls.ja3sFull, tvb, start, 0, full);
    tree.addGenerated(hfTls.ja3s, tvb, start, 0, md5Hex(full));
  }
}

function isTls13Version(v: number): boolean {
  return v === 0x0304 || (v >= 0x7f0e && v <= 0x7f1c);
}

/** Drafts before 22 dropped the session id and compression fields from the ServerHello. */
function isDraft13(v: number): boolean {
  return v >= 0x7f0e && v < 0x7f16;
}

/** Whether a ServerHello's extensions (after the random at `afterRandom`) hold supported_versions; reads only what is there. */
function hasSupportedVersions(tvb: Tvb, afterRandom: number, end: number): boolean {
  const b = tvb.bytes;
  const limit = Math.min(end, b.length);
  if (afterRandom >= limit) return false;
  let cur = afterRandom + 1 + b[afterRandom]! + 3;
  if (cur + 2 > limit) return false;
  const extEnd = Math.min(limit, cur + 2 + ((b[cur]! << 8) | b[cur + 1]!));
  cur += 2;
  while (cur + 4 <= extEnd) {
    if (((b[cur]! << 8) | b[cur + 1]!) === 43) return true;
    cur += 4 + ((b[cur + 2]! << 8) | b[cur + 3]!);
  }
  return false;
}

function extensionName(t: number): string {
  return EXTENSION_TYPES[t] ?? ((t & 0x0f0f) === 0x0a0a && t >> 8 === (t & 0xff) ? 'Reserved (GREASE)' : `Unknown type ${t}`);
}

type HelloKind = 'ch' | 'sh' | 'hrr' | 'ee';

/** What JA3/JA3S fingerprints are made of, collected while the hello is dissected. */
interface Fingerprint { extensions: number[]; groups: number[]; formats: number[] }

const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const noGrease = (list: number[]): string => list.filter((v) => !isGrease(v)).join('-');

function extensions(tvb: Tvb, at: number, end: number, tree: Tree, kind: HelloKind, facts: HelloFacts | undefined, fp?: Fingerprint): void {
  const on = tree.enabled;
  const total = u16(tvb, at);
  tree.add(hfTls.extensionsLength, tvb, at, 2, total);
  let cur = at + 2;
  const extEnd = Math.min(end, cur + total);
  while (cur + 4 <= extEnd) {
    const type = u16(tvb, cur);
    const len = u16(tvb, cur + 2);
    const name = extensionName(type);
    const ext = tree.add(hfWs.text, tvb, cur, 4 + len, null, on ? `Extension: ${name} (len=${len})` : undefined);
    ext.add(hfTls.extType, tvb, cur, 2, type, on ? `Type: ${name} (${type})` : undefined);
    ext.add(hfTls.extLen, tvb, cur + 2, 2, len);
    fp?.extensions.push(type);
    extensionBody(tvb, type, cur + 4, len, ext, kind, facts, fp);
    cur += 4 + len;
  }
}

const EMPTY_OK = new Set([18, 22, 23, 42, 49]);

/** A vector's length field must fit in what encloses it (Wireshark throws here). */
function room(at: number, size: number, end: number): void {
  if (at + size > end) throw new MalformedError(`No more room for vector of length ${size}`);
}

const VECTOR_PREFIX: Readonly<Record<number, number>> = { 0: 2, 16: 2, 43: 1, 10: 2, 11: 1, 13: 2, 50: 2, 65281: 1, 45: 1 };

function extensionBody(tvb: Tvb, type: number, at: number, len: number, ext: Tree, kind: HelloKind, facts: HelloFacts | undefined, fp?: Fingerprint): void {
  const on = ext.enabled;
  const end = at + len;
  const prefix = type === 43 && kind !== 'ch' ? 2 : VECTOR_PREFIX[type];
  if (prefix !== undefined) {
    if (len === 0) return;
    room(at, prefix, end);
  }
  switch (type) {
    case 0: { // server_name
      const sni = ext.add(hfWs.text, tvb, at, len, null, on ? 'Server Name Indication extension' : undefined);
      const listLen = u16(tvb, at);
      sni.add(hfTls.sniListLen, tvb, at, 2, listLen);
      let cur = at + 2;
      while (cur + 3 <= end) {
        const nameType = u8(tvb, cur);
        const nameLen = u16(tvb, cur + 1);
        sni.add(hfTls.sniType, tvb, cur, 1, nameType);
        sni.add(hfTls.sniLen, tvb, cur + 1, 2, nameLen);
        sni.add(hfTls.sni, tvb, cur + 3, nameLen, ascii(tvb, cur + 3, nameLen));
        cur += 3 + nameLen;
      }
      return;
    }
    case 16: { // application_layer_protocol_negotiation
      const listLen = u16(tvb, at);
      ext.add(hfTls.alpnLen, tvb, at, 2, listLen);
      const list = ext.add(hfTls.alpnList, tvb, at + 2, listLen, null);
      let cur = at + 2;
      while (cur < Math.min(end, at + 2 + listLen)) {
        const n = u8(tvb, cur);
        const s = ascii(tvb, cur + 1, n);
        list.add(hfTls.alpnStrLen, tvb, cur, 1, n);
        list.add(hfTls.alpnStr, tvb, cur + 1, n, s);
        if (kind === 'sh' && facts && facts.alpn === undefined) facts.alpn = s;
        cur += 1 + n;
      }
      return;
    }
    case 43: { // supported_versions
      if (kind === 'ch') {
        const n = u8(tvb, at);
        ext.add(hfTls.supportedVersionsLen, tvb, at, 1, n);
        for (let i = 0; i + 1 < n; i += 2) {
          const v = u16(tvb, at + 1 + i);
          ext.add(hfTls.supportedVersion, tvb, at + 1 + i, 2, v, on ? `Supported Version: ${versionText(v)}` : undefined);
        }
      } else if (len >= 2) {
        const v = u16(tvb, at);
        ext.add(hfTls.supportedVersion, tvb, at, 2, v, on ? `Supported Version: ${versionText(v)}` : undefined);
        if (facts) facts.serverVersion = v;
      }
      return;
    }
    case 10: { // supported_groups
      const n = u16(tvb, at);
      ext.add(hfTls.groupsLength, tvb, at, 2, n);
      const groups = ext.add(hfTls.groups, tvb, at + 2, n, null, on ? `Supported Groups (${plural(n >> 1, 'group')})` : undefined);
      for (let i = 0; i + 1 < n; i += 2) {
        const g = u16(tvb, at + 2 + i);
        fp?.groups.push(g);
        groups.add(hfTls.group, tvb, at + 2 + i, 2, g, on ? `Supported Group: ${SUPPORTED_GROUPS[g] ?? 'Unknown'} (${hex4(g)})` : undefined);
      }
      return;
    }
    case 11: { // ec_point_formats
      const n = u8(tvb, at);
      ext.add(hfTls.ecPointFormatsLength, tvb, at, 1, n);
      const list = ext.add(hfTls.ecPointFormats, tvb, at + 1, n, null, on ? `Elliptic curves point formats (${n})` : undefined);
      for (let i = 0; i < n; i++) {
        const f = u8(tvb, at + 1 + i);
        fp?.formats.push(f);
        list.add(hfTls.ecPointFormat, tvb, at + 1 + i, 1, f, on ? `EC point format: ${EC_POINT_FORMATS[f] ?? 'Unknown'} (${f})` : undefined);
      }
      return;
    }
    case 13: case 50: { // signature_algorithms(_cert)
      const n = u16(tvb, at);
      ext.add(hfTls.sigHashAlgLen, tvb, at, 2, n);
      const list = ext.add(hfTls.sigHashAlgs, tvb, at + 2, n, null, on ? `Signature Hash Algorithms (${plural(n >> 1, 'algorithm')})` : undefined);
      for (let i = 0; i + 1 < n; i += 2) {
        const a = u16(tvb, at + 2 + i);
        const item = list.add(hfTls.sigHashAlg, tvb, at + 2 + i, 2, a, on ? `Signature Algorithm: ${sigAlgName(a)} (${hex4(a)})` : undefined);
        item.add(hfTls.sigHashHash, tvb, at + 2 + i, 1, a >> 8, on ? `Signature Hash Algorithm Hash: ${HASH_NAMES[a >> 8] ?? 'Unknown'} (${a >> 8})` : undefined);
        item.add(hfTls.sigHashSig, tvb, at + 3 + i, 1, a & 0xff, on ? `Signature Hash Algorithm Signature: ${SIG_NAMES[a & 0xff] ?? 'Unknown'} (${a & 0xff})` : undefined);
      }
      return;
    }
    case 51: case 40: { // key_share (40 in early drafts)
      const ks = ext.add(hfWs.text, tvb, at, len, null, on ? 'Key Share extension' : undefined);
      if (kind === 'hrr') {
        ks.add(hfTls.keyShareSelectedGroup, tvb, at, 2, u16(tvb, at), on ? `Selected Group: ${groupName(u16(tvb, at))} (${u16(tvb, at)})` : undefined);
        return;
      }
      let cur = at;
      let stop = end;
      if (kind === 'ch') {
        const n = u16(tvb, at);
        ks.add(hfTls.keyShareClientLength, tvb, at, 2, n);
        cur = at + 2;
        stop = Math.min(end, cur + n);
      }
      while (cur + 4 <= stop) {
        const g = u16(tvb, cur);
        const kl = u16(tvb, cur + 2);
        const entry = ks.add(hfWs.text, tvb, cur, 4 + kl, null, on ? `Key Share Entry: Group: ${groupName(g)}, Key Exchange length: ${kl}` : undefined);
        entry.add(hfTls.keyShareGroup, tvb, cur, 2, g, on ? `Group: ${groupName(g)} (${g})` : undefined);
        entry.add(hfTls.keyShareKeyLength, tvb, cur + 2, 2, kl);
        entry.add(hfTls.keyShareKey, tvb, cur + 4, kl, slice(tvb, cur + 4, kl));
        cur += 4 + kl;
        if (kind !== 'ch') break;
      }
      return;
    }
    case 65281: { // renegotiation_info
      const ri = ext.add(hfWs.text, tvb, at, len, null, on ? 'Renegotiation Info extension' : undefined);
      const n = u8(tvb, at);
      ri.add(hfTls.renegInfoLen, tvb, at, 1, n);
      if (n > 0) ri.add(hfTls.renegInfo, tvb, at + 1, n, slice(tvb, at + 1, n));
      return;
    }
    case 21: // padding
      ext.add(hfTls.paddingData, tvb, at, len, slice(tvb, at, len));
      return;
    case 45: { // psk_key_exchange_modes
      const n = u8(tvb, at);
      ext.add(hfTls.pskKeModesLength, tvb, at, 1, n);
      for (let i = 0; i < n; i++) {
        const m = u8(tvb, at + 1 + i);
        ext.add(hfTls.pskKeMode, tvb, at + 1 + i, 1, m, on ? `PSK Key Exchange Mode: ${PSK_KE_MODES[m] ?? 'Unknown'} (${m})` : undefined);
      }
      return;
    }
    case 5: // status_request
      if (kind !== 'ch' || len < 5) break;
      ext.add(hfTls.statusRequestType, tvb, at, 1, u8(tvb, at));
      ext.add(hfTls.statusRequestResponderIdsLen, tvb, at + 1, 2, u16(tvb, at + 1));
      ext.add(hfTls.statusRequestExtsLen, tvb, at + 3, 2, u16(tvb, at + 3));
      return;
    case 15: // heartbeat
      if (len === 1) {
        const m = u8(tvb, at);
        ext.add(hfTls.heartbeatMode, tvb, at, 1, m);
        return;
      }
      break;
    case 35: // session_ticket
      if (len === 0) { ext.add(hfWs.text, tvb, at, 0, null, on ? 'Data (0 bytes)' : undefined); return; }
      break;
    default:
      if (len === 0 && EMPTY_OK.has(type)) return;
  }
  ext.add(hfTls.extData, tvb, at, len, slice(tvb, at, len), on && len === 0 ? 'Data: <MISSING>' : undefined);
}

const HASH_NAMES: Readonly<Record<number, string>> = { 0: 'None', 1: 'MD5', 2: 'SHA1', 3: 'SHA224', 4: 'SHA256', 5: 'SHA384', 6: 'SHA512' };
const SIG_NAMES: Readonly<Record<number, string>> = { 0: 'Anonymous', 1: 'RSA', 2: 'DSA', 3: 'ECDSA', 4: 'SM2' };

/** TLS 1.2 (hash, signature) pairs that have no scheme name are shown as `SHA256 DSA`. */
function sigAlgName(a: number): string {
  const known = SIGNATURE_ALGORITHMS[a];
  if (known) return known;
  const h = HASH_NAMES[a >> 8], g = SIG_NAMES[a & 0xff];
  return h && g && a >> 8 > 0 && (a & 0xff) > 0 && (a & 0xff) < 4 ? `${h} ${g}` : 'Unknown';
}

function groupName(g: number): string {
  return SUPPORTED_GROUPS[g] ?? 'Unknown';
}

function certificates(tvb: Tvb, start: number, end: number, tree: Tree): void {
  const on = tree.enabled;
  const total = u24(tvb, start);
  tree.add(hfTls.certificatesLength, tvb, start, 3, total);
  let cur = start + 3;
  const stop = Math.min(end, cur + total);
  const list = tree.add(hfTls.certificates, tvb, cur, stop - cur, null, on ? `Certificates (${total} bytes)` : undefined);
  while (cur + 3 <= stop) {
    const n = u24(tvb, cur);
    list.add(hfTls.certificateLength, tvb, cur, 3, n);
    list.add(hfTls.certificate, tvb, cur + 3, n, slice(tvb, cur + 3, n));
    cur += 3 + n;
  }
}

function sessionTicket(tvb: Tvb, start: number, end: number, tree: Tree): void {
  if (end - start < 6) return;
  const on = tree.enabled;
  const t = tree.add(hfWs.text, tvb, start, end - start, null, on ? 'TLS Session Ticket' : undefined);
  const hint = u32(tvb, start);
  t.add(hfTls.ticketLifetime, tvb, start, 4, hint, on ? `Session Ticket Lifetime Hint: ${hint} seconds (${durationText(hint)})` : undefined);
  const n = u16(tvb, start + 4);
  t.add(hfTls.ticketLength, tvb, start + 4, 2, n);
  t.add(hfTls.ticket, tvb, start + 6, n, slice(tvb, start + 6, n));
}

/** A duration as Wireshark writes ticket lifetimes: `1 day, 4 hours`. */
function durationText(secs: number): string {
  if (secs === 0) return '0 seconds';
  const parts: string[] = [];
  for (const [size, unit] of [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']] as const) {
    const k = Math.floor(secs / size);
    secs -= k * size;
    if (k > 0) parts.push(`${k} ${unit}${k === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}

/** The client's key share: an EC point, a DH public value, or an RSA-encrypted premaster secret. */
function clientKeyExchange(tvb: Tvb, start: number, end: number, tree: Tree, facts: HelloFacts): void {
  const on = tree.enabled;
  const name = CIPHER_SUITES[facts.cipher] ?? '';
  if (/_ECDHE?_/.test(name)) {
    const p = tree.add(hfWs.text, tvb, start, end - start, null, on ? 'EC Diffie-Hellman Client Params' : undefined);
    const n = u8(tvb, start);
    p.add(hfTls.clientPointLen, tvb, start, 1, n);
    p.add(hfTls.clientPoint, tvb, start + 1, n, slice(tvb, start + 1, n));
  } else if (/_(DHE|EDH)_/.test(name)) {
    const p = tree.add(hfWs.text, tvb, start, end - start, null, on ? 'Diffie-Hellman Client Params' : undefined);
    const n = u16(tvb, start);
    p.add(hfTls.ycLen, tvb, start, 2, n);
    p.add(hfTls.yc, tvb, start + 2, n, slice(tvb, start + 2, n));
  } else if (/^TLS_RSA_/.test(name)) {
    const p = tree.add(hfWs.text, tvb, start, end - start, null, on ? 'RSA Encrypted PreMaster Secret' : undefined);
    // SSLv3 sends the encrypted secret without its length.
    if (facts.version === 0x0300) {
      p.add(hfTls.epms, tvb, start, end - start, slice(tvb, start, end - start));
    } else {
      const n = u16(tvb, start);
      p.add(hfTls.epmsLen, tvb, start, 2, n);
      p.add(hfTls.epms, tvb, start + 2, n, slice(tvb, start + 2, n));
    }
  }
}


function signatureAlgorithm(tvb: Tvb, at: number, tree: Tree): void {
  const on = tree.enabled;
  const a = u16(tvb, at);
  const item = tree.add(hfTls.sigHashAlg, tvb, at, 2, a, on ? `Signature Algorithm: ${sigAlgName(a)} (${hex4(a)})` : undefined);
  item.add(hfTls.sigHashHash, tvb, at, 1, a >> 8, on ? `Signature Hash Algorithm Hash: ${HASH_NAMES[a >> 8] ?? 'Unknown'} (${a >> 8})` : undefined);
  item.add(hfTls.sigHashSig, tvb, at + 1, 1, a & 0xff, on ? `Signature Hash Algorithm Signature: ${SIG_NAMES[a & 0xff] ?? 'Unknown'} (${a & 0xff})` : undefined);
}

/** The signature that ends a ServerKeyExchange (the algorithm is only there from TLS 1.2 on). */
function keyExchangeSignature(tvb: Tvb, at: number, end: number, tree: Tree, facts: HelloFacts): void {
  let cur = at;
  if (facts.version === 0x0303) {
    signatureAlgorithm(tvb, cur, tree);
    cur += 2;
  }
  if (cur + 2 > end) return;
  const n = u16(tvb, cur);
  tree.add(hfTls.sigLen, tvb, cur, 2, n);
  tree.add(hfTls.sig, tvb, cur + 2, n, slice(tvb, cur + 2, n));
}

/** ECDHE and DHE parameters; which one depends on the cipher suite the ServerHello chose. */
function serverKeyExchange(tvb: Tvb, start: number, end: number, tree: Tree, facts: HelloFacts): void {
  const on = tree.enabled;
  const name = CIPHER_SUITES[facts.cipher] ?? '';
  if (/_ECDHE?_/.test(name)) {
    const params = tree.add(hfWs.text, tvb, start, end - start, null, on ? 'EC Diffie-Hellman Server Params' : undefined);
    const curveType = u8(tvb, start);
    params.add(hfTls.curveType, tvb, start, 1, curveType);
    if (curveType !== 3) return;
    const curve = u16(tvb, start + 1);
    params.add(hfTls.namedCurve, tvb, start + 1, 2, curve, on ? `Named Curve: ${groupName(curve)} (${hex4(curve)})` : undefined);
    const n = u8(tvb, start + 3);
    params.add(hfTls.serverPointLen, tvb, start + 3, 1, n);
    params.add(hfTls.serverPoint, tvb, start + 4, n, slice(tvb, start + 4, n));
    keyExchangeSignature(tvb, start + 4 + n, end, params, facts);
  } else if (/_(DHE|EDH)_/.test(name)) {
    const params = tree.add(hfWs.text, tvb, start, end - start, null, on ? 'Diffie-Hellman Server Params' : undefined);
    let cur = start;
    for (const [lenDef, def] of [[hfTls.pLen, hfTls.p], [hfTls.gLen, hfTls.g], [hfTls.ysLen, hfTls.ys]] as const) {
      const n = u16(tvb, cur);
      params.add(lenDef, tvb, cur, 2, n);
      params.add(def, tvb, cur + 2, n, slice(tvb, cur + 2, n));
      cur += 2 + n;
    }
    keyExchangeSignature(tvb, cur, end, params, facts);
  }
}

function certificateRequest(tvb: Tvb, start: number, end: number, tree: Tree, facts: HelloFacts): void {
  const on = tree.enabled;
  const count = u8(tvb, start);
  tree.add(hfTls.certTypesCount, tvb, start, 1, count);
  const types = tree.add(hfTls.certTypes, tvb, start + 1, count, null, on ? `Certificate types (${count} type${count === 1 ? '' : 's'})` : undefined);
  for (let i = 0; i < count; i++) types.add(hfTls.certType, tvb, start + 1 + i, 1, u8(tvb, start + 1 + i));
  let cur = start + 1 + count;
  if (facts.version === 0x0303 && cur + 2 <= end) {
    const n = u16(tvb, cur);
    tree.add(hfTls.sigHashAlgLen, tvb, cur, 2, n);
    const list = tree.add(hfTls.sigHashAlgs, tvb, cur + 2, n, null, on ? `Signature Hash Algorithms (${plural(n >> 1, 'algorithm')})` : undefined);
    for (let i = 0; i + 1 < n; i += 2) signatureAlgorithm(tvb, cur + 2 + i, list);
    cur += 2 + n;
  }
  if (cur + 2 <= end) tree.add(hfTls.dnamesLen, tvb, cur, 2, u16(tvb, cur));
}
