/**
 * The worker's dissection keeps no reassembled bytes: a revisit rebuilds a PDU from its
 * frames, the recent ones from memory and older ones read again from the file
 * (CaptureIndex.frameBytes, reader.readPacketSync). On a generated capture of interleaved
 * HTTP, WebSocket, DNS and ICMP conversations, larger than the memory of recent frames,
 * every packet revisited in reverse order (so the frames a PDU needs were pushed out)
 * must give the tree, bytes and columns a dissection that keeps everything gives.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../main/capture-file/index.js';
import { CaptureIndex } from '../../main/worker/capture-index.js';
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import type { TreeNode } from '../../shared/dissect/tree.js';
import { fieldText } from '../../shared/format/field-text.js';
import { writeGeneratedCapture } from '../bench/generated-capture.mjs';
import { TMP } from './harness.js';

function render(nodes: readonly TreeNode[] | null, out: string[] = [], depth = 0): string[] {
  for (const n of nodes ?? []) {
    out.push(`${depth} ${n.def.abbrev}@${n.source}:${n.offset}+${n.length}=${fieldText(n)}|${n.text ?? ''}${n.suffix ?? ''}`);
    render(n.children, out, depth + 1);
  }
  return out;
}

const shown = (d: Dissected): string[] => [
  d.src, d.dst, d.protocol, d.info, d.protocols, ...render(d.tree), ...d.sources.map((s) => `${s.name}: ${[...s.tvb.bytes].join(',')}`),
];

describe('revisits rebuild reassembled data from frames read again', () => {
  it('gives every packet of a 6,000-packet capture as a dissection that keeps the bytes does', async () => {
    mkdirSync(TMP, { recursive: true });
    const path = join(TMP, 'revisit-from-disk.pcap');
    writeGeneratedCapture(path, { count: 6000, concurrent: 60, seed: 7 });
    const reader = await openCaptureFile(path);
    const cap = new CaptureIndex(reader, defaultRegistry(), { packet: () => {}, changed: () => {} }, false);
    cap.start();
    await cap.whenIndexed();
    expect(cap.indexed).toBe(6000);
    let diskReads = 0;
    const readSync = reader.readPacketSync.bind(reader);
    reader.readPacketSync = (n: number) => {
      diskReads++;
      return readSync(n);
    };
    const kept = new Dissection(defaultRegistry());
    const records = [];
    for await (const rec of reader.records()) records.push(rec);
    for (const rec of records) kept.dissect(frameInputFrom(rec, reader.interfaces), false);
    for (let i = records.length - 1; i >= 0; i--) {
      const want = kept.dissect(frameInputFrom(records[i]!, reader.interfaces), true);
      expect(shown(await cap.dissect(i, true)), `packet ${i + 1}`).toEqual(shown(want));
    }
    // Older frames were read from the file, not only remembered.
    expect(diskReads).toBeGreaterThan(100);
    await cap.close();
  }, 120_000);
});
