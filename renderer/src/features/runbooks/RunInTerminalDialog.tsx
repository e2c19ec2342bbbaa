import { useEffect, useRef, useState, type FormEvent } from 'react';
import { segmentCommand } from '../../../../shared/destructiveCommands';
import { productionLabel } from '../../../../shared/production';
import { call } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError, type ErrorView } from '../../shell/errorActions';
import { Modal } from '../../shell/Modal';
import { notifyError, notifySuccess } from '../../shell/toastStore';
import { TypedConfirmation } from '../clusters/actions/ActionDialog';
import { kindLabel } from '../connections/connectionKinds';
import { useConnections } from '../connections/connectionsStore';
import { terminalConnections } from '../terminal/terminalActions';
import { useProductionMarks } from '../connections/productionMarks';
import { openTerminal } from '../terminal/terminalNavigation';
import { typedCommandProblem } from '../../../../shared/typedCommand';

/** The most `terminal.run` takes. */
const MAX_COMMAND = 65_536;
/** The choice of no connection: the shell on this machine, without a cluster's or account's credentials. */
const NO_CONNECTION = '';

interface RunInTerminalDialogProps {
  command: string;
  runbook: { id: string; title: string };
  onClose(): void;
}

/**
 * Confirms running a runbook's code block: the exact command, its destructive
 * parts in the warning colour with why, and the connection a new terminal is
 * bound to (the selected one by default; a production one asks for its name
 * to be typed). Then opens that terminal and runs the command in it, audited
 * with the runbook it came from.
 */
export function RunInTerminalDialog({ command, runbook, onClose }: RunInTerminalDialogProps) {
  const connections = terminalConnections(useConnections((s) => s.connections));
  const selectedId = useConnections((s) => s.selectedId);
  const marked = useProductionMarks((s) => s.marked);
  const [connectionId, setConnectionId] = useState(() => (connections.some((c) => c.id === selectedId) ? selectedId! : NO_CONNECTION));
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorView>();
  const open = useRef(true);
  useEffect(() => {
    open.current = true;
    return () => {
      open.current = false;
    };
  }, []);

  const connection = connections.find((c) => c.id === connectionId);
  const production = connection ? productionLabel(connection.labels, marked) : undefined;
  const segments = segmentCommand(command);
  const destructive = segments.filter((s) => s.reason);
  const tooLong = command.length > MAX_COMMAND;
  const untypable = typedCommandProblem(command);
  const unconfirmed = production !== undefined && typed !== connection?.name;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || unconfirmed || tooLong || untypable) return;
    setBusy(true);
    setError(undefined);
    let session;
    try {
      session = await openTerminal({ kind: 'local', ...(connection ? { connectionId: connection.id } : {}) });
    } catch (err) {
      if (open.current) {
        setError({ ...describeError(err), title: 'The terminal could not start' });
        setBusy(false);
      } else notifyError(err);
      return;
    }
    // The Terminal page is showing now, and this dialog has gone with the Runbooks page.
    try {
      await call('terminal.run', { id: session.id, command, runbook: { id: runbook.id, title: runbook.title.slice(0, 300) } });
      notifySuccess(`Ran a step of “${runbook.title}”`, `In ${session.title}${connection ? ` on ${connection.name}` : ''}. Recorded in the audit log.`);
    } catch (err) {
      notifyError(err);
    }
    if (open.current) onClose();
  };

  return (
    <Modal label="Run in terminal" onClose={onClose} wide className="runbook-run-dialog">
      <form onSubmit={(e) => void submit(e)}>
        <h2>Run in a new terminal?</h2>
        <p className="muted">From “{runbook.title}”. This is the exact text the terminal runs:</p>
        <pre className="runbook-command mono" aria-label="Command">
          {segments.map((s, i) =>
            s.reason ? (
              <mark key={i} className="runbook-destructive" title={s.reason}>
                {s.text}
              </mark>
            ) : (
              <span key={i}>{s.text}</span>
            ),
          )}
        </pre>
        {destructive.length > 0 && (
          <div className="notice notice-production" role="note" aria-label="Destructive commands">
            <strong>This changes or destroys things:</strong>
            <ul>
              {destructive.map((s, i) => (
                <li key={i}>
                  <span className="mono">{s.text.length > 80 ? `${s.text.slice(0, 80)}…` : s.text}</span> {s.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
        {tooLong && <p className="field-error">This block is longer than a terminal command may be (64 KB): copy it instead.</p>}
        {untypable && <p className="field-error">{untypable}</p>}
        <label className="field">
          <span>Connection the terminal uses</span>
          <select
            value={connectionId}
            className={production ? 'runbook-production' : undefined}
            onChange={(e) => {
              setConnectionId(e.target.value);
              setTyped('');
            }}
          >
            <option value={NO_CONNECTION}>None: this machine’s shell, no cluster or account credentials</option>
            {connections.map((c) => {
              const prod = productionLabel(c.labels, marked);
              return (
                <option key={c.id} value={c.id} className={prod ? 'runbook-production' : undefined}>
                  {c.name} ({kindLabel(c.kind)}){prod ? ` — production (${prod})` : ''}
                </option>
              );
            })}
          </select>
        </label>
        {production && connection && (
          <>
            <p className="notice notice-production" role="note">
              <strong>{connection.name}</strong> is a production connection ({production}).
            </p>
            <TypedConfirmation expected={connection.name} what="the connection name" actionLabel="Run" value={typed} onChange={setTyped} />
          </>
        )}
        <DialogFooter
          error={error}
          dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: !production }}
          action={{ label: 'Run', busyLabel: 'Starting the terminal…', busy, danger: destructive.length > 0 || production !== undefined, disabled: unconfirmed || tooLong || untypable !== undefined }}
        />
      </form>
    </Modal>
  );
}
