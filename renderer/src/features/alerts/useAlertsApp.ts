import { useEffect } from 'react';
import { create } from 'zustand';
import type { Alert } from '../../../../shared/contract';
import { call, getBridge } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import type { NavBadge } from '../../shell/feature';
import { useToasts } from '../../shell/toastStore';

/** Firing alerts nobody acknowledged, as the services last said; null until known. */
export const useFiringCount = create<{ count: number | null }>()(() => ({ count: null }));

/** The navigation's count of firing, unacknowledged alerts. */
export function useAlertsBadge(): NavBadge | undefined {
  const count = useFiringCount((s) => s.count);
  return count ? { count, label: `${count} firing alert${count === 1 ? '' : 's'} not acknowledged` } : undefined;
}

/** The toast new alerts show: one per alert, or one for many. */
export function alertsToast(opened: readonly Alert[]): { title: string; message: string } {
  if (opened.length === 1) return { title: opened[0].title, message: `${opened[0].ruleName}: ${opened[0].detail}` };
  return { title: `${opened.length} alerts fired`, message: `${opened.slice(0, 3).map((a) => a.title).join('; ')}${opened.length > 3 ? '; …' : ''}. See Alerts.` };
}

/**
 * Keeps the count of firing alerts current for the navigation, and shows new
 * alerts as a toast in browser mode, where no OS notification is shown (the
 * desktop app's services show one themselves).
 */
export function useAlertsApp(): void {
  useEffect(() => {
    const bridge = getBridge();
    let alive = true;
    const load = () =>
      call('alerts.list', { state: 'firing' }).then(
        ({ firingUnacknowledged }) => alive && useFiringCount.setState({ count: firingUnacknowledged }),
        // The count is a convenience: the page says what failed when it is opened.
        () => undefined,
      );
    void load();
    const offChanged = bridge.events['alerts.changed'](({ opened, firingUnacknowledged }) => {
      useFiringCount.setState({ count: firingUnacknowledged });
      if (!opened.length || useAppInfo.getState().info?.mode === 'desktop') return;
      useToasts.getState().push({ tone: 'error', ...alertsToast(opened) });
    });
    // Events were missed: the count is asked again.
    const offResync = bridge.onResync(() => void load());
    return () => {
      alive = false;
      offChanged();
      offResync();
    };
  }, []);
}
