import { useEffect, useLayoutEffect, useRef } from 'react';
import { overlayOpen, TEXT_ENTRY } from '../useInspectorKeys';
import type { DetailTab } from './detailTabs';

/**
 * The detail pane's single-letter keys (`o` Overview, `y` YAML, …) while it
 * is open: not while typing in a field (Monaco's is a textarea), nor while
 * any dialog or the palette is open. Focus stays where it is, so j/k keep
 * moving the selection and the chosen tab follows it.
 */
export function useTabKeys(tabs: readonly DetailTab[], show: (tab: DetailTab) => void): void {
  const current = useRef({ tabs, show });
  useLayoutEffect(() => {
    current.current = { tabs, show };
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || overlayOpen()) return;
      if (e.target instanceof Element && e.target.closest(TEXT_ENTRY)) return;
      const tab = current.current.tabs.find((t) => t.key === e.key);
      if (!tab) return;
      e.preventDefault();
      current.current.show(tab);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
