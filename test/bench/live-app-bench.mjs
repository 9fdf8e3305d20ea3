#!/usr/bin/env node
/**
 * Live capture through the whole app path under load (issue 6): a session
 * made with the IPC handlers (as test/session/live.test.ts does, no Electron)
 * starts a capture on `lo` exactly as the capture dialog does; paquet-dumpcap
 * writes the pcapng file, the decoding worker follows and indexes it, and this
 * process plays the packet list: on every `session.changed` it asks the rows at
 * the end of the list (the list follows a live capture), one request at a time.
 *
 * Loads, all on 127.0.0.1: UDP datagrams paced at 1,000 a second (the latency
 * a user sees on a quiet link), UDP bursts from test/capture-live/udp-blast.c
 * (sendmmsg, as fast as it goes), and an HTTP keep-alive load
 * (live-http-load.mjs). For the UDP loads the capture program is also run
 * alone with the app's options, to tell the app's share of any drops.
 *
 * Recorded per run: what was sent and at what rate; packets the program wrote
 * and the drops it reports (pcap_stats ps_drop + ps_ifdrop; on lo the kernel
 * counts both copies of a packet); per packet, the time from its capture (its
 * timestamp) until the window's packet count included it; the most packets
 * the window was behind; time from the end of the load until the window shows
 * every packet; rows.get latency; peak RSS of the app process (main and the
 * decoding workers are threads of it: VmHWM, taken before this script reads
 * the file back), its CPU time, and the capture program's CPU time. The JSON
 * (--json) also has the lag series against the file and the capture.
 *
 * Every run is a child process of its own (memory figures are that run's),
 * bounded by a timeout; the sender stops itself after 30 s; nothing is left
 * running. Needs Linux, root, cc, and paquet-dumpcap (built when missing).
 *
 *   node test/bench/live-app-bench.mjs [--dist DIR] [--program PATH] [--runs 2]
 *        [--loads udp-paced,udp-200k,udp-1m,http] [--size 64] [--http-seconds 8] [--json FILE] [--cpu-prof DIR]
 *   --dist DIR   compiled Paquet (tsc --outDir DIR); without it, built into test/tmp/bench/live-dist.
 *   --cpu-prof DIR  write .cpuprofile files of the app process's threads (main and workers) there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { buildUdpBlast, freePort, sendBurst } from './live-udp-blast.mjs';
import { args, opt } from './script-options.mjs';

const REPO = resolve(import.meta.dirname, '../..');
const SELF = import.meta.filename;
const HTTP_LOAD = join(import.meta.dirname, 'live-http-load.mjs');
/** A run that takes longer is killed and reported as such. */
const RUN_TIMEOUT_MS = 240_000;
/** After the load, how long the window may take to show every packet before the run gives up waiting. */
const CATCH_UP_LIMIT_MS = 150_000;
/** The program reports its counts about once a second; two reports without change mean the file is complete. */
const SETTLE_MS = 2_500;
const FILE_SAMPLE_MS = 20;
const RSS_SAMPLE_MS = 100;
/** Rows the list shows at its end while following (the renderer fetches the 200-row chunks covering them). */
const VISIBLE_ROWS = 40;
const CHUNK_ROWS = 200;


const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

// ================================================================ one run (child process)

/** The capture file of the session's capture folder (<stateDir>/captures/<id>/live.pcapng). */
function findCaptureFile(stateDir) {
  const captures = join(stateDir, 'captures');
  for (const d of readdirSync(captures)) {
    const f = join(captures, d, 'live.pcapng');
    if (existsSync(f)) return f;
  }
  throw new Error(`no live.pcapng under ${captures}`);
}

/** The capture program writing `file`: its pid, found by its command line. */
function programPid(file) {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(file)) return Number(p);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** CPU seconds (user + system) and peak RSS (VmHWM) of a process, while it runs. */
function procUsage(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuS: ticks / 100, peakRss: hwm ? Number(hwm[1]) * 1024 : undefined };
  } catch {
    return undefined;
  }
}

function selfPeakRss() {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : undefined;
}

