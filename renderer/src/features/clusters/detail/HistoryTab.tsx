import { useState } from 'react';
import type { ObjectRef, Revision } from '../../../../../shared/contract';
import { TextDiff } from '../../../ui/TextDiff';
import { useQuery } from '../../../ui/useQuery';
import type { ActionTarget } from '../actions/actionCatalog';
import { RollbackDialog } from './RollbackDialog';
import { Age } from '../CellValue';
import { CallProblem } from './CallProblem';
import { GuardToggle } from './GuardToggle';
import { POLL_MS } from './detailTabs';

const revisionLabel = (r: Revision) => `revision ${r.revision}${r.current ? ' (current)' : ''}`;

/** The diff of two kept revisions' pod templates, read when shown; `refreshKey` changes when revision numbers may have moved. */
function TemplateDiff({ objectRef, from, to, refreshKey }: { objectRef: ObjectRef; from: Revision; to: Revision; refreshKey: string }) {
  const before = useQuery('rollouts.revisionTemplate', { ...objectRef, revision: from.revision }, { refreshKey });
  const after = useQuery('rollouts.revisionTemplate', { ...objectRef, revision: to.revision }, { refreshKey });
  const failed = before.error ?? after.error;
  if (failed !== undefined) {
    return (
      <CallProblem
        error={failed}
        what="the revisions’ pod templates"
        onRetry={() => {
          before.refetch();
          after.refetch();
        }}
      />
    );
  }
  if (!before.value || !after.value) return <p className="muted">Loading the pod templates…</p>;
  return <TextDiff before={before.value.yaml} after={after.value.yaml} beforeLabel={revisionLabel(from)} afterLabel={revisionLabel(to)} sameText="Same pod template." />;
}

/**
 * A workload's kept revisions, newest first, as `kubectl rollout history`
 * lists them, with the images each ran, a roll back to each but the current
 * one, and the diff of any two revisions' pod templates (the chosen one
 * against the current by default); asked again every few seconds while
 * shown, so a rollout under way appears.
 */
export function HistoryTab({ target }: { target: ActionTarget }) {
  const { ref: objectRef, entry } = target;
  const one = entry.one;
  const history = useQuery('rollouts.history', objectRef, { pollMs: POLL_MS });
  const value = history.value;
  const [rollingBackTo, setRollingBackTo] = useState<number>();
  // Revision numbers compared; unset, the current one against the newest before it.
  const [compared, setCompared] = useState<{ from?: number; to?: number }>({});
  const revisions = value?.revisions ?? [];
  const current = revisions.find((r) => r.current);
  const previous = revisions.filter((r) => !r.current).at(-1);
  const from = revisions.find((r) => r.revision === compared.from) ?? previous;
  const to = revisions.find((r) => r.revision === compared.to) ?? current;
  // A StatefulSet's or DaemonSet's revision is renumbered when rolled back to: its number then names another template.
  const numbering = revisions.map((r) => `${r.revision}:${r.name}`).join();
  const pick = (side: 'from' | 'to') => (
    <select aria-label={side === 'from' ? 'Compare from revision' : 'Compare to revision'} value={(side === 'from' ? from : to)?.revision} onChange={(e) => setCompared({ from: from?.revision, to: to?.revision, [side]: Number(e.target.value) })}>
      {[...revisions].reverse().map((r) => (
        <option key={r.name} value={r.revision}>
          {revisionLabel(r)}
        </option>
      ))}
    </select>
  );
  return (
    <>
      {history.error !== undefined && <CallProblem error={history.error} what={`the history of this ${one}`} onRetry={history.refetch} />}
      {value?.kind === 'Deployment' && objectRef.namespace && <GuardToggle guardRef={{ connectionId: objectRef.connectionId, namespace: objectRef.namespace, name: objectRef.name }} />}
      {!value ? (
        history.loading && <p className="muted">Loading revisions…</p>
      ) : !value.revisions.length ? (
        <p className="muted">
          No revision is kept{value.historyLimit === 0 ? ': its revisionHistoryLimit is 0, so there is nothing to roll back to' : ' yet'}.
        </p>
      ) : (
        <>
          <p className="muted">
            {value.revisions.length} revision{value.revisions.length === 1 ? '' : 's'} kept; the controller keeps up to {value.historyLimit} old ones.
          </p>
          <table className="related-pods history" aria-label="Revisions">
            <thead>
              <tr>
                <th>Revision</th>
                <th>Made</th>
                <th>Change cause</th>
                <th>Images</th>
                {value.kind === 'Deployment' && <th>Pods</th>}
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...value.revisions].reverse().map((r) => (
                <tr key={r.name} aria-current={r.current ? 'true' : undefined}>
                  <td>
                    {r.revision}
                    {r.current && <span className="badge tone-ok history-current">current</span>}
                    <div className="muted mono related-where">{r.name}</div>
                  </td>
                  <td>{r.createdAt ? <Age iso={r.createdAt} suffix=" ago" /> : <span className="muted">—</span>}</td>
                  <td>{r.changeCause ?? <span className="muted">—</span>}</td>
                  <td className="mono history-images">
                    {r.images.map((image) => (
                      <div key={image}>{image}</div>
                    ))}
                  </td>
                  {value.kind === 'Deployment' && <td>{r.pods ? `${r.pods.ready}/${r.pods.replicas}` : '—'}</td>}
                  <td className="history-actions">
                    {!r.current && (
                      <>
                        <button type="button" onClick={() => setCompared({ from: r.revision, to: current?.revision })}>
                          Compare with current
                        </button>
                        <button type="button" onClick={() => setRollingBackTo(r.revision)}>
                          Roll back to {r.revision}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {from && to && (
            <section className="history-compare" aria-label="Pod template diff">
              <h3>
                Pod template of {pick('from')} against {pick('to')}
              </h3>
              <TemplateDiff objectRef={objectRef} from={from} to={to} refreshKey={numbering} />
            </section>
          )}
        </>
      )}
      {rollingBackTo !== undefined && (
        <RollbackDialog
          target={target}
          toRevision={rollingBackTo}
          onClose={() => {
            setRollingBackTo(undefined);
            history.refetch();
          }}
          onForbidden={() => history.refetch()}
        />
      )}
    </>
  );
}
