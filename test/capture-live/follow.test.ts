/**
 * The follower reads a pcapng file while it grows: blocks cut anywhere by the
 * writer's appends come out once, whole, in order. No capture needed: the file
 * is written here with Paquet's pcapng writer, in uneven pieces.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../shared/capture/pcapng-writer.js';
import type { CaptureRecord } from '../../shared/capture/types.js';
import { PcapngFollower } from '../../main/capture/follow.js';

const dir = mkdtempSync(join(tmpdir(), 'paquet-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function packetBytes(i: number): Uint8Array {
  const len = 1 + ((i * 37) % 300);
  return Uint8Array.from({ length: len }, (_, k) => (i + k) & 0xff);
}

describe('PcapngFollower', () => {
  it('returns each packet once, whole, however the file grows', async () => {
    const w = new PcapngWriter({ userAppl: 'test' });
    const parts: Uint8Array[] = [w.start([{ linkType: 1, snapLen: 262144, name: 'lo', filter: 'udp', tsResolution: '10^-9' }])];
    const N = 200;
    for (let i = 0; i < N; i++) {
      const data = packetBytes(i);
      parts.push(w.packet({ interface: 0, tsSec: 1_700_000_000 + i, tsNsec: i * 1001, origLen: data.length + 5, data }));
    }
    parts.push(w.statistics({ interface: 0, tsSec: 1_700_001_000, tsNsec: 0, received: 210, osDropped: 10, delivered: N }));
    const all = Buffer.concat(parts);

    const file = join(dir, 'growing.pcapng');
    writeFileSync(file, '');
    const f = new PcapngFollower(file);
    const seen: CaptureRecord[] = [];
    // Uneven pieces (1 byte to ~3 kB), cutting headers, data and trailers alike.
    let at = 0;
    let step = 1;
    while (at < all.length) {
      const next = Math.min(all.length, at + step);
      appendFileSync(file, all.subarray(at, next));
      at = next;
      step = (step * 7 + 13) % 3001 || 1;
      seen.push(...(await f.read()));
      expect(f.completeOffset + f.incompleteBytes).toBe(at);
    }
    await f.close();

    expect(seen.length).toBe(N);
    seen.forEach((r, i) => {
      expect(r.index).toBe(i);
      expect(r.tsSec).toBe(1_700_000_000 + i);
      expect(r.tsNsec).toBe(i * 1001);
      expect(r.capLen).toBe(packetBytes(i).length);
      expect(r.origLen).toBe(packetBytes(i).length + 5);
      expect(Buffer.from(r.data).equals(Buffer.from(packetBytes(i)))).toBe(true);
    });
    expect(f.interfaces).toEqual([{ linkType: 1, snapLen: 262144, name: 'lo', filter: 'udp', tsResolution: '10^-9', section: 0 }]);
    expect(f.stats).toEqual({ received: 210n, osDropped: 10n, delivered: BigInt(N) });
    expect(f.incompleteBytes).toBe(0);
  });

  it('converts microsecond timestamps (no if_tsresol) to nanoseconds', async () => {
    const w = new PcapngWriter({ userAppl: 'test' });
    const file = join(dir, 'micro.pcapng');
    const data = Uint8Array.of(1, 2, 3);
    writeFileSync(file, Buffer.concat([w.start([{ linkType: 1, snapLen: 65535 }]), w.packet({ interface: 0, tsSec: 5, tsNsec: 123_456_000, origLen: 3, data })]));
    const f = new PcapngFollower(file);
    const [r] = await f.read();
    await f.close();
    expect([r?.tsSec, r?.tsNsec]).toEqual([5, 123_456_000]);
  });
});
