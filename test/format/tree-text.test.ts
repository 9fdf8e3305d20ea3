/**
 * Tree labels built from field declarations, against the lines tshark
 * prints (PDML showname) for the same fields: value names, hex widths
 * (type width, or the mask's width for bit fields), bit pictures, boolean
 * words, units and times. The declarations mirror Wireshark's (tshark -G
 * fields); the expected lines and the values come from tshark.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDef, FieldValue } from '../../shared/dissect/field.js';
import { TreeNode } from '../../shared/dissect/tree.js';
import { makeTvb } from '../../shared/dissect/tvb.js';
import { bitfieldPrefix, defaultLabel, itemLabel, treeLines } from '../../shared/format/tree-text.js';
import labels from '../cli/expected/labels.json' with { type: 'json' };
// @ts-ignore: plain ESM module shared with the generator script
import { LONG_URI, LONG_USER_AGENT } from '../cli/cases.mjs';
import { expected, lines } from './support.js';

const SET: readonly [string, string] = ['Set', 'Not set'];
const DEFS: Record<string, FieldDef> = {
  'frame.time': { abbrev: 'frame.time', name: 'Arrival Time', type: 'absolute_time' },
  'frame.time_epoch': { abbrev: 'frame.time_epoch', name: 'Epoch Time', type: 'absolute_time', base: 'dec', unit: ' seconds' },
  'frame.time_relative': { abbrev: 'frame.time_relative', name: 'Time since reference or first frame', type: 'relative_time', unit: ' seconds' },
  'frame.marked': { abbrev: 'frame.marked', name: 'Frame is marked', type: 'boolean' },
  'frame.number': { abbrev: 'frame.number', name: 'Frame Number', type: 'uint32' },
  'sll.etype': { abbrev: 'sll.etype', name: 'Protocol', type: 'uint16', base: 'hex', strings: { 0x0800: 'IPv4' } },
  'sll.pkttype': { abbrev: 'sll.pkttype', name: 'Packet type', type: 'uint16', base: 'dec', strings: { 0: 'Unicast to us' } },
  'ip.version': { abbrev: 'ip.version', name: 'Version', type: 'uint8', bitmask: 0xf0, bits: 8 },
  'ip.dsfield.ecn': { abbrev: 'ip.dsfield.ecn', name: 'Explicit Congestion Notification', type: 'uint8', bitmask: 0x03, strings: { 0: 'Not ECN-Capable Transport' } },
  'ip.id': { abbrev: 'ip.id', name: 'Identification', type: 'uint16', base: 'hex_dec' },
  'ip.frag_offset': { abbrev: 'ip.frag_offset', name: 'Fragment Offset', type: 'uint16', bitmask: 0x1fff },
  'ip.ttl': { abbrev: 'ip.ttl', name: 'Time to Live', type: 'uint8' },
  'ip.proto': { abbrev: 'ip.proto', name: 'Protocol', type: 'uint8', strings: { 6: 'TCP' } },
  'ip.src': { abbrev: 'ip.src', name: 'Source Address', type: 'ipv4' },
  'tcp.srcport': { abbrev: 'tcp.srcport', name: 'Source Port', type: 'uint16' },
  'tcp.flags.res': { abbrev: 'tcp.flags.res', name: 'Reserved', type: 'boolean', bits: 12, bitmask: 0xe00, tfs: SET },
  'tcp.flags.syn': { abbrev: 'tcp.flags.syn', name: 'Syn', type: 'boolean', bits: 12, bitmask: 0x002, tfs: SET },
  'tcp.flags.ack': { abbrev: 'tcp.flags.ack', name: 'Acknowledgment', type: 'boolean', bits: 12, bitmask: 0x010, tfs: SET },
  'websocket.fin': { abbrev: 'websocket.fin', name: 'Fin', type: 'boolean', bits: 8, bitmask: 0x80 },
  'websocket.rsv': { abbrev: 'websocket.rsv', name: 'Reserved', type: 'uint8', base: 'hex', bitmask: 0x70 },
  'websocket.opcode': { abbrev: 'websocket.opcode', name: 'Opcode', type: 'uint8', bitmask: 0x0f, strings: { 1: 'Text' } },
  'websocket.mask': { abbrev: 'websocket.mask', name: 'Mask', type: 'boolean', bits: 8, bitmask: 0x80 },
  'websocket.payload_length': { abbrev: 'websocket.payload_length', name: 'Payload length', type: 'uint8', bitmask: 0x7f },
  'websocket.masking_key': { abbrev: 'websocket.masking_key', name: 'Masking-Key', type: 'bytes' },
  'tls.handshake.extension.data': { abbrev: 'tls.handshake.extension.data', name: 'Data', type: 'bytes' },
};

const LABELS = labels as Record<string, { showname: string; show: string }>;

/** The value tshark's `show` text stands for, in the form Paquet stores it. */
function valueFromShow(def: FieldDef, show: string): FieldValue {
  switch (def.type) {
    case 'boolean': return show === '1';
    case 'bytes': return show === '' ? new Uint8Array(0) : Uint8Array.from(show.split(':').map((h) => parseInt(h, 16)));
    case 'ipv4': return show.split('.').reduce((a, b) => a * 256 + Number(b), 0);
    case 'absolute_time': {
      const [s, f] = LABELS['frame.time_epoch']!.show.split('.');
      return BigInt(s!) * 1_000_000_000n + BigInt(f!);
    }
    case 'relative_time': {
      const [s, f] = show.split('.');
      return BigInt(s!) * 1_000_000_000n + BigInt(f!.padEnd(9, '0'));
    }
    default: return Number(show);
  }
}

