import { describe, expect, it } from 'vitest';
import { forEachBounded } from './bounded';

/** A call that ends when the test says so. */
function gate() {
  const open: (() => void)[] = [];
  const started: number[] = [];
  const fn = (item: number) =>
    new Promise<void>((resolve) => {
      started.push(item);
      open.push(resolve);
    });
  const settle = async () => {
    open.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { fn, started, open, settle };
}

describe('forEachBounded', () => {
  it('keeps at most `limit` calls running, starting the next in order as each ends', async () => {
    const g = gate();
    const done = forEachBounded([1, 2, 3, 4, 5, 6], 4, g.fn);
    expect(g.started).toEqual([1, 2, 3, 4]);
    await g.settle();
    expect(g.started).toEqual([1, 2, 3, 4, 5]);
    expect(g.open).toHaveLength(4);
    while (g.open.length) await g.settle();
    await done;
    expect(g.started).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('starts nothing more once stopped, and lets the calls under way end', async () => {
    const g = gate();
    let stopped = false;
    const done = forEachBounded([1, 2, 3, 4], 2, g.fn, () => stopped);
    stopped = true;
    await g.settle();
    await g.settle();
    await done;
    expect(g.started).toEqual([1, 2]);
  });
});
