import { useId, useState, type FormEvent } from 'react';
import type { ConnectionSummary, ObjectDetail } from '../../../../shared/contract';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { shellContainers } from './containerChoice';
import { openTerminal } from './terminalNavigation';

interface ShellDialogProps {
  connection: ConnectionSummary;
  namespace: string;
  pod: string;
  /** The pod's detail: its containers and annotations; undefined while it loads. */
  detail: ObjectDetail | undefined;
  onClose(): void;
}

/**
 * Opens a shell in one of a pod's containers (`x` on a pod, as in k9s): the
 * container is chosen here, then the Terminal page shows the session.
 */
export function ShellDialog({ connection, namespace, pod, detail, onClose }: ShellDialogProps) {
  const choice = detail ? shellContainers(detail.containers ?? [], detail.annotations) : undefined;
  const [chosen, setChosen] = useState<string>();
  const container = chosen ?? choice?.preferred;
  const [error, setError] = useState<ErrorView>();
  const [busy, setBusy] = useState(false);
  const groupId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!container) return;
    setBusy(true);
    setError(undefined);
    try {
      await openTerminal({ kind: 'exec', connectionId: connection.id, namespace, pod, container });
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal label={`Shell in ${pod}`} onClose={onClose}>
      <form onSubmit={submit}>
        <h2>
          Shell in <span className="mono">{pod}</span>
        </h2>
        <p className="muted">
          {connection.name}, namespace {namespace}. The shell is bash when the image has it, else /bin/sh; opening it is audited.
        </p>
        {!choice ? (
          <p className="muted">Loading the pod’s containers…</p>
        ) : choice.options.length === 0 ? (
          <p>The pod has no container a shell could run in.</p>
        ) : (
          <fieldset className="choice-list">
            <legend id={groupId}>Container</legend>
            {choice.options.map((c) => (
              <label key={c.name} className="choice">
                <input type="radio" name="container" value={c.name} checked={container === c.name} disabled={Boolean(c.problem)} onChange={() => setChosen(c.name)} />
                <span className="mono">{c.name}</span>
                {c.kind !== 'main' && <span className="muted"> ({c.kind})</span>}
                {c.problem && <span className="muted"> — {c.problem}</span>}
              </label>
            ))}
          </fieldset>
        )}
        <DialogFooter error={error} dismiss={{ label: 'Cancel', onClick: onClose }} action={{ label: 'Open shell', busyLabel: 'Opening…', busy, disabled: !container }} />
      </form>
    </Modal>
  );
}
