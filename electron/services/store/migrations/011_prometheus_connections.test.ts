import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';
import { migration011 } from './011_prometheus_connections';

/** Every migration up to 10, then 011 (until the index lists it, and after). */
const upTo = (version: number) => [...migrations.filter((m) => m.version < 11), migration011].filter((m) => m.version <= version);

const insertConnection = (db: Database.Database, id: string, kind: string) =>
  db.prepare(`INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES (?, ?, ?, 's', '{}', x'00', 'now', 'now')`).run(id, kind, `c-${id}`);

describe('migration 011 (Prometheus connections)', () => {
  it('accepts Prometheus connections and still refuses unknown kinds', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(10));
    expect(() => insertConnection(db, 'p0', 'prometheus')).toThrow(/CHECK/);
    migrate(db, upTo(11));
    expect(db.pragma('user_version', { simple: true })).toBe(11);
    insertConnection(db, 'p1', 'prometheus');
    expect(() => insertConnection(db, 'g1', 'gcp')).toThrow(/CHECK/);
    expect(() => insertConnection(db, 'p2', 'PROMETHEUS')).toThrow(/CHECK/);
    // The unique name index is still there.
    expect(() => db.prepare(`INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES ('p3', 'prometheus', 'C-P1', 's', '{}', x'00', 'n', 'n')`).run()).toThrow(/UNIQUE/);
  });

  it('keeps every connection and every row that references one, with foreign keys on', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, upTo(10));
    insertConnection(db, 'k1', 'kubernetes');
    insertConnection(db, 'a1', 'aws');
    db.prepare(`INSERT INTO kube_discovery (connection_id, discovered_at, discovery) VALUES ('k1', 0, '{}')`).run();
    migrate(db, upTo(11));
    expect(db.prepare(`SELECT id, kind FROM connections ORDER BY id`).all()).toEqual([
      { id: 'a1', kind: 'aws' },
      { id: 'k1', kind: 'kubernetes' },
    ]);
    expect(db.prepare(`SELECT connection_id FROM kube_discovery`).all()).toEqual([{ connection_id: 'k1' }]);
    // The cascade still works: the references were not rewritten.
    db.prepare(`DELETE FROM connections WHERE id = 'k1'`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM kube_discovery`).get()).toEqual({ n: 0 });
    expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  it('leaves the database defensive again, and fails loudly on a definition it does not expect', () => {
    const db = new Database(':memory:');
    migrate(db, upTo(11));
    expect(() => db.prepare(`UPDATE sqlite_schema SET sql = sql WHERE name = 'connections'`).run()).toThrow(/may not be modified/);
    const other = new Database(':memory:');
    other.exec(`CREATE TABLE connections (id TEXT PRIMARY KEY, kind TEXT NOT NULL)`);
    expect(() => migrate(other, [migration011])).toThrow(/unexpected definition/);
    expect(other.pragma('user_version', { simple: true })).toBe(0);
  });
});
