import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../database';
import { migration014 } from './014_drills';
import { migrations } from '.';

function migrated() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const before = migrations.filter((m) => m.version < 14);
  migrate(db, before);
  migrate(db, [...before, migration014]);
  return db;
}

const destination = (db: Database.Database, id: string, name: string) =>
  db.prepare(`INSERT INTO drill_destinations (id, name, target, created_at) VALUES (?, ?, '{"kind":"folder","path":"/b"}', 'now')`).run(id, name);

const backup = (db: Database.Database, id: string, scheduleId: string | null, status = 'complete') =>
  db
    .prepare(
      `INSERT INTO drill_backups (id, name, connection_id, connection_name, namespaces, destination_id, destination_name, target, location, taken_at, status, schedule_id)
       VALUES (?, 'b', 'c1', 'dev', '["team-a"]', 'd1', 'local', '{}', '/b/x', '2026-12-04T10:00:00Z', ?, ?)`,
    )
    .run(id, status, scheduleId);

describe('migration 014 (drills)', () => {
  it('keeps destinations by a name unique whatever the case', () => {
    const db = migrated();
    expect(db.pragma('user_version', { simple: true })).toBe(14);
    destination(db, 'd1', 'Local');
    expect(() => destination(db, 'd2', 'local')).toThrow(/UNIQUE/);
  });

  it('refuses an unknown backup status and keeps a backup when its schedule goes', () => {
    const db = migrated();
    destination(db, 'd1', 'local');
    db.prepare(`INSERT INTO drill_schedules (id, connection_id, namespaces, destination_id, every_hours, keep, created_at) VALUES ('s1', 'c1', '["team-a"]', 'd1', 24, 7, 'now')`).run();
    backup(db, 'b1', 's1');
    expect(() => backup(db, 'b2', null, 'half-done')).toThrow(/CHECK/);
    db.prepare(`DELETE FROM drill_schedules WHERE id = 's1'`).run();
    expect(db.prepare(`SELECT schedule_id FROM drill_backups WHERE id = 'b1'`).get()).toEqual({ schedule_id: null });
  });

  it('refuses a schedule whose destination is unknown, and a drill with an unknown outcome', () => {
    const db = migrated();
    expect(() => db.prepare(`INSERT INTO drill_schedules (id, connection_id, namespaces, destination_id, every_hours, keep, created_at) VALUES ('s1', 'c1', '[]', 'nope', 1, 1, 'now')`).run()).toThrow(/FOREIGN KEY/);
    const drill = db.prepare(
      `INSERT INTO drills (id, source, source_connection_id, source_connection_name, source_namespace, target_connection_id, target_connection_name, target_namespace, started_at, outcome, backup_taken_at, rpo_ms)
       VALUES (?, '{"kind":"archive","backupId":"b1"}', 'c1', 'dev', 'team-a', 'c2', 'dr', 'drill-team-a-1', 'now', ?, 'then', 10)`,
    );
    drill.run('x1', 'passed');
    expect(() => drill.run('x2', 'maybe')).toThrow(/CHECK/);
  });
});
