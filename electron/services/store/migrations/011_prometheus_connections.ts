import type { Migration } from './types';

const BEFORE = "CHECK (kind IN ('kubernetes', 'aws'))";
const AFTER = "CHECK (kind IN ('kubernetes', 'aws', 'prometheus'))";

/**
 * Prometheus endpoints become a connection kind of their own: the `kind`
 * check of `connections` accepts 'prometheus'.
 *
 * SQLite cannot alter a CHECK constraint, and rebuilding the table is not an
 * option here: with foreign keys on (they cannot be turned off inside the
 * migration's transaction), dropping `connections` would cascade-delete every
 * row that references it. So the table's stored definition is rewritten, as
 * https://www.sqlite.org/lang_altertable.html#otheralter describes for
 * constraints that existing rows already satisfy; a widened check is one.
 */
export const migration011: Migration = {
  version: 11,
  name: 'prometheus_connections',
  up(db) {
    const table = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'connections'`);
    const { sql } = table.get() as { sql: string };
    if (!sql.includes(BEFORE)) throw new Error(`connections has an unexpected definition; its kind check is not ${BEFORE}`);
    const version = db.pragma('schema_version', { simple: true }) as number;
    // better-sqlite3 opens databases defensively, which forbids writing the schema table; allowed for this one statement.
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare(`UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'connections'`).run(sql.replace(BEFORE, AFTER));
      // A new schema version makes every connection, this one included, read the definition again.
      db.pragma(`schema_version = ${version + 1}`);
    } finally {
      db.pragma('writable_schema = OFF');
      db.unsafeMode(false);
    }
    const problems = db.pragma('quick_check') as { quick_check: string }[];
    if (problems[0]?.quick_check !== 'ok') throw new Error(`connections failed its check after the kind was widened: ${problems.map((p) => p.quick_check).join('; ')}`);
  },
};
