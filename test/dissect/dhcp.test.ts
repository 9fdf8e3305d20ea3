/**
 * DHCP/BOOTP: a hand-built DISCOVER and edge cases dissected directly, and real
 * captures through the engine, against tshark 4.0's message types
 * (shared/corpus/expected/tshark-summary.json) and its Info format.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameProto } from '../../shared/dissect/frame.js';
import { FrameMemos } from '../../shared/dissect/frame-store.js';
import { PacketContext, SessionState } from '../../shared/dissect/packet.js';
import { Registry } from '../../shared/dissect/registry.js';
import { NULL_TREE, TreeNode, walk } from '../../shared/dissect/tree.js';
import { fieldText } from '../../shared/format/field-text.js';
import { dissectDhcp, register as registerDhcp } from '../../shared/dissect/proto/dhcp.js';
import { dissectFile, SHARED } from '../support/dissect-file.js';

const summary: Record<string, { dhcp_msg_types?: string[] }> = JSON.parse(readFileSync(resolve(SHARED, 'corpus/expected/tshark-summary.json'), 'utf8'));

function run(bytes: Uint8Array, withTree = true) {
  const r = new Registry();
  registerDhcp(r);
  const frame = { num: 1, tsSec: 0, tsNsec: 0, capLen: bytes.length, origLen: bytes.length, linkType: 1, interfaceId: 0, data: bytes };
  const ctx = new PacketContext(frame, r, new SessionState(), new FrameMemos(), false);
  const root = new TreeNode(frameProto.def, 0, 0, bytes.length, null);
  ctx.call(dissectDhcp, ctx.frameTvb, 0, bytes.length, withTree ? root : NULL_TREE);
  const values = (abbrev: string) => [...walk(root.children ?? [])].filter((n) => n.def.abbrev === abbrev).map(fieldText);
  return { ctx, values };
}

/** A BOOTP header (op, xid, chaddr) followed by `options` (cookie included unless `cookie` is false). */
function bootp(op: number, xid: number, options: number[], extra: { yiaddr?: number[]; sname?: number[]; file?: number[]; cookie?: boolean } = {}): Uint8Array {
  const b = new Uint8Array(240 + options.length);
  b.set([op, 1, 6, 0, xid >>> 24, (xid >> 16) & 255, (xid >> 8) & 255, xid & 255, 0, 0, 0x80, 0]);
  if (extra.yiaddr) b.set(extra.yiaddr, 16);
  b.set([0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42], 28);
  if (extra.sname) b.set(extra.sname, 44);
  if (extra.file) b.set(extra.file, 108);
  if (extra.cookie !== false) b.set([99, 130, 83, 99], 236);
  b.set(options, 240);
  return b;
}

