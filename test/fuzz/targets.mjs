/**
 * What the fuzzer feeds, and how it judges the result. Each target takes one
 * input, runs it through the code that reads untrusted bytes or text, and
 * returns the "features" the run reached: the guidance signal. Only an
 * exception escaping the code under test is a crash: damage reported as
 * warnings, malformed items and filter errors are the correct answers.
 *
 * Guidance is structural, not code coverage: a case is kept in the corpus
 * when it makes the tree hold a field (or the reader a warning, the compiler
 * an error) no earlier case produced. V8's block coverage per case would
 * cost more than the case itself.
 */
import { readCapture, NotACaptureError } from '../../dist/shared/capture/index.js';
import { Dissection } from '../../dist/shared/dissect/engine.js';
import { frameInputFrom } from '../../dist/shared/dissect/frame-input.js';
import { defaultRegistry } from '../../dist/shared/dissect/protocols.js';
import { FieldSet, walk } from '../../dist/shared/dissect/tree.js';
import { compileFilter, protocolOf } from '../../dist/shared/filter/index.js';
import { layerCut } from '../../dist/shared/filter/layer-cut.js';
import { treeLines } from '../../dist/shared/format/tree-text.js';
import { summaryLine } from '../../dist/shared/format/summary.js';
import { packetHexDump } from '../../dist/shared/format/hexdump.js';
import { packetJson } from '../../dist/shared/format/json-output.js';
import { createTcpdumpState, formatTcpdump } from '../../dist/shared/tcpdump/index.js';
import { MessageInflater } from '../../dist/shared/dissect/proto/websocket-inflate.js';
import { LATER_FRAME_FIELDS } from '../../dist/shared/filter/first-pass-fields.js';
import { ConversationParts, UNSPLITTABLE } from '../../dist/main/cli/conversation-split.js';
import { WHOLE_FILE_FIELDS } from '../../dist/main/cli/read-split.js';
import { ADDED_ABOVE_TCP, NOT_CUT_FIELDS, UP_TO_TCP } from '../../dist/main/worker/worker-filter.js';

const registry = defaultRegistry();

/** Filters compiled once and run over every fuzzed packet: they read fields the tree holds. */
const PROBE_FILTERS = [
  'tcp.port in {80 443 7272} and !tcp.analysis.retransmission',
  'websocket.payload.text contains "a" or http.request.uri matches "^/"',
  'frame[0:2] == 00:1c || ip.addr == 10.0.0.0/8 || dns.qry.name contains "x"',
  'len(tcp.payload) > 3 and tcp.payload[0] == 0x81',
].map((f) => {
  const c = compileFilter(f, registry);
  if (!c.ok) throw new Error(`probe filter does not compile: ${f}: ${c.error.message}`);
  return c.filter;
});

/**
 * A capture file as bytes: parse it whole (pcap, pcapng, gzip), then dissect
 * every packet it yields (at most 64) with the tree and every printer.
 */
export function captureFileTarget(bytes) {
  const features = new Set();
  let file;
  try {
    file = readCapture(bytes);
  } catch (e) {
    if (e instanceof NotACaptureError) return features.add('not-a-capture'), features;
    throw e;
  }
  features.add(`format:${file.format}`);
  for (const w of file.warnings) features.add(`warning:${w.kind}`);
  const packets = [];
  for (const rec of file.records()) {
    packets.push(rec);
    if (packets.length >= 64) break;
  }
  dissectAll(packets, file.interfaces, features);
  return features;
}

/** A run of packets (records sharing interfaces), dissected in order and printed every way. */
export function packetsTarget({ records, interfaces }) {
  const features = new Set();
  dissectAll(records, interfaces, features);
  return features;
}

