import type { ObjectDetail, ObjectRef } from '../../../../../shared/contract';
import { useQuery, type Query } from '../../../ui/useQuery';
import { statusTone } from '../cellFormat';
import { Age } from '../CellValue';
import type { ResourceEntry } from '../resourceCatalog';
import { CallProblem } from './CallProblem';
import { CLAIM_POLL_MS, CLAIMS_KEY, NODES_KEY, PODS_KEY, POLL_MS } from './detailTabs';
import { ObjectLink } from './ObjectLink';
import { OwnerChain } from './OwnerChain';

/** A pod's relations: what owns it and where it runs. */
function PodRelations({ connectionId, detail }: { connectionId: string; detail: Query<ObjectDetail> }) {
  if (detail.error !== undefined && !detail.value) return <CallProblem error={detail.error} what="this pod" onRetry={detail.refetch} />;
  if (!detail.value) return <p className="muted">Loading…</p>;
  const { owners, nodeName } = detail.value;
  return (
    <>
      <h3 className="detail-section">Owner chain</h3>
      <OwnerChain connectionId={connectionId} owners={owners} />
      <h3 className="detail-section">Node</h3>
      {nodeName ? (
        <ObjectLink kind="Node" to={{ connectionId, key: NODES_KEY, name: nodeName }}>
          {nodeName}
        </ObjectLink>
      ) : (
        <p className="muted">Not scheduled yet.</p>
      )}
    </>
  );
}

/** The pods a workload or Service selects, or that run on a node; asked for again every few seconds while shown. */
function RelatedPods({ entry, objectRef }: { entry: ResourceEntry; objectRef: ObjectRef }) {
  const related = useQuery('kube.related', objectRef, { pollMs: entry.key === CLAIMS_KEY ? CLAIM_POLL_MS : POLL_MS });
  const value = related.value;
  return (
    <>
      {related.error !== undefined && <CallProblem error={related.error} what="the related pods" onRetry={related.refetch} />}
      {!value ? (
        related.loading && <p className="muted">Loading pods…</p>
      ) : (
        <>
          {value.selector && (
            <p className="muted">
              Pods: <span className="mono">{value.selector}</span>
            </p>
          )}
          {!value.pods.length ? (
            <p className="muted">{value.selector ? 'No pods match.' : `No pods belong to this ${entry.one}.`}</p>
          ) : (
            <table className="related-pods" aria-label="Related pods">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Ready</th>
                  <th>Restarts</th>
                  <th>Age</th>
                </tr>
              </thead>
              <tbody>
                {value.pods.map((p) => (
                  <tr key={p.uid}>
                    <td>
                      <ObjectLink kind="Pod" to={{ connectionId: objectRef.connectionId, key: PODS_KEY, namespace: p.namespace, name: p.name, uid: p.uid }}>
                        {p.name}
                      </ObjectLink>
                      {(p.namespace !== objectRef.namespace || p.node) && (
                        <div className="muted related-where">{[p.namespace !== objectRef.namespace && p.namespace, p.node && `on ${p.node}`].filter(Boolean).join(' · ')}</div>
                      )}
                    </td>
                    <td>
                      <span className={`badge tone-${statusTone(p.status)}`}>{p.status}</span>
                    </td>
                    <td>{p.ready}</td>
                    <td>{p.restarts.toLocaleString()}</td>
                    <td>{p.created ? <Age iso={p.created} /> : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {value.truncated && <p className="muted">More pods match than are shown.</p>}
        </>
      )}
    </>
  );
}

interface RelatedTabProps {
  entry: ResourceEntry;
  objectRef: ObjectRef;
  detail: Query<ObjectDetail>;
}

/** Related objects: for a pod its owners and node, for anything else the pods it selects or runs. */
export function RelatedTab({ entry, objectRef, detail }: RelatedTabProps) {
  return entry.key === PODS_KEY ? <PodRelations connectionId={objectRef.connectionId} detail={detail} /> : <RelatedPods entry={entry} objectRef={objectRef} />;
}
