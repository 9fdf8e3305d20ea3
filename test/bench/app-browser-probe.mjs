/**
 * The app's renderer measured with its real UI: the built renderer
 * (DIST/renderer) in /usr/bin/chromium, driven by playwright-core, talking over
 * the WebSocket bridge (main/ipc/ws-bridge) to the real session handlers
 * (main/ipc/handlers), compiled in DIST. Only the OS dialogs are fake: Open
 * answers the capture's path. This is test/app/harness.ts's approach, in plain
 * JavaScript over the compiled code (the harness is TypeScript for vitest).
 *
 * Measures, printed as one JSON line:
 *   - open: from the click on open-file to the first packet-row on screen
 *     (a requestAnimationFrame poll inside the page), over --opens fresh windows;
 *   - scrolling while the capture is still being indexed and after: mouse wheel,
 *     PageDown / End / Home, and jumps to random places (as dragging the
 *     scroll bar) — long tasks (PerformanceObserver 'longtask'), frame gaps
 *     (requestAnimationFrame deltas), and after each jump the time until the
 *     rows on screen are filled (no '…' placeholders);
 *   - clicks on rows: from the pointerdown to the detail-tree showing that
 *     packet's tree (its first item reads "Frame N:"), while indexing and after;
 *   - the renderer's JS heap after a forced GC (CDP HeapProfiler.collectGarbage,
 *     Runtime.getHeapUsage, Performance.getMetrics), with the small chat capture
 *     and with the big one after the scrolling: it must not grow with packets; then
 *     --fill-jumps more jumps to new places, to say what each row the list's cache
 *     keeps costs (the cache is bounded in rows, not in packets).
 *
 * Usage: node app-browser-probe.mjs --dist DIR --file BIG --chat SMALL [--opens 3] [--jumps 40] [--clicks 30] [--fill-jumps 60]
 *          [--index-timeout 240] [--budget 300]
 * Every wait is bounded; ports come from 0 (the bridge binds 127.0.0.1:0).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { args, opt, mulberry32 } from './script-options.mjs';

const DIST = resolve(opt('--dist', 'test/tmp/bench/dist'));
const BIG = resolve(opt('--file', ''));
const CHAT = resolve(opt('--chat', ''));
const OPENS = Number(opt('--opens', 3));
const JUMPS = Number(opt('--jumps', 40));
const CLICKS = Number(opt('--clicks', 30));
/** Jumps made after the scrolling phases to measure what each cached row costs. */
const FILL_JUMPS = Number(opt('--fill-jumps', 60));
const INDEX_TIMEOUT_MS = Number(opt('--index-timeout', 240)) * 1000;
const CHROMIUM = '/usr/bin/chromium';
const WAIT_MS = 15_000;
/** The whole probe's limit, seconds. */
const BUDGET_S = Number(opt('--budget', 300));

const dist = (p) => pathToFileURL(join(DIST, p)).href;
const { createHandlers } = await import(dist('main/ipc/handlers.js'));
const { startBridge } = await import(dist('main/ipc/ws-bridge.js'));
const { DecoderClient } = await import(dist('main/worker/decoder-client.js'));

const rand = mulberry32(7);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What happened in main, in epoch ms (the page's clock is the same machine's): where an open spends its time. */
const trace = [];
const epoch = () => performance.timeOrigin + performance.now();
const note = (what, extra) => trace.push({ t: epoch(), what, ...extra });

/** The Open dialog answers the next queued path; nothing else is asked in these scenarios. */
const openPaths = [];
const dialogs = {
  async openCapture() {
    note('dialog');
    return openPaths.shift() ?? null;
  },
  async saveCapture() { return null; },
  async saveJsonLines() { return null; },
  async confirmDiscard() { return true; },
};
const APP_INFO = { version: '0.0.0-bench', electron: null, chrome: null, node: process.version, libpcap: null, platform: process.platform };

// ---------------------------------------------------------------- in-page instruments

