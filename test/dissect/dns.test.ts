/**
 * DNS: hand-built messages (compression, hostile names, TCP framing) dissected
 * directly, and real captures through the whole engine, checked against what
 * tshark 4.0 reports (shared/corpus/expected/tshark-summary.json and the
 * documented Info format).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameProto } from '../../shared/dissect/frame.js';
import { FrameMemos } from '../../shared/dissect/frame-store.js';
import { PacketContext, SessionState } from '../../shared/dissect/packet.js';
import { Registry } from '../../shared/dissect/registry.js';
import { NULL_TREE, TreeNode, walk } from '../../shared/dissect/tree.js';
import { makeTvb } from '../../shared/dissect/tvb.js';
import { fieldText } from '../../shared/format/field-text.js';
import { register as registerDns, dissectDnsUdp, dissectMdns } from '../../shared/dissect/proto/dns.js';
import { dissectDnsOverTcp } from '../../shared/dissect/proto/dns-tcp.js';
import { readDnsName } from '../../shared/dissect/proto/dns-names.js';
import { dissectFile, SHARED } from '../support/dissect-file.js';

const summary: Record<string, { dns_queries?: string[] }> = JSON.parse(readFileSync(resolve(SHARED, 'corpus/expected/tshark-summary.json'), 'utf8'));

function registry(): Registry {
  const r = new Registry();
  registerDns(r);
  return r;
}

type Dissector = typeof dissectDnsUdp;
function run(bytes: number[] | Uint8Array, dissector: Dissector = dissectDnsUdp, withTree = true) {
  const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  const frame = { num: 1, tsSec: 0, tsNsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, data };
  const ctx = new PacketContext(frame, registry(), new SessionState(), new FrameMemos(), false);
  const root = new TreeNode(frameProto.def, 0, 0, data.length, null);
  ctx.call(dissector, ctx.frameTvb, 0, data.length, withTree ? root : NULL_TREE);
  const values = (abbrev: string) => [...walk(root.children ?? [])].filter((n) => n.def.abbrev === abbrev).map(fieldText);
  return { ctx, root, values };
}

/** Wire-format name from dotted text. */
function name(text: string): number[] {
  const out: number[] = [];
  for (const label of text.split('.')) out.push(label.length, ...Array.from(label, (c) => c.charCodeAt(0)));
  out.push(0);
  return out;
}

const header = (id: number, flags: number, qd: number, an: number, ns = 0, ar = 0) =>
  [id >> 8, id & 255, flags >> 8, flags & 255, 0, qd, 0, an, 0, ns, 0, ar];

