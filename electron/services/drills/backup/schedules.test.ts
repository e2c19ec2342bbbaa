import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSchedule, ConnectionSummary } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { madeTempDir } from '../../../../test/support/tempDirs';
import { createAuditService } from '../../audit/auditService';
import { createLogger } from '../../logging/logger';
import type { EventHub } from '../../rpc/eventHub';
import { AesGcmSecretBox } from '../../secrets/aesGcmSecretBox';
import { migrate } from '../../store/database';
import { migrations } from '../../store/migrations';
import { createTaskRunner } from '../../tasks/taskRunner';
import { createDrillsArea } from '../drillsArea';
import { backupsInUse, dueSchedules, RETRY_AFTER_FAILURE_MS } from './schedules';
import { FIXTURE_NAMESPACE as NS, startRecordedApiserver, type RecordedApiserver } from './testKit';

const NOW = Date.parse('2026-12-04T10:00:00Z');
const schedule = (id: string, change: Partial<BackupSchedule> = {}): BackupSchedule => ({
  id,
  connectionId: 'c1',
  namespaces: ['team-a'],
  destinationId: 'd1',
  everyHours: 24,
  keep: 3,
  paused: false,
  nextDueAt: new Date(NOW - 1000).toISOString(),
  overdue: false,
  ...change,
});

describe('the schedules a tick starts', () => {
  it('are the due ones, two due at once both started, none paused, not yet due or with a backup running', () => {
    const all = [schedule('a'), schedule('b'), schedule('paused', { paused: true }), schedule('later', { nextDueAt: new Date(NOW + 1000).toISOString() }), schedule('busy')];
    expect(dueSchedules(all, new Set(['busy']), new Map(), NOW).map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('leave one whose last attempt failed alone for a while, instead of failing again every minute', () => {
    const failed = new Map([['a', NOW - 60_000]]);
    expect(dueSchedules([schedule('a')], new Set(), failed, NOW)).toEqual([]);
    expect(dueSchedules([schedule('a')], new Set(), failed, NOW - 60_000 + RETRY_AFTER_FAILURE_MS).map((s) => s.id)).toEqual(['a']);
  });
});

describe('the backups a running drill reads', () => {
  it('are those of running drills from archives only', () => {
    const drills = [
      { outcome: 'running' as const, source: { kind: 'archive' as const, backupId: 'bk-1' } },
      { outcome: 'passed' as const, source: { kind: 'archive' as const, backupId: 'bk-2' } },
      { outcome: 'running' as const, source: { kind: 'velero' as const, connectionId: 'c1', backupName: 'v', veleroNamespace: 'velero' } },
    ];
    expect([...backupsInUse(drills)]).toEqual(['bk-1']);
  });
});

describe('the drills area\'s schedules', () => {
  let bed: RecordedApiserver;
  beforeAll(async () => {
    bed = await startRecordedApiserver();
  });
  afterAll(() => bed.close());
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  function area(access: RecordedApiserver['access']) {
    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger();
    const hub = { publish: () => {} } as unknown as EventHub;
    const audit = createAuditService(db, hub, log);
    const runner = createTaskRunner({ db, audit, hub, log });
    const connections = { list: () => [{ id: 'c1', name: 'prod', kind: 'kubernetes' } as ConnectionSummary], awsAccessOf: () => { throw new AppError('NOT_FOUND', 'no AWS'); } };
    const drills = createDrillsArea({ db, access: access as never, connections, audit, hub, runner, secretBox: AesGcmSecretBox.fromKey(randomBytes(32), 'test'), log, tickMs: 20 });
    closers.push(() => drills.close?.());
    const destination = drills.store.saveDestination({ name: 'disk', target: { kind: 'folder', path: madeTempDir('ph-sched-') } }, new Date().toISOString());
    return { drills, destination };
  }

  it('tries a schedule whose backup fails once, not again at every tick', async () => {
    const down = { config: async () => { throw new AppError('UNREACHABLE', 'The cluster did not answer'); }, discover: async () => { throw new AppError('UNREACHABLE', 'down'); } };
    const { drills, destination } = area(down as never);
    const saved = drills.store.saveSchedule({ connectionId: 'c1', namespaces: [NS], destinationId: destination.id, everyHours: 1, keep: 2, paused: false }, Date.now() - 1000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const backups = drills.store.listBackups({ limit: 100 });
    expect(backups.length).toBe(1);
    expect(backups[0]).toMatchObject({ status: 'failed', scheduleId: saved.id });
  });

  it('keeps an expired backup a running drill restores from, and refuses to delete it by hand', async () => {
    const { drills, destination } = area(bed.access);
    const saved = drills.store.saveSchedule({ connectionId: 'c1', namespaces: [NS], destinationId: destination.id, everyHours: 1, keep: 1, paused: false }, Date.now() - 1000);
    const old = drills.store.startBackup({ id: 'bk-old', name: 'pilothouse-old', connectionId: 'c1', connectionName: 'prod', namespaces: [NS], destination, location: '/x', takenAt: '2026-01-01T00:00:00.000Z', scheduleId: saved.id });
    drills.store.completeBackup(old.id, { finishedAt: '2026-01-01T00:00:01.000Z', objectCount: 1, secretCount: 0, bytes: 1, counts: [], skipped: [], manifestSha256: 'a'.repeat(64) });
    drills.store.startDrill({ id: 'dr-1', source: { kind: 'archive', backupId: old.id }, sourceConnectionId: 'c1', sourceConnectionName: 'prod', sourceNamespace: NS, targetConnectionId: 'c1', targetConnectionName: 'prod', targetNamespace: 'drill-x', startedAt: new Date().toISOString(), backupTakenAt: old.takenAt, rpoMs: 1, kept: false });
    await expect(drills.handlers['drills.deleteBackup']({ id: old.id }, { actor: 'ann' } as never)).rejects.toMatchObject({ code: 'CONFLICT' });
    // The schedule's first backup completes, which makes the old one expired.
    const fresh = () => drills.store.listBackups({ limit: 10 }).find((b) => b.id !== old.id);
    for (let i = 0; i < 200 && !fresh()?.finishedAt; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(fresh()).toMatchObject({ status: 'complete', scheduleId: saved.id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(drills.store.expiredBackups(saved.id, 1).map((b) => b.id)).toEqual([old.id]);
    expect(drills.store.getBackup(old.id).status).toBe('complete');
  });
});
