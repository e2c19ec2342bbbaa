import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useResizeEffect } from '../../../ui/useResizeEffect';
import { FALLBACK_VIEWPORT } from '../../../ui/useVirtualWindow';
import type { LogRows } from './logRows';

/** Rows rendered beyond each edge of the viewport, so fast scrolling does not show blanks. */
const OVERSCAN = 12;
/** Characters in the probe that measures the font's character width. */
export const PROBE_CHARS = 100;
/** Horizontal padding of a line (px); `.log-line` in logs.css says the same. */
const LINE_PADDING_X = 20;
/** Fewer columns than this is not worth wrapping at: the lines would be unreadable either way. */
const MIN_COLUMNS = 20;

/** The size of the log's viewport, and how many characters fit on one line. */
export interface LogViewport {
  ref: RefObject<HTMLDivElement | null>;
  /** An element `PROBE_CHARS` characters wide in the log's font. */
  probeRef: RefObject<HTMLSpanElement | null>;
  height: number;
  /** Characters per line when wrapping; Infinity where there is no layout to measure (jsdom). */
  columns: number;
}

/** Measures the log's scroll container and its font, again whenever it is resized. */
export function useLogViewport(): LogViewport {
  const ref = useRef<HTMLDivElement>(null);
  const probeRef = useRef<HTMLSpanElement>(null);
  const [size, setSize] = useState({ height: 0, width: 0, charWidth: 0 });

  useResizeEffect(ref, (el) => {
    const charWidth = (probeRef.current?.getBoundingClientRect().width ?? 0) / PROBE_CHARS;
    setSize((s) => (s.height === el.clientHeight && s.width === el.clientWidth && s.charWidth === charWidth ? s : { height: el.clientHeight, width: el.clientWidth, charWidth }));
  });

  const columns = size.width > 0 && size.charWidth > 0 ? Math.max(MIN_COLUMNS, Math.floor((size.width - LINE_PADDING_X) / size.charWidth)) : Infinity;
  return { ref, probeRef, height: size.height || FALLBACK_VIEWPORT, columns };
}

/** The slice of rows to render and the scrolling the log does by itself. */
export interface LogWindow {
  start: number;
  end: number;
  /** The view is at its bottom (or the user has not scrolled away from it). */
  pinned: boolean;
  /** Following and pinned: new rows scroll into view. */
  autoScroll: boolean;
  /** Rows added below since the view last auto-scrolled or was taken to the bottom. */
  unseen: number;
  onScroll(): void;
  /** Scrolls row `index` into view, a third down the viewport, and stops auto-scrolling there. */
  reveal(index: number): void;
  scrollBy(dy: number): void;
  toTop(): void;
  /** To the last row; auto-scrolling resumes if following. */
  toBottom(): void;
}

/**
 * Virtualises the rows of a log (only those in view, plus overscan, are
 * rendered) and keeps it where the user expects it: at the bottom while
 * following, unless they scrolled up; and otherwise on the same line at the
 * same place, even as old lines are evicted above it or the rows re-wrap.
 */
export function useLogWindow(viewport: LogViewport, rows: LogRows, follow: boolean): LogWindow {
  const { ref, height } = viewport;
  const [top, setTop] = useState(0);
  const [pinned, setPinned] = useState(true);
  const current = useRef({ rows, height });
  current.current = { rows, height };
  /** The line at the top of the viewport, and how far into it the viewport starts. */
  const anchor = useRef<{ seq: number; offset: number } | null>(null);
  /** Seq after the last row shown while auto-scrolling (or taken to the bottom). */
  const seenEnd = useRef<number | null>(null);
  const autoScroll = follow && pinned;

  const bottomOf = (r: LogRows, h: number) => Math.max(0, r.total - h);
  const endSeq = (r: LogRows) => (r.count ? r.seqAt(r.count - 1) + 1 : -1);

  const anchorAt = (r: LogRows, y: number) => {
    const i = r.indexAt(y);
    anchor.current = r.count ? { seq: r.seqAt(i), offset: y - r.top(i) } : null;
  };
  /** Records where the view is, after a scroll of either kind. */
  const sync = (y: number) => {
    const { rows: r, height: h } = current.current;
    setTop(y);
    setPinned(y >= bottomOf(r, h) - 1);
    anchorAt(r, y);
  };
  const scrollTo = (y: number) => {
    const { rows: r, height: h } = current.current;
    const clamped = Math.max(0, Math.min(Math.round(y), bottomOf(r, h)));
    if (ref.current) ref.current.scrollTop = clamped;
    // Recorded now as well: the scroll event comes later, and not at all without layout.
    sync(clamped);
  };

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let y: number;
    if (autoScroll) {
      y = bottomOf(rows, height);
      seenEnd.current = endSeq(rows);
      // Where to stay once following stops.
      anchorAt(rows, y);
    } else {
      const a = anchor.current;
      if (!a) return;
      const i = rows.indexOf(a.seq);
      // When the anchor line was evicted, the view stays at the top of what is left.
      const offset = i < rows.count && rows.seqAt(i) === a.seq ? a.offset : 0;
      y = Math.max(0, Math.min(rows.top(i) + offset, bottomOf(rows, height)));
    }
    if (Math.abs(el.scrollTop - y) >= 1) el.scrollTop = y;
    if (y !== top) setTop(y);
  });

  const first = rows.indexAt(top);
  const last = rows.indexAt(top + height);
  const seen = seenEnd.current;
  return {
    start: Math.max(0, first - OVERSCAN),
    end: Math.min(rows.count, last + 1 + OVERSCAN),
    pinned,
    autoScroll,
    unseen: autoScroll || seen === null ? 0 : rows.count - rows.indexOf(seen),
    onScroll: () => ref.current && sync(ref.current.scrollTop),
    reveal(index) {
      const { rows: r, height: h } = current.current;
      scrollTo(r.top(index) - Math.floor(h / 3));
      // Even when the row is near the bottom: new lines must not carry it away.
      setPinned(false);
    },
    scrollBy: (dy) => scrollTo(top + dy),
    toTop: () => scrollTo(0),
    toBottom() {
      const { rows: r, height: h } = current.current;
      seenEnd.current = endSeq(r);
      scrollTo(bottomOf(r, h));
    },
  };
}
