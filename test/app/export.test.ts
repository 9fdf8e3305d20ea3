/**
 * Exports reachable from the window itself (no Electron menu in a browser):
 * - Export Displayed Packets, from the arrow beside Save: with the display filter
 *   `websocket` (13 frames: tshark -n -r workerman-chat-7272.pcap -Y websocket), the
 *   file written to the fake Save dialog's path holds exactly those 13 packets, byte for
 *   byte, in order (read back with Paquet's capture reader; tshark agrees when present).
 *   The window stays on its source file.
 * - The WebSocket view's Export JSON Lines: one JSON object per message, the client's
 *   say message with "hi, all !" among them, parsed under `json` and framed by packet 23.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../main/capture-file/index.js';
import { CHAT_CAPTURE, expectStatus, scenario, selectPacket, TMP, useApp, whyBrowserSkipped, WAIT_MS } from './harness.js';

const skip = whyBrowserSkipped();
if (skip) console.log(`browser tests skipped: ${skip}`);
const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasTshark) console.log('tshark check of the exported file skipped: tshark is not installed');

const dir = mkdtempSync(join(TMP, 'app-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXPORTED = join(dir, 'websocket-only.pcapng');
const JSONL = join(dir, 'conversation.jsonl');

async function packetBytes(path: string): Promise<Buffer[]> {
  const reader = await openCaptureFile(path);
  try {
    const out: Buffer[] = [];
    for await (const rec of reader.records()) out.push(Buffer.from(rec.data));
    return out;
  } finally {
    await reader.close();
  }
}

describe.skipIf(skip !== undefined)('exports from the toolbar and the WebSocket view', () => {
  const app = useApp();
  let shownNums: number[] = [];

  it('Export Displayed Packets writes the 13 WebSocket frames the filter shows', async () => {
    const { page, dialogs } = app();
    await scenario(app(), 'k-export-displayed', async () => {
      await app().openFile(CHAT_CAPTURE);
      await expectStatus(page, 'status-packets', 37);
      const input = page.getByTestId('display-filter');
      await input.fill('websocket');
      await input.press('Enter');
      await expectStatus(page, 'status-displayed', 13);
      const rows = page.getByTestId('packet-row');
      await expect.poll(() => rows.count(), { timeout: WAIT_MS, message: 'all 13 rows rendered' }).toBe(13);
      shownNums = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-num'))))).sort((a, b) => a - b);

      dialogs.savePaths.push(EXPORTED);
      await page.getByTestId('save-menu').click();
      await page.getByTestId('export-displayed').click();
      await expect
        .poll(() => existsSync(EXPORTED), { timeout: WAIT_MS, message: `export-displayed should write ${EXPORTED} (dialog calls: ${dialogs.calls.join(', ')})` })
        .toBe(true);
      expect(dialogs.calls.at(-1), 'the Save dialog proposes a name for the displayed packets').toMatch(/^saveCapture\(.*displayed.*\.pcapng\)$/);
      // The window stays on its source: still 37 packets, 13 shown.
      await expectStatus(page, 'status-packets', 37);
      expect(await page.title()).toContain('workerman-chat-7272.pcap');
    });

    expect(shownNums).toHaveLength(13);
    expect(shownNums.slice(0, 6), 'tshark -Y websocket starts with frames 8 9 18 19 21 23').toEqual([8, 9, 18, 19, 21, 23]);
    const exported = await packetBytes(EXPORTED);
    const original = await packetBytes(CHAT_CAPTURE);
    expect(exported).toHaveLength(13);
    exported.forEach((bytes, i) => expect(bytes.equals(original[shownNums[i]! - 1]!), `exported packet ${i + 1} = frame ${shownNums[i]}`).toBe(true));
  });

  it.skipIf(!hasTshark)('tshark reads the exported file: 13 packets, all WebSocket', () => {
    const r = spawnSync('tshark', ['-n', '-r', EXPORTED, '-T', 'fields', '-e', 'frame.protocols'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(13);
    // Out of their TCP streams' handshakes tshark can't call them WebSocket; each is TCP with a payload.
    for (const l of lines) expect(l).toMatch(/:tcp/);
  });

  it('the WebSocket view exports its conversation as JSON Lines', async () => {
    const { page, dialogs } = app();
    await scenario(app(), 'k-export-ws', async () => {
      await selectPacket(page, 23, 5); // the 6th displayed row under the websocket filter
      await page.getByTestId('follow-ws').click();
      const view = page.getByTestId('ws-view');
      await view.waitFor({ state: 'visible' });
      await expect.poll(() => view.getByTestId('ws-message').count(), { timeout: WAIT_MS }).toBeGreaterThan(2);
      dialogs.jsonPaths.push(JSONL);
      await page.getByTestId('ws-export').click();
      await expect
        .poll(() => existsSync(JSONL), { timeout: WAIT_MS, message: `ws-export should write ${JSONL} (dialog calls: ${dialogs.calls.join(', ')})` })
        .toBe(true);
      expect(dialogs.calls.at(-1)).toMatch(/^saveJsonLines\(.*\.jsonl\)$/);
      await expect.poll(() => view.textContent(), { timeout: WAIT_MS, message: 'the view says where it saved' }).toContain('conversation.jsonl');
    });

    const text = readFileSync(JSONL, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { dir: string; text?: string; json?: { content?: string }; frames: number[] });
    expect(lines.length).toBe(await page.getByTestId('ws-message').count());
    const say = lines.filter((l) => l.dir === 'client' && l.text?.includes('hi, all !'));
    expect(say, 'one client message says "hi, all !"').toHaveLength(1);
    expect(say[0]!.json?.content).toBe('hi, all !');
    expect(say[0]!.frames).toEqual([23]);
  });
});
