import type { TaskSummary } from '../../../../shared/contract';

/** "0s", "45s", "1m 05s", "2h 03m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** How long a task ran, or has run until `now`. */
export function elapsedOf(task: Pick<TaskSummary, 'startedAt' | 'finishedAt'>, now: number): number {
  const start = Date.parse(task.startedAt);
  const end = task.finishedAt ? Date.parse(task.finishedAt) : now;
  return Number.isNaN(start) || Number.isNaN(end) ? 0 : end - start;
}

/** "Phase 2 of 3: seal". */
export function phaseLabel(task: Pick<TaskSummary, 'phases' | 'phase'>): string | undefined {
  if (!task.phase) return undefined;
  const index = task.phases.findIndex((p) => p.name === task.phase);
  return task.phases.length > 1 && index >= 0 ? `Phase ${index + 1} of ${task.phases.length}: ${task.phase}` : task.phase;
}

/** "250 / 1,000 contexts"; undefined while the total is not known. */
export function progressText(progress: TaskSummary['progress']): string | undefined {
  if (!progress.total) return undefined;
  return `${progress.done.toLocaleString()} / ${progress.total.toLocaleString()}${progress.unit ? ` ${progress.unit}` : ''}`;
}

/** What the tray says of a task's state. */
export const statusLabels: Record<TaskSummary['status'], string> = {
  running: 'Running',
  cancelling: 'Cancelling…',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};