/** Installed once per page load: long tasks and frame gaps, recorded until read. */
function installInstruments() {
  const w = window;
  w.__bench = { longtasks: [], frames: [], marks: [], recording: false, last: 0 };
  try {
    new PerformanceObserver((list) => {
      if (!w.__bench.recording) return;
      for (const e of list.getEntries()) w.__bench.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: false });
  } catch {
    w.__bench.noLongtask = true;
  }
  const tick = (t) => {
    const b = w.__bench;
    if (b.recording && b.last) b.frames.push([t, t - b.last]);
    b.last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const startRecording = (page) => page.evaluate(() => {
  const b = window.__bench;
  b.longtasks = [];
  b.frames = [];
  b.marks = [];
  b.last = 0;
  b.recording = true;
});
const stopRecording = (page) => page.evaluate(() => {
  const b = window.__bench;
  b.recording = false;
  return { longtasks: b.longtasks, frames: b.frames, marks: b.marks, noLongtask: !!b.noLongtask };
});

/** Marks where a part of a scrolling phase starts, to say which part a long task or frame gap fell in. */
const mark = (page, name) => page.evaluate((n) => window.__bench.marks.push([performance.now(), n]), name);

/** In the page: resolves with ms from now until `check()` holds at an animation frame (bounded). */
function untilFrame(check, limitMs) {
  return new Promise((resolvePromise) => {
    const t0 = performance.now();
    const step = (t) => {
      if (check()) return resolvePromise(t - t0);
      if (performance.now() - t0 > limitMs) return resolvePromise(-1);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

// ---------------------------------------------------------------- the app

const out0 = {};
const stateDir = mkdtempSync(join(tmpdir(), 'paquet-bench-state-'));
/** The session's decoder, as it starts it by default, with open() timed. */
async function startDecoder() {
  note('worker start');
  const client = DecoderClient.start();
  return new Proxy(client, {
    get(target, prop) {
      const value = target[prop];
      if (typeof value !== 'function') return value;
      if (prop !== 'open') return value.bind(target);
      return async (...a) => {
        note('decoder.open');
        try {
          return await value.apply(target, a);
        } finally {
          note('decoder.open answered');
        }
      };
    },
  });
}

/** The real handlers, with each request's arrival and answer and each session.changed event noted. */
function tracedHandlers(emit) {
  const h = createHandlers({
    dialogs,
    emit: (name, payload) => {
      if (name === 'session.changed') note('session.changed', { displayed: payload?.displayed });
      emit(name, payload);
    },
    stateDir,
    appInfo: () => APP_INFO,
    startDecoder,
  });
  const traced = Object.create(h);
  traced.handle = async (name, a) => {
    if (name === 'file.open' || name === 'rows.get') note(`${name} asked`);
    try {
      return await h.handle(name, a);
    } finally {
      if (name === 'file.open' || name === 'rows.get') note(`${name} answered`);
    }
  };
  return traced;
}

const bridge = await startBridge({
  handlersFor: tracedHandlers,
  staticDir: join(DIST, 'renderer'),
  log: () => undefined,
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 30_000,
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
out0.chromium = browser.version();
const page = await context.newPage();
page.setDefaultTimeout(WAIT_MS);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');

async function freshWindow() {
  await page.goto(bridge.url, { waitUntil: 'load' });
  await page.getByTestId('open-file').waitFor({ state: 'visible' });
  await page.evaluate(installInstruments);
}

/** Click open-file (the fake dialog answers `path`); ms until the first packet-row is on screen. */
async function openAndTimeFirstRow(path) {
  openPaths.length = 0;
  openPaths.push(path);
  const box = await page.getByTestId('open-file').boundingBox();
  // The listener is in place (this evaluate has returned) before the click is sent.
  await page.evaluate(({ limit }) => { window.__benchWait = new Promise((resolvePromise) => {
    // Starts at the pointerdown of the click that follows; gives up if that never comes.
    setTimeout(() => resolvePromise({ ms: -1, click: 0 }), 2 * limit);
    document.addEventListener('pointerdown', () => {
      const t0 = performance.now();
      const step = (t) => {
        const row = document.querySelector('[data-testid="packet-list"] [data-testid="packet-row"]');
        const click = performance.timeOrigin + t0;
        if (row && row.getBoundingClientRect().height > 0) return resolvePromise({ ms: t - t0, click, shown: performance.timeOrigin + t });
        if (performance.now() - t0 > limit) return resolvePromise({ ms: -1, click });
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }, { once: true, capture: true });
  }); }, { limit: WAIT_MS });
  const from = trace.length;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const r = await page.evaluate(() => window.__benchWait);
  return { ms: r.ms, steps: r.ms < 0 ? null : openSteps(r.click, r.shown, trace.slice(from)) };
}

/**
 * Where an open's time went, in ms from the click: the Open dialog asked (the click reached main),
 * the decoder's open() called and answered (a new worker thread loads first), file.open answered,
 * the first session.changed with rows, the first rows.get asked and answered, the first row on screen.
 */
function openSteps(click, shown, events) {
  const at = (what, test = () => true) => {
    const e = events.find((x) => x.what === what && test(x));
    return e ? Math.round((e.t - click) * 10) / 10 : null;
  };
  return {
    dialog: at('dialog'),
    workerStart: at('worker start'),
    decoderOpen: at('decoder.open'),
    decoderOpened: at('decoder.open answered'),
    fileOpenAnswered: at('file.open answered'),
    changedWithRows: at('session.changed', (x) => x.displayed > 0),
    rowsAsked: at('rows.get asked'),
    rowsAnswered: at('rows.get answered'),
    shown: Math.round((shown - click) * 10) / 10,
  };
}

async function heap() {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  // What is selected matters: the hex pane draws one element per byte (up to 4 KiB), the tree one per item.
  const shown = await page.evaluate(() => ({
    hexBytes: document.querySelectorAll('[data-testid="hex-byte"]').length,
    treeItems: document.querySelectorAll('[data-testid="tree-item"]').length,
  }));
  return { usedSize: usage.usedSize, totalSize: usage.totalSize, nodes: m.Nodes, listeners: m.JSEventListeners, documents: m.Documents, ...shown };
}

const statusPackets = () => page.getByTestId('status-packets').textContent().then((t) => Number((t ?? '').replace(/[^\d]/g, '')));

async function listBox() {
  return page.getByTestId('packet-list').boundingBox();
}

/** Rows on screen that are still placeholders ('…'), and the displayed count known to the list. */
const placeholdersOnScreen = () => page.getByTestId('packet-list').evaluate((list) => {
  const top = list.getBoundingClientRect().top;
  const bottom = list.getBoundingClientRect().bottom;
  let waiting = 0;
  for (const r of list.querySelectorAll('.row.placeholder')) {
    const b = r.getBoundingClientRect();
    if (b.bottom > top && b.top < bottom) waiting++;
  }
  return waiting;
});

/**
 * Set the list's scrollTop to a fraction of its range (a scroll-bar drag): {ms until no placeholder is on
 * screen (-1: not within 5 s), first, last: the displayed indexes on screen}.
 */
async function jumpTo(fraction) {
  return page.getByTestId('packet-list').evaluate((list, { f, limit }) => {
    list.scrollTop = Math.round(f * (list.scrollHeight - list.clientHeight));
    const t0 = performance.now();
    return new Promise((resolvePromise) => {
      const step = (t) => {
        const top = list.getBoundingClientRect().top;
        const bottom = list.getBoundingClientRect().bottom;
        let waiting = 0;
        let rows = 0;
        let first = Infinity;
        let last = -1;
        for (const r of list.querySelectorAll('.row')) {
          const b = r.getBoundingClientRect();
          if (b.bottom > top + 22 && b.top < bottom) {
            rows++;
            first = Math.min(first, Number(r.dataset.index));
            last = Math.max(last, Number(r.dataset.index));
            if (r.classList.contains('placeholder')) waiting++;
          }
        }
        if (rows > 0 && waiting === 0) return resolvePromise({ ms: t - t0, first, last });
        if (performance.now() - t0 > limit) return resolvePromise({ ms: -1, first, last });
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
  }, { f: fraction, limit: 5000 });
}

/** Click a packet row near the middle of the list; ms from pointerdown to the detail tree showing "Frame N:". */
async function clickRowAndTimeTree(minLength = 0, maxLength = Infinity) {
  const target = await page.getByTestId('packet-list').evaluate((list, { min, max }) => {
    const rows = [...list.querySelectorAll('[data-testid="packet-row"]')];
    const lb = list.getBoundingClientRect();
    const inView = rows.filter((r) => {
      const b = r.getBoundingClientRect();
      // The Length column is the sixth cell.
      const length = Number(r.querySelectorAll('[role="gridcell"]')[5]?.textContent ?? NaN);
      return b.top > lb.top + 30 && b.bottom < lb.bottom - 10 && r.getAttribute('aria-selected') !== 'true'
        && (min === 0 || (length >= min && length <= max));
    });
    const r = inView[Math.floor(inView.length / 2)];
    if (!r) return null;
    const b = r.getBoundingClientRect();
    return { num: Number(r.dataset.num), x: b.left + 60, y: b.top + b.height / 2 };
  }, { min: minLength, max: Number.isFinite(maxLength) ? maxLength : 1e9 });
  if (!target) return null;
  await page.evaluate(({ num, limit }) => { window.__benchWait = new Promise((resolvePromise) => {
    setTimeout(() => resolvePromise(-1), 2 * limit); // the click's pointerdown never came
    document.addEventListener('pointerdown', () => {
      const t0 = performance.now();
      const step = (t) => {
        const first = document.querySelector('[data-testid="detail-tree"] [data-testid="tree-item"]');
        if (first && (first.textContent ?? '').includes(`Frame ${num}:`)) return resolvePromise(t - t0);
        if (performance.now() - t0 > limit) return resolvePromise(-1);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }, { once: true, capture: true });
  }); }, { num: target.num, limit: 5000 });
  await page.mouse.click(target.x, target.y);
  return page.evaluate(() => window.__benchWait);
}

/** One scrolling phase: wheel, keys, jumps and clicks, with long tasks and frame gaps recorded throughout. */
async function scrollPhase(label) {
  const box = await listBox();
  const phase = { label, jumpsMs: [], jumpRanges: [], clicksMs: [], wheelEvents: 0, keys: 0 };
  await startRecording(page);
  const t0 = performance.now();
  // Mouse wheel, as a fast flick: 60 notches of 5 rows... 600 px, one a frame or so.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await mark(page, 'wheel');
  for (let k = 0; k < 60; k++) {
    await page.mouse.wheel(0, 600);
    phase.wheelEvents++;
    await sleep(16);
  }
  phase.wheelPlaceholdersAfter = await placeholdersOnScreen();
  // Keyboard: select a row, then PageDown, End, Home, End (each moves the selection and fetches its detail).
  await mark(page, 'PageDown');
  await clickRowAndTimeTree();
  for (let k = 0; k < 20; k++) {
    await page.keyboard.press('PageDown');
    phase.keys++;
    await sleep(30);
  }
  for (const key of ['End', 'Home', 'End', 'Home']) {
    await mark(page, key);
    await page.keyboard.press(key);
    phase.keys++;
    await sleep(150);
  }
  // Jumps to random places, with a click after every few (the tree of a packet far away).
  await mark(page, 'jumps');
  for (let k = 0; k < JUMPS; k++) {
    const jump = await jumpTo(rand());
    phase.jumpsMs.push(jump.ms);
    phase.jumpRanges.push([jump.first, jump.last]);
    if (k % Math.max(1, Math.floor(JUMPS / CLICKS)) === 0 && phase.clicksMs.length < CLICKS) {
      await mark(page, 'clicks');
      const c = await clickRowAndTimeTree();
      if (c !== null) phase.clicksMs.push(c);
      await mark(page, 'jumps');
    }
  }
  phase.seconds = (performance.now() - t0) / 1000;
  Object.assign(phase, await stopRecording(page));
  phase.packetsAtEnd = await statusPackets();
  return phase;
}

const out = { ...out0, file: BIG, chat: CHAT, opens: [], openSteps: [], errors: [] };
/** Where the probe is, on stderr: the orchestrator shows the last lines if it has to stop it. */
const step = (what) => process.stderr.write(`browser probe: ${what}\n`);
function finish() {
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
// Every wait below is bounded, but Playwright's input events (mouse, keyboard) have no timeout of their
// own: should one never be acknowledged, report what was measured rather than hang.
setTimeout(() => {
  out.errors.push(`stopped by the probe's own ${BUDGET_S} s limit`);
  finish();
}, BUDGET_S * 1000).unref();
try {
  // The small capture first: the renderer's heap with 37 packets, after the same kind of use.
  if (existsSync(CHAT)) {
    step('chat capture');
    await freshWindow();
    const chat = await openAndTimeFirstRow(CHAT);
    out.chatFirstRowMs = chat.ms;
    out.chatOpenSteps = chat.steps;
    for (let k = 0; k < 100 && (await statusPackets()) < 37; k++) await sleep(100);
    out.chatPackets = await statusPackets();
    for (let k = 0; k < 5; k++) await clickRowAndTimeTree();
    out.chatHeap = await heap();
  }

  // The big capture: the open, several times (a fresh window each: a new session, the old one disposed).
  for (let k = 0; k < OPENS; k++) {
    step(`open ${k + 1}`);
    await freshWindow();
    if (k === 0) out.emptyHeap = await heap();
    const open = await openAndTimeFirstRow(BIG);
    out.opens.push(open.ms);
    out.openSteps.push(open.steps);
  }
  out.packetsAtFirstScroll = await statusPackets();
  step('scrolling while indexing');
  out.during = await scrollPhase('while indexing');

  // Wait for the whole file to be indexed (the status bar's packet count stops growing and the progress goes).
  step('waiting for the index');
  const tIndex = performance.now();
  let last = -1;
  let steady = 0;
  for (let k = 0; k < INDEX_TIMEOUT_MS / 500 && steady < 3; k++) {
    await sleep(500);
    const n = await statusPackets();
    const busy = await page.getByTestId('status-progress').count();
    steady = n === last && busy === 0 ? steady + 1 : 0;
    last = n;
  }
  out.waitedForIndexS = (performance.now() - tIndex) / 1000;
  out.packets = last;
  // A control: the same instruments for 5 s with no input at all, so machine noise (other work on the
  // cores) can be told from the app's own stalls.
  await startRecording(page);
  await sleep(5000);
  out.idle = await stopRecording(page);
  step('scrolling after indexing');
  out.after = await scrollPhase('after indexing');
  // One small and one large packet clicked, with the long tasks that follow: what the size of the
  // selected packet costs the panes (the hex pane draws every byte of a frame up to 4 KiB). The small
  // one stays selected for the heap measured next, as with the chat capture.
  step('small and large packets');
  out.bySize = [];
  for (const [label, min, maxLen] of [['large', 1200, 65535], ['small', 1, 120]]) {
    for (let k = 0; k < 30; k++) {
      await jumpTo(rand());
      await startRecording(page);
      const ms = await clickRowAndTimeTree(min, maxLen);
      if (ms === null) {
        await stopRecording(page);
        continue;
      }
      await sleep(300);
      const rec = await stopRecording(page);
      const h = await heap();
      out.bySize.push({ label, ms, long: rec.longtasks.map(([, d]) => d), maxGap: Math.max(0, ...rec.frames.map(([, d]) => d)), ...h });
      break;
    }
  }
  out.bigHeap = await heap();
  // The row cache's cost per row: jumps to places spread over the list (new chunks), heap before and after.
  step('row cache fill');
  out.fillRanges = [];
  for (let k = 0; k < FILL_JUMPS; k++) out.fillRanges.push(await jumpTo((k + 0.37) / FILL_JUMPS).then((j) => [j.first, j.last]));
  out.fillHeap = await heap();
  out.pageErrors = pageErrors;
} catch (e) {
  out.errors.push(e.message.split('\n')[0]);
}
step('closing');
// Closing is bounded too: the measurements are in hand.
const closing = Promise.all([browser.close().catch(() => undefined), bridge.close().catch(() => undefined)]);
await Promise.race([closing, sleep(20_000)]);
rmSync(stateDir, { recursive: true, force: true });
finish();
