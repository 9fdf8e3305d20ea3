/**
 * Follows a pcapng file while the capture program appends to it: each read()
 * returns the packets of the blocks completed since the last one. A block cut
 * short at the end of the file waits for its remaining bytes.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { CaptureRecord, InterfaceInfo } from '../../shared/capture/types.js';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const EPB = 6;
const ISB = 5;
const MAX_BLOCK = 64 * 1024 * 1024;
const CHUNK = 1 << 20;

/** The interface statistics block the program writes when it closes a file. */
export interface FollowedStats {
  readonly received?: bigint;
  readonly ifDropped?: bigint;
  readonly osDropped?: bigint;
  readonly delivered?: bigint;
}

interface Iface {
  info: InterfaceInfo;
  /** Timestamp units per second, and whether units are a power of ten. */
  unitsPerSec: bigint;
}

export class PcapngFollower {
  readonly interfaces: InterfaceInfo[] = [];
  /** Set once the file's closing statistics block has been read. */
  stats: FollowedStats | undefined;
  private fh: FileHandle | undefined;
  private offset = 0;
  private pending = new Uint8Array(0);
  private pendingAt = 0;
  private le = true;
  private section = -1;
  private sectionIfaces: Iface[] = [];
  private count = 0;

  constructor(readonly path: string) {}

  /** Packets completed since the previous call (an empty list when nothing new is on disk). */
  async read(): Promise<CaptureRecord[]> {
    if (!this.fh) this.fh = await open(this.path, 'r');
    const out: CaptureRecord[] = [];
    for (;;) {
      const chunk = new Uint8Array(CHUNK);
      const { bytesRead } = await this.fh.read(chunk, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const joined = new Uint8Array(this.pending.length + bytesRead);
      joined.set(this.pending);
      joined.set(chunk.subarray(0, bytesRead), this.pending.length);
      const used = this.parse(joined, this.offset - joined.length, out);
      this.pending = joined.slice(used);
      this.pendingAt = this.offset - this.pending.length;
      if (bytesRead < CHUNK) break;
    }
    return out;
  }

  /** Bytes of a block cut short at the end of the file (0 when the file ends on a block boundary). */
  get incompleteBytes(): number {
    return this.pending.length;
  }

  /** File offset up to which every block has been read. */
  get completeOffset(): number {
    return this.pendingAt;
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }

  /** Parse whole blocks of `buf` (which starts at file offset `base`); returns the bytes used. */
  private parse(buf: Uint8Array, base: number, out: CaptureRecord[]): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = 0;
    while (buf.length - off >= 12) {
      const rawType = view.getUint32(off, true);
      if (rawType === SHB) this.le = view.getUint32(off + 8, true) === 0x1a2b3c4d;
      const type = view.getUint32(off, this.le);
      const len = view.getUint32(off + 4, this.le);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
        throw new Error(`${this.path}: bad pcapng block length ${len} at offset ${base + off}`);
      }
      if (buf.length - off < len) break;
      if (view.getUint32(off + len - 4, this.le) !== len) {
        throw new Error(`${this.path}: pcapng block at offset ${base + off} has mismatched lengths`);
      }
      if (type === SHB) {
        this.section++;
        this.sectionIfaces = [];
      } else if (type === IDB) {
        this.readIdb(buf, view, off, len);
      } else if (type === EPB) {
        const rec = this.readEpb(buf, view, off, len, base);
        if (rec) out.push(rec);
      } else if (type === ISB) {
        this.stats = this.readIsb(view, off, len);
      }
      off += len;
    }
    return off;
  }

  private options(view: DataView, start: number, end: number, each: (code: number, at: number, len: number) => void): void {
    let p = start;
    while (p + 4 <= end) {
      const code = view.getUint16(p, this.le);
      const len = view.getUint16(p + 2, this.le);
      if (code === 0 || p + 4 + len > end) return;
      each(code, p + 4, len);
      p += 4 + len + ((4 - (len % 4)) % 4);
    }
  }

  private readIdb(buf: Uint8Array, view: DataView, off: number, len: number): void {
    if (len < 20) return;
    const text = (at: number, n: number) => new TextDecoder().decode(buf.subarray(at, at + n)).replace(/\0+$/, '');
    let name: string | undefined;
    let description: string | undefined;
    let filter: string | undefined;
    let unitsPerSec = 1_000_000n;
    let tsResolution: string | undefined;
    this.options(view, off + 16, off + len - 4, (code, at, n) => {
      if (code === 2) name = text(at, n);
      else if (code === 3) description = text(at, n);
      else if (code === 11 && n > 0 && buf[at] === 0) filter = text(at + 1, n - 1);
      else if (code === 9 && n >= 1) {
        const b = buf[at]!;
        const exp = BigInt(b & 0x7f);
        unitsPerSec = b & 0x80 ? 1n << exp : 10n ** exp;
        tsResolution = b & 0x80 ? `2^-${b & 0x7f}` : `10^-${b & 0x7f}`;
      }
    });
    const info: InterfaceInfo = {
      linkType: view.getUint16(off + 8, this.le),
      snapLen: view.getUint32(off + 12, this.le),
      section: this.section,
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(filter !== undefined ? { filter } : {}),
      ...(tsResolution !== undefined ? { tsResolution } : {}),
    };
    this.interfaces.push(info);
    this.sectionIfaces.push({ info, unitsPerSec });
  }

  private readEpb(buf: Uint8Array, view: DataView, off: number, len: number, base: number): CaptureRecord | undefined {
    if (len < 32) return undefined;
    const local = view.getUint32(off + 8, this.le);
    const iface = this.sectionIfaces[local];
    if (!iface) return undefined;
    const ts = (BigInt(view.getUint32(off + 12, this.le)) << 32n) | BigInt(view.getUint32(off + 16, this.le));
    const capLen = Math.min(view.getUint32(off + 20, this.le), len - 32);
    const origLen = view.getUint32(off + 24, this.le);
    const sec = ts / iface.unitsPerSec;
    const nsec = ((ts % iface.unitsPerSec) * 1_000_000_000n) / iface.unitsPerSec;
    return {
      index: this.count++,
      fileOffset: base + off,
      interface: this.interfaces.indexOf(iface.info),
      tsSec: Number(sec),
      tsNsec: Number(nsec),
      capLen,
      origLen,
      data: buf.slice(off + 28, off + 28 + capLen),
    };
  }

  private readIsb(view: DataView, off: number, len: number): FollowedStats {
    const s: { received?: bigint; ifDropped?: bigint; osDropped?: bigint; delivered?: bigint } = {};
    this.options(view, off + 20, off + len - 4, (code, at, n) => {
      if (n !== 8) return;
      const v = view.getBigUint64(at, this.le);
      if (code === 4) s.received = v;
      else if (code === 5) s.ifDropped = v;
      else if (code === 7) s.osDropped = v;
      else if (code === 8) s.delivered = v;
    });
    return s;
  }
}
