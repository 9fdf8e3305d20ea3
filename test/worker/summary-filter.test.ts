/**
 * Display filters answered from the packet store (main/worker/summary-filter.ts)
 * must give the full tree's answer for every packet they answer: checked over
 * every shared capture, for the golden filters of test/filter/cases.json, every
 * protocol name, and filters on the stored fields (addresses, ports, lengths,
 * frame numbers, TCP streams, HTTP messages and request methods, TCP analysis
 * flags) with values taken from the captures, and on the frame's bytes (given
 * as the worker reads them from the file). Also checked: the facts the store relies on (protocol
 * items follow frame.protocols; the stored addresses and ports are the items'
 * values; the Noted bits say which noted items the tree has), and a
 * made-up capture of HTTP's hard cases (split, pipelined, upgraded, on an odd port).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dissected } from '../../shared/dissect/engine.js';
import { HTTP_METHODS, Noted, NOTED_FIELDS } from '../../shared/dissect/noted.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { walk, type TreeNode } from '../../shared/dissect/tree.js';
import {
  compileFilter, FIELDS_ALSO_ELSEWHERE, ITEM_WHEN_LISTED, ITEMS_ONLY_WITH, protocolOf, type CompiledFilter,
} from '../../shared/filter/index.js';
import { notedOf } from '../../shared/filter/summary-facts.js';
import { PacketFlag } from '../../main/worker/packet-store.js';
import { parseIpv4, SummaryFilter } from '../../main/worker/summary-filter.js';
import { dissectFile } from '../support/dissect-file.js';
import { hardHttpCapture } from '../support/hard-http.js';
import { corpusFiles, indexCapture, type IndexedCapture } from './corpus.js';

const registry = defaultRegistry();
const captures: IndexedCapture[] = [];

beforeAll(async () => {
  for (const f of corpusFiles()) {
    const c = await indexCapture(f, registry);
    if (c) captures.push(c);
  }
}, 300_000);

afterAll(async () => {
  for (const c of captures) await c.cap.close();
});

const values = (p: Dissected, abbrev: string): unknown[] => {
  const out: unknown[] = [];
  for (const n of walk(p.tree ?? [])) if (n.def.abbrev === abbrev) out.push(n.value);
  return out.sort();
};

/** Up to `max` descriptions of what went wrong, for a readable failure. */
class Problems {
  readonly list: string[] = [];
  count = 0;
  add(text: string): void {
    if (this.count++ < 20) this.list.push(text);
  }
}

