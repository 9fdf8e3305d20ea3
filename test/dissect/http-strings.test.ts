/**
 * HTTP labels, the URI split, "Trailing stray characters" and the snapshot length's error, as
 * tshark 4.0 shows them: each expected line was read off `tshark -V` / `-T fields` on captures of
 * the same bytes (and, for the cut body, on http-simple-get cut by `editcap -s`).
 */
import { describe, expect, it } from 'vitest';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { hasTrailingStray } from '../../shared/dissect/proto/stray-characters.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { Conversation, dissectAll, values } from './tcp-builder.js';

const raw = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The frame as a capture with a snapshot length keeps it: its first `keep` bytes. */
function cut(f: FrameInput, keep: number): FrameInput {
  return { ...f, data: f.data.subarray(0, keep), capLen: keep };
}

describe('HTTP strings as tshark shows them', () => {
  const request = raw('GET /a\xc3\xa9b\x01?x=\xc3\xa9 HTTP/1.1\r\nHost: h\xc3\xa9\r\nAccept: a\x00b\r\nX-Foo: a\x00b\r\nX-Odd: v\xc3\xa9\x00w\r\n\r\n');
  // No handshake: the two requests are the two frames.
  const { packets } = dissectAll(new Conversation(80, false).send(true, request).send(true, 'GET /p\tz HTTP/1.1\r\nHost: h\r\n\r\n').frames());
  const lines = treeLines(packets[0]!.tree!).map((l) => l.trim());

  it('decodes the lines it builds from the bytes as UTF-8, values keeping U+FFFD', () => {
    expect(packets[0]!.info).toBe('GET /aéb\\001?x=é HTTP/1.1 ');
    expect(lines).toContain('GET /aéb\\001?x=é HTTP/1.1\\r\\n');
    expect(lines).toContain('Host: hé\\r\\n');
    expect(lines).toContain('X-Odd: vé\\000w\\r\\n');
    expect(values(packets[0]!, 'http.host')).toEqual(['h\ufffd\ufffd']);
  });

  it('escapes control characters in the URI labels; the full URI has the host as UTF-8', () => {
    expect(lines).toContain('Request URI: /a\ufffd\ufffdb\\001?x=\ufffd\ufffd');
    expect(lines).toContain('Request URI Path: /a\ufffd\ufffdb\\001');
    expect(lines).toContain('[Full request URI: http://hé/a\ufffd\ufffdb\\001?x=\ufffd\ufffd]');
  });

  it('warns of trailing stray characters where tshark does (not after bytes past 0x7f that hide them)', () => {
    // Accept's hidden line and X-Foo's line; X-Odd's é moves tshark's scan past the NUL.
    expect(values(packets[0]!, '_ws.expert.message').filter((m) => m === 'Trailing stray characters')).toHaveLength(2);
    expect(lines.filter((l) => l === '[Expert Info (Warning/Undecoded): Trailing stray characters]')).toHaveLength(1);
  });

  it('splits the request line at a space only: a TAB is part of the URI', () => {
    expect(values(packets[1]!, 'http.request.uri')).toEqual(['/p\\tz']);
    expect(values(packets[1]!, 'http.request.version')).toEqual(['HTTP/1.1']);
  });

  it('scans a string as tshark does', () => {
    expect(hasTrailingStray('X-Foo: a\0b\r\n')).toBe(true);
    expect(hasTrailingStray('Accept: a\ufffd\0b\r\n')).toBe(true);
    expect(hasTrailingStray('X-Odd: v\ufffd\ufffd\0w\r\n')).toBe(false);
    expect(hasTrailingStray('a\0\0')).toBe(false);
    expect(hasTrailingStray('Content-Length: 0\r\n')).toBe(false);
  });
});

