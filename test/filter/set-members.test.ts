/**
 * Fields and function calls inside set literals, as tshark 4.0 takes and refuses them
 * (`tshark -r FILE -Y ...` on a request from port 40000 to port 80; messages and carets are its).
 */
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { compileFilter } from '../../shared/filter/index.js';
import { ACK, dissectAll, PSH, tcpFrame } from '../dissect/tcp-builder.js';

const registry = defaultRegistry();
const packet = dissectAll([tcpFrame(1, { fromClient: true, seq: 1, ack: 1, flags: PSH | ACK, payload: 'GET / HTTP/1.1\r\n\r\n' }, 80)]).packets[0]!;

function matches(text: string): boolean {
  const r = compileFilter(text, registry);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.filter.matches(packet);
}

function refusal(text: string): [string, number, number] {
  const r = compileFilter(text, registry);
  if (r.ok) throw new Error(`${text} compiled`);
  return [r.error.message, r.error.column, r.error.length];
}

describe('set members', () => {
  it('may be fields, calls and negations, alone or after commas, and range bounds', () => {
    for (const yes of ['tcp.port in {tcp.srcport}', 'tcp.port in {min(tcp.srcport,tcp.dstport)}', 'tcp.port in {abs(-80)}',
      'tcp.port in {81, min(tcp.srcport,1), 80}', 'tcp.port in {80..max(tcp.srcport,1)}', 'tcp.port in {1 .. abs(-80)}',
      'tcp.port in {abs(-80)..90}', 'tcp.port in {tcp.srcport..65535}', 'tcp.port in {80..tcp.srcport}', 'tcp.port in {1, -80, 80}', 'tcp.port in {max(tcp.srcport,1)..65535}']) {
      expect(matches(yes), yes).toBe(true);
    }
    for (const no of ['tcp.port in {1, -tcp.srcport}', 'tcp.port in {81..max(tcp.dstport,90)}']) {
      expect(matches(no), no).toBe(false);
    }
  });

  it('are refused where tshark refuses them', () => {
    expect(refusal('tcp.port in {80 min(tcp.srcport,1)}')).toEqual(['"min" was unexpected in this context.', 16, 3]);
    expect(refusal('tcp.port in {80 abs(tcp.srcport)}')).toEqual(['"abs" was unexpected in this context.', 16, 3]);
    expect(refusal('tcp.port in {80 tcp.srcport}')).toEqual(['"tcp.srcport" was unexpected in this context.', 16, 11]);
    expect(refusal('tcp.port in {tcp.srcport 80}')).toEqual(['"80" was unexpected in this context.', 25, 2]);
    expect(refusal('tcp.port in {tcp.srcport tcp.dstport}')).toEqual(['"tcp.dstport" was unexpected in this context.', 25, 11]);
    expect(refusal('tcp.port in {min(tcp.srcport,1) 80}')).toEqual(['"80" was unexpected in this context.', 32, 2]);
    expect(refusal('tcp.port in {1 -80}')).toEqual(['"-" was unexpected in this context.', 15, 1]);
    expect(refusal('tcp.port in {79+1}')).toEqual(['"+" was unexpected in this context.', 15, 1]);
    expect(refusal('tcp.port in {..80}')).toEqual(['".." was unexpected in this context.', 13, 2]);
    expect(refusal('tcp.port in {80')[0]).toBe('Unexpected end of filter expression.');
    expect(refusal('tcp.port in {80 ')[0]).toBe('Unexpected end of filter expression.');
  });
});
