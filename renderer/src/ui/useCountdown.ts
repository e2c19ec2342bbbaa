import { useEffect, useState } from 'react';

/** Whole seconds from now until `target` (ms since epoch); 0 once it has passed, or for NaN. */
function secondsUntil(target: number): number {
  return Number.isNaN(target) ? 0 : Math.max(0, Math.ceil((target - Date.now()) / 1000));
}

/** Whole seconds until `at` (an ISO time), ticking each second until it passes; 0 once it has, or without one. */
export function useCountdown(at: string | undefined): number {
  const target = at ? Date.parse(at) : NaN;
  const [left, setLeft] = useState(() => secondsUntil(target));
  useEffect(() => {
    setLeft(secondsUntil(target));
    if (secondsUntil(target) === 0) return;
    const timer = setInterval(() => {
      const now = secondsUntil(target);
      setLeft(now);
      if (now === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [target]);
  return left;
}
