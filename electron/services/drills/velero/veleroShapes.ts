/**
 * Velero's Backups, Schedules and Restores (velero.io/v1) as the drills page
 * lists them, the Restore a drill creates, and how to read one as it runs.
 * Pure: no server here.
 */
import type { VeleroObject } from '../../../../shared/contract/drills';
import type { ResourceRef } from '../../../../shared/contract';
import type { KubeObject } from '../../kube/model';

export const VELERO_BACKUPS: ResourceRef = { group: 'velero.io', version: 'v1', resource: 'backups' };
export const VELERO_SCHEDULES: ResourceRef = { group: 'velero.io', version: 'v1', resource: 'schedules' };
export const VELERO_RESTORES: ResourceRef = { group: 'velero.io', version: 'v1', resource: 'restores' };

/** The label Velero puts on every object a Restore created, valued with the Restore's name: what a drill's cleanup selects. */
export const RESTORE_NAME_LABEL = 'velero.io/restore-name';

/** The fields of a Velero Backup this module reads. */
export interface VeleroBackup extends KubeObject {
  spec?: { includedNamespaces?: string[]; excludedNamespaces?: string[]; storageLocation?: string };
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
  };
}

/** The fields of a Velero Schedule this module reads. */
export interface VeleroSchedule extends KubeObject {
  spec?: { schedule?: string; paused?: boolean; template?: { includedNamespaces?: string[] } };
  status?: { phase?: string; lastBackup?: string };
}

/** The fields of a Velero Restore this module reads and writes. */
export interface VeleroRestore extends KubeObject {
  spec?: { backupName?: string; scheduleName?: string; includedNamespaces?: string[]; namespaceMapping?: Record<string, string> };
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
    validationErrors?: string[];
    progress?: { totalItems?: number; itemsRestored?: number };
  };
}

/** Phases after which a Backup can be restored: Velero refuses a Restore of any other. */
export const RESTORABLE_BACKUP_PHASES: readonly string[] = ['Completed', 'PartiallyFailed'];
/** Phases a Restore ends in having restored (some of) its objects; `FailedValidation` ends it having done nothing. */
export const FINISHED_RESTORE_PHASES: readonly string[] = ['Completed', 'PartiallyFailed', 'Failed'];

/** A namespace list as Velero reads it: absent or empty is every namespace. */
const covered = (namespaces: string[] | undefined): string[] => (namespaces?.length ? namespaces : ['*']);

/** Counts only where Velero wrote them: it leaves out a zero. */
function counts(status: { errors?: number; warnings?: number } | undefined): Pick<VeleroObject, 'errors' | 'warnings'> {
  return { errors: status?.errors ?? 0, warnings: status?.warnings ?? 0 };
}

function common(o: KubeObject): Pick<VeleroObject, 'name' | 'namespace' | 'createdAt'> {
  return { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace ?? '', ...(o.metadata?.creationTimestamp ? { createdAt: o.metadata.creationTimestamp } : {}) };
}

/** A Backup as the list shows it: phase, namespaces, when it finished, its error and warning counts. */
export function backupRow(b: VeleroBackup): VeleroObject {
  return {
    ...common(b),
    ...(b.status?.phase ? { phase: b.status.phase } : {}),
    namespaces: covered(b.spec?.includedNamespaces),
    ...(b.status?.completionTimestamp ? { completedAt: b.status.completionTimestamp } : {}),
    ...counts(b.status),
  };
}

/** A Schedule as the list shows it: `Paused` when paused, else Velero's phase; its cron as the detail. */
export function scheduleRow(s: VeleroSchedule): VeleroObject {
  const phase = s.spec?.paused ? 'Paused' : s.status?.phase;
  return {
    ...common(s),
    ...(phase ? { phase } : {}),
    namespaces: covered(s.spec?.template?.includedNamespaces),
    ...(s.spec?.schedule ? { detail: s.spec.schedule } : {}),
  };
}

