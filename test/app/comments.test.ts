/**
 * Packet comments: the right-click menu on packet 5 of the reference capture opens the
 * comment dialog; OK puts a "Packet comments" section at the top of the detail tree;
 * Save writes a pcapng (path from the fake Save dialog) that, opened again from the
 * Open Recent menu after another file, still has the comment in the tree, and that
 * tshark reads with the comment in frame.comment. Removing the comment (an empty text,
 * reached with Ctrl+Alt+C this time) takes the section away. The last test looks at
 * the same window in the dark theme (screenshot only, plus a contrast check).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { plainPackets, writePcap } from './build-pcap.js';
import { CHAT_CAPTURE, expectStatus, revealRow, row, scenario, selectPacket, TMP, treeItems, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);
const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasTshark) console.log('tshark check of the comment skipped: tshark is not installed');

const dir = mkdtempSync(join(TMP, 'app-comments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SOURCE = join(dir, 'chat-copy.pcap');
copyFileSync(CHAT_CAPTURE, SOURCE);
const OTHER = join(dir, 'other.pcap');
writePcap(OTHER, plainPackets());
const SAVED = join(dir, 'commented.pcapng');
// Non-ASCII and a quote, so a lost encoding or escaping shows.
const COMMENT = 'ACK after the GET — "checked" by R-C';

/** The tree items of the Packet comments section (the section itself first). */
function commentSection(page: Page) {
  return {
    header: treeItems(page).and(page.locator('[data-field="pkt_comment"]')),
    lines: treeItems(page).and(page.locator('[data-field="frame.comment"][aria-level="2"]')),
  };
}

async function expectCommentShown(page: Page, text: string): Promise<void> {
  const { header, lines } = commentSection(page);
  await expect.poll(() => header.count(), { timeout: WAIT_MS, message: 'a Packet comments section in the detail tree' }).toBe(1);
  expect(await header.getAttribute('data-id'), 'the section is the first item of the tree').toBe('0');
  expect(await header.textContent()).toContain('Packet comments');
  expect(await header.getAttribute('aria-expanded'), 'the section starts open').toBe('true');
  await expect.poll(() => lines.allTextContents(), { timeout: WAIT_MS }).toEqual([expect.stringContaining(text)]);
}

