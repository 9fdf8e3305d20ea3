/** Shared set-up for the live-capture tests: the program, root, tcpdump, reading files back. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCapture } from '../../shared/capture/index.js';
import { findCaptureProgram } from '../../main/capture/locate.js';

export const REPO = resolve(import.meta.dirname, '../..');

/** The capture program, built now if `npm install` did not build it. */
export function captureProgram(): string | undefined {
  let p = findCaptureProgram();
  if (!p && existsSync(resolve(REPO, 'main/capture/build.mjs'))) {
    spawnSync(process.execPath, [resolve(REPO, 'main/capture/build.mjs')], { stdio: 'ignore' });
    p = findCaptureProgram();
  }
  return p;
}

export const isRoot = process.getuid?.() === 0;
export const hasTcpdump = spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
export const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

export function whyLiveSkipped(program: string | undefined, needTcpdump = false): string | undefined {
  if (process.platform !== 'linux') return 'live capture tests run on Linux';
  if (!isRoot) return 'not running as root (live capture needs cap_net_raw)';
  if (!program) return 'paquet-dumpcap did not build (needs cc and libpcap-dev)';
  if (needTcpdump && !hasTcpdump) return 'tcpdump is not installed';
  return undefined;
}

export interface Packet {
  readonly tsNs: bigint;
  readonly origLen: number;
  readonly data: Uint8Array;
}

export interface ReadBack {
  readonly linkType: number;
  readonly packets: Packet[];
  readonly warnings: number;
}

/** A capture file read with Paquet's reader (shared/capture). */
export function readBack(path: string): ReadBack {
  const file = readCapture(new Uint8Array(readFileSync(path)));
  const packets: Packet[] = [];
  for (const r of file.records()) {
    packets.push({ tsNs: BigInt(r.tsSec) * 1_000_000_000n + BigInt(r.tsNsec), origLen: r.origLen, data: r.data.slice() });
  }
  return { linkType: file.interfaces[0]?.linkType ?? -1, packets, warnings: file.warnings.length };
}

export interface Tcpdump {
  /** SIGINT, then its stderr (closing lines included). */
  stop(): Promise<string>;
}

/** tcpdump capturing the same traffic, started once it says it is listening. */
export function startTcpdump(iface: string, file: string, filter: string, nano = false): Promise<Tcpdump> {
  return new Promise((resolvePromise, reject) => {
    const args = ['-i', iface, '-w', file, '-s', '262144', ...(nano ? ['--time-stamp-precision=nano'] : []), filter];
    const child = spawn('tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tcpdump did not start: ${stderr}`));
    }, 10_000);
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolvePromise({
          stop: async () => {
            child.kill('SIGINT');
            const t = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(t);
            return stderr;
          },
        });
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export { Collect } from '../support/collect.js';

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
