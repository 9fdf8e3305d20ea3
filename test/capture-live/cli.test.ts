/**
 * `paquet capture` and the supervisor's helpers: listing, filter validation,
 * live printing, and the clear messages (with a non-zero exit) for an unknown
 * interface, a filter that does not compile, a path that cannot be written and
 * a missing permission. Live parts need root and a built paquet-dumpcap.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCaptureArgs, runCapture } from '../../main/cli/capture.js';
import { captureArgs } from '../../main/capture/options.js';
import { parseEventLine } from '../../main/capture/events.js';
import { listDevices, validateFilter } from '../../main/capture/supervisor.js';
import { captureProgram, Collect, delay, readBack, whyLiveSkipped } from './support.js';
import { udpPaced, udpSink } from './traffic.js';

const program = captureProgram();
const skip = whyLiveSkipped(program);
if (skip) console.log(`live capture CLI tests skipped: ${skip}`);

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paquet-cli-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function cli(argv: string[], signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Collect();
  const stderr = new Collect();
  const code = await runCapture(argv, { stdout, stderr, program: program!, ...(signal ? { signal } : {}) });
  return { code, out: stdout.text, err: stderr.text };
}

describe('capture arguments (no capture)', () => {
  it('reads dumpcap-style flags into options', () => {
    const a = parseCaptureArgs(['-i', 'lo', '-s', '128', '-p', '-c10', '-a', 'duration:2.5', '-a', 'filesize:100',
      '-b', 'filesize:50', '-b', 'files:4', '-w', 'x.pcapng', 'tcp', 'port', '80']);
    expect(a.iface).toBe('lo');
    expect(a.file).toBe('x.pcapng');
    expect(a.options).toEqual({
      snapLen: 128, promiscuous: false, filter: 'tcp port 80', bufferMiB: 16,
      stop: { packets: 10, seconds: 2.5, fileSizeKB: 100 }, ring: { fileSizeKB: 50, files: 4 },
    });
    expect(parseCaptureArgs(['-B', '4']).options.bufferMiB).toBe(4);
    expect(captureArgs({ ...a.options, interface: 'lo', file: 'x.pcapng' })).toEqual([
      '-i', 'lo', '-w', 'x.pcapng', '-f', 'tcp port 80', '-s', '128', '-p', '-B', '16', '-c', '10',
      '-a', 'duration:2.5', '-a', 'filesize:100', '-b', 'filesize:50', '-b', 'files:4',
    ]);
  });

  it('refuses a ring buffer without -w, and bad values, with exit status 1', async () => {
    for (const argv of [['-i', 'lo', '-b', 'filesize:10'], ['-c', 'many'], ['-a', 'files:3'], ['--bogus']]) {
      const r = await runCapture(argv, { stdout: new Collect(), stderr: new Collect() });
      expect(r, argv.join(' ')).toBe(1);
    }
  });

  it('turns control-pipe lines into typed events', () => {
    expect(parseEventLine('{"event":"stats","packets":3,"bytes":180,"file_bytes":500,"ps_recv":6,"ps_drop":1,"ps_ifdrop":0}')).toEqual({
      type: 'stats', counts: { packets: 3, bytes: 180, fileBytes: 500, received: 6, dropped: 1, ifDropped: 0 },
    });
    expect(parseEventLine('{"event":"error","code":"bad-filter","message":"m"}')).toEqual({ type: 'error', code: 'bad-filter', message: 'm' });
    expect(parseEventLine('not json')).toBeUndefined();
  });
});

describe.skipIf(skip !== undefined)('paquet capture (live)', () => {
  it('lists devices, loopback and any included, as tshark -D does', async () => {
    const devices = await listDevices({ program: program! });
    expect(devices.find((d) => d.name === 'lo')?.loopback).toBe(true);
    expect(devices.find((d) => d.name === 'lo')?.addresses).toContain('127.0.0.1');
    expect(devices.some((d) => d.name === 'any')).toBe(true);
    const r = await cli(['-D']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+\. lo \(Loopback\)$/m);
  });

  it('validates a filter without capturing, with libpcap\'s error text', async () => {
    expect(await validateFilter('tcp port 80', { interface: 'lo', program: program! })).toEqual({ ok: true, linkType: 1 });
    const bad = await validateFilter('tcp port', { program: program! });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/syntax error/);
  });

  it('prints one summary line per packet and tcpdump\'s closing lines', async () => {
    const sink = await udpSink();
    const run = cli(['-i', 'lo', '-c', '6', `udp port ${sink.port}`]);
    await delay(500);
    await udpPaced(sink.port, 1, 40, 50, 3000);
    const r = await run;
    await sink.close();
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^ +${i + 1} +\\d+\\.\\d{6} .*\\b82\\b`)));
    expect(r.err).toMatch(/^Capturing on 'lo'$/m);
    expect(r.err).toMatch(/^6 packets captured$/m);
    expect(r.err).toMatch(/^\d+ packets received by filter$/m);
    expect(r.err).toMatch(/^0 packets dropped by kernel$/m);
  }, 30_000);

  it('writes pcapng with -w and stops cleanly when told to', async () => {
    const sink = await udpSink();
    const file = join(dir, 'cli.pcapng');
    const ac = new AbortController();
    const run = cli(['-i', 'lo', '-w', file, '-f', `udp port ${sink.port}`], ac.signal);
    await delay(500);
    await udpPaced(sink.port, 2, 40, 50, 600);
    await delay(200);
    ac.abort();
    const r = await run;
    await sink.close();
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const n = readBack(file).packets.length;
    expect(n).toBeGreaterThan(0);
    expect(r.err).toContain(`${n} packets captured\n`);
  }, 30_000);

  it('an unknown interface: a clear message and exit status 2', async () => {
    const r = await cli(['-i', 'nosuchif0', '-w', join(dir, 'x.pcapng')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no interface named 'nosuchif0'.*-D lists/);
  });

  it('a filter that does not compile: libpcap\'s text and exit status 2', async () => {
    const r = await cli(['-i', 'lo', '-f', 'tcp port', '-w', join(dir, 'y.pcapng')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/capture filter does not compile: .*syntax error/);
  });

  it('a path that cannot be written: the path, the reason and exit status 2', async () => {
    const r = await cli(['-i', 'lo', '-w', join(dir, 'missing-dir', 'z.pcapng')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write the capture file .*missing-dir\/z\.pcapng: No such file or directory/);
  });

  it('no permission: says exactly which setcap command to run', () => {
    // The program run as nobody, as a user without capabilities would run it.
    const r = spawnSync(program!, ['-i', 'lo', '-w', join(tmpdir(), `paquet-nobody-${process.pid}.pcapng`)], {
      uid: 65534, gid: 65534, encoding: 'utf8',
    });
    if (r.error) {
      console.log(`permission test skipped: cannot run the program as nobody (${r.error.message})`);
      return;
    }
    expect(r.status).toBe(1);
    const e = parseEventLine(r.stdout.trim().split('\n')[0]!);
    expect(e?.type).toBe('error');
    if (e?.type !== 'error') return;
    expect(e.code).toBe('permission');
    expect(e.fix).toBe(`sudo setcap cap_net_raw,cap_net_admin=eip ${program}`);
    expect(e.message).toContain(e.fix);
    expect(existsSync(join(tmpdir(), `paquet-nobody-${process.pid}.pcapng`))).toBe(false);
  });
});