function dissectAll(records, interfaces, features) {
  const dissection = new Dissection(registry);
  const tcpdump = { state: createTcpdumpState(), ascii: true };
  const tcpdumpHex = { state: createTcpdumpState(), hex: true, withLinkHeader: true, verbose: 3, websocket: true, link: true, number: true };
  const done = [];
  const firstPass = [];
  let num = 0;
  for (const rec of records) {
    num++;
    const d = dissection.dissect(frameInputFrom(rec, interfaces, num), true);
    done.push(num);
    firstPass.push(fieldValues(d));
    if (d.malformed) features.add(`malformed:${d.protocol}`);
    for (const node of walk(d.tree ?? [])) features.add(node.def.abbrev);
    summaryLine(d);
    treeLines(d.tree ?? [], { sources: d.sources });
    packetHexDump(d.sources);
    packetJson(d);
    formatTcpdump(d, tcpdump);
    formatTcpdump(d, tcpdumpHex);
    for (const f of PROBE_FILTERS) f.matches(d);
  }
  // Revisit a frame out of order, as the app does when a packet is clicked.
  if (done.length > 0) {
    const again = done[Math.floor(done.length / 2)];
    dissection.dissect(frameInputFrom(records[again - 1], interfaces, again), true);
  }
  for (const n of done) {
    const frame = frameInputFrom(records[n - 1], interfaces, n);
    checkPrunedRevisit(dissection, frame);
    // The filter helper answers from a first pass: it must hold what a revisit holds, but for later frames' numbers.
    sameFields(`frame ${n} on a first pass and on a revisit`, firstPass[n - 1], fieldValues(dissection.dissect(frame, true)), LATER_FRAME_FIELDS);
  }
  checkSplit(records, interfaces);
  checkHelperCut(records, interfaces);
  checkHelperStopAboveTcp(records, interfaces);
}

/**
 * The filter helper on frame and IPv4 header fields (main/worker/filter-helper-pass.ts): a first
 * pass that passes over the packets without IPv4 and dissects the others only up to their last
 * IPv4 layer must give those fields the values a whole first pass gives.
 */
function checkHelperCut(records, interfaces) {
  const whole = new Dissection(registry, { singlePass: true });
  const cut = new Dissection(registry, { singlePass: true, layerLimitOnFirstPass: true });
  let num = 0;
  for (const rec of records) {
    num++;
    const frame = frameInputFrom(rec, interfaces, num);
    const full = whole.dissect(frame, true);
    const names = new Set();
    for (const node of walk(full.tree ?? [])) {
      const a = node.def.abbrev;
      if ((a.startsWith('ip.') || a.startsWith('frame.')) && !NOT_CUT_FIELDS.has(a)) names.add(a);
    }
    if (!full.protocols.split(':').includes('ip')) {
      cut.passOver(num, frame.tsSec, frame.tsNsec);
      continue;
    }
    const layers = layerCut(names, registry)(full.protocols);
    const shape = layers === undefined ? new FieldSet(names) : new FieldSet(names).upTo(layers);
    const named = { has: (name) => !names.has(name) };
    sameFields(`frame ${num} whole and on a first pass cut to ${layers ?? 'all'} layers`, fieldValues(full), fieldValues(cut.dissect(frame, shape)), named);
  }
}

/**
 * The filter helper on TCP's header fields: a first pass that dissects no layer above TCP must
 * give TCP and the layers below it the items a whole first pass gives, but ADDED_ABOVE_TCP.
 */
function checkHelperStopAboveTcp(records, interfaces) {
  const whole = new Dissection(registry, { singlePass: true });
  const cut = new Dissection(registry, { singlePass: true, stopAbove: 'tcp' });
  const below = new Map();
  // The fields not compared: above TCP, or decided there.
  const notUpToTcp = {
    has: (name) => {
      if (!below.has(name)) below.set(name, UP_TO_TCP.has(protocolOf(name, registry)) && !ADDED_ABOVE_TCP.has(name));
      return !below.get(name);
    },
  };
  let num = 0;
  for (const rec of records) {
    num++;
    const frame = frameInputFrom(rec, interfaces, num);
    sameFields(`frame ${num} whole and on a first pass stopped above TCP`, fieldValues(whole.dissect(frame, true)), fieldValues(cut.dissect(frame, true)), notUpToTcp);
  }
}

/**
 * A split `paquet read` (main/cli/read-split.ts): two dissections each given one thread's
 * conversations, passing over the others, must hold what one dissection of every packet holds,
 * but the stream numbers; up to the first packet the split will not take.
 */
function checkSplit(records, interfaces) {
  const whole = new Dissection(registry, { singlePass: true });
  const threads = [new Dissection(registry, { singlePass: true }), new Dissection(registry, { singlePass: true })];
  const parts = new ConversationParts(2);
  let num = 0;
  for (const rec of records) {
    num++;
    const frame = frameInputFrom(rec, interfaces, num);
    const part = parts.of(rec.data, frame.linkType);
    if (part === UNSPLITTABLE) return;
    const one = fieldValues(whole.dissect(frame, true));
    const two = fieldValues(threads[part].dissect(frame, true));
    threads[1 - part].passOver(num, frame.tsSec, frame.tsNsec);
    sameFields(`frame ${num} dissected whole and split (thread ${part})`, one, two, WHOLE_FILE_FIELDS);
  }
}