describe('what the store relies on', () => {
  it('reads the shared captures', () => {
    expect(captures.length).toBeGreaterThan(300);
    expect(captures.reduce((n, c) => n + c.full.length, 0)).toBeGreaterThan(5000);
  });

  it('stores each packet\'s frame.protocols as the full tree has it', () => {
    const differences: string[] = [];
    for (const { name, cap, full } of captures) {
      full.forEach((p, i) => {
        const stored = cap.store.stacks.values[cap.store.stackOf(i)];
        if (stored !== p.protocols) differences.push(`${name} #${i + 1}: stored ${stored}, tree ${p.protocols}`);
      });
    }
    expect(differences).toEqual([]);
  });

  it('has the items of ITEMS_ONLY_WITH protocols only where frame.protocols lists a carrier, and ITEM_WHEN_LISTED items where listed', () => {
    const problems = new Problems();
    let checked = 0;
    for (const { name, cap, full } of captures) {
      for (const p of full) {
        // The stack the store holds (from the first pass) against the items of the tree the worker would dissect.
        const stack = new Set(cap.store.stacks.values[cap.store.stackOf(p.num - 1)]!.split(':'));
        const items = new Set<string>();
        for (const n of walk(p.tree ?? [])) {
          checked++;
          const proto = n.def.type === 'protocol' ? n.def.abbrev : protocolOf(n.def.abbrev, registry);
          if (n.def.type === 'protocol') items.add(proto);
          const carriers = ITEMS_ONLY_WITH[proto];
          if (!carriers || FIELDS_ALSO_ELSEWHERE.has(n.def.abbrev)) continue;
          if (!carriers.some((c) => stack.has(c))) problems.add(`${name} #${p.num}: ${n.def.abbrev} in ${p.protocols}`);
        }
        for (const proto of ITEM_WHEN_LISTED) {
          if (stack.has(proto) && !items.has(proto)) problems.add(`${name} #${p.num}: ${proto} listed in ${p.protocols} without its item`);
        }
      }
    }
    expect(problems.list).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });

  it('keeps every Noted bit in the 16 bits of flags a packet kind holds', () => {
    expect(PacketFlag.Noted).toBeLessThan(0x10000);
    expect(notedOf(PacketFlag.Noted)).toBe(Object.values(Noted).reduce((all, bit) => all | bit, 0));
  });

  it('names in its tables only protocols the registry has', () => {
    for (const p of [...Object.keys(ITEMS_ONLY_WITH), ...ITEM_WHEN_LISTED]) expect(registry.protocols.has(p), p).toBe(true);
  });

  it('stores the addresses, ports and tcp.len the items hold when it says it knows them', () => {
    const problems = new Problems();
    let ipv4 = 0, ports = 0, tcpLens = 0;
    for (const { name, cap, full } of captures) {
      const s = cap.store;
      full.forEach((p, i) => {
        const where = `${name} #${i + 1}`;
        const check = (abbrev: string, expected: unknown[]): void => {
          const got = values(p, abbrev);
          if (JSON.stringify(got) !== JSON.stringify([...expected].sort())) problems.add(`${where}: ${abbrev} ${JSON.stringify(got)}, stored ${JSON.stringify(expected)}`);
        };
        if (s.flagsOf(i) & PacketFlag.Ipv4Known) {
          const src = parseIpv4(s.addresses.values[s.src[i]!]!);
          const dst = parseIpv4(s.addresses.values[s.dst[i]!]!);
          if (src >= 0 && dst >= 0) {
            ipv4++;
            check('ip.src', [src]);
            check('ip.dst', [dst]);
            check('ip.addr', [src, dst]);
          }
        }
        if (s.flagsOf(i) & PacketFlag.PortsKnown) {
          ports++;
          const t = p.protocols.split(':').includes('tcp') ? 'tcp' : 'udp';
          check(`${t}.srcport`, [s.srcPort(i)]);
          check(`${t}.dstport`, [s.dstPort(i)]);
          check(`${t}.port`, [s.srcPort(i), s.dstPort(i)]);
          if (t === 'tcp' && s.tcpStreamOf(i) >= 0) check('tcp.stream', [s.tcpStreamOf(i)]);
        }
        // Stored when the tree has one tcp.len item, whatever the layers around it.
        if (s.tcpLenOf(i) >= 0) {
          tcpLens++;
          check('tcp.len', [s.tcpLenOf(i)]);
        } else if (values(p, 'tcp.len').length === 1) {
          problems.add(`${where}: tcp.len ${JSON.stringify(values(p, 'tcp.len'))} not stored`);
        }
      });
    }
    expect(problems.list).toEqual([]);
    expect(ipv4).toBeGreaterThan(3000);
    expect(tcpLens).toBeGreaterThan(3000);
    expect(ports).toBeGreaterThan(3000);
  });

  it('stores the code of the one http.request.method item, 0 without one, negative for several or an unlisted method', () => {
    const problems = new Problems();
    let coded = 0, unknown = 0;
    for (const { name, cap, full } of captures) {
      full.forEach((p, i) => {
        const code = cap.store.httpMethodOf(i);
        const items = values(p, 'http.request.method');
        const listed = items.length === 1 && HTTP_METHODS.includes(items[0] as string);
        if (code > 0) coded++;
        if (code < 0) unknown++;
        const right = code > 0 ? listed && items[0] === HTTP_METHODS[code - 1] : code === 0 ? items.length === 0 : !listed && items.length > 0;
        if (!right) problems.add(`${name} #${i + 1}: http.request.method ${JSON.stringify(items)}, stored code ${code}`);
      });
    }
    expect(problems.list).toEqual([]);
    expect(coded).toBeGreaterThan(150);
    // Unlisted methods (SSDP's M-SEARCH, NOTIFY) and pipelined requests are left to the tree.
    expect(unknown).toBeGreaterThan(0);
  });

  it('stores the value of the one http.response.code item, 0 without one, negative for several', () => {
    const problems = new Problems();
    let coded = 0, other = 0;
    for (const { name, cap, full } of captures) {
      full.forEach((p, i) => {
        const code = cap.store.httpCodeOf(i);
        const items = values(p, 'http.response.code');
        if (code > 0) coded++;
        if (code > 0 && code !== 200) other++;
        const right = code > 0 ? items.length === 1 && items[0] === code : code === 0 ? items.length === 0 : items.length > 1;
        if (!right) problems.add(`${name} #${i + 1}: http.response.code ${JSON.stringify(items)}, stored ${code}`);
      });
    }
    expect(problems.list).toEqual([]);
    expect(coded).toBeGreaterThan(150);
    // Codes other than 200 are the ones the store keeps apart.
    expect(other).toBeGreaterThan(10);
  });

  it('keeps Noted bits exactly where the tree has the noted items, and Repeated where one has several', () => {
    const problems = new Problems();
    const packets = new Map<string, number>();
    for (const { name, cap, full } of captures) {
      full.forEach((p, i) => {
        const bits = notedOf(cap.store.flagsOf(i));
        let several = false;
        for (const [field, { bit, value }] of Object.entries(NOTED_FIELDS)) {
          const items = values(p, field);
          if ((items.length > 0) !== ((bits & bit) !== 0)) problems.add(`${name} #${i + 1}: ${items.length} ${field} items, noted bits ${bits}`);
          // A value bit is the value of the one item (with several, the tree answers: see Repeated).
          if (value !== undefined && items.length === 1 && items[0] !== ((bits & value) !== 0)) {
            problems.add(`${name} #${i + 1}: ${field} is ${String(items[0])}, noted bits ${bits}`);
          }
          if (items.length > 0) packets.set(field, (packets.get(field) ?? 0) + 1);
          if (items[0] === true && value !== undefined) packets.set(`${field} set`, (packets.get(`${field} set`) ?? 0) + 1);
          several ||= items.length > 1;
        }
        if (several !== ((bits & Noted.Repeated) !== 0)) problems.add(`${name} #${i + 1}: several noted items ${several}, noted bits ${bits}`);
        if (several) packets.set('several', (packets.get('several') ?? 0) + 1);
      });
    }
    expect(problems.list).toEqual([]);
    expect(packets.get('http.request')).toBeGreaterThan(150);
    expect(packets.get('http.response')).toBeGreaterThan(130);
    expect(packets.get('http')).toBeGreaterThan(packets.get('http.request')! + packets.get('http.response')! - 5);
    expect(packets.get('tcp.analysis.flags')).toBeGreaterThan(100);
    expect(packets.get('tcp.analysis.retransmission')).toBeGreaterThan(10);
    for (const flag of ['syn', 'ack', 'fin', 'reset']) {
      expect(packets.get(`tcp.flags.${flag}`)).toBeGreaterThan(3000);
      expect(packets.get(`tcp.flags.${flag} set`)).toBeGreaterThan(20);
    }
    // Pipelined messages: the shared captures have a few frames with several.
    expect(packets.get('several')).toBeGreaterThan(0);
  });
});

