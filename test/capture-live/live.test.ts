/**
 * Live capture on loopback, checked against tcpdump capturing the same traffic
 * at the same time. Needs root (CI) and a built paquet-dumpcap; skipped, with
 * the reason printed, otherwise. All traffic is on 127.0.0.1 with ports the
 * kernel picks, and every load loop is bounded.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PcapngFollower } from '../../main/capture/follow.js';
import { startCapture, type CaptureSession } from '../../main/capture/supervisor.js';
import type { CaptureCounts } from '../../main/capture/events.js';
import { captureProgram, delay, hasTshark, readBack, startTcpdump, whyLiveSkipped, type ReadBack } from './support.js';
import { echoExchange, echoServer, httpGet, httpServer, udpBurst, udpPaced, udpSink, wsChatServer, wsConnect } from './traffic.js';

const program = captureProgram();
const skip = whyLiveSkipped(program, true);
if (skip) console.log(`live capture tests skipped: ${skip}`);

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paquet-live-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectSameCapture(mine: ReadBack, theirs: ReadBack): void {
  expect(mine.linkType).toBe(theirs.linkType);
  expect(mine.packets.length).toBe(theirs.packets.length);
  let worst = 0n;
  mine.packets.forEach((p, i) => {
    const t = theirs.packets[i]!;
    expect(p.origLen, `packet ${i + 1} length`).toBe(t.origLen);
    expect(Buffer.from(p.data).equals(Buffer.from(t.data)), `packet ${i + 1} bytes`).toBe(true);
    const d = p.tsNs > t.tsNs ? p.tsNs - t.tsNs : t.tsNs - p.tsNs;
    if (d > worst) worst = d;
  });
  expect(Number(worst), 'largest timestamp difference from tcpdump, ns').toBeLessThanOrEqual(1_000_000);
  console.log(`${mine.packets.length} packets, as tcpdump's; largest timestamp difference ${worst} ns`);
}

describe.skipIf(skip !== undefined)('live capture compared with tcpdump', () => {
  it.each([
    ['lo', false],
    ['any', false],
    ['lo', true],
  ])(
    'captures on %s (nanoseconds: %s) the same packets, bytes and times as tcpdump (TCP echo, HTTP, WebSocket chat)',
    async (iface, nano) => {
      const echo = await echoServer();
      const http = await httpServer();
      const chat = await wsChatServer();
      const filter = `tcp port ${echo.port} or tcp port ${http.port} or tcp port ${chat.port}`;
      const mineFile = join(dir, `paquet-${iface}-${nano}.pcapng`);
      const theirFile = join(dir, `tcpdump-${iface}-${nano}.pcap`);
      const tcpdump = await startTcpdump(iface, theirFile, filter, nano);
      const session = startCapture({ interface: iface, file: mineFile, filter, nano }, { program: program! });
      try {
        const started = await session.started;
        expect(started.file).toBe(mineFile);
        expect(started.precision).toBe(nano ? 'nano' : 'micro');

        expect(await echoExchange(echo.port, ['hello', `echo ${'x'.repeat(3000)}`, 'bye'])).toContain('bye');
        expect(await httpGet(http.port, '/one')).toBe('hello /one\n');
        expect(await httpGet(http.port, '/two')).toBe('hello /two\n');
        const a = await wsConnect(chat.port);
        const b = await wsConnect(chat.port);
        a.send('hello from a');
        await b.received(1);
        b.send('and hello from b');
        expect(await a.received(2)).toEqual(['hello from a', 'and hello from b']);
        expect(await b.received(2)).toEqual(['hello from a', 'and hello from b']);
        await a.close();
        await b.close();
      } finally {
        await Promise.all([echo.close(), http.close(), chat.close()]);
      }
      // tcpdump hands packets over in blocks that retire after its 1 s timeout, and a
      // SIGINT drops a block not yet retired: let the last one retire first.
      await delay(1500);
      const result = await session.stop();
      await tcpdump.stop();
      expect(result.errors).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(result.stopped?.reason).toBe('signal');

      const mine = readBack(mineFile);
      const theirs = readBack(theirFile);
      expect(mine.warnings).toBe(0);
      // 3 echo + 2 HTTP + 2 WebSocket connections: well over 30 segments.
      expect(theirs.packets.length).toBeGreaterThan(30);
      expectSameCapture(mine, theirs);
      expect(result.stopped?.counts.packets).toBe(mine.packets.length);

      // The file names the interface and the filter, and ends with the statistics block.
      const f = new PcapngFollower(mineFile);
      const recs = await f.read();
      await f.close();
      expect(recs.length).toBe(mine.packets.length);
      expect(f.interfaces[0]?.name).toBe(iface);
      expect(f.interfaces[0]?.filter).toBe(filter);
      expect(f.interfaces[0]?.tsResolution).toBe(nano ? '10^-9' : undefined);
      expect(f.stats?.delivered).toBe(BigInt(mine.packets.length));
      expect(f.stats?.received).toBeDefined();
      expect(f.incompleteBytes).toBe(0);
    },
    60_000,
  );
});

describe.skipIf(whyLiveSkipped(program) !== undefined)('capture program behaviour', () => {
  it('stops after -c N packets with exactly N in the file', async () => {
    const sink = await udpSink();
    const file = join(dir, 'count.pcapng');
    const session = startCapture({ interface: 'lo', file, filter: `udp port ${sink.port}`, stop: { packets: 25 } }, { program: program! });
    await session.started;
    let done = false;
    void session.done.then(() => (done = true));
    await udpPaced(sink.port, 5, 100, 20, 5000, () => done);
    const result = await session.done;
    await sink.close();
    expect(result.stopped?.reason).toBe('count');
    expect(readBack(file).packets.length).toBe(25);
  }, 30_000);

  it('stops after -a duration:S', async () => {
    const file = join(dir, 'duration.pcapng');
    const t0 = Date.now();
    const session = startCapture({ interface: 'lo', file, filter: 'udp port 9', stop: { seconds: 1.2 } }, { program: program! });
    const result = await session.done;
    const took = Date.now() - t0;
    expect(result.stopped?.reason).toBe('duration');
    expect(took).toBeGreaterThanOrEqual(1200);
    expect(took).toBeLessThan(6000);
    expect(readBack(file).warnings).toBe(0);
  }, 30_000);

  it('rotates files by size and keeps only the last K (-b filesize, -b files)', async () => {
    const sink = await udpSink();
    const ringDir = mkdtempSync(join(dir, 'ring-'));
    const session = startCapture(
      { interface: 'lo', file: join(ringDir, 'ring.pcapng'), filter: `udp port ${sink.port}`, ring: { fileSizeKB: 8, files: 3 } },
      { program: program! },
    );
    await session.started;
    const rotations: string[] = [];
    session.on((e) => {
      if (e.type === 'rotated') rotations.push(e.file);
    });
    await udpPaced(sink.port, 4, 500, 10, 3000, () => rotations.length >= 6);
    const result = await session.stop();
    await sink.close();
    expect(result.errors).toEqual([]);
    expect(rotations.length).toBeGreaterThanOrEqual(4);
    const left = readdirSync(ringDir).sort();
    expect(left.length).toBe(3);
    for (const name of left) expect(name).toMatch(/^ring_\d{5}_\d{14}\.pcapng$/);
    // The kept files are the last three opened, each readable on its own.
    expect(left.map((n) => join(ringDir, n))).toEqual(result.files.slice(-3));
    for (const name of left) expect(readBack(join(ringDir, name)).warnings).toBe(0);
  }, 30_000);

  it('after kill -9, the file is readable and holds every packet up to the last flush', async () => {
    const sink = await udpSink();
    const file = join(dir, 'killed.pcapng');
    const session = startCapture({ interface: 'lo', file, filter: `udp port ${sink.port}` }, { program: program! });
    await session.started;
    let flushed: CaptureCounts | undefined;
    let stats = 0;
    let killed = false;
    session.on((e) => {
      if (e.type !== 'stats' || killed) return;
      stats++;
      // The program flushes, then reports: kill it right after its second report with packets in it.
      if (e.counts.packets > 0 && stats >= 2) {
        flushed = e.counts;
        killed = true;
        process.kill(session.pid!, 'SIGKILL');
      }
    });
    await udpPaced(sink.port, 10, 200, 20, 8000, () => killed);
    const result = await session.done;
    await sink.close();
    expect(result.signal).toBe('SIGKILL');
    expect(result.stopped).toBeUndefined();
    expect(flushed).toBeDefined();

    const back = readBack(file);
    expect(back.warnings).toBe(0);
    expect(back.packets.length).toBeGreaterThanOrEqual(flushed!.packets);
    const seqs = back.packets.map((p) => Buffer.from(p.data).readUInt32BE(p.data.length - 200));
    seqs.forEach((s, i) => expect(s).toBe(seqs[0]! + i));

    const f = new PcapngFollower(file);
    expect((await f.read()).length).toBe(back.packets.length);
    expect(f.incompleteBytes).toBe(0);
    await f.close();
    if (hasTshark) {
      const t = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
      expect(t.status).toBe(0);
      expect(t.stdout.trim().split('\n').length).toBe(back.packets.length);
    }
  }, 30_000);

  it('reports kernel drops in a bounded burst and writes every packet not dropped', async () => {
    // A C sender (sendmmsg) when cc is here: loopback at full speed; else Node's dgram, slower.
    const blaster = join(dir, 'udp-blast');
    const built = spawnSync('cc', ['-O2', '-o', blaster, join(import.meta.dirname, 'udp-blast.c')]).status === 0;
    const size = 1000;
    const count = built ? 80_000 : 30_000;
    const sink = await udpSink();
    const port = sink.port;
    if (built) await sink.close(); // the C sender binds its own unread sink to the port
    const file = join(dir, 'burst.pcapng');
    // A small kernel buffer (1 MiB), so that drops are likely and their accounting is checked.
    const session = startCapture({ interface: 'lo', file, filter: `udp dst port ${port}`, bufferMiB: 1 }, { program: program! });
    await session.started;
    let sent: number;
    let seconds = 0;
    if (built) {
      const r = spawnSync(blaster, [String(port), String(count), String(size)], { encoding: 'utf8', timeout: 40_000 });
      [sent, seconds] = r.stdout.trim().split(' ').map(Number) as [number, number];
      seconds /= 1e6;
    } else {
      const t0 = Date.now();
      sent = await udpBurst(port, count, size, 15_000);
      seconds = (Date.now() - t0) / 1000;
      await sink.close();
    }
    await delay(500);
    const result = await session.stop();
    expect(result.errors).toEqual([]);
    const counts = result.stopped!.counts;
    expect(counts.dropped).toBeTypeOf('number');
    const back = readBack(file);
    expect(back.warnings).toBe(0);
    expect(back.packets.length).toBe(counts.packets);
    // Each datagram at most once, in order; the missing ones are all counted as kernel drops.
    // Ethernet (14) + IPv4 (20) + UDP (8): the sequence number starts the payload.
    const seqs = back.packets.map((p) => Buffer.from(p.data).readUInt32BE(42));
    let ordered = true;
    for (let i = 1; i < seqs.length; i++) if (!(seqs[i]! > seqs[i - 1]!)) ordered = false;
    expect(ordered).toBe(true);
    expect(sent).toBe(count);
    expect(back.packets.length).toBeLessThanOrEqual(sent);
    expect(back.packets.length + (counts.dropped ?? 0)).toBeGreaterThanOrEqual(sent);
    console.log(
      `burst: ${sent} datagrams of ${size} bytes in ${seconds.toFixed(2)} s (${Math.round(sent / seconds)}/s), ` +
        `${back.packets.length} written, ${counts.dropped} dropped by the kernel (1 MiB buffer)`,
    );
  }, 60_000);

  it('on a full disk stops with a clear message and keeps what it wrote', async () => {
    const mnt = mkdtempSync(join(dir, 'small-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status === 0;
    if (!mounted) {
      console.log('disk-full test skipped: cannot mount a small tmpfs here');
      return;
    }
    let session: CaptureSession | undefined;
    try {
      const sink = await udpSink();
      const file = join(mnt, 'full.pcapng');
      session = startCapture({ interface: 'lo', file, filter: `udp port ${sink.port}` }, { program: program! });
      await session.started;
      let done = false;
      void session.done.then(() => (done = true));
      // about 20 kB a second: some flushes fit in 64 kB, then one does not
      await udpPaced(sink.port, 2, 1000, 100, 10_000, () => done);
      const result = await session.done;
      await sink.close();
      expect(result.exitCode).toBe(1);
      expect(result.stopped?.reason).toBe('error');
      expect(result.errors[0]?.code).toBe('disk-full');
      expect(result.errors[0]?.message).toMatch(/disk is full/);
      const back = readBack(file);
      expect(back.warnings).toBe(0);
      expect(back.packets.length).toBeGreaterThan(0);
    } finally {
      if (session?.running) await session.stop(1000);
      spawnSync('umount', [mnt]);
    }
  }, 30_000);
});
