import { useState } from 'react';
import type { TaskSummary } from '../../../shared/contract';
import { call, CallError } from '../api/client';
import { TaskReportView } from '../features/tasks/TaskReportView';
import { phaseLabel, progressText, statusLabels } from '../features/tasks/taskFormat';
import { useTask } from '../features/tasks/useTask';
import { DialogFooter } from './DialogFooter';
import { describeError } from './errorActions';
import { notifyError } from './toastStore';
// The progress bar looks as it does in the Tasks tray.
import '../features/tasks/tasks.css';

/**
 * A task at work (an import, an export, an apply), then how it ended: its
 * phase and progress with Cancel, then the task's summary (what was added,
 * updated, refused) and its report on request. Closing leaves it running;
 * the Tasks tray follows it.
 */
export function TaskProgressView({ started, onClose }: { started: TaskSummary; onClose(): void }) {
  const task = useTask(started);
  const [cancelling, setCancelling] = useState(false);
  const [showReport, setShowReport] = useState(false);
  const running = task.status === 'running' || task.status === 'cancelling';

  if (running) {
    const progress = progressText(task.progress);
    const canCancel = task.status === 'running' && task.cancellable && !cancelling;
    const cancel = () => {
      setCancelling(true);
      call('tasks.cancel', { id: task.id }).catch((err: unknown) => {
        setCancelling(false);
        notifyError(err);
      });
    };
    return (
      <section aria-label="Progress">
        <p role="status">
          <strong>{task.title}</strong>
          <br />
          {task.status === 'cancelling' ? 'Cancelling…' : (phaseLabel(task) ?? task.message ?? 'Working…')}
        </p>
        <div className="task-progress">
          <progress aria-label={task.title} {...(task.progress.total ? { value: task.progress.done, max: task.progress.total, 'aria-valuetext': progress } : {})} />
          <span>{progress ?? 'Working…'}</span>
        </div>
        <p className="muted">You can close this: it carries on, and the Tasks tray shows how it ends.</p>
        <div className="button-row end">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="danger" disabled={!canCancel} onClick={cancel}>
            {task.status === 'cancelling' || cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section aria-label="Outcome">
      <p role="status">
        <strong>{task.title}</strong>: {statusLabels[task.status].toLowerCase()}.
      </p>
      {task.report?.summary && <p className="import-summary">{task.report.summary}</p>}
      {showReport ? (
        <TaskReportView task={task} id={`report-${task.id}`} />
      ) : (
        <button type="button" className="link" onClick={() => setShowReport(true)}>
          Show the report
        </button>
      )}
      <DialogFooter error={task.status === 'failed' && task.error ? describeError(new CallError(task.error)) : undefined} dismiss={{ label: 'Done', onClick: onClose }} />
    </section>
  );
}
