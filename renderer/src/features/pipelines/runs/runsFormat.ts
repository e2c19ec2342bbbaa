import type { JobState } from '../../../../../shared/contract';

/** A span as kubectl prints durations: "45s", "2m15s", "3h4m", "2d5h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 60) return `${s}s`;
  if (m < 60) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
}

/**
 * How long a run took, or has been running so far ("3m12s so far"); a dash
 * for one that never started or ended without a time.
 */
export function runDuration(run: { durationMs?: number; startedAt?: string; finishedAt?: string }, now: number): string {
  if (run.durationMs !== undefined) return formatSpan(run.durationMs);
  if (run.startedAt && !run.finishedAt) return `${formatSpan(now - Date.parse(run.startedAt))} so far`;
  return '–';
}

/** The badge tone of a Job's state. */
export const JOB_TONE: Record<JobState, string> = { Complete: 'tone-ok', Failed: 'tone-bad', Running: 'tone-neutral', Suspended: 'tone-warn', Terminating: 'tone-warn' };

/** The badge tone of an Argo phase (a node's or a Workflow's). */
export function phaseTone(phase: string): string {
  if (phase === 'Succeeded') return 'tone-ok';
  if (phase === 'Failed' || phase === 'Error') return 'tone-bad';
  if (phase === 'Omitted' || phase === 'Skipped' || phase === '') return 'tone-warn';
  return 'tone-neutral';
}
