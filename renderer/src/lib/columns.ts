import type { ColumnId } from '../../../shared/ipc/contract';

/** The packet list's columns: Wireshark's default set, in its order, with its titles. */
export interface ColumnDef {
  readonly id: ColumnId;
  readonly title: string;
  /** Default width in px; the last column (Info) also takes whatever room is left. */
  readonly width: number;
  readonly align: 'left' | 'right';
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'num', title: 'No.', width: 64, align: 'right' },
  { id: 'time', title: 'Time', width: 104, align: 'left' },
  { id: 'src', title: 'Source', width: 150, align: 'left' },
  { id: 'dst', title: 'Destination', width: 150, align: 'left' },
  { id: 'protocol', title: 'Protocol', width: 92, align: 'left' },
  { id: 'length', title: 'Length', width: 76, align: 'right' },
  { id: 'info', title: 'Info', width: 480, align: 'left' },
];

export const MIN_COLUMN_WIDTH = 36;
export const MAX_COLUMN_WIDTH = 4000;

export function clampColumnWidth(w: number): number {
  return Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, w)));
}
