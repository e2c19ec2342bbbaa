/**
 * The drills area's records in the data file: destinations, backups,
 * schedules, per-namespace targets and every drill with its timeline. Each
 * write is one statement or one transaction, so a failure leaves nothing
 * half-saved. Archives themselves live at their destinations; a backup's row
 * says where, and the hash its manifest had.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  DestinationTarget,
  DrillCheck,
  DrillSource,
  type BackupDestination,
  type BackupSchedule,
  type BackupSummary,
  type DrillCheckResult,
  type DrillDetail,
  type DrillEvent,
  type DrillNamespaceStatus,
  type DrillOutcome,
  type DrillSummary,
  type DrillTarget,
  type KindCount,
  type ScheduleInput,
} from '../../../shared/contract/drills';
import { AppError } from '../../../shared/result';
import type { Database } from '../store/database';
import { createdLabel, type CreatedRef } from './drill/drillObjects';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Timeline entries kept per drill: a drill that loops on a failing check must not grow its row without bound. */
const TIMELINE_MAX = 500;
/** Why a backup or drill still running at start-up is not: the process died under it. */
export const STOPPED_MESSAGE = 'Pilothouse stopped while this ran';

/** A new id with a prefix saying what it names: `bk-…`, `dr-…`. */
export function newId(prefix: string): string {
  return `${prefix}-${[...randomBytes(16)].map((b) => (b % 36).toString(36)).join('')}`;
}

/** A backup as the services use it: its summary plus where its archive is and what proves it unchanged. */
export interface BackupRecord extends BackupSummary {
  target: DestinationTarget;
  /** sha256 of `manifest.json` as written; absent until the backup completed. */
  manifestSha256?: string;
  keyId?: string;
}

/** What a backup is when it starts. */
export interface BackupStart {
  id: string;
  name: string;
  connectionId: string;
  connectionName: string;
  namespaces: string[];
  destination: BackupDestination;
  location: string;
  takenAt: string;
  scheduleId?: string;
}

/** What a completed backup adds to its record. */
export interface BackupDone {
  finishedAt: string;
  objectCount: number;
  secretCount: number;
  bytes: number;
  counts: KindCount[];
  skipped: { resource: string; reason: string }[];
  manifestSha256: string;
  keyId?: string;
}

/** A drill as it starts. */
export interface DrillStart {
  id: string;
  taskId?: string;
  source: DrillSource;
  sourceConnectionId: string;
  sourceConnectionName: string;
  sourceNamespace: string;
  targetConnectionId: string;
  targetConnectionName: string;
  targetNamespace: string;
  startedAt: string;
  backupTakenAt: string;
  rpoMs: number;
  rtoTargetMs?: number;
  rpoTargetMs?: number;
  kept: boolean;
}

/** What a drill's run changes of its record as it goes and when it ends. */
export interface DrillUpdate {
  outcome?: DrillOutcome;
  error?: string | null;
  finishedAt?: string;
  rtoMs?: number | null;
  checks?: DrillCheckResult[];
  kept?: boolean;
  leftovers?: number;
}

interface BackupRow {
  id: string;
  name: string;
  connection_id: string;
  connection_name: string;
  namespaces: string;
  destination_id: string;
  destination_name: string;
  target: string;
  location: string;
  taken_at: string;
  finished_at: string | null;
  status: BackupSummary['status'];
  error: string | null;
  object_count: number;
  secret_count: number;
  bytes: number;
  counts: string;
  skipped: string;
  manifest_sha256: string | null;
  key_id: string | null;
  schedule_id: string | null;
}

interface ScheduleRow {
  id: string;
  connection_id: string;
  namespaces: string;
  destination_id: string;
  every_hours: number;
  keep: number;
  paused: number;
  created_at: string;
  last_backup_at: string | null;
}

interface TargetRow {
  connection_id: string;
  namespace: string;
  rto_seconds: number;
  rpo_seconds: number;
  every_days: number;
  checks: string;
}

