/**
 * Guarded rollouts: Deployments Pilothouse watches while it runs, rolling each
 * back by itself (the rollback task, audited, with its undo) when a rollout
 * misses its progress deadline or keeps too few replicas available past a
 * grace period (./guardVerdict.ts judges). Guards are kept in the data file.
 *
 * The watcher reads each guarded Deployment with one GET every few seconds
 * rather than holding a watch open per guard: a Deployment's status changes
 * only every few seconds during a rollout, a GET is small, and reads are
 * capped (at most {@link MAX_READS_PER_CONNECTION} at once per connection, one
 * per guard, the guards waiting longest first) and spaced out per guard after
 * failures, so many guards cannot hammer an apiserver and an unreachable
 * cluster holds up only its own guards. A failed read is said on the guard, and
 * a guard not read for a while is marked stale.
 */
import type { AddGuardParams, GuardRef, GuardTrip, GuardTripped, RolloutGuard } from '../../../shared/contract';
import { isTaskFinished } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { AuditService, Outcome } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { Database } from '../store/database';
import type { TaskRunner } from '../tasks/taskRunner';
import { judgeGuard, type GuardedDeployment, type GuardMemory, type GuardVerdict } from './guardVerdict';
import type { Rollbacks } from './rollback';

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' } as const;
/** Reads of one connection's guarded Deployments at once, whatever the number of its guards. */
const MAX_READS_PER_CONNECTION = 4;
/** A guard not read successfully for this many read intervals is stale: what it says may no longer hold. */
const STALE_AFTER_INTERVALS = 6;
/** Longest wait between two reads of a guard whose reads keep failing. */
const MAX_BACKOFF_MS = 60_000;

/** A desktop notification, shown by the host where it can (Electron); absent in browser mode. */
export type Notify = (note: { title: string; body: string }) => void;

interface GuardRow {
  id: number;
  connection_id: string;
  namespace: string;
  name: string;
  min_available_percent: number;
  grace_seconds: number;
  created_by: string;
  created_at: string;
  stable_revision: number | null;
  stable_template: string | null;
  tripped_revision: number | null;
  tripped_template: string | null;
  uid: string | null;
  last_trip: string | null;
}

/** What the watcher knows of a guard since Pilothouse started. */
interface Live {
  state: RolloutGuard['state'];
  message: string;
  checkedAt?: string;
  /** When the Deployment was last read successfully (ms). */
  readAt?: number;
  /** Trips replaced by a later one before their rollback ended: still followed, so a failure is said. */
  earlierTrips: GuardTrip[];
  belowSince?: number;
  /** Reads failed in a row. */
  failures: number;
  /** No read before this time (ms). */
  nextAt: number;
  reading: boolean;
}

/** What the guards read, roll back through, keep and announce with. */
export interface RolloutGuardsDeps {
  db: Database;
  access: Pick<KubeAccess, 'config'>;
  connections: Pick<ConnectionService, 'list'>;
  audit: Pick<AuditService, 'record'>;
  rollbacks: Pick<Rollbacks, 'start'>;
  runner: Pick<TaskRunner, 'get'>;
  hub: Pick<EventHub, 'publish'>;
  log: Logger;
  notify?: Notify;
  /** How often each guard's Deployment is read. */
  intervalMs?: number;
  /** Reads a Deployment; a GET to its connection's apiserver by default. */
  read?: (ref: GuardRef, signal: AbortSignal) => Promise<GuardedDeployment>;
  now?: () => number;
}

/** Guards Deployments' rollouts while the app runs. */
export interface RolloutGuards {
  list(connectionId: string): RolloutGuard[];
  /** Guards a Deployment that exists, or changes its guard's settings; audited. */
  add(params: AddGuardParams, actor: string): Promise<RolloutGuard>;
  /** Stops guarding it; audited. */
  remove(ref: GuardRef, actor: string): Promise<void>;
  /** Stops the watcher; reads in flight are aborted. */
  close(): void;
}

