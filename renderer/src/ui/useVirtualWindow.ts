import { useRef, useState, type RefObject } from 'react';
import { useResizeEffect } from './useResizeEffect';

/** Every row is this tall (px); the stylesheet's `.vt-row` says the same. */
export const ROW_HEIGHT = 28;
/** The sticky header's height (px); `.vt-head` says the same. */
export const HEADER_HEIGHT = 32;
/** Rows rendered beyond each edge of the viewport, so fast scrolling does not show blanks. */
const OVERSCAN = 8;
/** Used until the scroll container has been measured, and where there is no layout (jsdom). */
export const FALLBACK_VIEWPORT = 600;

/** The slice of rows to render, and a way to scroll one into view. */
export interface VirtualWindow {
  /** The scroll container; its height is measured. */
  ref: RefObject<HTMLDivElement | null>;
  start: number;
  end: number;
  onScroll(): void;
  /** Scrolls the least needed to show row `index` whole. */
  reveal(index: number): void;
}

/**
 * Virtualises `count` fixed-height rows: only the rows in the measured
 * viewport (plus overscan) are rendered, so 10,000 rows cost what 40 do.
 * `header` is the height of a sticky header above the rows (0: a plain list).
 */
export function useVirtualWindow(count: number, { header = HEADER_HEIGHT }: { header?: number } = {}): VirtualWindow {
  const ref = useRef<HTMLDivElement>(null);
  const [measured, setMeasured] = useState(0);
  const [top, setTop] = useState(0);

  useResizeEffect(ref, (el) => setMeasured(el.clientHeight));

  const viewport = measured || FALLBACK_VIEWPORT;
  const inView = Math.ceil(Math.max(0, viewport - header) / ROW_HEIGHT) + 1;
  // After the rows shrink (a filter), the old scroll position may lie past the end.
  const first = Math.min(top, Math.max(0, count - inView));
  const start = Math.max(0, first - OVERSCAN);
  const end = Math.min(count, first + inView + OVERSCAN);

  const scrollTo = (y: number) => {
    const el = ref.current!;
    el.scrollTop = y;
    // Set directly as well: the scroll event comes later, and not at all without layout.
    setTop(Math.floor(y / ROW_HEIGHT));
  };

  return {
    ref,
    start,
    end,
    onScroll: () => setTop(Math.floor(ref.current!.scrollTop / ROW_HEIGHT)),
    reveal(index) {
      const el = ref.current;
      if (!el) return;
      const body = viewport - header;
      const y = index * ROW_HEIGHT;
      if (y < el.scrollTop) scrollTo(y);
      else if (y + ROW_HEIGHT > el.scrollTop + body) scrollTo(y + ROW_HEIGHT - body);
    },
  };
}
