#!/usr/bin/env node
// Regenerates test/worker/expected/http-response-in.json: for a few HTTP captures, the frames where
// tshark's second pass (-2) shows "[Response in frame: N]" in a request (http.response_in) and
// "[Request in frame: N]" in a response. The app's worker revisits every frame after indexing, as
// tshark's second pass does, so its details must show the same; a single pass shows no response_in.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
export const RESPONSE_IN_CAPTURES = [
  '../shared/corpus/http/arkime/http-simple-get.pcap',
  '../shared/corpus/http/zeek/pipelined-requests.pcap',
  '../shared/corpus/http/pcapplusplus/three_http_streams.pcap',
  '../shared/corpus/http/arkime/http-100-continue.pcap',
];

const version = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const captures = {};
for (const path of RESPONSE_IN_CAPTURES) {
  const out = execFileSync('tshark', ['-2', '-n', '-r', join(repo, path), '-Y', 'http', '-T', 'fields', '-e', 'frame.number', '-e', 'http.response_in', '-e', 'http.request_in'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // [frame, response_in, request_in] per HTTP packet ('' where the field is absent).
  captures[path] = out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
const body = Object.entries(captures)
  .map(([path, rows]) => `  ${JSON.stringify(path)}: [\n${rows.map((r) => '   ' + JSON.stringify(r)).join(',\n')}\n  ]`)
  .join(',\n');
writeFileSync(join(here, 'expected', 'http-response-in.json'), `{\n "generatedBy": ${JSON.stringify(version)},\n "captures": {\n${body}\n }\n}\n`);
