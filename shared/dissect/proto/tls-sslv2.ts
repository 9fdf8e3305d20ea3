/**
 * SSL 2.0 records (two-byte header with the high bit set): the ClientHello,
 * ServerHello and ClientMasterKey in the clear, everything after the master
 * key as encrypted data. Also the v2-format ClientHello old clients send.
 */
import { fields } from '../field.js';
import { hfWs } from '../expert.js';
import type { Tree } from '../tree.js';
import { slice, u16, u24, u8, type Tvb } from '../tvb.js';
import { hfTls } from './tls-fields.js';
import { CIPHER_SUITES, VERSIONS } from './tls-tables.js';

export const hfSslv2 = fields({
  msgType: { abbrev: 'tls.handshake.type', name: 'Handshake Message Type', type: 'uint8', base: 'dec' },
  cipherSpecLen: { abbrev: 'tls.handshake.cipher_spec_len', name: 'Cipher Spec Length', type: 'uint16', base: 'dec' },
  challengeLength: { abbrev: 'tls.handshake.challenge_length', name: 'Challenge Length', type: 'uint16', base: 'dec' },
  cipherSpecs: { abbrev: 'tls.handshake.cipherspecs', name: 'Cipher Specs', type: 'none' },
  cipherSpec: { abbrev: 'tls.handshake.cipherspec', name: 'Cipher Spec', type: 'uint24', base: 'hex' },
  challenge: { abbrev: 'tls.handshake.challenge', name: 'Challenge', type: 'none' },
  sessionIdHit: { abbrev: 'tls.handshake.session_id_hit', name: 'Session ID Hit', type: 'boolean', tfs: ['True', 'False'] },
  certType: { abbrev: 'tls.handshake.cert_type', name: 'Certificate Type', type: 'uint8', base: 'dec', strings: { 1: 'X.509 Certificate' } },
  certificateLength: { abbrev: 'tls.handshake.certificate_length', name: 'Certificate Length', type: 'uint24', base: 'dec' },
  connectionIdLength: { abbrev: 'tls.handshake.connection_id_length', name: 'Connection ID Length', type: 'uint16', base: 'dec' },
  connectionId: { abbrev: 'tls.handshake.connection_id', name: 'Connection ID', type: 'none' },
  clearKeyLength: { abbrev: 'tls.handshake.clear_key_length', name: 'Clear Key Data Length', type: 'uint16', base: 'dec' },
  encryptedKeyLength: { abbrev: 'tls.handshake.encrypted_key_length', name: 'Encrypted Key Data Length', type: 'uint16', base: 'dec' },
  keyArgLength: { abbrev: 'tls.handshake.key_arg_length', name: 'Key Argument Length', type: 'uint16', base: 'dec' },
  clearKey: { abbrev: 'tls.handshake.clear_key_data', name: 'Clear Key Data', type: 'none' },
  encryptedKey: { abbrev: 'tls.handshake.encrypted_key', name: 'Encrypted Key', type: 'none' },
  keyArg: { abbrev: 'tls.handshake.key_arg', name: 'Key Argument', type: 'none' },
});

const MESSAGE_NAMES: Readonly<Record<number, string>> = {
  0: 'Error', 1: 'Client Hello', 2: 'Client Master Key', 3: 'Client Finished', 4: 'Server Hello', 5: 'Server Verify',
  6: 'Server Finished', 7: 'Request Certificate', 8: 'Client Certificate',
};

const V2_SPECS: Readonly<Record<number, string>> = {
  0x010080: 'SSL2_RC4_128_WITH_MD5', 0x020080: 'SSL2_RC4_128_EXPORT40_WITH_MD5', 0x030080: 'SSL2_RC2_128_CBC_WITH_MD5',
  0x040080: 'SSL2_RC2_128_CBC_EXPORT40_WITH_MD5', 0x050080: 'SSL2_IDEA_128_CBC_WITH_MD5', 0x060040: 'SSL2_DES_64_CBC_WITH_MD5',
  0x0700c0: 'SSL2_DES_192_EDE3_CBC_WITH_MD5', 0x080080: 'SSL2_RC4_64_WITH_MD5',
};

function specName(v: number): string {
  return V2_SPECS[v] ?? (v >> 16 === 0 ? CIPHER_SUITES[v] : undefined) ?? 'Unknown';
}

/** A v2 ClientHello at `off`: two-byte header, message type 1, a known version. */
export function looksLikeSslv2Hello(tvb: Tvb, off: number, end: number): boolean {
  if (end - off < 5) return false;
  const b = tvb.bytes;
  if ((b[off]! & 0x80) === 0 || b[off + 2] !== 1) return false;
  const version = (b[off + 3]! << 8) | b[off + 4]!;
  return version === 0x0002 || (version >= 0x0300 && version <= 0x0303);
}

/** Bytes the v2 record at `off` needs in all (header included). */
export function sslv2RecordLength(tvb: Tvb, off: number): number {
  return 2 + (((u8(tvb, off) & 0x7f) << 8) | u8(tvb, off + 1));
}

export interface Sslv2State {
  /** The client sent its master key: what follows is encrypted. */
  encrypted: boolean;
}

