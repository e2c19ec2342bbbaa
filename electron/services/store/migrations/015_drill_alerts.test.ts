import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration015 } from './015_drill_alerts';
import { migrations } from '.';

const before = migrations.filter((m) => m.version < 15);

/** A data file at 014 holding rules and alerts of every state, then migrated as the app does: foreign keys on, one transaction. */
function migratedWithHistory() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, before);
  const rule = db.prepare(
    `INSERT INTO alert_rules (id, kind, name, params, enabled, created_by, created_at, updated_at, last_evaluated_at, last_error)
     VALUES (?, ?, ?, ?, ?, 'me', '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z', ?, ?)`,
  );
  rule.run(3, 'daily-spend', 'Budget', '{"awsConnectionId":"aws-1","budgetUsd":10}', 1, '2026-12-04T12:00:00Z', null);
  rule.run(8, 'gpu-node-not-ready', 'GPU nodes', '{"clusterConnectionId":"k-prod"}', 0, null, 'could not evaluate: no');
  const alert = db.prepare(
    `INSERT INTO alerts (id, rule_id, fingerprint, subject, state, severity, title, detail, value, threshold, unit, first_seen, last_seen, resolved_at, acknowledged_by, acknowledged_at)
     VALUES (?, ?, ?, 's', ?, ?, 't', 'd', ?, ?, ?, '2026-12-03T00:00:00Z', '2026-12-04T00:00:00Z', ?, ?, ?)`,
  );
  alert.run(4, 3, 'day:2026-12-04', 'firing', 'critical', 12.5, 10, 'USD', null, 'me', '2026-12-04T01:00:00Z');
  alert.run(9, 3, 'day:2026-12-03', 'resolved', 'critical', 11, 10, 'USD', '2026-12-04T00:00:00Z', null, null);
  alert.run(21, 8, 'node:gpu-1', 'firing', 'critical', null, null, null, null, null, null);
  const rows = () => ({ rules: db.prepare('SELECT * FROM alert_rules ORDER BY id').all(), alerts: db.prepare('SELECT * FROM alerts ORDER BY id').all() });
  const was = rows();
  migrate(db, [...before, migration015]);
  return { db, was, rows };
}

const addAlert = (db: Database.Database, ruleId: number, fingerprint: string, state = 'firing', resolvedAt: string | null = null) =>
  db
    .prepare(`INSERT INTO alerts (rule_id, fingerprint, subject, state, severity, title, detail, first_seen, last_seen, resolved_at) VALUES (?, ?, 's', ?, 'warning', 't', 'd', 'now', 'now', ?)`)
    .run(ruleId, fingerprint, state, resolvedAt);

const addRule = (db: Database.Database, kind: string, params = '{}') =>
  db.prepare(`INSERT INTO alert_rules (kind, name, params, created_by, created_at, updated_at) VALUES (?, 'r', ?, 'me', 'now', 'now')`).run(kind, params);

describe('migration 015 (drill alerts)', () => {
  it('keeps every rule and alert, firing, resolved and acknowledged, with its id', () => {
    const { db, was, rows } = migratedWithHistory();
    expect(db.pragma('user_version', { simple: true })).toBe(15);
    expect(was.rules).toHaveLength(2);
    expect(was.alerts).toHaveLength(3);
    expect(rows()).toEqual(was);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE '%_new'`).all()).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('accepts rules of the new kind and still refuses an unknown one or params that are not JSON', () => {
    const { db } = migratedWithHistory();
    expect(addRule(db, 'drill-overdue').lastInsertRowid).toBe(9);
    expect(addRule(db, 'drill-overdue', '{"clusterConnectionId":"k-prod"}').changes).toBe(1);
    expect(() => addRule(db, 'cpu-hot')).toThrow(/CHECK/);
    expect(() => addRule(db, 'drill-overdue', '{not json')).toThrow(/CHECK/);
  });

  it("points alerts at the rebuilt rules: a rule's alerts still go with it, and an alert of no rule is refused", () => {
    const { db } = migratedWithHistory();
    expect(db.pragma('foreign_key_list(alerts)')).toEqual([expect.objectContaining({ table: 'alert_rules', from: 'rule_id', to: 'id', on_delete: 'CASCADE' })]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.prepare('DELETE FROM alert_rules WHERE id = 3').run();
    expect(db.prepare('SELECT id FROM alerts ORDER BY id').all()).toEqual([{ id: 21 }]);
    expect(() => addAlert(db, 999, 'x')).toThrow(/FOREIGN KEY/);
  });

  it('keeps one firing alert per rule and subject, any number resolved, and the state checks', () => {
    const { db } = migratedWithHistory();
    expect(() => addAlert(db, 8, 'node:gpu-1')).toThrow(/UNIQUE/);
    addAlert(db, 8, 'node:gpu-1', 'resolved', 'now');
    addAlert(db, 8, 'node:gpu-1', 'resolved', 'now');
    addAlert(db, 8, 'node:gpu-2');
    expect(() => addAlert(db, 8, 'node:gpu-3', 'resolved')).toThrow(/CHECK/);
    expect(() => addAlert(db, 8, 'node:gpu-3', 'pending')).toThrow(/CHECK/);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts' ORDER BY name`).all()).toEqual([{ name: 'alerts_by_state' }, { name: 'alerts_one_firing' }]);
  });
});
