/**
 * The app on a capture of a million packets, against issue 5's targets (first
 * rows within half a second of opening, scrolling never stalls, a click shows
 * the packet's tree within 50 ms, the renderer's memory does not grow with the
 * number of packets) and issue 6's (first rows within half a second whatever
 * the file's size; the index's memory per packet).
 *
 * Two levels, each run in processes of its own (so memory figures are theirs):
 *   - app-worker-probe.mjs: the decoding worker through DecoderClient, as the
 *     session uses it — open, first rows, full index, rows/detail latency,
 *     applyFilter, worker heap and process RSS per packet;
 *   - app-browser-probe.mjs: the real renderer in chromium over the WebSocket
 *     bridge — open to first row on screen, long tasks and frame gaps while
 *     scrolling, click to tree, the renderer's JS heap (chat capture vs the big one).
 * Then prints a table and writes the "## The app" section of BENCHMARKS.md
 * (only that section; the rest of the file is left as it is).
 *
 * Usage: node test/bench/app-bench.mjs [--dist DIR] [--file CAPTURE] [--runs 2] [--opens 5] [--browser-runs 2]
 *          [--no-browser] [--no-write] [--render] [--out FILE]
 *   --dist DIR   compiled Paquet to measure (npm run bench passes test/tmp/bench/dist);
 *                without it, Paquet is built into test/tmp/bench/app-dist (tsc + vite, ~15 s).
 *                The renderer is built into DIR/renderer when missing.
 *   --runs N     full worker runs (index, latencies, memory); filters run in the first only.
 *   --opens N    extra worker runs that only open and read the first rows.
 *   --browser-runs N  renderer runs, each in a new browser (timings pooled, memory from the first).
 *   --render     rewrite the section from test/tmp/bench/app-results.json, measuring nothing.
 * The captures come from make-captures.mjs (made only when missing). Every child
 * process is bounded by a timeout; ports come from 0; nothing listens on 7272.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { BENCH_DIR, makeCaptures } from './make-captures.mjs';
import { args, opt } from './script-options.mjs';

const REPO = resolve(import.meta.dirname, '../..');
const CHAT = resolve(REPO, '../shared/captures/workerman-chat-7272.pcap');
const RESULTS = join(BENCH_DIR, 'app-results.json');
const WORKER_PROBE = join(import.meta.dirname, 'app-worker-probe.mjs');
const BROWSER_PROBE = join(import.meta.dirname, 'app-browser-probe.mjs');
const MEMORY_PROBE = join(import.meta.dirname, 'app-memory-probe.mjs');
/** Display filters timed on the whole capture (a slow one is stopped at FILTER_TIMEOUT_S). */
const FILTERS = ['tcp.port == 80', 'websocket', 'http.request'];
const FILTER_TIMEOUT_S = 60;
/** The renderer's row cache (renderer/src/state/row-cache.svelte.ts): chunks of this many rows, at most MAX_CHUNKS kept. */
const CHUNK_ROWS = 200;
const MAX_CHUNKS = 500;
/** Rows the packet list draws above and below the visible ones (renderer/src/shell/PacketList.svelte MARGIN). */
const LIST_MARGIN = 12;

const RUNS = Math.max(1, Number(opt('--runs', 2)));
const OPENS = Math.max(0, Number(opt('--opens', 5)));
const BROWSER_RUNS = Math.max(1, Number(opt('--browser-runs', 2)));
const OUT = resolve(REPO, opt('--out', 'BENCHMARKS.md'));

// ---------------------------------------------------------------- statistics

function sorted(values) {
  return values.filter((x) => typeof x === 'number' && x >= 0).sort((a, b) => a - b);
}
/** Nearest-rank percentile (p in 0..100) of the non-negative values; undefined when none. */
function pct(values, p) {
  const v = sorted(values);
  if (v.length === 0) return undefined;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}
const median = (values) => pct(values, 50);
const max = (values) => pct(values, 100);
const ms = (x) => (x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const mb = (bytes) => (bytes === undefined ? '—' : (bytes / 2 ** 20).toFixed(1));
const int = (x) => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const spread = (values) => `${ms(median(values))} (${ms(pct(values, 0))}–${ms(max(values))}, ${sorted(values).length} runs)`;
const dist3 = (values) => `${ms(median(values))} / ${ms(pct(values, 95))} / ${ms(max(values))}`;
const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');

// ---------------------------------------------------------------- running

function sh(cmd) {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Run a probe; its last stdout line is its JSON. Bounded by `seconds`. */
function probe(script, probeArgs, seconds, nodeFlags = []) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...nodeFlags, script, ...probeArgs], {
    cwd: REPO, encoding: 'utf8', timeout: seconds * 1000, killSignal: 'SIGKILL', maxBuffer: 64 << 20, env: { ...process.env, TZ: 'UTC' },
  });
  const wall = (performance.now() - t0) / 1000;
  const line = (r.stdout ?? '').trim().split('\n').pop();
  try {
    const j = JSON.parse(line);
    j.wallS = wall;
    return j;
  } catch {
    const why = r.signal ? `killed (${r.signal}) after ${wall.toFixed(0)} s` : `exit ${r.status}`;
    return { errors: [`${basename(script)} ${why}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`], wallS: wall };
  }
}

