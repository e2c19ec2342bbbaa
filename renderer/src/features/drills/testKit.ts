import type { BackupDestination, BackupSchedule, BackupSummary, DrillDetail, DrillNamespaceStatus, DrillSummary, TaskSummary } from '../../../../shared/contract';
import { kubeConnection } from '../../test/fakeBridge';

/** A cluster not marked production. */
export const staging = kubeConnection({ id: 'k-staging', name: 'staging', labels: {} });
/** A production cluster (env=prod). */
export const prod = kubeConnection();

export function destination(overrides: Partial<BackupDestination> = {}): BackupDestination {
  return { id: 'dest-1', name: 'Team backups', target: { kind: 'folder', path: '/srv/backups' }, createdAt: '2026-12-01T10:00:00Z', ...overrides };
}

export function backup(overrides: Partial<BackupSummary> = {}): BackupSummary {
  return {
    id: 'b-1',
    name: 'pilothouse-team-a-20261204T101500Z',
    connectionId: 'k-staging',
    connectionName: 'staging',
    namespaces: ['team-a'],
    destinationId: 'dest-1',
    destinationName: 'Team backups',
    location: '/srv/backups/pilothouse-team-a-20261204T101500Z',
    takenAt: '2026-12-04T10:15:00Z',
    finishedAt: '2026-12-04T10:15:04Z',
    status: 'complete',
    objectCount: 212,
    secretCount: 7,
    bytes: 1_250_000,
    counts: [{ apiVersion: 'v1', kind: 'ConfigMap', count: 20 }],
    skipped: [],
    ...overrides,
  };
}

export function drill(overrides: Partial<DrillSummary> = {}): DrillSummary {
  return {
    id: 'd-1',
    taskId: 't-drill',
    source: { kind: 'archive', backupId: 'b-1' },
    sourceConnectionName: 'staging',
    sourceNamespace: 'team-a',
    targetConnectionId: 'k-staging',
    targetConnectionName: 'staging',
    targetNamespace: 'drill-team-a-20261204t1100z',
    startedAt: '2026-12-04T11:00:00Z',
    finishedAt: '2026-12-04T11:02:00Z',
    outcome: 'passed',
    backupTakenAt: '2026-12-04T10:15:00Z',
    rtoMs: 95_000,
    rpoMs: 2_700_000,
    rtoTargetMs: 300_000,
    rpoTargetMs: 86_400_000,
    checksPassed: 4,
    checksFailed: 0,
    kept: false,
    leftovers: 0,
    ...overrides,
  };
}

export function drillDetail(overrides: Partial<DrillDetail> = {}): DrillDetail {
  return {
    ...drill(overrides),
    timeline: [
      { at: '2026-12-04T11:00:00Z', phase: 'Restore', message: 'Created 212 objects' },
      { at: '2026-12-04T11:01:35Z', phase: 'Wait ready', message: 'Deployment web 2/2 ready' },
    ],
    checks: [
      { name: 'Kinds and counts', passed: true, detail: '212 of 212 objects' },
      { name: 'GET web:80/healthz', passed: false, detail: 'expected 200, got 503' },
    ],
    created: ['ConfigMap drill-team-a/app-config', 'Deployment drill-team-a/web'],
    ...overrides,
  };
}

export function namespaceStatus(overrides: Partial<DrillNamespaceStatus> = {}): DrillNamespaceStatus {
  return {
    connectionId: 'k-staging',
    connectionName: 'staging',
    namespace: 'team-a',
    target: { connectionId: 'k-staging', namespace: 'team-a', rtoSeconds: 300, rpoSeconds: 86_400, everyDays: 30, checks: [] },
    lastBackupAt: '2026-12-04T10:15:00Z',
    lastDrill: drill(),
    nextDrillDueAt: '2027-01-03T11:00:00Z',
    overdue: false,
    ...overrides,
  };
}

export function schedule(overrides: Partial<BackupSchedule> = {}): BackupSchedule {
  return {
    id: 's-1',
    connectionId: 'k-staging',
    namespaces: ['team-a'],
    destinationId: 'dest-1',
    everyHours: 24,
    keep: 7,
    paused: false,
    lastBackupAt: '2026-12-04T10:15:00Z',
    nextDueAt: '2026-12-05T10:15:00Z',
    overdue: false,
    ...overrides,
  };
}

/** A task as a drills method starts it, in its first phase. */
export function startedTask(kind: string, phases: string[], overrides: Partial<TaskSummary> = {}): TaskSummary {
  return {
    id: `t-${kind}`,
    kind,
    title: `${kind} of team-a`,
    target: 'staging/team-a',
    actor: 'me@laptop',
    status: 'running',
    phases: phases.map((name, i) => ({ name, state: i === 0 ? 'running' : 'pending' })),
    phase: phases[0],
    progress: { done: 3, total: 10, unit: 'objects' },
    cancellable: true,
    startedAt: '2026-12-04T11:00:00Z',
    dismissed: false,
    ...overrides,
  };
}
