import { describe, expect, it } from 'vitest';
import { Dissection } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { Conversation, values } from './tcp-builder.js';

/** Three requests on one keep-alive stream, each answered: with a Host, with none, and with an absolute URI. */
function conversation(): Conversation {
  const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
  return new Conversation(8080)
    .send(true, 'GET /with-host?q=1 HTTP/1.1\r\nHost: h.test:8080\r\n\r\n').send(false, ok)
    .send(true, 'GET /no-host HTTP/1.1\r\n\r\n').send(false, ok)
    .send(true, 'GET http://other.test/abs HTTP/1.1\r\nHost: h.test\r\n\r\n').send(false, ok);
}

const EXPECTED = [
  { request: 4, full: ['http://h.test:8080/with-host?q=1'], forUri: ['http://h.test:8080/with-host?q=1'] },
  { request: 6, full: [], forUri: ['/no-host'] },
  { request: 8, full: ['http://other.test/abs'], forUri: ['http://other.test/abs'] },
];

describe('HTTP requests kept for their responses', () => {
  it('names the request URI on a response seen in a single pass with a tree', () => {
    const d = new Dissection(defaultRegistry(), { singlePass: true });
    const ps = conversation().frames().map((f) => d.dissect(f, true));
    for (const e of EXPECTED) {
      expect(values(ps[e.request - 1]!, 'http.request.full_uri')).toEqual(e.full);
      const response = ps[e.request]!;
      expect(values(response, 'http.request_in')).toEqual([String(e.request)]);
      expect(values(response, 'http.response_for.uri')).toEqual(e.forUri);
    }
  });

  it('names it again when a response is revisited after a pass without trees', () => {
    const d = new Dissection(defaultRegistry());
    const frames = conversation().frames();
    for (const f of frames) d.dissect(f, false);
    // Revisited out of order, last first: each answer comes from what the first pass kept.
    for (const e of [...EXPECTED].reverse()) {
      const response = d.dissect(frames[e.request]!, true);
      expect(values(response, 'http.request_in')).toEqual([String(e.request)]);
      expect(values(response, 'http.response_for.uri')).toEqual(e.forUri);
      expect(values(d.dissect(frames[e.request - 1]!, true), 'http.request.full_uri')).toEqual(e.full);
    }
  });
});
