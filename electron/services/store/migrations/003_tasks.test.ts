import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration001 } from './001_initial';
import { migration002 } from './002_audit_undo';
import { migration003 } from './003_tasks';

describe('migration 003 (tasks)', () => {
  it('keeps the audit log and adds a task history whose rows name their audit entry', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration001, migration002]);
    db.prepare(`INSERT INTO audit (at, actor, action, target, status) VALUES ('then', 'me', 'connections.import', 'prod.yaml', 'pending')`).run();
    migrate(db, [migration001, migration002, migration003]);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare(`SELECT action FROM audit`).get()).toEqual({ action: 'connections.import' });

    const insert = db.prepare(
      `INSERT INTO tasks (id, kind, title, target, actor, status, phases, started_at, audit_id) VALUES (?, 'connections.import', 'Import', 'prod.yaml', 'me', ?, '[]', 'now', ?)`,
    );
    insert.run('t1', 'running', 1);
    expect(db.prepare(`SELECT seq, status, progress_done, progress_total, cancellable, dismissed, audit_id FROM tasks`).get()).toEqual({
      seq: 1,
      status: 'running',
      progress_done: 0,
      progress_total: 0,
      cancellable: 1,
      dismissed: 0,
      audit_id: 1,
    });
    expect(() => insert.run('t2', 'paused', null)).toThrow(/CHECK/);
    expect(() => insert.run('t1', 'running', null)).toThrow(/UNIQUE/);
    expect(() => insert.run('t3', 'running', 99)).toThrow(/FOREIGN KEY/);
  });
});
