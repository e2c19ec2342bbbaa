import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './portForwardThrottle';

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the first call at once and collapses a burst into one run per interval, ending on the last state', () => {
    const runs: number[] = [];
    let state = 0;
    const t = throttle(() => runs.push(state), 250);
    for (let i = 1; i <= 1000; i++) {
      state = i;
      t.schedule();
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(250);
    // 1000 calls over 1 s: the immediate run plus one per 250 ms.
    expect(runs.length).toBeLessThanOrEqual(5);
    expect(runs[0]).toBe(1);
    expect(runs.at(-1)).toBe(1000);
  });

  it('runs at once again after a quiet interval, and cancel drops a pending run', () => {
    const fn = vi.fn();
    const t = throttle(fn, 250);
    t.schedule();
    t.schedule();
    expect(fn).toHaveBeenCalledTimes(1);
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
    t.schedule();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