/** Filters to try on every capture: the golden ones, every protocol, and the stored fields. */
function commonFilters(): string[] {
  const golden = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../filter/cases.json'), 'utf8')) as { filters: string[] }[])
    .flatMap((c) => c.filters);
  const protocols = [...registry.protocols.keys()].flatMap((p) => [p, `!${p}`]);
  return [...new Set([
    ...golden, ...protocols,
    'ip.addr == 10.0.0.0/8', 'ip.addr == 127.0.0.1', 'ip.src == 192.168.0.0/16', 'ip.dst != 224.0.0.0/4', 'ip.addr ~= 127.0.0.1',
    'tcp.port == 80', 'tcp.port in {80 443 8080}', 'tcp.port != 80', 'tcp.srcport < tcp.dstport', 'udp.port == 53', 'udp.srcport > 1023',
    'udp.port in {53 67 68 5353}', 'frame.len > 1000', 'frame.len <= 60', 'frame.len in {60..100}', 'frame.number == 3',
    'frame.number in {1..5}', 'frame.number > 10 && tcp', 'tcp.stream == 0', 'tcp.stream > 2', 'tcp.stream in {1 3}',
    'count(tcp.port) == 2', 'count(ip.addr) == 2', 'len(ip.src) == 4', 'ip.src[0] == 10', 'ip.src[0:2] == 7f:00', 'ip.src == ip.dst',
    'tcp.port == 80 || udp.port == 53', 'not (tcp.port == 80)', '!(ip.addr == 127.0.0.1) && frame.len > 100', 'ip && !tcp',
    'tcp && !http', 'ip || ipv6', 'frame', 'http.request.method == "GET"', 'dns.qry.name contains "a"', 'websocket.opcode == 1 || udp',
    'tcp.len > 0', 'frame.len > 100 and tcp.port == 7272', 'ip.addr == 10.0.0.0/8 or frame.number < 3', 'string(tcp.srcport) == "80"',
    'max(tcp.srcport, tcp.dstport) > 1000', 'tcp.srcport + 1 == tcp.dstport', 'ip.src#1 == 127.0.0.1', 'frame.len > ip.len',
    ...HTTP_FILTERS, ...TCP_ANALYSIS_FILTERS, ...TCP_LEN_FILTERS, ...METHOD_FILTERS, ...CODE_FILTERS, ...FRAME_FILTERS,
  ])];
}

