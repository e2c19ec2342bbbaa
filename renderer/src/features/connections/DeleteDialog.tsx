import { useState } from 'react';
import type { ConnectionSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { useConnections } from './connectionsStore';
import { DialogFooter } from '../../shell/DialogFooter';

/** What a connection of each kind stands for, which deleting it leaves alone. */
const WHAT: Record<ConnectionSummary['kind'], string> = { kubernetes: 'cluster', aws: 'AWS account', prometheus: 'Prometheus server' };

/** Asks before deleting a connection, naming it and saying what is (and is not) removed. */
export function DeleteDialog({ connection, onClose }: { connection: ConnectionSummary; onClose(): void }) {
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await call('connections.delete', { id: connection.id });
      notifySuccess(`Deleted ${connection.name}`);
      onClose();
    } catch (err) {
      setError(describeError(err, { refresh: () => void useConnections.getState().refresh() }));
      setBusy(false);
    }
  };
  return (
    <Modal label={`Delete ${connection.name}`} onClose={onClose}>
      <h2>Delete “{connection.name}”?</h2>
      <p>
        Pilothouse forgets this connection and its stored credentials. The {WHAT[connection.kind]} itself is not changed, and you can add it
        again later.
      </p>
      <DialogFooter
        error={error}
        dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }}
        action={{ label: `Delete ${connection.name}`, busyLabel: 'Deleting…', busy, onClick: () => void remove(), danger: true }}
      />
    </Modal>
  );
}
