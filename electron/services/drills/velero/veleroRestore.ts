/**
 * A drill's restore through Velero: a velero.io/v1 Restore of one namespace
 * of a Backup, mapped into the drill's namespace, followed until Velero says
 * how it ended. Velero restores into its own cluster only; everything it
 * creates carries the label `velero.io/restore-name` (RESTORE_NAME_LABEL)
 * with the Restore's name, which is how a cleanup finds it.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../../shared/result';
import { objectPath } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeRequest } from '../../kube/client/kubeHttp';
import {
  backupRefusal,
  backupTakenAt,
  FINISHED_RESTORE_PHASES,
  restoreBody,
  restoreProgress,
  VELERO_BACKUPS,
  VELERO_RESTORES,
  type VeleroBackup,
  type VeleroRestore,
} from './veleroShapes';

/** Each request's deadline. */
const REQUEST_DEADLINE_MS = 30_000;

/** What {@link startVeleroRestore} is told. */
export interface VeleroRestoreOptions {
  backupName: string;
  /** Where Velero keeps its objects (`velero` unless installed elsewhere): the Backup is read and the Restore created there. */
  veleroNamespace: string;
  /** The backed-up namespace to restore. */
  sourceNamespace: string;
  /** The namespace it is restored into; Velero creates it when missing and restores beside what is there when not (the caller decides whether that may be). */
  targetNamespace: string;
  /** Labels for the Restore object, e.g. the drill it belongs to. */
  labels?: Record<string, string>;
  /** Stops the wait with the signal's reason. Velero cannot stop a Restore under way: it goes on, and the cleanup finds what it made by its label. */
  signal?: AbortSignal;
  /** Called with the Restore's name and uid once it exists, before the wait: persist it, so a crash or a cancel can still clean up. */
  onStarted?: (restoreName: string, uid: string | undefined) => void;
  /** `done` of `total` items (Velero's own count, 0 of 0 until it has read the backup), and the Restore's phase; called when either changes. */
  onProgress?: (done: number, total: number, phase: string) => void;
  /** Between two reads of the Restore; default 1 s. */
  pollMs?: number;
  /** How long the Restore may wait for Velero to take it up (no server, or one watching another namespace); default 60 s. */
  pickupTimeoutMs?: number;
  /** How long the whole restore may take; default 1 h. */
  timeoutMs?: number;
}

/** How a Velero Restore ended. */
export interface VeleroRestoreResult {
  /** The Restore's name (the value of `velero.io/restore-name` on what it created). */
  name: string;
  /** `Completed`, `PartiallyFailed` (some items failed: see `errors`) or `Failed` (see `failureReason`). */
  phase: string;
  warnings: number;
  errors: number;
  failureReason?: string;
  itemsRestored: number;
  totalItems: number;
  /** When the backup's contents were read, for the RPO (see {@link backupTakenAt}). */
  backupTakenAt?: string;
  startedAt?: string;
  completedAt?: string;
}

/** A Backup in Velero's namespace; NOT_FOUND when there is none of that name. */
export async function readVeleroBackup(kc: KubeConfig, veleroNamespace: string, name: string, signal?: AbortSignal): Promise<VeleroBackup> {
  const res = await kubeRequest<VeleroBackup>(kc, objectPath(VELERO_BACKUPS, veleroNamespace, name), { deadlineMs: REQUEST_DEADLINE_MS, signal });
  if (res.status === 404) throw new AppError('NOT_FOUND', `There is no Velero Backup "${name}" in namespace ${veleroNamespace}`);
  if (res.status !== 200) throw kubeStatusError(`reading Velero Backup "${name}" in ${veleroNamespace}`, res.status, res.body);
  return res.body;
}

/**
 * Restores `sourceNamespace` of a Velero Backup into `targetNamespace`:
 * checks the Backup can be restored (VALIDATION otherwise, before anything is
 * created), creates the Restore, and reads it every `pollMs` until it ends.
 * Resolves for Completed, PartiallyFailed and Failed, with Velero's counts;
 * throws VALIDATION when Velero refuses the Restore (FailedValidation,
 * nothing restored), TIMEOUT when no server takes it up or it outlasts
 * `timeoutMs`, NOT_FOUND when it is deleted meanwhile.
 */