interface DrillRow {
  id: string;
  task_id: string | null;
  source: string;
  source_connection_id: string;
  source_connection_name: string;
  source_namespace: string;
  target_connection_id: string;
  target_connection_name: string;
  target_namespace: string;
  started_at: string;
  finished_at: string | null;
  outcome: DrillOutcome;
  error: string | null;
  backup_taken_at: string;
  rto_ms: number | null;
  rpo_ms: number;
  rto_target_ms: number | null;
  rpo_target_ms: number | null;
  checks: string;
  timeline: string;
  created: string;
  kept: number;
  leftovers: number;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function backupOf(r: BackupRow): BackupRecord {
  return {
    id: r.id,
    name: r.name,
    connectionId: r.connection_id,
    connectionName: r.connection_name,
    namespaces: JSON.parse(r.namespaces) as string[],
    destinationId: r.destination_id,
    destinationName: r.destination_name,
    location: r.location,
    takenAt: r.taken_at,
    finishedAt: opt(r.finished_at),
    status: r.status,
    error: opt(r.error),
    objectCount: r.object_count,
    secretCount: r.secret_count,
    bytes: r.bytes,
    counts: JSON.parse(r.counts) as KindCount[],
    skipped: JSON.parse(r.skipped) as { resource: string; reason: string }[],
    scheduleId: opt(r.schedule_id),
    target: DestinationTarget.parse(JSON.parse(r.target)),
    manifestSha256: opt(r.manifest_sha256),
    keyId: opt(r.key_id),
  };
}

/** The contract's summary of a record: without where the archive is checked from. */
export function backupSummary({ target: _target, manifestSha256: _sha, keyId: _key, ...summary }: BackupRecord): BackupSummary {
  return summary;
}

function scheduleOf(r: ScheduleRow, now: number): BackupSchedule {
  const from = r.last_backup_at ?? r.created_at;
  const nextDue = Date.parse(from) + r.every_hours * HOUR_MS;
  return {
    id: r.id,
    connectionId: r.connection_id,
    namespaces: JSON.parse(r.namespaces) as string[],
    destinationId: r.destination_id,
    everyHours: r.every_hours,
    keep: r.keep,
    paused: r.paused === 1,
    lastBackupAt: opt(r.last_backup_at),
    // A new schedule is due at once: its first backup should not wait a period.
    nextDueAt: new Date(r.last_backup_at ? nextDue : Date.parse(r.created_at)).toISOString(),
    // A schedule that never completed a backup is due from its creation: failing from day one is overdue too.
    overdue: !r.paused && (r.last_backup_at !== null ? nextDue : Date.parse(r.created_at)) + HOUR_MS < now,
  };
}

function targetOf(r: TargetRow): DrillTarget {
  return {
    connectionId: r.connection_id,
    namespace: r.namespace,
    rtoSeconds: r.rto_seconds,
    rpoSeconds: r.rpo_seconds,
    everyDays: r.every_days,
    checks: DrillCheck.array().parse(JSON.parse(r.checks)),
  };
}

function drillOf(r: DrillRow): DrillSummary {
  const checks = JSON.parse(r.checks) as DrillCheckResult[];
  return {
    id: r.id,
    taskId: opt(r.task_id),
    source: DrillSource.parse(JSON.parse(r.source)),
    sourceConnectionName: r.source_connection_name,
    sourceNamespace: r.source_namespace,
    targetConnectionId: r.target_connection_id,
    targetConnectionName: r.target_connection_name,
    targetNamespace: r.target_namespace,
    startedAt: r.started_at,
    finishedAt: opt(r.finished_at),
    outcome: r.outcome,
    error: opt(r.error),
    backupTakenAt: r.backup_taken_at,
    rtoMs: opt(r.rto_ms),
    rpoMs: r.rpo_ms,
    rtoTargetMs: opt(r.rto_target_ms),
    rpoTargetMs: opt(r.rpo_target_ms),
    checksPassed: checks.filter((c) => c.passed).length,
    checksFailed: checks.filter((c) => !c.passed).length,
    kept: r.kept === 1,
    leftovers: r.leftovers,
  };
}

/** The records of the drills area. */
export type DrillStore = ReturnType<typeof createDrillStore>;

/** {@link DrillStore} over the data file (migration 014). */
export function createDrillStore(db: Database) {
  const destinationRow = (r: { id: string; name: string; target: string; created_at: string }): BackupDestination => ({
    id: r.id,
    name: r.name,
    target: DestinationTarget.parse(JSON.parse(r.target)),
    createdAt: r.created_at,
  });
  const getDestination = (id: string): BackupDestination => {
    const row = db.prepare(`SELECT * FROM drill_destinations WHERE id = ?`).get(id) as Parameters<typeof destinationRow>[0] | undefined;
    if (!row) throw new AppError('NOT_FOUND', 'That backup destination no longer exists');
    return destinationRow(row);
  };
  const getBackup = (id: string): BackupRecord => {
    const row = db.prepare(`SELECT * FROM drill_backups WHERE id = ?`).get(id) as BackupRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', 'That backup no longer exists');
    return backupOf(row);
  };
  const drillRow = (id: string): DrillRow => {
    const row = db.prepare(`SELECT * FROM drills WHERE id = ?`).get(id) as DrillRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', 'That drill no longer exists');
    return row;
  };
  const getTarget = (connectionId: string, namespace: string): DrillTarget | undefined => {
    const row = db.prepare(`SELECT * FROM drill_targets WHERE connection_id = ? AND namespace = ?`).get(connectionId, namespace) as TargetRow | undefined;
    return row && targetOf(row);
  };

  return {
    listDestinations: (): BackupDestination[] => (db.prepare(`SELECT * FROM drill_destinations ORDER BY name COLLATE NOCASE`).all() as Parameters<typeof destinationRow>[0][]).map(destinationRow),
    getDestination,
    /** Adds or changes a destination; a name another holds is CONFLICT. */
    saveDestination(input: { id?: string; name: string; target: DestinationTarget }, now: string): BackupDestination {
      const clash = db.prepare(`SELECT id FROM drill_destinations WHERE name = ? COLLATE NOCASE AND id IS NOT ?`).get(input.name, input.id ?? null);
      if (clash) throw new AppError('CONFLICT', `A destination named "${input.name}" exists already`);
      if (input.id) {
        getDestination(input.id);
        db.prepare(`UPDATE drill_destinations SET name = ?, target = ? WHERE id = ?`).run(input.name, JSON.stringify(input.target), input.id);
        return getDestination(input.id);
      }
      const id = newId('ds');
      db.prepare(`INSERT INTO drill_destinations (id, name, target, created_at) VALUES (?, ?, ?, ?)`).run(id, input.name, JSON.stringify(input.target), now);
      return getDestination(id);
    },
    /** Removes a destination; refused while a schedule writes to it. */
    deleteDestination(id: string): void {
      const used = db.prepare(`SELECT COUNT(*) AS n FROM drill_schedules WHERE destination_id = ?`).get(id) as { n: number };
      if (used.n) throw new AppError('CONFLICT', `${used.n} schedule(s) write to this destination: change or delete them first`);
      if (db.prepare(`DELETE FROM drill_destinations WHERE id = ?`).run(id).changes === 0) throw new AppError('NOT_FOUND', 'That backup destination no longer exists');
    },

    startBackup(b: BackupStart): BackupRecord {
      db.prepare(
        `INSERT INTO drill_backups (id, name, connection_id, connection_name, namespaces, destination_id, destination_name, target, location, taken_at, status, schedule_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
      ).run(b.id, b.name, b.connectionId, b.connectionName, JSON.stringify(b.namespaces), b.destination.id, b.destination.name, JSON.stringify(b.destination.target), b.location, b.takenAt, b.scheduleId ?? null);
      return getBackup(b.id);
    },
    /** Marks a backup complete; its schedule's last backup moves to its time, in the same transaction. */
    completeBackup(id: string, done: BackupDone): BackupRecord {
      db.transaction(() => {
        db.prepare(
          `UPDATE drill_backups SET status = 'complete', finished_at = ?, object_count = ?, secret_count = ?, bytes = ?, counts = ?, skipped = ?, manifest_sha256 = ?, key_id = ? WHERE id = ?`,
        ).run(done.finishedAt, done.objectCount, done.secretCount, done.bytes, JSON.stringify(done.counts), JSON.stringify(done.skipped), done.manifestSha256, done.keyId ?? null, id);
        const b = getBackup(id);
        if (b.scheduleId) db.prepare(`UPDATE drill_schedules SET last_backup_at = ? WHERE id = ?`).run(b.takenAt, b.scheduleId);
      })();
      return getBackup(id);
    },
    failBackup(id: string, error: string, finishedAt: string): void {
      db.prepare(`UPDATE drill_backups SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'running'`).run(error, finishedAt, id);
    },
    getBackup,
    /** Newest first; `namespace` matches any backup that holds it. */
    listBackups(q: { connectionId?: string; namespace?: string; limit: number; status?: BackupSummary['status'] }): BackupRecord[] {
      const rows = db
        .prepare(
          `SELECT * FROM drill_backups
           WHERE (:connectionId IS NULL OR connection_id = :connectionId)
             AND (:namespace IS NULL OR EXISTS (SELECT 1 FROM json_each(namespaces) WHERE value = :namespace))
             AND (:status IS NULL OR status = :status)
           ORDER BY taken_at DESC, id LIMIT :limit`,
        )
        .all({ connectionId: q.connectionId ?? null, namespace: q.namespace ?? null, status: q.status ?? null, limit: q.limit }) as BackupRow[];
      return rows.map(backupOf);
    },
    deleteBackup(id: string): void {
      db.prepare(`DELETE FROM drill_backups WHERE id = ?`).run(id);
    },
    /** Backups left running by a process that died: marked failed, and returned so their partial archives can be removed. */
    failStoppedBackups(finishedAt: string): BackupRecord[] {
      return db.transaction(() => {
        const rows = (db.prepare(`SELECT * FROM drill_backups WHERE status = 'running'`).all() as BackupRow[]).map(backupOf);
        db.prepare(`UPDATE drill_backups SET status = 'failed', error = ?, finished_at = ? WHERE status = 'running'`).run(STOPPED_MESSAGE, finishedAt);
        return rows;
      })();
    },

    listSchedules: (now: number): BackupSchedule[] => (db.prepare(`SELECT * FROM drill_schedules ORDER BY created_at, id`).all() as ScheduleRow[]).map((r) => scheduleOf(r, now)),
    getSchedule(id: string, now: number): BackupSchedule {
      const row = db.prepare(`SELECT * FROM drill_schedules WHERE id = ?`).get(id) as ScheduleRow | undefined;
      if (!row) throw new AppError('NOT_FOUND', 'That schedule no longer exists');
      return scheduleOf(row, now);
    },
    saveSchedule(input: z.output<typeof ScheduleInput>, now: number): BackupSchedule {
      getDestination(input.destinationId);
      const namespaces = JSON.stringify([...new Set(input.namespaces)]);
      if (input.id) {
        const changed = db
          .prepare(`UPDATE drill_schedules SET connection_id = ?, namespaces = ?, destination_id = ?, every_hours = ?, keep = ?, paused = ? WHERE id = ?`)
          .run(input.connectionId, namespaces, input.destinationId, input.everyHours, input.keep, input.paused ? 1 : 0, input.id).changes;
        if (!changed) throw new AppError('NOT_FOUND', 'That schedule no longer exists');
        return this.getSchedule(input.id, now);
      }
      const id = newId('sc');
      db.prepare(`INSERT INTO drill_schedules (id, connection_id, namespaces, destination_id, every_hours, keep, paused, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
        id,
        input.connectionId,
        namespaces,
        input.destinationId,
        input.everyHours,
        input.keep,
        input.paused ? 1 : 0,
        new Date(now).toISOString(),
      );
      return this.getSchedule(id, now);
    },
    deleteSchedule(id: string): void {
      if (db.prepare(`DELETE FROM drill_schedules WHERE id = ?`).run(id).changes === 0) throw new AppError('NOT_FOUND', 'That schedule no longer exists');
    },
    /** Complete backups of a schedule past its `keep`, oldest last: what retention deletes. */
    expiredBackups(scheduleId: string, keep: number): BackupRecord[] {
      const rows = db.prepare(`SELECT * FROM drill_backups WHERE schedule_id = ? AND status = 'complete' ORDER BY taken_at DESC, id LIMIT -1 OFFSET ?`).all(scheduleId, keep) as BackupRow[];
      return rows.map(backupOf);
    },

    getTarget,
    listTargets: (): DrillTarget[] => (db.prepare(`SELECT * FROM drill_targets ORDER BY connection_id, namespace`).all() as TargetRow[]).map(targetOf),
    saveTarget(t: DrillTarget): DrillTarget {
      db.prepare(
        `INSERT INTO drill_targets (connection_id, namespace, rto_seconds, rpo_seconds, every_days, checks) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (connection_id, namespace) DO UPDATE SET rto_seconds = excluded.rto_seconds, rpo_seconds = excluded.rpo_seconds, every_days = excluded.every_days, checks = excluded.checks`,
      ).run(t.connectionId, t.namespace, t.rtoSeconds, t.rpoSeconds, t.everyDays, JSON.stringify(t.checks));
      return getTarget(t.connectionId, t.namespace)!;
    },
    deleteTarget(connectionId: string, namespace: string): void {
      db.prepare(`DELETE FROM drill_targets WHERE connection_id = ? AND namespace = ?`).run(connectionId, namespace);
    },
    startDrill(d: DrillStart): DrillSummary {
      db.prepare(
        `INSERT INTO drills (id, task_id, source, source_connection_id, source_connection_name, source_namespace, target_connection_id, target_connection_name, target_namespace,
                             started_at, outcome, backup_taken_at, rpo_ms, rto_target_ms, rpo_target_ms, kept)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      ).run(
        d.id,
        d.taskId ?? null,
        JSON.stringify(d.source),
        d.sourceConnectionId,
        d.sourceConnectionName,
        d.sourceNamespace,
        d.targetConnectionId,
        d.targetConnectionName,
        d.targetNamespace,
        d.startedAt,
        d.backupTakenAt,
        d.rpoMs,
        d.rtoTargetMs ?? null,
        d.rpoTargetMs ?? null,
        d.kept ? 1 : 0,
      );
      return drillOf(drillRow(d.id));
    },
    setDrillTask(id: string, taskId: string): void {
      db.prepare(`UPDATE drills SET task_id = ? WHERE id = ?`).run(taskId, id);
    },
    /** Adds a line to the drill's timeline (the oldest go past {@link TIMELINE_MAX}). */
    drillEvent(id: string, event: DrillEvent): void {
      db.transaction(() => {
        const timeline = [...(JSON.parse(drillRow(id).timeline) as DrillEvent[]), event].slice(-TIMELINE_MAX);
        db.prepare(`UPDATE drills SET timeline = ? WHERE id = ?`).run(JSON.stringify(timeline), id);
      })();
    },
    /** Replaces the list of what the drill's restore created, and how many of them are still there. */
    drillCreated(id: string, created: CreatedRef[], leftovers: number): void {
      db.prepare(`UPDATE drills SET created = ?, leftovers = ? WHERE id = ?`).run(JSON.stringify(created), leftovers, id);
    },
    updateDrill(id: string, u: DrillUpdate): void {
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = ?`);
        values.push(value);
      };
      if (u.outcome !== undefined) set('outcome', u.outcome);
      if (u.error !== undefined) set('error', u.error);
      if (u.finishedAt !== undefined) set('finished_at', u.finishedAt);
      if (u.rtoMs !== undefined) set('rto_ms', u.rtoMs);
      if (u.checks !== undefined) set('checks', JSON.stringify(u.checks));
      if (u.kept !== undefined) set('kept', u.kept ? 1 : 0);
      if (u.leftovers !== undefined) set('leftovers', u.leftovers);
      if (!sets.length) return;
      db.prepare(`UPDATE drills SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    },
    getDrill(id: string): DrillDetail {
      const row = drillRow(id);
      return {
        ...drillOf(row),
        timeline: JSON.parse(row.timeline) as DrillEvent[],
        checks: JSON.parse(row.checks) as DrillCheckResult[],
        created: (JSON.parse(row.created) as CreatedRef[]).map(createdLabel),
      };
    },
    /** What the drill's restore created, as kept for its cleanup. */
    drillCreatedRefs: (id: string): CreatedRef[] => JSON.parse(drillRow(id).created) as CreatedRef[],
    listDrills(q: { connectionId?: string; namespace?: string; limit: number }): DrillSummary[] {
      const rows = db
        .prepare(
          `SELECT * FROM drills WHERE (:connectionId IS NULL OR source_connection_id = :connectionId OR target_connection_id = :connectionId)
             AND (:namespace IS NULL OR source_namespace = :namespace)
           ORDER BY started_at DESC, id LIMIT :limit`,
        )
        .all({ connectionId: q.connectionId ?? null, namespace: q.namespace ?? null, limit: q.limit }) as DrillRow[];
      return rows.map(drillOf);
    },
    /** The running drill restoring into `namespace` on the connection, if any: two drills in one namespace would count and delete each other's objects. */
    runningDrillInto(connectionId: string, namespace: string): DrillSummary | undefined {
      const row = db.prepare(`SELECT * FROM drills WHERE outcome = 'running' AND target_connection_id = ? AND target_namespace = ? LIMIT 1`).get(connectionId, namespace) as DrillRow | undefined;
      return row && drillOf(row);
    },
    /** Drills left running by a process that died: marked interrupted, and returned so what they created can be offered for cleanup. */
    interruptStoppedDrills(finishedAt: string): DrillSummary[] {
      return db.transaction(() => {
        const rows = db.prepare(`SELECT * FROM drills WHERE outcome = 'running'`).all() as DrillRow[];
        db.prepare(`UPDATE drills SET outcome = 'interrupted', error = ?, finished_at = ?, leftovers = json_array_length(created) WHERE outcome = 'running'`).run(STOPPED_MESSAGE, finishedAt);
        return rows.map((r) => drillOf({ ...r, outcome: 'interrupted' }));
      })();
    },

    /**
     * How each namespace's drills stand: every namespace with a backup, a
     * target or a drill, with its last backup, last drill, next due date and
     * whether it is overdue (a target set, and no passing drill within its
     * interval).
     */
    namespaceStatuses(now: number, connectionId: string | undefined, connectionName: (id: string) => string): DrillNamespaceStatus[] {
      const keys = db
        .prepare(
          `SELECT connection_id AS c, value AS ns FROM drill_backups, json_each(drill_backups.namespaces) WHERE status = 'complete'
           UNION SELECT connection_id, namespace FROM drill_targets
           UNION SELECT source_connection_id, source_namespace FROM drills`,
        )
        .all() as { c: string; ns: string }[];
      const lastBackup = db.prepare(
        `SELECT MAX(taken_at) AS at FROM drill_backups WHERE connection_id = ? AND status = 'complete' AND EXISTS (SELECT 1 FROM json_each(namespaces) WHERE value = ?)`,
      );
      const lastDrill = db.prepare(`SELECT * FROM drills WHERE source_connection_id = ? AND source_namespace = ? ORDER BY started_at DESC, id LIMIT 1`);
      const lastPass = db.prepare(`SELECT MAX(started_at) AS at FROM drills WHERE source_connection_id = ? AND source_namespace = ? AND outcome = 'passed'`);
      return keys
        .filter((k) => !connectionId || k.c === connectionId)
        .map(({ c, ns }) => {
          const target = getTarget(c, ns);
          const backupAt = (lastBackup.get(c, ns) as { at: string | null }).at;
          const drill = lastDrill.get(c, ns) as DrillRow | undefined;
          const passAt = (lastPass.get(c, ns) as { at: string | null }).at;
          // Never drilled: due from when the target was set is unknown, so it is due now.
          const nextDue = target ? (passAt ? Date.parse(passAt) + target.everyDays * DAY_MS : now) : undefined;
          return {
            connectionId: c,
            connectionName: connectionName(c),
            namespace: ns,
            target,
            lastBackupAt: opt(backupAt),
            lastDrill: drill && drillOf(drill),
            lastPassedAt: opt(passAt),
            nextDrillDueAt: nextDue === undefined ? undefined : new Date(nextDue).toISOString(),
            overdue: nextDue !== undefined && nextDue <= now,
          };
        })
        .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.connectionName.localeCompare(b.connectionName) || a.namespace.localeCompare(b.namespace));
    },
  };
}
