/**
 * The handlers over the real decoding worker (H1's DecoderClient) and the
 * reference capture: open, rows, detail, filter, Save (a .pcap goes to a new
 * .pcapng through the dialog), reopen with the saved view, WebSocket export.
 * Needs the compiled worker (dist/main/worker/decode-worker.js: `npx tsc -p
 * tsconfig.json`, which test/run.mjs runs first); skipped with the reason otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isIpcError, type PacketDetail, type Row, type SessionState, type WsConversationSummary } from '../../shared/ipc/contract.js';
import { createHandlers } from '../../main/ipc/handlers.js';
import { APP_INFO, EventRecorder, FakeDialogs, scratch, VIEW } from './fakes.js';

const REPO = resolve(import.meta.dirname, '../..');
const CHAT = resolve(REPO, '../shared/captures/workerman-chat-7272.pcap');

function whySkipped(): string | undefined {
  if (!existsSync(join(REPO, 'main/worker/decoder-client.ts'))) return 'main/worker/decoder-client.ts does not exist yet';
  if (!existsSync(join(REPO, 'dist/main/worker/decode-worker.js'))) return 'the worker is not compiled (run npx tsc -p tsconfig.json)';
  if (!existsSync(CHAT)) return `${CHAT} is missing`;
  return undefined;
}

const skip = whySkipped();
if (skip) console.log(`session tests with the real decoder skipped: ${skip}`);

const s = scratch('paquet-h3-real-');
afterAll(() => s.cleanup());

describe.skipIf(skip !== undefined)('session over the real decoder', () => {
  it('opens, shows, filters, saves as pcapng with the view, reopens it, exports WebSocket messages', async () => {
    const dialogs = new FakeDialogs();
    const events = new EventRecorder();
    const h = createHandlers({ dialogs, emit: events.emit, stateDir: join(s.dir, 'state'), appInfo: () => APP_INFO, log: (m) => console.log(m) });
    try {
      expect(await h.handle('file.openDropped', { path: CHAT })).toEqual({ saved: true, path: CHAT });
      const loaded = await events.waitFor('session.changed', (x) => x.packets === 37 && x.progress === 1 && x.busy === null, 15_000);
      expect(loaded).toMatchObject({ source: { kind: 'file', name: 'workerman-chat-7272.pcap' }, displayed: 37, unsaved: false });

      const rows = (await h.handle('rows.get', { from: 20, count: 5 })) as Row[];
      expect(rows.map((r) => r.num)).toEqual([21, 22, 23, 24, 25]);
      const detail = (await h.handle('packet.detail', { num: 23 })) as PacketDetail;
      expect(detail.num).toBe(23);
      expect(detail.sources[0]!.bytes).toBeInstanceOf(Uint8Array);
      expect(detail.items.some((i) => i.field.startsWith('websocket'))).toBe(true);
      const missing = await h.handle('packet.detail', { num: 999 });
      expect(isIpcError(missing) && missing.error.code).toBe('not-found');

      const filtered = (await h.handle('filter.apply', { text: 'websocket' })) as SessionState;
      expect(filtered.displayFilter).toBe('websocket');
      expect(filtered.displayed).toBeGreaterThan(0);
      expect(filtered.displayed).toBeLessThan(37);
      expect(await h.handle('filter.history', undefined)).toEqual(['websocket']);
      const bad = await h.handle('filter.apply', { text: 'tcp.port ==' });
      expect(isIpcError(bad) && bad.error.code).toBe('bad-argument');

      // Save on a .pcap: never over it; the dialog proposes the .pcapng name beside it (we answer elsewhere).
      const target = join(s.dir, 'chat.pcapng');
      dialogs.saveAnswers.push(target);
      const view = { ...VIEW, displayFilter: 'websocket', sort: null };
      expect(await h.handle('file.save', { as: false, view })).toEqual({ saved: true, path: target });
      expect(dialogs.asks('saveCapture')).toEqual([CHAT.replace(/\.pcap$/, '.pcapng')]);
      expect(readFileSync(target).readUInt32LE(0)).toBe(0x0a0d0d0a);

      expect(await h.handle('file.openDropped', { path: target })).toEqual({ saved: true, path: target });
      const restored = await events.waitFor('view.restore', () => true);
      expect(restored).toMatchObject({ displayFilter: 'websocket', selected: VIEW.selected, terminalMode: VIEW.terminalMode });
      expect(((await h.handle('session.state', undefined)) as SessionState).displayFilter).toBe('websocket');

      const conversations = (await h.handle('websocket.conversations', undefined)) as WsConversationSummary[];
      expect(Array.isArray(conversations), JSON.stringify(conversations)).toBe(true);
      expect(conversations.length).toBeGreaterThan(0);
      const jsonl = join(s.dir, 'ws.jsonl');
      dialogs.jsonAnswers.push(jsonl);
      expect(await h.handle('websocket.export', { id: conversations[0]!.id })).toEqual({ saved: true, path: jsonl });
      expect(readFileSync(jsonl, 'utf8')).toContain('hi, all !');
    } finally {
      await h.dispose();
    }
  }, 30_000);
});
