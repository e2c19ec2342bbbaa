import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { z } from 'zod';
import {
  TaskResult,
  type TaskPhase,
  type TaskProgress,
  type TaskQuery,
  type TaskReport,
  type TaskStatus,
  type TaskSummary,
} from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { AuditService, Outcome, PendingAuditEntry } from '../audit/auditService';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { Database } from '../store/database';

/** What a task is, for the tray, the history and its audit entry. */
export interface TaskSpec {
  /** e.g. "connections.import"; also the audit entry's action. */
  kind: string;
  /** "Import 1,000 contexts from prod.yaml". */
  title: string;
  /** What it acts on, for display. */
  target: string;
  connectionId?: string;
  /** The connection's name, for its audit entry. */
  connectionName?: string;
  actor: string;
  /** Its steps, in order; the first starts with the task. */
  phases: string[];
  /** What its progress counts, e.g. "contexts". */
  unit?: string;
}

/** How a phase may be stopped. */
export interface PhaseOptions {
  /**
   * False for a point of no return (e.g. writing the imported contexts in one
   * transaction): while this phase runs a cancel is refused. Entering it
   * throws if a cancel was accepted before, so nothing after it starts once
   * the user asked to stop. Default true.
   */
  cancellable?: boolean;
}

/**
 * What a task has done so far, kept however it ends: a cancelled or failed
 * task still says what it changed, and offers to undo that.
 */
export interface TaskRecord {
  /** Markdown for the report's summary; on success, `describe`'s report replaces it. */
  summary?: string;
  /** For the task's audit entry: what it was before, what it is now, what was changed, and how to reverse it. */
  audit?: Outcome;
}

/** What a running task is given to report through and to stop on. */
export interface TaskContext {
  readonly id: string;
  /** Aborted when the task is cancelled (or the app closes); pass it to fetches and watches. */
  readonly signal: AbortSignal;
  /**
   * Moves to phase `name` (one of the spec's): the current phase is done,
   * phases passed over are skipped, and progress starts again at 0 of 0.
   */
  phase(name: string, options?: PhaseOptions): void;
  /** `done` of `total` in the current phase, and optionally what it is doing now. Cheap: call it per item. */
  progress(done: number, total: number, message?: string): void;
  /** Throws the cancellation when the task was cancelled; call it between items. */
  throwIfCancelled(): void;
  /** A line for the task's report; only the most recent lines are kept. */
  log(line: string): void;
  /**
   * Replaces what the task has done so far (see {@link TaskRecord}); call it as that changes.
   * Its audit part is saved at once, its summary within a persist interval: a crash keeps both.
   */
  record(done: TaskRecord): void;
}

/** What a succeeded task leaves for display. */
export interface TaskOutcome {
  /** A small flat summary: `{ imported: 998, skipped: 2 }`. */
  result?: TaskResult;
  /** A short markdown report: what was done. */
  report?: string;
}

/** What a task does besides its run: undo partial work, describe its result. */
export interface TaskOptions<T> {
  /**
   * Undoes partial work. Runs once the run has settled, whenever the task did
   * not succeed: after a cancel (even if the run then returned) and after a
   * failure. Its `ctx.signal` is already aborted on cancel: it must not give up on it.
   */
  cleanup?: (ctx: TaskContext) => Promise<void>;
  /** Turns what the run returned into the task's result and report. */
  describe?: (value: T) => TaskOutcome;
}

/** A task that was started: its id at once, its final state later (never rejects). */
export interface StartedTask {
  id: string;
  done: Promise<TaskSummary>;
}

/** Runs long, phased, cancellable work, audited and kept in the history. */
export interface TaskRunner {
  /** Starts `run` and returns at once; the task outlives the session that started it. */
  start<T>(spec: TaskSpec, run: (ctx: TaskContext) => Promise<T>, options?: TaskOptions<T>): StartedTask;
  /** Newest first, without reports. */
  list(query: z.output<typeof TaskQuery>): { tasks: TaskSummary[]; hasMore: boolean };
  /** One task, with its report. */
  get(id: string): TaskSummary;
  /** Aborts the task's signal and marks it cancelling; refused for a finished task or one past its point of no return. */
  cancel(id: string, actor: string): TaskSummary;
  /** Hides a finished task from the tray. */
  dismiss(id: string): TaskSummary;
  /** Tasks at work now. */
  readonly active: number;
  /**
   * Cancels the running tasks and waits up to the grace period for their
   * cleanups; any still at work then is recorded as interrupted. Returns a
   * promise only while tasks are still at work.
   */
  close(): Promise<void> | void;
}

