#!/usr/bin/env node
// Regenerates test/view/expected/ from tshark (Debian 12's 4.0), so the follow views are
// compared with Wireshark's own answers without tshark at test time:
// - follow-tcp.json: for every TCP stream of each capture in FOLLOW, `-z follow,tcp,yaml,N`
//   (the same records as `-z follow,tcp,raw,N`, plus each record's frame number; this
//   script checks that the raw output carries the same bytes in the same order).
// - websocket-frames.json: for each capture in WEBSOCKET, every WebSocket frame tshark
//   dissects (`-T json -J websocket`), with its packet's stream, sender, times and the
//   TCP segments it was reassembled from.
// Usage: node test/view/generate-expected.mjs   (needs tshark on PATH)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const CHAT = '../shared/captures/workerman-chat-7272.pcap';
const C = '../shared/corpus/';

/** Captures with TCP: retransmissions, out-of-order and missing segments, IPv6, no handshake, fast open. */
const FOLLOW = [
  CHAT,
  C + 'http/arkime/http-post-upload.pcap',
  C + 'tls/zeek/ssl-to-http-server.pcap',
  C + 'ip-tcp/zeek/tcp-option-sack.pcap',
  C + 'ip-tcp/zeek/tcp-fin_retransmission.pcap',
  C + 'tls/zeek/hrr.pcap',
  C + 'ip-tcp/pcapplusplus/one_tcp_stream.pcap',
  C + 'ip-tcp/pcapplusplus/tcp-reassembly.pcap',
  C + 'ip-tcp/pcapplusplus/unidirectional_tcp_stream_with_missing_packet.pcap',
  C + 'dns/pcapplusplus/dns_over_tcp.pcapng',
  C + 'http/zeek/ipv6-http-atomic-frag.pcap',
  C + 'http/pcapplusplus/four_ipv6_http_streams.pcap',
  C + 'http/pcapplusplus/three_http_streams.pcap',
  C + 'http/zeek/http_09.pcap',
  C + 'ip-tcp/zeek/tcp-handshake-reorder.pcap',
  C + 'ip-tcp/zeek/tcp-missing-syn.pcap',
  C + 'ip-tcp/zeek/tcp-no-handshake.pcap',
  C + 'ip-tcp/zeek/tcp-payload-synack.pcap',
  C + 'ip-tcp/zeek/tcp-tcp-fast-open.pcap',
  C + 'websocket/suricata-verify/websocket-control-frag/input.pcap',
  C + 'websocket/zeek/websocket_compressed.pcap',
];

/** WebSocket captures and the port tshark must be told is HTTP (Paquet finds HTTP on any port). */
const WEBSOCKET = [
  [CHAT, null],
  [C + 'websocket/arkime/websocket.pcap', 12345],
  [C + 'websocket/suricata-verify/websocket-compressed/example_websocket.pcap', 5000],
  [C + 'websocket/suricata-verify/websocket-control-frag/input.pcap', 80],
  [C + 'websocket/suricata-verify/websocket-ping/input.pcap', 10301],
  [C + 'websocket/suricata-verify/websocket/basic_websockets.pcap', 80],
  [C + 'websocket/zeek/broker-websocket.pcap', 27599],
  [C + 'websocket/zeek/fragmented-http-reply.pcap', 8080],
  [C + 'websocket/zeek/http-websocket.pcap', 80],
  [C + 'websocket/zeek/jupyter-websocket.pcap', 51185],
  [C + 'websocket/zeek/message-too-big-status.pcap', 8080],
  [C + 'websocket/zeek/oversized-close-frame.pcapng', 80],
  [C + 'websocket/zeek/reply-ping-coalesced.pcap', 8080],
  [C + 'websocket/zeek/two-binary-fragments.pcap', 8080],
  [C + 'websocket/zeek/websocket_baseline.pcap', 8765],
  [C + 'websocket/zeek/websocket_compressed.pcap', 8765],
  [C + 'websocket/zeek/wstunnel-http.pcap', 8888],
];

