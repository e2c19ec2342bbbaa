import { AddClusterFirst } from '../../shell/AddClusterFirst';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { ClusterInspector } from './ClusterInspector';

/** The inspector of the Kubernetes connection chosen in the top bar, or help to choose or add one. */
export function ClustersPage() {
  const status = useConnections((s) => s.status);
  const count = useConnections((s) => s.connections.length);
  const selected = useConnections(selectedConnection);
  const inspecting = selected?.kind === 'kubernetes';
  return (
    <section className={inspecting ? 'page-body inspector-page' : 'page-body'} aria-labelledby="page-title">
      <h1 id="page-title" className={inspecting ? 'visually-hidden' : undefined}>
        Clusters
      </h1>
      {status === 'ready' && !count ? (
        <AddClusterFirst />
      ) : inspecting ? (
        <ClusterInspector key={selected.id} connection={selected} />
      ) : (
        <div className="empty">
          <p>Choose a Kubernetes connection in the switcher at the top to inspect its nodes, workloads, events and custom resources.</p>
        </div>
      )}
    </section>
  );
}