/** The load: started once the capture runs; resolves with what it sent. */
async function startLoad(cfg) {
  if (cfg.load === 'http') {
    const child = spawn(process.execPath, [HTTP_LOAD, String(cfg.httpSeconds), '16', '1000000', '--wait'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const it = lines[Symbol.asyncIterator]();
    const { port } = JSON.parse((await it.next()).value);
    return {
      filter: `tcp port ${port}`,
      go: async () => {
        child.stdin.write('go\n');
        const r = JSON.parse((await it.next()).value);
        child.stdin.end();
        return { requests: r.requests, failures: r.failures, seconds: r.seconds };
      },
    };
  }
  const port = await freePort();
  const go = cfg.load === 'udp-paced' ? () => sendPaced(port, cfg.count, cfg.rate, cfg.size) : () => sendBurst(cfg.blast, port, cfg.count, cfg.size);
  return { filter: `udp dst port ${port}`, go };
}

/** `count` datagrams at about `rate` a second from this process (a light load, for the latency a user sees). */
async function sendPaced(port, count, rate, size) {
  const sink = createSocket('udp4');
  const out = createSocket('udp4');
  await new Promise((r) => sink.bind(port, '127.0.0.1', r));
  const payload = Buffer.alloc(size, 'c');
  const t0 = now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((now() - t0) / 1000) * rate) + 1);
    for (; sent < due; sent++) out.send(payload, port, '127.0.0.1');
    await sleep(5);
  }
  const seconds = (now() - t0) / 1000;
  await sleep(50);
  out.close();
  sink.close();
  return { sent, seconds };
}

