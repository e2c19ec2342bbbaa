import { useEffect, useId, useRef, useState } from 'react';
import { ImportTaskResult, type TaskSummary } from '../../../../shared/contract';
import { call, CallError } from '../../api/client';
import { DialogFooter } from '../../shell/DialogFooter';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { describeError, type ErrorView, type FixHandlers } from '../../shell/errorActions';
import { phaseLabel, progressText } from '../tasks/taskFormat';
import { useTask } from '../tasks/useTask';
// The progress bar looks as it does in the Tasks tray.
import '../tasks/tasks.css';
import { useConnections } from './connectionsStore';

interface ImportProgressProps {
  /** The task the import call started. */
  started: TaskSummary;
  /** Fixes a failure can offer: a rename goes back to the choices, another file to the source. */
  fixes: FixHandlers;
  /** Back to the choices, kept as they were, after a failure or a cancel. */
  onBack(): void;
  /** Closes the dialog; a running import carries on and the Tasks tray shows it. */
  onClose(): void;
}

/** "1,000 connections". */
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/**
 * An import at work, then its outcome: phase and progress (with Cancel
 * until it saves), then what was imported and what the file held that
 * could not be, or why nothing was and how to fix it.
 */
export function ImportProgress({ started, fixes, onBack, onClose }: ImportProgressProps) {
  const task = useTask(started);
  const [cancelError, setCancelError] = useState<ErrorView>();
  const [cancelling, setCancelling] = useState(false);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const noteId = useId();
  const running = task.status === 'running' || task.status === 'cancelling';
  const failedOn = task.status === 'failed' ? task.error?.code : undefined;

  // The Import button that had focus is gone: start reading at where the import stands, then at how it ended.
  useEffect(() => statusRef.current?.focus(), [running]);
  // A name another window took meanwhile: refetch, so the choices flag it when the user goes back.
  useEffect(() => {
    if (failedOn === 'NAME_CONFLICT') void useConnections.getState().refresh();
  }, [failedOn]);

  const cancel = async () => {
    setCancelError(undefined);
    setCancelling(true);
    try {
      await call('tasks.cancel', { id: task.id });
    } catch (err) {
      setCancelError(describeError(err));
      setCancelling(false);
    }
  };

  if (running) {
    const progress = progressText(task.progress);
    const canCancel = task.status === 'running' && task.cancellable && !cancelling;
    return (
      <section className="import-progress" aria-label="Import progress">
        <p ref={statusRef} tabIndex={-1}>
          <strong>{task.title}</strong>
          <br />
          {task.status === 'cancelling' ? 'Cancelling…' : phaseLabel(task)}
        </p>
        <div className="task-progress">
          <progress aria-label={task.title} {...(task.progress.total ? { value: task.progress.done, max: task.progress.total, 'aria-valuetext': progress } : {})} />
          <span>{progress ?? 'Working…'}</span>
        </div>
        <p id={noteId} className="muted">
          {task.status === 'running' && !task.cancellable
            ? 'Saving everything in one go: it can no longer be cancelled.'
            : 'You can close this dialog: the import carries on, and the Tasks tray shows how it ends.'}
        </p>
        {cancelError && <ErrorNotice error={cancelError} />}
        <div className="button-row end">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="danger" aria-disabled={!canCancel} aria-describedby={noteId} onClick={() => canCancel && void cancel()}>
            {task.status === 'cancelling' || cancelling ? 'Cancelling…' : 'Cancel import'}
          </button>
        </div>
      </section>
    );
  }

  if (task.status !== 'succeeded') {
    // An import saves all or nothing: one that failed or was cancelled saved nothing.
    const said =
      task.status === 'interrupted'
        ? 'Pilothouse stopped while this import ran. It saves all or nothing: the connections list shows which.'
        : `Nothing was imported.${task.status === 'cancelled' && task.message ? ` ${task.message}.` : ''}`;
    return (
      <section className="import-progress" aria-label="Import outcome">
        <p ref={statusRef} tabIndex={-1}>
          <strong>{task.title}</strong>
          <br />
          {said}
        </p>
        <DialogFooter
          error={task.status === 'failed' && task.error ? describeError(new CallError(task.error), fixes) : undefined}
          dismiss={{ label: 'Back to the choices', onClick: onBack }}
        />
      </section>
    );
  }

  const outcome = ImportTaskResult.safeParse(task.result);
  return (
    <section className="import-progress" aria-label="Import outcome">
      <p ref={statusRef} tabIndex={-1} role="status">
        <strong>{outcome.success ? `Imported ${count(outcome.data.imported, 'connection')}` : 'Imported'}</strong>
        {outcome.success && outcome.data.replaced > 0 && ` (${count(outcome.data.replaced, 'replaced an existing one', 'replaced existing ones')})`}
        {outcome.success && outcome.data.rejected > 0 && `; ${count(outcome.data.rejected, 'entry', 'entries')} in the file could not be`}.
      </p>
      {task.report?.summary && <p className="import-summary">{task.report.summary}</p>}
      <DialogFooter dismiss={{ label: 'Done', onClick: onClose }} />
    </section>
  );
}