describe.skipIf(skip !== undefined)('packet comments', () => {
  const app = useApp();

  it('comment packet 5 from the right-click menu, save, reopen from Open Recent: the comment is in the tree', async () => {
    const { page, dialogs } = app();
    await scenario(app(), 'j-comment', async () => {
      await app().openFile(SOURCE);
      await expectStatus(page, 'status-packets', 37);
      expect(await commentSection(page).header.count()).toBe(0);

      // Right-click selects the row and offers Packet Comment…
      const r = await revealRow(page, 5);
      await r.click({ button: 'right' });
      await expect.poll(() => row(page, 5).getAttribute('aria-selected'), { timeout: WAIT_MS, message: 'right-click selects row 5' }).toBe('true');
      await page.getByTestId('row-menu-comment').click();
      const dialog = page.getByTestId('comment-dialog');
      await dialog.waitFor({ state: 'visible' });
      expect(await dialog.textContent()).toContain('Packet 5');
      const text = page.getByTestId('comment-text');
      expect(await text.inputValue(), 'packet 5 has no comment yet').toBe('');
      await text.fill(COMMENT);
      await app().shot('j-comment-dialog');
      await page.getByTestId('comment-ok').click();
      await dialog.waitFor({ state: 'detached' });
      await expectCommentShown(page, COMMENT);

      // The toolbar button opens the same dialog with the comment in it; Cancel changes nothing.
      await page.getByTestId('edit-comment').click();
      await expect.poll(() => page.getByTestId('comment-text').inputValue(), { timeout: WAIT_MS }).toBe(COMMENT);
      await page.getByTestId('comment-dialog').getByRole('button', { name: 'Cancel' }).click();
      await page.getByTestId('comment-dialog').waitFor({ state: 'detached' });

      dialogs.savePaths.push(SAVED);
      await page.getByTestId('save-file').click();
      await expect
        .poll(() => existsSync(SAVED), { timeout: WAIT_MS, message: `Save should write ${SAVED} (dialog calls: ${dialogs.calls.join(', ')})` })
        .toBe(true);

      // Another file, then the saved one again, from the Open Recent menu.
      await app().openFile(OTHER);
      await expectStatus(page, 'status-packets', 1);
      await page.getByTestId('open-recent').click();
      const entry = page.getByTestId('recent-file').filter({ hasText: 'commented.pcapng' });
      await entry.waitFor({ state: 'visible' });
      expect(await page.getByTestId('recent-file').count(), 'the three files opened or saved are listed').toBeGreaterThanOrEqual(3);
      await app().shot('j-open-recent');
      await entry.click();
      await expectStatus(page, 'status-packets', 37);
      await expect.poll(() => page.title(), { timeout: WAIT_MS, message: 'the window shows the saved file' }).toContain('commented.pcapng');

      await selectPacket(page, 5);
      await expectCommentShown(page, COMMENT);
      await selectPacket(page, 6);
      await expect.poll(() => commentSection(page).header.count(), { timeout: WAIT_MS, message: 'packet 6 has no comment' }).toBe(0);
      await selectPacket(page, 5);
      await expectCommentShown(page, COMMENT);
    });
  });

  it.skipIf(!hasTshark)('tshark reads the comment of packet 5 (frame.comment), and no other', () => {
    expect(existsSync(SAVED), 'the first test saved the file').toBe(true);
    const r = spawnSync('tshark', ['-n', '-r', SAVED, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment', '-Y', 'frame.comment'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([`5\t${COMMENT}`]);
  });

  it('an empty comment removes it (Ctrl+Alt+C opens the dialog)', async () => {
    const { page } = app();
    await scenario(app(), 'j-comment-removed', async () => {
      await selectPacket(page, 5);
      await expectCommentShown(page, COMMENT);
      await page.getByTestId('packet-list').focus();
      await page.keyboard.press('Control+Alt+KeyC');
      const text = page.getByTestId('comment-text');
      await expect.poll(() => text.inputValue(), { timeout: WAIT_MS, message: 'Ctrl+Alt+C opens the dialog on the comment' }).toBe(COMMENT);
      await text.fill('  \n ');
      await page.getByTestId('comment-ok').click();
      await page.getByTestId('comment-dialog').waitFor({ state: 'detached' });
      await expect.poll(() => commentSection(page).header.count(), { timeout: WAIT_MS, message: 'the section goes with the comment' }).toBe(0);
    });
  });

  it('dark theme: the tree, the dialog and the menus stay readable', async () => {
    const { page } = app();
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await selectPacket(page, 5);
      await page.getByTestId('edit-comment').click();
      await page.getByTestId('comment-text').fill('seen in the dark');
      await page.getByTestId('comment-ok').click();
      await page.getByTestId('comment-dialog').waitFor({ state: 'detached' });
      await expectCommentShown(page, 'seen in the dark');
      await app().shot('j-dark-tree');
      // The page follows the system theme: the background is dark, the tree's text light.
      const colours = await page.evaluate(() => {
        const tree = document.querySelector('[data-testid="detail-tree"] [data-testid="tree-item"] .label');
        return { bg: getComputedStyle(document.body).backgroundColor, fg: tree ? getComputedStyle(tree).color : '' };
      });
      const lum = (c: string): number => {
        const [r, g, b] = (c.match(/\d+/g) ?? ['0', '0', '0']).map(Number) as [number, number, number];
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      expect(lum(colours.bg), `dark background, got ${colours.bg}`).toBeLessThan(60);
      expect(lum(colours.fg) - lum(colours.bg), `light text on it, got ${colours.fg}`).toBeGreaterThan(120);
      await page.getByTestId('save-menu').click();
      await page.getByTestId('export-displayed').waitFor({ state: 'visible' });
      await app().shot('j-dark-save-menu');
      await page.keyboard.press('Escape');
      await page.getByTestId('export-displayed').waitFor({ state: 'hidden' });
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });
});
