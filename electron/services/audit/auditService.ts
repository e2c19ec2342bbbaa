import { AsyncLocalStorage } from 'node:async_hooks';
import { entryReferenceOf } from '../../../shared/auditFilter';
import type { AuditEntry, MethodName } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { Database } from '../store/database';
import type { EventHub } from '../rpc/eventHub';
import type { Logger } from '../logging/logger';

/** What is about to be done. */
export interface AuditIntent {
  actor: string;
  action: string;
  target: string;
  connectionId?: string;
  connectionName?: string;
  before?: string;
  detail?: string;
}

/** The contract call that reverses a succeeded action, e.g. `kube.scale` back to the replicas it had. */
export interface UndoStep {
  method: MethodName;
  params: unknown;
  /** What it does, for the button and its confirmation: "Scale back to 3 replicas". */
  label: string;
}

/** What an action's outcome adds to its entry. */
export interface Outcome {
  /** What it was, when only the action found out (a task reads it after its entry was written). */
  before?: string;
  after?: string;
  detail?: string;
  /** Set when the action can be reversed. */
  undo?: UndoStep;
}

/** An entry whose intent is written and whose outcome is not yet known. */
export interface PendingAuditEntry {
  readonly id: number;
  /**
   * Records what the action has changed so far, and how to reverse that, on
   * the pending entry: a crash before it ends still leaves that (see
   * {@link AuditService.abandon}). Replaces what an earlier call recorded.
   */
  note(partial: Outcome): void;
  /** Records that the action succeeded. */
  succeed(outcome?: Outcome): void;
  /**
   * Records that it failed (or did not finish), with a message that carries
   * no secret. `partial` is what it changed before it stopped, and how to
   * reverse that: a drain cancelled after cordoning still offers to uncordon.
   */
  fail(message: string, partial?: Outcome): void;
}

/** Records every change to a cluster, cloud account or stored connection. */
export interface AuditService {
  /**
   * Writes the intent, runs `act`, then records the outcome, so a crash mid-way
   * leaves a "pending" entry rather than nothing. Returns what `act` returns.
   */
  record<T>(intent: AuditIntent, act: () => Promise<T> | T, describe?: (value: T) => Outcome): Promise<T>;
  /**
   * What {@link record} is made of, for work whose outcome arrives later and
   * elsewhere (a task): writes the intent now and returns the entry, to be
   * completed once.
   */
  begin(intent: AuditIntent): PendingAuditEntry;
  /**
   * Marks entry `id` failed with `reason` if it is still pending: work a crash
   * cut short, found on the next start. What it noted it had changed stays,
   * with its undo. A completed entry is left as it is.
   */
  abandon(id: number, reason: string): void;
  /**
   * Entries newest first. `text` matches action, target, connection name or
   * detail; `#12` instead finds entry 12 and those linked to it by undo.
   */
  list(query: { limit: number; beforeId?: number; connectionId?: string; text?: string }): { entries: AuditEntry[]; hasMore: boolean };
  /**
   * Undoes entry `id`: `run` makes its undo call (through the contract, so it
   * is validated and audited like any other); the entry that call records is
   * linked both ways and returned. Refused when the entry cannot be undone, or
   * already was.
   */
  undo(id: number, run: (step: UndoStep) => Promise<unknown>): Promise<AuditEntry>;
}

/** Set while an undo runs, so the entry its action records is linked to the one it undoes. */
const undoing = new AsyncLocalStorage<{ undoOf: number; recorded?: number }>();

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  connection_id: string | null;
  connection_name: string | null;
  action: string;
  target: string;
  status: AuditEntry['status'];
  finished_at: string | null;
  before: string | null;
  after: string | null;
  detail: string | null;
  error: string | null;
  undo: string | null;
  undone_by: number | null;
  undo_of: number | null;
}

function toEntry(r: AuditRow): AuditEntry {
  const entry: AuditEntry = { id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, status: r.status };
  if (r.connection_id) entry.connectionId = r.connection_id;
  if (r.connection_name) entry.connectionName = r.connection_name;
  if (r.finished_at) entry.finishedAt = r.finished_at;
  if (r.before) entry.before = r.before;
  if (r.after) entry.after = r.after;
  if (r.detail) entry.detail = r.detail;
  if (r.error) entry.error = r.error;
  // A failed entry may offer one too: the undo of what it changed before it failed.
  if (r.undo && r.status !== 'pending' && !r.undone_by) entry.undo = { label: (JSON.parse(r.undo) as UndoStep).label };
  if (r.undone_by) entry.undoneBy = r.undone_by;
  if (r.undo_of) entry.undoOf = r.undo_of;
  return entry;
}

