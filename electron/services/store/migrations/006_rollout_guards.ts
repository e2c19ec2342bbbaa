import type { Migration } from './types';

/**
 * Guarded rollouts: one row per guarded Deployment, with what the guard must
 * remember across restarts: the last revision it saw complete (and that
 * revision's template fingerprint, to tell its own rollback apart from a new
 * rollout), the last revision it tripped on (never tripped twice), and its
 * last trip as JSON.
 */
export const migration006: Migration = {
  version: 6,
  name: 'rollout guards',
  up(db) {
    db.exec(`
      CREATE TABLE rollout_guards (
        id                     INTEGER PRIMARY KEY,
        connection_id          TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        namespace              TEXT NOT NULL,
        name                   TEXT NOT NULL,
        min_available_percent  INTEGER NOT NULL CHECK (min_available_percent BETWEEN 1 AND 100),
        grace_seconds          INTEGER NOT NULL CHECK (grace_seconds >= 0),
        created_by             TEXT NOT NULL,
        created_at             TEXT NOT NULL,
        stable_revision        INTEGER,
        stable_template        TEXT,
        tripped_revision       INTEGER,
        last_trip              TEXT,
        UNIQUE (connection_id, namespace, name)
      );
    `);
  },
};
