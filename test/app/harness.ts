/**
 * The browser-test harness: the real renderer (dist/renderer, built by `npx vite build`)
 * in Debian's chromium, talking over H3's WebSocket bridge to the real session handlers
 * (main/ TypeScript sources, transpiled by vitest). Only the OS dialogs are fake: the
 * test queues the paths they return and the answer to "drop unsaved packets?".
 *
 * Nothing is downloaded: no chromium at /usr/bin/chromium means the suite is skipped,
 * with the reason printed. Every wait is bounded (Playwright's default timeout, or
 * expect.poll with a timeout).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { createHandlers } from '../../main/ipc/handlers.js';
import { startBridge } from '../../main/ipc/ws-bridge.js';
import type { Dialogs } from '../../main/session/dialogs.js';
import type { AppInfo } from '../../shared/ipc/contract.js';

export const REPO = resolve(import.meta.dirname, '../..');
/** The reference capture, in the shared folder CI clones beside the repository. */
export const CHAT_CAPTURE = resolve(REPO, '../shared/captures/workerman-chat-7272.pcap');
export const TMP = resolve(REPO, 'test/tmp');
export const SCREENS = resolve(TMP, 'screens');
const RENDERER = resolve(REPO, 'dist/renderer');
mkdirSync(SCREENS, { recursive: true });
const CHROMIUM = '/usr/bin/chromium';

/** Short enough that a broken UI fails fast, long enough for a loaded 2-core machine. */
export const WAIT_MS = 8000;

/** Why the browser tests cannot run here, or undefined when they can. */
export function whyBrowserSkipped(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium); the browser tests never download one`;
  return undefined;
}

/** The OS dialogs, driven by the test: each call takes the next queued answer (null = cancelled). */
export class FakeDialogs implements Dialogs {
  readonly openPaths: string[] = [];
  readonly savePaths: string[] = [];
  readonly jsonPaths: string[] = [];
  confirmAnswer = true;
  /** Every call, in order, e.g. `saveCapture(app.pcapng)`, for failure messages. */
  readonly calls: string[] = [];

  async openCapture(): Promise<string | null> {
    this.calls.push('openCapture()');
    return this.openPaths.shift() ?? null;
  }
  async saveCapture(defaultName: string): Promise<string | null> {
    this.calls.push(`saveCapture(${defaultName})`);
    return this.savePaths.shift() ?? null;
  }
  async saveJsonLines(defaultName: string): Promise<string | null> {
    this.calls.push(`saveJsonLines(${defaultName})`);
    return this.jsonPaths.shift() ?? null;
  }
  async confirmDiscard(packets: number): Promise<boolean> {
    this.calls.push(`confirmDiscard(${packets})`);
    return this.confirmAnswer;
  }
}

export interface AppOptions {
  /** Passed to the handlers; omit to let main/capture/locate.ts find it. */
  readonly captureProgram?: string;
}

export interface App {
  readonly page: Page;
  readonly dialogs: FakeDialogs;
  readonly url: string;
  /** Uncaught exceptions in the page (a test fails on any). */
  readonly pageErrors: string[];
  /** console.error messages and CSP violations reported by the page. */
  readonly consoleErrors: string[];
  /** A fresh window: reloads the page, which opens a new WebSocket and so a new, empty session. */
  fresh(): Promise<void>;
  /** Open a capture the way a user does: the toolbar's open button, the (fake) dialog answering `path`. */
  openFile(path: string): Promise<void>;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

const APP_INFO: AppInfo = {
  version: '0.0.0-browser-test',
  electron: null,
  chrome: null,
  node: process.version,
  libpcap: null,
  platform: process.platform,
};

export async function launchApp(options: AppOptions = {}): Promise<App> {
  if (!existsSync(join(RENDERER, 'index.html'))) {
    throw new Error('dist/renderer/index.html is missing: run `npx vite build` first (test/run.mjs does it before vitest)');
  }
  mkdirSync(SCREENS, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'paquet-app-state-'));
  const dialogs = new FakeDialogs();
  let browser: Browser | undefined;
  let bridge: Awaited<ReturnType<typeof startBridge>> | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await bridge?.close().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    bridge = await startBridge({
      handlersFor: (emit) =>
        createHandlers({
          dialogs,
          emit,
          stateDir,
          appInfo: () => APP_INFO,
          ...(options.captureProgram ? { captureProgram: options.captureProgram } : {}),
        }),
      staticDir: RENDERER,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 20_000,
    });
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${m.text()} (${m.location().url || 'no url'})`);
    });
    page.on('response', (r) => {
      // Chromium asks for /favicon.ico on its own; the app has none to serve.
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) consoleErrors.push(`HTTP ${r.status()} for ${r.url().replace(/token=[0-9a-f]+/, 'token=…')}`);
    });
    const url = bridge.url;
    const fresh = async (): Promise<void> => {
      await page.goto(url, { waitUntil: 'load' });
      // The toolbar is there once the app mounted; the open button is usable once it reached main.
      try {
        await page.getByTestId('open-file').waitFor({ state: 'visible' });
      } catch (e) {
        await page.screenshot({ path: join(SCREENS, 'app-did-not-start.png') }).catch(() => undefined);
        const body = await page.evaluate(() => document.body.innerText.slice(0, 400)).catch(() => '?');
        throw new Error(
          `the app did not show its toolbar (open-file) at ${url}: ${(e as Error).message.split('\n')[0]}\n` +
            `page text: ${JSON.stringify(body)}\npage errors: ${pageErrors.join(' | ') || 'none'}\nconsole errors: ${consoleErrors.join(' | ') || 'none'}`,
        );
      }
    };
    const app: App = {
      page,
      dialogs,
      url,
      pageErrors,
      consoleErrors,
      fresh,
      async openFile(path) {
        dialogs.openPaths.length = 0;
        dialogs.openPaths.push(path);
        await page.getByTestId('open-file').click();
        await expect
          .poll(() => dialogs.openPaths.length, { timeout: WAIT_MS, message: `open-file did not ask the Open dialog (calls: ${dialogs.calls.join(', ')})` })
          .toBe(0);
      },
      async shot(name) {
        await page.screenshot({ path: join(SCREENS, `${name}.png`) });
      },
      close: cleanup,
    };
    await fresh();
    return app;
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * One app per test file: launched before its tests, closed after them; a test fails
 * when the page threw (uncaught error). Console errors are printed, not fatal, except
 * where a test checks them (the hostile-content test fails on CSP violations).
 */
