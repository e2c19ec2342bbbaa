import type { ConnectionSummary } from '../../../../shared/contract';
import { AddClusterFirst } from '../../shell/AddClusterFirst';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { HealthBadge } from '../connections/HealthBadge';
import { HealthFacts } from '../connections/HealthFacts';
import { useConnectionTest } from '../connections/useConnectionTest';

function ClusterSummary({ connection }: { connection: ConnectionSummary }) {
  const { testing, test } = useConnectionTest(connection);
  const kube = connection.kube!;
  return (
    <>
      <div className="page-header">
        <h2>
          {connection.name} <HealthBadge health={connection.health} />
        </h2>
        <button type="button" onClick={() => void test()} disabled={testing}>
          {testing && <span className="spinner" aria-hidden="true" />}
          {testing ? 'Testing…' : 'Test'}
        </button>
      </div>
      <dl className="facts">
        <dt>Server</dt>
        <dd className="mono">{kube.server}</dd>
        <dt>Context</dt>
        <dd>{kube.contextName}</dd>
        <dt>Default namespace</dt>
        <dd>{kube.namespace ?? 'default'}</dd>
      </dl>
      <HealthFacts connection={connection} />
      <p className="muted">Nodes, workloads and events are not available in this build yet.</p>
    </>
  );
}

/** What we know of the selected cluster so far: where it is, and what its last Test found. */
export function ClustersPage() {
  const status = useConnections((s) => s.status);
  const count = useConnections((s) => s.connections.length);
  const selected = useConnections(selectedConnection);
  return (
    <section className="page-body" aria-labelledby="page-title">
      <h1 id="page-title">Clusters</h1>
      {status === 'ready' && !count ? (
        <AddClusterFirst />
      ) : selected?.kind === 'kubernetes' ? (
        <ClusterSummary connection={selected} />
      ) : (
        <div className="empty">
          <p>Choose a Kubernetes connection in the switcher at the top to see its server, version, identity and permissions.</p>
        </div>
      )}
    </section>
  );
}