/** Limits and intervals; the defaults suit the app, tests shorten them. */
export interface TaskRunnerOptions {
  /** Finished tasks kept in the history. */
  keepFinished?: number;
  /** Least time between two `tasks.changed` events of one task (its final state is always sent at once). */
  eventIntervalMs?: number;
  /** Least time between two writes of a task's progress (phase and status changes are written at once). */
  persistIntervalMs?: number;
  /** How long `close` waits for cleanups. */
  closeGraceMs?: number;
  /** Report lines kept per task. */
  reportLines?: number;
}

/** What the runner keeps tasks in, audits them with and announces them through. */
export interface TaskRunnerDeps {
  db: Database;
  audit: Pick<AuditService, 'begin' | 'abandon'>;
  hub: Pick<EventHub, 'publish'>;
  log: Logger;
  options?: TaskRunnerOptions;
}

/** What a task left running when the process died is marked with on the next start. */
export const INTERRUPTED_MESSAGE = 'Pilothouse stopped while this task ran';
const CLOSED_MESSAGE = 'Pilothouse closed before this task finished';
const UNEXPECTED_MESSAGE = 'The task failed unexpectedly; see the log for details';
const MESSAGE_MAX = 300;
/** Listeners a task's signal may have at once before Node warns of a leak. */
const TASK_SIGNAL_LISTENERS = 100;
const LINE_MAX = 500;
const SUMMARY_MAX = 4_000;
const RESULT_MAX = 4_000;

/** The reason a cancelled task's signal carries. */
export class TaskCancelled extends Error {
  constructor(readonly by: string) {
    super(`Cancelled by ${by}`);
    this.name = 'TaskCancelled';
  }
}

interface TaskRow {
  seq: number;
  id: string;
  kind: string;
  title: string;
  target: string;
  connection_id: string | null;
  actor: string;
  status: TaskStatus;
  phases: string;
  phase: string | null;
  progress_done: number;
  progress_total: number;
  progress_unit: string | null;
  cancellable: number;
  started_at: string;
  finished_at: string | null;
  message: string | null;
  error: string | null;
  result: string | null;
  report: string | null;
  audit_id: number | null;
  dismissed: number;
}

/** A task at work in this process: its state, ahead of what SQLite holds by up to one persist interval. */
interface Live {
  id: string;
  spec: TaskSpec;
  phases: TaskPhase[];
  phase?: string;
  progress: TaskProgress;
  status: TaskStatus;
  cancellable: boolean;
  startedAt: string;
  message?: string;
  cancelledBy?: string;
  lines: string[];
  linesDropped: number;
  recorded: TaskRecord;
  controller: AbortController;
  audit: PendingAuditEntry;
  lastPublishAt: number;
  publishTimer?: ReturnType<typeof setTimeout>;
  persistTimer?: ReturnType<typeof setTimeout>;
  finished: boolean;
  resolve(summary: TaskSummary): void;
}

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const count = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

function durationOf(phase: TaskPhase, now: number): number | undefined {
  if (!phase.startedAt) return undefined;
  const end = phase.finishedAt ? Date.parse(phase.finishedAt) : now;
  return Math.max(0, end - Date.parse(phase.startedAt));
}

/** Ends every phase: the running one as `running` says (at `at`, when known), those not reached as skipped. */
function settlePhases(phases: TaskPhase[], running: TaskPhase['state'], at: string | undefined): TaskPhase[] {
  return phases.map((p) => {
    if (p.state === 'running') return { ...p, state: running, ...(at ? { finishedAt: at } : {}) };
    if (p.state === 'pending') return { ...p, state: 'skipped' };
    return p;
  });
}

