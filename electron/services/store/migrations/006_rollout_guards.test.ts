import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';
import { migration006 } from './006_rollout_guards';

describe('migration 006 (rollout guards)', () => {
  it('keeps one guard per Deployment, gone with its connection', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 5));
    db.prepare(
      `INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES ('c1', 'kubernetes', 'one', 'file', '{}', x'00', 'now', 'now')`,
    ).run();
    migrate(db, migrations.slice(0, 6));
    expect(db.pragma('user_version', { simple: true })).toBe(6);

    const add = db.prepare(
      `INSERT INTO rollout_guards (connection_id, namespace, name, min_available_percent, grace_seconds, created_by, created_at) VALUES (?, ?, ?, ?, 30, 'ann', 'now')`,
    );
    add.run('c1', 'shop', 'web', 75);
    add.run('c1', 'shop', 'api', 100);
    expect(() => add.run('c1', 'shop', 'web', 80)).toThrow(/UNIQUE/);
    expect(() => add.run('nobody', 'shop', 'web', 75)).toThrow(/FOREIGN KEY/);
    expect(() => add.run('c1', 'shop', 'db', 0)).toThrow(/CHECK/);
    db.prepare(`DELETE FROM connections WHERE id = 'c1'`).run();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM rollout_guards`).get()).toEqual({ n: 0 });
  });

  it('leaves the file at version 5 when it cannot apply', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 5));
    db.exec(`CREATE TABLE rollout_guards (id INTEGER PRIMARY KEY)`);
    expect(() => migrate(db, [...migrations.slice(0, 5), migration006])).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
  });
});
