import { useEffect, useState } from 'react';
import type { EventName } from '../../../shared/contract';
import { getBridge } from '../api/client';

/**
 * Counts the `event`s received and the resyncs after events were missed:
 * pass it as a query's `refreshKey` so lists and the item shown ask again
 * when what they show changed.
 */
export function useRefreshCount(event: EventName): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const bridge = getBridge();
    const bump = () => setCount((v) => v + 1);
    const offEvent = bridge.events[event](bump);
    const offResync = bridge.onResync(bump);
    return () => {
      offEvent();
      offResync();
    };
  }, [event]);
  return count;
}
