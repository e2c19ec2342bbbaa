import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migrations } from '.';

describe('migration 007 (rollout guard identity)', () => {
  it("keeps existing guards, with no uid or tripped template yet: their memory is taken afresh at the next read", () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 6));
    db.prepare(
      `INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES ('c1', 'kubernetes', 'one', 'file', '{}', x'00', 'now', 'now')`,
    ).run();
    db.prepare(
      `INSERT INTO rollout_guards (connection_id, namespace, name, min_available_percent, grace_seconds, created_by, created_at, stable_revision, tripped_revision) VALUES ('c1', 'shop', 'web', 75, 30, 'ann', 'now', 5, 6)`,
    ).run();
    migrate(db, migrations.slice(0, 7));
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare(`SELECT name, stable_revision, tripped_revision, uid, tripped_template FROM rollout_guards`).get()).toEqual({
      name: 'web',
      stable_revision: 5,
      tripped_revision: 6,
      uid: null,
      tripped_template: null,
    });
  });
});
