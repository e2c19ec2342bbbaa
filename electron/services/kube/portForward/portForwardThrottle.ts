/** Calls that may come in bursts, run at most once per interval. */
export interface Throttle {
  /** Runs the function now if the interval has passed since its last run, else once when it has. */
  schedule(): void;
  /** Drops a pending run. */
  cancel(): void;
}

/**
 * Throttles `fn` to one run per `intervalMs`: the first call of a quiet
 * period runs at once, later ones collapse into one run at the end of the
 * interval, so the last state is always delivered.
 */
export function throttle(fn: () => void, intervalMs: number): Throttle {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    lastRun = Date.now();
    fn();
  };
  return {
    schedule() {
      if (timer) return;
      const wait = lastRun + intervalMs - Date.now();
      if (wait <= 0) return run();
      timer = setTimeout(run, wait);
      // A pending update must not keep the process alive at shutdown.
      timer.unref?.();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
