/**
 * A capture of HTTP's hard cases for filters answered without a tree
 * (test/worker/summary-filter.test.ts, test/cli/filter-pass.test.ts): a
 * request split over two segments, pipelined requests and responses, a body in
 * two segments, an Upgrade whose 101 carries the first WebSocket frame, a
 * WebSocket frame whose text looks like a request, and a request and response
 * on a port HTTP finds by heuristic. Written to a temporary file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACK, pcapBytes, PSH, type Endpoint, type Packet } from '../app/build-pcap.js';

/** A TCP connection's two directions, each with its next sequence number. */
function connection(client: Endpoint, server: Endpoint): { send: (fromClient: boolean, text: string) => Packet } {
  let clientSeq = 1000, serverSeq = 5000;
  return {
    send(fromClient, text) {
      // One byte per character: WebSocket frame headers are bytes above 0x7f.
      const payload = Uint8Array.from(text, (c) => c.charCodeAt(0));
      const p: Packet = fromClient
        ? { kind: 'tcp', from: client, to: server, seq: clientSeq, ack: serverSeq, flags: PSH | ACK, payload }
        : { kind: 'tcp', from: server, to: client, seq: serverSeq, ack: clientSeq, flags: PSH | ACK, payload };
      if (fromClient) clientSeq += payload.length;
      else serverSeq += payload.length;
      return p;
    },
  };
}

/** The hard cases, in this order (the tests count on frame numbers). */
function hardHttpCases(): Packet[] {
  const web = connection({ ip: [10, 0, 0, 1], port: 40000 }, { ip: [10, 0, 0, 2], port: 80 });
  const odd = connection({ ip: [10, 0, 0, 1], port: 40001 }, { ip: [10, 0, 0, 3], port: 12345 });
  const ok = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const wsText = (text: string): string => String.fromCharCode(0x81, text.length) + text;
  return [
    web.send(true, 'GET /a HTTP/1.1\r\nHost: x\r\n'),
    web.send(true, '\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n'),
    web.send(false, ok('hi') + ok('yo')),
    web.send(false, ok('four').slice(0, -2)),
    web.send(false, 'ur'),
    web.send(true, 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
    web.send(false, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n' + wsText('hello')),
    web.send(false, wsText('GET / HTTP/1.1\r\n\r\n')),
    odd.send(true, 'GET /odd HTTP/1.1\r\nHost: y\r\n\r\n'),
    odd.send(false, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
  ];
}

/** The capture written to a new temporary directory; remove() deletes it. */
export function hardHttpCapture(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'paquet-hard-http-'));
  const path = join(dir, 'hard-http.pcap');
  writeFileSync(path, pcapBytes(hardHttpCases()));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
