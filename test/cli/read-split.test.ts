/**
 * `paquet read` split over two threads (main/cli/read-split.ts): over every
 * shared capture, the output, messages and exit status are those of one thread,
 * byte for byte, whether the split runs to the end or stops at a packet that
 * cannot be split (then one thread goes on from there); the conversation split
 * sends both directions of a conversation to one thread, conversations in turn,
 * and knows every ethertype and IP protocol Paquet dissects.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  conversationKey, ConversationParts, ETHERTYPES_KNOWN, IP_PROTOCOLS_KNOWN, UNSPLITTABLE,
} from '../../main/cli/conversation-split.js';
import { BufferedOutput } from '../../main/cli/output.js';
import { runRead } from '../../main/cli/read.js';
import { readSplit, WHOLE_FILE_FIELDS, type SplitChoice } from '../../main/cli/read-split.js';
import { Dissection } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { REPO } from '../support/dissect-file.js';
import { corpusFiles, eachCorpusFrame } from '../worker/corpus.js';
import { CHAT, staleBuild } from '../worker/harness.js';
import { Collect } from '../support/collect.js';
import { valuesByField } from '../support/field-values.js';

/** The split read's thread runs the compiled script: dist/ must be current for main/cli. */
const staleCli = (): string | null => staleBuild(['main/cli']);

async function read(argv: string[], split: SplitChoice): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Collect();
  const stderr = new Collect();
  const status = await runRead(argv, stdout, stderr, split);
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/** An Ethernet frame carrying IPv4 with `proto` and the given payload (ports, ICMP type...). */
function ipv4Frame(src: number[], dst: number[], proto: number, payload: number[], flagsFrag = 0): Uint8Array {
  const eth = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
  const ip = [0x45, 0, 0, 20 + payload.length, 0, 1, flagsFrag >> 8, flagsFrag & 0xff, 64, proto, 0, 0, ...src, ...dst];
  return Uint8Array.from([...eth, ...ip, ...payload]);
}

/** An Ethernet frame carrying IPv6 from `src` (last byte) with the given extension headers, then UDP ports 1000 → 53. */
function ipv6Frame(srcLast: number, ext: { next: number; bytes: number[] }[]): Uint8Array {
  const eth = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd];
  const udp = [...port(1000), ...port(53), 0, 8, 0, 0];
  const headers = ext.flatMap((h, k) => [ext[k + 1]?.next ?? 17, ...h.bytes]);
  const addr = (last: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), last];
  const ip = [0x60, 0, 0, 0, 0, headers.length + udp.length, ext[0]?.next ?? 17, 64, ...addr(srcLast), ...addr(2)];
  return Uint8Array.from([...eth, ...ip, ...headers, ...udp]);
}

const A = [10, 0, 0, 1];
const B = [10, 0, 0, 2];
const port = (p: number): number[] => [p >> 8, p & 0xff];

