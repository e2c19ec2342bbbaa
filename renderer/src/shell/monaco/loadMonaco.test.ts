import { afterEach, describe, expect, it, vi } from 'vitest';

const imported = vi.fn();
vi.mock('./monaco', () => {
  imported();
  return { monaco: { editor: 'the one instance' } };
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('preloading Monaco', () => {
  it('loads it once the app has started and the browser is idle, so the first YAML tab finds it loaded', async () => {
    vi.useFakeTimers();
    const idle: (() => void)[] = [];
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => idle.push(callback));
    const { loadMonaco, preloadMonacoWhenIdle } = await import('./loadMonaco');

    preloadMonacoWhenIdle();
    // Not during start-up: the first view's own work comes first.
    expect(idle).toHaveLength(0);
    vi.advanceTimersByTime(3000);
    expect(idle).toHaveLength(1);
    expect(imported).not.toHaveBeenCalled();

    idle[0]();
    vi.useRealTimers();
    const preloaded = await vi.waitFor(() => {
      expect(imported).toHaveBeenCalledTimes(1);
      return loadMonaco();
    });
    // The editor later gets the same instance, with no second load.
    expect(await loadMonaco()).toBe(preloaded);
    expect(preloaded).toEqual({ editor: 'the one instance' });
    expect(imported).toHaveBeenCalledTimes(1);
  });
});
