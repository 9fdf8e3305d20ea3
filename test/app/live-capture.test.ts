/**
 * Live capture from the UI: the capture dialog on `lo` with a filter for the chat server's
 * port (a bad filter first must show an error), start, chat traffic from the tests' own
 * clients, rows arriving, stop, save, reopen: same packet count and the display filter that
 * was applied when saving. Needs root and a built paquet-dumpcap, as test/capture-live does;
 * skipped with the reason printed otherwise. Traffic only on 127.0.0.1, ports from port 0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureProgram, hasTshark, whyLiveSkipped } from '../capture-live/support.js';
import { wsChatServer, wsConnect, type Running } from '../capture-live/traffic.js';
import { plainPackets, writePcap } from './build-pcap.js';
import { expectStatus, scenario, statusNumber, TMP, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const program = captureProgram();
const skip = whyBrowserSkipped() ?? whyLiveSkipped(program);
if (skip) console.log(`live capture browser test skipped: ${skip}`);

const dir = mkdtempSync(join(TMP, 'app-live-'));
const OTHER = join(dir, 'other.pcap');
writePcap(OTHER, plainPackets());
const SAVED = join(dir, `app-live-${Math.random().toString(36).slice(2, 10)}.pcapng`);
let chat: Running | undefined;
afterAll(async () => {
  await chat?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One chat round: two clients join, each says something, both hear both; then they leave. */
async function chatRound(port: number, round: number): Promise<void> {
  const a = await wsConnect(port);
  const b = await wsConnect(port);
  try {
    a.send(JSON.stringify({ type: 'say', content: `hi, all ! (${round})` }));
    await a.received(1);
    b.send(JSON.stringify({ type: 'say', content: `hello from b (${round})` }));
    await Promise.all([a.received(2), b.received(2)]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

describe.skipIf(skip !== undefined)('live capture from the UI', () => {
  const app = useApp(program ? { captureProgram: program } : {});

  it('capture dialog on lo, chat traffic arrives, stop, save, reopen with the view', async () => {
    const { page, dialogs } = app();
    chat = await wsChatServer();
    const port = chat.port;
    await scenario(app(), 'i-live-capture', async () => {
      await page.getByTestId('capture-options').click();
      const dialog = page.getByTestId('capture-dialog');
      await dialog.waitFor({ state: 'visible' });
      const iface = page.getByTestId('capture-interface');
      await expect
        .poll(() => iface.evaluate((s) => Array.from((s as HTMLSelectElement).options, (o) => o.value)), { timeout: WAIT_MS, message: 'capture-interface lists lo' })
        .toContain('lo');
      await iface.selectOption('lo');

      const filter = page.getByTestId('capture-filter');
      await filter.fill('tcp port');
      await page.getByTestId('capture-filter-error').waitFor({ state: 'visible' });
      expect(((await page.getByTestId('capture-filter-error').textContent()) ?? '').trim().length, 'the error says something').toBeGreaterThan(0);
      await app().shot('i-capture-dialog-bad-filter');
      await filter.fill(`tcp port ${port}`);
      await page.getByTestId('capture-filter-error').waitFor({ state: 'hidden' });
      await page.getByTestId('capture-dialog-start').click();
      await dialog.waitFor({ state: 'hidden' });

      // Running once Stop is usable; then talk until rows arrive (bounded: 10 rounds or the deadline).
      await expect.poll(() => page.getByTestId('capture-stop').isEnabled(), { timeout: WAIT_MS, message: 'capture-stop enabled while capturing' }).toBe(true);
      const deadline = Date.now() + 8000;
      for (let round = 0; round < 10 && Date.now() < deadline; round++) {
        await chatRound(port, round);
        if ((await statusNumber(page, 'status-packets')) > 0 && round >= 1) break;
      }
      await expect.poll(() => statusNumber(page, 'status-packets'), { timeout: 5000, message: 'status-packets during the capture' }).toBeGreaterThan(0);
      // The list follows the newest packets while capturing, so any row will do here.
      await page.getByTestId('packet-row').first().waitFor({ state: 'visible' });
      await app().shot('i-capturing');

      await page.getByTestId('capture-stop').click();
      await expect.poll(() => page.getByTestId('capture-start').isEnabled(), { timeout: WAIT_MS, message: 'capture-start usable again after stop' }).toBe(true);
      // The count settles once the capture program has exited and the file is indexed.
      let captured = await statusNumber(page, 'status-packets');
      await expect
        .poll(
          async () => {
            const now = await statusNumber(page, 'status-packets');
            const same = now === captured;
            captured = now;
            return same;
          },
          { timeout: WAIT_MS, interval: 400, message: 'packet count settled after stop' },
        )
        .toBe(true);
      expect(captured, 'each chat round is at least 20 packets').toBeGreaterThanOrEqual(20);

      const input = page.getByTestId('display-filter');
      await input.fill('websocket');
      await input.press('Enter');
      // Applied once fewer packets are displayed (handshakes, ACKs and FINs are not WebSocket).
      await expect
        .poll(async () => {
          const n = await statusNumber(page, 'status-displayed');
          return n > 0 && n < captured;
        }, { timeout: WAIT_MS, message: `status-displayed between 1 and ${captured - 1} with filter websocket` })
        .toBe(true);
      const displayed = await statusNumber(page, 'status-displayed');

      dialogs.savePaths.push(SAVED);
      await page.getByTestId('save-file').click();
      await expect.poll(() => existsSync(SAVED), { timeout: WAIT_MS, message: `save-file should write ${SAVED} (dialog calls: ${dialogs.calls.join(', ')})` }).toBe(true);

      await app().openFile(OTHER);
      expect(dialogs.calls.filter((c) => c.startsWith('confirmDiscard')), 'no discard question once saved').toEqual([]);
      await expectStatus(page, 'status-packets', 1);
      await input.fill('');
      await input.press('Enter');
      await expectStatus(page, 'status-displayed', 1);
      await app().openFile(SAVED);
      await expectStatus(page, 'status-packets', captured);
      await expect.poll(() => input.inputValue(), { timeout: WAIT_MS, message: 'display-filter restored' }).toBe('websocket');
      await expectStatus(page, 'status-displayed', displayed);
    });
    if (hasTshark) {
      const r = spawnSync('tshark', ['-n', '-r', SAVED], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n'), 'packets tshark reads from the saved capture').toHaveLength(await statusNumber(page, 'status-packets'));
    } else console.log('tshark check of the saved live capture skipped: tshark is not installed');
  });
});
