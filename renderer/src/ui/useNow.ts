import { useSyncExternalStore } from 'react';

/** Ages change by the second only in their first minute; a few seconds is fresh enough. */
const TICK_MS = 5000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * The current time, refreshed every few seconds by one shared timer. Only the
 * components that call it (the age cells on screen) re-render on a tick,
 * not the rows around them.
 */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
