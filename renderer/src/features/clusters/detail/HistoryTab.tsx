import { useState } from 'react';
import type { Revision } from '../../../../../shared/contract';
import { useQuery } from '../../../ui/useQuery';
import type { ActionTarget } from '../actions/actionCatalog';
import { RollbackDialog } from './RollbackDialog';
import { Age } from '../CellValue';
import { CallProblem } from './CallProblem';
import { POLL_MS } from './detailTabs';

/**
 * A workload's kept revisions, newest first, as `kubectl rollout history`
 * lists them, with the images each ran; asked again every few seconds while
 * shown, so a rollout under way appears.
 */
export function HistoryTab({ target }: { target: ActionTarget }) {
  const { ref: objectRef, entry } = target;
  const one = entry.one;
  const history = useQuery('rollouts.history', objectRef, { pollMs: POLL_MS });
  const value = history.value;
  const [rollingBackTo, setRollingBackTo] = useState<Revision>();
  const current = value?.revisions.find((r) => r.current);
  return (
    <>
      {history.error !== undefined && <CallProblem error={history.error} what={`the history of this ${one}`} onRetry={history.refetch} />}
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
                {value.kind === 'Deployment' && <th><span className="visually-hidden">Roll back</span></th>}
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
                  {value.kind === 'Deployment' && (
                    <td>
                      {!r.current && (
                        <button type="button" onClick={() => setRollingBackTo(r)}>
                          Roll back to {r.revision}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {rollingBackTo && (
        <RollbackDialog
          target={target}
          to={rollingBackTo}
          current={current}
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
