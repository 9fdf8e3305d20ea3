import { describe, expect, it } from 'vitest';
import { blockText, isWebSocketLine, neutraliseControls, SGR } from '../../renderer/src/lib/format/terminal-text.js';

describe('terminal text from packets', () => {
  it('turns ESC, C0, DEL and C1 controls into visible escapes', () => {
    const hostile = 'a\x1b]0;pwned\x07b\x9b2Jc\x7fd\x00e\x85';
    const safe = neutraliseControls(hostile);
    expect(safe).toBe('a\\x1b]0;pwned\\x07b\\x9b2Jc\\x7fd\\x00e\\x85');
    expect(/[\x00-\x1f\x7f-\x9f]/.test(safe)).toBe(false);
  });

  it('leaves printable and non-Latin text alone, expands tabs', () => {
    expect(neutraliseControls('所有人 hi, all !')).toBe('所有人 hi, all !');
    expect(neutraliseControls('a\tb')).toBe('a    b');
  });

  it('colours the header dim and WebSocket lines, and nothing else carries an escape', () => {
    const lines = [
      '12:45:03.900756 IP 127.0.0.1.59798 > 127.0.0.1.7272: Flags [P.], length 92',
      '    WebSocket Text [FIN] client→server: \x1b[31mred',
      '\t0x0000:  4500 0090',
    ];
    const text = blockText(lines);
    const parts = text.split('\r\n');
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe(SGR.dim + lines[0] + SGR.reset);
    expect(parts[1]).toBe(SGR.accent + '    WebSocket Text [FIN] client→server: \\x1b[31mred' + SGR.reset);
    expect(parts[2]).toBe('    0x0000:  4500 0090');
    expect(parts[3]).toBe('');
    // The only ESC bytes left are the four Paquet wrote.
    expect(text.split('\x1b').length - 1).toBe(4);
  });

  it('recognises the WebSocket lines of tcpdump mode', () => {
    expect(isWebSocketLine('    WebSocket Connection Close [FIN] server→client: 1000')).toBe(true);
    expect(isWebSocketLine('WebSocket at line start is payload')).toBe(false);
  });
});
