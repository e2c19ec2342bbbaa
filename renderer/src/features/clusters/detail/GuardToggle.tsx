import { useState } from 'react';
import { DEFAULT_GRACE_SECONDS, DEFAULT_MIN_AVAILABLE_PERCENT, type AddGuardParams, type ConnectionSummary, type GuardRef } from '../../../../../shared/contract';
import { call } from '../../../api/client';
import { notifyError, notifySuccess } from '../../../shell/toastStore';
import { useQuery } from '../../../ui/useQuery';
import { ActionDialog, type ActionOutcome } from '../actions/ActionDialog';
import { useConnections } from '../../connections/connectionsStore';
import { useProductionLabel } from '../../connections/productionMarks';
import { POLL_MS } from './detailTabs';

/** Guarding a Deployment (or changing its guard's settings), or no longer guarding it. */
export type GuardChange = { add: AddGuardParams } | { remove: GuardRef };

/** Makes the change; what its success toast says. */
export async function applyGuardChange(change: GuardChange): Promise<ActionOutcome> {
  if ('add' in change) {
    const guard = await call('rollouts.addGuard', change.add);
    return { title: `${guard.namespace}/${guard.name} is guarded`, message: guard.message };
  }
  await call('rollouts.removeGuard', change.remove);
  return { title: `${change.remove.namespace}/${change.remove.name} is no longer guarded`, message: 'The audit log can undo this.' };
}

/**
 * A guard change on a production connection, made once the Deployment's name
 * is typed: a guard rolls the Deployment back by itself, and without one a
 * failed rollout stays until someone rolls it back.
 */
export function GuardChangeDialog({ connection, change, onDone, onClose }: { connection: ConnectionSummary; change: GuardChange; onDone(): void; onClose(): void }) {
  const adding = 'add' in change;
  const ref = adding ? change.add : change.remove;
  const what = `deployment ${ref.name}`;
  return (
    <ActionDialog
      target={{ connection, row: { namespace: ref.namespace } }}
      title={adding ? `Guard ${what}?` : `Stop guarding ${what}?`}
      label={adding ? `Guard ${what}` : `Stop guarding ${what}`}
      action={adding ? { label: 'Guard', busyLabel: 'Guarding…' } : { label: 'Stop guarding', busyLabel: 'Stopping…', danger: true }}
      confirmName={ref.name}
      onClose={onClose}
      // The guards list reads again on its own; a refusal here says "No access" in place.
      onForbidden={() => {}}
      run={async () => {
        const outcome = await applyGuardChange(change);
        onDone();
        return outcome;
      }}
    >
      <p>
        {adding
          ? `While Pilothouse runs, a rollout of ${ref.name} that misses its progress deadline or keeps fewer than ${change.add.minAvailablePercent}% available for ${change.add.graceSeconds} s is rolled back by itself.`
          : `A failed rollout of ${ref.name} will stay until someone rolls it back.`}
      </p>
    </ActionDialog>
  );
}

/**
 * Guards a Deployment's rollouts from its History tab: on, Pilothouse rolls
 * a rollout that misses its progress deadline or keeps too few replicas
 * available back by itself (default threshold; the Rollouts page's Guards
 * tab sets others), off stops it; on a production connection either asks
 * for the name to be typed. Says what the guard sees now.
 */
export function GuardToggle({ guardRef }: { guardRef: GuardRef }) {
  const guards = useQuery('rollouts.guards', { connectionId: guardRef.connectionId }, { pollMs: POLL_MS });
  const connection = useConnections((s) => s.connections.find((c) => c.id === guardRef.connectionId));
  const production = useProductionLabel(connection?.labels ?? {}) !== undefined;
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<GuardChange>();
  const guard = guards.value?.guards.find((g) => g.namespace === guardRef.namespace && g.name === guardRef.name);

  const toggle = async (on: boolean) => {
    const change: GuardChange = on ? { add: { ...guardRef, minAvailablePercent: DEFAULT_MIN_AVAILABLE_PERCENT, graceSeconds: DEFAULT_GRACE_SECONDS } } : { remove: guardRef };
    if (production) {
      setConfirming(change);
      return;
    }
    setBusy(true);
    try {
      await applyGuardChange(change);
      notifySuccess(
        on ? `${guardRef.name} is guarded` : `${guardRef.name} is no longer guarded`,
        on ? 'A failed rollout is rolled back by itself while Pilothouse runs.' : 'The audit log can undo this.',
      );
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
      guards.refetch();
    }
  };

  if (!guards.value) return null;
  return (
    <>
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
      {confirming && connection && <GuardChangeDialog connection={connection} change={confirming} onDone={guards.refetch} onClose={() => setConfirming(undefined)} />}
    </>
  );
}
