import { useState } from 'react';
import { argoCdApplicationOf, type ArgoCdApplication, type ArgoCdHistoryEntry, type ConnectionSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { describeError } from '../../shell/errorActions';
import { useQuery } from '../../ui/useQuery';
import { TypedConfirmation } from '../clusters/actions/ActionDialog';
import { CallProblem } from '../clusters/detail/CallProblem';
import { productionLabelNow } from '../connections/productionMarks';

const HEALTH_TONE: Record<string, string> = { Healthy: 'tone-ok', Degraded: 'tone-bad', Missing: 'tone-bad', Progressing: 'tone-neutral', Suspended: 'tone-warn' };
const short = (revision: string | undefined) => (revision && /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : (revision ?? '—'));
const revisionOf = (h: ArgoCdHistoryEntry) => h.revision ?? h.revisions.join(', ');

/** Why no history row can be synced to now, as Argo CD would refuse it; undefined when they can. */
function syncBlocked(app: ArgoCdApplication, revision: string): string | undefined {
  if (app.pendingOperation) return `A sync${app.pendingOperation.revision ? ` to ${short(app.pendingOperation.revision)}` : ''} is already requested: Argo CD’s controller has not taken it up yet.`;
  if (app.operationState?.phase === 'Running' || app.operationState?.phase === 'Terminating') return `An operation is ${app.operationState.phase}.`;
  if (app.sources.length > 1) return 'It has several sources: sync it with argocd app sync --revisions … --source-positions ….';
  const tracked = app.sources[0]?.targetRevision ?? 'HEAD';
  if (app.automated && revision !== tracked) return `Automated sync is on and tracks ${tracked}: Argo CD refuses a sync to another revision (and would sync back). Turn it off in Argo CD, or revert in Git.`;
  return undefined;
}

/**
 * The Argo CD Application that manages a workload, opened from the rollback's
 * notice: whether it syncs by itself with self-heal (which would undo a
 * rollback made in the cluster), its last operation, and its deployment
 * history, each row with "Sync to this revision…". The sync is requested on
 * the Application; Argo CD's controller performs it.
 */
export function ArgoCdApplicationPanel({ connection, trackedName }: { connection: ConnectionSummary; /** The first part of the tracking id: `<app>` or `<namespace>_<app>`. */ trackedName: string }) {
  const where = argoCdApplicationOf(trackedName);
  const [namespace, setNamespace] = useState(where.namespace);
  const params = { connectionId: connection.id, namespace, name: where.name };
  const query = useQuery('rollouts.argoCdApplication', namespace ? params : null);
  const [syncing, setSyncing] = useState<ArgoCdHistoryEntry>();
  const [requested, setRequested] = useState<string>();

  const result = query.value;
  return (
    <section className="argocd-application" aria-label={`Argo CD Application ${where.name}`}>
      <label className="field">
        <span>Argo CD namespace of Application {where.name}</span>
        <input value={namespace} spellCheck={false} onChange={(e) => setNamespace(e.target.value.trim())} />
      </label>
      {query.error !== undefined && <CallProblem error={query.error} what={`Application ${where.name}`} onRetry={query.refetch} />}
      {query.loading && !result && <p className="muted">Reading the Application…</p>}
      {result && !result.available && <p className="muted">This cluster does not serve Argo CD’s Application CRD (argoproj.io/v1alpha1): the Application cannot be read here.</p>}
      {result?.available && (
        <ApplicationFacts
          app={result.application}
          syncing={syncing}
          onSync={(entry) => {
            setRequested(undefined);
            setSyncing(entry);
          }}
          onSynced={(revision) => {
            setSyncing(undefined);
            setRequested(revision);
            query.refetch();
          }}
          connection={connection}
        />
      )}
      {requested && <p role="status">Sync to {short(requested)} requested. Argo CD’s controller performs it; follow it in Argo CD. Recorded in the audit log.</p>}
    </section>
  );
}

interface FactsProps {
  app: ArgoCdApplication;
  connection: ConnectionSummary;
  syncing?: ArgoCdHistoryEntry;
  onSync(entry: ArgoCdHistoryEntry | undefined): void;
  onSynced(revision: string): void;
}

function ApplicationFacts({ app, connection, syncing, onSync, onSynced }: FactsProps) {
  return (
    <>
      <dl className="facts">
        <dt>Source</dt>
        <dd className="mono">{app.sources.map((s) => `${s.repoURL} ${s.path ?? s.chart ?? ''} @ ${s.targetRevision}`).join('; ') || 'unknown'}</dd>
        <dt>Sync</dt>
        <dd>
          {app.sync.status} <span className="mono">{short(app.sync.revision)}</span>
        </dd>
        <dt>Health</dt>
        <dd>
          <span className={`badge ${HEALTH_TONE[app.health] ?? 'tone-neutral'}`}>{app.health}</span>
        </dd>
        <dt>Automated sync</dt>
        <dd>
          {app.automated ? (
            <>
              on{app.automated.prune ? ', prunes' : ''},{' '}
              {app.automated.selfHeal ? <strong>self-heal on: Argo CD undoes changes made in the cluster, a rollback included</strong> : 'self-heal off'}
            </>
          ) : (
            'off: Argo CD syncs only when asked'
          )}
        </dd>
        {app.pendingOperation && (
          <>
            <dt>Requested</dt>
            <dd>
              sync to <span className="mono">{short(app.pendingOperation.revision)}</span>
              {app.pendingOperation.initiatedBy ? ` by ${app.pendingOperation.initiatedBy}` : ''}, waiting for Argo CD’s controller
            </dd>
          </>
        )}
        {app.operationState && (
          <>
            <dt>Last operation</dt>
            <dd>
              {app.operationState.phase}
              {app.operationState.message ? `: ${app.operationState.message}` : ''}
              {app.operationState.finishedAt ? ` (${app.operationState.finishedAt})` : app.operationState.startedAt ? ` (since ${app.operationState.startedAt})` : ''}
            </dd>
          </>
        )}
      </dl>
      {app.history.length === 0 ? (
        <p className="muted">No deployment history yet.</p>
      ) : (
        <table className="related-pods" aria-label="Application history">
          <thead>
            <tr>
              <th>ID</th>
              <th>Revision</th>
              <th>Deployed</th>
              <th>By</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {app.history.map((h) => (
              <tr key={h.id}>
                <td>{h.id}</td>
                <td className="mono" title={revisionOf(h)}>
                  {short(revisionOf(h))}
                  {revisionOf(h) === app.sync.revision ? ' (synced now)' : ''}
                </td>
                <td>{h.deployedAt ?? '—'}</td>
                <td>{h.initiatedBy ?? (h.automated ? 'automated' : '—')}</td>
                <td>
                  <button type="button" onClick={() => onSync(h)} disabled={syncing?.id === h.id}>
                    Sync to this revision…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {syncing && <SyncConfirmation app={app} entry={syncing} connection={connection} onCancel={() => onSync(undefined)} onSynced={onSynced} />}
    </>
  );
}

function SyncConfirmation({ app, entry, connection, onCancel, onSynced }: { app: ArgoCdApplication; entry: ArgoCdHistoryEntry; connection: ConnectionSummary; onCancel(): void; onSynced(revision: string): void }) {
  const revision = entry.revision ?? '';
  const blocked = revision ? syncBlocked(app, revision) : 'This history entry names no single revision.';
  const production = productionLabelNow(connection.labels) !== undefined;
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const label = 'Request sync';

  const sync = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await call('rollouts.argoCdSync', { connectionId: connection.id, namespace: app.namespace, name: app.name, revision, ifResourceVersion: app.resourceVersion });
      onSynced(revision);
    } catch (err) {
      const view = describeError(err);
      setProblem(`${view.title}: ${view.message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="notice" role="group" aria-label="Confirm the sync">
      <p>
        Ask Argo CD to sync Application <strong>{app.name}</strong> to revision <span className="mono">{revision}</span> (history {entry.id})? Pilothouse sets the
        Application’s operation as <span className="mono">argocd app sync --revision</span> does; Argo CD’s application controller performs the sync, and nothing changes
        in the cluster until it does. Recorded in the audit log.
      </p>
      {blocked && <p className="tone-warn">{blocked}</p>}
      {problem && (
        <p className="tone-bad" role="alert">
          {problem}
        </p>
      )}
      {production && !blocked && <TypedConfirmation expected={app.name} what="the Application’s name" actionLabel={label} value={typed} onChange={setTyped} />}
      <div className="button-row">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy || blocked !== undefined || (production && typed !== app.name)} onClick={() => void sync()}>
          {busy ? 'Requesting…' : label}
        </button>
      </div>
    </div>
  );
}