/** Each field's values in tree order, as text. */
function fieldValues(d) {
  const out = new Map();
  for (const node of walk(d.tree ?? [])) {
    const v = node.value instanceof Uint8Array ? Buffer.from(node.value).toString('hex') : String(node.value);
    const list = out.get(node.def.abbrev);
    if (list) list.push(v);
    else out.set(node.def.abbrev, [v]);
  }
  return out;
}

/** `a` and `b` (fieldValues) hold the same values for every field but those `except.has()` names. */
function sameFields(what, a, b, except) {
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    if (except.has(name)) continue;
    const x = JSON.stringify(a.get(name) ?? []);
    const y = JSON.stringify(b.get(name) ?? []);
    if (x !== y) throw new Error(`${what}: ${name} is ${x.slice(0, 200)} against ${y.slice(0, 200)}`);
  }
}

/**
 * A display filter's revisit (a tree pruned to one or two fields, and as many layers as hold them:
 * FieldSet, layer-cut.ts) must hold the same items of those fields as the full tree: a dissector
 * skipping a block, or a layer left out, that a field needs throws here, as a crash.
 */
function checkPrunedRevisit(dissection, frame) {
  const full = dissection.dissect(frame, true);
  const present = [...new Set([...walk(full.tree ?? [])].map((node) => node.def.abbrev))].filter((a) => a !== '' && a !== 'text');
  if (present.length === 0) return;
  // Chosen from the frame itself, so that a case runs the same every time.
  const at = (frame.num * 7919 + frame.data.length) % present.length;
  const names = new Set([present[at], ...(frame.num % 2 === 0 ? [present[(at * 31 + 17) % present.length]] : [])]);
  const layers = layerCut(names, registry)(full.protocols);
  const shape = layers === undefined ? new FieldSet(names) : new FieldSet(names).upTo(layers);
  const pruned = dissection.dissect(frame, shape);
  for (const name of names) {
    const want = itemKeys(full, name);
    const got = itemKeys(pruned, name);
    if (want !== got) throw new Error(`frame ${frame.num}: ${name} on a tree pruned to [${[...names].join(', ')}]${layers === undefined ? '' : ` up to ${layers} layers`}: ${got}, full tree ${want}`);
  }
}

/** The items of one field as comparable text: value, data source, offset, length, generated and hidden flags. */
function itemKeys(d, name) {
  const keys = [];
  for (const node of walk(d.tree ?? [])) {
    if (node.def.abbrev !== name) continue;
    const v = node.value instanceof Uint8Array ? Buffer.from(node.value).toString('hex') : String(node.value);
    keys.push(`${v}|${node.source}@${node.offset}+${node.length}|${node.flags & 3}`);
  }
  return JSON.stringify(keys.sort());
}

/** A display-filter string: compile it; when it compiles, run it over a few packets. */
export function filterTarget({ text, sample }) {
  const features = new Set();
  const c = compileFilter(text, registry);
  if (!c.ok) {
    features.add(`error:${errorWording(c.error.message, text)}`);
    if (!(c.error.message.length > 0)) throw new Error('filter error with an empty message');
    return features;
  }
  features.add('ok');
  for (const d of sample) features.add(`match:${c.filter.matches(d)}`);
  return features;
}

/**
 * Which rule refused a filter: the message's lowercase words, less any the
 * filter's own text holds. Messages quote the text (`"…" was unexpected in
 * this context.`), and a feature for every quoted fragment made the feature
 * set grow with the run (20,000 in 100,000 cases) and filled the corpus
 * with inputs that were new only in their typos.
 */
function errorWording(message, text) {
  const lower = text.toLowerCase();
  return message
    .split(/\s+/)
    .filter((w) => /^[a-z]+[,.:]?$/.test(w) && !lower.includes(w.replace(/[,.:]$/, '')))
    .join(' ');
}

/** permessage-deflate payloads: raw bytes and mutated deflate streams, with and without context takeover. */
export function inflateTarget(bytes) {
  const features = new Set();
  for (const takeover of [false, true]) {
    const inflater = new MessageInflater(takeover, 256 * 1024);
    const r1 = inflater.message(bytes);
    const r2 = inflater.message(bytes.subarray(0, bytes.length >> 1));
    features.add(`${takeover}:${r1.ok ? 'ok' : r1.reason}:${r2.ok ? 'ok' : r2.reason}`);
    if (r1.ok && r1.bytes.length > 256 * 1024) throw new Error(`inflated ${r1.bytes.length} bytes past the cap`);
  }
  return features;
}
