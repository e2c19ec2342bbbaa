import type { Migration } from './types';

/**
 * The runbook library: each runbook's current version with what its front
 * matter says, every saved version, the times someone followed one (the version
 * followed and its checklist state), and an FTS5 index of title, tags and body kept in step by
 * the runbooks store inside the transaction of each write.
 *
 * A runbook imported from (or exported to) a folder keeps where: the folder's
 * real path and its path inside it, one runbook per pair, and the SHA-256 of
 * the file as it was last imported or written, so a re-import tells a file
 * changed in the folder from a runbook changed in the app.
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
        -- the real path of the folder it was imported from or exported to, and its path inside it ('/'-separated)
        folder      TEXT,
        path        TEXT,
        -- SHA-256 (hex) of the file as last imported or exported: what the folder held when the two agreed
        file_hash   TEXT,
        starter     TEXT UNIQUE,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL,
        UNIQUE (folder, path),
        CHECK ((folder IS NULL) = (path IS NULL) AND (folder IS NULL) = (file_hash IS NULL))
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
        -- the version it was started on: its checklist is that version's
        version     INTEGER NOT NULL,
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
