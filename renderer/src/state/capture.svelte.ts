import type { DeviceInfo } from '../../../shared/ipc/contract';

export interface CaptureOptions {
  readonly interface: string;
  readonly filter: string;
  readonly snapLen: number;
  readonly promiscuous: boolean;
}

export const DEFAULT_SNAPLEN = 262144;
const STORAGE_KEY = 'paquet.capture.v1';

/** Interfaces as the capture dialog lists them: `any` first, then those up (loopback last), then the rest. */
export function orderDevices(devices: readonly DeviceInfo[]): DeviceInfo[] {
  const rank = (d: DeviceInfo) => (d.name === 'any' ? 0 : d.up && !d.loopback ? 1 : d.loopback ? 2 : 3);
  return [...devices].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function optionsFrom(v: unknown): CaptureOptions | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.interface !== 'string' || !o.interface) return null;
  return {
    interface: o.interface,
    filter: typeof o.filter === 'string' ? o.filter : '',
    snapLen: typeof o.snapLen === 'number' && o.snapLen > 0 ? Math.floor(o.snapLen) : DEFAULT_SNAPLEN,
    promiscuous: o.promiscuous !== false,
  };
}

/**
 * The capture options last started with: Start (Ctrl+E) restarts with them,
 * the dialog opens on them. Remembered between runs.
 */
export class CaptureSettings {
  last = $state.raw<CaptureOptions | null>(null);
  dialogOpen = $state(false);

  load(): void {
    try {
      this.last = optionsFrom(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null'));
    } catch {
      this.last = null;
    }
  }

  remember(options: CaptureOptions): void {
    this.last = options;
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(options));
    } catch {
      // not remembered across runs; still used in this one
    }
  }
}
