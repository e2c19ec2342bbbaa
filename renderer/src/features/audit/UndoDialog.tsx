import { useState } from 'react';
import type { AuditEntry } from '../../../../shared/contract';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';

/** Asks before undoing an audited action, saying what the undo will do and where. */
export function UndoDialog({ entry, onUndone, onClose }: { entry: AuditEntry & { undo: { label: string } }; onUndone(undoing: AuditEntry): void; onClose(): void }) {
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const undo = async () => {
    setBusy(true);
    try {
      const done = await call('audit.undo', { id: entry.id });
      onUndone(done);
      notifySuccess(`Undid #${entry.id}: ${entry.undo.label.toLowerCase()}`, `Recorded in the audit log as #${done.id}.`);
      onClose();
    } catch (err) {
      const view = describeError(err);
      setError(view.code === 'FORBIDDEN' ? { ...view, title: 'No access' } : view);
      setBusy(false);
    }
  };
  return (
    <Modal label={`Undo #${entry.id}`} onClose={onClose}>
      <h2>{entry.undo.label}?</h2>
      <p>
        Undoes <span className="mono">{entry.action}</span> on <strong>{entry.target}</strong>
        {entry.connectionName && (
          <>
            {' '}
            (connection <strong>{entry.connectionName}</strong>)
          </>
        )}
        , which changed it from <span className="mono">{entry.before ?? '—'}</span> to <span className="mono">{entry.after ?? '—'}</span>. The undo is an action of its own,
        recorded in the audit log.
      </p>
      <DialogFooter
        error={error}
        dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }}
        action={{ label: entry.undo.label, busyLabel: 'Undoing…', busy, onClick: () => void undo() }}
      />
    </Modal>
  );
}