describe('DNS messages built by hand', () => {
  it('decodes a query and sets Protocol and Info as tshark does', () => {
    const { ctx, values } = run([...header(0x1234, 0x0100, 1, 0), ...name('example.com'), 0, 1, 0, 1]);
    expect(ctx.cols.protocol).toBe('DNS');
    expect(ctx.cols.info).toBe('Standard query 0x1234 A example.com');
    expect(values('dns.id')).toEqual(['0x1234']);
    expect(values('dns.flags.response')).toEqual(['0']);
    expect(values('dns.qry.name')).toEqual(['example.com']);
    expect(values('dns.qry.name.len')).toEqual(['11']);
    expect(values('dns.count.labels')).toEqual(['2']);
    expect(values('dns.qry.type')).toEqual(['1']);
    expect(ctx.malformed).toBe(false);
  });

  it('follows compression pointers in answers (A, AAAA, CNAME, MX)', () => {
    const q = [...name('example.com'), 0, 1, 0, 1]; // name at offset 12
    const rr = (type: number, rdata: number[]) => [0xc0, 12, 0, type, 0, 1, 0, 0, 0x0e, 0x10, rdata.length >> 8, rdata.length & 255, ...rdata];
    const aaaa = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const msg = [
      ...header(0xbeef, 0x8180, 1, 4), ...q,
      ...rr(1, [192, 0, 2, 7]),
      ...rr(28, aaaa),
      ...rr(5, [3, 0x77, 0x77, 0x77, 0xc0, 12]),
      ...rr(15, [0, 10, 2, 0x6d, 0x78, 0xc0, 12]),
    ];
    const { ctx, values } = run(msg);
    expect(ctx.cols.info).toBe('Standard query response 0xbeef A example.com A 192.0.2.7 AAAA 2001:db8::1 CNAME www.example.com MX 10 mx.example.com');
    expect(values('dns.flags.response')).toEqual(['1']);
    expect(values('dns.flags.rcode')).toEqual(['0']);
    expect(values('dns.resp.name')).toEqual(['example.com', 'example.com', 'example.com', 'example.com']);
    expect(values('dns.resp.ttl')).toEqual(['3600', '3600', '3600', '3600']);
    expect(values('dns.a')).toEqual(['192.0.2.7']);
    expect(values('dns.aaaa')).toEqual(['2001:db8::1']);
    expect(values('dns.cname')).toEqual(['www.example.com']);
    expect(values('dns.mx.mail_exchange')).toEqual(['mx.example.com']);
    expect(values('dns.count.answers')).toEqual(['4']);
  });

  it('shows the reply code of an error response in Info', () => {
    const { ctx } = run([...header(7, 0x8183, 1, 0), ...name('nx.test'), 0, 1, 0, 1]);
    expect(ctx.cols.info).toBe('Standard query response 0x0007 No such name A nx.test');
  });

  it('decodes an OPT record with a cookie option', () => {
    const opt = [0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 12, 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8];
    const { ctx, values } = run([...header(1, 0x0120, 1, 0, 0, 1), ...name('a.b'), 0, 1, 0, 1, ...opt]);
    expect(ctx.cols.info).toBe('Standard query 0x0001 A a.b OPT');
    expect(values('dns.rr.udp_payload_size')).toEqual(['4096']);
    expect(values('dns.resp.z.do')).toEqual(['1']);
    expect(values('dns.opt.code')).toEqual(['10']);
    expect(values('dns.opt.cookie.client')).toEqual(['0102030405060708']);
  });

  it('marks mDNS "QU" questions and cache-flush records', () => {
    const msg = [...header(0, 0x8400, 1, 1), ...name('host.local'), 0, 1, 0x80, 1, 0xc0, 12, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 2];
    const { ctx, values } = run(msg, dissectMdns);
    expect(ctx.cols.protocol).toBe('MDNS');
    expect(ctx.protocols).toEqual(['mdns']);
    expect(ctx.cols.info).toBe('Standard query response 0x0000 A host.local, "QU" question A, cache flush 10.0.0.2');
    expect(values('dns.qry.qu')).toEqual(['1']);
    expect(values('dns.resp.cache_flush')).toEqual(['1']);
    expect(values('dns.qry.class')).toEqual(['0x0001']);
  });

  it('computes the same columns without a tree', () => {
    const msg = [...header(0x42, 0x8180, 1, 1), ...name('x.org'), 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 1, 2, 3, 4];
    const full = run(msg);
    const fast = run(msg, dissectDnsUdp, false);
    expect(fast.ctx.cols.info).toBe(full.ctx.cols.info);
    expect(fast.ctx.cols.protocol).toBe('DNS');
    expect(fast.root.children).toBeNull();
  });
});

describe('hostile names stay bounded', () => {
  const tvbOf = (bytes: number[]) => makeTvb(Uint8Array.from(bytes));

  it('reports a pointer to itself as a loop (after bounded hops)', () => {
    const tvb = tvbOf([...header(1, 0, 1, 0), 0xc0, 12, 0, 1, 0, 1]);
    expect(readDnsName(tvb, 12, 0)).toMatchObject({ name: '<Name contains a pointer that loops>', used: 2 });
  });

  it('reports a two-pointer cycle as a loop', () => {
    const tvb = tvbOf([...header(1, 0, 1, 0), 0xc0, 14, 0xc0, 12, 0, 1, 0, 1]);
    expect(readDnsName(tvb, 12, 0).name).toBe('<Name contains a pointer that loops>');
  });

  it('throws a bounds error for a pointer past the end, which becomes a malformed item', () => {
    const msg = [...header(9, 0, 1, 0), 0xc0, 0xff, 0, 1, 0, 1];
    expect(() => readDnsName(tvbOf(msg), 12, 0)).toThrow();
    const { ctx, root } = run(msg);
    expect(ctx.malformed).toBe(true);
    expect(ctx.cols.info).toMatch(/^Standard query 0x0009 ?\[Malformed Packet\]$/);
    expect([...walk(root.children ?? [])].some((n) => n.def.abbrev === '_ws.malformed')).toBe(true);
  });

  it('cuts names longer than 255 characters to <Name too long>', () => {
    const long: number[] = [];
    for (let i = 0; i < 5; i++) long.push(63, ...new Array(63).fill(0x61));
    long.push(0);
    expect(readDnsName(tvbOf([...header(1, 0, 1, 0), ...long]), 12, 0)).toMatchObject({ name: '<Name too long>', used: long.length });
  });

  it('shows the root name and rejects the reserved 0x80 label type', () => {
    expect(readDnsName(tvbOf([0]), 0, 0)).toMatchObject({ name: '<Root>', length: 0, used: 1 });
    expect(() => readDnsName(tvbOf([0x80, 0]), 0, 0)).toThrow();
  });

  // Crafted queries read by tshark 4.0 (2026-11-26): an unknown extended label as a name's only byte is
  // "[Malformed Packet]" (type 0x7f and 0x42 alike, first or second question); after a label it is shown.
  it('rejects a name that is one unknown extended label byte, as tshark does, and shows one after a label', () => {
    expect(() => readDnsName(tvbOf([0x7f, 0, 1, 0, 1]), 0, 0)).toThrow();
    expect(() => readDnsName(tvbOf([0x42, 0, 1, 0, 1]), 0, 0)).toThrow();
    expect(readDnsName(tvbOf([3, 0x61, 0x62, 0x63, 0x7f, 0, 1, 0, 1]), 0, 0)).toMatchObject({ name: '<Unknown extended label>', used: 5 });
    const { ctx } = run([...header(1, 0, 2, 0), 3, 0x61, 0x62, 0x63, 0, 0, 1, 0, 1, 0x7f, 0, 1, 0, 1]);
    expect(ctx.cols.info).toBe('Standard query 0x0001 A abc[Malformed Packet]');
  });

  it('escapes control characters in labels', () => {
    expect(readDnsName(tvbOf([3, 0x61, 0x0a, 0x62, 0]), 0, 0).name).toBe('a\\nb');
  });
});

