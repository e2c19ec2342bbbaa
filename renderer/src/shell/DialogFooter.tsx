import type { ErrorView } from './errorActions';
import { ErrorNotice } from './ErrorNotice';

interface DialogFooterProps {
  /** Shown above the buttons, with its fix. */
  error?: ErrorView;
  /** The way out: Cancel or Back. */
  dismiss: { label: string; onClick(): void; autoFocus?: boolean };
  /** The dialog's one action; without `onClick` it submits the surrounding form. */
  action?: { label: string; busyLabel: string; busy: boolean; onClick?: () => void; danger?: boolean; disabled?: boolean };
}

/** The error and the buttons at the foot of every dialog, in the same order everywhere. */
export function DialogFooter({ error, dismiss, action }: DialogFooterProps) {
  return (
    <>
      {error && <ErrorNotice error={error} />}
      <div className="button-row end">
        <button type="button" autoFocus={dismiss.autoFocus} onClick={dismiss.onClick}>
          {dismiss.label}
        </button>
        {action && (
          <button type={action.onClick ? 'button' : 'submit'} className={action.danger ? 'danger' : 'primary'} disabled={action.busy || action.disabled} onClick={action.onClick}>
            {action.busy ? action.busyLabel : action.label}
          </button>
        )}
      </div>
    </>
  );
}
