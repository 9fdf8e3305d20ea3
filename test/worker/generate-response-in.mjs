#!/usr/bin/env node
// Regenerates test/worker/expected/http-response-in.json: for a few HTTP captures, the frames
// tshark's second pass (-2) names in each HTTP packet ("[Response in frame: N]" in a request,
// "[Request in frame: N]", the previous and next request and response), with its TCP stream and its
// request or response number. The app's worker revisits every frame after indexing, as tshark's
// second pass does, so its details must show the same; a single pass shows no response_in and no next.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
/** The fields naming another frame, in the order of each row after the frame's number. */
export const FRAME_FIELDS = ['http.response_in', 'http.request_in', 'http.prev_request_in', 'http.prev_response_in', 'http.next_request_in', 'http.next_response_in'];

export const RESPONSE_IN_CAPTURES = [
  '../shared/corpus/http/arkime/http-simple-get.pcap',
  '../shared/corpus/http/zeek/pipelined-requests.pcap',
  '../shared/corpus/http/pcapplusplus/three_http_streams.pcap',
  '../shared/corpus/http/arkime/http-100-continue.pcap',
];

const version = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const captures = {};
for (const path of RESPONSE_IN_CAPTURES) {
  const fields = ['frame.number', ...FRAME_FIELDS, 'tcp.stream', 'http.request_number', 'http.response_number'];
  const out = execFileSync('tshark', ['-2', '-n', '-r', join(repo, path), '-Y', 'http', '-T', 'fields', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // One row of `fields` per HTTP packet ('' where the field is absent).
  captures[path] = out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
const body = Object.entries(captures)
  .map(([path, rows]) => `  ${JSON.stringify(path)}: [\n${rows.map((r) => '   ' + JSON.stringify(r)).join(',\n')}\n  ]`)
  .join(',\n');
writeFileSync(join(here, 'expected', 'http-response-in.json'), `{\n "generatedBy": ${JSON.stringify(version)},\n "captures": {\n${body}\n }\n}\n`);