describe('a Content-Length body cut by the snapshot length', () => {
  const body = 'x'.repeat(60) + '\n';
  const frames = new Conversation(80, false)
    .send(true, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    .send(false, `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length * 2}\r\n\r\n${body}`)
    .send(false, body)
    .frames();
  const { packets } = dissectAll([frames[0]!, cut(frames[1]!, frames[1]!.data.length - 20), cut(frames[2]!, frames[2]!.data.length - 20)]);

  it('names HTTP, the layer that reads the body, after the text lines kept', () => {
    const lines = treeLines(packets[1]!.tree!);
    expect(lines[lines.length - 1]).toBe('[Packet size limited during capture: HTTP truncated]');
    expect(lines.some((l) => l.startsWith('Line-based text data: text/html'))).toBe(true);
    expect(packets[1]!.info).toBe('HTTP/1.1 200 OK  (text/html)[Packet size limited during capture]');
  });

  it('ends the continuation of that body the same way', () => {
    const lines = treeLines(packets[2]!.tree!);
    expect(lines[lines.length - 1]).toBe('[Packet size limited during capture: HTTP truncated]');
    expect(packets[2]!.info).toBe('Continuation[Packet size limited during capture]');
  });
});

describe('a header block cut by the snapshot length', () => {
  // As tshark -V shows the chat capture cut by `editcap -s 280` (the request cut inside its User-Agent line).
  const request = 'GET / HTTP/1.1\r\nHost: 127.0.0.1:7272\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*\r\n\r\n';
  const frames = new Conversation(7272, false).send(true, request).send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').frames();
  const keep = frames[0]!.data.length - request.length + request.indexOf('(X11');
  const { packets } = dissectAll([cut(frames[0]!, keep), frames[1]!]);

  it('shows the lines kept and the message items, then ends the layer naming HTTP', () => {
    const lines = treeLines(packets[0]!.tree!).map((l) => l.trim());
    expect(lines.slice(-4)).toEqual([
      'User-Agent: Mozilla/5.0',
      '[Full request URI: http://127.0.0.1:7272/]',
      '[HTTP request 1/1]',
      '[Packet size limited during capture: HTTP truncated]',
    ]);
    expect(packets[0]!.info).toBe('GET / HTTP/1.1 [Packet size limited during capture]');
  });

  it('still counts the request, which the response names', () => {
    expect(values(packets[1]!, 'http.request_in')).toEqual([String(packets[0]!.num)]);
  });
});

describe('a header line cut before its colon by the snapshot length', () => {
  // As tshark -V shows the chat capture cut by `editcap -s 300` (its request cut in `Upg|rade:`) and
  // pipelined-requests.pcap cut at 250: the layer ends at that line; the request is counted, with its
  // URI but neither its frame nor its host, so its answer names the URI alone.
  const request = 'GET /a HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
  const frames = new Conversation(80, false)
    .send(true, request)
    .send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')
    .send(true, 'GET /b HTTP/1.1\r\nHost: h\r\n\r\n')
    .frames();
  const keep = frames[0]!.data.length - request.length + request.indexOf('Upgrade:') + 3;
  const { packets } = dissectAll([cut(frames[0]!, keep), frames[1]!, frames[2]!]);

  it('shows the whole lines, then ends the layer naming HTTP, with no request items', () => {
    const lines = treeLines(packets[0]!.tree!).map((l) => l.trim());
    expect(lines.slice(-2)).toEqual(['Connection: Upgrade\\r\\n', '[Packet size limited during capture: HTTP truncated]']);
    expect(values(packets[0]!, 'http.request')).toEqual([]);
    expect(values(packets[0]!, 'http.request_number')).toEqual([]);
    expect(packets[0]!.info).toBe('GET /a HTTP/1.1 [Packet size limited during capture]');
  });

  it('counts the request: its answer names its URI, not its frame; the next request is the second', () => {
    expect(values(packets[1]!, 'http.response_for.uri')).toEqual(['/a']);
    expect(values(packets[1]!, 'http.request_in')).toEqual([]);
    expect(values(packets[2]!, 'http.request_number')).toEqual(['2']);
    expect(values(packets[2]!, 'http.prev_request_in')).toEqual([]);
  });
});

describe('characters tshark does not print, past ASCII', () => {
  // Each expected line read off `tshark -V` on a capture of the same request (c1/c2/c3 of the 2026-11-26 check).
  const request = raw(
    'GET /x\xc2\x89y HTTP/1.1\r\nHost: h\r\n' +
      'X-A: a\xc2\x89b\xe2\x80\x8bc\xc2\xadd\xef\xbf\xbfe\xcd\xb8f\r\n' +
      'X-B: a\xf3\xa0\x80\x81b\xf0\x9f\x98\x80c\xee\x80\x80d\xf0\xbf\xbf\xbfe\r\n\r\n',
  );
  const { packets } = dissectAll(new Conversation(80, false).send(true, request).frames());
  const lines = treeLines(packets[0]!.tree!).map((l) => l.trim());

  it('writes C1 controls, format characters and unassigned code points as \\uXXXX (\\UXXXXXXXX past the BMP)', () => {
    expect(packets[0]!.info).toBe('GET /x\\u0089y HTTP/1.1 ');
    expect(lines).toContain('X-A: a\\u0089b\\u200Bc\\u00ADd\\uFFFFe\\u0378f\\r\\n');
    // An emoji and a private-use character are printable.
    expect(lines).toContain('X-B: a\\U000E0001b\u{1F600}c\ue000d\\U0003FFFFe\\r\\n');
  });
});