describe('DNS over TCP', () => {
  it('dissects two length-prefixed messages in one segment', () => {
    const m1 = [...header(1, 0x0100, 1, 0), ...name('one.test'), 0, 1, 0, 1];
    const m2 = [...header(2, 0x0100, 1, 0), ...name('two.test'), 0, 28, 0, 1];
    const { values, ctx } = run([0, m1.length, ...m1, 0, m2.length, ...m2], dissectDnsOverTcp);
    expect(values('dns.length')).toEqual([String(m1.length), String(m2.length)]);
    expect(values('dns.qry.name')).toEqual(['one.test', 'two.test']);
    expect(ctx.malformed).toBe(false);
  });
});

describe('DNS in real captures', () => {
  const queries = (path: string) => {
    const { packets } = dissectFile(path);
    const names: string[] = [];
    for (const p of packets) {
      const v = [...walk(p.tree ?? [])].filter((n) => n.def.abbrev === 'dns.qry.name').map(fieldText);
      if (v.length) names.push(v.join('|'));
    }
    return { packets, names };
  };

  for (const capture of ['tcpdump/dns_udp.pcap', 'tcpdump/dns_tcp.pcap', 'dns/arkime/dns-tcp.pcap', 'dns/arkime/dns-mx.pcap', 'dns/zeek/dns-txt-multiple.pcap']) {
    it(`${capture}: query names as tshark reports them`, () => {
      const { names } = queries(`../shared/corpus/${capture}`);
      expect([...new Set(names)].sort()).toEqual([...new Set(summary[capture]!.dns_queries)].sort());
    });
  }

  it('tcpdump/dns_tcp.pcap: the response is found in its TCP segment, Info as tshark prints it', () => {
    const { packets } = dissectFile('../shared/corpus/tcpdump/dns_tcp.pcap');
    expect(packets[3]!.info).toBe('Standard query 0x4319 A www.tcpdump.org OPT');
    expect(packets[5]!.info).toBe('Standard query response 0x4319 A www.tcpdump.org A 192.139.46.66 A 198.199.88.104 NS nic.sandelman.ca NS sns.cooperix.net A 209.87.249.18 AAAA 2607:f0b0:f::babe:f00d A 97.107.133.15 AAAA 2600:3c03::f03c:91ff:fe96:e8ef OPT');
  });

  for (const crasher of ['dns-badlabel.pcap', 'dns_fwdptr.pcap']) {
    it(`tcpdump/${crasher}: the crasher stays inside the DNS layer`, () => {
      const { packets } = dissectFile(`../shared/corpus/tcpdump/${crasher}`, false);
      expect(packets).toHaveLength(1);
      expect(packets[0]!.protocol).toBe('DNS');
      expect(packets[0]!.malformed).toBe(true);
      expect(packets[0]!.info.startsWith('Unknown operation (15) response 0xc980 Unknown error (15)')).toBe(true);
    });
  }

  it('a revisited frame gives the same columns and fields', () => {
    const { dissection, packets, frames } = dissectFile('../shared/corpus/dns/arkime/dns-tcp.pcap');
    const again = dissection.dissect(frames[5]!, true);
    expect(again.info).toBe(packets[5]!.info);
    const names = (p: typeof again) => [...walk(p.tree ?? [])].filter((n) => n.def.abbrev.startsWith('dns.')).map((n) => `${n.def.abbrev}=${fieldText(n)}`);
    expect(names(again)).toEqual(names(packets[5]!));
  });
});
