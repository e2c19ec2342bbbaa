/**
 * Velero's Backups, Schedules and Restores on one connection, in every
 * namespace (Velero keeps them in its own, `velero` unless installed
 * elsewhere, and a cluster may run more than one), where its CRDs are served.
 */
import type { VeleroOverview } from '../../../../shared/contract/drills';
import { AppError } from '../../../../shared/result';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import { listNewest } from '../../pipelines/runs/runLists';
import { backupRow, restoreRow, scheduleRow, VELERO_BACKUPS, VELERO_RESTORES, VELERO_SCHEDULES, type VeleroBackup, type VeleroRestore, type VeleroSchedule } from './veleroShapes';

/** Most objects of each kind listed, the newest kept: hourly backups kept a month are 720 per Schedule. */
export const MAX_VELERO_OBJECTS = 1000;

/**
 * Whether the connection's cluster serves Velero's Backups. The last
 * discovery answers when it lists them; otherwise the server is asked (Velero
 * installed since), so a cluster without Velero costs one discovery per call.
 */
export async function veleroInstalled(access: Pick<KubeAccess, 'resolve'>, connectionId: string): Promise<boolean> {
  try {
    await access.resolve(connectionId, VELERO_BACKUPS);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return false;
    throw err;
  }
}

/**
 * `installed: false` when the cluster does not serve velero.io; otherwise its
 * Backups, Schedules and Restores in every namespace, newest first, at most
 * {@link MAX_VELERO_OBJECTS} of each. A list refused (403) fails the call
 * with the server's words.
 */
export async function veleroOverview(access: Pick<KubeAccess, 'config' | 'resolve'>, connectionId: string, signal?: AbortSignal): Promise<VeleroOverview> {
  if (!(await veleroInstalled(access, connectionId))) return { installed: false };
  const kc = await access.config(connectionId);
  const [backups, schedules, restores] = await Promise.all([
    listNewest(kc, VELERO_BACKUPS, undefined, (o) => backupRow(o as VeleroBackup), MAX_VELERO_OBJECTS, signal),
    listNewest(kc, VELERO_SCHEDULES, undefined, (o) => scheduleRow(o as VeleroSchedule), MAX_VELERO_OBJECTS, signal),
    listNewest(kc, VELERO_RESTORES, undefined, (o) => restoreRow(o as VeleroRestore), MAX_VELERO_OBJECTS, signal),
  ]);
  return { installed: true, backups: backups.items, schedules: schedules.items, restores: restores.items };
}