describe('DHCP built by hand', () => {
  it('decodes a DISCOVER: header, cookie, options, Info as tshark prints it', () => {
    const msg = bootp(1, 0x3d1d, [53, 1, 1, 50, 4, 192, 168, 0, 10, 55, 3, 1, 3, 6, 12, 4, 0x68, 0x6f, 0x73, 0x74, 255, 0, 0]);
    const { ctx, values } = run(msg);
    expect(ctx.cols.protocol).toBe('DHCP');
    expect(ctx.cols.info).toBe('DHCP Discover - Transaction ID 0x3d1d');
    expect(values('dhcp.type')).toEqual(['1']);
    expect(values('dhcp.id')).toEqual(['0x00003d1d']);
    expect(values('dhcp.flags.bc')).toEqual(['1']);
    expect(values('dhcp.hw.mac_addr')).toEqual(['00:0b:82:01:fc:42']);
    expect(values('dhcp.cookie')).toEqual(['99.130.83.99']);
    expect(values('dhcp.option.dhcp')).toEqual(['1']);
    expect(values('dhcp.option.requested_ip_address')).toEqual(['192.168.0.10']);
    expect(values('dhcp.option.request_list_item')).toEqual(['1', '3', '6']);
    expect(values('dhcp.option.hostname')).toEqual(['host']);
    // The End option's dhcp.option.type is 0 in tshark 4.0; the bytes after it are padding.
    expect(values('dhcp.option.type')).toEqual(['53', '50', '55', '12', '0']);
    expect(values('dhcp.option.padding')).toEqual(['0000']);
  });

  it('pads message names to eight characters in Info', () => {
    const { ctx, values } = run(bootp(2, 0xabc, [53, 1, 5, 1, 4, 255, 255, 255, 0, 51, 4, 0, 0, 0x0e, 0x10, 255], { yiaddr: [10, 0, 0, 9] }));
    expect(ctx.cols.info).toBe('DHCP ACK      - Transaction ID 0xabc');
    expect(values('dhcp.ip.your')).toEqual(['10.0.0.9']);
    expect(values('dhcp.option.subnet_mask')).toEqual(['255.255.255.0']);
    expect(values('dhcp.option.ip_address_lease_time')).toEqual(['3600']);
  });

  it('reads options carried in sname and file when option 52 says so', () => {
    const sname = [56, 2, 0x68, 0x69, 255];
    const file = [3, 4, 10, 0, 0, 1, 255];
    const { values } = run(bootp(1, 1, [53, 1, 3, 52, 1, 3, 255], { sname, file }));
    expect(values('dhcp.option.option_overload')).toEqual(['3']);
    expect(values('dhcp.option.message')).toEqual(['hi']);
    expect(values('dhcp.option.router')).toEqual(['10.0.0.1']);
    expect(values('dhcp.server')).toEqual([]);
  });

  it('is plain BOOTP without the magic cookie, and malformed when the vendor area is cut', () => {
    const { ctx } = run(bootp(1, 7, [0, 0, 0], { cookie: false }));
    expect(ctx.cols.protocol).toBe('BOOTP');
    expect(ctx.cols.info.startsWith('Boot Request from 00:0b:82:01:fc:42')).toBe(true);
    expect(ctx.malformed).toBe(true);
  });

  it('keeps a truncated option inside the DHCP layer', () => {
    const { ctx } = run(bootp(1, 9, [53, 1, 1, 12, 40, 0x61]));
    expect(ctx.malformed).toBe(true);
    expect(ctx.cols.info).toMatch(/^DHCP Discover - Transaction ID 0x9 ?\[Malformed Packet\]$/);
  });

  it('decodes classless routes, domain search (compressed) and client FQDN as tshark does', () => {
    const name = (text: string) => [...text.split('.').flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]), 0];
    const routes = [24, 192, 168, 1, 10, 0, 0, 1, 0, 10, 0, 0, 254, 32, 1, 2, 3, 4, 10, 0, 0, 2];
    const search = [...name('example.com'), 3, 0x73, 0x75, 0x62, 0xc0, 0];
    const fqdnWire = [0x05, 0, 0, ...name('host.example.com')];
    const fqdnText = [0x01, 0xff, 0xff, ...Array.from('myhost', (c) => c.charCodeAt(0))];
    const options = [53, 1, 5, 121, routes.length, ...routes, 119, search.length, ...search, 81, fqdnWire.length, ...fqdnWire, 81, fqdnText.length, ...fqdnText, 255];
    const { values } = run(bootp(2, 0x1234, options));
    // Expected values: tshark 4.0 -T fields on the same bytes (written to a pcap with text2pcap).
    expect(values('dhcp.option.classless_static_route')).toEqual(['18c0a8010a000001', '000a0000fe', '20010203040a000002']);
    expect(values('dhcp.option.dhcp_dns_domain_search_list_fqdn')).toEqual(['example.com', 'sub.example.com']);
    expect(values('dhcp.fqdn.name')).toEqual(['host.example.com', 'myhost']);
    expect(values('dhcp.fqdn.flags')).toEqual(['0x05', '0x01']);
  });

  it('computes the same columns without a tree', () => {
    const msg = bootp(1, 0x55, [53, 1, 8, 255]);
    expect(run(msg, false).ctx.cols.info).toBe(run(msg).ctx.cols.info);
  });
});

describe('DHCP in real captures', () => {
  const captures = ['dhcp/arkime/wireshark-dhcp.pcap', 'dhcp/zeek/dhcp.pcap', 'dhcp/suricata-verify/dhcp-option-52-overload.pcap', 'dhcp/zeek/dhcp_inform.pcap', 'tcpdump/dhcp-rfc3004.pcap', 'tcpdump/dhcp-rfc5859.pcap'];
  for (const capture of captures) {
    it(`${capture}: message types as tshark reports them`, () => {
      const { packets } = dissectFile(`../shared/corpus/${capture}`);
      const types = packets.flatMap((p) => [...walk(p.tree ?? [])].filter((n) => n.def.abbrev === 'dhcp.option.dhcp').map(fieldText));
      expect(types).toEqual(summary[capture]!.dhcp_msg_types);
      expect(packets.every((p) => p.protocol === 'DHCP' && !p.malformed)).toBe(true);
    });
  }
});
