import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration012 } from './012_alerts';
import { migrations } from '.';

function migrated() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const before = migrations.filter((m) => m.version < 12);
  migrate(db, before);
  migrate(db, [...before, migration012]);
  return db;
}

const rule = (db: Database.Database, kind = 'daily-spend', params = '{"awsConnectionId":"aws-1","budgetUsd":10}') =>
  db.prepare(`INSERT INTO alert_rules (kind, name, params, created_by, created_at, updated_at) VALUES (?, 'r', ?, 'me', 'now', 'now')`).run(kind, params).lastInsertRowid;

const alert = (db: Database.Database, ruleId: number | bigint, state: string, resolvedAt: string | null, fingerprint = 'day:2026-12-04') =>
  db
    .prepare(
      `INSERT INTO alerts (rule_id, fingerprint, subject, state, severity, title, detail, first_seen, last_seen, resolved_at)
       VALUES (?, ?, 's', ?, 'warning', 't', 'd', 'now', 'now', ?)`,
    )
    .run(ruleId, fingerprint, state, resolvedAt);

describe('migration 012 (alerts)', () => {
  it('keeps rules of the known kinds with JSON params', () => {
    const db = migrated();
    expect(db.pragma('user_version', { simple: true })).toBe(12);
    expect(rule(db)).toBe(1);
    expect(() => rule(db, 'cpu-hot')).toThrow(/CHECK/);
    expect(() => rule(db, 'daily-spend', '{not json')).toThrow(/CHECK/);
  });

  it('keeps one firing alert per rule and subject, and any number resolved', () => {
    const db = migrated();
    const id = rule(db);
    alert(db, id, 'firing', null);
    expect(() => alert(db, id, 'firing', null)).toThrow(/UNIQUE/);
    alert(db, id, 'firing', null, 'day:2026-12-05');
    alert(db, id, 'resolved', 'now');
    alert(db, id, 'resolved', 'now');
    expect(() => alert(db, id, 'resolved', null)).toThrow(/CHECK/);
    expect(() => alert(db, id, 'firing', 'now', 'day:2026-12-06')).toThrow(/CHECK/);
    expect(() => alert(db, id, 'pending', null, 'day:2026-12-07')).toThrow(/CHECK/);
    expect(() => alert(db, 999, 'firing', null, 'x')).toThrow(/FOREIGN KEY/);
  });

  it("drops a rule's alerts with the rule", () => {
    const db = migrated();
    const id = rule(db);
    alert(db, id, 'firing', null);
    alert(db, id, 'resolved', 'now');
    db.prepare('DELETE FROM alert_rules WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) AS n FROM alerts').get()).toEqual({ n: 0 });
  });
});
