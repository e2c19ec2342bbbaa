import type { Migration } from './types';

/**
 * The runbook library: each runbook's current version with what its front
 * matter says, every saved version, the times someone followed one (their
 * checklist state), and an FTS5 index of title, tags and body kept in step by
 * the runbooks store inside the transaction of each write.
 *
 * `seq` is the internal key (the FTS rowid: an INTEGER PRIMARY KEY keeps its
 * value through VACUUM, an implicit rowid does not); `id` is the one the
 * contract names.
 */
export const migration008: Migration = {
  version: 8,
  name: 'runbooks',
  up(db) {
    db.exec(`
      CREATE TABLE runbooks (
        seq         INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        version     INTEGER NOT NULL CHECK (version >= 1),
        source      TEXT NOT NULL,
        body        TEXT NOT NULL,
        title       TEXT NOT NULL,
        tags        TEXT NOT NULL,
        resources   TEXT NOT NULL,
        severity    TEXT CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
        path        TEXT UNIQUE,
        starter     TEXT UNIQUE,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
      );
      CREATE INDEX runbooks_updated ON runbooks (updated_at DESC, seq DESC);

      CREATE TABLE runbook_versions (
        runbook_seq INTEGER NOT NULL REFERENCES runbooks (seq) ON DELETE CASCADE,
        version     INTEGER NOT NULL,
        source      TEXT NOT NULL,
        title       TEXT NOT NULL,
        saved_at    TEXT NOT NULL,
        saved_by    TEXT NOT NULL,
        bytes       INTEGER NOT NULL,
        PRIMARY KEY (runbook_seq, version)
      ) WITHOUT ROWID;

      CREATE TABLE runbook_tags (
        runbook_seq INTEGER NOT NULL REFERENCES runbooks (seq) ON DELETE CASCADE,
        tag         TEXT NOT NULL,
        PRIMARY KEY (runbook_seq, tag)
      ) WITHOUT ROWID;
      CREATE INDEX runbook_tags_tag ON runbook_tags (tag, runbook_seq);

      CREATE TABLE runbook_resources (
        runbook_seq INTEGER NOT NULL REFERENCES runbooks (seq) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        -- '' when the runbook names the object in any namespace
        namespace   TEXT NOT NULL,
        name        TEXT NOT NULL,
        PRIMARY KEY (runbook_seq, kind, name, namespace)
      ) WITHOUT ROWID;
      CREATE INDEX runbook_resources_name ON runbook_resources (name, kind);

      CREATE TABLE runbook_uses (
        id          TEXT PRIMARY KEY,
        runbook_seq INTEGER NOT NULL REFERENCES runbooks (seq) ON DELETE CASCADE,
        label       TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        started_by  TEXT NOT NULL,
        checked     TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX runbook_uses_runbook ON runbook_uses (runbook_seq, started_at DESC);

      CREATE VIRTUAL TABLE runbooks_fts USING fts5 (title, tags, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
    `);
  },
};
