import type { Migration } from './types';

/** Long work (imports, rollbacks, drills, backups): one row per task, kept after it finishes as its history. */
export const migration003: Migration = {
  version: 3,
  name: 'tasks',
  up(db) {
    db.exec(`
      CREATE TABLE tasks (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- start order, for paging
        id              TEXT NOT NULL UNIQUE,
        kind            TEXT NOT NULL,
        title           TEXT NOT NULL,
        target          TEXT NOT NULL,
        connection_id   TEXT,                                -- no foreign key: the history outlives the connection
        actor           TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('running', 'cancelling', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        phases          TEXT NOT NULL,                       -- JSON [{name, state, startedAt?, finishedAt?}]
        phase           TEXT,
        progress_done   INTEGER NOT NULL DEFAULT 0,
        progress_total  INTEGER NOT NULL DEFAULT 0,
        progress_unit   TEXT,
        cancellable     INTEGER NOT NULL DEFAULT 1,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        message         TEXT,
        error           TEXT,                                -- JSON {code, message}; never a secret
        result          TEXT,                                -- JSON, small
        report          TEXT,                                -- JSON, bounded
        audit_id        INTEGER REFERENCES audit (id),
        dismissed       INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX tasks_status ON tasks (status, seq);
    `);
  },
};
