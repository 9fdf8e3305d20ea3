/**
 * The fuzzing loop for one target: pick an input from the corpus, mutate it,
 * run it, keep it when it reached a feature never seen, record any exception
 * that escaped and any case slower than the per-case bound. Deterministic
 * for a given seed and case count.
 *
 * Runs inside a worker (worker.mjs); before each case it copies the input
 * into shared memory and bumps a counter, so the parent can tell a hang from
 * a slow run and still hold the input that hung. Crashing and slow inputs are
 * kept as the bytes a file of them holds: a filter input also holds parsed
 * packets, whose functions postMessage cannot clone.
 */
import { packetsToPcapng } from './crash-files.mjs';
import { mutateBytes, mutateFilter, rng } from './mutate.mjs';
import { captureFileTarget, filterTarget, inflateTarget, packetsTarget } from './targets.mjs';
import { fileSeeds, filterSeeds, inflateSeeds, packetSeeds } from './seeds.mjs';
import { describeThrown } from './thrown.mjs';
import { Dissection } from '../../dist/shared/dissect/engine.js';
import { frameInputFrom } from '../../dist/shared/dissect/frame-input.js';
import { defaultRegistry } from '../../dist/shared/dissect/protocols.js';

const CORPUS_CAP = 4000;
const enc = new TextEncoder();

/** Target name → how to seed it, mutate an input, run it, and turn an input into bytes for the record. */
export const TARGETS = {
  file: {
    seeds: () => fileSeeds().map((s) => s.bytes),
    mutate: (input, r, other) => mutateBytes(input, r, other),
    run: captureFileTarget,
    bytes: (input) => input,
  },
  packets: {
    seeds: packetSeeds,
    mutate: (input, r, other) => {
      const records = input.records.slice();
      const n = 1 + r.int(2);
      for (let i = 0; i < n; i++) {
        const k = r.int(records.length);
        const donor = other?.records?.[r.int(other.records.length)]?.data;
        const data = mutateBytes(records[k].data, r, donor);
        records[k] = { ...records[k], data, capLen: data.length, origLen: Math.max(records[k].origLen, data.length) };
      }
      return { ...input, records };
    },
    run: packetsTarget,
    bytes: packetsToPcapng,
  },
  filter: {
    seeds: () => {
      const texts = filterSeeds();
      // Parsed packets the compiled filters are run on: the chat capture's first frames.
      const chat = packetSeeds().find((s) => s.path.endsWith('workerman-chat-7272.pcap'));
      const dissection = new Dissection(defaultRegistry());
      const sample = (chat?.records ?? []).map((rec, i) => dissection.dissect(frameInputFrom(rec, chat.interfaces, i + 1), true));
      return texts.map((text) => ({ text, sample }));
    },
    mutate: (input, r, other) => ({
      text: r.chance(0.1) && other ? `${input.text} ${r.pick(['and', 'or', '||', '&&'])} ${other.text}` : mutateFilter(input.text, r),
      sample: input.sample,
    }),
    run: filterTarget,
    bytes: (input) => enc.encode(input.text),
  },
  inflate: {
    seeds: inflateSeeds,
    mutate: (input, r, other) => mutateBytes(input, r, other),
    run: inflateTarget,
    bytes: (input) => input,
  },
};

/**
 * @param {object} o
 * @param {keyof typeof TARGETS} o.target
 * @param {number} o.seed
 * @param {number} [o.cases]      stop after this many cases
 * @param {number} [o.deadline]   or at this Date.now()
 * @param {number} o.slowMs       a case slower than this is reported
 * @param {(i: number, input: unknown) => void} [o.beforeCase]
 */
export function fuzz(o) {
  const t = TARGETS[o.target];
  if (!t) throw new Error(`unknown fuzz target ${o.target}; known: ${Object.keys(TARGETS).join(', ')}`);
  const r = rng(o.seed);
  const corpus = t.seeds();
  if (corpus.length === 0) throw new Error(`no seeds for ${o.target}`);
  const seen = new Set();
  const crashes = [];
  const slow = [];
  // The seeds themselves first: a seed that crashes is the first thing to know.
  const queue = [...corpus];
  let i = 0;
  let maxHeap = 0;
  for (; ; i++) {
    if (o.cases !== undefined && i >= o.cases) break;
    if (o.deadline !== undefined && Date.now() >= o.deadline) break;
    const input = queue.length > 0 ? queue.shift() : t.mutate(r.pick(corpus), r, r.pick(corpus));
    o.beforeCase?.(i, t.bytes(input));
    const start = performance.now();
    let features;
    try {
      features = t.run(input);
    } catch (e) {
      crashes.push({ case: i, input: t.bytes(input), error: describeThrown(e) });
      continue;
    }
    const ms = performance.now() - start;
    if (ms > o.slowMs) slow.push({ case: i, input: t.bytes(input), ms: Math.round(ms) });
    let fresh = false;
    for (const f of features) {
      if (!seen.has(f)) {
        seen.add(f);
        fresh = true;
      }
    }
    if (fresh && corpus.length < CORPUS_CAP) corpus.push(input);
    if ((i & 255) === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  }
  return { target: o.target, cases: i, crashes, slow, corpus: corpus.length, features: seen.size, maxHeapMiB: Math.round(maxHeap / 1048576) };
}