describe('labels from field declarations', () => {
  for (const [abbrev, { showname, show }] of Object.entries(LABELS)) {
    it(`${abbrev}: ${showname}`, () => {
      const def = DEFS[abbrev]!;
      expect(def).toBeDefined();
      expect(defaultLabel(def, valueFromShow(def, show))).toBe(showname);
    });
  }
});

describe('tree lines', () => {
  const tvb = makeTvb(new Uint8Array(8));
  function item(def: FieldDef, value: FieldValue, text?: string): TreeNode {
    return new TreeNode(def, 0, 0, 1, value, text);
  }

  it('indents four spaces a level, brackets generated items and leaves out hidden ones with their subtree', () => {
    const proto = item({ abbrev: 'p', name: 'Proto', type: 'protocol' }, null, 'Some Protocol, Src: x');
    const flags = proto.add(DEFS['ip.ttl']!, tvb, 0, 1, 64);
    flags.addGenerated(DEFS['frame.number']!, tvb, 0, 0, 8);
    const hidden = proto.addHidden(DEFS['tcp.srcport']!, tvb, 0, 2, 1);
    hidden.add(DEFS['ip.ttl']!, tvb, 0, 1, 1);
    proto.add(DEFS['ip.ttl']!, tvb, 0, 1, 3, 'Custom text').appendText(' (appended)');
    expect(treeLines([proto])).toEqual([
      'Some Protocol, Src: x',
      `    ${LABELS['ip.ttl']!.showname}`,
      `        [${LABELS['frame.number']!.showname}]`,
      '    Custom text (appended)',
    ]);
  });

  it('dumps the bytes of a data layer under its label when asked (tshark -V without -x)', () => {
    const bytes = Uint8Array.from([0x41, 0x42, 0x43, 0x00]);
    const data = new TreeNode({ abbrev: 'data', name: 'Data', type: 'protocol' }, 0, 1, 3, null, 'Data (3 bytes)');
    const sources = [{ name: 'Frame', tvb: makeTvb(bytes) }];
    expect(treeLines([data], { inlineDataHex: true, sources })).toEqual([
      'Data (3 bytes)',
      '',
      '0000  42 43 00                                          BC.',
    ]);
    expect(treeLines([data], { sources })).toEqual(['Data (3 bytes)']);
  });

  it('draws bit pictures of 8-, 12- and 16-bit containers as tshark does', () => {
    for (const abbrev of ['ip.version', 'tcp.flags.syn', 'ip.frag_offset', 'websocket.rsv']) {
      const { showname, show } = LABELS[abbrev]!;
      const def = DEFS[abbrev]!;
      expect(showname.startsWith(bitfieldPrefix(def, valueFromShow(def, show)) + ' = ')).toBe(true);
    }
  });
});

describe('labels too long for Wireshark\'s label buffer', () => {
  const tshark = lines(expected('long-labels', 'details.txt')).map((l) => l.trim());

  it('marks a default label after the field name and cuts it to 238 bytes', () => {
    const uri = new TreeNode({ abbrev: 'http.request.uri', name: 'Request URI', type: 'string' }, 0, 0, 0, LONG_URI);
    const label = itemLabel(uri);
    expect(tshark).toContain(label);
    expect(label.startsWith('Request URI [truncated]: /')).toBe(true);
  });

  it('marks a custom text at its start and cuts between UTF-8 characters', () => {
    const ua = new TreeNode({ abbrev: 'http.request.line', name: 'Request line', type: 'string' }, 0, 0, 0, null,
      `User-Agent: ${LONG_USER_AGENT}\\r\\n`);
    const label = itemLabel(ua);
    expect(tshark).toContain(label.trim());
    expect(label.startsWith(' [truncated]User-Agent: ')).toBe(true);
  });

  it('leaves labels that fit alone', () => {
    const short = new TreeNode({ abbrev: 'x', name: 'Name', type: 'string' }, 0, 0, 0, 'a'.repeat(100));
    expect(itemLabel(short)).toBe('Name: ' + 'a'.repeat(100));
  });
});

describe('labels given as text', () => {
  it('puts the truncation mark after the name when the text reads `Name: value`', () => {
    const tshark = lines(expected('long-labels', 'details.txt')).map((l) => l.trim());
    const uri = new TreeNode({ abbrev: 'http.request.uri', name: 'Request URI', type: 'string' }, 0, 0, 0, LONG_URI, `Request URI: ${LONG_URI}`);
    expect(tshark).toContain(itemLabel(uri));
  });
});
