import type { Migration } from './types';

/** Connections (secrets sealed in `sealed`) and the audit log. */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE connections (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('kubernetes', 'aws')),
        name        TEXT NOT NULL,
        labels      TEXT NOT NULL DEFAULT '{}',
        source      TEXT NOT NULL,
        details     TEXT NOT NULL,          -- non-secret JSON shown in the UI
        sealed      BLOB NOT NULL,          -- SecretBox-sealed credentials
        health      TEXT NOT NULL DEFAULT '{"status":"unknown"}',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE UNIQUE INDEX connections_name ON connections (name COLLATE NOCASE);

      CREATE TABLE audit (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        at              TEXT NOT NULL,
        actor           TEXT NOT NULL,
        connection_id   TEXT,
        connection_name TEXT,
        action          TEXT NOT NULL,
        target          TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        finished_at     TEXT,
        before          TEXT,
        after           TEXT,
        detail          TEXT,
        error           TEXT
      );
      CREATE INDEX audit_connection ON audit (connection_id, id);
    `);
  },
};
