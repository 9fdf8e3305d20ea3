/**
 * Packet 23 of the reference capture is a masked client WebSocket text frame whose
 * unmasked payload is {"type":"say",...,"content":"hi, all !"} (tshark -V shows it under
 * WebSocket > Payload > Text). Selecting it, expanding the WebSocket layer, clicking the
 * text item must highlight exactly that item's bytes on the "Unmasked data" tab; clicking
 * a frame byte must select the field that covers it.
 */
import { describe, expect, it } from 'vitest';
import { walk } from '../../shared/dissect/tree.js';
import { dissectFile } from '../support/dissect-file.js';
import { CHAT_CAPTURE, expandUntil, expectStatus, scenario, selectPacket, treeItems, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);

/** What the engine says about packet 23's text item and its byte sources. */
function engineFacts(): { sourceName: string; length: number; srcportOffset: number } {
  const p = dissectFile(CHAT_CAPTURE).packets[22]!;
  const nodes = [...walk(p.tree ?? [])];
  const text = nodes.find((n) => n.def.abbrev === 'websocket.payload.text')!;
  const srcport = nodes.find((n) => n.def.abbrev === 'tcp.srcport')!;
  return { sourceName: p.sources[text.source]!.name, length: text.length, srcportOffset: srcport.offset };
}

describe.skipIf(skip !== undefined)('detail tree and hex pane', () => {
  const app = useApp();
  const facts = engineFacts();

  it('packet 23: the unmasked text in the tree, its bytes highlighted on the right tab', async () => {
    const { page } = app();
    expect(facts).toEqual({ sourceName: 'Unmasked data', length: 86, srcportOffset: 40 });
    await scenario(app(), 'b-detail-hex', async () => {
      await app().openFile(CHAT_CAPTURE);
      await expectStatus(page, 'status-packets', 37);
      await selectPacket(page, 23);
      await expect.poll(() => treeItems(page).count(), { timeout: WAIT_MS, message: 'detail-tree items for packet 23' }).toBeGreaterThan(3);

      const item = await expandUntil(page, 'hi, all !', (field, label) => field.startsWith('websocket') || /^(WebSocket|Payload)/.test(label));
      expect(await item.textContent()).toContain('{"type":"say"');
      await item.click();
      await expect.poll(() => item.getAttribute('aria-selected'), { timeout: WAIT_MS }).toBe('true');

      const selectedTab = page.locator('[data-testid="hex-tab"][aria-selected="true"]');
      await expect.poll(() => selectedTab.textContent(), { timeout: WAIT_MS, message: 'the hex tab shown for the text item' }).toContain(facts.sourceName);
      const lit = page.locator('[data-testid="hex-pane"] [data-testid="hex-byte"][data-highlight="true"]');
      await expect.poll(() => lit.count(), { timeout: WAIT_MS, message: 'highlighted hex-byte count = the item length' }).toBe(facts.length);
      // The highlighted range is the whole unmasked payload: it starts with '{' (0x7b).
      expect((await lit.first().textContent())?.trim().toLowerCase()).toBe('7b');
    });
  });

  it('clicking a frame byte selects the field that covers it (tcp.srcport)', async () => {
    const { page } = app();
    await scenario(app(), 'b-byte-click', async () => {
      await page.locator('[data-testid="hex-tab"]', { hasText: 'Frame' }).click();
      await expect
        .poll(() => page.locator('[data-testid="hex-tab"][aria-selected="true"]').textContent(), { timeout: WAIT_MS })
        .toContain('Frame');
      const byte = page.locator(`[data-testid="hex-pane"] [data-testid="hex-byte"][data-offset="${facts.srcportOffset}"]`);
      expect((await byte.first().textContent())?.trim().toLowerCase(), 'frame byte 40 is the source port high byte (59798 = 0xe996)').toBe('e9');
      await byte.first().click();
      const selected = page.locator('[data-testid="detail-tree"] [data-testid="tree-item"][aria-selected="true"]');
      await expect.poll(() => selected.getAttribute('data-field'), { timeout: WAIT_MS, message: 'tree item selected by clicking byte 40' }).toBe('tcp.srcport');
      expect(await selected.textContent()).toContain('59798');
      const lit = page.locator('[data-testid="hex-pane"] [data-testid="hex-byte"][data-highlight="true"]');
      await expect.poll(() => lit.count(), { timeout: WAIT_MS, message: 'tcp.srcport highlights its 2 bytes' }).toBe(2);
    });
  });
});