function rowToSummary(r: TaskRow, withReport: boolean): TaskSummary {
  const summary: TaskSummary = {
    id: r.id,
    kind: r.kind,
    title: r.title,
    target: r.target,
    actor: r.actor,
    status: r.status,
    phases: JSON.parse(r.phases) as TaskPhase[],
    progress: { done: r.progress_done, total: r.progress_total, ...(r.progress_unit ? { unit: r.progress_unit } : {}) },
    cancellable: r.cancellable === 1,
    startedAt: r.started_at,
    dismissed: r.dismissed === 1,
  };
  if (r.connection_id) summary.connectionId = r.connection_id;
  if (r.phase) summary.phase = r.phase;
  if (r.finished_at) summary.finishedAt = r.finished_at;
  if (r.message) summary.message = r.message;
  if (r.error) summary.error = JSON.parse(r.error) as TaskSummary['error'];
  if (r.result) summary.result = JSON.parse(r.result) as TaskResult;
  if (r.audit_id !== null) summary.auditId = r.audit_id;
  if (withReport && r.report) summary.report = JSON.parse(r.report) as TaskReport;
  return summary;
}

/**
 * SQLite-backed {@link TaskRunner}. On creation, tasks the last process left
 * at work are marked interrupted (and their audit entries failed), and the
 * history is pruned.
 */