export function useApp(options: AppOptions = {}): () => App {
  let app: App | undefined;
  beforeAll(async () => {
    app = await launchApp(options);
  }, 40_000);
  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => {
    if (!app) return;
    const errors = app.pageErrors.splice(0);
    const logged = app.consoleErrors.splice(0);
    if (logged.length) console.log(`console errors in the page:\n  ${logged.join('\n  ')}`);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });
  return () => {
    if (!app) throw new Error('the app did not start (see the beforeAll error)');
    return app;
  };
}

/** Run a scenario's body and screenshot the result: `<name>.png`, or `<name>-failed.png` when it failed. */
export async function scenario(app: App, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await app.shot(`${name}-failed`).catch(() => undefined);
    throw e;
  }
  await app.shot(name);
}

// ---------------------------------------------------------------- UI helpers

/** The first whole number in a text ("Packets: 1,234" → 1234), or NaN. */
export function firstNumber(text: string | null): number {
  const m = /\d{1,3}(?:[,\u202f]\d{3})+(?!\d)|\d+/.exec(text ?? '');
  return m ? Number(m[0].replace(/[^\d]/g, '')) : Number.NaN;
}

/** The first number shown by a status-bar item (status-packets, status-displayed...). */
export async function statusNumber(page: Page, testid: string): Promise<number> {
  const el = page.getByTestId(testid);
  if ((await el.count()) === 0) return Number.NaN;
  return firstNumber(await el.first().textContent());
}

export async function expectStatus(page: Page, testid: string, expected: number, timeout = WAIT_MS): Promise<void> {
  await expect
    .poll(() => statusNumber(page, testid), { timeout, message: `${testid} should show ${expected}` })
    .toBe(expected);
}

export function row(page: Page, num: number): Locator {
  return page.locator(`[data-testid="packet-row"][data-num="${num}"]`);
}

/**
 * Bring a packet's row into the rendered window of the virtualised list by scrolling
 * its container, as a user would with the scroll bar. `index` is its displayed
 * position (num - 1 without filter or sort).
 */
export async function revealRow(page: Page, num: number, index = num - 1): Promise<Locator> {
  const target = row(page, num);
  await page.getByTestId('packet-list').waitFor({ state: 'visible' });
  for (let attempt = 0; attempt < 40; attempt++) {
    if ((await target.count()) > 0) {
      await target.scrollIntoViewIfNeeded();
      return target;
    }
    await page.getByTestId('packet-list').evaluate((list, i) => {
      const anyRow = list.querySelector('[data-testid="packet-row"]');
      const h = anyRow ? anyRow.getBoundingClientRect().height || 20 : 20;
      list.scrollTop = Math.max(0, i * h - list.clientHeight / 2);
    }, index);
    await page.waitForTimeout(50); // let the list fetch and render the new window (bounded by the loop)
  }
  throw new Error(`packet-row data-num=${num} never rendered after scrolling packet-list to index ${index}`);
}

export async function selectPacket(page: Page, num: number, index = num - 1): Promise<void> {
  const r = await revealRow(page, num, index);
  await r.click();
  await expect.poll(() => r.getAttribute('aria-selected'), { timeout: WAIT_MS, message: `row ${num} aria-selected after click` }).toBe('true');
}

