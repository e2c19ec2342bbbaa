import { useEffect } from 'react';
import { create } from 'zustand';
import type { AppInfo } from '../../../shared/contract';
import { call } from '../api/client';

/** Facts about the running app (`app.info`): desktop or browser mode, what it can do. Null until loaded. */
export const useAppInfo = create<{ info: AppInfo | null }>()(() => ({ info: null }));

/** Loads `app.info` once; without it the UI offers only what works everywhere. */
export function useLoadAppInfo(): void {
  useEffect(() => {
    call('app.info', {}).then(
      (info) => useAppInfo.setState({ info }),
      (err: unknown) => console.error('app.info failed; desktop-only features stay hidden', err),
    );
  }, []);
}