export function createTaskRunner({ db, audit, hub, log, options = {} }: TaskRunnerDeps): TaskRunner {
  const keepFinished = options.keepFinished ?? 500;
  const eventIntervalMs = options.eventIntervalMs ?? 100;
  const persistIntervalMs = options.persistIntervalMs ?? 1_000;
  // Within the services host's 3 s before it kills the process.
  const closeGraceMs = options.closeGraceMs ?? 2_000;
  const reportLines = options.reportLines ?? 200;

  const clean = (s: string) => log.redactor.redact(s);
  const active = new Map<string, Live>();
  const settling = new Set<Promise<TaskSummary>>();
  let closing = false;
  /** After close: a late run's progress has nowhere to go. */
  let closedDb = false;

  const insert = db.prepare(
    `INSERT INTO tasks (id, kind, title, target, connection_id, actor, status, phases, phase, progress_unit, started_at, audit_id)
     VALUES (@id, @kind, @title, @target, @connectionId, @actor, 'running', @phases, @phase, @unit, @startedAt, @auditId)`,
  );
  const update = db.prepare(
    `UPDATE tasks SET status = @status, phases = @phases, phase = @phase, progress_done = @done, progress_total = @total, cancellable = @cancellable,
       finished_at = @finishedAt, message = @message, error = @error, result = @result, report = @report
     WHERE id = @id`,
  );
  const byId = db.prepare(`SELECT * FROM tasks WHERE id = ?`);
  const prune = db.prepare(
    `DELETE FROM tasks WHERE status NOT IN ('running', 'cancelling') AND seq NOT IN
       (SELECT seq FROM tasks WHERE status NOT IN ('running', 'cancelling') ORDER BY seq DESC LIMIT @keep)`,
  );

  const reportOf = (live: Live, summary?: string): TaskReport => {
    const now = Date.now();
    return {
      ...(summary ? { summary: truncate(clean(summary), SUMMARY_MAX) } : {}),
      phases: live.phases.map((p) => ({ name: p.name, state: p.state, ...(p.startedAt ? { durationMs: durationOf(p, now) } : {}) })),
      lines: live.lines.map(clean),
      linesDropped: live.linesDropped,
    };
  };

  const snapshot = (live: Live): TaskSummary => ({
    id: live.id,
    kind: live.spec.kind,
    title: live.spec.title,
    target: live.spec.target,
    ...(live.spec.connectionId ? { connectionId: live.spec.connectionId } : {}),
    actor: live.spec.actor,
    status: live.status,
    phases: live.phases.map((p) => ({ ...p })),
    ...(live.phase ? { phase: live.phase } : {}),
    progress: { ...live.progress },
    cancellable: live.cancellable,
    startedAt: live.startedAt,
    ...(live.message ? { message: clean(live.message) } : {}),
    auditId: live.audit.id,
    dismissed: false,
  });

  const persist = (live: Live) => {
    clearTimeout(live.persistTimer);
    live.persistTimer = undefined;
    const s = snapshot(live);
    update.run({
      id: live.id,
      status: s.status,
      phases: JSON.stringify(s.phases),
      phase: s.phase ?? null,
      done: s.progress.done,
      total: s.progress.total,
      cancellable: s.cancellable ? 1 : 0,
      finishedAt: null,
      message: s.message ?? null,
      error: null,
      result: null,
      // What it has done so far survives a crash: the next start keeps it in the interrupted task's report.
      report: JSON.stringify(reportOf(live, live.recorded.summary)),
    });
  };

  /** Writes the task within a persist interval. */
  const persistSoon = (live: Live) => {
    if (live.persistTimer) return;
    live.persistTimer = setTimeout(() => {
      try {
        persist(live);
      } catch (err) {
        log.error("could not save a task's progress", { id: live.id, kind: live.spec.kind, error: err });
      }
    }, persistIntervalMs);
    live.persistTimer.unref?.();
  };

  const publish = (live: Live) => {
    clearTimeout(live.publishTimer);
    live.publishTimer = undefined;
    live.lastPublishAt = Date.now();
    hub.publish('tasks.changed', { tasks: [snapshot(live)] });
  };

  /**
   * Something changed. A status change (cancelling, cleaning up) is written
   * and announced at once; a phase change is written at once; progress is
   * written within a persist interval; phases and progress are announced
   * within an event interval.
   */
  const changed = (live: Live, what: 'status' | 'phase' | 'progress') => {
    if (live.finished || closedDb) return;
    if (what !== 'progress') persist(live);
    else persistSoon(live);
    if (what === 'status') return publish(live);
    if (live.publishTimer) return;
    const wait = live.lastPublishAt + eventIntervalMs - Date.now();
    if (wait <= 0) publish(live);
    else {
      live.publishTimer = setTimeout(() => publish(live), wait);
      live.publishTimer.unref?.();
    }
  };

  /** Records the outcome: one write, one audit completion, one event sent at once. */
  const finish = (
    live: Live,
    status: Exclude<TaskStatus, 'running' | 'cancelling'>,
    outcome: { error?: TaskSummary['error']; message?: string; result?: TaskResult; summary?: string; audit: string | { after?: string } },
  ): TaskSummary => {
    live.finished = true;
    clearTimeout(live.persistTimer);
    clearTimeout(live.publishTimer);
    active.delete(live.id);
    const finishedAt = new Date().toISOString();
    live.phases = settlePhases(live.phases, status === 'succeeded' ? 'done' : status === 'cancelled' ? 'skipped' : 'failed', finishedAt);
    live.status = status;
    live.cancellable = false;
    if (outcome.message !== undefined) live.message = outcome.message;
    const recorded = live.recorded.audit ?? {};
    const summary: TaskSummary = {
      ...snapshot(live),
      finishedAt,
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.result ? { result: outcome.result } : {}),
    };
    const report = reportOf(live, outcome.summary ?? live.recorded.summary);
    try {
      update.run({
        id: live.id,
        status,
        phases: JSON.stringify(summary.phases),
        phase: summary.phase ?? null,
        done: summary.progress.done,
        total: summary.progress.total,
        cancellable: 0,
        finishedAt,
        message: summary.message ?? null,
        error: summary.error ? JSON.stringify(summary.error) : null,
        result: summary.result ? JSON.stringify(summary.result) : null,
        report: JSON.stringify(report),
      });
      if (typeof outcome.audit === 'string') live.audit.fail(outcome.audit, recorded);
      // The task's own words for what it left win over its result's JSON.
      else live.audit.succeed({ ...recorded, after: recorded.after ?? outcome.audit.after });
    } catch (err) {
      log.error('could not record the end of a task', { id: live.id, kind: live.spec.kind, error: err });
    }
    hub.publish('tasks.changed', { tasks: [summary] });
    const final = { ...summary, report };
    live.resolve(final);
    return final;
  };

  /** The shape of a failure that may be shown and stored: an AppError's own, anything else generic (and logged). */
  const errorOf = (err: unknown, live: Live, what: string): NonNullable<TaskSummary['error']> => {
    if (err instanceof AppError) return { code: err.code, message: truncate(clean(err.message), MESSAGE_MAX) };
    log.error(`task ${what} failed`, { id: live.id, kind: live.spec.kind, error: err });
    return { code: 'INTERNAL', message: UNEXPECTED_MESSAGE };
  };

  const describeOutcome = <T>(live: Live, value: T, describe?: (value: T) => TaskOutcome): TaskOutcome => {
    if (!describe) return {};
    try {
      const { result, report } = describe(value);
      const checked = result === undefined ? undefined : TaskResult.safeParse(result);
      if (checked && (!checked.success || JSON.stringify(checked.data).length > RESULT_MAX)) {
        log.warn('task result left out: not a small flat object', { id: live.id, kind: live.spec.kind });
        return { report };
      }
      return { result: checked?.data, report };
    } catch (err) {
      log.error('describing a task result failed', { id: live.id, kind: live.spec.kind, error: err });
      return {};
    }
  };

  const contextOf = (live: Live): TaskContext => ({
    id: live.id,
    signal: live.controller.signal,
    phase(name, phaseOptions = {}) {
      if (live.finished) return;
      const index = live.phases.findIndex((p) => p.name === name);
      if (index < 0) throw new Error(`task ${live.spec.kind} has no phase "${name}"`);
      const current = live.phases.findIndex((p) => p.state === 'running');
      if (index < current) throw new Error(`task ${live.spec.kind} is past phase "${name}"`);
      const cancellable = phaseOptions.cancellable ?? true;
      if (!cancellable) live.controller.signal.throwIfAborted();
      if (index !== current) {
        const at = new Date().toISOString();
        live.phases = live.phases.map((p, i) => {
          if (i === current) return { ...p, state: 'done', finishedAt: at };
          if (i < index && p.state === 'pending') return { ...p, state: 'skipped' };
          if (i === index) return { ...p, state: 'running', startedAt: at };
          return p;
        });
        live.phase = name;
        live.progress = { done: 0, total: 0, ...(live.spec.unit ? { unit: live.spec.unit } : {}) };
        live.message = undefined;
      }
      if (live.status === 'running') live.cancellable = cancellable;
      changed(live, 'phase');
    },
    progress(done, total, message) {
      if (live.finished) return;
      live.progress = { done: count(done), total: count(total), ...(live.spec.unit ? { unit: live.spec.unit } : {}) };
      if (message !== undefined) live.message = truncate(message, MESSAGE_MAX);
      changed(live, 'progress');
    },
    throwIfCancelled() {
      live.controller.signal.throwIfAborted();
    },
    log(line) {
      if (live.finished) return;
      live.lines.push(truncate(line, LINE_MAX));
      if (live.lines.length > reportLines) {
        live.lines.shift();
        live.linesDropped++;
      }
    },
    record(done) {
      if (live.finished || closedDb) return;
      live.recorded = done;
      // At once, so a crash before the task ends still leaves what it changed and its undo.
      live.audit.note(done.audit ?? {});
      persistSoon(live);
    },
  });

  const execute = async <T>(live: Live, run: (ctx: TaskContext) => Promise<T>, taskOptions: TaskOptions<T>): Promise<void> => {
    // Let start() return the id before any of the run happens.
    await Promise.resolve();
    const ctx = contextOf(live);
    let settled: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      // Cancelled before it began (the app closing at once): the run never starts.
      ctx.throwIfCancelled();
      settled = { ok: true, value: await run(ctx) };
    } catch (error) {
      settled = { ok: false, error };
    }
    if (live.finished) return; // the app closed and recorded it as interrupted meanwhile
    const cancelledBy = live.cancelledBy;
    // Nothing can stop a cleanup: the cancel it would send has nowhere to go.
    live.cancellable = false;

    let cleanupError: unknown;
    if ((cancelledBy !== undefined || !settled.ok) && taskOptions.cleanup) {
      live.message = 'Cleaning up…';
      ctx.log('Cleaning up');
      changed(live, 'status');
      try {
        await taskOptions.cleanup(ctx);
      } catch (err) {
        cleanupError = err;
      }
      if (live.finished) return;
    }
    const cleanupShape = cleanupError === undefined ? undefined : errorOf(cleanupError, live, 'cleanup');
    if (cleanupShape) ctx.log(`The cleanup failed: ${cleanupShape.message}`);

    if (cancelledBy !== undefined) {
      if (!settled.ok && !(settled.error instanceof TaskCancelled) && !(settled.error instanceof AppError)) {
        log.info('a cancelled task stopped with an error', { id: live.id, kind: live.spec.kind, error: settled.error });
      }
      const message = `Cancelled by ${cancelledBy}`;
      ctx.log(message);
      finish(live, 'cancelled', {
        message,
        ...(cleanupShape ? { error: { code: cleanupShape.code, message: `The cleanup failed: ${cleanupShape.message}` } } : {}),
        audit: cleanupShape ? `${message}; the cleanup failed: ${cleanupShape.message}` : message,
      });
    } else if (!settled.ok) {
      const error = errorOf(settled.error, live, 'run');
      const message = cleanupShape ? `${error.message}; the cleanup also failed: ${cleanupShape.message}` : error.message;
      ctx.log(`Failed: ${error.message}`);
      finish(live, 'failed', { error: { code: error.code, message }, message, audit: message });
    } else {
      const { result, report } = describeOutcome(live, settled.value, taskOptions.describe);
      finish(live, 'succeeded', { result, summary: report, audit: { after: result ? JSON.stringify(result) : undefined } });
    }
  };

  const requestCancel = (live: Live, actor: string) => {
    live.cancelledBy = actor;
    live.status = 'cancelling';
    live.cancellable = false;
    live.message = `Cancelling (asked by ${actor})…`;
    live.lines.push(`Cancel asked by ${actor}`);
    live.controller.abort(new TaskCancelled(actor));
    changed(live, 'status');
  };

  const rowOf = (id: string) => byId.get(id) as TaskRow | undefined;
  const notFound = (id: string) => new AppError('NOT_FOUND', `There is no task ${truncate(id, 64)}; it may have been pruned from the history`);

  // The last process may have died with tasks at work: they did not finish, and nothing will finish them now.
  db.transaction(() => {
    const stale = db.prepare(`SELECT * FROM tasks WHERE status IN ('running', 'cancelling')`).all() as TaskRow[];
    const at = new Date().toISOString();
    for (const r of stale) {
      // When the phase at work stopped is not known: it gets no end and no duration.
      const phases = settlePhases(JSON.parse(r.phases) as TaskPhase[], 'failed', undefined);
      // What it had recorded of its work before the crash stays in its report.
      const saved = r.report ? (JSON.parse(r.report) as TaskReport) : undefined;
      const report: TaskReport = {
        ...(saved?.summary ? { summary: saved.summary } : {}),
        phases: phases.map((p) => ({ name: p.name, state: p.state, ...(p.startedAt && p.finishedAt ? { durationMs: durationOf(p, 0) } : {}) })),
        lines: saved?.lines ?? [],
        linesDropped: saved?.linesDropped ?? 0,
      };
      update.run({
        id: r.id,
        status: 'interrupted',
        phases: JSON.stringify(phases),
        phase: r.phase,
        done: r.progress_done,
        total: r.progress_total,
        cancellable: 0,
        finishedAt: at,
        message: INTERRUPTED_MESSAGE,
        error: null,
        result: null,
        report: JSON.stringify(report),
      });
      if (r.audit_id !== null) audit.abandon(r.audit_id, INTERRUPTED_MESSAGE);
    }
    if (stale.length) log.warn('tasks interrupted by the last stop', { count: stale.length });
    prune.run({ keep: keepFinished });
  })();

  return {
    start(spec, run, taskOptions = {}) {
      if (closing) throw new AppError('UNSUPPORTED', 'Pilothouse is closing; start this again after it restarts');
      if (new Set(spec.phases).size !== spec.phases.length) throw new Error(`task ${spec.kind} names a phase twice`);
      prune.run({ keep: keepFinished });
      const id = randomUUID();
      const startedAt = new Date().toISOString();
      const title = truncate(clean(spec.title), MESSAGE_MAX);
      const target = truncate(clean(spec.target), MESSAGE_MAX);
      const auditEntry = audit.begin({ actor: spec.actor, action: spec.kind, target, connectionId: spec.connectionId, connectionName: spec.connectionName, detail: title });
      const phases: TaskPhase[] = spec.phases.map((name, i) => (i === 0 ? { name, state: 'running', startedAt } : { name, state: 'pending' }));
      let resolve!: (s: TaskSummary) => void;
      const done = new Promise<TaskSummary>((r) => (resolve = r));
      const controller = new AbortController();
      // A task hands its signal to bounded fan-outs (a backup writes 16 files at once), each request listening on it: past Node's warning at 10.
      setMaxListeners(TASK_SIGNAL_LISTENERS, controller.signal);
      const live: Live = {
        id,
        spec: { ...spec, title, target },
        phases,
        phase: phases[0]?.name,
        progress: { done: 0, total: 0, ...(spec.unit ? { unit: spec.unit } : {}) },
        status: 'running',
        cancellable: true,
        startedAt,
        lines: [],
        linesDropped: 0,
        recorded: {},
        controller,
        audit: auditEntry,
        lastPublishAt: 0,
        finished: false,
        resolve,
      };
      insert.run({
        id,
        kind: spec.kind,
        title,
        target,
        connectionId: spec.connectionId ?? null,
        actor: spec.actor,
        phases: JSON.stringify(phases),
        phase: live.phase ?? null,
        unit: spec.unit ?? null,
        startedAt,
        auditId: auditEntry.id,
      });
      active.set(id, live);
      publish(live);
      settling.add(done);
      void done.then(() => settling.delete(done));
      execute(live, run, taskOptions).catch((err: unknown) => {
        // Only the runner's own bookkeeping can land here; the task must still end.
        log.error('the task runner failed', { id, kind: spec.kind, error: err });
        if (!live.finished) finish(live, 'failed', { error: { code: 'INTERNAL', message: UNEXPECTED_MESSAGE }, message: UNEXPECTED_MESSAGE, audit: UNEXPECTED_MESSAGE });
      });
      return { id, done };
    },

    list({ limit, before, status, includeDismissed }) {
      const where: string[] = [];
      const args: Record<string, unknown> = { limit: limit + 1 };
      if (before !== undefined) {
        if (!rowOf(before)) throw notFound(before);
        where.push('seq < (SELECT seq FROM tasks WHERE id = @before)');
        args.before = before;
      }
      if (status) {
        where.push(`status IN (${status.map((_, i) => `@s${i}`).join(', ')})`);
        status.forEach((s, i) => (args[`s${i}`] = s));
      }
      if (!includeDismissed) where.push('dismissed = 0');
      const rows = db.prepare(`SELECT * FROM tasks ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT @limit`).all(args) as TaskRow[];
      const tasks = rows.slice(0, limit).map((r) => {
        const live = active.get(r.id);
        return live ? snapshot(live) : rowToSummary(r, false);
      });
      return { tasks, hasMore: rows.length > limit };
    },

    get(id) {
      const live = active.get(id);
      if (live) return { ...snapshot(live), report: reportOf(live) };
      const row = rowOf(id);
      if (!row) throw notFound(id);
      return rowToSummary(row, true);
    },

    cancel(id, actor) {
      const live = active.get(id);
      if (!live) {
        const row = rowOf(id);
        if (!row) throw notFound(id);
        throw new AppError('CONFLICT', `"${row.title}" already ended (${row.status})`);
      }
      if (live.status === 'cancelling') return snapshot(live);
      if (!live.cancellable) {
        throw new AppError('CONFLICT', `"${live.spec.title}" can no longer be cancelled: it is ${live.phase ? `at "${live.phase}", past its point of no return` : 'finishing'}`);
      }
      requestCancel(live, actor);
      return snapshot(live);
    },

    dismiss(id) {
      if (active.has(id)) throw new AppError('CONFLICT', 'A running task cannot be dismissed: cancel it or wait for it to finish');
      const row = rowOf(id);
      if (!row) throw notFound(id);
      db.prepare(`UPDATE tasks SET dismissed = 1 WHERE id = ?`).run(id);
      const summary = rowToSummary({ ...row, dismissed: 1 }, false);
      hub.publish('tasks.changed', { tasks: [summary] });
      return summary;
    },

    get active() {
      return active.size;
    },

    close() {
      if (closing) return;
      closing = true;
      if (!active.size) {
        closedDb = true;
        return;
      }
      for (const live of active.values()) if (live.cancellable) requestCancel(live, 'Pilothouse (closing)');
      return (async () => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([Promise.all(settling), new Promise((r) => (timer = setTimeout(r, closeGraceMs)))]);
        clearTimeout(timer);
        for (const live of [...active.values()]) {
          live.lines.push(CLOSED_MESSAGE);
          finish(live, 'interrupted', { message: CLOSED_MESSAGE, audit: CLOSED_MESSAGE });
        }
        closedDb = true;
      })();
    },
  };
}
