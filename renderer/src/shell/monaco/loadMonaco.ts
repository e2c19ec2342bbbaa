/** The Monaco API, as the `monaco` chunk exports it. */
export type Monaco = typeof import('./monaco').monaco;

let loading: Promise<Monaco> | undefined;

/**
 * Loads Monaco on first use (a dynamic import, so it stays out of the startup
 * bundle) and shares the one instance afterwards. A failed load is forgotten,
 * so the next editor tries again.
 */
export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./monaco').then(
    (m) => m.monaco,
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

/** How long after start the preload waits, so it never competes with the first view's own work. */
const PRELOAD_AFTER_MS = 3000;

/**
 * Loads Monaco once the app has started and the browser is idle: the first
 * YAML tab then opens at once instead of waiting ~2.5 s for the editor. A
 * failed preload is forgotten (see {@link loadMonaco}); the tab tries again.
 */
export function preloadMonacoWhenIdle(): void {
  setTimeout(() => requestIdleCallback(() => void loadMonaco().catch(() => undefined), { timeout: 10_000 }), PRELOAD_AFTER_MS);
}