/** One v2 record; returns the Info text it adds. */
export function dissectSslv2Record(tvb: Tvb, at: number, tree: Tree, state: Sslv2State): string {
  const on = tree.enabled;
  const length = ((u8(tvb, at) & 0x7f) << 8) | u8(tvb, at + 1);
  const body = at + 2;
  const rec = tree.add(hfTls.record, tvb, at, 2 + length, null);
  rec.addGenerated(hfTls.recordVersion, tvb, at, 0, 0x0002, on ? 'Version: SSL 2.0 (0x0002)' : undefined);
  if (state.encrypted) {
    if (on) rec.setText('SSLv2 Record Layer: Encrypted Data');
    return 'Encrypted Data';
  }
  rec.add(hfTls.recordLength, tvb, at, 2, length);
  const type = u8(tvb, body);
  const name = MESSAGE_NAMES[type] ?? `Unknown (${type})`;
  if (on) rec.setText(`SSLv2 Record Layer: ${name}`);
  rec.add(hfSslv2.msgType, tvb, body, 1, type, on ? `Handshake Message Type: ${name} (${type})` : undefined);
  const specs = (from: number, len: number): void => {
    const list = rec.add(hfSslv2.cipherSpecs, tvb, from, len, null, on ? `Cipher Specs (${Math.floor(len / 3)} spec${len === 3 ? '' : 's'})` : undefined);
    for (let i = 0; i + 2 < len; i += 3) {
      const v = u24(tvb, from + i);
      list.add(hfSslv2.cipherSpec, tvb, from + i, 3, v, on ? `Cipher Spec: ${specName(v)} (0x${v.toString(16).padStart(6, '0')})` : undefined);
    }
  };
  const version = (off: number): void => {
    const v = u16(tvb, off);
    rec.add(hfTls.hsVersion, tvb, off, 2, v, on ? `Version: ${VERSIONS[v] ?? 'Unknown'} (0x${v.toString(16).padStart(4, '0')})` : undefined);
  };
  switch (type) {
    case 1: { // Client Hello
      version(body + 1);
      const specLen = u16(tvb, body + 3);
      const sidLen = u16(tvb, body + 5);
      const chLen = u16(tvb, body + 7);
      rec.add(hfSslv2.cipherSpecLen, tvb, body + 3, 2, specLen);
      rec.add(hfTls.sessionIdLength, tvb, body + 5, 2, sidLen);
      rec.add(hfSslv2.challengeLength, tvb, body + 7, 2, chLen);
      let cur = body + 9;
      specs(cur, specLen);
      cur += specLen;
      if (sidLen > 0) rec.add(hfTls.sessionId, tvb, cur, sidLen, slice(tvb, cur, sidLen));
      cur += sidLen;
      rec.add(hfSslv2.challenge, tvb, cur, chLen, null);
      break;
    }
    case 4: { // Server Hello
      rec.add(hfSslv2.sessionIdHit, tvb, body + 1, 1, u8(tvb, body + 1) !== 0);
      rec.add(hfSslv2.certType, tvb, body + 2, 1, u8(tvb, body + 2));
      version(body + 3);
      const certLen = u16(tvb, body + 5);
      const specLen = u16(tvb, body + 7);
      const connLen = u16(tvb, body + 9);
      rec.add(hfSslv2.certificateLength, tvb, body + 5, 2, certLen);
      rec.add(hfSslv2.cipherSpecLen, tvb, body + 7, 2, specLen);
      rec.add(hfSslv2.connectionIdLength, tvb, body + 9, 2, connLen);
      let cur = body + 11;
      rec.add(hfTls.certificate, tvb, cur, certLen, slice(tvb, cur, certLen));
      cur += certLen;
      specs(cur, specLen);
      cur += specLen;
      rec.add(hfSslv2.connectionId, tvb, cur, connLen, null);
      break;
    }
    case 2: { // Client Master Key
      const spec = u24(tvb, body + 1);
      rec.add(hfSslv2.cipherSpec, tvb, body + 1, 3, spec, on ? `Cipher Spec: ${specName(spec)} (0x${spec.toString(16).padStart(6, '0')})` : undefined);
      const clearLen = u16(tvb, body + 4);
      const encLen = u16(tvb, body + 6);
      const argLen = u16(tvb, body + 8);
      rec.add(hfSslv2.clearKeyLength, tvb, body + 4, 2, clearLen);
      rec.add(hfSslv2.encryptedKeyLength, tvb, body + 6, 2, encLen);
      rec.add(hfSslv2.keyArgLength, tvb, body + 8, 2, argLen);
      let cur = body + 10;
      if (clearLen > 0) rec.add(hfSslv2.clearKey, tvb, cur, clearLen, null);
      cur += clearLen;
      rec.add(hfSslv2.encryptedKey, tvb, cur, encLen, null);
      cur += encLen;
      rec.add(hfSslv2.keyArg, tvb, cur, argLen, null);
      state.encrypted = true;
      break;
    }
    default:
      rec.add(hfWs.text, tvb, body + 1, length - 1, null, on ? 'Data' : undefined);
  }
  return name;
}