/** Filters on the stored HTTP request method: values, sets, presence, and what reads its text. */
const METHOD_FILTERS = [
  'http.request.method == "GET"', 'http.request.method != "GET"', 'http.request.method == "POST"', 'http.request.method in {"GET" "HEAD"}',
  'http.request.method', '!http.request.method', 'http.request.method == "GET" && tcp.port == 80', 'http.request.method contains "E"',
  'http.request.method matches "^P"', 'len(http.request.method) == 3', 'http.request.method[0] == 47', 'count(http.request.method) == 1',
  'http.request.method == "M-SEARCH"', 'upper(http.request.method) == "GET"', 'http.request.method == "GET" || http.response',
];

/** Filters on the stored HTTP response code: values, ranges, sets, presence, and what reads it otherwise. */
const CODE_FILTERS = [
  'http.response.code == 200', 'http.response.code != 200', 'http.response.code >= 400', 'http.response.code in {301 302 304}',
  'http.response.code', '!http.response.code', 'http.response.code == 101 && tcp.port == 80', 'http.response.code < 200',
  'count(http.response.code) == 1', 'len(http.response.code) == 3', 'string(http.response.code) == "404"', 'http.response.code == 200 || http.request',
  'http.response.code == 200 and http.request.method == "GET"', 'http.response.code > tcp.len',
];

/** Filters on the frame's captured bytes. */
const FRAME_FILTERS = [
  'frame contains "GET"', 'frame contains "HTTP/1.1"', 'frame contains 00:00:00', 'frame matches "(?i)host: "', 'frame[0:2] == 00:00',
  'frame[12:2] == 08:00', 'frame[-1] == 0a', 'len(frame) > 100', 'frame contains "GET" && tcp.port == 80', 'frame contains "a" || frame.len < 100',
  '!(frame contains "HTTP")', 'frame == 00', 'frame[0:4] == frame[4:4]', 'frame contains "GET" and http.request.method != "GET"',
];

/** Filters on tcp.len, alone and with other facts. */
const TCP_LEN_FILTERS = [
  'tcp.len > 0', 'tcp.len == 0', 'tcp.len >= 1000', '!(tcp.len > 0)', 'tcp.len > 0 and tcp.port == 80', 'tcp.len',
  'tcp.len > 0 || udp', 'count(tcp.len) == 1', 'len(tcp.len) == 0', 'tcp.len == frame.len - 54', 'tcp.len > 0 && tcp.flags.syn == 1',
];