function tshark(args) {
  try {
    return execFileSync('tshark', ['-n', ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (e) {
    // tshark exits non-zero on a cut-short file yet prints what it read.
    if (typeof e.stdout === 'string' && e.stdout) return e.stdout;
    throw new Error(`tshark ${args.join(' ')} failed: ${e.stderr}`);
  }
}

const version = tshark(['--version']).split('\n')[0];

// ------------------------------------------------------------------ follow tcp

/** The few shapes `-z follow,tcp,yaml` prints: peers, then packets with base64 data. */
function parseFollowYaml(text) {
  const peers = [];
  const packets = [];
  let cur = null;
  let inData = false;
  for (const line of text.split('\n')) {
    let m;
    if ((m = /^ {2}- peer: (\d+)$/.exec(line))) peers.push({ peer: Number(m[1]) });
    else if ((m = /^ {4}host: (.*)$/.exec(line))) peers[peers.length - 1].host = m[1];
    else if ((m = /^ {4}port: (\d+)$/.exec(line))) peers[peers.length - 1].port = Number(m[1]);
    else if ((m = /^ {2}- packet: (\d+)$/.exec(line))) {
      cur = { num: Number(m[1]), peer: -1, data: '' };
      packets.push(cur);
      inData = false;
    } else if ((m = /^ {4}peer: (\d+)$/.exec(line))) cur.peer = Number(m[1]);
    else if (/^ {4}data: !!binary \|$/.test(line)) inData = true;
    else if (inData && /^ {6}\S/.test(line)) cur.data += line.trim();
    else inData = false;
  }
  const endpoint = (p) => (p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`);
  return { peers: peers.map(endpoint), packets };
}

/** `-z follow,tcp,raw`: one hex line per record, the second node's indented by a tab. */
function parseFollowRaw(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Node 1:'));
  const out = [];
  for (const l of lines.slice(start + 1)) {
    if (l.startsWith('=====')) break;
    if (l.trim()) out.push({ peer: l.startsWith('\t') ? 1 : 0, hex: l.trim() });
  }
  return out;
}

const follow = [];
for (const capture of FOLLOW) {
  const path = resolve(repo, capture);
  const ids = [...new Set(tshark(['-r', path, '-Y', 'tcp', '-T', 'fields', '-E', 'occurrence=f', '-e', 'tcp.stream']).split('\n').filter(Boolean).map(Number))].sort((a, b) => a - b);
  const streams = [];
  for (const id of ids) {
    const yaml = parseFollowYaml(tshark(['-r', path, '-q', '-z', `follow,tcp,yaml,${id}`]));
    const raw = parseFollowRaw(tshark(['-r', path, '-q', '-z', `follow,tcp,raw,${id}`]));
    const same = raw.length === yaml.packets.length &&
      raw.every((r, i) => r.peer === yaml.packets[i].peer && r.hex === Buffer.from(yaml.packets[i].data, 'base64').toString('hex'));
    if (!same) throw new Error(`${capture} stream ${id}: raw and yaml follow output disagree`);
    streams.push({ stream: id, peers: yaml.peers, packets: yaml.packets });
  }
  follow.push({ capture, streams });
  console.log(`follow: ${capture}: ${streams.length} streams, ${streams.reduce((n, s) => n + s.packets.length, 0)} records`);
}

// ------------------------------------------------------------------ websocket

const wsFrames = [];
for (const [capture, port] of WEBSOCKET) {
  const path = resolve(repo, capture);
  const decode = port ? ['-d', `tcp.port==${port},http`] : [];
  const fieldNames = ['frame.number', 'tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'frame.time_epoch', 'frame.time_relative', 'tcp.segment'];
  const rows = new Map();
  const fields = tshark(['-r', path, ...decode, '-Y', 'websocket', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fieldNames.flatMap((f) => ['-e', f])]);
  for (const line of fields.split('\n').filter(Boolean)) {
    const [num, stream, ip4, ip6, srcport, epoch, rel, segments] = line.split('\t');
    const host = ip4 || ip6;
    rows.set(Number(num), {
      num: Number(num), stream: Number(stream), src: host.includes(':') ? `[${host}]:${srcport}` : `${host}:${srcport}`,
      epoch, rel, segments: segments ? segments.split(',').map(Number) : [], ws: [],
    });
  }
  // -J websocket leaves out the frame layer's fields: the two runs list the same packets in the same order.
  const docs = JSON.parse(tshark(['-r', path, ...decode, '-Y', 'websocket', '-T', 'json', '-J', 'websocket', '--no-duplicate-keys']));
  const list = [...rows.values()];
  if (docs.length !== list.length) throw new Error(`${capture}: ${docs.length} JSON packets but ${list.length} field rows`);
  docs.forEach((doc, i) => {
    const ws = doc._source.layers.websocket;
    for (const w of Array.isArray(ws) ? ws : [ws]) list[i].ws.push(frameOf(w));
  });
  wsFrames.push({ capture, decodeAs: port, packets: [...rows.values()] });
  console.log(`websocket: ${capture}: ${rows.size} packets, ${[...rows.values()].reduce((n, r) => n + r.ws.length, 0)} frames`);
}

/** The facts of one WebSocket frame from tshark's JSON layer. */
function frameOf(w) {
  const pl = w['websocket.payload'] ?? {};
  const close = pl['websocket.payload.close'] ?? {};
  const one = (v) => (Array.isArray(v) ? v[0] : v);
  const length = Number(w['websocket.payload_length_ext_64'] ?? w['websocket.payload_length_ext_16'] ?? w['websocket.payload_length']);
  const f = {
    fin: w['websocket.fin'] === '1', rsv: parseInt(w['websocket.rsv'], 16), opcode: Number(w['websocket.opcode']), mask: w['websocket.mask'] === '1', length,
  };
  if (w['websocket.pmc'] !== undefined) f.pmc = w['websocket.pmc'] === '1';
  if (pl['websocket.payload.text'] !== undefined) f.text = one(pl['websocket.payload.text']);
  if (close['websocket.payload.close.status_code'] !== undefined) f.closeCode = Number(close['websocket.payload.close.status_code']);
  if (close['websocket.payload.close.reason'] !== undefined) f.closeReason = close['websocket.payload.close.reason'];
  return f;
}

mkdirSync(join(here, 'expected'), { recursive: true });
writeFileSync(join(here, 'expected', 'follow-tcp.json'), JSON.stringify({ generator: version, captures: follow }, null, 1) + '\n');
writeFileSync(join(here, 'expected', 'websocket-frames.json'), JSON.stringify({ generator: version, captures: wsFrames }, null, 1) + '\n');
