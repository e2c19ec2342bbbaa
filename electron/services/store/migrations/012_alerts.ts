import type { Migration } from './types';

/**
 * Alerts (#19): rules the services evaluate while the app runs (idle GPU
 * cost, spend over a daily budget, a GPU node not Ready), and the alerts they
 * open and resolve. At most one alert per rule and subject (fingerprint) is
 * firing at a time; a resolved one stays as history, and the rule firing
 * again for that subject opens a new one (or, within two evaluation
 * intervals of resolving, fires that one again). A rule's alerts go with it.
 */
export const migration012: Migration = {
  version: 12,
  name: 'alerts',
  up(db) {
    db.exec(`
      CREATE TABLE alert_rules (
        id                 INTEGER PRIMARY KEY,
        kind               TEXT NOT NULL CHECK (kind IN ('idle-gpu-cost', 'daily-spend', 'gpu-node-not-ready')),
        name               TEXT NOT NULL,
        params             TEXT NOT NULL CHECK (json_valid(params)),
        enabled            INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_by         TEXT NOT NULL,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        last_evaluated_at  TEXT,
        last_error         TEXT
      );
      CREATE TABLE alerts (
        id               INTEGER PRIMARY KEY,
        rule_id          INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
        fingerprint      TEXT NOT NULL,
        subject          TEXT NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
        severity         TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
        title            TEXT NOT NULL,
        detail           TEXT NOT NULL,
        value            REAL,
        threshold        REAL,
        unit             TEXT,
        first_seen       TEXT NOT NULL,
        last_seen        TEXT NOT NULL,
        resolved_at      TEXT,
        acknowledged_by  TEXT,
        acknowledged_at  TEXT,
        CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX alerts_one_firing ON alerts (rule_id, fingerprint) WHERE state = 'firing';
      CREATE INDEX alerts_by_state ON alerts (state, last_seen);
    `);
  },
};
