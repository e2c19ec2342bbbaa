import { useState, type FormEvent } from 'react';
import {
  DEFAULT_GRACE_SECONDS,
  DEFAULT_MIN_AVAILABLE_PERCENT,
  type ConnectionSummary,
  type GuardState,
  type GuardTrip,
  type RolloutGuard,
} from '../../../../shared/contract';
import { describeError } from '../../shell/errorActions';
import { notifyError, notifySuccess } from '../../shell/toastStore';
import { useQuery } from '../../ui/useQuery';
import { Age } from '../clusters/CellValue';
import { CallProblem } from '../clusters/detail/CallProblem';
import { applyGuardChange, GuardChangeDialog, type GuardChange } from '../clusters/detail/GuardToggle';
import { useProductionLabel } from '../connections/productionMarks';
import { useNamespaceChoice } from '../clusters/namespaceChoice';
import { ViewHeader } from './ViewHeader';
import './guards.css';

/** Guards are read again this often while shown: the services read each Deployment every 5 s. */
const POLL_MS = 5_000;

const STATE: Record<GuardState, { label: string; tone: string }> = {
  starting: { label: 'starting', tone: 'tone-neutral' },
  watching: { label: 'watching', tone: 'tone-ok' },
  rollout: { label: 'rollout in progress', tone: 'tone-warn' },
  paused: { label: 'paused', tone: 'tone-neutral' },
  tripped: { label: 'tripped', tone: 'tone-bad' },
  unreadable: { label: 'cannot read', tone: 'tone-bad' },
};

/** How the last trip's rollback ended, in a few words; the revision it went to is known once its task said. */
function tripOutcome(trip: GuardTrip): string {
  const to = trip.toRevision !== undefined ? `revision ${trip.toRevision}` : 'the revision before it';
  if (!trip.outcome) return `rolling back to ${to}…`;
  if (trip.outcome.status === 'succeeded') return `rolled back to ${to}`;
  return `rollback to ${to} ${trip.outcome.status}${trip.outcome.message ? `: ${trip.outcome.message}` : ''}`;
}

/** A guard not read for a while: what it says may no longer hold. */
function NotReadSince({ guard }: { guard: RolloutGuard }) {
  if (!guard.stale) return null;
  return (
    <div className="guard-trip-failed">
      not read since {guard.readAt ? <Age iso={guard.readAt} suffix=" ago" /> : 'Pilothouse started'}
    </div>
  );
}

function LastTrip({ trip }: { trip: GuardTrip | undefined }) {
  if (!trip) return <span className="muted">never</span>;
  return (
    <>
      <span className={trip.outcome && trip.outcome.status !== 'succeeded' ? 'guard-trip-failed' : undefined}>
        Tripped <Age iso={trip.at} suffix=" ago" /> on revision {trip.fromRevision}, {tripOutcome(trip)}
      </span>
      <div className="muted guard-reason">{trip.reason}</div>
    </>
  );
}

/**
 * The chosen connection's guarded Deployments: Pilothouse rolls one back by
 * itself when a rollout misses its progress deadline or keeps too few
 * replicas available, while it runs. Add a guard by namespace and name,
 * remove one; each shows what it sees now and its last trip.
 */
