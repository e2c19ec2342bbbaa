import { useId, useRef, useState, type FormEvent } from 'react';
import { ConnectionName, type ConnectionSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifySuccess } from '../../shell/toastStore';
import { useConnections } from './connectionsStore';
import { DialogFooter } from '../../shell/DialogFooter';
import { FieldError } from '../../shell/FieldError';

/** Renames a connection; the name is checked as the contract checks it before the call. */
export function RenameDialog({ connection, onClose }: { connection: ConnectionSummary; onClose(): void }) {
  const [name, setName] = useState(connection.name);
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const problemId = useId();
  const focusName = () => {
    inputRef.current?.focus();
    inputRef.current?.select();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = ConnectionName.safeParse(name);
    if (!parsed.success) {
      setProblem(parsed.error.issues[0].message);
      return focusName();
    }
    if (parsed.data === connection.name) return onClose();
    setBusy(true);
    setError(undefined);
    try {
      await call('connections.rename', { id: connection.id, name: parsed.data });
      notifySuccess(`Renamed to ${parsed.data}`);
      onClose();
    } catch (err) {
      setError(describeError(err, { rename: focusName, refresh: () => void useConnections.getState().refresh() }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal label={`Rename ${connection.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <h2>Rename “{connection.name}”</h2>
        <label className="field">
          <span>Name</span>
          <input
            ref={inputRef}
            autoFocus
            value={name}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? problemId : undefined}
            onChange={(e) => {
              setName(e.target.value);
              setProblem(undefined);
            }}
          />
        </label>
        <FieldError id={problemId} problem={problem} />
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Rename', busyLabel: 'Renaming…', busy }} />
      </form>
    </Modal>
  );
}
