/**
 * The real desktop app, end to end: Electron started with the chat capture on
 * its command line, under a private X server, driven by Playwright.
 *
 * Runs only when ELECTRON_OVERRIDE_DIST_PATH names a folder holding an
 * Electron 41 build (the set-up skips Electron's binary download, so there is
 * none by default); otherwise it is skipped with the reason printed. Needs the
 * app built (npm run build: dist/main and dist/renderer) and, without a
 * DISPLAY, Xvfb (apt-get install xvfb).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElectronApplication, Page } from 'playwright-core';
import { REPO, SHARED } from '../support/dissect-file.js';

const DIST = process.env.ELECTRON_OVERRIDE_DIST_PATH;
const CAPTURE = join(SHARED, 'captures/workerman-chat-7272.pcap');
const BINARY = DIST ? join(DIST, process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron') : '';

function whySkipped(): string | undefined {
  if (!DIST) return 'ELECTRON_OVERRIDE_DIST_PATH is not set (no Electron binary here: the set-up skips its download)';
  if (!existsSync(BINARY)) return `ELECTRON_OVERRIDE_DIST_PATH=${DIST} has no Electron executable (${BINARY})`;
  return undefined;
}

const skipped = whySkipped();
if (skipped) console.log(`smoke.test: skipped: ${skipped}`);

/** Starts Xvfb on a free display (it picks one and tells us through -displayfd); 10 s at most. */
function startXvfb(): Promise<{ display: string; proc: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const proc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    let text = '';
    const timer = setTimeout(() => {
      proc.kill();
      reject(new Error('Xvfb did not report a display within 10 s'));
    }, 10_000);
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start Xvfb (apt-get install xvfb): ${e.message}`));
    });
    proc.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /^(\d+)\n/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve({ display: `:${m[1]}`, proc });
      }
    });
  });
}

describe.skipIf(skipped !== undefined)('the desktop app (real Electron)', () => {
  let xvfb: ChildProcess | undefined;
  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    for (const built of ['dist/main/electron/main.js', 'dist/main/electron/preload.cjs', 'dist/renderer/index.html']) {
      if (!existsSync(join(REPO, built))) throw new Error(`${built} is missing: build the app first (npm run build)`);
    }
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    if (!env.DISPLAY && process.platform === 'linux') {
      const x = await startXvfb();
      xvfb = x.proc;
      env.DISPLAY = x.display;
    }
    userData = mkdtempSync(join(tmpdir(), 'paquet-smoke-'));
    env.PAQUET_USER_DATA_DIR = userData; // own settings and single-instance lock: a Paquet already open is not disturbed
    const { _electron } = await import('playwright-core');
    // No executablePath: Playwright then finds Electron through the electron package, which
    // honours ELECTRON_OVERRIDE_DIST_PATH, and adds its loader. Playwright adds --no-sandbox on Linux.
    app = await _electron.launch({ args: [REPO, CAPTURE], env, cwd: REPO, timeout: 30_000 });
    page = await app.firstWindow({ timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await app?.close().catch((e: unknown) => console.error('smoke.test: closing Electron:', e));
    xvfb?.kill();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('shows the app page in one window', async () => {
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toMatch(/\/dist\/renderer\/index\.html$/);
    expect(await page.title()).toBe('Paquet');
  });

  it('gives the page window.paquet (invoke, on) and nothing of Node', async () => {
    const shape = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown> & { paquet?: Record<string, unknown> };
      return {
        invoke: typeof w.paquet?.invoke,
        on: typeof w.paquet?.on,
        drop: typeof w.paquet?.pathOfDroppedFile,
        require: typeof w.require,
        process: typeof w.process,
      };
    });
    expect(shape).toEqual({ invoke: 'function', on: 'function', drop: 'function', require: 'undefined', process: 'undefined' });
  });

  it("opens the file from the command line: its 37 packets, in the session and on screen", async () => {
    let state: { packets?: number; busy?: unknown; source?: { kind: string; name?: string } } = {};
    for (let i = 0; i < 100 && !(state.packets === 37 && state.busy === null); i++) {
      state = await page.evaluate(() => (window as unknown as { paquet: { invoke(n: string, a?: unknown): Promise<never> } }).paquet.invoke('session.state'));
      if (!(state.packets === 37 && state.busy === null)) await page.waitForTimeout(200);
    }
    expect(state.source).toEqual({ kind: 'file', path: CAPTURE, name: 'workerman-chat-7272.pcap' });
    expect(state.packets).toBe(37);
    await expect.poll(() => page.locator('[data-testid="status-packets"]').textContent(), { timeout: 15_000 }).toContain('37');
    await expect.poll(() => page.locator('[data-testid="packet-row"]').first().getAttribute('data-num'), { timeout: 15_000 }).toBe('1');
    const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getTitle());
    expect(title).toBe('workerman-chat-7272.pcap — Paquet');
  });

  it('refuses new windows and navigation away from the app', async () => {
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/\/dist\/renderer\/index\.html$/);
    expect(app.windows()).toHaveLength(1);
  });

  it('has the menu with its commands, shortcuts shown and left to the page', async () => {
    const items = await app.evaluate(({ Menu }) => {
      const out: { id: string; accelerator: string | null; registerAccelerator: boolean }[] = [];
      const walk = (menu: Electron.Menu | null): void => {
        for (const item of menu?.items ?? []) {
          if (item.id && item.accelerator) out.push({ id: item.id, accelerator: item.accelerator, registerAccelerator: item.registerAccelerator });
          walk(item.submenu ?? null);
        }
      };
      walk(Menu.getApplicationMenu());
      return out;
    });
    expect(items).toContainEqual({ id: 'captureStartStop', accelerator: 'CmdOrCtrl+E', registerAccelerator: false });
    expect(items).toContainEqual({ id: 'open', accelerator: 'CmdOrCtrl+O', registerAccelerator: false });
  });
});
