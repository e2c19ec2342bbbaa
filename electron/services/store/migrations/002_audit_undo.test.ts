import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration001 } from './001_initial';
import { migration002 } from './002_audit_undo';

describe('migration 002 (audit undo)', () => {
  it('keeps existing entries and lets new ones say how to undo them and what undid them', () => {
    const db = new Database(':memory:');
    migrate(db, [migration001]);
    db.prepare(`INSERT INTO audit (at, actor, action, target, status) VALUES ('then', 'me', 'kube.scale', 'prod/a/deployments/web', 'succeeded')`).run();
    migrate(db, [migration001, migration002]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare(`SELECT action, undo, undone_by FROM audit`).get()).toEqual({ action: 'kube.scale', undo: null, undone_by: null });
    db.prepare(`INSERT INTO audit (at, actor, action, target, status, undo_of) VALUES ('now', 'me', 'kube.scale', 't', 'succeeded', 1)`).run();
    db.prepare(`UPDATE audit SET undone_by = 2 WHERE id = 1`).run();
    expect(db.prepare(`SELECT undone_by FROM audit WHERE id = 1`).get()).toEqual({ undone_by: 2 });
  });
});