export function GuardsView({ connection }: { connection: ConnectionSummary }) {
  const query = useQuery('rollouts.guards', { connectionId: connection.id }, { pollMs: POLL_MS });
  const [filter, setFilter] = useState('');
  const guards = query.value?.guards;
  const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const production = useProductionLabel(connection.labels) !== undefined;
  const [confirming, setConfirming] = useState<GuardChange>();
  const shown = (guards ?? []).filter((g) => words.every((w) => `${g.namespace}/${g.name} ${STATE[g.state].label} ${g.message} ${g.createdBy}`.toLowerCase().includes(w)));

  const remove = async (g: RolloutGuard) => {
    const change: GuardChange = { remove: { connectionId: g.connectionId, namespace: g.namespace, name: g.name } };
    if (production) {
      setConfirming(change);
      return;
    }
    try {
      const { title, message } = await applyGuardChange(change);
      notifySuccess(title, message);
    } catch (err) {
      notifyError(err);
    }
    query.refetch();
  };

  return (
    <div className="rollout-guards">
      <ViewHeader
        summary={guards && `${guards.length} guarded Deployment${guards.length === 1 ? '' : 's'} on ${connection.name}, read every few seconds while Pilothouse runs`}
        reading="Reading guards…"
        loading={query.loading}
        filterLabel="Filter guards"
        placeholder="name, namespace, state"
        filter={filter}
        onFilter={setFilter}
        onRefresh={query.refetch}
      />
      <p className="muted">
        A guarded Deployment whose rollout misses its progress deadline, or keeps fewer replicas available than its threshold for longer than its grace period, is rolled
        back to the revision before it, as a task in the tray, audited with its undo. A rolling update may go as low as its own maxUnavailable allows, and a Recreate one
        trips only past its progress deadline. Availability lost with no rollout in progress is not rolled back.
      </p>
      <AddGuardForm connection={connection} production={production} onConfirm={setConfirming} onAdded={query.refetch} />
      {confirming && <GuardChangeDialog connection={connection} change={confirming} onDone={query.refetch} onClose={() => setConfirming(undefined)} />}
      {query.error !== undefined && <CallProblem error={query.error} what="the guards" onRetry={query.refetch} />}
      {guards && (
        <table className="related-pods" aria-label="Guarded Deployments">
          <thead>
            <tr>
              <th>Deployment</th>
              <th>Trips when</th>
              <th>State</th>
              <th>Last trip</th>
              <th>Set by</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((g) => (
              <tr key={`${g.namespace}/${g.name}`}>
                <td>
                  <span className="muted">{g.namespace}/</span>
                  {g.name}
                </td>
                <td>
                  below {g.minAvailablePercent}% available for {g.graceSeconds} s, or past its progress deadline
                </td>
                <td>
                  <span className={`badge ${STATE[g.state].tone}`}>{STATE[g.state].label}</span> {g.message}
                  <NotReadSince guard={g} />
                </td>
                <td>
                  <LastTrip trip={g.lastTrip} />
                </td>
                <td>{g.createdBy}</td>
                <td>
                  <button type="button" onClick={() => void remove(g)} aria-label={`Stop guarding ${g.namespace}/${g.name}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {guards && !shown.length && <p className="muted">{words.length ? 'No guard matches the filter.' : 'No Deployment on this cluster is guarded yet.'}</p>}
    </div>
  );
}

/** Guards a Deployment by namespace and name; the services check it exists. On a production connection the change is confirmed (`onConfirm`) with the name typed. */
function AddGuardForm({ connection, production, onConfirm, onAdded }: { connection: ConnectionSummary; production: boolean; onConfirm(change: GuardChange): void; onAdded(): void }) {
  const { choice } = useNamespaceChoice(connection.id);
  const [namespace, setNamespace] = useState(() => choice.scope ?? 'default');
  const [name, setName] = useState('');
  const [percent, setPercent] = useState(String(DEFAULT_MIN_AVAILABLE_PERCENT));
  const [grace, setGrace] = useState(String(DEFAULT_GRACE_SECONDS));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const change: GuardChange = {
      add: { connectionId: connection.id, namespace: namespace.trim(), name: name.trim(), minAvailablePercent: Number(percent), graceSeconds: Number(grace) },
    };
    if (production) {
      onConfirm(change);
      return;
    }
    setBusy(true);
    try {
      const { title, message } = await applyGuardChange(change);
      notifySuccess(title, message);
      setName('');
      onAdded();
    } catch (err) {
      setError(describeError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="guard-add" aria-label="Guard a Deployment" onSubmit={(e) => void submit(e)}>
      <label className="field inline">
        <span>Namespace</span>
        <input required value={namespace} onChange={(e) => setNamespace(e.target.value)} />
      </label>
      <label className="field inline">
        <span>Deployment</span>
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field inline">
        <span>Min. available %</span>
        <input type="number" required min={1} max={100} step={1} value={percent} onChange={(e) => setPercent(e.target.value)} />
      </label>
      <label className="field inline">
        <span>Grace (s)</span>
        <input type="number" required min={0} max={3600} step={1} value={grace} onChange={(e) => setGrace(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking…' : 'Guard'}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
