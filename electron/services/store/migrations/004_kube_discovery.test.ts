import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';

describe('migration 004 (kube_discovery)', () => {
  it('keeps one discovery per connection, gone with its connection', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 3));
    const connection = db.prepare(
      `INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES (?, 'kubernetes', ?, 'file', '{}', x'00', 'now', 'now')`,
    );
    connection.run('c1', 'one');
    migrate(db, migrations.slice(0, 4));
    expect(db.pragma('user_version', { simple: true })).toBe(4);

    const save = db.prepare(`INSERT INTO kube_discovery (connection_id, discovered_at, discovery) VALUES (?, ?, '{}')`);
    save.run('c1', 1);
    expect(() => save.run('c1', 2)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => save.run('nobody', 1)).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM connections WHERE id = 'c1'`).run();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM kube_discovery`).get()).toEqual({ n: 0 });
  });
});
