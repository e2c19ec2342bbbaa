import type { ConnectionSummary } from '../../../../shared/contract';
import { formatTime } from '../../shell/format';
import { useUi } from '../../shell/uiStore';
import { PermissionList } from './PermissionList';
import { reimportDialog } from './useConnectionTest';

function FixCredentials({ connection, onEdit }: { connection: ConnectionSummary; onEdit?(): void }) {
  const openDialog = useUi((s) => s.openDialog);
  return connection.kind === 'prometheus' && onEdit ? (
    <button type="button" onClick={onEdit}>
      Edit credentials
    </button>
  ) : (
    <button type="button" onClick={() => openDialog(reimportDialog(connection))}>
      Re-import credentials
    </button>
  );
}

/**
 * What the last Test of a connection found: version, identity, latency,
 * message and permissions. Refused credentials are fixed by importing them
 * again, or for a Prometheus endpoint by editing it (`onEdit`, where the page can).
 */
export function HealthFacts({ connection, onEdit }: { connection: ConnectionSummary; onEdit?(): void }) {
  const { health } = connection;
  const { live } = health;
  if (!health.checkedAt) return <p className="muted">Not tested yet. Test it to see its version, identity and permissions.</p>;
  return (
    <div className="health-facts">
      <dl className="facts">
        <dt>Status</dt>
        <dd>{health.status}</dd>
        {live && (
          <>
            <dt>Open views</dt>
            <dd>{live.reachable ? `the server answers (${formatTime(live.at)})` : `no answer since ${formatTime(live.since ?? live.at)}`}</dd>
          </>
        )}
        <dt>Checked</dt>
        <dd>{formatTime(health.checkedAt)}</dd>
        {health.latencyMs !== undefined && (
          <>
            <dt>Latency</dt>
            <dd>{Math.round(health.latencyMs)} ms</dd>
          </>
        )}
        {health.serverVersion && (
          <>
            <dt>Version</dt>
            <dd>{health.serverVersion}</dd>
          </>
        )}
        {health.identity && (
          <>
            <dt>Identity</dt>
            <dd>{health.identity}</dd>
          </>
        )}
        {health.message && (
          <>
            <dt>Message</dt>
            <dd>{health.message}</dd>
          </>
        )}
      </dl>
      {health.status === 'unauthorized' && <FixCredentials connection={connection} onEdit={onEdit} />}
      {health.permissions && <PermissionList permissions={health.permissions} />}
    </div>
  );
}
