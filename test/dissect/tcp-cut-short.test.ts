/**
 * A TCP segment the capture cut short (snapshot length) cannot be reassembled, so the
 * application dissects what is there; a revisit must do the same. The expectation is
 * tshark 4.0's, one pass and two (`tshark [-2] -r FILE -T fields -e frame.protocols`).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dissection, type DissectionOptions } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { readFrames, SHARED } from '../support/dissect-file.js';

/** One frame, 128 of 1296 bytes captured: the start of an HTTP response. */
const CUT_SHORT_HTTP = resolve(SHARED, 'corpus/linktypes/sll/ppp-SllPacket.pcap');

describe('a TCP segment cut short by the snapshot length', () => {
  const frames = readFrames(CUT_SHORT_HTTP);
  // As the tests' engine keeps everything, and as the app's worker does (rebuilding reassembled bytes from frames).
  const setups: [string, DissectionOptions][] = [
    ['all kept', {}],
    ['as the worker', { keepReassembledBytes: false, readFrame: (num) => frames[num - 1]?.data }],
  ];

  it.each(setups)('is HTTP on the first pass and on a revisit (%s)', (_, options) => {
    const d = new Dissection(defaultRegistry(), options);
    const first = d.dissect(frames[0]!, true);
    const again = d.dissect(frames[0]!, true);
    expect(first.protocols).toBe('sll:ethertype:ipv6:tcp:http');
    expect(again.protocols).toBe(first.protocols);
    expect(again.info).toBe(first.info);
    expect(treeLines(again.tree!)).toEqual(treeLines(first.tree!));
  });

  it('is HTTP when the fast path went first and the tree is made on a revisit', () => {
    const d = new Dissection(defaultRegistry());
    const fast = d.dissect(frames[0]!, false);
    const tree = d.dissect(frames[0]!, true);
    expect(fast.protocols).toBe('sll:ethertype:ipv6:tcp:http');
    expect(tree.protocols).toBe(fast.protocols);
    expect(treeLines(tree.tree!)).toContain('Hypertext Transfer Protocol');
  });
});
