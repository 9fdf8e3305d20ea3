/**
 * Inputs as files: a packet run becomes a pcapng (so a crash found by the
 * packet fuzzer opens in Paquet, tshark or Wireshark as it is), other inputs
 * are their raw bytes. Names carry the target and a hash of the content, so
 * the same crash found twice is one file.
 */
import { createHash } from 'node:crypto';
import { PcapngWriter } from '../../dist/shared/capture/pcapng-writer.js';

export function packetsToPcapng({ interfaces, records }) {
  const w = new PcapngWriter({ userAppl: 'Paquet fuzzer' });
  const parts = [w.start(interfaces.length > 0 ? interfaces : [{ linkType: 1, snapLen: 262144 }])];
  for (const r of records) {
    // A mutated file can carry times no 64-bit count of its interface's ticks can hold again; keep 32 bits of seconds.
    const tsSec = Math.min(Math.max(r.tsSec, 0), 0xffffffff);
    parts.push(w.packet({ interface: Math.min(r.interface, Math.max(0, interfaces.length - 1)), tsSec, tsNsec: r.tsNsec, origLen: Math.max(r.origLen, r.data.length), data: r.data }));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const EXT = { file: 'bin', packets: 'pcapng', filter: 'txt', inflate: 'deflate' };

export function crashFileName(target, bytes) {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return `${target}-${hash}.${EXT[target] ?? 'bin'}`;
}