/** SQLite-backed {@link AuditService}; text passes the redactor before it is stored. */
export function createAuditService(db: Database, hub: EventHub, log: Logger): AuditService {
  const insert = db.prepare(
    `INSERT INTO audit (at, actor, connection_id, connection_name, action, target, status, before, detail, undo_of)
     VALUES (@at, @actor, @connectionId, @connectionName, @action, @target, 'pending', @before, @detail, @undoOf)`,
  );
  const finish = db.prepare(
    `UPDATE audit SET status = @status, finished_at = @finishedAt, before = COALESCE(@before, before), after = @after, detail = COALESCE(@detail, detail), error = @error, undo = @undo
     WHERE id = @id AND status = 'pending'`,
  );
  const notePending = db.prepare(
    `UPDATE audit SET before = COALESCE(@before, before), after = @after, detail = COALESCE(@detail, detail), undo = @undo WHERE id = @id AND status = 'pending'`,
  );
  // Keeps what the entry noted (before, after, detail, undo).
  const abandonPending = db.prepare(`UPDATE audit SET status = 'failed', finished_at = @finishedAt, error = @error WHERE id = @id AND status = 'pending'`);
  const markUndone = db.prepare(`UPDATE audit SET undone_by = @by WHERE id = @id`);
  /** Entries whose undo is running now: a second click must not undo twice. */
  const undoInFlight = new Set<number>();
  const byId = db.prepare(`SELECT * FROM audit WHERE id = ?`);
  const clean = (s: string | undefined) => (s === undefined ? null : log.redactor.redact(s));
  const announce = (id: number | bigint) => hub.publish('audit.appended', toEntry(byId.get(id) as AuditRow));

  const complete = (id: number | bigint, status: 'succeeded' | 'failed', outcome: Outcome, error: string | null) => {
    const undo = outcome.undo ? JSON.stringify(outcome.undo) : null;
    const done = finish.run({ id, status, finishedAt: new Date().toISOString(), before: clean(outcome.before), after: clean(outcome.after), detail: clean(outcome.detail), error, undo });
    if (done.changes) announce(id);
  };
  const fail = (id: number | bigint, message: string, partial: Outcome = {}) => complete(id, 'failed', partial, clean(message));

  const begin = (intent: AuditIntent): PendingAuditEntry => {
    // The first entry recorded inside an undo is the undoing action's own.
    const undo = undoing.getStore();
    const undoOf = undo && undo.recorded === undefined ? undo.undoOf : null;
    const { lastInsertRowid: id } = insert.run({
      at: new Date().toISOString(),
      actor: intent.actor,
      connectionId: intent.connectionId ?? null,
      connectionName: intent.connectionName ?? null,
      action: intent.action,
      target: clean(intent.target),
      before: clean(intent.before),
      detail: clean(intent.detail),
      undoOf,
    });
    if (undo && undoOf !== null) undo.recorded = Number(id);
    announce(id);
    return {
      id: Number(id),
      note: (partial) => {
        const undo = partial.undo ? JSON.stringify(partial.undo) : null;
        notePending.run({ id, before: clean(partial.before), after: clean(partial.after), detail: clean(partial.detail), undo });
      },
      succeed: (described = {}) => complete(id, 'succeeded', described, null),
      fail: (message, partial) => fail(id, message, partial),
    };
  };

  return {
    async record(intent, act, describe) {
      const entry = begin(intent);
      try {
        const value = await act();
        entry.succeed(describe?.(value));
        return value;
      } catch (err) {
        entry.fail(err instanceof Error ? err.message : String(err));
        throw err;
      }
    },

    begin,

    abandon(id, reason) {
      if (abandonPending.run({ id, finishedAt: new Date().toISOString(), error: clean(reason) }).changes) announce(id);
    },

    list({ limit, beforeId, connectionId, text }) {
      const where: string[] = [];
      const args: Record<string, unknown> = { limit: limit + 1 };
      if (beforeId !== undefined) {
        where.push('id < @beforeId');
        args.beforeId = beforeId;
      }
      if (connectionId) {
        where.push('connection_id = @connectionId');
        args.connectionId = connectionId;
      }
      const entryId = text === undefined ? undefined : entryReferenceOf(text);
      if (entryId !== undefined) {
        where.push('(id = @entryId OR undo_of = @entryId OR id = (SELECT undo_of FROM audit WHERE id = @entryId))');
        args.entryId = entryId;
      } else if (text) {
        where.push(`(action LIKE @text ESCAPE '\\' OR target LIKE @text ESCAPE '\\' OR connection_name LIKE @text ESCAPE '\\' OR detail LIKE @text ESCAPE '\\')`);
        args.text = `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      }
      const rows = db
        .prepare(`SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT @limit`)
        .all(args) as AuditRow[];
      return { entries: rows.slice(0, limit).map(toEntry), hasMore: rows.length > limit };
    },

    async undo(id, run) {
      const row = byId.get(id) as AuditRow | undefined;
      if (!row) throw new AppError('NOT_FOUND', `There is no audit entry #${id}`);
      if (row.undone_by) throw new AppError('CONFLICT', `#${id} was already undone by #${row.undone_by}`);
      if (!row.undo || row.status === 'pending') throw new AppError('VALIDATION', `#${id} (${row.action}) cannot be undone`);
      if (undoInFlight.has(id)) throw new AppError('CONFLICT', `#${id} is being undone already`);
      undoInFlight.add(id);
      try {
        const context: { undoOf: number; recorded?: number } = { undoOf: id };
        await undoing.run(context, () => run(JSON.parse(row.undo!) as UndoStep));
        if (context.recorded === undefined) throw new AppError('INTERNAL', `Undoing #${id} recorded no audit entry`);
        markUndone.run({ by: context.recorded, id });
        announce(id);
        return toEntry(byId.get(context.recorded) as AuditRow);
      } finally {
        undoInFlight.delete(id);
      }
    },
  };
}
