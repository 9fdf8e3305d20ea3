/**
 * String values as tshark 4.0 holds and prints them: a C string (a NUL ends it), read with
 * ENC_ASCII (each byte past 0x7f a U+FFFD), escaped in -T fields only for five control
 * characters, in tree labels for all. Display filters compare the value itself. The expected
 * texts are tshark's for test/tmp/odd-strings.pcap (test/cli/cases.mjs), whose whole outputs
 * test/cli/read.test.ts compares.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../shared/dissect/field.js';
import { TreeNode } from '../../shared/dissect/tree.js';
import { ascii, makeTvb } from '../../shared/dissect/tvb.js';
import { escapeString, fieldsString, valueText } from '../../shared/format/field-text.js';
import { defaultLabel } from '../../shared/format/tree-text.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { compileFilter } from '../../shared/filter/index.js';
import { ACK, dissectAll, PSH, tcpFrame } from '../dissect/tcp-builder.js';

const UA: FieldDef = { abbrev: 'http.user_agent', name: 'User-Agent', type: 'string' };
const CONTROLS = 'a\tb\\c\x01d\x08e\x0cf\x0bg\x07h\x1bi\x7fj\r\nk';

describe('string values', () => {
  it('escape only backspace, tab, newline, form feed and carriage return in -T fields', () => {
    expect(fieldsString(CONTROLS)).toBe('a\\tb\\c\x01d\\be\\ff\x0bg\x07h\x1bi\x7fj\\r\\nk');
    expect(valueText(UA, CONTROLS)).toBe(fieldsString(CONTROLS));
  });

  it('escape every control character in tree labels', () => {
    expect(defaultLabel(UA, CONTROLS)).toBe('User-Agent: ' + escapeString(CONTROLS));
    expect(defaultLabel(UA, CONTROLS)).toBe('User-Agent: a\\tb\\c\\001d\\be\\ff\\vg\\ah\\033i\\177j\\r\\nk');
  });

  it('end at a NUL, as a C string does', () => {
    const node = new TreeNode(UA, 0, 0, 3, 'r\0s');
    expect(node.value).toBe('r');
    expect(defaultLabel(UA, node.value)).toBe('User-Agent: r');
    expect(new TreeNode(UA, 0, 0, 3, 'rs').value).toBe('rs');
  });

  it('read each byte past 0x7f as U+FFFD (ENC_ASCII), UTF-8 or not', () => {
    const tvb = makeTvb(Uint8Array.from([0x68, 0xc3, 0xa9, 0x69, 0xff, 0x6a, 0x80]), 0);
    expect(ascii(tvb, 0, 7)).toBe('h\ufffd\ufffdi\ufffdj\ufffd');
  });

  it('are compared by filters as held, not as printed', () => {
    const request = 'GET / HTTP/1.1\r\nUser-Agent: a\tb\x01c\xffd\r\nReferer: r\x00s\r\n\r\n';
    const payload = Uint8Array.from(request, (ch) => ch.charCodeAt(0));
    const frame = tcpFrame(1, { fromClient: true, seq: 1, ack: 1, flags: PSH | ACK, payload }, 80);
    const p = dissectAll([frame]).packets[0]!;
    const matches = (text: string): boolean => {
      const f = compileFilter(text, defaultRegistry());
      if (!f.ok) throw new Error(f.error.message);
      return f.filter.matches(p);
    };
    // tshark -Y on this request written to a pcap: each of these keeps the frame...
    for (const yes of ['http.user_agent contains "\\t"', 'http.user_agent contains "\\x01"', 'http.user_agent contains "\\ufffd"',
      'http.referer == "r"', 'len(http.user_agent) == 9']) expect(matches(yes), yes).toBe(true);
    // ...and each of these drops it.
    for (const no of ['http.user_agent contains "\\\\t"', 'http.user_agent contains "\\\\001"', 'http.referer contains "s"', 'len(http.user_agent) == 8']) {
      expect(matches(no), no).toBe(false);
    }
  });
});
