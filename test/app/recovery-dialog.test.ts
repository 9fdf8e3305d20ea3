/**
 * The recovery offer at start, with main's answers to file.recoverable, file.recover and
 * file.discardRecoverable played by the test (Playwright routes the page's WebSocket to
 * the real bridge and answers those three itself): the dialog lists both captures with
 * their interface, start time and size; Delete asks main and drops the line; Open asks
 * main and closes the dialog. A main that refuses file.recoverable (an IpcError) shows
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);

const CAPTURES = [
  { path: '/state/captures/a/capture.pcapng', startedMs: Date.UTC(2026, 10, 24, 9, 5), bytes: 1536, interface: 'eth0' },
  { path: '/state/captures/b/capture.pcapng', startedMs: Date.UTC(2026, 10, 24, 10, 30), bytes: 3 * 1024 * 1024, interface: null },
];

/** Route the page's /ipc WebSocket through the test; `answer` replies to some requests itself. */
async function intercept(page: Page, answer: (name: string, args: unknown) => unknown, asked: string[]): Promise<void> {
  await page.routeWebSocket(/\/ipc/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const m = JSON.parse(String(message)) as { id: number; name: string; args: unknown };
      const reply = answer(m.name, m.args);
      if (reply === undefined) {
        server.send(message);
        return;
      }
      asked.push(`${m.name} ${JSON.stringify(m.args ?? null)}`);
      ws.send(JSON.stringify({ id: m.id, reply }));
    });
  });
}

describe.skipIf(skip !== undefined)('recovery offer at start', () => {
  const app = useApp();

  it('lists the captures; Delete and Open ask main', async () => {
    const { page } = app();
    const asked: string[] = [];
    await intercept(
      page,
      (name, args) => {
        if (name === 'file.recoverable') return CAPTURES;
        if (name === 'file.discardRecoverable') return true;
        if (name === 'file.recover') return { saved: true, path: (args as { path: string }).path };
        return undefined;
      },
      asked,
    );
    await app().fresh();
    const dialog = page.getByTestId('recovery-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toContain('Paquet found 2 unsaved captures from an earlier session');
    const items = page.getByTestId('recovery-item');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).textContent()).toContain('Capture on eth0');
    expect(await items.nth(0).textContent()).toContain('1.5 KiB');
    expect(await items.nth(1).textContent()).toContain('interface unknown');
    expect(await items.nth(1).textContent()).toContain('3.0 MiB');
    await app().shot('l-recovery');

    const del = items.nth(1).getByTestId('recovery-delete');
    await del.click();
    expect(await del.textContent(), 'Delete asks once more').toContain('Delete for good');
    await app().shot('l-recovery-confirm');
    expect(asked).toEqual(['file.recoverable null']);
    await del.click();
    await expect.poll(() => items.count(), { timeout: WAIT_MS }).toBe(1);
    expect(await dialog.textContent()).toContain('an unsaved capture');
    await items.nth(0).getByTestId('recovery-open').click();
    await dialog.waitFor({ state: 'detached' });
    expect(asked).toEqual([
      'file.recoverable null',
      `file.discardRecoverable {"path":"${CAPTURES[1]!.path}"}`,
      `file.recover {"path":"${CAPTURES[0]!.path}"}`,
    ]);
    await page.unrouteAll();
  });

  it('shows nothing when main refuses file.recoverable', async () => {
    const { page } = app();
    const asked: string[] = [];
    await intercept(page, (name) => (name === 'file.recoverable' ? { error: { code: 'bad-argument', message: 'unknown request file.recoverable' } } : undefined), asked);
    await app().fresh();
    await expect.poll(() => asked.length, { timeout: WAIT_MS }).toBe(1);
    await page.waitForTimeout(200);
    expect(await page.getByTestId('recovery-dialog').count()).toBe(0);
    expect(await page.getByTestId('alert-dialog').count(), 'no alert either').toBe(0);
    await page.unrouteAll();
  });
});
