// The pcapng writer: Paquet reads back what it wrote, and so do tshark and capinfos.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapngWriter, readCapture, type CaptureFile, type CaptureRecord } from '../../shared/capture/index.js';
import { corpusPath, expectedIndex, shortName } from './corpus-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'paquet-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Write every record of `f` (all sections become one, interfaces keep their file-wide numbers). */
function rewrite(f: CaptureFile, withStats = false): Uint8Array {
  const w = new PcapngWriter({ userAppl: 'Paquet 0.1.0' });
  const parts = [w.start(f.interfaces)];
  let last: CaptureRecord | undefined;
  for (const r of f.records()) { parts.push(w.packet(r)); last = r; }
  if (withStats && last) parts.push(w.statistics({ interface: 0, tsSec: last.tsSec, tsNsec: last.tsNsec, received: 10, dropped: 1 }));
  return concat(parts);
}

const essentials = (r: CaptureRecord) => ({
  interface: r.interface, tsSec: r.noTimestamp ? 0 : r.tsSec, tsNsec: r.noTimestamp ? 0 : r.tsNsec,
  origLen: r.origLen, capLen: r.capLen, data: Array.from(r.data), comments: r.comments, epbFlags: r.epbFlags,
});
const ifaceEssentials = (i: CaptureFile['interfaces'][number]) =>
  ({ linkType: i.linkType, snapLen: i.snapLen, name: i.name, description: i.description, filter: i.filter, tsResolution: i.tsResolution });

const readable = expectedIndex.files.filter((e) => {
  try { return [...readCapture(new Uint8Array(readFileSync(corpusPath(e)))).records()].length > 0; } catch { return false; }
});

describe('Paquet reads back what it wrote', () => {
  for (const e of readable) {
    it(shortName(e), () => {
      const original = readCapture(new Uint8Array(readFileSync(corpusPath(e))));
      const written = rewrite(original, true);
      const back = readCapture(written);
      expect(back.format).toBe('pcapng');
      expect(back.warnings).toEqual([]);
      expect(back.interfaces.map(ifaceEssentials)).toEqual(original.interfaces.map(ifaceEssentials));
      expect([...back.records()].map(essentials)).toEqual([...original.records()].map(essentials));
      // Writing what was read back gives the same bytes again.
      expect(Array.from(rewrite(back, true))).toEqual(Array.from(written));
    });
  }
});

describe('the writer encodes', () => {
  it('an SHB naming the application, IDB options and an ns resolution only when asked', () => {
    const w = new PcapngWriter({ userAppl: 'Paquet 9.9.9' });
    const bytes = concat([
      w.start([
        { linkType: 1, snapLen: 65535, name: 'eth0', filter: 'tcp port 80' },
        { linkType: 276, snapLen: 262144, name: 'any', description: 'all', tsResolution: '10^-9' },
      ]),
      w.packet({ interface: 1, tsSec: 1_700_000_000, tsNsec: 123_456_789, origLen: 4, data: Uint8Array.of(1, 2, 3, 4), comments: ['héllo', 'two'], epbFlags: 1 }),
      w.packet({ interface: 0, tsSec: 1_700_000_000, tsNsec: 123_456_789, origLen: 100, data: Uint8Array.of(9) }),
    ]);
    expect(new TextDecoder().decode(bytes)).toContain('Paquet 9.9.9');
    const f = readCapture(bytes);
    expect(f.interfaces.map((i) => [i.name, i.filter, i.tsResolution])).toEqual([['eth0', 'tcp port 80', '10^-6'], ['any', undefined, '10^-9']]);
    const [a, b] = [...f.records()];
    expect([a!.tsSec, a!.tsNsec, a!.comments, a!.epbFlags]).toEqual([1_700_000_000, 123_456_789, ['héllo', 'two'], 1]);
    // A microsecond interface keeps microseconds.
    expect([b!.tsNsec, b!.origLen, b!.capLen]).toEqual([123_456_000, 100, 1]);
  });

  it('refuses a packet on an interface it has not described', () => {
    const w = new PcapngWriter({ userAppl: 'Paquet' });
    w.start([{ linkType: 1, snapLen: 0 }]);
    expect(() => w.packet({ interface: 1, tsSec: 0, tsNsec: 0, origLen: 0, data: new Uint8Array(0) })).toThrow(RangeError);
  });
});

const tsharkHere = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0
  && spawnSync('capinfos', ['-h'], { encoding: 'utf8' }).status === 0;
if (!tsharkHere) console.log('pcapng writer: tshark/capinfos checks skipped: tshark or capinfos is not installed');

describe.skipIf(!tsharkHere)('tshark and capinfos read the writer output without complaint', () => {
  const samples = ['captures/workerman-chat-7272.pcap', 'corpus/pcapng/output_le/difficult/test202.pcapng',
    'corpus/pcapng/output_be/advanced/test102.pcapng', 'corpus/pcap-format/pcapplusplus/nanosecs.pcap', 'corpus/pcapng/output_le/basic/test009.pcapng'];
  for (const rel of samples) {
    it(rel, () => {
      const original = readCapture(new Uint8Array(readFileSync(join(corpusPath({ file: '../shared/' + rel } as never)))));
      const path = join(tmp, rel.replace(/\W+/g, '_') + '.pcapng');
      writeFileSync(path, rewrite(original, true));
      const quiet = (s: string) => s.split('\n').filter((l) => l && !l.startsWith('Running as user')).join('\n');

      const cap = spawnSync('capinfos', ['-M', '-c', '-E', '-T', '-r', path], { encoding: 'utf8' });
      expect(quiet(cap.stderr)).toBe('');
      expect(cap.status).toBe(0);
      const [, encap, count] = cap.stdout.trim().split('\t');
      expect(Number(count)).toBe([...original.records()].length);
      expect(encap).toBeTruthy();

      const t = spawnSync('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len',
        '-e', 'frame.interface_id', '-e', 'frame.comment', '-e', 'frame.packet_flags', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=|'], { encoding: 'utf8' });
      expect(quiet(t.stderr)).toBe('');
      expect(t.status).toBe(0);
      const rows = t.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
      const want = [...original.records()].map((r) => [
        r.noTimestamp ? '0.000000000' : `${r.tsSec}.${String(r.tsNsec).padStart(9, '0')}`,
        String(r.origLen), String(r.capLen), String(r.interface),
        (r.comments ?? []).join('|').replace(/\r/g, '\\r').replace(/\n/g, '\\n'),
        r.epbFlags === undefined ? '' : `0x${r.epbFlags.toString(16).padStart(8, '0')}`,
      ]);
      expect(rows).toEqual(want);
    });
  }
});
