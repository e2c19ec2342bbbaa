import type { Migration } from './types';

/**
 * Alert rules of the kind `drill-overdue` (#21: an alert when a DR drill is
 * due). SQLite cannot change a CHECK in place, so `alert_rules` is rebuilt
 * with the new kind allowed, and `alerts` with it: it refers to
 * `alert_rules`, and migrations run with foreign keys on, which cannot be
 * turned off inside the migration's transaction. Both new tables are filled
 * with every row, ids kept, before the old ones are dropped (`alerts` first,
 * so dropping `alert_rules` cascades into nothing); renaming
 * `alert_rules_new` rewrites the reference in `alerts_new` to follow it
 * (SQLite 3.26+). Columns, constraints and indexes are migration 012's.
 */
export const migration015: Migration = {
  version: 15,
  name: 'drill_alerts',
  up(db) {
    db.exec(`
      CREATE TABLE alert_rules_new (
        id                 INTEGER PRIMARY KEY,
        kind               TEXT NOT NULL CHECK (kind IN ('idle-gpu-cost', 'daily-spend', 'gpu-node-not-ready', 'drill-overdue')),
        name               TEXT NOT NULL,
        params             TEXT NOT NULL CHECK (json_valid(params)),
        enabled            INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_by         TEXT NOT NULL,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        last_evaluated_at  TEXT,
        last_error         TEXT
      );
      CREATE TABLE alerts_new (
        id               INTEGER PRIMARY KEY,
        rule_id          INTEGER NOT NULL REFERENCES alert_rules_new (id) ON DELETE CASCADE,
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
      INSERT INTO alert_rules_new (id, kind, name, params, enabled, created_by, created_at, updated_at, last_evaluated_at, last_error)
        SELECT id, kind, name, params, enabled, created_by, created_at, updated_at, last_evaluated_at, last_error FROM alert_rules;
      INSERT INTO alerts_new (id, rule_id, fingerprint, subject, state, severity, title, detail, value, threshold, unit, first_seen, last_seen, resolved_at, acknowledged_by, acknowledged_at)
        SELECT id, rule_id, fingerprint, subject, state, severity, title, detail, value, threshold, unit, first_seen, last_seen, resolved_at, acknowledged_by, acknowledged_at FROM alerts;
      DROP TABLE alerts;
      DROP TABLE alert_rules;
      ALTER TABLE alert_rules_new RENAME TO alert_rules;
      ALTER TABLE alerts_new RENAME TO alerts;
      CREATE UNIQUE INDEX alerts_one_firing ON alerts (rule_id, fingerprint) WHERE state = 'firing';
      CREATE INDEX alerts_by_state ON alerts (state, last_seen);
    `);
  },
};
