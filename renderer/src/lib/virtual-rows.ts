/**
 * Scroll arithmetic for a list of fixed-height rows that may be far taller
 * than a browser lets an element be.
 *
 * Browsers cap an element's height (Chrome ~33.5 million px, Firefox ~17.9
 * million): at 20 px a row, a spacer for 2 million packets would be silently
 * cut. So the spacer is at most MAX_SPACER_PX tall and, beyond that, the
 * scrollbar is *scaled*: scrollTop 0..(spacer - viewport) maps linearly onto
 * the virtual offset 0..(rows*rowHeight - viewport). Rows are then drawn at
 * `scrollTop + (row*rowHeight - virtualTop)`, i.e. relative to what is on
 * screen. Below the cap the scale is exactly 1, virtualTop == scrollTop, and
 * that position reduces to `row*rowHeight`: rows stay put in the content and
 * the compositor scrolls them smoothly without waiting for JavaScript.
 */

/** Well under every browser's limit, and far more than any screen needs for precision. */
export const MAX_SPACER_PX = 8_000_000;

export interface ScrollGeometry {
  /** Height of one row in px. */
  readonly rowHeight: number;
  /** Number of rows in the list. */
  readonly rows: number;
  /** Height of the visible area for rows, px. */
  readonly viewport: number;
}

/** Height the spacer element is given. */
export function spacerHeight(g: ScrollGeometry, max = MAX_SPACER_PX): number {
  return Math.min(g.rows * g.rowHeight, max);
}

/** How far virtual pixels move per scrolled pixel (1 when no scaling is needed). */
function scale(g: ScrollGeometry, max: number): number {
  const virtualRange = g.rows * g.rowHeight - g.viewport;
  const realRange = spacerHeight(g, max) - g.viewport;
  if (virtualRange <= 0 || realRange <= 0 || virtualRange <= realRange) return 1;
  return virtualRange / realRange;
}

/** The virtual offset (as if the list were unscaled) shown at this scrollTop. */
export function virtualTop(g: ScrollGeometry, scrollTop: number, max = MAX_SPACER_PX): number {
  const top = scrollTop * scale(g, max);
  const limit = Math.max(0, g.rows * g.rowHeight - g.viewport);
  return Math.min(Math.max(0, top), limit);
}

/** The scrollTop that shows this virtual offset (inverse of virtualTop). */
export function scrollTopFor(g: ScrollGeometry, virtual: number, max = MAX_SPACER_PX): number {
  const limit = Math.max(0, g.rows * g.rowHeight - g.viewport);
  const v = Math.min(Math.max(0, virtual), limit);
  return v / scale(g, max);
}

export interface VisibleRange {
  /** First row at least partly visible. */
  readonly first: number;
  /** One past the last row at least partly visible. */
  readonly end: number;
  /** The virtual offset of the top of the viewport. */
  readonly top: number;
}

export function visibleRange(g: ScrollGeometry, scrollTop: number, max = MAX_SPACER_PX): VisibleRange {
  const top = virtualTop(g, scrollTop, max);
  const first = Math.min(g.rows, Math.floor(top / g.rowHeight));
  const end = Math.min(g.rows, Math.ceil((top + g.viewport) / g.rowHeight));
  return { first, end, top };
}

/** Where in the spacer row `row` is drawn (px from the spacer's top) for this scrollTop. */
export function rowPosition(g: ScrollGeometry, row: number, scrollTop: number, top: number): number {
  return scrollTop + row * g.rowHeight - top;
}

/**
 * The scrollTop that brings `row` into view, or null when it already is.
 * 'nearest' moves as little as possible (keyboard); 'center' centres it (go to packet).
 */
export function scrollTopToShow(
  g: ScrollGeometry,
  row: number,
  scrollTop: number,
  align: 'nearest' | 'center' | 'top',
  max = MAX_SPACER_PX,
): number | null {
  const top = virtualTop(g, scrollTop, max);
  const rowTop = row * g.rowHeight;
  const rowBottom = rowTop + g.rowHeight;
  let target: number;
  if (align === 'top') target = rowTop;
  else if (align === 'center') target = rowTop - (g.viewport - g.rowHeight) / 2;
  else if (rowTop < top) target = rowTop;
  else if (rowBottom > top + g.viewport) target = rowBottom - g.viewport;
  else return null;
  return scrollTopFor(g, target, max);
}

/** True when the list is scrolled to its end (within one row), e.g. to keep following a live capture. */
export function atBottom(g: ScrollGeometry, scrollTop: number, max = MAX_SPACER_PX): boolean {
  const limit = Math.max(0, g.rows * g.rowHeight - g.viewport);
  return virtualTop(g, scrollTop, max) >= limit - g.rowHeight;
}
