/**
 * TCP riding in a reassembled IPv4 datagram: TCP's offsets are the datagram's, not
 * the frame's, so what TCP keeps of the segment must be read from the buffer TCP was given.
 * The expectations are tshark 4.0's (`tshark -n -r FILE -V` and `-x`).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dissection } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { walk } from '../../shared/dissect/tree.js';
import { packetHexDump } from '../../shared/format/hexdump.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { dissectFile, fieldOccurrences, readFrames, SHARED } from '../support/dissect-file.js';

/** Frames 2-4 are fragments; frame 5 completes the datagram, whose TCP segment starts an HTTP request cut short. */
const FRAGMENTED = resolve(SHARED, 'corpus/ip-tcp/zeek/ipv4-fragmented-4.pcap');

describe('TCP in a reassembled IPv4 datagram', () => {
  it('keeps the segment\'s bytes from the datagram, as tshark shows them, with no malformed item', () => {
    const p = dissectFile(FRAGMENTED).packets[4]!;
    const lines = treeLines(p.tree!);
    expect(lines).toContain('    TCP segment data (69 bytes)');
    expect(lines.some((l) => l.includes('Malformed'))).toBe(false);
    expect(p.protocols).toBe('eth:ethertype:ip:tcp');
    expect(p.info.endsWith(' [TCP segment of a reassembled PDU]')).toBe(true);
    // The kept bytes are the TCP payload's, and point into the reassembled datagram (source 1).
    expect(fieldOccurrences(p, 'tcp.segment_data')).toBe(fieldOccurrences(p, 'tcp.payload'));
    const kept = [...walk(p.tree!)].find((n) => n.def.abbrev === 'tcp.segment_data')!;
    expect(p.sources[kept.source]!.name).toBe('Reassembled IPv4');
  });

  it('gives the same tree and columns on a revisit', () => {
    const frames = readFrames(FRAGMENTED);
    const d = new Dissection(defaultRegistry());
    const first = frames.map((f) => d.dissect(f, true));
    const again = d.dissect(frames[4]!, true);
    expect([again.info, again.protocols]).toEqual([first[4]!.info, first[4]!.protocols]);
    expect(treeLines(again.tree!)).toEqual(treeLines(first[4]!.tree!));
  });

  it('names the datagram in the hex dump once with its length, as tshark -x does', () => {
    const p = dissectFile(FRAGMENTED).packets[4]!;
    const headers = packetHexDump(p.sources).filter((l) => l.endsWith('):'));
    expect(headers).toEqual(['Frame (82 bytes):', 'Reassembled IPv4 (89 bytes):']);
  });
});
