import type { ConnectionSummary, VeleroObject } from '../../../../shared/contract';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError } from '../../shell/errorActions';
import { useNow } from '../../ui/useNow';
import { useQuery } from '../../ui/useQuery';
import { When } from './NamespacesView';

const PHASE_TONE: Record<string, string> = { Completed: 'tone-ok', Enabled: 'tone-ok', Failed: 'tone-bad', PartiallyFailed: 'tone-bad', FailedValidation: 'tone-bad', Paused: 'tone-neutral' };

/** Velero restores a backup that completed, also one with some items failed. */
const restorable = (o: VeleroObject) => o.phase === 'Completed' || o.phase === 'PartiallyFailed';

function VeleroTable({ label, objects, detailLabel, now, onDrill }: { label: string; objects: readonly VeleroObject[]; detailLabel?: string; now: number; onDrill?(o: VeleroObject): void }) {
  if (!objects.length) return <p className="muted">No {label.toLowerCase()}.</p>;
  return (
    <div className="table-scroll">
      <table className="data drills-table" aria-label={`Velero ${label.toLowerCase()}`}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Phase</th>
            <th>Namespaces</th>
            {detailLabel && <th>{detailLabel}</th>}
            <th>Created</th>
            <th>Completed</th>
            <th>Errors / warnings</th>
            {onDrill && (
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {objects.map((o) => (
            <tr key={`${o.namespace}/${o.name}`}>
              <td className="mono">{o.name}</td>
              <td>{o.phase ? <span className={`badge ${PHASE_TONE[o.phase] ?? 'tone-neutral'}`}>{o.phase}</span> : <span className="muted">–</span>}</td>
              <td className="mono">{o.namespaces.join(', ') || '*'}</td>
              {detailLabel && <td className="mono">{o.detail ?? '–'}</td>}
              <td>{o.createdAt ? <When iso={o.createdAt} now={now} /> : '–'}</td>
              <td>{o.completedAt ? <When iso={o.completedAt} now={now} /> : '–'}</td>
              <td className={o.errors ? 'tone-bad' : undefined}>
                {o.errors ?? 0} / {o.warnings ?? 0}
              </td>
              {onDrill && (
                <td className="row-actions">
                  <button type="button" disabled={!restorable(o)} title={restorable(o) ? undefined : 'Only a completed backup can be restored'} onClick={() => onDrill(o)}>
                    Drill from this backup…
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Velero on one cluster: its Backups (each can be drilled), Schedules and Restores; or plainly, that it is not installed. */
export function VeleroView({ connection, refreshKey, onDrill }: { connection: ConnectionSummary; refreshKey: string; onDrill(backup: VeleroObject): void }) {
  const now = useNow();
  const query = useQuery('drills.velero', { connectionId: connection.id }, { refreshKey, keepPrevious: true });
  const velero = query.value;
  return (
    <>
      <div className="page-header">
        <p className="muted" aria-live="polite">
          {velero ? (velero.installed ? `Velero on ${connection.name}` : '') : query.loading ? `Looking for Velero on ${connection.name}…` : ''}
        </p>
        <button type="button" onClick={query.refetch} disabled={query.loading}>
          {query.loading ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      {query.error !== undefined && <ErrorNotice error={{ ...describeError(query.error, { refresh: query.refetch }), title: 'Could not read Velero' }} />}
      {velero?.installed === false && (
        <div className="empty">
          <h2>Velero is not installed on {connection.name}</h2>
          <p>Its kinds (backups.velero.io and the rest) are not served there. Pilothouse’s own backups (the Backups tab) need no Velero; install Velero to drill its backups here too.</p>
        </div>
      )}
      {velero?.installed && (
        <>
          <section aria-label="Velero backups">
            <h3>Backups</h3>
            <VeleroTable label="Backups" objects={velero.backups} now={now} onDrill={onDrill} />
          </section>
          <section aria-label="Velero schedules">
            <h3>Schedules</h3>
            <VeleroTable label="Schedules" objects={velero.schedules} detailLabel="Cron" now={now} />
          </section>
          <section aria-label="Velero restores">
            <h3>Restores</h3>
            <VeleroTable label="Restores" objects={velero.restores} detailLabel="From backup" now={now} />
          </section>
        </>
      )}
    </>
  );
}
