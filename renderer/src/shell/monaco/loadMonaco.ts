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
