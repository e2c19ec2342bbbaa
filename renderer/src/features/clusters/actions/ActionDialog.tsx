import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { DialogFooter } from '../../../shell/DialogFooter';
import { describeError, type ErrorView, type FixHandlers } from '../../../shell/errorActions';
import { Modal } from '../../../shell/Modal';
import { useToasts, type Toast } from '../../../shell/toastStore';
import { useUi } from '../../../shell/uiStore';
import { reimportDialog, useConnectionTest } from '../../connections/useConnectionTest';
import type { ActionTarget } from './actionCatalog';

/** What the success toast says; "Recorded in the audit log." is added to the message. */
export interface ActionOutcome {
  title: string;
  message?: string;
  action?: Toast['action'];
}

/** Props every action dialog receives from the actions bar. */
export interface ActionDialogBaseProps {
  target: ActionTarget;
  onClose(): void;
  /** The cluster refused the action: the permissions are checked again. */
  onForbidden(): void;
}

interface ActionDialogProps extends Omit<ActionDialogBaseProps, 'target'> {
  /** Where it acts: the connection, and the namespace (none for cluster-wide); an object's target, or a Service pair's (Rollouts page). */
  target: Pick<ActionTarget, 'connection'> & { row: Pick<ActionTarget['row'], 'namespace'> };
  /** The question: "Delete pod web-1?". */
  title: string;
  /** The dialog's accessible name: "Delete pod web-1". */
  label: string;
  action: { label: string; busyLabel: string; danger?: boolean };
  /** Focus Cancel on open; false when a field of the dialog takes focus itself. */
  focusCancel?: boolean;
  /** The object's name, to be typed exactly before the action button enables (see `needsTypedName`). */
  confirmName?: string;
  /** The action cannot go ahead now (the dialog says why): its button stays disabled. */
  blocked?: boolean;
  /** Checks the input before the call; shows why and returns false to stop. */
  validate?(): boolean;
  /** Makes the call and says what happened. */
  run(): Promise<ActionOutcome>;
  children: ReactNode;
}

/** A refusal reads "No access", whatever the server's wording. */
export function describeActionError(err: unknown, fixes: FixHandlers = {}): ErrorView {
  const view = describeError(err, fixes);
  return view.code === 'FORBIDDEN' ? { ...view, title: 'No access' } : view;
}

const AUDITED = 'Recorded in the audit log.';

interface TypedConfirmationProps {
  /** What must be typed, exactly: no trimming or case folding, a near miss is another object. */
  expected: string;
  /** What `expected` is, for the hint: "the name", "the number". */
  what: string;
  /** The action button's label, for the hint. */
  actionLabel: string;
  value: string;
  onChange(value: string): void;
}

/** The field of a typed confirmation: the action button enables once the text matches. */
export function TypedConfirmation({ expected, what, actionLabel, value, onChange }: TypedConfirmationProps) {
  const hintId = useId();
  return (
    <>
      <label className="field">
        <span>
          Type <span className="mono">{expected}</span> to confirm
        </span>
        <input autoFocus spellCheck={false} autoComplete="off" value={value} aria-describedby={hintId} onChange={(e) => onChange(e.target.value)} />
      </label>
      <p id={hintId} className="muted">
        {actionLabel} enables once {what} matches exactly.
      </p>
    </>
  );
}

/**
 * The frame of every object action: what will happen, on which cluster and
 * namespace, progress while the call runs, the error in place with its fix,
 * and a success toast naming the object once it is done.
 */
export function ActionDialog({ target, title, label, action, focusCancel = true, confirmName, blocked = false, validate, run, onClose, onForbidden, children }: ActionDialogProps) {
  const { connection, row } = target;
  const [busy, setBusy] = useState(false);
  const [typedName, setTypedName] = useState('');
  const unconfirmed = confirmName !== undefined && typedName !== confirmName;
  const [error, setError] = useState<ErrorView>();
  const { test } = useConnectionTest(connection);
  // A call may finish after the dialog was dismissed: its failure then becomes a toast.
  const open = useRef(true);
  useEffect(() => {
    open.current = true;
    return () => {
      open.current = false;
    };
  }, []);

  const fixes: FixHandlers = {
    retest: () => void test(),
    // Opens over this dialog (app-wide dialogs render last), so the action can be tried again after.
    reimport: () => useUi.getState().openDialog(reimportDialog(connection)),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || unconfirmed || blocked || (validate && !validate())) return;
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await run();
      useToasts.getState().push({ tone: 'success', title: outcome.title, message: [outcome.message, AUDITED].filter(Boolean).join(' '), ...(outcome.action ? { action: outcome.action } : {}) });
      if (open.current) onClose();
    } catch (err) {
      const view = describeActionError(err, fixes);
      if (view.code === 'FORBIDDEN') onForbidden();
      if (open.current) {
        setError(view);
        setBusy(false);
      } else {
        const { title, message, location, action: fix } = view;
        useToasts.getState().push({ tone: 'error', title, message, ...(location ? { location } : {}), ...(fix ? { action: fix } : {}) });
      }
    }
  };

  return (
    <Modal label={label} onClose={onClose} className="action-dialog">
      <form onSubmit={(e) => void submit(e)}>
        <h2>{title}</h2>
        <p className="action-where">
          On cluster <strong>{connection.name}</strong>
          {row.namespace ? (
            <>
              , namespace <strong>{row.namespace}</strong>.
            </>
          ) : (
            ' (cluster-wide).'
          )}
        </p>
        {children}
        {confirmName !== undefined && <TypedConfirmation expected={confirmName} what="the name" actionLabel={action.label} value={typedName} onChange={setTypedName} />}
        {busy && (
          <p className="action-progress" role="status">
            <span className="spinner" aria-hidden="true" /> {action.busyLabel}
          </p>
        )}
        <DialogFooter
          error={error}
          dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: focusCancel && confirmName === undefined }}
          action={{ label: action.label, busyLabel: action.busyLabel, busy, danger: action.danger, disabled: unconfirmed || blocked }}
        />
      </form>
    </Modal>
  );
}
