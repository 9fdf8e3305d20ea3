import { describe, expect, it } from 'vitest';
import { HEADER, HeaderScan } from '../../shared/dissect/proto/http-headers.js';
import { makeTvb } from '../../shared/dissect/tvb.js';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const SLOT_NAMES: [keyof typeof HEADER, string][] = [
  ['transferEncoding', 'transfer-encoding'], ['contentLength', 'content-length'], ['expect', 'expect'], ['host', 'host'],
  ['upgrade', 'upgrade'], ['wsExtensions', 'sec-websocket-extensions'], ['wsProtocol', 'sec-websocket-protocol'],
  ['contentEncoding', 'content-encoding'], ['contentType', 'content-type'],
];

/** The header block as the text it decodes to would be read: the definition HeaderScan must agree with. */
function reference(block: string): { end: number; values: Map<string, string> } {
  // The block follows a first line's LF.
  const s = '\n' + block;
  let end = -1;
  // The LF (in s) the blank line follows: the header lines are block[0, lf), their last LF included.
  let lf = 0;
  for (; lf < s.length; lf++) {
    if (s[lf] !== '\n') continue;
    if (s[lf + 1] === '\n') end = lf + 1;
    else if (s[lf + 1] === '\r' && s[lf + 2] === '\n') end = lf + 2;
    if (end >= 0) break;
  }
  const values = new Map<string, string>();
  const lines = (end < 0 ? block : block.slice(0, lf)).split('\n');
  // Whole lines only: what follows the last LF is no line (or the cut one, left out by the caller).
  for (const line of lines.slice(0, -1)) {
    const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
    const colon = raw.indexOf(':');
    const key = (colon < 0 ? raw : raw.slice(0, colon)).toLowerCase();
    if (!values.has(key)) values.set(key, colon < 0 ? '' : raw.slice(colon + 1).trim());
  }
  return { end, values };
}

function scanned(block: string): { scan: HeaderScan; tvb: ReturnType<typeof makeTvb> } {
  const tvb = makeTvb(latin1(block));
  const scan = new HeaderScan();
  scan.scan(tvb.bytes, 0, tvb.bytes.length, true);
  return { scan, tvb };
}

describe('HTTP header block scan', () => {
  it('ends at the first blank line, CR LF or LF alone, and finds looked-up values case-insensitively, first one first', () => {
    const { scan, tvb } = scanned('Host: a\r\nCONTENT-length:  12 \r\nhost: b\nContent-Type:text/html; q=1\n\r\nbody: x\r\n\r\n');
    expect(scan.end).toBe('Host: a\r\nCONTENT-length:  12 \r\nhost: b\nContent-Type:text/html; q=1\n\r\n'.length);
    expect(scan.text(tvb, HEADER.host)).toBe('a');
    expect(scan.decimal(tvb, HEADER.contentLength)).toBe(12);
    expect(scan.text(tvb, HEADER.contentType)).toBe('text/html; q=1');
    expect(scan.has(HEADER.upgrade)).toBe(false);
    expect(scan.text(tvb, HEADER.upgrade)).toBeUndefined();
    // Every line but the blank one, as [start, LF].
    expect(scan.lines).toEqual([0, 8, 9, 30, 31, 38, 39, 66]);
  });

  it('reads a data end inside the headers as no end, and a cut last line up to its last byte', () => {
    const { scan, tvb } = scanned('Host: abc\r\nContent-Length: 45');
    expect(scan.end).toBe(-1);
    expect(scan.text(tvb, HEADER.host)).toBe('abc');
    // The last byte stands for the missing LF, as the lines were always read.
    expect(scan.decimal(tvb, HEADER.contentLength)).toBe(4);
    expect(scanned('Host: abc\r\n\r').scan.end).toBe(-1);
  });

  it('takes a name alone on its line as that header with an empty value, and no colon past a long name', () => {
    const { scan, tvb } = scanned('expect\r\nX-A-Very-Long-Header-Name-Host: h\r\n\r\n');
    expect(scan.text(tvb, HEADER.expect)).toBe('');
    expect(scan.has(HEADER.host)).toBe(false);
    // A Latin-1 letter is not its ASCII look-alike.
    const latin = scanned('Hos\xd4: x\r\n\r\n');
    expect(latin.scan.has(HEADER.host)).toBe(false);
  });

  it('gives Content-Length only when it is all digits, long ones as Number reads them', () => {
    const cl = (v: string): number | undefined => {
      const { scan, tvb } = scanned(`Content-Length:${v}\r\n\r\n`);
      return scan.decimal(tvb, HEADER.contentLength);
    };
    expect(cl(' 0')).toBe(0);
    expect(cl('\xa0 512\t')).toBe(512);
    expect(cl('')).toBeUndefined();
    expect(cl('-1')).toBeUndefined();
    expect(cl('1 2')).toBeUndefined();
    expect(cl('0x10')).toBeUndefined();
    expect(cl('123456789012345678901234')).toBe(Number('123456789012345678901234'));
  });

  it('agrees with the text-based reading on random header blocks', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const names = ['Host', 'HOST', 'host ', 'Content-Length', 'content-type', 'Upgrade', 'Expect', 'Transfer-Encoding', 'X-Custom',
      'Sec-WebSocket-Extensions', 'Sec-WebSocket-Protocol', 'Content-Encoding', 'A-Name-Longer-Than-Any-Looked-Up', 'Host\xc0', ''];
    const values = ['', ' ', 'x', ' 12 ', '\t7\xa0', 'a:b', ' text/plain; charset=x', '0099', 'chunked', '\rq', '1e3'];
    for (let round = 0; round < 3000; round++) {
      let block = '';
      const lines = rnd(6);
      for (let i = 0; i < lines; i++) {
        const name = names[rnd(names.length)]!;
        block += (rnd(8) === 0 ? name : name + ':' + values[rnd(values.length)]) + (rnd(3) === 0 ? '\n' : '\r\n');
      }
      const ending = ['\r\n', '\n', '', 'Host'][rnd(4)]!;
      // A cut line is read differently on purpose (see above): only whole lines here.
      if (ending === 'Host') continue;
      block += ending + (rnd(2) ? 'after: blank\r\n' : '');
      const { scan, tvb } = scanned(block);
      const ref = reference(block);
      expect(scan.end, JSON.stringify(block)).toBe(ref.end);
      for (const [slot, name] of SLOT_NAMES) {
        expect(scan.text(tvb, HEADER[slot]), `${name} in ${JSON.stringify(block)}`).toBe(ref.values.get(name));
      }
      const cl = ref.values.get('content-length');
      expect(scan.decimal(tvb, HEADER.contentLength)).toBe(cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined);
    }
  });
});