/** A Restore as the list shows it: its backup as the detail. */
export function restoreRow(r: VeleroRestore): VeleroObject {
  const from = r.spec?.backupName || (r.spec?.scheduleName ? `latest of schedule ${r.spec.scheduleName}` : undefined);
  return {
    ...common(r),
    ...(r.status?.phase ? { phase: r.status.phase } : {}),
    namespaces: covered(r.spec?.includedNamespaces),
    ...(from ? { detail: from } : {}),
    ...(r.status?.completionTimestamp ? { completedAt: r.status.completionTimestamp } : {}),
    ...counts(r.status),
  };
}

/**
 * When a Backup's contents were read, for a drill's RPO: its
 * `status.startTimestamp`, the earliest its objects can date from (Velero
 * reads them between its start and its completion), then its completion. Not
 * the object's creation time: a Backup that Velero synced from the bucket
 * into another cluster was created there at the sync, while its status
 * keeps the times of the backup itself. Undefined for a Backup never run.
 */
export function backupTakenAt(b: VeleroBackup): string | undefined {
  return b.status?.startTimestamp ?? b.status?.completionTimestamp;
}

/**
 * Why a Restore of `namespace` from this Backup cannot be made, or undefined
 * when it can: the Backup has not completed, or its namespace lists leave
 * `namespace` out. A pattern in the lists (`team-*`) is left for Velero to judge.
 */
export function backupRefusal(b: VeleroBackup, namespace: string): string | undefined {
  const name = b.metadata?.name ?? '';
  const phase = b.status?.phase || 'New';
  if (!RESTORABLE_BACKUP_PHASES.includes(phase)) return `Velero Backup "${name}" is ${phase}: only a Completed or PartiallyFailed backup can be restored`;
  const plain = (n: string) => !/[*?[\]{}!]/.test(n);
  if (b.spec?.excludedNamespaces?.includes(namespace)) return `Velero Backup "${name}" excludes namespace ${namespace}`;
  const included = covered(b.spec?.includedNamespaces);
  if (included.every(plain) && !included.includes(namespace)) return `Velero Backup "${name}" does not include namespace ${namespace} (it has ${included.join(', ')})`;
  return undefined;
}

/** What {@link restoreBody} makes a Restore of. */
export interface RestoreRequest {
  backupName: string;
  veleroNamespace: string;
  sourceNamespace: string;
  targetNamespace: string;
  /** Labels for the Restore object itself, e.g. the drill it belongs to. */
  labels?: Record<string, string>;
}

/** The body that creates a Restore. */
export interface RestoreCreate {
  apiVersion: 'velero.io/v1';
  kind: 'Restore';
  metadata: { generateName: string; namespace: string; labels?: Record<string, string> };
  spec: NonNullable<VeleroRestore['spec']>;
}

/** Longest `generateName` prefix: the server adds 5 characters, and Velero labels restored objects with the name, a label value being at most 63. */
const MAX_PREFIX = 58;

/**
 * The Restore a drill creates: only `sourceNamespace` of the Backup, mapped
 * into `targetNamespace`. Named after the target by the server
 * (`generateName`), so two drills of one backup never collide.
 */
export function restoreBody(req: RestoreRequest): RestoreCreate {
  const prefix = `${req.targetNamespace.slice(0, MAX_PREFIX - 1).replace(/-+$/, '')}-`;
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: { generateName: prefix, namespace: req.veleroNamespace, ...(req.labels ? { labels: req.labels } : {}) },
    spec: {
      backupName: req.backupName,
      includedNamespaces: [req.sourceNamespace],
      namespaceMapping: { [req.sourceNamespace]: req.targetNamespace },
    },
  };
}

/** How far a Restore has got: its phase (`New` until Velero has looked at it) and `done` of `total` items. */
export function restoreProgress(r: VeleroRestore): { phase: string; done: number; total: number } {
  return { phase: r.status?.phase || 'New', done: r.status?.progress?.itemsRestored ?? 0, total: r.status?.progress?.totalItems ?? 0 };
}
