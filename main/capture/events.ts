/**
 * The control-pipe protocol of paquet-dumpcap: one JSON object per line on its
 * stdout, turned here into typed events (camelCase, counts as numbers).
 */

export type CaptureErrorCode =
  | 'usage'
  | 'no-such-device'
  | 'permission'
  | 'interface-down'
  | 'bad-filter'
  | 'file'
  | 'disk-full'
  | 'pcap'
  | 'not-built'
  | 'crashed';

/** Packets written so far and, when the platform gives them, pcap_stats counters. */
export interface CaptureCounts {
  readonly packets: number;
  /** Captured bytes of those packets. */
  readonly bytes: number;
  /** Bytes written to capture files (headers included). */
  readonly fileBytes: number;
  /** pcap_stats ps_recv ("received by filter" in tcpdump's words). */
  readonly received?: number;
  /** ps_drop: dropped by the kernel because its buffer was full. */
  readonly dropped?: number;
  /** ps_ifdrop: dropped by the interface or driver. */
  readonly ifDropped?: number;
}

export interface Device {
  readonly name: string;
  readonly description: string | null;
  readonly addresses: readonly string[];
  readonly loopback: boolean;
  readonly up: boolean;
  readonly running: boolean;
  readonly wireless: boolean;
  readonly connection: 'connected' | 'disconnected' | 'not-applicable' | 'unknown';
}

export type StopReason = 'signal' | 'count' | 'duration' | 'filesize' | 'control-closed' | 'error';

export type CaptureEvent =
  | {
      readonly type: 'started';
      readonly interface: string;
      readonly file: string;
      readonly linkType: number;
      readonly linkTypeName: string | null;
      readonly snapLen: number;
      readonly precision: 'micro' | 'nano';
      readonly promiscuous: boolean;
      readonly pid: number;
    }
  | { readonly type: 'stats'; readonly counts: CaptureCounts }
  | { readonly type: 'rotated'; readonly file: string; readonly previous: string; readonly index: number }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'error'; readonly code: CaptureErrorCode; readonly message: string; readonly fix?: string }
  | {
      readonly type: 'stopped';
      readonly reason: StopReason;
      readonly counts: CaptureCounts;
      readonly files: number;
      readonly file: string;
    }
  | { readonly type: 'devices'; readonly devices: readonly Device[] }
  | { readonly type: 'filter-ok'; readonly linkType: number; readonly filter: string };

export type ErrorEvent = Extract<CaptureEvent, { type: 'error' }>;
export type StartedEvent = Extract<CaptureEvent, { type: 'started' }>;
export type StoppedEvent = Extract<CaptureEvent, { type: 'stopped' }>;

/** An error from the capture program (or from starting it), with its code and, when known, the fix. */
export class CaptureError extends Error {
  constructor(
    readonly code: CaptureErrorCode,
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function counts(o: Json): CaptureCounts {
  return {
    packets: num(o.packets),
    bytes: num(o.bytes),
    fileBytes: num(o.file_bytes),
    ...(typeof o.ps_recv === 'number' ? { received: o.ps_recv, dropped: num(o.ps_drop), ifDropped: num(o.ps_ifdrop) } : {}),
  };
}

/** One line of the control pipe; undefined for a line that is not one of our events. */
export function parseEventLine(line: string): CaptureEvent | undefined {
  let o: Json;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    o = v as Json;
  } catch {
    return undefined;
  }
  switch (o.event) {
    case 'started':
      return {
        type: 'started',
        interface: str(o.interface),
        file: str(o.file),
        linkType: num(o.linktype),
        linkTypeName: typeof o.linktype_name === 'string' ? o.linktype_name : null,
        snapLen: num(o.snaplen),
        precision: o.precision === 'nano' ? 'nano' : 'micro',
        promiscuous: o.promiscuous === true,
        pid: num(o.pid),
      };
    case 'stats':
      return { type: 'stats', counts: counts(o) };
    case 'rotated':
      return { type: 'rotated', file: str(o.file), previous: str(o.previous), index: num(o.index) };
    case 'warning':
      return { type: 'warning', message: str(o.message) };
    case 'error':
      return {
        type: 'error',
        code: str(o.code) as CaptureErrorCode,
        message: str(o.message),
        ...(typeof o.fix === 'string' ? { fix: o.fix } : {}),
      };
    case 'stopped':
      return { type: 'stopped', reason: str(o.reason) as StopReason, counts: counts(o), files: num(o.files), file: str(o.file) };
    case 'devices':
      return { type: 'devices', devices: Array.isArray(o.devices) ? (o.devices as Device[]) : [] };
    case 'filter-ok':
      return { type: 'filter-ok', linkType: num(o.linktype), filter: str(o.filter) };
    default:
      return undefined;
  }
}