/** The capture program alone, with the options the app gives it (main/session/live-capture.ts). */
async function runAlone(cfg) {
  const { startCapture } = await import(pathToFileURL(join(cfg.dist, 'main/capture/index.js')).href);
  const { LIVE_CAPTURE_BUFFERING } = await import(pathToFileURL(join(cfg.dist, 'main/session/live-capture.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'paquet-live-bench-'));
  try {
    const load = await startLoad(cfg);
    const session = startCapture(
      { interface: 'lo', file: join(dir, 'alone.pcapng'), filter: load.filter, ...LIVE_CAPTURE_BUFFERING },
      { program: cfg.program },
    );
    const started = await session.started;
    const sent = await load.go();
    await sleep(1500);
    const pu = procUsage(started.pid);
    const result = await session.stop();
    const c = result.stopped?.counts;
    return { mode: 'alone', sent, written: c?.packets, dropped: (c?.dropped ?? 0) + (c?.ifDropped ?? 0), received: c?.received, program: pu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The capture read back once after the run: where each packet's block ends in
 * the file, when each packet was captured (performance.now() time, from its
 * timestamp), and the statistics block the program closed the file with.
 */
async function readBack(dist, file) {
  const { PcapngFollower } = await import(pathToFileURL(join(dist, 'main/capture/follow.js')).href);
  const f = new PcapngFollower(file);
  const recs = await f.read();
  await f.close();
  const ends = new Float64Array(recs.length);
  const capturedAt = new Float64Array(recs.length);
  // A block ends where the next one starts; the last one after its length (the word after its type; written in this host's order).
  for (let i = 0; i < recs.length; i++) {
    if (i + 1 < recs.length) ends[i] = recs[i + 1].fileOffset;
    capturedAt[i] = recs[i].tsSec * 1000 + recs[i].tsNsec / 1e6 - performance.timeOrigin;
  }
  if (recs.length > 0) {
    const lastAt = recs[recs.length - 1].fileOffset;
    const word = Buffer.alloc(4);
    const fd = openSync(file, 'r');
    readSync(fd, word, 0, 4, lastAt + 4);
    closeSync(fd);
    ends[recs.length - 1] = lastAt + word.readUInt32LE(0);
  }
  return { ends, capturedAt, stats: f.stats };
}

/** First time (ms) the file held at least `bytes`, from the size samples; undefined if never. */
function timeFileHad(sizes, bytes) {
  let lo = 0, hi = sizes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sizes[mid].size >= bytes) hi = mid; else lo = mid + 1;
  }
  return sizes[lo]?.t;
}

/**
 * The window's count against the capture and the file, at every file-size sample:
 * lag = how long the oldest packet not yet shown has been captured (resp. in the file).
 */
function lags(sizes, ui, { ends, capturedAt }, tLoad) {
  const series = [];
  let k = 0;
  let inFile = 0;
  let captured = 0;
  const max = { capture: 0, file: 0, behind: 0 };
  for (const s of sizes) {
    while (k + 1 < ui.length && ui[k + 1].t <= s.t) k++;
    const shown = ui[k] && ui[k].t <= s.t ? ui[k].packets : 0;
    while (inFile < ends.length && ends[inFile] <= s.size) inFile++;
    while (captured < capturedAt.length && capturedAt[captured] <= s.t) captured++;
    const fileLag = inFile > shown ? s.t - (timeFileHad(sizes, ends[shown]) ?? s.t) : 0;
    const captureLag = captured > shown ? s.t - capturedAt[shown] : 0;
    max.capture = Math.max(max.capture, captureLag);
    max.file = Math.max(max.file, fileLag);
    max.behind = Math.max(max.behind, captured - shown);
    series.push({ t: s.t - tLoad, captured, inFile, shown, captureLag, fileLag });
  }
  return { series, max };
}

/** Per packet, ms from its capture until the window first counted it (undefined: only after the stop). */
function shownLatencies(ui, capturedAt) {
  const out = [];
  let i = 0;
  for (const u of ui) {
    if (u.state !== 'running') continue;
    for (; i < Math.min(u.packets, capturedAt.length); i++) out.push(u.t - capturedAt[i]);
  }
  return out;
}

async function runApp(cfg) {
  const { createHandlers } = await import(pathToFileURL(join(cfg.dist, 'main/ipc/handlers.js')).href);
  const stateDir = mkdtempSync(join(tmpdir(), 'paquet-live-bench-'));
  /** What the window was told, in order: time, packets indexed, and the program's counts. */
  const ui = [];
  const rowLatency = [];
  let h;
  let rowsBusy = false;
  let capturing = false;
  const logs = [];
  const askRows = (displayed) => {
    if (rowsBusy || displayed === 0) return;
    rowsBusy = true;
    const from = Math.floor(Math.max(0, displayed - VISIBLE_ROWS) / CHUNK_ROWS) * CHUNK_ROWS;
    const t = now();
    void h.handle('rows.get', { from, count: displayed - from }).then((r) => {
      rowsBusy = false;
      if (Array.isArray(r)) rowLatency.push(now() - t);
      else logs.push(`rows.get: ${JSON.stringify(r)}`);
    });
  };
  h = createHandlers({
    dialogs: { openCapture: async () => null, saveCapture: async () => null, saveJsonLines: async () => null, confirmDiscard: async () => true },
    emit: (name, s) => {
      if (name !== 'session.changed') return;
      ui.push({ t: now(), packets: s.packets, captured: s.capture.captured, dropped: s.capture.dropped, state: s.capture.state });
      if (capturing) askRows(s.displayed);
    },
    stateDir,
    appInfo: () => ({ version: 'bench', electron: null, chrome: null, node: process.versions.node, libpcap: null, platform: process.platform }),
    captureProgram: cfg.program,
    log: (m) => logs.push(m),
  });
  const timers = [];
  try {
    // Let the session's spare decoder start, as it has in a window that has been open a moment.
    await sleep(1000);
    const rssBefore = process.memoryUsage.rss();
    const load = await startLoad(cfg);
    const t0 = now();
    const cpu0 = process.cpuUsage();
    const status = await h.handle('capture.start', { interface: 'lo', filter: load.filter });
    if (status?.state !== 'running') throw new Error(`capture.start: ${JSON.stringify(status)}`);
    capturing = true;
    const file = findCaptureFile(stateDir);
    const pid = programPid(file);
    const sizes = [];
    let peakRss = process.memoryUsage.rss();
    timers.push(setInterval(() => sizes.push({ t: now(), size: statSync(file).size }), FILE_SAMPLE_MS));
    timers.push(setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), RSS_SAMPLE_MS));

    const tLoad = now();
    const sent = await load.go();
    const tLoadEnd = now();
    // Wait for the program's count to settle, then for the window to show that many (bounded).
    let program = pid ? procUsage(pid) : undefined;
    const last = () => ui[ui.length - 1] ?? { packets: 0, captured: 0 };
    let settledAt = now();
    let lastCaptured = -1;
    while (now() - tLoadEnd < CATCH_UP_LIMIT_MS) {
      await sleep(100);
      const l = last();
      if (l.captured !== lastCaptured) {
        lastCaptured = l.captured;
        settledAt = now();
      }
      if (now() - settledAt >= SETTLE_MS && l.packets >= l.captured) break;
    }
    if (pid) program = procUsage(pid) ?? program;
    const caughtUp = last().packets >= last().captured;
    const cpuRun = process.cpuUsage(cpu0);
    const stopped = await h.handle('capture.stop', undefined);
    capturing = false;
    for (const t of timers) clearInterval(t);
    const afterStop = await h.handle('session.state', undefined);
    const written = stopped.captured;
    // Before reading the file back here, which takes memory of its own.
    const peakRssProcess = selfPeakRss();

    const back = await readBack(cfg.dist, file);
    const { series, max } = lags(sizes, ui, back, tLoad);
    const latency = shownLatencies(ui, back.capturedAt);
    const { ends, stats } = back;
    const firstAll = ui.find((u) => u.packets >= written && u.state === 'running');
    const fileComplete = ends.length > 0 ? timeFileHad(sizes, ends[ends.length - 1]) : undefined;
    return {
      mode: 'app',
      sent,
      written,
      dropped: stopped.dropped,
      fileStats: stats && Object.fromEntries(Object.entries(stats).map(([key, v]) => [key, Number(v)])),
      shownBeforeStop: last().packets,
      shownAfterStop: afterStop.packets,
      caughtUp,
      // ms from the end of the load until the file held every packet / the window showed every packet.
      fileCompleteMs: fileComplete !== undefined ? fileComplete - tLoadEnd : undefined,
      allShownMs: firstAll ? firstAll.t - tLoadEnd : undefined,
      loadMs: tLoadEnd - tLoad,
      startMs: tLoad - t0,
      latencyMs: { p50: pct(latency, 50), p95: pct(latency, 95), max: pct(latency, 100), count: latency.length },
      maxCaptureLagMs: max.capture,
      maxFileLagMs: max.file,
      maxBehind: max.behind,
      rowsGet: rowLatency,
      rssBefore,
      peakRss,
      peakRssProcess,
      appCpuS: (cpuRun.user + cpuRun.system) / 1e6,
      appCpuUserS: cpuRun.user / 1e6,
      wallS: (now() - tLoad) / 1000,
      program,
      series: thin(series, 200),
      logs,
    };
  } finally {
    for (const t of timers) clearInterval(t);
    await h.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** At most n evenly spread items of a list (the lag series is kept for the JSON, not printed). */
function thin(list, n) {
  if (list.length <= n) return list;
  return Array.from({ length: n }, (_, i) => list[Math.floor((i * (list.length - 1)) / (n - 1))]);
}

// ================================================================ the bench (parent)

const LOADS = {
  'udp-paced': { load: 'udp-paced', count: 3000, rate: 1000, title: 'UDP 1,000/s for 3 s' },
  'udp-200k': { load: 'udp', count: 200_000, title: 'UDP burst 200,000' },
  'udp-1m': { load: 'udp', count: 1_000_000, title: 'UDP burst 1,000,000' },
  http: { load: 'http', title: 'HTTP keep-alive' },
};

function compiledDist() {
  const given = opt('--dist');
  if (given) return resolve(given);
  const dist = join(REPO, 'test/tmp/bench/live-dist');
  console.error(`building Paquet into ${dist} (tsc)...`);
  const r = spawnSync('npx', ['tsc', '-p', join(REPO, 'tsconfig.json'), '--outDir', dist], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('tsc failed');
  return dist;
}

function captureProgramPath() {
  const p = opt('--program') ?? process.env.PAQUET_DUMPCAP ?? join(REPO, 'dist/capture/paquet-dumpcap');
  if (!existsSync(p)) spawnSync(process.execPath, [join(REPO, 'main/capture/build.mjs')], { stdio: 'inherit' });
  if (!existsSync(p)) throw new Error(`${p} is missing: run node main/capture/build.mjs (needs cc and libpcap-dev)`);
  return p;
}

/** One run in a child process of its own; its result, or { error }. */
function runChild(cfg, execArgv) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [...execArgv, SELF, '--child', JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (out += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      try {
        resolveRun(JSON.parse(line));
      } catch {
        resolveRun({ error: signal ? `killed by ${signal} (over ${RUN_TIMEOUT_MS / 1000} s?)` : `exited with ${code}: ${out.slice(-500)}` });
      }
    });
  });
}

const fmt = (x, digits = 0) => (x === undefined || x === null || Number.isNaN(x) ? '—' : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const mib = (b) => fmt(b === undefined ? undefined : b / 2 ** 20, 0);
const secs = (ms) => fmt(ms === undefined ? undefined : ms / 1000, 2);
function pct(values, p) {
  const v = Float64Array.from(values).sort();
  return v.length ? v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] : undefined;
}

function sentText(r) {
  if (r.sent?.requests !== undefined) return `${fmt(r.sent.requests)} req (${fmt(r.sent.requests / r.sent.seconds)}/s)`;
  return `${fmt(r.sent?.sent)} (${fmt(r.sent?.sent / r.sent?.seconds)}/s)`;
}

function tableRow(name, r) {
  if (r.error) return `| ${name} | ${r.error} ||||||||||`;
  if (r.mode === 'alone') {
    return `| ${name}, program alone | ${sentText(r)} | ${fmt(r.written)} | ${fmt(r.dropped)} | — | — | — | — | — | ${fmt(r.program?.cpuS, 1)} | — |`;
  }
  const rows = r.rowsGet.length ? `${fmt(pct(r.rowsGet, 50))} / ${fmt(pct(r.rowsGet, 95))} / ${fmt(pct(r.rowsGet, 100))}` : '—';
  const shown = r.caughtUp ? secs(r.allShownMs) : `not within ${CATCH_UP_LIMIT_MS / 1000} s (${fmt(r.shownBeforeStop)} shown)`;
  return `| ${name}, app | ${sentText(r)} | ${fmt(r.written)} | ${fmt(r.dropped)} | ${shown} | ${secs(r.latencyMs.p50)} / ${secs(r.latencyMs.p95)} / ${secs(r.latencyMs.max)} | ${fmt(r.maxBehind)} | ${rows} | ${mib(r.peakRssProcess)} (${mib(r.rssBefore)} before) | ${fmt(r.program?.cpuS, 1)} | ${fmt(r.appCpuS, 1)} |`;
}

async function main() {
  if (args.includes('--child')) {
    const cfg = JSON.parse(opt('--child'));
    const r = cfg.mode === 'alone' ? await runAlone(cfg) : await runApp(cfg);
    process.stdout.write(`\n${JSON.stringify(r)}\n`);
    return;
  }
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    console.error('live-app-bench: run as root on Linux (live capture needs it)');
    process.exit(1);
  }
  const dist = compiledDist();
  const program = captureProgramPath();
  const runs = Math.max(1, Number(opt('--runs', 2)));
  const size = Number(opt('--size', 64));
  const httpSeconds = Number(opt('--http-seconds', 8));
  const loads = opt('--loads', 'udp-paced,udp-200k,udp-1m,http').split(',');
  const profDir = opt('--cpu-prof');
  const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(profDir)] : [];
  if (profDir) mkdirSync(profDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'paquet-live-bench-'));
  const results = [];
  try {
    const blast = buildUdpBlast(work);
    console.error(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${runs} runs of ${loads.join(', ')}`);
    for (const name of loads) {
      const l = LOADS[name];
      if (!l) throw new Error(`unknown load ${name} (${Object.keys(LOADS).join(', ')})`);
      for (let i = 0; i < runs; i++) {
        const cfg = { ...l, dist, program, blast, size, httpSeconds };
        const modes = l.load === 'http' ? ['app'] : ['app', 'alone'];
        for (const mode of modes) {
          const r = await runChild({ ...cfg, mode }, mode === 'app' ? execArgv : []);
          const title = `${l.title}${l.load === 'http' ? '' : ` × ${size} B`}`;
          results.push({ name, title, run: i + 1, ...r });
          console.error(`run ${i + 1}: ${tableRow(title, r)}`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const json = opt('--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 1));
  console.log(`\nlive capture through the app on lo (load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')})\n`);
  console.log('| load | sent (rate) | written | dropped | all shown after the load, s | capture → window s, p50 / p95 / max | most packets behind | rows.get ms p50 / p95 / max | peak RSS MiB (main + workers) | program CPU s | app CPU s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) console.log(tableRow(r.title, r));
}

await main();
