// A capture past 2 GiB (and 2^31, where 32-bit offsets would wrap): a sparse pcapng whose
// filler is unknown-type blocks of zeros, so the test costs no disk space.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openCaptureFile } from '../../main/capture-file/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'paquet-large-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function block(type: number, body: Uint8Array): Uint8Array {
  const len = 12 + body.length;
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, len, true);
  b.set(body, 8);
  v.setUint32(len - 4, len, true);
  return b;
}

function epb(seq: number): Uint8Array {
  const body = new Uint8Array(20 + 8);
  const v = new DataView(body.buffer);
  v.setUint32(0, 0, true); // interface 0
  v.setUint32(4, 0, true);
  v.setUint32(8, 1_700_000_000 + seq, true); // µs since the epoch: low word only
  v.setUint32(12, 8, true);
  v.setUint32(16, 8, true);
  v.setFloat64(20, seq, true);
  return block(6, body);
}

it('opens a 2.2 GB pcapng and reads packets beyond 2^31 by offset', async () => {
  const path = join(tmp, 'big.pcapng');
  const fd = openSync(path, 'w');
  let at = 0;
  const put = (b: Uint8Array) => { writeSync(fd, b, 0, b.length, at); at += b.length; };
  const shb = new Uint8Array(16);
  new DataView(shb.buffer).setUint32(0, 0x1a2b3c4d, true);
  new DataView(shb.buffer).setUint16(4, 1, true);
  new DataView(shb.buffer).setBigInt64(8, -1n, true);
  put(block(0x0a0d0d0a, shb));
  const idb = new Uint8Array(8);
  new DataView(idb.buffer).setUint16(0, 1, true);
  put(block(1, idb));
  put(epb(0));
  const FILLER = 16 * 1024 * 1024;
  const fillerEnds: number[] = [];
  let seq = 1;
  while (at < 2 ** 31 + 3 * FILLER) {
    // Header and trailer of an unknown-type block; the zeros between stay a hole.
    const head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, 0x0000abcd, true);
    new DataView(head.buffer).setUint32(4, FILLER, true);
    writeSync(fd, head, 0, 8, at);
    writeSync(fd, head.subarray(4), 0, 4, at + FILLER - 4);
    at += FILLER;
    fillerEnds.push(at);
    put(epb(seq++));
  }
  closeSync(fd);
  expect(at).toBeGreaterThan(2 ** 31);

  const f = await openCaptureFile(path);
  try {
    expect(f.warnings).toEqual([]);
    expect(f.packetCount).toBe(seq);
    const last = await f.readPacket(seq - 1);
    expect(last.fileOffset).toBe(fillerEnds[fillerEnds.length - 1]);
    expect(last.fileOffset).toBeGreaterThan(2 ** 31);
    expect(new DataView(last.data.buffer, last.data.byteOffset).getFloat64(0, true)).toBe(seq - 1);
    expect([last.tsSec, last.tsNsec]).toEqual([1700, (seq - 1) * 1000]);
    const first = await f.readPacket(0);
    expect(new DataView(first.data.buffer, first.data.byteOffset).getFloat64(0, true)).toBe(0);
  } finally {
    await f.close();
  }
}, 180_000);
