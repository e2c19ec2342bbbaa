import type { Migration } from './types';

/**
 * Pipeline specs (#20): a library of YAML specs (Argo Workflows, Jobs,
 * CronJobs, anything Kubernetes takes), each save a version with its author
 * and message; and the OpenAPI v3 documents of each connection's cluster,
 * cached so the editor validates offline.
 *
 * - `pipeline_specs.connection_id` is not a foreign key: a spec outlives the
 *   connection it was written for, and is simply retargeted.
 * - `source_root` is the real path of the folder the spec was imported from
 *   or exported to, and `source_path` its file's path relative to that
 *   folder, so a re-import of that folder updates rather than duplicates,
 *   and a file of the same path in another folder is not taken for it;
 *   `file_hash` is the sha256 of the text last imported from or exported to
 *   it, so a re-import tells a file changed outside from one changed in both.
 * - `git_file` is the spec's one file in the spec repository, chosen at its
 *   first commit (and at a rename) so that no two specs share a file, even
 *   on a case-insensitive file system; NULL until it is committed.
 * - `pipeline_spec_applies` is the spec's side of each apply (the audit log
 *   has the rest): which version went to which connection, and how it ended
 *   (`interrupted`: still running when the app stopped).
 * - `openapi_documents` holds one group-version's document per connection,
 *   keyed by the hash the server's `/openapi/v3` index gives it: an unchanged
 *   hash is an unchanged document, so it is not fetched again. The body is
 *   gzip (a cluster's documents are tens of MB of JSON).
 */
export const migration013: Migration = {
  version: 13,
  name: 'pipeline specs',
  up(db) {
    db.exec(`
      CREATE TABLE pipeline_specs (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        connection_id  TEXT,
        namespace      TEXT,
        kinds          TEXT NOT NULL CHECK (json_valid(kinds)),
        documents      INTEGER NOT NULL CHECK (documents >= 0),
        version        INTEGER NOT NULL CHECK (version >= 1),
        source_root    TEXT,
        source_path    TEXT,
        file_hash      TEXT,
        git_file       TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        updated_by     TEXT NOT NULL,
        CHECK ((source_root IS NULL) = (source_path IS NULL))
      );
      CREATE UNIQUE INDEX pipeline_specs_name ON pipeline_specs (name);
      CREATE UNIQUE INDEX pipeline_specs_git_file ON pipeline_specs (git_file COLLATE NOCASE);
      CREATE TABLE pipeline_spec_versions (
        spec_id     TEXT NOT NULL REFERENCES pipeline_specs (id) ON DELETE CASCADE,
        version     INTEGER NOT NULL CHECK (version >= 1),
        text        TEXT NOT NULL,
        message     TEXT NOT NULL,
        saved_at    TEXT NOT NULL,
        saved_by    TEXT NOT NULL,
        git_commit  TEXT,
        PRIMARY KEY (spec_id, version)
      ) WITHOUT ROWID;
      CREATE TABLE pipeline_spec_applies (
        id             INTEGER PRIMARY KEY,
        spec_id        TEXT NOT NULL REFERENCES pipeline_specs (id) ON DELETE CASCADE,
        version        INTEGER NOT NULL,
        connection_id  TEXT NOT NULL,
        namespace      TEXT,
        task_id        TEXT NOT NULL,
        actor          TEXT NOT NULL,
        started_at     TEXT NOT NULL,
        finished_at    TEXT,
        outcome        TEXT NOT NULL CHECK (outcome IN ('running', 'applied', 'partial', 'failed', 'cancelled', 'interrupted')),
        applied        INTEGER NOT NULL DEFAULT 0,
        failed         INTEGER NOT NULL DEFAULT 0,
        not_attempted  INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX pipeline_spec_applies_by_spec ON pipeline_spec_applies (spec_id, started_at);
      CREATE TABLE openapi_documents (
        connection_id  TEXT NOT NULL,
        group_version  TEXT NOT NULL,
        hash           TEXT NOT NULL,
        body_gzip      BLOB NOT NULL,
        fetched_at     TEXT NOT NULL,
        PRIMARY KEY (connection_id, group_version)
      ) WITHOUT ROWID;
    `);
  },
};