/** The text cells of a row: the deepest elements holding text (so nested cell markup is fine). */
export async function rowCells(r: Locator): Promise<string[]> {
  return r.evaluate((el) => {
    const cells: string[] = [];
    const visit = (n: Element): void => {
      const kids = Array.from(n.children);
      if (kids.length === 0 || kids.every((k) => !(k.textContent ?? '').trim())) {
        const t = (n.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (t) cells.push(t);
        return;
      }
      for (const k of kids) visit(k);
    };
    visit(el);
    return cells;
  });
}

export function treeItems(page: Page): Locator {
  return page.locator('[data-testid="detail-tree"] [data-testid="tree-item"]');
}

/**
 * Expand detail-tree items the way a user does (click the item, then → / a click on its
 * twisty) until an item containing `text` is shown. `expandable` says which collapsed items
 * are worth opening (by their data-field). Bounded.
 */
export async function expandUntil(page: Page, text: string, expandable: (field: string, label: string) => boolean): Promise<Locator> {
  const wanted = treeItems(page).filter({ hasText: text });
  const tried = new Set<string>();
  for (let attempt = 0; attempt < 12; attempt++) {
    if ((await wanted.count()) > 0 && (await wanted.first().isVisible())) return wanted.first();
    const collapsed = treeItems(page).and(page.locator('[aria-expanded="false"]'));
    const n = await collapsed.count();
    let opened = false;
    for (let i = 0; i < n && !opened; i++) {
      const candidate = collapsed.nth(i);
      const field = (await candidate.getAttribute('data-field')) ?? '';
      const id = (await candidate.getAttribute('data-id')) ?? '';
      const label = ((await candidate.textContent()) ?? '').replace(/^[^\p{L}\p{N}[]+/u, ''); // without the twisty
      if (!id || tried.has(id) || !expandable(field, label)) continue;
      tried.add(id);
      // By id: `candidate` would move on to the next collapsed item once this one opens.
      const item = page.locator(`[data-testid="detail-tree"] [data-testid="tree-item"][data-id="${id}"]`);
      await item.click();
      await expect.poll(() => item.getAttribute('aria-selected'), { timeout: 3000, message: `tree-item ${field || label} selected by a click` }).toBe('true');
      if ((await item.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
      await expect
        .poll(() => item.getAttribute('aria-expanded'), { timeout: 3000, message: `tree-item ${field || label} should expand on click + ArrowRight` })
        .toBe('true');
      opened = true;
    }
    if (!opened) break;
  }
  throw new Error(`no tree-item containing ${JSON.stringify(text)} after expanding the items that lead to it`);
}

/** The text the terminal shows (xterm's DOM renderer rows), spaces normalised. */
export async function terminalText(page: Page): Promise<string> {
  return page.getByTestId('terminal-pane').evaluate((pane) => {
    const rows = pane.querySelector('.xterm-rows');
    const text = rows ? Array.from(rows.children, (r) => r.textContent ?? '').join('\n') : '';
    return text.replace(/\u00a0/g, ' ');
  });
}

/**
 * Wait until the terminal shows `text`. xterm renders only its visible rows and follows
 * the output to the bottom, so this scrolls with the mouse wheel as a user would (xterm
 * moves a few lines per wheel event): up to the top, looking at each screenful, then down
 * to the bottom, and again while time remains (the text may still be arriving). Bounded.
 */
export async function findInTerminal(page: Page, text: string, timeout = WAIT_MS): Promise<string> {
  const pane = page.getByTestId('terminal-pane');
  const deadline = Date.now() + timeout;
  const shows = (t: string): boolean => t.includes(text) || t.replace(/\n/g, '').includes(text); // long lines wrap onto several rows
  let last = await terminalText(page);
  let direction = -1;
  while (Date.now() < deadline) {
    if (shows(last)) return last;
    const box = await pane.boundingBox();
    if (!box) break;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    let unchanged = 0;
    for (let step = 0; step < 400 && unchanged < 3 && Date.now() < deadline; step++) {
      await page.mouse.wheel(0, direction * 300);
      await page.waitForTimeout(15);
      const now = await terminalText(page);
      if (shows(now)) return now;
      unchanged = now === last ? unchanged + 1 : 0;
      last = now;
    }
    direction = -direction;
  }
  throw new Error(`terminal-pane never showed ${JSON.stringify(text)}; last rows:\n${last.slice(0, 2000)}`);
}

/** Elements in the page that came from packet bytes being parsed as HTML. */
export async function injectedElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const img of Array.from(document.querySelectorAll('img'))) {
      if (img.getAttribute('src') === 'x' || img.hasAttribute('onerror')) found.push(img.outerHTML);
    }
    for (const s of Array.from(document.querySelectorAll('script'))) {
      if ((s.textContent ?? '').includes('__pwned')) found.push(s.outerHTML);
    }
    for (const el of Array.from(document.querySelectorAll('[onerror],[onload],[onclick]'))) found.push(el.outerHTML.slice(0, 200));
    return found;
  });
}

/**
 * Show the terminal pane if it is hidden. The brief names no test id for its toggle, so
 * this looks for the toolbar button a user would see: a button whose name says "terminal".
 */
export async function openTerminal(page: Page): Promise<Locator> {
  const pane = page.getByTestId('terminal-pane');
  if ((await pane.count()) === 0 || !(await pane.first().isVisible())) {
    const toggle = page.getByRole('button', { name: /terminal/i }).or(page.locator('[data-testid="terminal-toggle"]'));
    await toggle.first().click();
  }
  await pane.first().waitFor({ state: 'visible' });
  return pane.first();
}