const label = (ref: GuardRef) => `deployment "${ref.name}" in ${ref.namespace}`;
const settingsOf = (pct: number, grace: number) => `guarded: trips below ${pct}% available for ${grace} s, or past its progress deadline`;

/** Reads a Deployment with one GET; NOT_FOUND when it is not there. */
async function readDeployment(access: Pick<KubeAccess, 'config'>, ref: GuardRef, signal: AbortSignal): Promise<GuardedDeployment> {
  const kc = await access.config(ref.connectionId);
  const res = await kubeRequest<GuardedDeployment>(kc, objectPath(DEPLOYMENTS, ref.namespace, ref.name), { timeoutMs: 10_000, deadlineMs: 15_000, signal });
  if (res.status === 404) throw new AppError('NOT_FOUND', `${label(ref)} is not there (any more)`);
  if (res.status !== 200) throw kubeStatusError(`reading ${label(ref)}`, res.status, res.body);
  return res.body;
}

/** The guards kept in `db`, watched from now until {@link RolloutGuards.close}. */
export function createRolloutGuards(deps: RolloutGuardsDeps): RolloutGuards {
  const { db, log, hub, notify } = deps;
  const intervalMs = deps.intervalMs ?? 5_000;
  const now = deps.now ?? Date.now;
  const read = deps.read ?? ((ref, signal) => readDeployment(deps.access, ref, signal));
  const live = new Map<number, Live>();
  const stopped = new AbortController();
  const inFlight = new Map<string, number>();
  const startedAt = now();

  const all = db.prepare<[], GuardRow>('SELECT * FROM rollout_guards ORDER BY namespace, name');
  const ofConnection = db.prepare<[string], GuardRow>('SELECT * FROM rollout_guards WHERE connection_id = ? ORDER BY namespace, name');
  const byRef = db.prepare<[string, string, string], GuardRow>('SELECT * FROM rollout_guards WHERE connection_id = ? AND namespace = ? AND name = ?');
  const byId = db.prepare<[number], GuardRow>('SELECT * FROM rollout_guards WHERE id = ?');
  const upsert = db.prepare(
    `INSERT INTO rollout_guards (connection_id, namespace, name, min_available_percent, grace_seconds, created_by, created_at, uid, stable_revision, stable_template)
     VALUES (@connectionId, @namespace, @name, @minAvailablePercent, @graceSeconds, @createdBy, @createdAt, @uid, @stableRevision, @stableTemplate)
     ON CONFLICT (connection_id, namespace, name) DO UPDATE SET min_available_percent = excluded.min_available_percent, grace_seconds = excluded.grace_seconds`,
  );
  const remember = db.prepare('UPDATE rollout_guards SET uid = ?, stable_revision = ?, stable_template = ?, tripped_revision = ?, tripped_template = ? WHERE id = ?');
  const saveTrip = db.prepare('UPDATE rollout_guards SET last_trip = ? WHERE id = ?');
  const deleteRef = db.prepare('DELETE FROM rollout_guards WHERE connection_id = ? AND namespace = ? AND name = ?');

  const refOf = (row: GuardRow): GuardRef => ({ connectionId: row.connection_id, namespace: row.namespace, name: row.name });
  const memoryOf = (row: GuardRow): GuardMemory => ({
    ...(row.uid !== null ? { uid: row.uid } : {}),
    ...(row.stable_revision !== null ? { stableRevision: row.stable_revision } : {}),
    ...(row.stable_template !== null ? { stableTemplate: row.stable_template } : {}),
    ...(row.tripped_revision !== null ? { trippedRevision: row.tripped_revision } : {}),
    ...(row.tripped_template !== null ? { trippedTemplate: row.tripped_template } : {}),
    ...(live.get(row.id)?.belowSince !== undefined ? { belowSince: live.get(row.id)!.belowSince } : {}),
  });
  const tripOf = (row: GuardRow): GuardTrip | undefined => (row.last_trip ? (JSON.parse(row.last_trip) as GuardTrip) : undefined);
  const liveOf = (id: number): Live => {
    let l = live.get(id);
    if (!l) live.set(id, (l = { state: 'starting', message: 'not read yet', earlierTrips: [], failures: 0, nextAt: 0, reading: false }));
    return l;
  };

  function toGuard(row: GuardRow): RolloutGuard {
    const l = liveOf(row.id);
    const trip = tripOf(row);
    const stale = now() - (l.readAt ?? startedAt) > STALE_AFTER_INTERVALS * intervalMs;
    return {
      ...refOf(row),
      minAvailablePercent: row.min_available_percent,
      graceSeconds: row.grace_seconds,
      createdBy: row.created_by,
      createdAt: row.created_at,
      ...(row.stable_revision !== null ? { stableRevision: row.stable_revision } : {}),
      state: l.state,
      message: l.message,
      ...(l.checkedAt ? { checkedAt: l.checkedAt } : {}),
      ...(l.readAt !== undefined ? { readAt: new Date(l.readAt).toISOString() } : {}),
      ...(stale ? { stale } : {}),
      ...(trip ? { lastTrip: trip } : {}),
    };
  }

  function announce(row: GuardRow, trip: GuardTrip, rollback: GuardTripped['rollback'], message?: string): void {
    let connectionName = row.connection_id;
    try {
      connectionName = connectionNameOf(deps.connections, row.connection_id);
    } catch {
      // The connection went meanwhile: its id still names it.
    }
    const event: GuardTripped = {
      ...refOf(row),
      connectionName,
      fromRevision: trip.fromRevision,
      ...(trip.toRevision !== undefined ? { toRevision: trip.toRevision } : {}),
      reason: trip.reason,
      taskId: trip.taskId,
      rollback,
      ...(message ? { message } : {}),
    };
    hub.publish('rollouts.guardTripped', event);
    const where = `${connectionName}/${row.namespace}/${row.name}`;
    notify?.(
      rollback === 'started'
        ? { title: `Rolled back ${where}`, body: `Revision ${trip.fromRevision} ${trip.reason}. Rolling back to the revision before it.` }
        : { title: `Rollback of ${where} failed`, body: message ?? `The guard could not roll back revision ${trip.fromRevision}.` },
    );
  }

  /**
   * Rolls back to the revision before the one read, as the cluster has it then (kubectl's `rollout undo`), held to
   * the revision read; records and announces it. A trip whose rollback has not ended yet is still followed.
   */
  function trip(row: GuardRow, decision: NonNullable<GuardVerdict['trip']>): void {
    const actor = `guard (set by ${row.created_by})`;
    const { taskId } = deps.rollbacks.start({ ...refOf(row), resource: DEPLOYMENTS, toRevision: 0, ifCurrentRevision: decision.fromRevision }, actor);
    const earlier = tripOf(row);
    if (earlier && !earlier.outcome) liveOf(row.id).earlierTrips.push(earlier);
    const record: GuardTrip = { at: new Date(now()).toISOString(), ...decision, taskId };
    saveTrip.run(JSON.stringify(record), row.id);
    log.warn('guard tripped: rolling back', { connectionId: row.connection_id, namespace: row.namespace, name: row.name, ...decision, taskId });
    announce(row, record, 'started');
  }

  /** The trip with how its rollback task ended and the revision it rolled back to; undefined while the task runs. */
  function ended(record: GuardTrip): GuardTrip | undefined {
    let outcome: GuardTrip['outcome'];
    let toRevision = record.toRevision;
    try {
      const task = deps.runner.get(record.taskId);
      if (!isTaskFinished(task.status)) return undefined;
      const message = task.error?.message ?? task.message;
      outcome = { status: task.status as NonNullable<GuardTrip['outcome']>['status'], ...(message ? { message } : {}) };
      if (typeof task.result?.toRevision === 'number') toRevision = task.result.toRevision;
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
      outcome = { status: 'interrupted', message: 'the rollback task is no longer in the task history' };
    }
    return { ...record, ...(toRevision !== undefined ? { toRevision } : {}), outcome };
  }

  /** Says so when a trip's rollback did not succeed. */
  function announceFailure(row: GuardRow, record: GuardTrip): void {
    const { outcome } = record;
    if (!outcome || outcome.status === 'succeeded') return;
    const to = record.toRevision !== undefined ? ` to revision ${record.toRevision}` : '';
    announce(row, record, 'failed', `The automatic rollback of revision ${record.fromRevision}${to} ${outcome.status}: ${outcome.message ?? 'no reason given'}`);
  }

  /** Once a trip's rollback task has ended, keeps how (for the last trip), and says so when it did not succeed. */
  function followTrip(row: GuardRow): void {
    const l = liveOf(row.id);
    l.earlierTrips = l.earlierTrips.filter((record) => {
      const done = ended(record);
      if (done) announceFailure(row, done);
      return !done;
    });
    const record = tripOf(row);
    if (!record || record.outcome) return;
    const done = ended(record);
    if (!done) return;
    saveTrip.run(JSON.stringify(done), row.id);
    announceFailure(row, done);
  }

  /** Applies a verdict to the guard: what it sees, what it remembers, and its trip. */
  function apply(row: GuardRow, verdict: GuardVerdict): void {
    const l = liveOf(row.id);
    const at = now();
    Object.assign(l, { state: verdict.state, message: verdict.message, checkedAt: new Date(at).toISOString(), readAt: at, belowSince: verdict.memory.belowSince, failures: 0 });
    const m = verdict.memory;
    const kept = [m.uid ?? null, m.stableRevision ?? null, m.stableTemplate ?? null, m.trippedRevision ?? null, m.trippedTemplate ?? null] as const;
    const stored = [row.uid, row.stable_revision, row.stable_template, row.tripped_revision, row.tripped_template];
    if (kept.some((value, i) => value !== stored[i])) remember.run(...kept, row.id);
    if (!verdict.trip) return;
    try {
      trip(row, verdict.trip);
    } catch (err) {
      l.message = `${verdict.message}, but the rollback could not start: ${err instanceof AppError ? err.message : 'see the log'}`;
      log.error('guard could not start its rollback', { connectionId: row.connection_id, namespace: row.namespace, name: row.name, error: err });
    }
  }

  async function check(row: GuardRow): Promise<void> {
    const l = liveOf(row.id);
    l.reading = true;
    inFlight.set(row.connection_id, (inFlight.get(row.connection_id) ?? 0) + 1);
    try {
      const d = await read(refOf(row), stopped.signal);
      // Removed, or changed by its own earlier read, while this one was out: judge what is stored now.
      const current = byId.get(row.id);
      if (!current || stopped.signal.aborted) return;
      apply(current, judgeGuard(memoryOf(current), d, now(), { minAvailablePercent: current.min_available_percent, graceSeconds: current.grace_seconds }));
    } catch (err) {
      if (stopped.signal.aborted) return;
      l.failures++;
      l.state = 'unreadable';
      l.message = err instanceof AppError ? err.message : 'the Deployment could not be read; see the log';
      l.checkedAt = new Date(now()).toISOString();
      if (!(err instanceof AppError)) log.error('guard read failed', { connectionId: row.connection_id, namespace: row.namespace, name: row.name, error: err });
    } finally {
      inFlight.set(row.connection_id, (inFlight.get(row.connection_id) ?? 1) - 1);
      l.reading = false;
      l.nextAt = now() + Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(l.failures, 10));
    }
  }

  function tick(): void {
    if (stopped.signal.aborted) return;
    try {
      const rows = all.all();
      const present = new Set(rows.map((r) => r.id));
      for (const id of live.keys()) if (!present.has(id)) live.delete(id);
      const at = now();
      for (const row of rows) {
        try {
          followTrip(row);
        } catch (err) {
          log.error('guard could not follow its rollback', { connectionId: row.connection_id, namespace: row.namespace, name: row.name, error: err });
        }
      }
      // Due longest first: guards a connection's full slots left waiting go first next time, whatever their names.
      const due = rows.filter((row) => !liveOf(row.id).reading && liveOf(row.id).nextAt <= at).sort((a, b) => liveOf(a.id).nextAt - liveOf(b.id).nextAt);
      for (const row of due) {
        if ((inFlight.get(row.connection_id) ?? 0) >= MAX_READS_PER_CONNECTION) continue;
        void check(row);
      }
    } catch (err) {
      log.error('guard watcher tick failed', { error: err });
    }
    timer = setTimeout(tick, Math.min(intervalMs, 1_000));
  }
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(tick, 0);

  /** Audits a guard change made by `actor` on `ref`. */
  const audited = <T>(ref: GuardRef, actor: string, action: string, before: string, act: () => Promise<T> | T, describe: (value: T) => Outcome) => {
    const connectionName = connectionNameOf(deps.connections, ref.connectionId);
    return deps.audit.record(
      { actor, action, target: auditTarget(connectionName, ref.namespace, DEPLOYMENTS.resource, ref.name), connectionId: ref.connectionId, connectionName, before },
      act,
      describe,
    );
  };

  return {
    list: (connectionId) => ofConnection.all(connectionId).map(toGuard),

    async add(params, actor) {
      const { minAvailablePercent, graceSeconds, ...ref } = params;
      const old = byRef.get(ref.connectionId, ref.namespace, ref.name);
      const before = old ? settingsOf(old.min_available_percent, old.grace_seconds) : 'not guarded';
      return audited(
        ref,
        actor,
        'rollouts.addGuard',
        before,
        async () => {
          const d = await read(ref, stopped.signal);
          const at = now();
          const verdict = judgeGuard({}, d, at, { minAvailablePercent, graceSeconds });
          upsert.run({
            ...ref,
            minAvailablePercent,
            graceSeconds,
            createdBy: actor,
            createdAt: new Date(at).toISOString(),
            uid: verdict.memory.uid ?? null,
            stableRevision: verdict.memory.stableRevision ?? null,
            stableTemplate: verdict.memory.stableTemplate ?? null,
          });
          const row = byRef.get(ref.connectionId, ref.namespace, ref.name)!;
          // A new guard starts from this read, never with a trip: it has seen no complete revision before it.
          if (!old) Object.assign(liveOf(row.id), { state: verdict.state, message: verdict.message, checkedAt: new Date(at).toISOString(), readAt: at, nextAt: at + intervalMs });
          return toGuard(row);
        },
        (guard) => ({
          after: settingsOf(guard.minAvailablePercent, guard.graceSeconds),
          undo: old
            ? { method: 'rollouts.addGuard', params: { ...ref, minAvailablePercent: old.min_available_percent, graceSeconds: old.grace_seconds }, label: 'Put the guard\'s settings back' }
            : { method: 'rollouts.removeGuard', params: ref, label: `Stop guarding ${ref.name}` },
        }),
      );
    },

    async remove(ref, actor) {
      const old = byRef.get(ref.connectionId, ref.namespace, ref.name);
      if (!old) throw new AppError('NOT_FOUND', `${label(ref)} is not guarded`);
      await audited(
        ref,
        actor,
        'rollouts.removeGuard',
        settingsOf(old.min_available_percent, old.grace_seconds),
        () => {
          deleteRef.run(ref.connectionId, ref.namespace, ref.name);
          live.delete(old.id);
        },
        () => ({
          after: 'not guarded',
          undo: { method: 'rollouts.addGuard', params: { ...ref, minAvailablePercent: old.min_available_percent, graceSeconds: old.grace_seconds }, label: `Guard ${ref.name} again` },
        }),
      );
    },

    close() {
      stopped.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