describe('the conversation split', () => {
  it('keys both directions of a conversation alike, and different conversations apart', () => {
    const ab = conversationKey(ipv4Frame(A, B, 6, [...port(40000), ...port(80)]), 1);
    const ba = conversationKey(ipv4Frame(B, A, 6, [...port(80), ...port(40000)]), 1);
    const other = conversationKey(ipv4Frame(A, B, 6, [...port(40001), ...port(80)]), 1);
    const udp = conversationKey(ipv4Frame(A, B, 17, [...port(40000), ...port(80)]), 1);
    expect(ab).toBeGreaterThan(0);
    expect(ba).toBe(ab);
    expect(other).not.toBe(ab);
    expect(udp).not.toBe(ab);
    // An echo goes by address pair, either way.
    expect(conversationKey(ipv4Frame(A, B, 1, [8, 0, 0, 0]), 1)).toBe(conversationKey(ipv4Frame(B, A, 1, [0, 0, 0, 0]), 1));
  });

  it('will not split fragments, ICMP errors or tunnels; sends cut headers and other link traffic to thread 0', () => {
    expect(conversationKey(ipv4Frame(A, B, 6, [...port(1), ...port(2)], 0x2000), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(ipv4Frame(A, B, 17, [1, 2, 3, 4], 0x0010), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(ipv4Frame(A, B, 1, [3, 3, 0, 0]), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(ipv4Frame(A, B, 4, []), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(ipv4Frame(A, B, 6, [0, 80]), 1)).toBe(0);
    expect(conversationKey(ipv4Frame(A, B, 6, [1, 2, 3, 4]).subarray(0, 20), 1)).toBe(0);
    const arp = Uint8Array.from([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x06, 0, 1]);
    expect(conversationKey(arp, 1)).toBe(0);
    // A link type it does not read.
    expect(conversationKey(new Uint8Array(64), 0)).toBe(UNSPLITTABLE);
  });

  it('will not split packets whose conversation addresses are not the header\'s: source routes, routing headers, Home Address options', () => {
    // IPv4 with a loose or strict source route (its last address becomes ip.dst), and with a router alert (harmless).
    const withOptions = (options: number[]): Uint8Array => {
      const f = ipv4Frame(A, B, 17, [...port(1000), ...port(53)]);
      const out = Uint8Array.from([...f.subarray(0, 34), ...options, ...f.subarray(34)]);
      out[14] = 0x40 | ((20 + options.length) / 4);
      return out;
    };
    expect(conversationKey(withOptions([131, 7, 4, 10, 0, 0, 9, 0]), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(withOptions([137, 7, 4, 10, 0, 0, 9, 0]), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(withOptions([148, 4, 0, 0]), 1)).toBeGreaterThan(0);
    // IPv6: a destination options header with a Home Address option, a routing header; PadN only is fine.
    const hao = { next: 60, bytes: [2, 0xc9, 16, ...new Array<number>(16).fill(7), 1, 2, 0, 0] };
    const padN = { next: 60, bytes: [0, 1, 4, 0, 0, 0, 0] };
    const routing = { next: 43, bytes: [2, 2, 1, 0, 0, 0, 0, ...new Array<number>(16).fill(7)] };
    expect(conversationKey(ipv6Frame(1, [hao]), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(ipv6Frame(1, [routing]), 1)).toBe(UNSPLITTABLE);
    expect(conversationKey(ipv6Frame(1, [padN]), 1)).toBeGreaterThan(0);
    expect(conversationKey(ipv6Frame(1, [padN]), 1)).toBe(conversationKey(ipv6Frame(1, []), 1));
  });

  it('gives new conversations their part in turn, and each packet its conversation\'s', () => {
    const parts = new ConversationParts(2);
    const frames = [40000, 40001, 40002, 40003].map((p) => ipv4Frame(A, B, 6, [...port(p), ...port(80)]));
    expect(frames.map((f) => parts.of(f, 1))).toEqual([0, 1, 0, 1]);
    expect(parts.of(ipv4Frame(B, A, 6, [...port(80), ...port(40001)]), 1)).toBe(1);
    expect(parts.of(frames[2]!, 1)).toBe(0);
  });

  it('knows every ethertype and IP protocol Paquet dissects (any other is shown as data)', () => {
    const registry = defaultRegistry();
    expect(registry.keys('ethertype').filter((k) => !ETHERTYPES_KNOWN.has(k))).toEqual([]);
    expect(registry.keys('ip.proto').filter((k) => !IP_PROTOCOLS_KNOWN.has(k))).toEqual([]);
  });
});

describe('a split read', () => {
  it('reads the chat capture to its end in two threads', async () => {
    const stale = staleCli();
    if (stale) throw new Error(`dist/ is not current (${stale}): run \`npx tsc -p tsconfig.json\` first`);
    const sink = new Collect();
    const out = new BufferedOutput(sink);
    expect(await readSplit([CHAT], out)).toEqual({ kind: 'done' });
    await out.end();
    expect(sink.text).toBe((await read([CHAT], 'never')).stdout);
  });

  it('stops at the first packet it cannot split, having printed those before', async () => {
    const file = join(REPO, '../shared/corpus/http/pcapplusplus/frag_http_req.pcap');
    const sink = new Collect();
    const out = new BufferedOutput(sink);
    const end = await readSplit([file], out);
    await out.end();
    expect(end).toMatchObject({ kind: 'stopped', why: expect.stringMatching(/cannot be split/) });
    const printed = end.kind === 'stopped' ? end.printedUpTo : -1;
    const whole = (await read([file], 'never')).stdout.split('\n');
    expect(sink.text).toBe(printed === 0 ? '' : whole.slice(0, printed).join('\n') + '\n');
  });

  it('gives every field the value one thread gives, but the stream numbers', async () => {
    // The threads' dissections side by side in this process, each packet's full tree compared field by field.
    const differing = new Set<string>();
    let packets = 0;
    await eachCorpusFrame(() => {
      const whole = new Dissection(defaultRegistry(), { singlePass: true });
      const threads = [0, 1].map(() => new Dissection(defaultRegistry(), { singlePass: true }));
      const parts = new ConversationParts(2);
      return (frame) => {
        const part = parts.of(frame.data, frame.linkType);
        if (part === UNSPLITTABLE) return false;
        const one = valuesByField(whole.dissect(frame, true).tree);
        const two = valuesByField(threads[part]!.dissect(frame, true).tree);
        threads[1 - part]!.passOver(frame.num, frame.tsSec, frame.tsNsec);
        for (const name of new Set([...one.keys(), ...two.keys()])) {
          if (JSON.stringify(one.get(name)) !== JSON.stringify(two.get(name))) differing.add(name);
        }
        packets++;
      };
    });
    expect([...differing].sort()).toEqual([...WHOLE_FILE_FIELDS].sort());
    expect(packets).toBeGreaterThan(5000);
  }, 300_000);

  it('prints what one thread prints (summary, -t, -T fields, -Y), on a third of the shared captures', async () => {
    const stale = staleCli();
    if (stale) throw new Error(`dist/ is not current (${stale}): run \`npx tsc -p tsconfig.json\` first`);
    let compared = 0;
    const files = corpusFiles();
    for (const [k, file] of files.entries()) {
      // Each thread starts in ~0.1 s: a third of the files (the fields test above covers every one).
      if (k % 3 !== 0) continue;
      // The Time column's other forms, -T fields and -Y, on some files each.
      const argv = [[file], [file, '-t', 'd'], [file, '-t', 'ad'], [file, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'tcp.seq', '-e', 'http.request.uri'],
        [file, '-Y', 'tcp.len > 0 || dns', '-t', 'd'], [file, '-Y', 'http.host contains "a" || tcp.analysis.flags']][(k / 3) % 6]!;
      const one = await read(argv, 'never');
      const two = await read(argv, 'always');
      expect(two, argv.join(' ')).toEqual(one);
      compared++;
    }
    expect(compared).toBe(Math.ceil(files.length / 3));
  }, 300_000);
});
