import { useState } from 'react';
import { DEFAULT_GRACE_SECONDS, DEFAULT_MIN_AVAILABLE_PERCENT, type GuardRef } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { notifyError, notifySuccess } from '../../../shell/toastStore';
import { useQuery } from '../../../ui/useQuery';
import { POLL_MS } from './detailTabs';

/**
 * Guards a Deployment's rollouts from its History tab: on, Pilothouse rolls
 * a rollout that misses its progress deadline or keeps too few replicas
 * available back by itself (default threshold; the Rollouts page's Guards
 * tab sets others), off stops it. Says what the guard sees now.
 */
export function GuardToggle({ guardRef }: { guardRef: GuardRef }) {
  const guards = useQuery('rollouts.guards', { connectionId: guardRef.connectionId }, { pollMs: POLL_MS });
  const [busy, setBusy] = useState(false);
  const guard = guards.value?.guards.find((g) => g.namespace === guardRef.namespace && g.name === guardRef.name);

  const toggle = async (on: boolean) => {
    setBusy(true);
    try {
      if (on) {
        await call('rollouts.addGuard', { ...guardRef, minAvailablePercent: DEFAULT_MIN_AVAILABLE_PERCENT, graceSeconds: DEFAULT_GRACE_SECONDS });
        notifySuccess(`${guardRef.name} is guarded`, 'A failed rollout is rolled back by itself while Pilothouse runs.');
      } else {
        await call('rollouts.removeGuard', guardRef);
        notifySuccess(`${guardRef.name} is no longer guarded`, 'The audit log can undo this.');
      }
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
      guards.refetch();
    }
  };

  if (!guards.value) return null;
  return (
    <p className="history-guard">
      <label>
        <input type="checkbox" checked={Boolean(guard)} disabled={busy} onChange={(e) => void toggle(e.target.checked)} /> Guard rollouts
      </label>{' '}
      <span className="muted">
        {guard
          ? `rolled back by itself below ${guard.minAvailablePercent}% available for ${guard.graceSeconds} s or past its progress deadline; ${guard.message}`
          : 'off: a failed rollout stays until someone rolls it back'}
      </span>
    </p>
  );
}
