import type { AuditEntry } from '../../../shared/contract';
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

/** Records every change to a cluster, cloud account or stored connection. */
export interface AuditService {
  /**
   * Writes the intent, runs `act`, then records the outcome, so a crash mid-way
   * leaves a "pending" entry rather than nothing. Returns what `act` returns.
   */
  record<T>(intent: AuditIntent, act: () => Promise<T> | T, describe?: (value: T) => { after?: string; detail?: string }): Promise<T>;
  list(query: { limit: number; beforeId?: number; connectionId?: string; text?: string }): { entries: AuditEntry[]; hasMore: boolean };
}

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
  return entry;
}

/** SQLite-backed {@link AuditService}; text passes the redactor before it is stored. */
export function createAuditService(db: Database, hub: EventHub, log: Logger): AuditService {
  const insert = db.prepare(
    `INSERT INTO audit (at, actor, connection_id, connection_name, action, target, status, before, detail)
     VALUES (@at, @actor, @connectionId, @connectionName, @action, @target, 'pending', @before, @detail)`,
  );
  const finish = db.prepare(
    `UPDATE audit SET status = @status, finished_at = @finishedAt, after = @after, detail = COALESCE(@detail, detail), error = @error WHERE id = @id`,
  );
  const byId = db.prepare(`SELECT * FROM audit WHERE id = ?`);
  const clean = (s: string | undefined) => (s === undefined ? null : log.redactor.redact(s));
  const announce = (id: number | bigint) => hub.publish('audit.appended', toEntry(byId.get(id) as AuditRow));

  return {
    async record(intent, act, describe) {
      const { lastInsertRowid: id } = insert.run({
        at: new Date().toISOString(),
        actor: intent.actor,
        connectionId: intent.connectionId ?? null,
        connectionName: intent.connectionName ?? null,
        action: intent.action,
        target: clean(intent.target),
        before: clean(intent.before),
        detail: clean(intent.detail),
      });
      announce(id);
      try {
        const value = await act();
        const described = describe?.(value) ?? {};
        finish.run({ id, status: 'succeeded', finishedAt: new Date().toISOString(), after: clean(described.after), detail: clean(described.detail), error: null });
        announce(id);
        return value;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        finish.run({ id, status: 'failed', finishedAt: new Date().toISOString(), after: null, detail: null, error: clean(message) });
        announce(id);
        throw err;
      }
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
      if (text) {
        where.push(`(action LIKE @text ESCAPE '\\' OR target LIKE @text ESCAPE '\\' OR connection_name LIKE @text ESCAPE '\\' OR detail LIKE @text ESCAPE '\\')`);
        args.text = `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      }
      const rows = db
        .prepare(`SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT @limit`)
        .all(args) as AuditRow[];
      return { entries: rows.slice(0, limit).map(toEntry), hasMore: rows.length > limit };
    },
  };
}
