import { useId, useState } from 'react';
import { isTaskFinished, type TaskSummary } from '../../../../shared/contract';
import { call } from '../../api/client';
import { notifyError } from '../../shell/toastStore';
import { elapsedOf, formatDuration, phaseLabel, progressText, statusLabels } from './taskFormat';
import { TaskReportView } from './TaskReportView';
import { useTasks } from './tasksStore';

/** The outcome of a finished task, in words. */
function Outcome({ task }: { task: TaskSummary }) {
  if (task.status === 'succeeded') {
    const result = Object.entries(task.result ?? {});
    return result.length ? <p className="task-result">{result.map(([k, v]) => `${k}: ${String(v)}`).join(' · ')}</p> : null;
  }
  return (
    <>
      {task.error && <p className="field-error task-error">{task.error.message}</p>}
      {!task.error && task.message && <p className="muted task-message">{task.message}</p>}
    </>
  );
}

/** One task in the tray: what it is, where it is, its progress, and what can be done with it. */
export function TaskItem({ task, now }: { task: TaskSummary; now: number }) {
  const [busy, setBusy] = useState(false);
  const [reportOpen, setReportOpen] = useState(false);
  const reportId = useId();
  const refusalId = useId();
  const finished = isTaskFinished(task.status);
  const progress = progressText(task.progress);
  const phase = phaseLabel(task);
  const canCancel = task.status === 'running' && task.cancellable && !busy;

  const act = async (method: 'tasks.cancel' | 'tasks.dismiss') => {
    setBusy(true);
    try {
      useTasks.getState().apply([await call(method, { id: task.id })]);
    } catch (err) {
      notifyError(err, { refresh: () => void useTasks.getState().load() });
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`task task-${task.status}`} aria-label={task.title}>
      <div className="task-head">
        <span className="task-title">{task.title}</span>
        <span className="task-status">{statusLabels[task.status]}</span>
      </div>
      <div className="muted task-where">
        <span className="mono">{task.target}</span>
        {phase && <> · {phase}</>}
      </div>
      {!finished && (
        <div className="task-progress">
          <progress
            aria-label={`Progress of ${task.title}`}
            {...(task.progress.total ? { value: task.progress.done, max: task.progress.total, 'aria-valuetext': progress } : {})}
          />
          <span>{progress ?? 'Working…'}</span>
        </div>
      )}
      {!finished && task.message && <p className="muted task-message">{task.message}</p>}
      {finished && <Outcome task={task} />}
      <div className="task-foot">
        <span className="muted">
          {finished ? 'Took' : 'Elapsed'} {formatDuration(elapsedOf(task, now))}
        </span>
        <span className="task-actions">
          {!finished && (
            <button
              type="button"
              // Stays focusable while it cannot act (cancelling, past the point of no return), so Esc and Tab still work.
              aria-disabled={!canCancel}
              aria-describedby={task.status === 'running' && !task.cancellable ? refusalId : undefined}
              aria-label={`Cancel ${task.title}`}
              onClick={() => canCancel && void act('tasks.cancel')}
            >
              {task.status === 'cancelling' || busy ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          <button type="button" aria-expanded={reportOpen} aria-controls={reportOpen ? reportId : undefined} aria-label={`Report of ${task.title}`} onClick={() => setReportOpen((o) => !o)}>
            Report
          </button>
          {finished && (
            <button type="button" aria-label={`Dismiss ${task.title}`} disabled={busy} onClick={() => void act('tasks.dismiss')}>
              Dismiss
            </button>
          )}
        </span>
      </div>
      {task.status === 'running' && !task.cancellable && (
        <p id={refusalId} className="muted task-note">
          Past its point of no return: it can no longer be cancelled.
        </p>
      )}
      {reportOpen && <TaskReportView id={reportId} task={task} />}
    </li>
  );
}