/** Filters on the noted TCP analysis items, alone and with other facts. */
const TCP_ANALYSIS_FILTERS = [
  'tcp.analysis.flags', '!tcp.analysis.flags', 'tcp.analysis.retransmission', 'tcp.analysis.flags && !tcp.analysis.retransmission',
  'tcp.analysis.retransmission and tcp.port == 80', 'count(tcp.analysis.flags) == 1', 'len(tcp.analysis.retransmission) == 0',
  'tcp.analysis.flags || udp', 'http && tcp.analysis.flags',
  'tcp.flags.syn == 1', 'tcp.flags.reset == 1', 'tcp.flags.fin == 1', 'tcp.flags.ack == 0', 'tcp.flags.syn == 1 && tcp.flags.ack == 0',
  'tcp.flags.syn', '!tcp.flags.syn', 'tcp.flags.reset == 0 && tcp.port == 80', 'tcp.flags.fin || tcp.flags.reset == 1', 'tcp.flags.syn != 0',
  'count(tcp.flags.syn) == 1', 'len(tcp.flags.ack) == 2', 'tcp.flags.ack == tcp.flags.syn', 'tcp.flags.syn == true', 'tcp.flags.push == 1 && tcp.flags.ack == 1',
];

/** Filters on the noted HTTP items, alone and with other facts (counts too: a Repeated bit then needs the tree). */
const HTTP_FILTERS = [
  'http.request', 'http.response', '!http.request', 'http.request and tcp.port == 80', 'http.request or http.response',
  'http.response && !http.request', 'http.request || udp', 'not http.response and tcp', 'http.request && frame.len > 300',
  'http.response and ip.src == 127.0.0.1', 'count(http.request) == 1', 'count(http.request) > 1', 'count(http.response) == 2',
  'http.request == 1', 'len(http.response) == 0', 'http.request && http.request.method == "GET"', 'http && !http.request && !http.response',
  'http', '!http', 'http or dns', 'count(http) == 1', 'http contains "GET"', 'len(http) > 10', 'http and tcp.stream == 1',
];

/** Filters on values the capture's own packets hold, so that some packets pass. */
function captureFilters({ cap, full }: IndexedCapture): string[] {
  const s = cap.store;
  const out: string[] = [];
  for (const i of [0, Math.floor(full.length / 2), full.length - 1]) {
    if (i < 0 || i >= full.length) continue;
    out.push(`frame.len == ${s.length[i]}`, `frame.number == ${i + 1}`);
    if (s.flagsOf(i) & PacketFlag.Ipv4Known) {
      const a = s.addresses.values[s.src[i]!]!;
      out.push(`ip.src == ${a}`, `ip.addr == ${a}`, `ip.dst != ${a}`, `ip.addr == ${a}/24 && frame.len > ${s.length[i]! - 1}`);
    }
    if (s.flagsOf(i) & PacketFlag.PortsKnown) {
      out.push(`tcp.port == ${s.srcPort(i)}`, `udp.port == ${s.dstPort(i)}`, `tcp.srcport == ${s.srcPort(i)} || udp.dstport == ${s.dstPort(i)}`);
      if (s.tcpStreamOf(i) >= 0) out.push(`tcp.stream == ${s.tcpStreamOf(i)}`);
      if (s.tcpLenOf(i) >= 0) out.push(`tcp.len == ${s.tcpLenOf(i)}`, `tcp.len < ${s.tcpLenOf(i)} and tcp.stream == ${s.tcpStreamOf(i)}`);
    }
  }
  return out;
}

