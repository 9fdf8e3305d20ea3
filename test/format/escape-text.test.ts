/**
 * Control characters in columns and tree labels, as Wireshark 4.0's format_text writes them:
 * C escapes where C has a letter, three octal digits otherwise, backslashes as they are.
 * The expectations are tshark 4.0's (`tshark -n -r FILE`, `-V`, `-T fields -e _ws.col.Info`;
 * the built frame was written to a pcap and read by it).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeString } from '../../shared/format/field-text.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { ACK, dissectAll, PSH, tcpFrame } from '../dissect/tcp-builder.js';
import { dissectFile, SHARED } from '../support/dissect-file.js';

describe('text with control characters', () => {
  it('escapes each as format_text does', () => {
    expect(escapeString('a\x00b\x01c\x1bd\x7fe\x1f')).toBe('a\\000b\\001c\\033d\\177e\\037');
    expect(escapeString('\x07\x08\t\n\x0b\x0c\r')).toBe('\\a\\b\\t\\n\\v\\f\\r');
    expect(escapeString('c:\\dir')).toBe('c:\\dir');
  });

  it('is escaped so in the Info column and the HTTP tree', () => {
    const request = 'GET /a\x01b\x7fc\x1b\x00\\z HTTP/1.1\r\nX-A: a\tb\x0bc\x01d\x1be\\f\x07g\x08h\x0ci\x7fj\r\n\r\n';
    const p = dissectAll([tcpFrame(1, { fromClient: true, seq: 1000, ack: 1, flags: PSH | ACK, payload: request }, 80)]).packets[0]!;
    expect(p.info).toBe('GET /a\\001b\\177c\\033\\000\\z HTTP/1.1 ');
    const lines = treeLines(p.tree!);
    expect(lines).toContain('    GET /a\\001b\\177c\\033\\000\\z HTTP/1.1\\r\\n');
    expect(lines).toContain('        [Expert Info (Chat/Sequence): GET /a\\001b\\177c\\033\\000\\z HTTP/1.1\\r\\n]');
    expect(lines).toContain('    X-A: a\\tb\\vc\\001d\\033e\\f\\ag\\bh\\fi\\177j\\r\\n');
  });

  it('shows a NUL in an HTTP request line as tshark does (ipv4-fragmented-4.pcap frame 5)', () => {
    const p = dissectFile(resolve(SHARED, 'corpus/ip-tcp/zeek/ipv4-fragmented-4.pcap')).packets[4]!;
    expect(p.info).toBe('GET /msadc/..%2f../..%2f../.RKNWUrdooM+WskO2IiALQTI\\000d.exe?/c+dir+c:\\  [TCP segment of a reassembled PDU]');
  });
});
