/**
 * Packet bytes are data, never markup: a capture whose HTTP request line, headers,
 * WebSocket messages and UDP payload are HTML that would run code if rendered
 * (`<img src=x onerror=...>`, `<script>...</script>`) is opened, every packet selected,
 * the terminal and both follow views shown. Nothing may run, no element may come from
 * the packets, and the text must appear literally. The page keeps its real CSP; a CSP
 * violation report would also mean something tried to run, so it fails the test too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostilePackets, HOSTILE_REQUEST_LINE, IMG, SCRIPT, writePcap } from './build-pcap.js';
import {
  expectStatus,
  findInTerminal,
  injectedElements,
  openTerminal,
  row,
  scenario,
  selectPacket,
  TMP,
  treeItems,
  useApp,
  whyBrowserSkipped,
  WAIT_MS,
  type App,
} from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);

const dir = mkdtempSync(join(TMP, 'app-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FILE = join(dir, 'hostile.pcap');
writePcap(FILE, hostilePackets());

async function expectNothingRan(app: App, where: string): Promise<void> {
  const { page } = app;
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), `window.__pwned after ${where}`).toBeUndefined();
  expect(await injectedElements(page), `elements made from packet bytes after ${where}`).toEqual([]);
  // A blocked inline handler or script is reported as a CSP violation; an <img src=x> also asks the server for /x.
  const signs = app.consoleErrors.filter((m) => /Content Security Policy|Refused to (execute|load)|HTTP 404 for \S*\/x$/i.test(m));
  expect(signs, `CSP violations or requests made by packet markup after ${where}`).toEqual([]);
}

describe.skipIf(skip !== undefined)('hostile packet content', () => {
  const app = useApp();

  /** Each test starts from a new window with the file open, so one failure does not hide the others. */
  async function openHostile(): Promise<void> {
    await app().fresh();
    await app().openFile(FILE);
    await expectStatus(app().page, 'status-packets', 8);
  }

  it('packet list and detail tree show the HTML as text', async () => {
    const { page } = app();
    await scenario(app(), 'f-hostile-list-tree', async () => {
      await openHostile();
      await expect.poll(() => row(page, 4).textContent(), { timeout: WAIT_MS, message: 'row 4 Info' }).toContain(HOSTILE_REQUEST_LINE);
      await expectNothingRan(app(), 'listing');

      for (let num = 1; num <= 8; num++) {
        await selectPacket(page, num);
        await expect.poll(() => page.getByTestId('detail-tree').textContent(), { timeout: WAIT_MS, message: `detail of packet ${num}` }).toContain(
          num === 8 ? 'User Datagram Protocol' : 'Transmission Control Protocol',
        );
      }
      await expectNothingRan(app(), 'selecting every packet');

      // Packet 4's HTTP layer: expand it to see the request line and the Host header as text.
      await selectPacket(page, 4);
      const http = treeItems(page).and(page.locator('[data-field="http"]'));
      await http.first().click();
      await expect.poll(() => http.first().getAttribute('aria-selected'), { timeout: WAIT_MS }).toBe('true');
      if ((await http.first().getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
      await expect.poll(() => http.first().getAttribute('aria-expanded'), { timeout: WAIT_MS }).toBe('true');
      const treeText = (await page.getByTestId('detail-tree').textContent()) ?? '';
      expect(treeText).toContain(HOSTILE_REQUEST_LINE);
      expect(treeText).toContain(SCRIPT);
      await expectNothingRan(app(), 'expanding HTTP');
    });
  });

  it('terminal (A and websocket modes) shows the HTML as text', async () => {
    const { page } = app();
    await scenario(app(), 'f-hostile-terminal', async () => {
      await openHostile();
      await openTerminal(page);
      await page.getByTestId('terminal-mode').selectOption('A');
      await findInTerminal(page, 'GET /<img src=x onerror="window.__pwned=1"> HTTP/1.1');
      await page.getByTestId('terminal-mode').selectOption('websocket');
      await findInTerminal(page, SCRIPT);
      await expectNothingRan(app(), 'the terminal');
    });
  });

  it('follow TCP and follow WebSocket show the HTML as text', async () => {
    const { page } = app();
    await scenario(app(), 'f-hostile-follow', async () => {
      await openHostile();
      await selectPacket(page, 6);
      await page.getByTestId('follow-tcp').click();
      const tcp = page.getByTestId('follow-tcp-view');
      await tcp.waitFor({ state: 'visible' });
      await expect.poll(() => tcp.textContent(), { timeout: WAIT_MS, message: 'follow-tcp-view text' }).toContain(HOSTILE_REQUEST_LINE);
      expect(await tcp.textContent()).toContain(`Host: ${SCRIPT}`);
      await expectNothingRan(app(), 'follow TCP');
      await app().shot('f-hostile-follow-tcp');
      await page.keyboard.press('Escape');
      await tcp.waitFor({ state: 'hidden' });

      await selectPacket(page, 7);
      await page.getByTestId('follow-ws').click();
      const ws = page.getByTestId('ws-view');
      await ws.waitFor({ state: 'visible' });
      const texts = ws.getByTestId('ws-message-text');
      await expect.poll(() => texts.allTextContents(), { timeout: WAIT_MS, message: 'ws-message-text' }).toEqual(
        expect.arrayContaining([expect.stringContaining(SCRIPT), expect.stringContaining(IMG)]),
      );
      await expectNothingRan(app(), 'follow WebSocket');
    });
  });
});
