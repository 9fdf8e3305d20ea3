/**
 * A real live capture through the session: paquet-dumpcap on the loopback
 * interface, the real decoding worker following its file, WebSocket chat
 * traffic on 127.0.0.1. Needs Linux, root, the built capture program and the
 * compiled worker; skipped with the reason otherwise.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureStatus, DeviceInfo, Row, SessionState, WsConversationSummary, WsMessage } from '../../shared/ipc/contract.js';
import { createHandlers } from '../../main/ipc/handlers.js';
import { captureProgram, whyLiveSkipped } from '../capture-live/support.js';
import { wsChatServer, wsConnect } from '../capture-live/traffic.js';
import { APP_INFO, EventRecorder, FakeDialogs, scratch, VIEW } from './fakes.js';

const REPO = resolve(import.meta.dirname, '../..');
const program = captureProgram();
const skip =
  whyLiveSkipped(program) ??
  (existsSync(join(REPO, 'dist/main/worker/decode-worker.js')) ? undefined : 'the worker is not compiled (run npx tsc -p tsconfig.json)');
if (skip) console.log(`live capture through the session skipped: ${skip}`);

const s = scratch('paquet-h3-live-');
afterAll(() => s.cleanup());

describe.skipIf(skip !== undefined)('live capture through the session', () => {
  it('captures WebSocket chat on lo, follows it while running, stops, saves', async () => {
    const dialogs = new FakeDialogs();
    const events = new EventRecorder();
    const h = createHandlers({ dialogs, emit: events.emit, stateDir: join(s.dir, 'state'), appInfo: () => APP_INFO, captureProgram: program!, log: (m) => console.log(m) });
    const server = await wsChatServer();
    try {
      const devices = (await h.handle('capture.devices', undefined)) as DeviceInfo[];
      expect(devices.find((d) => d.name === 'lo')).toMatchObject({ loopback: true, addresses: expect.arrayContaining(['127.0.0.1']) });
      const filter = `tcp port ${server.port}`;
      expect(await h.handle('capture.checkFilter', { interface: 'lo', filter })).toEqual({ ok: true });
      expect(await h.handle('capture.checkFilter', { interface: 'lo', filter: 'tcp port' })).toMatchObject({ ok: false });

      const started = (await h.handle('capture.start', { interface: 'lo', filter })) as CaptureStatus;
      expect(started).toMatchObject({ state: 'running', interface: 'lo', filter });

      const a = await wsConnect(server.port);
      const b = await wsConnect(server.port);
      for (let i = 0; i < 5; i++) a.send(`{"type":"say","content":"message ${i}"}`);
      await b.received(5);
      await a.close();
      await b.close();
      // Packets show up while the capture runs (the worker follows the file).
      const during = await events.waitFor('session.changed', (x) => x.capture.state === 'running' && x.packets >= 10, 10_000);
      expect(during.source).toEqual({ kind: 'live', interface: 'lo', filter });
      expect(during.unsaved).toBe(true);

      const stopped = (await h.handle('capture.stop', undefined)) as CaptureStatus;
      expect(stopped.state).toBe('idle');
      const state = (await h.handle('session.state', undefined)) as SessionState;
      expect(state.packets).toBe(stopped.captured);
      expect(state.unsaved).toBe(true);
      const rows = (await h.handle('rows.get', { from: 0, count: 3 })) as Row[];
      expect(rows[0]).toMatchObject({ num: 1, src: '127.0.0.1', dst: '127.0.0.1' });
      const ws = (await h.handle('filter.apply', { text: 'websocket' })) as SessionState;
      expect(ws.displayed).toBeGreaterThan(0);
      expect(ws.displayed).toBeLessThan(state.packets);
      // Frames sent together may share a segment: count messages, not packets.
      const conversations = (await h.handle('websocket.conversations', undefined)) as WsConversationSummary[];
      expect(conversations).toHaveLength(2);
      const texts = new Set<string>();
      for (const c of conversations) for (const m of (await h.handle('websocket.messages', { id: c.id })) as WsMessage[]) if (m.text) texts.add(`${m.dir} ${m.text}`);
      for (let i = 0; i < 5; i++) {
        expect(texts).toContain(`client {"type":"say","content":"message ${i}"}`);
        expect(texts).toContain(`server {"type":"say","content":"message ${i}"}`);
      }

      const target = join(s.dir, 'live.pcapng');
      dialogs.saveAnswers.push(target);
      expect(await h.handle('file.save', { as: false, view: VIEW })).toEqual({ saved: true, path: target });
      expect(dialogs.asks('saveCapture')[0]).toMatch(/^paquet-lo-\d{8}-\d{6}\.pcapng$/);
      expect(await h.handle('session.state', undefined)).toMatchObject({ unsaved: false, source: { kind: 'file', path: target } });
      expect(await h.handle('file.confirmDiscard', undefined)).toBe(true);
      expect(dialogs.asks('confirmDiscard')).toEqual([]);
    } finally {
      await h.dispose();
      await server.close();
    }
  }, 30_000);
});
