// Compare what Paquet's reader makes of some bytes with what tshark 4.0 made of them
// (rows from generate-expected.mjs). Shared by the corpus and the cut-file tests.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { NotACaptureError, readCapture, type CaptureFile, type CaptureRecord } from '../../shared/capture/index.js';

export interface TsharkVerdict {
  readonly exit: number;
  readonly error: string;
  readonly frames: number;
  /** The reader Wireshark chose, as capinfos names it ("Wireshark/... - pcapng", "Nokia tcpdump - pcap"...). */
  readonly fileType: string;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// tshark -T fields shows control characters of strings as C escapes.
const escapeLikeTshark = (s: string) => s.replace(/[\\\r\n\t]/g, (c) => ({ '\\': '\\\\', '\r': '\\r', '\n': '\\n', '\t': '\\t' })[c]!);

/**
 * tshark 4.0 looks the interface name up in the file-wide interface list by the
 * section-local id (wrong for sections after the first: a Wireshark bug) and says
 * "unknown" when the IDB has no name.
 */
function tsharkInterfaceName(f: CaptureFile, localId: number): string {
  const i = f.interfaces[localId];
  return i?.name ?? i?.description ?? 'unknown';
}

/**
 * A pcap sub-second field out of range (damaged files): tshark multiplies it into a
 * 32-bit nanosecond count that overflows; Paquet carries whole seconds instead.
 */
function subSecondOutOfRange(bytes: Uint8Array, f: CaptureFile, fileOffset: number): boolean {
  if (f.format === 'pcapng') return false;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = new Uint8Array(gunzipSync(bytes));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d || magic === 0xa1b2cd34;
  return view.getUint32(fileOffset + 4, le) >= (f.format === 'pcap' ? 1e6 : 1e9);
}

/** What tshark would print for a record, column by column. */
function paquetRow(f: CaptureFile, r: CaptureRecord): Record<string, string> {
  const iface = f.interfaces[r.interface]!;
  const ng = f.format === 'pcapng';
  return {
    time: r.noTimestamp ? '' : `${r.tsSec}.${String(r.tsNsec).padStart(9, '0')}`,
    len: String(r.origLen),
    capLen: String(r.capLen),
    ifId: ng ? String(iface.idInSection) : '',
    ifName: ng ? escapeLikeTshark(tsharkInterfaceName(f, iface.idInSection!)) : '',
    flags: r.epbFlags === undefined ? '' : `0x${r.epbFlags.toString(16).padStart(8, '0')}`,
    comment: (r.comments ?? []).map(escapeLikeTshark).join('\x1f'),
  };
}

/** The kind of damage tshark's message describes. */
export function tsharkDamageKind(error: string): 'truncated' | 'corrupt' | 'unsupported' {
  return /cut short/.test(error) ? 'truncated' : /doesn't support/.test(error) ? 'unsupported' : 'corrupt';
}

/**
 * Read `bytes` with Paquet and check it against tshark's rows and verdict.
 * `firstFrames` limits the comparison to the first frames and skips the verdict.
 */
export function expectLikeTshark(bytes: Uint8Array, fields: readonly string[], tsv: string, verdict: TsharkVerdict, firstFrames?: number): void {
  const col = (name: string) => fields.indexOf(name);
  const C = {
    number: col('frame.number'), time: col('frame.time_epoch'), len: col('frame.len'), capLen: col('frame.cap_len'),
    ifId: col('frame.interface_id'), ifName: col('frame.interface_name'), flags: col('frame.packet_flags'),
    comment: col('frame.comment'), hash: col('paquet:data_sha256'),
  };
  let f: CaptureFile;
  if (verdict.fileType !== '' && !/pcap/.test(verdict.fileType)) {
    // Wireshark recognised some other format (an empty file as ERF, a few bytes of pcapng
    // as "MIME File Format"...): Paquet knows pcap and pcapng only, and must not claim packets.
    try {
      f = readCapture(bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(NotACaptureError);
      return;
    }
    expect([...f.records()]).toEqual([]);
    expect(f.warnings.length).toBeGreaterThan(0);
    return;
  }
  try {
    f = readCapture(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(NotACaptureError);
    expect((err as Error).message).not.toContain('\n');
    // Paquet refuses only what tshark cannot read either.
    expect(verdict.exit, verdict.error).not.toBe(0);
    expect(verdict.frames).toBe(0);
    return;
  }
  // tshark 4.0 turns pcapng custom blocks into frames without an interface: Paquet skips them.
  const rows = tsv.split('\n').filter((l) => l !== '').map((l) => l.split('\t'))
    .filter((row) => f.format !== 'pcapng' || row[C.ifId] !== '');
  let recs = [...f.records()];
  if (firstFrames !== undefined) {
    recs = recs.slice(0, firstFrames);
    rows.splice(firstFrames);
  }
  expect(recs.length).toBe(rows.length);
  recs.forEach((r, i) => {
    const row = rows[i]!;
    expect(r.tsNsec).toBeLessThan(1e9);
    const want = {
      time: subSecondOutOfRange(bytes, f, r.fileOffset) ? paquetRow(f, r).time : row[C.time],
      // tshark's frame.len stops at 2^31-1 (a signed reported length).
      len: String(Math.min(r.origLen, 0x7fffffff)) === row[C.len] ? String(r.origLen) : row[C.len],
      capLen: row[C.capLen], ifId: row[C.ifId], ifName: row[C.ifName], flags: row[C.flags], comment: row[C.comment],
    };
    expect(paquetRow(f, r), `frame ${row[C.number]}`).toEqual(want);
    expect(r.data.length).toBe(r.capLen);
    // The captured bytes themselves (tshark shows none for a few damaged frames).
    if (row[C.hash]) expect(sha256(r.data), `frame ${row[C.number]} bytes`).toBe(row[C.hash]);
  });
  if (firstFrames !== undefined) return;
  if (verdict.exit !== 0) {
    expect(f.warnings.length, `tshark: ${verdict.error}`).toBeGreaterThan(0);
    expect(f.warnings[0]!.kind, `tshark: ${verdict.error}`).toBe(tsharkDamageKind(verdict.error));
  } else {
    expect(f.warnings).toEqual([]);
  }
}