function build(dist, main) {
  if (main) {
    rmSync(dist, { recursive: true, force: true });
    const r = spawnSync(join(REPO, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--outDir', dist], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
    // tsc writes JavaScript even when an unrelated file has a type error.
    console.log(`built main into ${dist} (${((r.stdout ?? '').match(/error TS/g) ?? []).length} type errors reported)`);
  }
  if (!existsSync(join(dist, 'renderer/index.html'))) {
    const r = spawnSync(join(REPO, 'node_modules/.bin/vite'), ['build', '--outDir', join(dist, 'renderer'), '--emptyOutDir', '--logLevel', 'warn'], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) console.log(`vite build failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    else console.log(`built the renderer into ${join(dist, 'renderer')}`);
  }
}

function machine() {
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? '?';
  return {
    nproc: sh('nproc') ?? String(cpus().length),
    cpuModel,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: sh('uname -sr') ?? process.platform,
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: sh(`git -C '${REPO}' rev-parse --short HEAD`) ?? '?',
    dirty: (sh(`git -C '${REPO}' status --porcelain`) ?? '') !== '',
  };
}

async function measure() {
  const made = await makeCaptures({ loopback: false, log: (l) => console.log(l) });
  const file = resolve(REPO, opt('--file', made.generated));
  const loopback = join(BENCH_DIR, 'loopback.pcap');
  let dist = opt('--dist', undefined);
  if (dist) {
    dist = resolve(REPO, dist);
    build(dist, !existsSync(join(dist, 'main/worker/decode-worker.js')));
  } else {
    dist = join(BENCH_DIR, 'app-dist');
    build(dist, true);
  }
  const env = machine();
  const results = { env, file, fileBytes: statSync(file).size, dist, quick: [], full: [], errors: [] };

  const workerArgs = (f, more = []) => ['--dist', dist, '--file', f, ...more];
  console.log(`\n== decoding worker on ${basename(file)}`);
  for (let k = 0; k < OPENS; k++) {
    const r = probe(WORKER_PROBE, workerArgs(file, ['--quick']), 120, ['--expose-gc']);
    results.quick.push(r);
    console.log(`  open ${k + 1}: worker start ${ms(r.workerStartMs)} ms, open() ${ms(r.openResolvedMs)} ms, first ${r.firstRowsCount ?? '?'} rows ${ms(r.firstRowsMs)} ms ${r.errors?.join(' ') ?? ''}`);
  }
  if (existsSync(loopback) && loopback !== file) {
    results.loopbackQuick = probe(WORKER_PROBE, workerArgs(loopback, ['--quick']), 120, ['--expose-gc']);
    results.loopbackBytes = statSync(loopback).size;
    console.log(`  loopback.pcap: open() ${ms(results.loopbackQuick.openResolvedMs)} ms, first rows ${ms(results.loopbackQuick.firstRowsMs)} ms`);
    // The same capture gzipped (made once, kept beside it): a gzip file is inflated as it is indexed.
    const gz = `${loopback}.gz`;
    if (!existsSync(gz) || statSync(gz).mtimeMs < statSync(loopback).mtimeMs) {
      console.log('  making loopback.pcap.gz (gzip -1) ...');
      await pipeline(createReadStream(loopback), createGzip({ level: 1 }), createWriteStream(gz));
    }
    results.gzipQuick = probe(WORKER_PROBE, workerArgs(gz, ['--quick']), 120, ['--expose-gc']);
    results.gzipBytes = statSync(gz).size;
    console.log(`  loopback.pcap.gz: open() ${ms(results.gzipQuick.openResolvedMs)} ms, first rows ${ms(results.gzipQuick.firstRowsMs)} ms`);
  }
  if (existsSync(CHAT)) {
    results.chatQuick = probe(WORKER_PROBE, workerArgs(CHAT, ['--quick']), 60, ['--expose-gc']);
    console.log(`  chat capture: first rows ${ms(results.chatQuick.firstRowsMs)} ms`);
  }
  for (let k = 0; k < RUNS; k++) {
    const filters = k === 0 ? FILTERS.flatMap((f) => ['--filter', f]) : [];
    const r = probe(WORKER_PROBE, workerArgs(file, ['--details', '200', '--seed', String(k + 1), '--filter-timeout', String(FILTER_TIMEOUT_S), ...filters]), 600, ['--expose-gc']);
    results.full.push(r);
    console.log(`  full run ${k + 1}: first rows ${ms(r.firstRowsMs)} ms, indexed ${r.packets ?? '?'} packets in ${ms((r.indexedMs ?? 0) / 1000)} s, `
      + `detail p50 ${ms(median(r.detailAfterIndexMs ?? []))} ms; ${(r.filters ?? []).map((f) => `${f.text} ${ms(f.ms / 1000)} s${f.timedOut ? ' (stopped)' : ''}`).join(', ')} ${r.errors?.join(' ') ?? ''}`);
  }

  console.log(`  memory by part (in-process DecoderService) ...`);
  results.parts = probe(MEMORY_PROBE, ['--dist', dist, '--file', file], 400, ['--expose-gc']);
  console.log(`  ${JSON.stringify(results.parts.parts ?? results.parts.errors)}`);

  if (!args.includes('--no-browser')) {
    if (!existsSync('/usr/bin/chromium')) {
      results.browserSkipped = '/usr/bin/chromium is missing (the benchmark never downloads a browser)';
    } else {
      console.log(`\n== renderer in chromium on ${basename(file)}`);
      results.browserRuns = [];
      for (let k = 0; k < BROWSER_RUNS; k++) {
        const b = probe(BROWSER_PROBE, ['--dist', dist, '--file', file, '--chat', CHAT, '--opens', '3', '--jumps', '40', '--clicks', '20', '--fill-jumps', k === 0 ? '60' : '0'], 400);
        results.browserRuns.push(b);
        console.log(`  run ${k + 1}: open to first row ${b.opens?.map(ms).join(', ') ?? '?'} ms; click to tree p50 ${ms(median(b.after?.clicksMs ?? []))} ms after indexing; heap chat ${mb(b.chatHeap?.usedSize)} MB, 1M ${mb(b.bigHeap?.usedSize)} MB ${b.errors?.join(' ') ?? ''}`);
      }
    }
  }
  env.loadEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  writeFileSync(RESULTS, JSON.stringify(results) + '\n');
  return results;
}

// ---------------------------------------------------------------- the section

/** Long tasks and frame gaps of a scrolling phase, by the part (wheel, PageDown, End...) they fell in. */
function phaseParts(phase) {
  const marks = phase.marks ?? [];
  const partAt = (t) => {
    let name = 'start';
    for (const [mt, n] of marks) if (mt <= t) name = n;
    return name;
  };
  const parts = new Map();
  const get = (n) => parts.get(n) ?? parts.set(n, { long: [], gaps: [] }).get(n);
  for (const [t, d] of phase.longtasks ?? []) get(partAt(t)).long.push(d);
  for (const [t, d] of phase.frames ?? []) if (d > 50) get(partAt(t - d)).gaps.push(d);
  return parts;
}

/** Long frames and long tasks of one phase over several runs (each run's marks attribute its own). */
function phaseSummary(phases) {
  const list = phases.filter(Boolean);
  const frames = list.flatMap((p) => (p.frames ?? []).map(([, d]) => d));
  const long = list.flatMap((p) => (p.longtasks ?? []).map(([, d]) => d));
  const merged = new Map();
  for (const p of list) {
    for (const [n, part] of phaseParts(p)) {
      const m = merged.get(n) ?? merged.set(n, { long: [], gaps: [] }).get(n);
      m.long.push(...part.long);
      m.gaps.push(...part.gaps);
    }
  }
  const parts = [...merged].filter(([, p]) => p.long.length || p.gaps.length)
    .map(([n, p]) => `${n}: ${p.long.length ? `long tasks ${p.long.map((d) => d.toFixed(0)).join(', ')} ms` : 'no long task'}${p.gaps.length ? `; gaps ${p.gaps.map((d) => d.toFixed(0)).join(', ')} ms` : ''}`);
  return {
    runs: list.length,
    frames: frames.length,
    gapsOver50: frames.filter((d) => d > 50).length,
    gapsOver100: frames.filter((d) => d > 100).length,
    maxGap: max(frames),
    longCount: long.length,
    longMax: max(long),
    longTotal: long.reduce((a, b) => a + b, 0),
    parts,
    seconds: list.map((p) => p.seconds ?? 0),
    jumpsMs: list.flatMap((p) => p.jumpsMs ?? []),
    clicksMs: list.flatMap((p) => p.clicksMs ?? []),
    placeholders: list.map((p) => p.wheelPlaceholdersAfter),
    jumpCount: list[0]?.jumpsMs?.length ?? 0,
  };
}

function section(r) {
  const e = r.env;
  const packets = r.full.find((f) => f.packets)?.packets;
  const pk = packets ?? 1_000_000;
  const firstRows = r.quick.map((q) => q.firstRowsMs).concat(r.full.map((f) => f.firstRowsMs));
  const withStart = r.quick.concat(r.full).map((q) => (q.firstRowsMs ?? NaN) + (q.workerStartMs ?? NaN)).filter((x) => !Number.isNaN(x));
  const openOnly = r.quick.concat(r.full).map((q) => q.openResolvedMs);
  const starts = r.quick.concat(r.full).map((q) => q.workerStartMs);
  const indexS = r.full.map((f) => (f.indexedMs === undefined ? undefined : f.indexedMs / 1000));
  const pool = (key) => r.full.flatMap((f) => f[key] ?? []);
  const detailDuring = pool('detailDuringIndexMs');
  const detailAfter = pool('detailAfterIndexMs');
  const rowsDuring = pool('rowsDuringIndexMs');
  const rowsAfter = pool('rowsAfterIndexMs');
  const mem = r.full.find((f) => f.memory)?.memory;
  const heapPer = mem ? (mem.after.workerHeap - mem.before.workerHeap) / pk : undefined;
  const extPer = mem ? (mem.after.workerExternal - mem.before.workerExternal) / pk : undefined;
  const rssPer = mem ? (mem.after.rss - mem.before.rss) / pk : undefined;
  const filters = r.full[0]?.filters ?? [];
  // Memory figures from the first browser run that completed; timings pooled over every completed run.
  const runs = (r.browserRuns ?? (r.browser ? [r.browser] : [])).filter((x) => !x.errors?.length && x.after);
  const b = runs[0] ?? (r.browserRuns ?? [])[0] ?? r.browser;
  const errors = [...r.quick, ...r.full, r.parts ?? {}, ...(r.browserRuns ?? [])].flatMap((x) => x.errors ?? [])
    .concat((r.browserRuns ?? []).flatMap((x) => x.pageErrors ?? []).map((m) => `uncaught in the page: ${m}`));

  const L = [];
  L.push('## The app', '');
  L.push(`Written by \`node test/bench/app-bench.mjs\` (worker: app-worker-probe.mjs; renderer: app-browser-probe.mjs).`);
  L.push(`${e.nproc} cores: ${e.cpuModel}; memory ${e.memory}; ${e.os}; Node ${e.node}; ${b?.chromium ? `Chromium ${b.chromium} headless (/usr/bin/chromium)` : 'no browser run'}.`);
  L.push(`Date ${e.date}; Paquet at commit ${e.commit}${e.dirty ? ' plus uncommitted changes (other work in progress)' : ''}. Load average ${e.load} at the start, ${e.loadEnd ?? '?'} at the end (2 cores: above 2 means the figures include waiting for a core).`);
  L.push(`Capture: ${basename(r.file)}, ${int(pk)} packets, ${(r.fileBytes / 1e6).toFixed(1)} MB${r.loopbackQuick ? `; open also timed on loopback.pcap (${(r.loopbackBytes / 1e6).toFixed(1)} MB)` : ''}; the 37-packet chat capture for comparison.`);
  L.push('Times in ms unless marked; "p50 / p95 / max" over every sample of every run; a median is over runs.', '');

  L.push('### Decoding worker (DecoderClient → worker thread)', '');
  L.push('| measurement | figure | target | |', '|---|---|---|---|');
  L.push(`| worker start (the session starts a new worker for each file it opens) | ${spread(starts)} | | |`);
  L.push(`| open() answered (openCaptureFile has read the whole file's packet offsets) | ${spread(openOnly)} | | |`);
  const fr = median(firstRows);
  L.push(`| open() → first rows(0, 50), worker already running | ${spread(firstRows)} | ≤ 500 | ${verdict(fr === undefined ? undefined : fr <= 500)} |`);
  const fw = median(withStart);
  L.push(`| the same, counting the worker's start | ${spread(withStart)} | ≤ 500 | ${verdict(fw === undefined ? undefined : fw <= 500)} |`);
  if (r.loopbackQuick) L.push(`| loopback.pcap (${(r.loopbackBytes / 1e6).toFixed(0)} MB): open() / first rows (1 run) | ${ms(r.loopbackQuick.openResolvedMs)} / ${ms(r.loopbackQuick.firstRowsMs)} | ≤ 500 | ${verdict(r.loopbackQuick.firstRowsMs <= 500)} |`);
  if (r.gzipQuick) L.push(`| loopback.pcap.gz (${(r.gzipBytes / 1e6).toFixed(0)} MB, gzip -1): open() / first rows (1 run) | ${ms(r.gzipQuick.openResolvedMs)} / ${ms(r.gzipQuick.firstRowsMs)} | ≤ 500 | ${verdict(r.gzipQuick.firstRowsMs <= 500)} |`);
  if (r.chatQuick) L.push(`| chat capture (37 packets): first rows (1 run) | ${ms(r.chatQuick.firstRowsMs)} | ≤ 500 | ${verdict(r.chatQuick.firstRowsMs <= 500)} |`);
  const ix = median(indexS);
  L.push(`| every packet indexed (first pass) | ${indexS.map((s) => (s === undefined ? '—' : s.toFixed(1))).join(', ')} s (${ix ? int(pk / ix) : '—'} packets/s) | | |`);
  L.push(`| rows(from, 50) at random places while indexing, p50 / p95 / max | ${dist3(rowsDuring)} (${rowsDuring.length}) | | |`);
  L.push(`| rows(from, 50) after indexing | ${dist3(rowsAfter)} (${rowsAfter.length}) | | |`);
  const dd = pct(detailDuring, 95);
  const da = pct(detailAfter, 95);
  L.push(`| detail(num) (a click) while indexing | ${dist3(detailDuring)} (${detailDuring.length}) | p95 ≤ 50 | ${verdict(dd === undefined ? undefined : dd <= 50)} |`);
  L.push(`| detail(num) after indexing (~${Math.round(r.full[0]?.detailItemsMean ?? 0)} tree items each) | ${dist3(detailAfter)} (${detailAfter.length}) | p95 ≤ 50 | ${verdict(da === undefined ? undefined : da <= 50)} |`);
  for (const f of filters) {
    L.push(`| applyFilter(\`${f.text}\`) on ${int(pk)} packets | ${filterText(f, pk)} | | |`);
  }
  if (mem) {
    L.push(`| process RSS before open → after indexing (peak) | ${mb(mem.before.rss)} → ${mb(mem.after.rss)} MB (${mb(mem.maxRssKb * 1024)}) | | |`);
    L.push(`| worker V8 heap after GC, before → after | ${mb(mem.before.workerHeap)} → ${mb(mem.after.workerHeap)} MB, + ${mb(mem.after.workerExternal)} MB outside the heap (typed arrays, buffers) | | |`);
    const held = heapPer + extPer;
    L.push(`| held per packet after indexing: heap + external (RSS growth) | ${int(heapPer)} + ${int(extPer)} = **${int(held)} bytes** (${int(rssPer)}) | ≤ 100 | ${verdict(held <= 100)} |`);
  }
  const parts = r.parts?.parts;
  if (parts) {
    const text = Object.entries(parts).map(([k, v]) => `${k} ${v === null ? 'n/a' : int(v)}`).join(', ');
    L.push(`| … by part (bytes a packet, DecoderService in-process, each part dropped in turn) | ${text} | | |`);
  }
  L.push('');

  if (runs.length) {
    const during = phaseSummary(runs.map((x) => x.during));
    const after = phaseSummary(runs.map((x) => x.after));
    const opens = runs.flatMap((x) => x.opens ?? []);
    const openSteps = runs.flatMap((x) => x.openSteps ?? []);
    const chatFirst = runs.map((x) => x.chatFirstRowMs);
    const bo = median(opens);
    L.push('### Renderer (real UI in Chromium, over the WebSocket bridge to the real session)', '');
    L.push(`The bridge, session and worker run in one Node process beside the browser, as Electron's main process would: they share the 2 cores. ${runs.length} run${runs.length === 1 ? '' : 's'}, each in a new browser; timings pooled over them, memory from the first.`, '');
    L.push('| measurement | figure | target | |', '|---|---|---|---|');
    L.push(`| click on open-file → first packet row on screen (fresh window each) | ${opens.map(ms).join(', ')}: median ${ms(bo)} | ≤ 500 | ${verdict(bo <= 500)} |`);
    L.push(`| the same with the chat capture | ${chatFirst.map(ms).join(', ')} | ≤ 500 | ${verdict(median(chatFirst) <= 500)} |`);
    for (const [label, ph, s] of [['while indexing', during, during], ['after indexing', after, after]]) {
      L.push(`| scrolling ${label} (${s.seconds.map((x) => x.toFixed(0)).join(' + ')} s, each: 60 wheel flicks, 20 PageDown, End/Home ×2, ${s.jumpCount} scroll-bar jumps): frames over 50 / 100 ms, longest | ${s.gapsOver50} / ${s.gapsOver100} of ${s.frames}, longest ${ms(s.maxGap)} | none over 100 | ${verdict(s.gapsOver100 === 0)} |`);
      L.push(`| … long tasks (> 50 ms on the renderer's main thread) | ${s.longCount}, longest ${ms(s.longMax)}, total ${ms(s.longTotal)} | | |`);
      L.push(`| … after a scroll-bar jump, rows on screen filled in, p50 / p95 / max | ${dist3(ph.jumpsMs)} (${ph.jumpsMs.filter((x) => x < 0).length} not within 5 s) | | |`);
      const cp = pct(ph.clicksMs, 95);
      L.push(`| click on a row → its tree shown ("Frame N:"), ${label}, p50 / p95 / max | ${dist3(ph.clicksMs)} (${ph.clicksMs.length}${ph.clicksMs.some((x) => x < 0) ? `, ${ph.clicksMs.filter((x) => x < 0).length} not within 5 s` : ''}) | p95 ≤ 50 | ${verdict(cp === undefined ? undefined : cp <= 50)} |`);
    }
    const visited = new Set();
    for (const ph of [b.during, b.after]) for (const range of ph.jumpRanges ?? []) chunksOf(range, visited);
    const filled = new Set(visited);
    for (const range of b.fillRanges ?? []) chunksOf(range, filled);
    const newRows = (filled.size - visited.size) * CHUNK_ROWS;
    const perRow = b.fillHeap && newRows > 0 ? (b.fillHeap.usedSize - b.bigHeap.usedSize) / newRows : undefined;
    const bound = perRow !== undefined ? b.chatHeap.usedSize + perRow * CHUNK_ROWS * MAX_CHUNKS : undefined;
    const large = b.bySize?.find((x) => x.label === 'large');
    const small = b.bySize?.find((x) => x.label === 'small');
    L.push(`| renderer JS heap after GC: empty window / chat capture / ${int(pk)} packets after the scrolling (a small packet selected in both) | ${mb(b.emptyHeap.usedSize)} / ${mb(b.chatHeap.usedSize)} / ${mb(b.bigHeap.usedSize)} MB (DOM nodes ${int(b.emptyHeap.nodes)} / ${int(b.chatHeap.nodes)} / ${int(b.bigHeap.nodes)}) | not growing with packets | see reading |`);
    for (const x of b.bySize ?? []) {
      L.push(`| a ${x.label} packet selected (${int(x.hexBytes)} bytes in the hex pane): click → tree; long tasks; renderer heap after GC; DOM nodes | ${ms(x.ms)} ms; ${x.long.length ? x.long.map((d) => d.toFixed(0)).join(', ') + ' ms' : 'none'}; ${mb(x.usedSize)} MB; ${int(x.nodes)} | | |`);
    }
    if (perRow !== undefined) L.push(`| … then ${b.fillRanges.length} jumps to new places (${int(newRows)} more rows cached) | ${mb(b.fillHeap.usedSize)} MB: ${int(perRow)} bytes a cached row | | |`);
    L.push('');
    if (openSteps.some(Boolean)) {
      const steps = [
        ['dialog', 'the click reached main (the Open dialog is asked)'],
        ['decoderOpen', "a new decoder worker started, its open() called"],
        ['decoderOpened', "open() answered (the worker's modules loaded, the file's first megabyte parsed)"],
        ['fileOpenAnswered', 'file.open answered to the renderer'],
        ['changedWithRows', 'first session.changed event with displayed rows'],
        ['rowsAsked', 'the renderer asks rows.get'],
        ['rowsAnswered', 'rows.get answered'],
        ['shown', 'first row on screen'],
      ];
      const big = openSteps.filter(Boolean);
      L.push('Where the open spends its time, ms after the click (main and page clocks are the same machine\'s):', '');
      L.push(`| step | chat capture | ${int(pk)} packets (median of ${big.length}) |`, '|---|---:|---:|');
      for (const [key, label] of steps) L.push(`| ${label} | ${ms(b.chatOpenSteps?.[key] ?? undefined)} | ${ms(median(big.map((x) => x[key] ?? -1)))} |`);
    }
    L.push('');
    const partLines = (s) => (s.parts.length ? s.parts.map((p) => `  - ${p}`).join('\n') : '  - none');
    L.push('Where the long tasks and frame gaps over 50 ms fell (the part of the scrolling running then):', '');
    L.push(`- while indexing:\n${partLines(during)}`);
    L.push(`- after indexing:\n${partLines(after)}`);
    L.push('');
    L.push('### Reading', '');
    const open = median(openOnly);
    const bigSteps = openSteps.filter((x) => x && x.changedWithRows !== null && x.fileOpenAnswered !== null);
    const gaps = bigSteps.map((x) => Math.max(0, x.changedWithRows - x.fileOpenAnswered));
    const cs = b.chatOpenSteps;
    const chatGap = cs && cs.changedWithRows !== null && cs.fileOpenAnswered !== null ? Math.max(0, cs.changedWithRows - cs.fileOpenAnswered) : undefined;
    L.push(`- **First rows within 500 ms: ${fw <= 500 && bo <= 500 ? 'met' : 'not met'}.** The worker answers the first 50 rows ${ms(fr)} ms after open() is called, `
      + `${ms(fw)} ms counting the worker thread the session starts for each file (${ms(median(starts))} ms); through the UI, click to first row on screen is ${ms(bo)} ms. `
      + `Of that, open() itself takes ${ms(open)} ms: the worker parses the file's first megabyte before it answers and the rest while indexing (openCaptureFile's firstBytes), `
      + `so that time does not grow with the file's size${r.loopbackQuick ? ` (loopback.pcap, ${(r.fileBytes ? (r.loopbackBytes / r.fileBytes).toFixed(1) : '?')}× the bytes: ${ms(r.loopbackQuick.openResolvedMs)} ms in one run)` : ''}; `
      + (r.gzipQuick
        ? `a gzip file is inflated into a temporary file in the background while the worker reads it as it grows (loopback.pcap.gz: first rows ${ms(r.gzipQuick.firstRowsMs)} ms).`
        : `a gzip file was not timed in this run (it needs loopback.pcap).`)
      + `${gaps.length ? ` In the app, the first session.changed carrying rows came ${gaps.map(ms).join(', ')} ms after file.open had answered${chatGap !== undefined ? ` (chat capture: ${ms(chatGap)} ms)` : ''}`
        + `${Math.max(chatGap ?? 0, ...gaps) >= 100 ? ': the session sends changes at most every 200 ms, and the one it sends at the end of the open carries counts read before the first packets were indexed, so the renderer only asks for rows after the next one, 200 ms or more later.' : '.'}` : ''}`);
    const stallD = during.gapsOver100;
    const stallA = after.gapsOver100;
    const busyMachine = [e.load, e.loadEnd ?? ''].some((l) => Number(l.split(' ')[0]) > 2);
    const idle = runs.some((x) => x.idle) ? phaseSummary(runs.map((x) => x.idle && { ...x.idle, seconds: 5 })) : undefined;
    L.push(`- **Scrolling never stalls: ${stallD === 0 && stallA === 0 ? 'met' : 'not met'}** (a stall counted here: a frame gap over 100 ms, six frames missed). Frames over 100 ms: ${stallD} while indexing (longest ${ms(during.maxGap)} ms), ${stallA} after (longest ${ms(after.maxGap)} ms)`
      + `${idle ? ` (with no input for 5 s${idle.runs > 1 ? ` in each run` : ''}: ${idle.gapsOver100}, longest ${ms(idle.maxGap)} ms, ${idle.longCount} long tasks; that control cannot show how much of the long frames is waiting for a core while the app works${busyMachine ? ', and the load was above 2' : ''})` : ''}; `
      + `rows on screen after a jump anywhere in the million: p95 ${ms(pct(during.jumpsMs, 95))} ms while indexing, ${ms(pct(after.jumpsMs, 95))} ms after; placeholder rows on screen right after the wheel flicks: ${during.placeholders.join(', ')} while indexing, ${after.placeholders.join(', ')} after. `
      + `The worker answers rows(from, 50) in p95 ${ms(pct(rowsDuring, 95))} ms while indexing (max ${ms(max(rowsDuring))}), ${ms(pct(rowsAfter, 95))} ms after. See above for the parts of the scrolling the long frames fell in.`);
    const cD = pct(during.clicksMs, 95);
    const cA = pct(after.clicksMs, 95);
    L.push(`- **A click shows the tree within 50 ms: ${cD <= 50 && cA <= 50 ? 'met' : cA <= 50 ? 'met once indexing is done, not while indexing' : 'not met'}.** Click to tree on screen (measured to the next animation frame, so up to 17 ms of it is waiting for the frame): p50 ${ms(median(during.clicksMs))} / p95 ${ms(cD)} ms while indexing, p50 ${ms(median(after.clicksMs))} / p95 ${ms(cA)} ms after (${during.clicksMs.length} and ${after.clicksMs.length} clicks). `
      + `The worker's own detail() is p95 ${ms(dd)} ms while indexing (queued behind indexing slices and the garbage collection of a heap growing to ${mb(mem?.after.workerHeap)} MB) and ${ms(da)} ms after.`);
    L.push(`- **The renderer's memory does not grow with the number of packets: ${bound !== undefined ? 'met — it grows with the rows scrolled through, up to a fixed cap' : 'not shown (the cost of a cached row was not measured)'}.** ${mb(b.chatHeap.usedSize)} MB with 37 packets, ${mb(b.bigHeap.usedSize)} MB with ${int(pk)} after the scrolling above (${int(visited.size)} chunks of rows fetched)${b.fillHeap ? `, ${mb(b.fillHeap.usedSize)} MB after ${int(newRows)} more rows` : ''}. `
      + `The growth is the list's row cache: ${CHUNK_ROWS}-row chunks, at most ${MAX_CHUNKS} kept (${int(CHUNK_ROWS * MAX_CHUNKS)} rows)${perRow !== undefined ? `, ${int(perRow)} bytes a row, so ≈ ${mb(bound)} MB at most once a user has scrolled through ${int(CHUNK_ROWS * MAX_CHUNKS)} rows` : ''}, whatever the capture's size. `
      + `DOM nodes (Performance.getMetrics, after GC): ${int(b.chatHeap.nodes)} with the chat capture, ${int(b.bigHeap.nodes)} with the big one${b.fillHeap ? `, ${int(b.fillHeap.nodes)} after the extra jumps` : ''}: the list draws only the rows in view.`
      + `${large && small ? ` What does grow is the cost of the selected packet: the hex pane draws two elements per byte (up to 4 KiB a frame), so selecting a ${int(large.hexBytes)}-byte frame instead of a ${int(small.hexBytes)}-byte one took the heap from ${mb(small.usedSize)} to ${mb(large.usedSize)} MB and the DOM from ${int(small.nodes)} to ${int(large.nodes)} nodes.` : ''}`);
    if (mem) {
      const held = heapPer + extPer;
      const memos = parts?.['engine memos'];
      const store = parts ? ['Info strings', 'store arrays', 'TCP streams', 'file index'].reduce((a, k) => a + (parts[k] ?? 0), 0) : undefined;
      L.push(`- **Index memory per packet (issue 6, ≤ 100 bytes): ${held <= 100 ? 'met' : 'not met'}.** After indexing, the worker holds ${int(held)} bytes a packet (${mb(mem.after.workerHeap)} MB of V8 heap + ${mb(mem.after.workerExternal)} MB outside it for ${int(pk)} packets), process RSS ${mb(mem.after.rss)} MB.`
        + (parts ? ` By part (bytes a packet): the engine's per-frame memos, kept so any packet can be dissected again, ${int(memos ?? undefined)}; the engine's session state (TCP analysis and reassembly, conversations) ${int(parts['engine session state'] ?? undefined)}; `
          + `the list's own index (Info strings ${int(parts['Info strings'] ?? undefined)}, typed arrays, TCP stream lists, file offsets) ${int(store)} in all; the rest ${int(parts['the rest'])}.` : ''));
    }
    L.push(`- Display filters on ${int(pk)} packets: ${filters.map((f) => `\`${f.text}\` ${filterText(f, pk)}`).join('; ')}. The time is from applyFilter() to its answer, the filter applied to every indexed packet.`);
  } else {
    L.push(`Renderer: ${r.browserSkipped ?? `not measured${b?.errors?.length ? `: ${b.errors.join('; ')}` : ''}`}.`);
  }
  if (errors.length) L.push('', `Problems during the run: ${errors.join('; ')}`);
  L.push('');
  return L.join('\n');
}

/** A filter's time, or where it was stopped and what its rate would give for every packet. */
function filterText(f, packets) {
  if (!f.timedOut) return `${f.ms < 1000 ? `${ms(f.ms)} ms` : `${(f.ms / 1000).toFixed(1)} s`}, ${int(f.displayed)} displayed`;
  const rate = f.checked / (f.ms / 1000);
  return `stopped at ${(f.ms / 1000).toFixed(0)} s with ${int(f.checked)} checked (≈ ${rate > 0 ? (packets / rate).toFixed(0) : '?'} s for all at that rate)`;
}

/** Chunks of the row cache that a list showing displayed indexes first..last has fetched. */
function chunksOf([first, last], into) {
  if (!Number.isFinite(first) || last < 0) return;
  for (let c = Math.floor(Math.max(0, first - LIST_MARGIN) / CHUNK_ROWS); c <= Math.floor((last + LIST_MARGIN) / CHUNK_ROWS); c++) into.add(c);
}

/** Replace the "## The app" section of BENCHMARKS.md (up to the next "## " heading), or append it. */
function writeSection(text) {
  const old = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '# Benchmarks\n';
  const start = old.search(/^## The app\s*$/m);
  let next;
  if (start >= 0) {
    const rest = old.slice(start + 1);
    const m = /^## /m.exec(rest);
    next = m ? start + 1 + m.index : old.length;
  }
  const body = text.trimEnd() + '\n';
  const updated = start >= 0
    ? old.slice(0, start) + body + (next < old.length ? '\n' + old.slice(next) : '')
    : old.trimEnd() + '\n\n' + body;
  writeFileSync(OUT, updated);
}

const results = args.includes('--render') ? JSON.parse(readFileSync(RESULTS, 'utf8')) : await measure();
const text = section(results);
console.log('\n' + text);
if (!args.includes('--no-write')) {
  writeSection(text);
  console.log(`wrote the "## The app" section of ${OUT}`);
}
