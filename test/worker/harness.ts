/**
 * The two ways the worker tests reach the decoder: the DecoderService in this
 * process (TypeScript sources, no build needed) and DecoderClient with the real
 * worker thread. The worker runs the compiled dist/main/worker/decode-worker.js
 * (Node 20 cannot run the TypeScript sources in a worker), so dist/ must be
 * current: test/run.mjs runs tsc before vitest; by hand, `npx tsc -p tsconfig.json` first.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecoderClient } from '../../main/worker/decoder-client.js';
import type { DecoderApi, DecoderCounts } from '../../main/worker/decoder-api.js';
import { DecoderService, type DecoderOptions } from '../../main/worker/decoder-service.js';
import { readCapture } from '../../shared/capture/index.js';
import { PcapngWriter } from '../../shared/capture/pcapng-writer.js';
import { REPO } from '../support/dissect-file.js';

export const CHAT = join(REPO, '../shared/captures/workerman-chat-7272.pcap');
export const TMP = join(REPO, 'test', 'tmp', 'worker');

export interface TestDecoder extends DecoderApi {
  readonly kind: 'in-process' | 'worker';
  /** The service itself, in process. */
  readonly service?: DecoderService;
}

export function inProcessDecoder(options: DecoderOptions = {}): TestDecoder {
  const listeners: ((c: DecoderCounts) => void)[] = [];
  const s = new DecoderService((c) => { for (const l of listeners) l(c); }, options);
  return {
    kind: 'in-process',
    service: s,
    open: async (path, options) => s.open(path, options),
    stopFollowing: async () => s.stopFollowing(),
    close: async () => s.close(),
    counts: async () => s.counts(),
    onCounts: (l) => { listeners.push(l); },
    rows: async (from, count) => s.rows(from, count),
    indexOf: async (num) => s.indexOf(num),
    sort: async (order) => s.sort(order),
    find: async (q) => s.find(q),
    checkFilter: async (t) => s.checkFilter(t),
    applyFilter: async (t) => s.applyFilter(t),
    detail: async (num) => s.detail(num),
    setComment: async (num, c) => s.setComment(num, c),
    tcpdump: async (from, count, mode) => s.tcpdump(from, count, mode),
    followTcp: async (stream) => s.followTcp(stream),
    wsConversations: async () => s.wsConversations(),
    wsMessages: async (id) => s.wsMessages(id),
    wsExport: async (id) => s.wsExport(id),
    save: async (path, options) => s.save(path, options),
    terminate: async () => { await s.close(); s.dispose(); },
  };
}

/** Compiled files older than their sources (in `dirs`) would test old code: say so instead. */
export function staleBuild(dirs: readonly string[] = ['main/worker', 'shared/view']): string | null {
  const pairs: [string, string][] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(join(REPO, dir))) {
      if (name.endsWith('.ts')) pairs.push([join(REPO, dir, name), join(REPO, 'dist', dir, name.replace(/\.ts$/, '.js'))]);
    }
  }
  for (const [src, out] of pairs) {
    if (!existsSync(out)) return `${out} is missing`;
    if (statSync(out).mtimeMs < statSync(src).mtimeMs) return `${out} is older than its source`;
  }
  return null;
}

export function workerDecoder(): TestDecoder {
  const stale = staleBuild();
  if (stale) throw new Error(`dist/ is not current (${stale}): run \`npx tsc -p tsconfig.json\` before these tests`);
  const c = DecoderClient.start();
  return Object.assign(c, { kind: 'worker' as const });
}

/** Wait (bounded) until nothing is being indexed or filtered. */
export async function settled(d: DecoderApi, what: (c: DecoderCounts) => boolean = () => true): Promise<DecoderCounts> {
  let c = await d.counts();
  for (let i = 0; i < 400 && (c.busy !== null || !what(c)); i++) {
    await new Promise((r) => setTimeout(r, 25));
    c = await d.counts();
  }
  if (c.busy !== null || !what(c)) throw new Error(`the decoder did not settle: ${JSON.stringify(c)}`);
  return c;
}

/** The numbers of the displayed packets, once nothing is being indexed or filtered. */
export async function displayed(d: DecoderApi): Promise<number[]> {
  const c = await settled(d);
  const nums: number[] = [];
  for (let from = 0; from < c.displayed; from += 2000) nums.push(...(await d.rows(from, 2000)).map((r) => r.num));
  return nums;
}

/**
 * A capture of `copies` × the chat's 37 packets (each copy 10 s after the previous, its clients on
 * other ports so every copy is a conversation of its own), big enough that indexing and filtering
 * take several slices. The chat is Linux cooked v2 (a 20-byte header) over IPv4.
 */
export function writeBigCapture(path: string, copies: number): number {
  const file = readCapture(new Uint8Array(readFileSync(CHAT)));
  const records = [...file.records()].map((r) => ({ ...r, data: r.data.slice() }));
  const writer = new PcapngWriter({ userAppl: 'Paquet tests' });
  const parts: Uint8Array[] = [writer.start(file.interfaces)];
  for (let c = 0; c < copies; c++) {
    for (const r of records) {
      const data = r.data.slice();
      const v = new DataView(data.buffer);
      const tcp = 20 + (data[20]! & 0x0f) * 4;
      for (const at of [tcp, tcp + 2]) {
        const port = v.getUint16(at);
        // Kept among ephemeral ports, clear of the well-known ones other dissectors claim.
        if (port !== 7272) v.setUint16(at, 32768 + ((port - 32768 + c * 17) % 28000));
      }
      parts.push(writer.packet({ ...r, data, tsSec: r.tsSec + c * 10 }));
    }
  }
  writeFileSync(path, Buffer.concat(parts));
  return copies * records.length;
}
