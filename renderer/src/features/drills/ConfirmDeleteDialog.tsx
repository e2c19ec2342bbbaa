import { useState, type ReactNode } from 'react';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';

interface ConfirmDeleteDialogProps {
  /** The dialog's accessible name. */
  label: string;
  heading: ReactNode;
  /** What goes, what stays. */
  children: ReactNode;
  /** "Delete backup". */
  action: string;
  /** The toast once done. */
  done: string;
  remove(): Promise<unknown>;
  onDeleted(): void;
  onClose(): void;
}

/** Asks before something of the drills page is deleted; Cancel has the focus, a refusal is shown in place. */
export function ConfirmDeleteDialog({ label, heading, children, action, done, remove, onDeleted, onClose }: ConfirmDeleteDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const confirm = async () => {
    setBusy(true);
    try {
      await remove();
      notifySuccess(done);
      onDeleted();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal label={label} onClose={onClose}>
      <h2>{heading}</h2>
      {children}
      <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }} action={{ label: action, busyLabel: 'Deleting…', busy, danger: true, onClick: () => void confirm() }} />
    </Modal>
  );
}
