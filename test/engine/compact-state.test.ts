/**
 * What a dissection keeps per frame and per conversation is held in compact stores
 * (typed arrays, numbers instead of BigInt while exact). These tests pin down that the
 * stores give back exactly what was put in, including the cases the compact forms
 * cannot hold (times past 2^53 ns, memos set out of order), and that revisits rebuilt
 * from them match the first pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import { FrameMemos, FrameTimes } from '../../shared/dissect/frame-store.js';
import { bigNs, nsSince, nsSub } from '../../shared/dissect/ns.js';
import { EndpointPairs } from '../../shared/dissect/proto/endpoint-pairs.js';
import type { SegmentAnalysis } from '../../shared/dissect/proto/tcp-analysis.js';
import { TcpFrames } from '../../shared/dissect/proto/tcp-frames.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import type { TreeNode } from '../../shared/dissect/tree.js';
import { fieldText } from '../../shared/format/field-text.js';
import { readFrames, REPO } from '../support/dissect-file.js';
import { ACK, Conversation, values } from '../dissect/tcp-builder.js';

function render(nodes: readonly TreeNode[] | null, depth = 0, out: string[] = []): string[] {
  for (const n of nodes ?? []) {
    out.push(`${' '.repeat(depth)}${n.def.abbrev}@${n.source}:${n.offset}+${n.length}=${fieldText(n)}|${n.text ?? ''}${n.suffix ?? ''}`);
    render(n.children, depth + 1, out);
  }
  return out;
}

const summary = (d: Dissected): string => [d.src, d.dst, d.protocol, d.info, d.protocols].join(' | ');

describe('FrameMemos', () => {
  it('gives back each memo of each frame, several keys per frame, set in frame order', () => {
    const m = new FrameMemos();
    m.set(1, 'a', 10);
    m.set(1, 'b', { x: 1 });
    m.set(3, 'a', true);
    m.set(3, 'a', false);
    expect(m.get(1, 'a')).toBe(10);
    expect(m.get(1, 'b')).toEqual({ x: 1 });
    expect(m.get(3, 'a')).toBe(false);
    expect(m.get(2, 'a')).toBeUndefined();
    expect(m.get(1, 'c')).toBeUndefined();
    expect(m.get(4, 'b')).toBeUndefined();
  });

  it('gives back values of any kind: integers, other numbers, objects, a value replaced by another kind', () => {
    const m = new FrameMemos();
    const obj = { a: 1 };
    m.set(1, 'int', -5);
    m.set(1, 'big', 2 ** 40);
    m.set(1, 'neg0', -0);
    m.set(1, 'frac', 0.5);
    m.set(1, 'obj', obj);
    m.set(2, 'x', 7);
    m.set(2, 'x', 'seven');
    m.set(2, 'y', 'str');
    m.set(2, 'y', 8);
    expect([m.get(1, 'int'), m.get(1, 'big'), m.get(1, 'frac'), m.get(1, 'obj')]).toEqual([-5, 2 ** 40, 0.5, obj]);
    expect(Object.is(m.get(1, 'neg0'), -0)).toBe(true);
    expect(m.get(1, 'obj')).toBe(obj);
    expect([m.get(2, 'x'), m.get(2, 'y')]).toEqual(['seven', 8]);
  });

  it('keeps a memo set for an earlier frame (a revisit) without disturbing the others', () => {
    const m = new FrameMemos();
    for (let f = 1; f <= 3000; f++) m.set(f, f % 2 ? 'odd' : 'even', f);
    m.set(10, 'late', 'x');
    m.set(11, 'odd', -11);
    expect(m.get(10, 'late')).toBe('x');
    expect(m.get(10, 'even')).toBe(10);
    expect(m.get(11, 'odd')).toBe(-11);
    expect(m.get(2999, 'odd')).toBe(2999);
    expect(m.get(3000, 'even')).toBe(3000);
    expect(m.get(3000, 'odd')).toBeUndefined();
  });
});

describe('FrameTimes', () => {
  it('gives every frame its time back exactly, and the time between two frames', () => {
    const t = new FrameTimes();
    t.push(1_700_000_000, 999_999_999);
    t.push(1_700_000_001, 0);
    // Not an int32: kept aside, still exact.
    t.push(4_000_000_000, 5_000_000_000);
    for (let i = 0; i < 5000; i++) t.push(1_700_000_002 + i, i);
    expect(t.count).toBe(5003);
    expect(t.ns(1)).toBe(1_700_000_000_999_999_999n);
    expect(t.between(2, 1)).toBe(1n);
    expect(t.ns(3)).toBe(4_000_000_005_000_000_000n);
    expect(t.nsec(3)).toBe(5_000_000_000);
    expect(t.ns(5003)).toBe(1_700_005_001_000_004_999n);
  });
});

describe('TcpFrames', () => {
  const analysis = (over: Partial<SegmentAnalysis>): SegmentAnalysis => ({
    stream: 0, direction: 0, relSeq: 1, relAck: 0, relNxt: 1, ackBase: 0, completeness: 1, timeRelNs: 0, timeDeltaNs: 0, firstFrame: 1, prevFrame: 1,
    winScale: -1, flags: {}, acksFrame: undefined, ackRttNs: undefined, iRttNs: undefined, bytesInFlight: undefined, pushBytes: undefined,
    duplicateData: false, overlap: 0, fin: undefined, ...over,
  });
  const header = { seq: 5000, ack: 0, flags: 0x10, seglen: 0, payloadStart: 54, payloadEnd: 54 };

  it('gives back segments whose stream neighbours are more than 65,535 frames away', () => {
    const times = new FrameTimes();
    for (let i = 1; i <= 100_000; i++) times.push(1_700_000_000 + Math.floor(i / 1000), (i % 1000) * 1_000_000);
    const store = new TcpFrames(times);
    store.save(1, analysis({ firstFrame: 1, prevFrame: 1 }), header.seq);
    store.save(2, analysis({ direction: 1, firstFrame: 1, prevFrame: 1, acksFrame: 1, relSeq: 7, ackBase: 99 }), header.seq);
    store.save(100_000, analysis({ firstFrame: 1, prevFrame: 2, acksFrame: 2, bytesInFlight: 10, pushBytes: 3, flags: { windowUpdate: true } }), header.seq);
    const a = store.load(100_000, { ...header, ack: 150 })!.a;
    expect([a.prevFrame, a.acksFrame, a.bytesInFlight, a.pushBytes, a.flags.windowUpdate, a.relAck]).toEqual([2, 2, 10, 3, true, 150]);
    expect(a.timeDeltaNs).toBe(times.between(100_000, 2));
    expect(a.ackRttNs).toBe(times.between(100_000, 2));
    expect(a.timeRelNs).toBe(times.between(100_000, 1));
    const b = store.load(2, header)!.a;
    expect([b.direction, b.relSeq, b.ackBase, b.acksFrame, b.prevFrame]).toEqual([1, 7, 99, 1, 1]);
    expect(store.load(3, header)).toBeUndefined();
  });

  it('gives back relSeq and ackBase from the flows\' bases, and exactly when a base changed or was not known', () => {
    const times = new FrameTimes();
    for (let i = 1; i <= 10; i++) times.push(1_700_000_000, i);
    const store = new TcpFrames(times);
    const seqOf = (base: number, rel: number): number => (base + rel) >>> 0;
    // [direction, seq, relSeq, ackBase]: a SYN before the other side is known (ackBase 0), the answer, data,
    // then a SYN with a new initial sequence number (its relSeq no longer follows the first base), near 2^32.
    const segments: [0 | 1, number, number, number][] = [
      [0, seqOf(0xfffffff0, 0), 0, 0],
      [1, seqOf(1000, 0), 0, 0xfffffff0],
      [0, seqOf(0xfffffff0, 1), 1, 1000],
      [1, seqOf(1000, 1), 1, 0xfffffff0],
      [0, seqOf(77, 0), 0, 1000],
      [0, seqOf(77, 500), 500, 1000],
      [1, seqOf(1000, 0x20), 0x20, 0],
    ];
    segments.forEach(([direction, seq, relSeq, ackBase], k) => {
      store.save(k + 1, analysis({ direction, relSeq, ackBase, prevFrame: k + 1 }), seq);
    });
    segments.forEach(([direction, seq, relSeq, ackBase], k) => {
      const a = store.load(k + 1, { ...header, seq })!.a;
      expect([a.direction, a.relSeq, a.ackBase], `frame ${k + 1}`).toEqual([direction, relSeq, ackBase]);
    });
  });

  it('widens its stream and count columns when a value does not fit, keeping the values before', () => {
    const times = new FrameTimes();
    for (let i = 1; i <= 400; i++) times.push(1_700_000_000, i);
    const store = new TcpFrames(times);
    const values = [0, 1, 254, 255, 256, 65_534, 65_535, 65_536, 0x7fffffff];
    const at = (k: number): Partial<SegmentAnalysis> => {
      const v = values[k % values.length]!;
      return { stream: Math.min(v, 70_000), bytesInFlight: k % 3 ? v : undefined, pushBytes: k % 2 ? v : undefined };
    };
    for (let k = 0; k < 300; k++) {
      const over = at(k);
      // Each stream's first segment is its first frame; later ones of the same stream point back to it.
      store.save(k + 1, analysis({ ...over, firstFrame: values.indexOf(Math.min(values[k % values.length]!, 70_000)) + 1, prevFrame: k + 1 }), header.seq);
    }
    for (let k = 0; k < 300; k++) {
      const a = store.load(k + 1, header)!.a;
      const want = at(k);
      expect([a.stream, a.bytesInFlight, a.pushBytes], `frame ${k + 1}`).toEqual([want.stream, want.bytesInFlight, want.pushBytes]);
    }
  });
});

describe('Ns times', () => {
  it('are numbers while exact and BigInt beyond, with exact differences either way', () => {
    expect(nsSince(100, 101, 5)).toBe(1_000_000_005);
    const far = nsSince(0, 20_000_000, 1);
    expect(typeof far).toBe('bigint');
    expect(far).toBe(20_000_000_000_000_001n);
    expect(nsSub(far, 1)).toBe(20_000_000_000_000_000n);
    expect(nsSub(2 ** 53 - 1, -(2 ** 53 - 1))).toBe(2n ** 54n - 2n);
    expect(bigNs(nsSub(5, 7))).toBe(-2n);
    // Thresholds compare a number with a BigInt exactly.
    expect(far > 3_000_000).toBe(true);
  });
});

describe('EndpointPairs', () => {
  it('finds a pair from either side, tells ports and addresses apart, and keeps the latest value', () => {
    const t = new EndpointPairs<string>();
    t.set('10.0.0.1', -1, 1000, '10.0.0.2', -1, 80, 'a');
    expect(t.get('10.0.0.2', -1, 80, '10.0.0.1', -1, 1000)).toBe('a');
    expect(t.get('10.0.0.1', -1, 1001, '10.0.0.2', -1, 80)).toBeUndefined();
    expect(t.get('10.0.0.1', -1, 80, '10.0.0.2', -1, 1000)).toBeUndefined();
    // The same IPv4 address given as its number (as IPv4 does) is the same address.
    expect(t.get('10.0.0.1', 0x0a000001, 1000, '10.0.0.2', 0x0a000002, 80)).toBe('a');
    t.set('10.0.0.2', 0x0a000002, 80, '10.0.0.1', -1, 1000, 'b');
    expect(t.get('10.0.0.1', -1, 1000, '10.0.0.2', -1, 80)).toBe('b');
    t.set('fe80::1', -1, 5, '::1', -1, 5, 'v6');
    expect(t.get('::1', -1, 5, 'fe80::1', -1, 5)).toBe('v6');
    // Text that only looks like an address is not an IPv4 one.
    t.set('010.0.0.1', -1, 1, '1.2.3.4', -1, 2, 'odd');
    expect(t.get('10.0.0.1', -1, 1, '1.2.3.4', -1, 2)).toBeUndefined();
    expect(t.get('010.0.0.1', -1, 1, '1.2.3.4', -1, 2)).toBe('odd');
    expect(t.size).toBe(3);
  });

  it('still finds every pair after growing well past its first size', () => {
    const t = new EndpointPairs<number>();
    for (let i = 0; i < 20000; i++) t.set(`10.${i >> 8}.${i & 255}.1`, -1, i & 0xffff, '192.168.0.1', -1, 443, i);
    for (let i = 0; i < 20000; i += 7) expect(t.get('192.168.0.1', -1, 443, `10.${i >> 8}.${i & 255}.1`, -1, i & 0xffff)).toBe(i);
    expect(t.size).toBe(20000);
  });
});

describe('TCP times far apart', () => {
  it('shows exact times past 2^53 nanoseconds (200 days), on the first pass and on a revisit', () => {
    const day = 86_400_000_000; // microseconds
    const c = new Conversation(9000)
      .raw({ fromClient: true, seq: 1001, ack: 5001, flags: ACK | 0x08, payload: 'hello', t: 200 * day })
      .raw({ fromClient: false, seq: 5001, ack: 1006, flags: ACK, t: 200 * day + 1500 });
    const frames = c.frames().map((f, i) => (i < 3 ? { ...f, tsSec: 1_700_000_000, tsNsec: (i + 1) * 1000 } : f));
    const dissection = new Dissection(defaultRegistry());
    const first = frames.map((f) => dissection.dissect(f, true));
    expect(values(first[3]!, 'tcp.time_relative')).toEqual(['17279999.999999000']);
    expect(values(first[4]!, 'tcp.analysis.ack_rtt')).toEqual(['0.001500000']);
    expect(values(first[4]!, 'tcp.time_relative')).toEqual(['17280000.001499000']);
    for (let i = frames.length - 1; i >= 0; i--) {
      expect(render(dissection.dissect(frames[i]!, true).tree), `frame ${i + 1}`).toEqual(render(first[i]!.tree));
    }
  });
});

describe('reassembled bytes rebuilt from their frames (keepReassembledBytes: false)', () => {
  const captures = [...new Set(
    (JSON.parse(readFileSync(join(REPO, 'test/golden/cases/tcp-http-ws.json'), 'utf8')) as { capture: string }[]).map((c) => c.capture),
  )].sort();

  it('revisits every frame exactly as when the bytes are kept, given the frames it names', () => {
    let named = 0;
    for (const capture of captures) {
      const frames = readFrames(capture);
      const kept = new Dissection(defaultRegistry());
      const lean = new Dissection(defaultRegistry(), { keepReassembledBytes: false });
      for (const f of frames) {
        expect(summary(lean.dissect(f, false)), `${capture} frame ${f.num}`).toBe(summary(kept.dissect(f, false)));
      }
      for (let i = frames.length - 1; i >= 0; i--) {
        const num = frames[i]!.num;
        expect(kept.framesNeeded(num)).toEqual([]);
        const need = lean.framesNeeded(num);
        named += need.length;
        const others = new Map(need.map((n) => [n, frames[n - 1]!.data]));
        const a = lean.dissect(frames[i]!, true, others);
        const b = kept.dissect(frames[i]!, true);
        expect(summary(a), `${capture} frame ${num}`).toBe(summary(b));
        expect(render(a.tree), `${capture} frame ${num}`).toEqual(render(b.tree));
        expect(a.sources.map((s) => [s.name, [...s.tvb.bytes].join(',')])).toEqual(b.sources.map((s) => [s.name, [...s.tvb.bytes].join(',')]));
      }
    }
    // The captures do reassemble PDUs across frames: the rebuild was exercised.
    expect(named).toBeGreaterThan(10);
  });

  it('reads the frames a revisit needs through readFrame, keeping no list of them', () => {
    let reads = 0;
    for (const capture of captures) {
      const frames = readFrames(capture);
      const kept = new Dissection(defaultRegistry());
      const readFrame = (n: number): Uint8Array | undefined => {
        reads++;
        return frames[n - 1]?.data;
      };
      const lean = new Dissection(defaultRegistry(), { keepReassembledBytes: false, readFrame });
      for (const f of frames) {
        kept.dissect(f, false);
        lean.dissect(f, false);
      }
      for (let i = frames.length - 1; i >= 0; i--) {
        expect(lean.framesNeeded(frames[i]!.num)).toEqual([]);
        const a = lean.dissect(frames[i]!, true);
        const b = kept.dissect(frames[i]!, true);
        expect(summary(a), `${capture} frame ${frames[i]!.num}`).toBe(summary(b));
        expect(render(a.tree), `${capture} frame ${frames[i]!.num}`).toEqual(render(b.tree));
      }
    }
    expect(reads).toBeGreaterThan(10);
  });

  it('says which frames are missing when a revisit is not given them', () => {
    for (const capture of captures) {
      const frames = readFrames(capture);
      const lean = new Dissection(defaultRegistry(), { keepReassembledBytes: false });
      for (const f of frames) lean.dissect(f, false);
      const f = frames.find((x) => lean.framesNeeded(x.num).length > 0);
      if (!f) continue;
      const need = lean.framesNeeded(f.num);
      expect(() => lean.dissect(f, true)).toThrow(`frame ${f.num} is dissected again from frames ${need.join(', ')}`);
      return;
    }
    throw new Error('no capture reassembles across frames');
  });
});
