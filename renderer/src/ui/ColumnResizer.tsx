import type { KeyboardEvent, PointerEvent } from 'react';

/** The narrowest a user can make a column (px), and the widest. */
export const MIN_COLUMN_WIDTH = 48;
const MAX_COLUMN_WIDTH = 1600;
/** How far one arrow key moves the edge (px); four times as far with Shift. */
export const RESIZE_STEP = 16;

const clamp = (width: number) => Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)));

interface ColumnResizerProps {
  /** The column's title, for the handle's accessible name. */
  title: string;
  /** The width the user gave the column (px), if any. */
  sized: number | undefined;
  /** Used where the header cannot be measured (no layout) and the user gave no width. */
  fallback: number;
  /** A width (px), or null for the automatic one; `passing` while a drag is still under way (shown, not yet kept). */
  onResize(width: number | null, passing?: boolean): void;
}

/**
 * The right edge of a column header: drag it, or focus it and press
 * ArrowLeft/ArrowRight; a double click or Enter gives the column back its
 * automatic width. A focusable separator, as in the WAI-ARIA window splitter.
 * The header is measured once when a resize starts, never while rendering.
 */
export function ColumnResizer({ title, sized, fallback, onResize }: ColumnResizerProps) {
  const widthNow = (handle: HTMLElement) => sized ?? (handle.parentElement?.getBoundingClientRect().width || fallback);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    // No text selection while dragging.
    e.preventDefault();
    const handle = e.currentTarget;
    const from = e.clientX;
    const start = widthNow(handle);
    let last: number | undefined;
    const move = (m: globalThis.PointerEvent) => {
      last = clamp(start + m.clientX - from);
      onResize(last, true);
    };
    const end = () => {
      // Kept once, where the drag ended.
      if (last !== undefined) onResize(last);
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
    };
    handle.setPointerCapture(e.pointerId);
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 4 * RESIZE_STEP : RESIZE_STEP;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') onResize(clamp(widthNow(e.currentTarget) + (e.key === 'ArrowLeft' ? -step : step)));
    else if (e.key === 'Enter') onResize(null);
    else return;
    // Taken: the table's own keys (Enter opens the row) must not act on it too.
    e.preventDefault();
  };

  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${title}`}
      aria-valuenow={sized}
      aria-valuemin={MIN_COLUMN_WIDTH}
      aria-valuemax={MAX_COLUMN_WIDTH}
      tabIndex={0}
      className="vt-resize"
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onDoubleClick={() => onResize(null)}
    />
  );
}
