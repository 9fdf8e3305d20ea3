import { describe, expect, it } from 'vitest';
import { asciiChar, streamAscii } from '../../renderer/src/lib/format/ascii.js';
import { formatOffset, hexByte, hexDumpLine, hexDumpLines, hexString, offsetDigits, rowCount } from '../../renderer/src/lib/format/hex.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('hex layout', () => {
  it('writes bytes as two lowercase digits', () => {
    expect(hexByte(0)).toBe('00');
    expect(hexByte(0xab)).toBe('ab');
    expect(hexByte(0x1ff)).toBe('ff');
  });

  it('uses 4 offset digits up to 64 KiB and widens after', () => {
    expect(offsetDigits(0)).toBe(4);
    expect(offsetDigits(65536)).toBe(4); // last offset ffff
    expect(offsetDigits(65537)).toBe(5);
    expect(offsetDigits(0x1000001)).toBe(7);
    expect(formatOffset(0x30, 4)).toBe('0030');
  });

  it('counts rows of 16', () => {
    expect(rowCount(0)).toBe(0);
    expect(rowCount(16)).toBe(1);
    expect(rowCount(17)).toBe(2);
  });

  it('lays a full row out in two groups of eight and the ASCII column', () => {
    const b = new Uint8Array(16).map((_, i) => 0x41 + i);
    expect(hexDumpLine(b, 0, 4)).toBe('0000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  ABCDEFGHIJKLMNOP');
  });

  it('pads a short last row so the ASCII column lines up', () => {
    const full = hexDumpLine(new Uint8Array(16), 0, 4);
    const short = hexDumpLine(bytes(0x68, 0x69, 0x0a), 0, 4);
    expect(short.startsWith('0000  68 69 0a    ')).toBe(true);
    expect(short.endsWith('hi.')).toBe(true);
    expect(short.indexOf('hi.')).toBe(full.indexOf('................'));
    expect(full.indexOf('................')).toBe(56);
  });

  it('dumps with an offset base (Follow TCP counts each direction)', () => {
    const lines = hexDumpLines(new Uint8Array(20), 0x20, 8);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.startsWith('00000020  00')).toBe(true);
    expect(lines[1]!.startsWith('00000030  00 00 00 00 ')).toBe(true);
  });

  it('writes a raw hex string', () => {
    expect(hexString(bytes(0xde, 0xad, 0x01))).toBe('dead01');
    expect(hexString(new Uint8Array(0))).toBe('');
  });
});

describe('ascii', () => {
  it('shows only printable ASCII', () => {
    expect(asciiChar(0x41)).toBe('A');
    expect(asciiChar(0x20)).toBe(' ');
    expect(asciiChar(0x7e)).toBe('~');
    expect(asciiChar(0x7f)).toBe('.');
    expect(asciiChar(0x1b)).toBe('.');
    expect(asciiChar(0xe4)).toBe('.');
  });

  it('keeps line breaks and tabs in stream text, folds CRLF, dots the rest', () => {
    const text = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n\tx\x1b[2J\x00é');
    expect(streamAscii(text)).toBe('GET / HTTP/1.1\nHost: a\n\n\tx.[2J...');
  });

  it('shows a lone CR as a dot', () => {
    expect(streamAscii(bytes(0x61, 0x0d, 0x62))).toBe('a.b');
  });
});
