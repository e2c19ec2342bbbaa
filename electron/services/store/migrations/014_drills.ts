import type { Migration } from './types';

/**
 * Disaster-recovery drills (#21): where backups go, the backups written
 * there, their schedules, each namespace's RTO/RPO targets and checks, and
 * every drill run with its timeline and results.
 *
 * - Connection ids are not foreign keys: a backup, a target and a drill's
 *   record outlive the connection (an auditor still reads the drill).
 * - `drill_backups.manifest_sha256` is the sha256 of the archive's
 *   `manifest.json` as written, so an archive whose manifest was swapped is
 *   refused even when every file matches that manifest's hashes.
 * - `drill_backups.status` `running` at start means the app stopped during
 *   the backup: it is marked failed (its partial archive removed) then.
 * - `drill_keys` holds the keys that encrypt Secrets in archives, sealed by
 *   the SecretBox like every credential; an archive names its key's id.
 * - `drills.created` is what the restore made (JSON), so a cleanup can find
 *   it after a crash; `leftovers` what a cleanup has not removed yet.
 */
export const migration014: Migration = {
  version: 14,
  name: 'drills',
  up(db) {
    db.exec(`
      CREATE TABLE drill_destinations (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        target      TEXT NOT NULL CHECK (json_valid(target)),
        created_at  TEXT NOT NULL
      );
      CREATE UNIQUE INDEX drill_destinations_name ON drill_destinations (name COLLATE NOCASE);
      CREATE TABLE drill_keys (
        id          TEXT PRIMARY KEY,
        sealed      BLOB NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE drill_schedules (
        id              TEXT PRIMARY KEY,
        connection_id   TEXT NOT NULL,
        namespaces      TEXT NOT NULL CHECK (json_valid(namespaces)),
        destination_id  TEXT NOT NULL REFERENCES drill_destinations (id),
        every_hours     INTEGER NOT NULL CHECK (every_hours >= 1),
        keep            INTEGER NOT NULL CHECK (keep >= 1),
        paused          INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        created_at      TEXT NOT NULL,
        last_backup_at  TEXT
      );
      CREATE TABLE drill_backups (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        connection_id    TEXT NOT NULL,
        connection_name  TEXT NOT NULL,
        namespaces       TEXT NOT NULL CHECK (json_valid(namespaces)),
        destination_id   TEXT NOT NULL,
        destination_name TEXT NOT NULL,
        target           TEXT NOT NULL CHECK (json_valid(target)),
        location         TEXT NOT NULL,
        taken_at         TEXT NOT NULL,
        finished_at      TEXT,
        status           TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
        error            TEXT,
        object_count     INTEGER NOT NULL DEFAULT 0,
        secret_count     INTEGER NOT NULL DEFAULT 0,
        bytes            INTEGER NOT NULL DEFAULT 0,
        counts           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(counts)),
        skipped          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(skipped)),
        manifest_sha256  TEXT,
        key_id           TEXT,
        schedule_id      TEXT REFERENCES drill_schedules (id) ON DELETE SET NULL
      );
      CREATE INDEX drill_backups_taken ON drill_backups (taken_at DESC);
      CREATE TABLE drill_targets (
        connection_id  TEXT NOT NULL,
        namespace      TEXT NOT NULL,
        rto_seconds    INTEGER NOT NULL CHECK (rto_seconds >= 1),
        rpo_seconds    INTEGER NOT NULL CHECK (rpo_seconds >= 1),
        every_days     INTEGER NOT NULL CHECK (every_days >= 1),
        checks         TEXT NOT NULL CHECK (json_valid(checks)),
        PRIMARY KEY (connection_id, namespace)
      );
      CREATE TABLE drills (
        id                     TEXT PRIMARY KEY,
        task_id                TEXT,
        source                 TEXT NOT NULL CHECK (json_valid(source)),
        source_connection_id   TEXT NOT NULL,
        source_connection_name TEXT NOT NULL,
        source_namespace       TEXT NOT NULL,
        target_connection_id   TEXT NOT NULL,
        target_connection_name TEXT NOT NULL,
        target_namespace       TEXT NOT NULL,
        started_at             TEXT NOT NULL,
        finished_at            TEXT,
        outcome                TEXT NOT NULL CHECK (outcome IN ('running', 'passed', 'failed', 'cancelled', 'interrupted')),
        error                  TEXT,
        backup_taken_at        TEXT NOT NULL,
        rto_ms                 INTEGER,
        rpo_ms                 INTEGER NOT NULL,
        rto_target_ms          INTEGER,
        rpo_target_ms          INTEGER,
        checks                 TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(checks)),
        timeline               TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(timeline)),
        created                TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(created)),
        kept                   INTEGER NOT NULL DEFAULT 0 CHECK (kept IN (0, 1)),
        leftovers              INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX drills_by_namespace ON drills (source_connection_id, source_namespace, started_at DESC);
      CREATE INDEX drills_started ON drills (started_at DESC);
    `);
  },
};
