import { useEffect, useLayoutEffect, useRef } from 'react';
import { useUi } from '../../shell/uiStore';

/** What the inspector's keys do. */
export interface InspectorKeyActions {
  /** Selects the row `delta` away from the selection (first row when nothing is selected). */
  move(delta: number): void;
  /** Selects the first (`top`) or last (`bottom`) row. */
  jump(to: 'top' | 'bottom'): void;
  open(): void;
  /** Esc outside a text field: closes the detail pane. */
  back(): void;
  focusFilter(): void;
  focusGrid(): void;
}

/** Where typed keys are text, not commands. */
export const TEXT_ENTRY = 'input, textarea, select, [contenteditable="true"]';

/** A dialog or the palette is open, so keys belong to it: app-wide ones by the UI store, any other by the aria-modal that Modal renders. */
export function overlayOpen(): boolean {
  const ui = useUi.getState();
  return Boolean(ui.dialog || ui.paletteOpen || document.querySelector('[aria-modal="true"]'));
}

/**
 * k9s-style keys while the inspector is shown: `/` filter, `j`/`k` and arrows
 * move, `g`/`G` top and bottom, Enter opens the detail, Esc goes back. Keys
 * typed into a field stay there (Esc leaves the field), and nothing happens
 * while a dialog or the palette is open.
 */
export function useInspectorKeys(actions: InspectorKeyActions): void {
  const current = useRef(actions);
  useLayoutEffect(() => {
    current.current = actions;
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      if (overlayOpen()) return;
      const a = current.current;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest(TEXT_ENTRY)) {
        if (e.key === 'Escape') {
          e.preventDefault();
          a.focusGrid();
        }
        return;
      }
      const handled = () => e.preventDefault();
      switch (e.key) {
        case '/':
          handled();
          return a.focusFilter();
        case 'j':
        case 'ArrowDown':
          handled();
          return a.move(1);
        case 'k':
        case 'ArrowUp':
          handled();
          return a.move(-1);
        case 'g':
        case 'Home':
          handled();
          return a.jump('top');
        case 'G':
        case 'End':
          handled();
          return a.jump('bottom');
        case 'Escape':
          return a.back();
        case 'Enter':
          // Enter on a button or link (a sort header, the picker) belongs to it.
          if (!target || target === document.body || target.matches('[role="grid"]')) {
            handled();
            a.open();
          }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
