/**
 * Which backup schedules the area's tick starts, and which of a schedule's
 * old backups its retention may delete: the decisions, kept apart from the
 * timer and the store so they can be tested on their own.
 */
import type { BackupSchedule, DrillSummary } from '../../../../shared/contract/drills';

/**
 * How long a schedule whose last backup failed (or could not start: its
 * connection deleted, its destination unreachable) waits before it is tried
 * again. Without it the tick, every minute, would record a failed backup and
 * a failed task each minute for as long as the fault lasts.
 */
export const RETRY_AFTER_FAILURE_MS = 15 * 60_000;

/**
 * The schedules to start now: not paused, due, without a backup running, and
 * not failed in the last {@link RETRY_AFTER_FAILURE_MS}.
 *
 * @param running ids of schedules with a backup running
 * @param failedAt per schedule id, when its last attempt failed (absent once one succeeds)
 */
export function dueSchedules(schedules: readonly BackupSchedule[], running: ReadonlySet<string | undefined>, failedAt: ReadonlyMap<string, number>, now: number): BackupSchedule[] {
  return schedules.filter((s) => {
    if (s.paused || running.has(s.id) || Date.parse(s.nextDueAt) > now) return false;
    const failed = failedAt.get(s.id);
    return failed === undefined || now - failed >= RETRY_AFTER_FAILURE_MS;
  });
}

/** Ids of the backups a running drill restores from: neither retention nor a person may delete them under it. */
export function backupsInUse(drills: readonly Pick<DrillSummary, 'outcome' | 'source'>[]): Set<string> {
  return new Set(drills.flatMap((d) => (d.outcome === 'running' && d.source.kind === 'archive' ? [d.source.backupId] : [])));
}
