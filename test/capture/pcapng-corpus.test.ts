// pcapng-test-generator cases: every packet block each testNNN.txt counts, in both byte orders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../shared/capture/index.js';
import { repoRoot } from './corpus-files.js';

const base = join(repoRoot, '..', 'shared', 'corpus', 'pcapng');

function cases(): string[] {
  const out: string[] = [];
  for (const cat of readdirSync(join(base, 'output_le')).sort()) {
    for (const f of readdirSync(join(base, 'output_le', cat)).sort()) if (f.endsWith('.pcapng')) out.push(`${cat}/${f}`);
  }
  return out;
}

/** Packet blocks in the order the description lists them, and the interfaces section by section. */
function describeCase(txt: string): { packets: string[]; idbsPerSection: number[] } {
  const seq = /Block sequence:\s*(.*)/.exec(txt)![1]!.split(',').map((s) => s.trim());
  const idbsPerSection: number[] = [];
  for (const b of seq) {
    if (b === 'SHB') idbsPerSection.push(0);
    if (b === 'IDB') idbsPerSection[idbsPerSection.length - 1]!++;
  }
  return { packets: seq.filter((b) => b === 'EPB' || b === 'SPB' || b === 'PB'), idbsPerSection };
}

describe('pcapng-test-generator corpus', () => {
  for (const c of cases()) {
    it(c, () => {
      const txt = readFileSync(join(base, 'output_le', c.replace('.pcapng', '.txt')), 'utf8');
      const { packets, idbsPerSection } = describeCase(txt);
      const counted = [...txt.matchAll(/^\t(EPB|SPB|PB): (\d+)$/gm)].reduce((n, m) => n + Number(m[2]), 0);
      expect(packets.length).toBe(counted);
      const le = readCapture(new Uint8Array(readFileSync(join(base, 'output_le', c))));
      const be = readCapture(new Uint8Array(readFileSync(join(base, 'output_be', c))));
      for (const f of [le, be]) {
        expect(f.warnings).toEqual([]);
        const recs = [...f.records()];
        expect(recs.map((r) => (r.noTimestamp ? 'SPB' : 'EPB'))).toEqual(packets);
        expect(idbsPerSection.map((_, s) => f.interfaces.filter((i) => i.section === s).length)).toEqual(idbsPerSection);
        for (const r of recs) {
          const iface = f.interfaces[r.interface]!;
          // A packet belongs to an interface of its own section.
          expect(iface.section).toBe((r as { section?: number }).section);
          if (r.noTimestamp) expect(iface.idInSection).toBe(0);
        }
      }
      const strip = (f: typeof le) => [...f.records()].map((r) => ({ ...r, data: Array.from(r.data), fileOffset: 0 }));
      expect(strip(be)).toEqual(strip(le));
      expect(be.interfaces).toEqual(le.interfaces);
    });
  }
});
