/** The recent-files and filter-history files: capped, deduplicated, shared, written whole, damage tolerated. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/ipc/handlers.js';
import { writeFileAtomic } from '../../main/session/atomic-write.js';
import { filterHistory, recentFiles } from '../../main/session/history.js';
import { APP_INFO, DecoderLog, EventRecorder, FakeDialogs, scratch } from './fakes.js';

const s = scratch('paquet-h3-lists-');
afterAll(() => s.cleanup());

describe('PersistedList', () => {
  it('keeps every concurrent change, from two lists on one file, capped and newest first', async () => {
    const dir = join(s.dir, 'concurrent');
    const one = filterHistory(dir);
    const two = filterHistory(dir);
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).add(`f${i}`)));
    const list = await one.read();
    expect(list).toEqual(Array.from({ length: 20 }, (_, i) => `f${29 - i}`));
    expect(JSON.parse(readFileSync(join(dir, 'filter-history.json'), 'utf8'))).toEqual(list);
    expect(readdirSync(dir)).toEqual(['filter-history.json']); // no temporary file left behind
  });

  it('moves a repeated entry to the front instead of duplicating it, and removes on request', async () => {
    const dir = join(s.dir, 'repeat');
    const recent = recentFiles(dir);
    await recent.add({ path: '/a.pcap', name: 'a.pcap' });
    await recent.add({ path: '/b.pcap', name: 'b.pcap' });
    expect((await recent.add({ path: '/a.pcap', name: 'a.pcap' })).map((r) => r.path)).toEqual(['/a.pcap', '/b.pcap']);
    expect((await recent.remove({ path: '/a.pcap', name: 'a.pcap' })).map((r) => r.path)).toEqual(['/b.pcap']);
  });

  it('reads only well-formed entries of a hand-edited file', async () => {
    const dir = join(s.dir, 'edited');
    await writeFileAtomic(join(dir, 'filter-history.json'), JSON.stringify(['tcp', '', 7, '   ', 'udp', 'tcp', 'x'.repeat(5000)]));
    expect(await filterHistory(dir).read()).toEqual(['tcp', 'udp']);
  });
});

describe('a state folder that cannot be written', () => {
  it('does not stop files from opening; the problem is logged', async () => {
    const blocked = join(s.dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the state folder should be');
    const logged: string[] = [];
    const log = new DecoderLog();
    const h = createHandlers({
      dialogs: new FakeDialogs(), emit: new EventRecorder().emit, stateDir: blocked, appInfo: () => APP_INFO, startDecoder: log.start,
      log: (m) => logged.push(m),
    });
    try {
      const path = s.file('c.pcapng');
      expect(await h.handle('file.openDropped', { path })).toEqual({ saved: true, path });
      expect(await h.handle('file.recent', undefined)).toEqual([]);
      expect(await h.handle('filter.apply', { text: 'tcp' })).toMatchObject({ displayFilter: 'tcp' });
      expect(logged.some((m) => m.startsWith('the recent files list could not be written'))).toBe(true);
      expect(logged.some((m) => m.startsWith('the filter history could not be written'))).toBe(true);
    } finally {
      await h.dispose();
    }
  });
});
