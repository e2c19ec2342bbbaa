/**
 * A drill of a Velero Backup: Velero itself restores the namespace into the
 * drill namespace (a Restore with a namespace mapping, on the cluster it
 * runs on), and the drill judges what it made like any other: ready, the
 * user's checks, RTO and RPO, then the drill namespace deleted. Velero's own
 * count of items restored stands in for the archive's kinds and counts.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../../../shared/result';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model/kubeObject';
import { DRILL_LABEL, type CreatedRef } from '../drill/drillObjects';
import type { DrillRestorer } from '../drill/drillRun';
import { runUserChecks } from '../drill/verify';
import { readVeleroBackup, startVeleroRestore, type VeleroRestoreResult } from './veleroRestore';
import { backupRefusal, VELERO_RESTORES, type VeleroBackup } from './veleroShapes';

/** The name of the check that Velero restored every item. */
export const VELERO_CHECK = 'Velero restore';

/** What a Velero drill restores and where. */
export interface VeleroDrillSource {
  drillId: string;
  /** The cluster Velero runs on: the Backup is read, and restored, there. */
  kc: KubeConfig;
  veleroNamespace: string;
  backupName: string;
  sourceNamespace: string;
  targetNamespace: string;
  /** Between two reads of the Restore; default 1 s. */
  pollMs?: number;
}

const namespaceRef = (name: string, uid?: string): CreatedRef => ({ group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', name, ...(uid ? { uid } : {}) });
const restoreRef = (namespace: string, name: string, uid?: string): CreatedRef => ({ ...VELERO_RESTORES, kind: 'Restore', namespace, name, ...(uid ? { uid } : {}) });

/**
 * The restorer of a Velero drill. The target namespace must not exist: Velero
 * would restore beside what is there, and the drill could not tell its
 * objects from those to clean up. Velero creates it; the drill records the
 * Restore (its cleanup waits until Velero has finished, which would
 * otherwise make the namespace again, then deletes it) and the namespace
 * once the Restore exists (a cleanup after a crash deletes it by name), and
 * the namespace again with its uid once it exists.
 */
export function veleroRestorer(source: VeleroDrillSource): DrillRestorer {
  const { kc, targetNamespace } = source;
  let outcome: VeleroRestoreResult | undefined;
  let backup: VeleroBackup | undefined;
  const namespacePath = `/api/v1/namespaces/${encodeURIComponent(targetNamespace)}`;
  return {
    async check(signal) {
      backup = await readVeleroBackup(kc, source.veleroNamespace, source.backupName, signal);
      const refusal = backupRefusal(backup, source.sourceNamespace);
      if (refusal) throw new AppError('VALIDATION', refusal);
      const existing = await kubeRequest(kc, namespacePath, { signal, deadlineMs: 30_000 });
      if (existing.status === 200) throw new AppError('CONFLICT', `Namespace ${targetNamespace} exists already: a Velero drill restores into a new namespace only, so that its cleanup deletes nothing else. Nothing was restored`);
      if (existing.status !== 404) throw kubeStatusError(`checking whether namespace ${targetNamespace} exists`, existing.status, existing.body);
      return [`Velero Backup ${source.backupName} is ${backup.status?.phase ?? 'New'}, started ${backup.status?.startTimestamp ?? 'at an unknown time'}`];
    },
    async restore({ signal, onCreated, onProgress }) {
      let restoreName = '';
      outcome = await startVeleroRestore(kc, {
        backupName: source.backupName,
        veleroNamespace: source.veleroNamespace,
        sourceNamespace: source.sourceNamespace,
        targetNamespace,
        labels: { [DRILL_LABEL]: source.drillId },
        signal,
        pollMs: source.pollMs,
        onStarted: (name, uid) => {
          restoreName = name;
          onCreated(restoreRef(source.veleroNamespace, name, uid));
          onCreated(namespaceRef(targetNamespace));
        },
        onProgress: (done, total, phase) => onProgress(done, total, `Velero: ${phase}`),
      });
      const made = await kubeRequest<KubeObject>(kc, namespacePath, { signal, deadlineMs: 30_000 });
      if (made.status === 200 && made.body.metadata?.uid) onCreated(namespaceRef(targetNamespace, made.body.metadata.uid));
      if (outcome.phase === 'Failed') throw new AppError('INTERNAL', `Velero Restore ${restoreName} failed: ${outcome.failureReason ?? 'Velero gave no reason'} (its log is in Velero's bucket until the drill's cleanup deletes the Restore: keep the drill to read it)`);
      return [
        `Velero Restore ${restoreName} ended ${outcome.phase}: ${outcome.itemsRestored} of ${outcome.totalItems} items, ${outcome.warnings} warnings, ${outcome.errors} errors`,
      ];
    },
    async verify({ signal, checks, onProgress }) {
      const restored = outcome!;
      // A PartiallyFailed backup left items out: a whole restore of it still restores less than the namespace held.
      const backupPhase = backup?.status?.phase ?? 'New';
      const backupErrors = backup?.status?.errors ?? 0;
      const backupWhole = backupPhase === 'Completed' && backupErrors === 0;
      const complete = backupWhole && restored.phase === 'Completed' && restored.errors === 0 && restored.itemsRestored === restored.totalItems;
      return [
        {
          name: VELERO_CHECK,
          passed: complete,
          detail:
            `${restored.phase}: ${restored.itemsRestored} of ${restored.totalItems} items restored, ${restored.warnings} warnings, ${restored.errors} errors (Velero's own count; its details are in its bucket until the drill's cleanup deletes the Restore).` +
            (backupWhole ? '' : ` The Velero Backup ${source.backupName} itself ended ${backupPhase} with ${backupErrors} error${backupErrors === 1 ? '' : 's'}: what it failed to back up was never restored.`),
        },
        ...(await runUserChecks(kc, targetNamespace, checks, { signal, onProgress })),
      ];
    },
  };
}
