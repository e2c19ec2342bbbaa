import { AppError } from '../../../../shared/result';
import type { ConnectionService } from '../../connections/connectionService';

/** The name a connection is shown (and audited) under; NOT_FOUND when it was deleted meanwhile. */
export function connectionNameOf(connections: Pick<ConnectionService, 'list'>, connectionId: string): string {
  const connection = connections.list().find((c) => c.id === connectionId);
  if (!connection) throw new AppError('NOT_FOUND', `No connection ${connectionId}: it may have been deleted. Reload the connection list.`);
  if (connection.kind !== 'kubernetes') throw new AppError('VALIDATION', `${connection.name} is not a Kubernetes connection`);
  return connection.name;
}

/** What an audit entry names: `<connection>/<namespace>/<resource>/<name>`, without the namespace for cluster-scoped objects. */
export function auditTarget(connectionName: string, namespace: string | undefined, resource: string, name: string): string {
  return [connectionName, ...(namespace ? [namespace] : []), resource, name].join('/');
}
