/**
 * A burst on lo through the options the app captures with (LiveCapture, as a
 * session starts it): 20,000 datagrams sent as fast as sendmmsg goes must all
 * be written, none dropped. In libpcap's immediate mode, which the app used
 * before, the kernel ring has a 64 KiB slot per packet on lo, so 16 MiB held
 * ~250 of them and such a burst lost most of its packets; 20,000 small
 * packets (both loopback copies) fit the 16 MiB ring even if the program did
 * not run at all during the burst. Needs root, cc and paquet-dumpcap; skipped
 * with the reason otherwise. Traffic only on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveCapture } from '../../main/session/live-capture.js';
import { buildUdpBlast, freePort, sendBurst } from '../bench/live-udp-blast.mjs';
import { captureProgram, readBack, whyLiveSkipped } from './support.js';

const program = captureProgram();
const dir = mkdtempSync(join(tmpdir(), 'paquet-live-burst-'));
let blast: string | undefined;
let skip = whyLiveSkipped(program);
if (!skip) {
  try {
    blast = buildUdpBlast(dir);
  } catch (e) {
    skip = (e as Error).message;
  }
}
if (skip) console.log(`live capture burst test skipped: ${skip}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip !== undefined)('a burst captured with the app\'s options', () => {
  it('writes all 20,000 datagrams of a burst on lo, in order, with no drop', async () => {
    const count = 20_000;
    const port = await freePort();
    const died: string[] = [];
    const live = await LiveCapture.start(
      { interface: 'lo', filter: `udp dst port ${port}`, program: program!, stateDir: join(dir, 'state') },
      { changed: () => undefined, died: (_c, problem) => died.push(problem.message) },
    );
    const { sent, seconds } = (await sendBurst(blast!, port, count, 64)) as { sent: number; seconds: number };
    const result = await live.stop();
    expect(died).toEqual([]);
    expect(result.errors).toEqual([]);
    const counts = result.stopped!.counts;
    console.log(`burst with the app's options: ${sent} datagrams in ${seconds.toFixed(2)} s, ${counts.packets} written, ${counts.dropped} dropped`);
    expect(sent).toBe(count);
    expect(counts.dropped ?? 0).toBe(0);
    expect(counts.packets).toBe(count);
    const back = readBack(live.file);
    // Ethernet (14) + IPv4 (20) + UDP (8): the sender's sequence number starts the payload.
    const seqs = back.packets.map((p) => Buffer.from(p.data).readUInt32BE(42));
    expect(seqs.length).toBe(count);
    expect(seqs.every((s, i) => s === i)).toBe(true);
    await live.removeFiles();
  }, 60_000);
});
