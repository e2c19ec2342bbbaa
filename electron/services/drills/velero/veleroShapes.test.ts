import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VeleroObject } from '../../../../shared/contract/drills';
import { backupRefusal, backupRow, backupTakenAt, restoreBody, restoreProgress, restoreRow, scheduleRow, type VeleroBackup, type VeleroRestore, type VeleroSchedule } from './veleroShapes';

/** Objects recorded from Velero v1.18.3 on the test bed (see fixtures/README.md). */
const recorded = <T>(file: string): T => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')) as T;
const backup = recorded<VeleroBackup>('backup-completed.json');
const badBackup = recorded<VeleroBackup>('backup-failed-validation.json');
const schedule = recorded<VeleroSchedule>('schedule-enabled.json');
const paused = recorded<VeleroSchedule>('schedule-paused.json');
const restore = recorded<VeleroRestore>('restore-completed.json');
const refused = recorded<VeleroRestore>('restore-failed-validation.json');

describe('rows', () => {
  it('shows a completed Backup with its namespaces, completion and counts', () => {
    const row = backupRow(backup);
    expect(row).toEqual({
      name: 'h3-fixture',
      namespace: 'velero',
      phase: 'Completed',
      createdAt: backup.metadata?.creationTimestamp,
      namespaces: ['h3-fixture'],
      completedAt: backup.status?.completionTimestamp,
      errors: 0,
      warnings: 0,
    });
    expect(VeleroObject.parse(row)).toEqual(row);
  });

  it('shows a Backup Velero refused, and one listing no namespace as every namespace', () => {
    expect(backupRow(badBackup)).toMatchObject({ name: 'h3-fixture-badloc', phase: 'FailedValidation', errors: 0 });
    expect(backupRow({ ...backup, spec: {} }).namespaces).toEqual(['*']);
  });

  it('shows a Schedule with its cron, and Paused when it is', () => {
    expect(scheduleRow(schedule)).toEqual({ name: 'h3-nightly', namespace: 'velero', phase: 'Enabled', createdAt: schedule.metadata?.creationTimestamp, namespaces: ['h3-fixture'], detail: '0 3 * * *' });
    expect(scheduleRow(paused)).toMatchObject({ name: 'h3-paused', phase: 'Paused', namespaces: ['*'], detail: '@every 6h' });
  });

  it('shows a Restore with its backup', () => {
    const row = restoreRow(restore);
    expect(row).toMatchObject({ name: 'h3-fixture-drill', phase: 'Completed', namespaces: ['h3-fixture'], detail: 'h3-fixture', completedAt: restore.status?.completionTimestamp, errors: 0 });
    expect(VeleroObject.parse(row)).toEqual(row);
    expect(restoreRow(refused)).toMatchObject({ phase: 'FailedValidation', detail: 'h3-no-such-backup' });
    expect(restoreRow({ metadata: { name: 'r', namespace: 'velero' }, spec: { scheduleName: 'nightly' } }).detail).toBe('latest of schedule nightly');
  });
});

describe('backupTakenAt', () => {
  it('is the Backup\'s start, not the object\'s creation (a synced Backup is created at the sync)', () => {
    expect(backupTakenAt(backup)).toBe(backup.status?.startTimestamp);
    expect(backupTakenAt({ ...backup, metadata: { ...backup.metadata, creationTimestamp: '2030-01-01T00:00:00Z' } })).toBe(backup.status?.startTimestamp);
  });

  it('falls back to the completion, and is undefined for a Backup never run', () => {
    expect(backupTakenAt({ status: { completionTimestamp: '2026-12-04T10:00:00Z' } })).toBe('2026-12-04T10:00:00Z');
    expect(backupTakenAt(badBackup)).toBeUndefined();
  });
});

describe('backupRefusal', () => {
  it('lets a completed Backup of the namespace be restored', () => {
    expect(backupRefusal(backup, 'h3-fixture')).toBeUndefined();
    expect(backupRefusal({ ...backup, status: { ...backup.status, phase: 'PartiallyFailed' } }, 'h3-fixture')).toBeUndefined();
  });

  it('refuses a Backup that did not complete', () => {
    expect(backupRefusal(badBackup, 'h3-fixture')).toBe('Velero Backup "h3-fixture-badloc" is FailedValidation: only a Completed or PartiallyFailed backup can be restored');
    expect(backupRefusal({ ...backup, status: {} }, 'h3-fixture')).toMatch(/is New:/);
  });

  it('refuses a namespace the Backup leaves out, and leaves patterns to Velero', () => {
    expect(backupRefusal(backup, 'team-a')).toBe('Velero Backup "h3-fixture" does not include namespace team-a (it has h3-fixture)');
    expect(backupRefusal({ ...backup, spec: { includedNamespaces: ['*'], excludedNamespaces: ['team-a'] } }, 'team-a')).toBe('Velero Backup "h3-fixture" excludes namespace team-a');
    expect(backupRefusal({ ...backup, spec: {} }, 'team-a')).toBeUndefined();
    expect(backupRefusal({ ...backup, spec: { includedNamespaces: ['team-*'] } }, 'team-a')).toBeUndefined();
  });
});

describe('restoreBody', () => {
  it('restores one namespace mapped into the drill\'s, named by the server after the target', () => {
    const body = restoreBody({ backupName: 'nightly-20261204', veleroNamespace: 'velero', sourceNamespace: 'team-a', targetNamespace: 'drill-team-a-1733300000', labels: { 'pilothouse.dev/drill': '7' } });
    expect(body).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'Restore',
      metadata: { generateName: 'drill-team-a-1733300000-', namespace: 'velero', labels: { 'pilothouse.dev/drill': '7' } },
      spec: { backupName: 'nightly-20261204', includedNamespaces: ['team-a'], namespaceMapping: { 'team-a': 'drill-team-a-1733300000' } },
    });
    // The same fields as the Restore recorded from Velero.
    expect(Object.keys(restore.spec ?? {})).toEqual(expect.arrayContaining(Object.keys(body.spec)));
  });

  it('keeps the generated name within a label value\'s 63 characters', () => {
    const long = `drill-${'n'.repeat(57)}`;
    const prefix = restoreBody({ backupName: 'b', veleroNamespace: 'velero', sourceNamespace: 's', targetNamespace: long }).metadata.generateName;
    expect(prefix.length + 5).toBeLessThanOrEqual(63);
    expect(prefix.endsWith('-')).toBe(true);
    expect(prefix).not.toMatch(/--$/);
  });
});

describe('restoreProgress', () => {
  it('reads Velero\'s item counts', () => {
    const { totalItems = 0, itemsRestored = 0 } = restore.status?.progress ?? {};
    expect(totalItems).toBeGreaterThan(0);
    expect(restoreProgress(restore)).toEqual({ phase: 'Completed', done: itemsRestored, total: totalItems });
  });

  it('is New with nothing counted before Velero looks at it', () => {
    expect(restoreProgress({ metadata: { name: 'r' } })).toEqual({ phase: 'New', done: 0, total: 0 });
    expect(restoreProgress(refused)).toEqual({ phase: 'FailedValidation', done: 0, total: 0 });
  });
});
