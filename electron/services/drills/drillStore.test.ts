import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createDrillStore, STOPPED_MESSAGE } from './drillStore';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

function store() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return createDrillStore(db);
}

function withBackup(s: ReturnType<typeof store>, id: string, takenAt: number, scheduleId?: string) {
  const destination = s.listDestinations()[0] ?? s.saveDestination({ name: 'local', target: { kind: 'folder', path: '/backups' } }, iso(T0));
  s.startBackup({ id, name: `pilothouse-team-a-${id}`, connectionId: 'c1', connectionName: 'dev', namespaces: ['team-a'], destination, location: `/backups/${id}`, takenAt: iso(takenAt), scheduleId });
  return destination;
}

const done = (takenAt: number) => ({ finishedAt: iso(takenAt + 1000), objectCount: 3, secretCount: 1, bytes: 900, counts: [{ apiVersion: 'v1', kind: 'Secret', count: 1 }], skipped: [], manifestSha256: 'ab'.repeat(32) });

describe('drill store', () => {
  it('refuses a destination name another holds, whatever the case, and one a schedule writes to', () => {
    const s = store();
    const d = s.saveDestination({ name: 'Local', target: { kind: 'folder', path: '/b' } }, iso(T0));
    expect(() => s.saveDestination({ name: 'local', target: { kind: 'folder', path: '/c' } }, iso(T0))).toThrow(/exists already/);
    s.saveSchedule({ connectionId: 'c1', namespaces: ['team-a'], destinationId: d.id, everyHours: 24, keep: 3, paused: false }, T0);
    expect(() => s.deleteDestination(d.id)).toThrow(/schedule/);
  });

  it('moves a schedule on when its backup completes, and flags it overdue an hour past due', () => {
    const s = store();
    const destination = withBackup(s, 'b0', T0 - 100 * HOUR);
    const schedule = s.saveSchedule({ connectionId: 'c1', namespaces: ['team-a', 'team-a'], destinationId: destination.id, everyHours: 6, keep: 2, paused: false }, T0);
    expect(schedule).toMatchObject({ namespaces: ['team-a'], nextDueAt: iso(T0), overdue: false });
    // Never backed up, an hour past its creation: its first backup failed or never ran.
    expect(s.getSchedule(schedule.id, T0 + HOUR + 1).overdue).toBe(true);
    withBackup(s, 'b1', T0, schedule.id);
    s.completeBackup('b1', done(T0));
    expect(s.getSchedule(schedule.id, T0 + 6 * HOUR)).toMatchObject({ lastBackupAt: iso(T0), nextDueAt: iso(T0 + 6 * HOUR), overdue: false });
    expect(s.getSchedule(schedule.id, T0 + 7 * HOUR + 1).overdue).toBe(true);
  });

  it('lists a schedule past its keep for retention, newest kept, and failed backups never counted', () => {
    const s = store();
    const destination = withBackup(s, 'x', T0);
    const { id } = s.saveSchedule({ connectionId: 'c1', namespaces: ['team-a'], destinationId: destination.id, everyHours: 1, keep: 2, paused: false }, T0);
    for (let i = 1; i <= 4; i++) {
      withBackup(s, `b${i}`, T0 + i * HOUR, id);
      if (i === 3) s.failBackup('b3', 'boom', iso(T0));
      else s.completeBackup(`b${i}`, done(T0 + i * HOUR));
    }
    expect(s.expiredBackups(id, 2).map((b) => b.id)).toEqual(['b1']);
  });

  it('marks a backup and a drill left running by a dead process, and says which', () => {
    const s = store();
    const ns = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', name: 'drill-team-a-1', uid: 'u1' };
    withBackup(s, 'b1', T0);
    s.startDrill({ id: 'd1', source: { kind: 'archive', backupId: 'b1' }, sourceConnectionId: 'c1', sourceConnectionName: 'dev', sourceNamespace: 'team-a', targetConnectionId: 'c2', targetConnectionName: 'dr', targetNamespace: 'drill-team-a-1', startedAt: iso(T0), backupTakenAt: iso(T0), rpoMs: 0, kept: false });
    s.drillCreated('d1', [ns, { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespace: 'drill-team-a-1', name: 'app', uid: 'u2' }], 2);
    expect(s.failStoppedBackups(iso(T0)).map((b) => b.id)).toEqual(['b1']);
    expect(s.getBackup('b1')).toMatchObject({ status: 'failed', error: STOPPED_MESSAGE });
    expect(s.interruptStoppedDrills(iso(T0)).map((d) => d.id)).toEqual(['d1']);
    expect(s.getDrill('d1')).toMatchObject({ outcome: 'interrupted', leftovers: 2, created: ['Namespace drill-team-a-1', 'ConfigMap drill-team-a-1/app'] });
    expect(s.drillCreatedRefs('d1')[0]).toEqual(ns);
  });

  it('keeps the newest timeline lines of a drill', () => {
    const s = store();
    s.startDrill({ id: 'd1', source: { kind: 'archive', backupId: 'b1' }, sourceConnectionId: 'c1', sourceConnectionName: 'dev', sourceNamespace: 'team-a', targetConnectionId: 'c1', targetConnectionName: 'dev', targetNamespace: 'drill-team-a-1', startedAt: iso(T0), backupTakenAt: iso(T0), rpoMs: 0, kept: false });
    for (let i = 0; i < 510; i++) s.drillEvent('d1', { at: iso(T0 + i), phase: 'Wait ready', message: `line ${i}` });
    const { timeline } = s.getDrill('d1');
    expect(timeline).toHaveLength(500);
    expect(timeline[0].message).toBe('line 10');
    expect(timeline.at(-1)?.message).toBe('line 509');
  });

  it('says a namespace with a target is overdue until a drill passes within its interval', () => {
    const s = store();
    withBackup(s, 'b1', T0);
    s.completeBackup('b1', done(T0));
    s.saveTarget({ connectionId: 'c1', namespace: 'team-a', rtoSeconds: 60, rpoSeconds: 86_400, everyDays: 7, checks: [] });
    const name = () => 'dev';
    expect(s.namespaceStatuses(T0, undefined, name)[0]).toMatchObject({ namespace: 'team-a', lastBackupAt: iso(T0), overdue: true });
    s.startDrill({ id: 'd1', source: { kind: 'archive', backupId: 'b1' }, sourceConnectionId: 'c1', sourceConnectionName: 'dev', sourceNamespace: 'team-a', targetConnectionId: 'c1', targetConnectionName: 'dev', targetNamespace: 'drill-team-a-1', startedAt: iso(T0), backupTakenAt: iso(T0), rpoMs: 0, kept: false });
    s.updateDrill('d1', { outcome: 'failed' });
    expect(s.namespaceStatuses(T0 + HOUR, undefined, name)[0].overdue).toBe(true);
    s.updateDrill('d1', { outcome: 'passed', rtoMs: 1234 });
    const status = s.namespaceStatuses(T0 + HOUR, undefined, name)[0];
    expect(status).toMatchObject({ overdue: false, nextDrillDueAt: iso(T0 + 7 * 24 * HOUR), lastDrill: { id: 'd1', outcome: 'passed', rtoMs: 1234 } });
    expect(s.namespaceStatuses(T0 + 7 * 24 * HOUR, undefined, name)[0].overdue).toBe(true);
    expect(s.namespaceStatuses(T0, 'other', name)).toEqual([]);
  });
});
