import { useEffect, useState } from 'react';
import { getBridge } from '../../api/client';

/** Counts changes to the GPU price table (`gpu.pricesChanged` from any window, or events missed): price lists and idle costs ask again. */
export function usePricesVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bridge = getBridge();
    const bump = () => setVersion((v) => v + 1);
    const offChanged = bridge.events['gpu.pricesChanged'](bump);
    const offResync = bridge.onResync(bump);
    return () => {
      offChanged();
      offResync();
    };
  }, []);
  return version;
}
