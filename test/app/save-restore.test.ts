/**
 * Save keeps the view: with a display filter applied and packet 23 selected, Save writes a
 * pcapng (path from the fake Save dialog); after opening another file and reopening the
 * saved one, the filter is back in the bar (and applied) and packet 23 is selected again.
 * The saved file must be a capture tshark reads without complaint. The test opens a copy
 * of the reference capture so nothing can ever write over the shared one.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plainPackets, writePcap } from './build-pcap.js';
import { CHAT_CAPTURE, expectStatus, row, scenario, selectPacket, TMP, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);
const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

const dir = mkdtempSync(join(TMP, 'app-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SOURCE = join(dir, 'chat-copy.pcap');
copyFileSync(CHAT_CAPTURE, SOURCE);
const OTHER = join(dir, 'other.pcap');
writePcap(OTHER, plainPackets());
const SAVED = join(dir, `app-${Math.random().toString(36).slice(2, 10)}.pcapng`);
const FILTER = 'websocket';

describe.skipIf(skip !== undefined)('save and reopen restores the view', () => {
  const app = useApp();

  it('filter and selection come back after save, open other, reopen', async () => {
    const { page, dialogs } = app();
    const before = readFileSync(SOURCE);
    await scenario(app(), 'h-save-restore', async () => {
      await app().openFile(SOURCE);
      await expectStatus(page, 'status-packets', 37);
      const input = page.getByTestId('display-filter');
      await input.fill(FILTER);
      await expect.poll(() => input.getAttribute('data-state'), { timeout: WAIT_MS }).toBe('valid');
      await page.getByTestId('display-filter-apply').click();
      // tshark -n -r workerman-chat-7272.pcap -Y websocket: 13 frames (8 9 18 19 21 23 ...).
      await expectStatus(page, 'status-displayed', 13);
      await selectPacket(page, 23, 5); // 23 is the 6th websocket frame
      await app().shot('h-before-save');

      dialogs.savePaths.push(SAVED);
      await page.getByTestId('save-file').click();
      await expect
        .poll(() => existsSync(SAVED), { timeout: WAIT_MS, message: `save-file should write ${SAVED} (dialog calls: ${dialogs.calls.join(', ')})` })
        .toBe(true);
      expect(readFileSync(SOURCE).equals(before), 'the opened file is left as it was').toBe(true);

      // The filter stays in the bar across files (as in Wireshark): clear it, so that
      // seeing it again after the reopen proves it came from the saved file.
      await app().openFile(OTHER);
      await expectStatus(page, 'status-packets', 1);
      await input.fill('');
      await input.press('Enter');
      await expect.poll(() => row(page, 1).textContent(), { timeout: WAIT_MS }).toContain('192.168.1.1');

      await app().openFile(SAVED);
      await expectStatus(page, 'status-packets', 37);
      await expect.poll(() => input.inputValue(), { timeout: WAIT_MS, message: 'display-filter restored' }).toBe(FILTER);
      await expectStatus(page, 'status-displayed', 13);
      await expect
        .poll(async () => ((await row(page, 23).count()) ? row(page, 23).getAttribute('aria-selected') : 'row 23 not rendered'), {
          timeout: WAIT_MS,
          message: 'packet 23 selected again',
        })
        .toBe('true');
      await expect.poll(() => page.getByTestId('detail-tree').textContent(), { timeout: WAIT_MS, message: 'detail of the restored selection' }).toContain('WebSocket');
    });
  });

  it.skipIf(!hasTshark)('tshark reads the saved pcapng: 37 packets, no error', () => {
    expect(existsSync(SAVED), 'the save test wrote the file').toBe(true);
    const r = spawnSync('tshark', ['-n', '-r', SAVED], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.replace(/Running as user "root".*\n?/g, '').trim()).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(37);
  });
  if (!hasTshark) console.log('tshark check of the saved file skipped: tshark is not installed');
});
