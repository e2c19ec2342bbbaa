import { useEffect } from 'react';
import type { GuardTripped } from '../../../../shared/contract';
import { getBridge } from '../../api/client';
import { useToasts } from '../../shell/toastStore';

/** The toast a guard's trip, or its failed rollback, shows; the rollback itself is in the task tray. */
export function guardToast(e: GuardTripped): { title: string; message: string } {
  const where = `${e.connectionName}/${e.namespace}/${e.name}`;
  return e.rollback === 'started'
    ? { title: `Guard rolled back ${where}`, message: `Revision ${e.fromRevision} ${e.reason}. Rolling back to the revision before it: follow it in the task tray.` }
    : { title: `Automatic rollback of ${where} failed`, message: e.message ?? `It could not roll back revision ${e.fromRevision}; see the task tray.` };
}

/** Shows every guard trip as a toast that stays until dismissed, in whichever window is open. */
export function useGuardAlerts(): void {
  useEffect(() => getBridge().events['rollouts.guardTripped']((e) => void useToasts.getState().push({ tone: 'error', ...guardToast(e) })), []);
}
