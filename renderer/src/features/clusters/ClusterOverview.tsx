import type { ConnectionSummary } from '../../../../shared/contract';
import { HealthFacts } from '../connections/HealthFacts';

/** Where the cluster is and what its last Test found. */
export function ClusterOverview({ connection }: { connection: ConnectionSummary }) {
  const kube = connection.kube!;
  return (
    <div className="overview">
      <dl className="facts">
        <dt>Server</dt>
        <dd className="mono">{kube.server}</dd>
        <dt>Context</dt>
        <dd>{kube.contextName}</dd>
        <dt>Default namespace</dt>
        <dd>{kube.namespace ?? 'default'}</dd>
      </dl>
      <HealthFacts connection={connection} />
    </div>
  );
}
