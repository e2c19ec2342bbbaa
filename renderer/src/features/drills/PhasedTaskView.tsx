import { useEffect, useRef, type ReactNode } from 'react';
import { isTaskFinished, type TaskPhase, type TaskSummary } from '../../../../shared/contract';
import { TaskProgressView } from '../../shell/TaskProgressView';
import { useTask } from '../tasks/useTask';

const PHASE_STATE: Record<TaskPhase['state'], { label: string; tone: string }> = {
  pending: { label: 'to do', tone: 'tone-neutral' },
  running: { label: 'running', tone: 'tone-warn' },
  done: { label: 'done', tone: 'tone-ok' },
  failed: { label: 'failed', tone: 'tone-bad' },
  skipped: { label: 'skipped', tone: 'tone-neutral' },
};

/**
 * A backup, drill or cleanup at work: its phases as the task names them
 * (Check, Restore, Wait ready…), each with its state, above the shared
 * progress bar with Cancel; `onEnded` once it has ended, so the page reads
 * again what it changed. `outcome`, when given, says how the work ended in
 * place of the task's own status: a drill's task succeeds whenever the drill
 * ran to its end, also when the drill failed.
 */
export function PhasedTaskView({ started, onClose, onEnded, outcome }: { started: TaskSummary; onClose(): void; onEnded(task: TaskSummary): void; outcome?: (task: TaskSummary) => ReactNode }) {
  const task = useTask(started);
  const ended = isTaskFinished(task.status);
  const told = useRef(false);
  const onEndedRef = useRef(onEnded);
  useEffect(() => {
    onEndedRef.current = onEnded;
  });
  useEffect(() => {
    if (!ended || told.current) return;
    told.current = true;
    onEndedRef.current(task);
  }, [ended, task]);

  return (
    <>
      {task.phases.length > 0 && (
        <ol className="drills-phases" aria-label="Phases">
          {task.phases.map((p) => (
            <li key={p.name} className={`drills-phase drills-phase-${p.state}`} aria-current={p.name === task.phase && !ended ? 'step' : undefined}>
              <span className="drills-phase-name">{p.name}</span>
              <span className={`badge ${PHASE_STATE[p.state].tone}`}>{PHASE_STATE[p.state].label}</span>
            </li>
          ))}
        </ol>
      )}
      {ended && outcome ? outcome(task) : <TaskProgressView started={started} onClose={onClose} />}
    </>
  );
}
