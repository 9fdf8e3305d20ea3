/**
 * Follow views from a selected packet (23: client text frame on TCP stream 0, 59798 → 7272).
 * The WebSocket conversation has client and server messages, one with "hi, all !"; the TCP
 * stream starts with the HTTP Upgrade request (tshark -qz follow,tcp,ascii,0):
 *   GET / HTTP/1.1 ... Upgrade: websocket ...
 */
import { describe, expect, it } from 'vitest';
import { CHAT_CAPTURE, expectStatus, scenario, selectPacket, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)('follow views', () => {
  const app = useApp();

  it('follow-ws: client and server messages, the text "hi, all !"', async () => {
    const { page } = app();
    await scenario(app(), 'd-follow-ws', async () => {
      await app().fresh();
      await app().openFile(CHAT_CAPTURE);
      await expectStatus(page, 'status-packets', 37);
      await selectPacket(page, 23);
      await page.getByTestId('follow-ws').click();
      const view = page.getByTestId('ws-view');
      await view.waitFor({ state: 'visible' });
      const messages = view.getByTestId('ws-message');
      await expect.poll(() => messages.count(), { timeout: WAIT_MS, message: 'ws-message count' }).toBeGreaterThan(2);
      expect(await view.locator('[data-testid="ws-message"][data-dir="client"]').count(), 'client messages').toBeGreaterThan(0);
      expect(await view.locator('[data-testid="ws-message"][data-dir="server"]').count(), 'server messages').toBeGreaterThan(0);
      const hi = view.getByTestId('ws-message-text').filter({ hasText: 'hi, all !' });
      await expect.poll(() => hi.count(), { timeout: WAIT_MS, message: 'ws-message-text with "hi, all !"' }).toBeGreaterThan(0);
      // The client's say message (packet 23) is in this conversation.
      const clientSay = view.locator('[data-testid="ws-message"][data-dir="client"]').filter({ hasText: 'hi, all !' });
      expect(await clientSay.count(), 'the client message carrying "hi, all !"').toBe(1);
    });
  });

  it('follow-tcp: the stream shows the HTTP Upgrade request', async () => {
    const { page } = app();
    await scenario(app(), 'e-follow-tcp', async () => {
      await app().fresh();
      await app().openFile(CHAT_CAPTURE);
      await expectStatus(page, 'status-packets', 37);
      await selectPacket(page, 23);
      await page.getByTestId('follow-tcp').click();
      const view = page.getByTestId('follow-tcp-view');
      await view.waitFor({ state: 'visible' });
      await expect.poll(() => view.textContent(), { timeout: WAIT_MS, message: 'follow-tcp-view text' }).toContain('GET / HTTP/1.1');
      const text = (await view.textContent()) ?? '';
      expect(text).toContain('Upgrade: websocket');
      expect(text).toContain('HTTP/1.1 101 Switching Protocols');
      expect(text, 'the client endpoint').toContain('59798');
    });
  });
});
