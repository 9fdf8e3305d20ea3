/**
 * The terminal pane prints what `paquet read FILE -T tcpdump` prints (tcpdump's text):
 * packet 1 of the reference capture is
 *   12:45:01.783204 lo    In  IP 127.0.0.1.59798 > 127.0.0.1.7272: Flags [S], seq 1108827031, win 65495, ...
 * and in WebSocket mode (`-T tcpdump --websocket`) packet 23 is followed by
 *   WebSocket Text [FIN] client→server: {"type":"say",...,"content":"hi, all !"}
 * The text is read from xterm's DOM rows (its default renderer), scrolling with the wheel.
 */
import { describe, expect, it } from 'vitest';
import { CHAT_CAPTURE, expectStatus, findInTerminal, openTerminal, scenario, useApp, whyBrowserSkipped } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);

const PACKET_1 = 'IP 127.0.0.1.59798 > 127.0.0.1.7272: Flags [S], seq 1108827031, win 65495';

describe.skipIf(skip !== undefined)('terminal pane', () => {
  const app = useApp();

  it('shows tcpdump lines; websocket mode shows the unmasked "hi, all !"', async () => {
    const { page } = app();
    await scenario(app(), 'g-terminal', async () => {
      await app().openFile(CHAT_CAPTURE);
      await expectStatus(page, 'status-packets', 37);
      await openTerminal(page);
      const mode = page.getByTestId('terminal-mode');
      expect(await mode.evaluate((s) => Array.from((s as HTMLSelectElement).options, (o) => o.value).sort())).toEqual(['A', 'X', 'websocket']);
      await mode.selectOption('A');
      const text = await findInTerminal(page, PACKET_1);
      expect(text, 'the Linux cooked header: interface and direction').toMatch(/lo +In +IP 127\.0\.0\.1\.59798 > 127\.0\.0\.1\.7272: Flags \[S\]/);
      await app().shot('g-terminal-A');
      await mode.selectOption('websocket');
      await findInTerminal(page, 'client→server: {"type":"say"');
      await findInTerminal(page, 'hi, all !');
    });
  });
});
