/**
 * Opening the reference capture from the toolbar: the status bar counts its 37 packets,
 * and the virtualised list renders the first and last rows with the columns tshark gives
 * (`tshark -n -r workerman-chat-7272.pcap`, tshark 4.0.17):
 *     1   0.000000    127.0.0.1 → 127.0.0.1    TCP 80 59798 → 7272 [SYN] Seq=0 Win=65495 ...
 *    37   3.082384    127.0.0.1 → 127.0.0.1    TCP 60 59798 → 7272 [RST] Seq=655 Win=0 Len=0
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHAT_CAPTURE, expectStatus, row, rowCells, scenario, TMP, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)('open a capture file', () => {
  const app = useApp();

  it('shows 37 packets, rows 1 and 37 with the columns tshark prints', async () => {
    const { page } = app();
    await scenario(app(), 'a-open-file', async () => {
      await app().openFile(CHAT_CAPTURE);
      await expectStatus(page, 'status-packets', 37);

      const first = row(page, 1);
      await first.waitFor({ state: 'visible' });
      const cells1 = await rowCells(first);
      expect(cells1, 'row 1 cells').toEqual(expect.arrayContaining(['1', '0.000000', '127.0.0.1', 'TCP', '80']));
      expect(cells1.filter((c) => c === '127.0.0.1'), 'row 1 Source and Destination').toHaveLength(2);
      expect(cells1.some((c) => c.startsWith('59798 → 7272 [SYN] Seq=0 Win=65495 Len=0 MSS=65495')), `row 1 Info in ${JSON.stringify(cells1)}`).toBe(true);

      // The list is virtualised: a short list pane does not render row 37 until scrolled.
      await page.getByTestId('packet-list').evaluate((list) => {
        list.scrollTop = list.scrollHeight;
      });
      const last = row(page, 37);
      await last.waitFor({ state: 'visible' });
      const cells37 = await rowCells(last);
      expect(cells37, 'row 37 cells').toEqual(expect.arrayContaining(['37', '3.082384', '127.0.0.1', 'TCP', '60']));
      expect(cells37.some((c) => c.startsWith('59798 → 7272 [RST] Seq=655 Win=0 Len=0')), `row 37 Info in ${JSON.stringify(cells37)}`).toBe(true);
    });
  });

  it('opens the same capture gzipped (inflated as it is read): the same 37 packets', async () => {
    const { page } = app();
    const gz = join(TMP, 'workerman-chat-7272.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(CHAT_CAPTURE)));
    const source = page.locator('footer.status-bar .source');
    await scenario(app(), 'a-open-gzip', async () => {
      await app().openFile(gz);
      // The plain file was open already: wait for the status bar to name the gzip file.
      await expect.poll(() => source.getAttribute('title'), { timeout: WAIT_MS, message: 'the status bar names the gzip file' }).toBe(gz);
      await expect.poll(() => source.textContent(), { timeout: WAIT_MS }).toContain('workerman-chat-7272.pcap.gz');
      await expectStatus(page, 'status-packets', 37);
      await page.getByTestId('packet-list').evaluate((list) => {
        list.scrollTop = list.scrollHeight;
      });
      const last = row(page, 37);
      await last.waitFor({ state: 'visible' });
      expect((await rowCells(last)).some((c) => c.startsWith('59798 → 7272 [RST] Seq=655 Win=0 Len=0'))).toBe(true);
    });
    // Back to the plain file for the tests after this one.
    await app().openFile(CHAT_CAPTURE);
    await expect.poll(() => source.getAttribute('title'), { timeout: WAIT_MS }).toBe(CHAT_CAPTURE);
    await expectStatus(page, 'status-packets', 37);
  });

  it('keyboard: Home selects packet 1, End selects packet 37 and scrolls it into view', async () => {
    const { page } = app();
    await scenario(app(), 'a-keyboard-end', async () => {
      await page.getByTestId('packet-list').evaluate((list) => {
        list.scrollTop = 0;
      });
      await row(page, 1).click();
      await expect.poll(() => row(page, 1).getAttribute('aria-selected'), { timeout: WAIT_MS }).toBe('true');
      await page.keyboard.press('End');
      await expect.poll(() => row(page, 37).getAttribute('aria-selected'), { timeout: WAIT_MS, message: 'End selects the last packet' }).toBe('true');
      expect(await row(page, 37).isVisible()).toBe(true);
      await page.keyboard.press('Home');
      await expect.poll(() => row(page, 1).getAttribute('aria-selected'), { timeout: WAIT_MS, message: 'Home selects the first packet' }).toBe('true');
    });
  });
});
