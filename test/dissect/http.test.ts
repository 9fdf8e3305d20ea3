import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { concat } from './tcp-builder.js';
import { decodeContent } from '../../shared/dissect/proto/http-content.js';
import { Conversation, dissectAll, values } from './tcp-builder.js';
import { resolve } from 'node:path';
import { packetHexDump } from '../../shared/format/hexdump.js';
import { dissectFile, SHARED } from '../support/dissect-file.js';


describe('HTTP over TCP', () => {
  it('is found by its heuristic on a port no dissector owns, and by port 80', () => {
    for (const port of [9000, 80]) {
      const c = new Conversation(port).send(true, 'GET /a/b?x=1 HTTP/1.1\r\nHost: h.test\r\nUser-Agent: t/1\r\n\r\n');
      const p = dissectAll(c.frames()).packets[3]!;
      expect(p.protocol).toBe('HTTP');
      expect(p.info).toBe('GET /a/b?x=1 HTTP/1.1 ');
      expect(values(p, 'http.request.method')).toEqual(['GET']);
      expect(values(p, 'http.request.uri')).toEqual(['/a/b?x=1']);
      expect(values(p, 'http.request.uri.query')).toEqual(['x=1']);
      expect(values(p, 'http.host')).toEqual(['h.test']);
      expect(values(p, 'http.user_agent')).toEqual(['t/1']);
      expect(values(p, 'http.request.line')).toEqual(['Host: h.test\\r\\n', 'User-Agent: t/1\\r\\n']);
      expect(values(p, 'http.request.full_uri')).toEqual(['http://h.test/a/b?x=1']);
    }
  });

  it('waits for the end of the headers when a request is cut over segments', () => {
    const c = new Conversation(9000).send(true, 'GET /long HTTP/1.1\r\nHo').send(true, 'st: h\r\n\r\n');
    const ps = dissectAll(c.frames()).packets;
    expect(ps[3]!.protocol).toBe('TCP');
    expect(ps[3]!.info).toBe('GET /long HTTP/1.1  [TCP segment of a reassembled PDU]');
    expect(ps[3]!.protocols).toBe('eth:ethertype:ip:tcp');
    expect(ps[4]!.info).toBe('GET /long HTTP/1.1 ');
    expect(values(ps[4]!, 'http.host')).toEqual(['h']);
    expect(values(ps[4]!, 'tcp.segment')).toEqual(['4', '5']);
  });

  it('reads a body by Content-Length across segments and matches the response to its request', () => {
    const body = 'line one\nline two\n';
    const c = new Conversation(8080)
      .send(true, 'GET /t HTTP/1.1\r\nHost: h\r\n\r\n')
      .send(false, `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\nline `)
      .send(false, body.slice(5));
    const ps = dissectAll(c.frames()).packets;
    expect(ps[4]!.info).toBe('HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]');
    const p = ps[5]!;
    expect(p.info).toBe('HTTP/1.1 200 OK  (text/plain)');
    expect(values(p, 'http.response.code')).toEqual(['200']);
    expect(values(p, 'http.content_length_header')).toEqual([String(body.length)]);
    expect(values(p, 'http.request_in')).toEqual(['4']);
    expect(values(p, 'http.response_for.uri')).toEqual(['http://h/t']);
    expect(p.protocols).toBe('eth:ethertype:ip:tcp:http:data-text-lines');
  });

  it('reads a chunked body up to the last chunk', () => {
    const c = new Conversation(8080)
      .send(true, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
      .send(false, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
      .send(false, '6\r\n world\r\n0\r\n\r\n');
    const ps = dissectAll(c.frames()).packets;
    expect(ps[4]!.protocol).toBe('TCP');
    expect(ps[5]!.protocol).toBe('HTTP');
    expect(values(ps[5]!, 'http.transfer_encoding')).toEqual(['chunked']);
    expect(values(ps[5]!, 'tcp.segment')).toEqual(['5', '6']);
    expect(ps[4]!.info).toBe('HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]');
    expect(ps[5]!.info).toBe('HTTP/1.1 200 OK ');
    expect(ps[5]!.protocols).toBe('eth:ethertype:ip:tcp:http:data');
    expect(values(ps[5]!, 'http.chunk_size')).toEqual(['5', '6', '0']);
    expect(values(ps[5]!, 'http.chunk_boundary')).toEqual(['0d0a', '0d0a']);
    expect(values(ps[5]!, 'http.file_data')).toEqual(['hello world']);
    expect(values(ps[5]!, 'data.data')).toEqual(['68656c6c6f20776f726c64']);
  });

  it('decodes a gzip body for display and splits query parameters and Basic credentials', () => {
    const html = '<html>\r\n<body>hi</body>\r\n</html>\r\n';
    const gz = gzipSync(Buffer.from(html));
    const head = `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`;
    const c = new Conversation(80)
      .send(true, 'GET /p?a=1&b=two HTTP/1.1\r\nHost: h\r\nAuthorization: Basic ' + Buffer.from('alice:s3cret').toString('base64') + '\r\n\r\n')
      .send(false, concat(new TextEncoder().encode(head), new Uint8Array(gz)));
    const ps = dissectAll(c.frames()).packets;
    expect(values(ps[3]!, 'http.request.uri.query.parameter')).toEqual(['a=1', 'b=two']);
    expect(values(ps[3]!, 'http.authbasic')).toEqual(['alice:s3cret']);
    expect(ps[4]!.info).toBe('HTTP/1.1 200 OK  (text/html)');
    expect(values(ps[4]!, 'http.file_data')).toEqual([html.replace(/\r/g, '\\r').replace(/\n/g, '\\n')]);
    expect(ps[4]!.protocols).toBe('eth:ethertype:ip:tcp:http:data-text-lines');
    // Named as Wireshark names it: the hex dump adds the length.
    const source = ps[4]!.sources.find((x) => x.name === 'Uncompressed entity body');
    expect(source?.tvb.bytes.length).toBe(html.length);
  });

  it('stops decoding a body past the cap', () => {
    const gz = new Uint8Array(gzipSync(Buffer.alloc(100_000)));
    expect(decodeContent('gzip', gz, 1000)).toEqual({ ok: false, reason: 'cap' });
    const r = decodeContent('gzip', gz, 200_000);
    expect(r.ok && r.bytes.length).toBe(100_000);
    expect(decodeContent('br', gz)).toEqual({ ok: false, reason: 'unsupported' });
  });

  it('dissects two requests in one segment', () => {
    const c = new Conversation(80).send(true, 'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n');
    const p = dissectAll(c.frames()).packets[3]!;
    expect(values(p, 'http.request.uri')).toEqual(['/1', '/2']);
  });

  it('names the de-chunked and uncompressed bodies in the hex dump once with their lengths, as tshark -x does', () => {
    // Frame 7 of http-xff.pcap ends a chunked, gzip-coded response.
    const p = dissectFile(resolve(SHARED, 'corpus/http/arkime/http-xff.pcap')).packets[6]!;
    const headers = packetHexDump(p.sources).filter((l) => l.endsWith('):'));
    expect(headers).toEqual(['Frame (74 bytes):', 'Reassembled TCP (569 bytes):', 'De-chunked entity body (195 bytes):', 'Uncompressed entity body (570 bytes):']);
  });
});
