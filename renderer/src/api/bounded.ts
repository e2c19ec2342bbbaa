/**
 * Runs `fn` over `items` in order, at most `limit` at a time, so many calls
 * through the contract do not flood the services or a cluster; starts no
 * more once `stopped()` says so. `fn` should catch its own failures.
 */
export async function forEachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopped()) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
