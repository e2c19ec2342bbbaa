import { useLayoutEffect, type RefObject } from 'react';

/**
 * Calls `measure` with the element now and whenever its size changes; on the
 * window's resize where ResizeObserver is missing (jsdom). `measure` is read
 * once: give it only stable things (refs, state setters).
 */
export function useResizeEffect(ref: RefObject<HTMLElement | null>, measure: (el: HTMLElement) => void): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onResize = () => measure(el);
    onResize();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', onResize);
      return () => window.removeEventListener('resize', onResize);
    }
    const observer = new ResizeObserver(onResize);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
}
