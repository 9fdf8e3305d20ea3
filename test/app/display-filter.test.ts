/**
 * The display filter bar: typing checks the filter as you go (data-state), Enter applies it.
 * Expected counts come from tshark 4.0.17; both tshark and `paquet read -Y` accept the field
 * name websocket.payload.text and keep frames 23, 24 and 26:
 *   tshark -n -r workerman-chat-7272.pcap -Y 'websocket.payload.text contains "hi"'
 * For `tcp.prot == 80` both refuse the name (Paquet: "tcp.prot is neither a field nor a
 * protocol name", suggesting tcp.port).
 */
import { describe, expect, it } from 'vitest';
import { CHAT_CAPTURE, expectStatus, row, scenario, statusNumber, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);

const HI = 'websocket.payload.text contains "hi"';

describe.skipIf(skip !== undefined)('display filter', () => {
  const app = useApp();

  it(`${HI}: valid while typing, Enter applies it, 3 packets displayed as tshark`, async () => {
    const { page } = app();
    await scenario(app(), 'c-filter-valid', async () => {
      await app().openFile(CHAT_CAPTURE);
      await expectStatus(page, 'status-packets', 37);
      const input = page.getByTestId('display-filter');
      expect(await input.getAttribute('data-state')).toBe('empty');
      await input.click();
      await input.pressSequentially(HI, { delay: 5 });
      await expect.poll(() => input.getAttribute('data-state'), { timeout: WAIT_MS, message: 'display-filter data-state' }).toBe('valid');
      await input.press('Enter');
      await expectStatus(page, 'status-displayed', 3);
      expect(await statusNumber(page, 'status-packets')).toBe(37);
      // Only the three matching frames are listed.
      await expect.poll(() => page.getByTestId('packet-row').count(), { timeout: WAIT_MS }).toBe(3);
      const nums = await page.getByTestId('packet-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-num')));
      expect(nums).toEqual(['23', '24', '26']);
      await row(page, 24).waitFor({ state: 'visible' });
    });
  });

  it('tcp.prot == 80: invalid, with an error naming tcp.prot, and not applied', async () => {
    const { page } = app();
    await scenario(app(), 'c-filter-invalid', async () => {
      const input = page.getByTestId('display-filter');
      await input.fill('');
      await input.pressSequentially('tcp.prot == 80', { delay: 5 });
      await expect.poll(() => input.getAttribute('data-state'), { timeout: WAIT_MS, message: 'display-filter data-state' }).toBe('invalid');
      const error = page.getByTestId('display-filter-error');
      await error.waitFor({ state: 'visible' });
      expect(await error.textContent()).toContain('tcp.prot');
      await app().shot('c-filter-invalid-error');
      await input.press('Enter');
      // Still the previous filter's 3 packets (an invalid filter is not applied)...
      await page.waitForTimeout(300);
      expect(await statusNumber(page, 'status-displayed')).toBe(3);
      // ...and clearing the filter shows all 37 again.
      await input.fill('');
      await expect.poll(() => input.getAttribute('data-state'), { timeout: WAIT_MS }).toBe('empty');
      await input.press('Enter');
      await expectStatus(page, 'status-displayed', 37);
    });
  });
});