describe('filters answered from the store', () => {
  it('answer as the full tree does, for every packet they answer', () => {
    const problems = new Problems();
    const compiled = new Map<string, CompiledFilter>();
    const compile = (text: string): CompiledFilter | null => {
      if (!compiled.has(text)) {
        const r = compileFilter(text, registry);
        compiled.set(text, r.ok ? r.filter : null!);
      }
      return compiled.get(text) ?? null;
    };
    let answered = 0, total = 0;
    const answeredBy = new Map<string, number>();
    const common = commonFilters();
    for (const c of captures) {
      for (const text of [...common, ...captureFilters(c)]) {
        const filter = compile(text);
        if (!filter) continue;
        const summary = new SummaryFilter(c.cap.store, filter, registry);
        c.full.forEach((p, i) => {
          total++;
          // With the frame's bytes, as the worker reads them from the file for a filter on them.
          const quick = summary.test(i, p.ctx.frame);
          if (quick === undefined) return;
          answered++;
          answeredBy.set(text, (answeredBy.get(text) ?? 0) + 1);
          const expected = filter.matches(p);
          if (quick !== expected) problems.add(`${c.name} #${i + 1}: "${text}" gives ${quick} from the store, ${expected} from the tree`);
        });
      }
    }
    expect(problems.list).toEqual([]);
    // Most questions about stored fields and protocols are answered without the tree.
    expect(answered / total).toBeGreaterThan(0.6);
    for (const text of ['tcp.port == 80', 'ip.addr == 10.0.0.0/8', 'websocket', 'frame.len > 1000', 'http.request.method == "GET"', ...TCP_LEN_FILTERS]) {
      expect(answeredBy.get(text) ?? 0, text).toBeGreaterThan(3000);
    }
    // HTTP message items come from the Noted bits: every packet the store has a stack for (all but a few).
    const packets = captures.reduce((n, c) => n + c.full.length, 0);
    for (const text of ['http.request', 'http.response', '!http.request', 'http.request and tcp.port == 80', 'http.request or http.response',
      'http', '!http', 'tcp.analysis.flags', 'tcp.analysis.retransmission', 'tcp.analysis.flags && !tcp.analysis.retransmission',
      'tcp.flags.syn == 1', 'tcp.flags.reset == 1', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', 'tcp.flags.fin || tcp.flags.reset == 1']) {
      expect(answeredBy.get(text) ?? 0, text).toBeGreaterThan(0.99 * packets);
    }
    // The method from the store; the frame's value from its bytes; the value of any other protocol is its bytes: only the tree has them.
    for (const text of [...METHOD_FILTERS.filter((t) => !t.includes('M-SEARCH')), ...FRAME_FILTERS]) {
      expect(answeredBy.get(text) ?? 0, text).toBeGreaterThan(0.99 * packets);
    }
    expect(answeredBy.get('http contains "GET"') ?? 0).toBeLessThan(0.99 * packets);
    // Layers follow the tree's nesting: never answered from the store.
    expect(answeredBy.get('ip.src#1 == 127.0.0.1')).toBeUndefined();
  });

  it('answers every packet of the reference capture for summary filters, and no packet needing the tree', async () => {
    const chat = captures.find((c) => c.name.endsWith('workerman-chat-7272.pcap'))!;
    expect(chat).toBeDefined();
    const answered = (text: string): number => {
      const r = compileFilter(text, registry);
      if (!r.ok) throw new Error(r.error.message);
      const summary = new SummaryFilter(chat.cap.store, r.filter, registry);
      return chat.full.filter((_, i) => summary.test(i) !== undefined).length;
    };
    for (const text of ['tcp.port == 7272', 'ip.addr == 127.0.0.0/8', 'websocket', 'frame.len > 200', 'tcp.stream == 1 and websocket', '!udp',
      'http.request', 'http.response and tcp.stream == 1', 'count(http.request) == 1']) {
      expect(answered(text), text).toBe(chat.full.length);
    }
    // One TCP header each: its tcp.len is stored.
    for (const text of ['tcp.len > 0', 'tcp.len == 0 and tcp.port == 7272', '!(tcp.len > 0)']) expect(answered(text), text).toBe(chat.full.length);
    // Values only the tree has: the WebSocket opcode; the frame's bytes, unless given.
    expect(answered('websocket.opcode == 1')).toBeLessThan(chat.full.length);
    expect(answered('frame contains "Upgrade"')).toBe(0);
    const upgrade = compileFilter('frame contains "Upgrade"', registry);
    if (!upgrade.ok) throw new Error(upgrade.error.message);
    const withBytes = new SummaryFilter(chat.cap.store, upgrade.filter, registry);
    expect(chat.full.filter((p, i) => withBytes.test(i, p.ctx.frame) !== undefined).length).toBe(chat.full.length);
    expect(chat.full.filter((p, i) => withBytes.test(i, p.ctx.frame)).length).toBeGreaterThan(0);
    // HTTP is listed in the frames of the WebSocket connection it upgraded, which have no HTTP item: the Noted bits tell.
    expect(answered('http')).toBe(chat.full.length);
    expect(answered('tcp.analysis.flags or http')).toBe(chat.full.length);
  });
});

describe('HTTP messages noted by the dissector', () => {
  let file: ReturnType<typeof hardHttpCapture> | undefined;
  let hard: IndexedCapture;

  beforeAll(async () => {
    file = hardHttpCapture();
    hard = (await indexCapture(file.path, registry))!;
  });

  afterAll(async () => {
    await hard?.cap.close();
    file?.remove();
  });

  it('has the hard cases the capture was made for', () => {
    const count = (num: number, field: string): number => values(hard.full[num - 1]!, field).length;
    // Split request: its item is in the frame that completes it, with the two pipelined after it.
    expect([1, 2].map((n) => count(n, 'http.request'))).toEqual([0, 3]);
    expect([3, 4, 5].map((n) => count(n, 'http.response'))).toEqual([2, 0, 1]);
    expect(hard.full[6]!.protocols).toContain('websocket');
    expect(count(7, 'http.response')).toBe(1);
    // Upgraded: a WebSocket frame's text is not a request, though HTTP is listed.
    expect(hard.full[7]!.protocols).toMatch(/http:websocket/);
    expect(count(8, 'http.request')).toBe(0);
    expect([9, 10].map((n) => count(n, 'http.request') + count(n, 'http.response'))).toEqual([1, 1]);
  });

  it('answers as the tree does, leaving to the tree only counts of repeated items', () => {
    const answers = (text: string): (boolean | undefined)[] => {
      const r = compileFilter(text, registry);
      if (!r.ok) throw new Error(r.error.message);
      const summary = new SummaryFilter(hard.cap.store, r.filter, registry);
      return hard.full.map((p, i) => {
        const quick = summary.test(i);
        expect(quick === undefined || quick === r.filter.matches(p), `${text} #${i + 1}`).toBe(true);
        return quick;
      });
    };
    for (const text of [...HTTP_FILTERS, ...METHOD_FILTERS]) answers(text);
    // Frame 2 holds three requests: their methods, only the tree knows.
    expect(answers('http.request.method == "GET"')).toEqual([false, undefined, false, false, false, true, false, false, true, false]);
    expect(answers('http.request')).toEqual([false, true, false, false, false, true, false, false, true, false]);
    // Frame 1 holds the start of a request (no item yet); frame 8 a WebSocket frame HTTP hands on.
    expect(answers('http')).toEqual(hard.full.map((p) => values(p, 'http').length > 0));
    expect(answers('http')[0]).toBe(false);
    expect(answers('http')[7]).toBe(false);
    expect(answers('http.response && tcp.port == 80')).toEqual([false, false, true, false, true, false, true, false, false, false]);
    // Frames 2 and 3 hold several requests and responses: how many, only the tree says.
    expect(answers('count(http.request) == 1 || count(http.response) == 1').map((a) => a === undefined)).toEqual(
      [false, true, true, false, false, false, false, false, false, false]);
  });
});

describe('parseIpv4', () => {
  it('reads dotted quads and nothing else', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'fe80::1', '00:11:22:33:44:55', '1.2.3.4 ']) expect(parseIpv4(bad), bad).toBe(-1);
  });
});

export type { TreeNode };
