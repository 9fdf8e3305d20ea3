import type { ColumnId, TcpdumpMode } from '../../../shared/ipc/contract';
import { clampColumnWidth } from '../lib/columns';

/** The three stacked panes never get smaller than this share, so a splitter can't lose one. */
export const MIN_PANE = 0.08;
const MIN_TERMINAL = 0.12;
const MAX_TERMINAL = 0.8;
const STORAGE_KEY = 'paquet.layout.v1';

export type TerminalPlacement = 'bottom' | 'right';

interface Stored {
  panes?: unknown;
  terminalShare?: unknown;
  terminalOpen?: unknown;
  terminalPlacement?: unknown;
  columnWidths?: unknown;
  terminalMode?: unknown;
}

/** Three fractions summing to 1, each at least MIN_PANE; anything else gives the defaults. */
export function normalisePanes(v: unknown): [number, number, number] {
  const fallback: [number, number, number] = [0.45, 0.3, 0.25];
  if (!Array.isArray(v) || v.length < 3) return fallback;
  const three = v.slice(0, 3).map((x) => (typeof x === 'number' && Number.isFinite(x) ? Math.max(MIN_PANE, x) : NaN));
  if (three.some(Number.isNaN)) return fallback;
  const sum = three[0]! + three[1]! + three[2]!;
  return [three[0]! / sum, three[1]! / sum, three[2]! / sum];
}

export function clampTerminalShare(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(MAX_TERMINAL, Math.max(MIN_TERMINAL, v)) : 0.3;
}

function widthsFrom(v: unknown): Partial<Record<ColumnId, number>> {
  const out: Partial<Record<ColumnId, number>> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, w] of Object.entries(v)) {
    if (typeof w === 'number' && Number.isFinite(w)) out[k as ColumnId] = clampColumnWidth(w);
  }
  return out;
}

function modeFrom(v: unknown): TcpdumpMode {
  return v === 'X' || v === 'websocket' ? v : 'A';
}

/**
 * How the window is arranged: pane fractions, column widths, the terminal.
 * Kept in localStorage between runs (a user's preference), and also written
 * into a saved capture's view (ViewState) and read back from it.
 */
export class Layout {
  /** Packet list, detail tree, bytes: fractions of the main area's height. */
  panes = $state.raw<[number, number, number]>([0.45, 0.3, 0.25]);
  /** The terminal's share of the work area (its height at the bottom, its width on the right). */
  terminalShare = $state(0.3);
  terminalOpen = $state(false);
  terminalPlacement = $state<TerminalPlacement>('bottom');
  terminalMode = $state<TcpdumpMode>('A');
  columnWidths = $state.raw<Partial<Record<ColumnId, number>>>({});

  load(): void {
    let stored: Stored;
    try {
      stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Stored;
    } catch {
      return; // a damaged preference is just forgotten
    }
    this.panes = normalisePanes(stored.panes);
    this.terminalShare = clampTerminalShare(stored.terminalShare);
    this.terminalOpen = stored.terminalOpen === true;
    this.terminalPlacement = stored.terminalPlacement === 'right' ? 'right' : 'bottom';
    this.terminalMode = modeFrom(stored.terminalMode);
    this.columnWidths = widthsFrom(stored.columnWidths);
  }

  save(): void {
    const stored: Stored = {
      panes: this.panes,
      terminalShare: this.terminalShare,
      terminalOpen: this.terminalOpen,
      terminalPlacement: this.terminalPlacement,
      terminalMode: this.terminalMode,
      columnWidths: this.columnWidths,
    };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    } catch {
      // Storage full or disabled: the layout just isn't remembered.
    }
  }

  /** ViewState.paneSizes: the three panes, then the terminal's share (0 when closed). */
  paneSizes(): number[] {
    return [...this.panes, this.terminalOpen ? this.terminalShare : 0];
  }

  applyPaneSizes(sizes: readonly number[]): void {
    if (sizes.length >= 3) this.panes = normalisePanes(sizes);
    const t = sizes[3];
    if (typeof t === 'number' && Number.isFinite(t)) {
      this.terminalOpen = t > 0;
      if (t > 0) this.terminalShare = clampTerminalShare(t);
    }
  }

  setColumnWidths(widths: Partial<Record<ColumnId, number>>): void {
    this.columnWidths = widthsFrom(widths);
  }

  /** Move the boundary after pane `i` (0: list|detail, 1: detail|bytes) by `delta` (a fraction of the height). */
  resizePanes(i: 0 | 1, delta: number): void {
    const p: [number, number, number] = [...this.panes];
    const a = p[i];
    const b = p[i + 1]!;
    const d = Math.max(MIN_PANE - a, Math.min(b - MIN_PANE, delta));
    p[i] = a + d;
    p[i + 1] = b - d;
    this.panes = p;
  }

  resizeTerminal(share: number): void {
    this.terminalShare = clampTerminalShare(share);
  }
}
