import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration001 } from './001_initial';

describe('migration 001 (initial)', () => {
  it('creates connections with a case-insensitive unique name, and the audit log', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001]);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const insert = db.prepare(`INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES (?, 'kubernetes', ?, 's', '{}', x'00', 'now', 'now')`);
    insert.run('1', 'Prod');
    expect(() => insert.run('2', 'prod')).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES ('3', 'gcp', 'x', 's', '{}', x'00', 'n', 'n')`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO audit (at, actor, action, target, status) VALUES ('now', 'me', 'a', 't', 'pending')`).run();
    expect(() => db.prepare(`INSERT INTO audit (at, actor, action, target, status) VALUES ('now', 'me', 'a', 't', 'maybe')`).run()).toThrow(/CHECK/);
  });
});
