import { useEffect } from 'react';
import type { Alert } from '../../../../shared/contract';
import { getBridge } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { useToasts } from '../../shell/toastStore';

/** The toast new alerts show: one per alert, or one for many. */
export function alertsToast(opened: readonly Alert[]): { title: string; message: string } {
  if (opened.length === 1) return { title: opened[0].title, message: `${opened[0].ruleName}: ${opened[0].detail}` };
  return { title: `${opened.length} alerts fired`, message: `${opened.slice(0, 3).map((a) => a.title).join('; ')}${opened.length > 3 ? '; …' : ''}. See Alerts.` };
}

/**
 * Shows new alerts as a toast in browser mode, where no OS notification is
 * shown; the desktop app's services show one themselves.
 */
export function useAlertToasts(): void {
  useEffect(
    () =>
      getBridge().events['alerts.changed'](({ opened }) => {
        if (!opened.length || useAppInfo.getState().info?.mode === 'desktop') return;
        useToasts.getState().push({ tone: 'error', ...alertsToast(opened) });
      }),
    [],
  );
}
