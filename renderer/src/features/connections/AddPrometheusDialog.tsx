import type { ConnectionSummary } from '../../../../shared/contract';
import { Modal } from '../../shell/Modal';
import { PrometheusForm } from './PrometheusForm';

/** Adds a Prometheus endpoint: the metrics source of a cluster's GPUs. */
export function AddPrometheusDialog({ onClose }: { onClose(): void }) {
  return (
    <Modal label="Add Prometheus endpoint" onClose={onClose}>
      <h2>Add Prometheus endpoint</h2>
      <PrometheusForm onDone={onClose} onCancel={onClose} />
    </Modal>
  );
}

/** Changes a Prometheus endpoint's URL, auth and linked cluster. */
export function EditPrometheusDialog({ connection, onClose }: { connection: ConnectionSummary; onClose(): void }) {
  return (
    <Modal label={`Edit ${connection.name}`} onClose={onClose}>
      <h2>Edit “{connection.name}”</h2>
      <PrometheusForm connection={connection} onDone={onClose} onCancel={onClose} />
    </Modal>
  );
}
