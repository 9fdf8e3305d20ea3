/** Arithmetic of a virtualised list with a fixed row height: which rows to put in the DOM. */

export interface RowWindow {
  /** First row rendered and one past the last. */
  readonly start: number;
  readonly end: number;
}

export function rowWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 20): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total, first - overscan));
  const end = Math.min(total, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/** The scrollTop that brings `row` into view, or null when it already is. */
export function scrollToShow(row: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return Math.max(0, top + rowHeight - viewportHeight);
  return null;
}