export async function startVeleroRestore(kc: KubeConfig, options: VeleroRestoreOptions): Promise<VeleroRestoreResult> {
  const { veleroNamespace: ns, signal } = options;
  const backup = await readVeleroBackup(kc, ns, options.backupName, signal);
  const refusal = backupRefusal(backup, options.sourceNamespace);
  if (refusal) throw new AppError('VALIDATION', refusal);
  signal?.throwIfAborted();
  const created = await kubeRequest<VeleroRestore>(kc, objectPath(VELERO_RESTORES, ns), { method: 'POST', body: restoreBody(options), deadlineMs: REQUEST_DEADLINE_MS, signal });
  if (created.status !== 201) throw kubeStatusError(`creating a Velero Restore of "${options.backupName}" in ${ns}`, created.status, created.body);
  const name = created.body.metadata?.name ?? '';
  options.onStarted?.(name, created.body.metadata?.uid);
  const label = `Velero Restore "${name}" in ${ns}`;
  const pollMs = options.pollMs ?? 1000;
  const pickupTimeoutMs = options.pickupTimeoutMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const t0 = Date.now();
  let last = '';
  for (;;) {
    const res = await kubeRequest<VeleroRestore>(kc, objectPath(VELERO_RESTORES, ns, name), { deadlineMs: REQUEST_DEADLINE_MS, signal });
    if (res.status === 404) throw new AppError('NOT_FOUND', `${label} was deleted before it finished`);
    if (res.status !== 200) throw kubeStatusError(`reading ${label}`, res.status, res.body);
    const restore = res.body;
    const { phase, done, total } = restoreProgress(restore);
    const now = `${phase} ${done}/${total}`;
    if (now !== last) options.onProgress?.(done, total, phase);
    last = now;
    if (phase === 'FailedValidation') throw new AppError('VALIDATION', `Velero refused ${label}: ${(restore.status?.validationErrors ?? []).join('; ') || 'no reason given'}`);
    if (FINISHED_RESTORE_PHASES.includes(phase)) return resultOf(name, restore, backup);
    const waited = Date.now() - t0;
    if (phase === 'New' && waited > pickupTimeoutMs)
      throw new AppError('TIMEOUT', `Velero did not take up ${label} within ${Math.round(pickupTimeoutMs / 1000)} s: is its server running, watching namespace ${ns}?`);
    if (waited > timeoutMs) throw new AppError('TIMEOUT', `${label} had not finished after ${Math.round(timeoutMs / 60_000)} min (it is ${phase}, ${done} of ${total} items)`);
    // The timer's own AbortError says nothing; the signal's reason (who cancelled) does.
    await sleep(pollMs, undefined, { signal }).catch(() => signal?.throwIfAborted());
  }
}

/**
 * Deletes a Restore (a drill's cleanup): Velero removes its logs and results
 * from the bucket, then its finalizer, so it lingers while no Velero server
 * runs. What it restored stays: that is the drill namespace's to remove.
 * A Restore already gone is not an error.
 */
export async function deleteVeleroRestore(kc: KubeConfig, veleroNamespace: string, name: string, signal?: AbortSignal): Promise<void> {
  const res = await kubeRequest(kc, objectPath(VELERO_RESTORES, veleroNamespace, name), { method: 'DELETE', deadlineMs: REQUEST_DEADLINE_MS, signal });
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw kubeStatusError(`deleting Velero Restore "${name}" in ${veleroNamespace}`, res.status, res.body);
}

function resultOf(name: string, restore: VeleroRestore, backup: VeleroBackup): VeleroRestoreResult {
  const { phase, done, total } = restoreProgress(restore);
  const s = restore.status ?? {};
  const takenAt = backupTakenAt(backup);
  return {
    name,
    phase,
    warnings: s.warnings ?? 0,
    errors: s.errors ?? 0,
    ...(s.failureReason ? { failureReason: s.failureReason } : {}),
    itemsRestored: done,
    totalItems: total,
    ...(takenAt ? { backupTakenAt: takenAt } : {}),
    ...(s.startTimestamp ? { startedAt: s.startTimestamp } : {}),
    ...(s.completionTimestamp ? { completedAt: s.completionTimestamp } : {}),
  };
}
