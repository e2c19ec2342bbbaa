import { useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/contract';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { useUi } from '../../shell/uiStore';
import type { ConnectionEdit } from './ConnectionRow';
import { ConnectionsTable } from './ConnectionsTable';
import { useConnections } from './connectionsStore';
import { EditPrometheusDialog } from './AddPrometheusDialog';
import { DeleteDialog } from './DeleteDialog';
import { LabelsDialog } from './LabelsDialog';
import { RenameDialog } from './RenameDialog';

function AddButtons() {
  const openDialog = useUi((s) => s.openDialog);
  return (
    <div className="button-row">
      <button type="button" className="primary" onClick={() => openDialog('import-kubeconfig')}>
        Import kubeconfig
      </button>
      <button type="button" onClick={() => openDialog('add-aws')}>
        Add AWS account
      </button>
      <button type="button" onClick={() => openDialog('add-prometheus')}>
        Add Prometheus
      </button>
    </div>
  );
}

/** The stored connections: add, test, edit (Prometheus endpoints), rename, label and delete them. */
export function ConnectionsPage() {
  const { connections, status, error, refresh } = useConnections();
  const [editing, setEditing] = useState<{ edit: ConnectionEdit; connection: ConnectionSummary } | null>(null);
  const close = () => setEditing(null);

  return (
    <section className="page-body" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Connections</h1>
        {connections.length > 0 && <AddButtons />}
      </div>
      {error && (
        <ErrorNotice error={{ code: error.code, title: 'Could not load connections', message: error.message, action: { label: 'Try again', run: () => void refresh() } }} />
      )}
      {status === 'loading' && <p className="muted">Loading connections…</p>}
      {status === 'ready' && !connections.length && (
        <div className="empty">
          <h2>No connections yet</h2>
          <p>Import the clusters from a kubeconfig, or add an AWS account or a Prometheus endpoint, to start.</p>
          <AddButtons />
        </div>
      )}
      {connections.length > 0 && <ConnectionsTable connections={connections} onEdit={(edit, connection) => setEditing({ edit, connection })} />}
      {editing?.edit === 'rename' && <RenameDialog connection={editing.connection} onClose={close} />}
      {editing?.edit === 'labels' && <LabelsDialog connection={editing.connection} onClose={close} />}
      {editing?.edit === 'delete' && <DeleteDialog connection={editing.connection} onClose={close} />}
      {editing?.edit === 'edit' && <EditPrometheusDialog connection={editing.connection} onClose={close} />}
    </section>
  );
}
