/**
 * Waiting until a restored namespace's workloads are ready, by listing each
 * workload kind in the namespace about once a second (seven lists a poll,
 * whatever the number of objects; a watch per kind would need six streams
 * kept open for a wait of seconds to minutes).
 *
 * Ready means what `kubectl rollout status` waits for, and for the rest:
 * - Deployment: the controller saw the current generation, and updated,
 *   ready and available replicas all equal `spec.replicas`;
 * - StatefulSet: seen, ready and available (and, under RollingUpdate,
 *   updated) replicas equal `spec.replicas`;
 * - DaemonSet: seen, and ready, updated and available pods equal the desired number;
 * - ReplicaSet not owned by a Deployment: seen, ready and available equal `spec.replicas`;
 * - Job not owned by a CronJob: Complete, or running with at least one ready
 *   pod (a long-running worker Job serves while it runs; waiting for it to
 *   finish would fold its run time into the RTO). A Failed Job never becomes ready;
 * - PersistentVolumeClaim: Bound;
 * - Pod no controller owns (a bare Pod the backup kept, restored as it was):
 *   Ready, or Succeeded. A Failed one never becomes ready.
 *
 * Every such workload of the namespace is waited for, so a drill into a
 * namespace that existed waits for what was there too: it is part of what
 * must run for the restored workloads to serve.
 *
 * A wait ends with a result, never an exception: when everything is ready,
 * when what is not ready can no longer become so (a Job that failed, a
 * Deployment past its progress deadline), or at the timeout.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResourceRef } from '../../../../shared/contract';
import { objectPath } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model/kubeObject';
import { messageOf } from './drillObjects';

/** The kinds waited for, and the resource each is listed through. */
export const WORKLOAD_KINDS: { kind: WorkloadKind; ref: ResourceRef }[] = [
  { kind: 'Deployment', ref: { group: 'apps', version: 'v1', resource: 'deployments' } },
  { kind: 'StatefulSet', ref: { group: 'apps', version: 'v1', resource: 'statefulsets' } },
  { kind: 'DaemonSet', ref: { group: 'apps', version: 'v1', resource: 'daemonsets' } },
  { kind: 'ReplicaSet', ref: { group: 'apps', version: 'v1', resource: 'replicasets' } },
  { kind: 'Job', ref: { group: 'batch', version: 'v1', resource: 'jobs' } },
  { kind: 'PersistentVolumeClaim', ref: { group: '', version: 'v1', resource: 'persistentvolumeclaims' } },
  { kind: 'Pod', ref: { group: '', version: 'v1', resource: 'pods' } },
];

/** A kind a drill waits for. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'PersistentVolumeClaim' | 'Pod';

/** Whether one workload is ready, and in words why (not). */
export interface Readiness {
  ready: boolean;
  /** "2/3 ready", "Bound", "failed: BackoffLimitExceeded". */
  reason: string;
  /** It can no longer become ready without someone changing it. */
  final?: boolean;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface WorkloadObject extends KubeObject {
  spec?: { replicas?: number; suspend?: boolean; updateStrategy?: { type?: string } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    active?: number;
    ready?: number;
    succeeded?: number;
    phase?: string;
    reason?: string;
    conditions?: Condition[];
  };
}

const condition = (obj: WorkloadObject, type: string) => obj.status?.conditions?.find((c) => c.type === type && c.status === 'True');
const seen = (obj: WorkloadObject) => (obj.status?.observedGeneration ?? 0) >= (obj.metadata?.generation ?? 0) && obj.status?.observedGeneration !== undefined;

/** Whether a listed workload of `kind` is ready, by the rules of the module's comment. */
export function workloadReadiness(kind: WorkloadKind, listed: KubeObject): Readiness {
  const obj = listed as WorkloadObject;
  const s = obj.status ?? {};
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const want = obj.spec?.replicas ?? 1;
      if (!seen(obj)) return { ready: false, reason: 'not yet seen by its controller' };
      const ready = s.readyReplicas ?? 0;
      // StatefulSets report availableReplicas from Kubernetes 1.22 on; before, ready is what there is.
      const available = s.availableReplicas ?? (kind === 'StatefulSet' ? ready : 0);
      const checksUpdated = kind === 'Deployment' || (kind === 'StatefulSet' && obj.spec?.updateStrategy?.type !== 'OnDelete');
      const updated = checksUpdated ? (s.updatedReplicas ?? 0) : want;
      if (ready === want && available === want && updated === want && (s.replicas ?? 0) <= want) return { ready: true, reason: `${ready}/${want} ready` };
      const stuck = kind === 'Deployment' ? obj.status?.conditions?.find((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded') : undefined;
      const detail = `${ready}/${want} ready, ${available} available${checksUpdated ? `, ${updated} updated` : ''}`;
      return stuck ? { ready: false, reason: `${detail}: progress deadline exceeded`, final: true } : { ready: false, reason: detail };
    }
    case 'DaemonSet': {
      if (!seen(obj) || s.desiredNumberScheduled === undefined) return { ready: false, reason: 'not yet seen by its controller' };
      const want = s.desiredNumberScheduled;
      const ready = s.numberReady ?? 0;
      if (ready === want && (s.updatedNumberScheduled ?? 0) === want && (s.numberAvailable ?? 0) === want) return { ready: true, reason: want ? `${ready}/${want} ready` : 'no node to run on' };
      return { ready: false, reason: `${ready}/${want} ready, ${s.numberAvailable ?? 0} available, ${s.updatedNumberScheduled ?? 0} updated` };
    }
    case 'Job': {
      if (condition(obj, 'Complete')) return { ready: true, reason: 'complete' };
      const failed = condition(obj, 'Failed');
      if (failed) return { ready: false, reason: `failed: ${failed.reason ?? failed.message ?? 'see its pods'}`, final: true };
      if (obj.spec?.suspend) return { ready: true, reason: 'suspended, as archived' };
      if ((s.ready ?? 0) >= 1) return { ready: true, reason: `running, ${s.ready} ready` };
      return { ready: false, reason: `${s.active ?? 0} active, none ready yet` };
    }
    case 'PersistentVolumeClaim':
      return s.phase === 'Bound' ? { ready: true, reason: 'Bound' } : { ready: false, reason: s.phase ?? 'Pending' };
    case 'Pod': {
      if (s.phase === 'Succeeded') return { ready: true, reason: 'completed' };
      if (s.phase === 'Failed') return { ready: false, reason: `failed: ${s.reason ?? 'see its containers'}`, final: true };
      if (condition(obj, 'Ready')) return { ready: true, reason: 'Ready' };
      const notReady = obj.status?.conditions?.find((c) => c.type === 'Ready');
      return { ready: false, reason: `${s.phase ?? 'Pending'}, not ready${notReady?.reason ? `: ${notReady.reason}` : ''}` };
    }
  }
}

/** True when the workload is waited for: ReplicaSets a Deployment owns, Jobs a CronJob owns and Pods any controller owns are their owners' business. */
export function isWaitedFor(kind: WorkloadKind, obj: KubeObject): boolean {
  if (kind !== 'ReplicaSet' && kind !== 'Job' && kind !== 'Pod') return true;
  return !obj.metadata?.ownerReferences?.some((r) => r.controller);
}

/** One workload's state at the end of the wait. */
export interface WorkloadState {
  kind: WorkloadKind;
  name: string;
  ready: boolean;
  reason: string;
  /** When it was first seen ready (ms since the epoch). */
  readyAt?: number;
}

/** How a wait ended. */
export interface ReadyResult {
  /** Every workload was ready at one poll. */
  allReady: boolean;
  /** When that poll was (ms since the epoch): the end of the RTO. */
  allReadyAt?: number;
  workloads: WorkloadState[];
  /** What never became ready, with why. */
  notReady: WorkloadState[];
  /** How the wait ended, in a sentence for the timeline. */
  summary: string;
}

/** What {@link waitReady} is told. */
export interface WaitReadyOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Between polls; default 1 s. */
  intervalMs?: number;
  /** After each poll: how many of how many are ready, and the first few not ready. */
  onProgress?: (ready: number, total: number, notReady: WorkloadState[]) => void;
  /** The clock; tests give their own. */
  now?: () => number;
}

const label = (w: Pick<WorkloadState, 'kind' | 'name'>) => `${w.kind} ${w.name}`;

/** "Deployment web (1/2 ready), Job migrate (failed: BackoffLimitExceeded)", the first few. */
export function describeNotReady(notReady: WorkloadState[], max = 10): string {
  const named = notReady.slice(0, max).map((w) => `${label(w)} (${w.reason})`);
  return named.join(', ') + (notReady.length > max ? ` and ${notReady.length - max} more` : '');
}

/**
 * Polls the namespace's workloads until all are ready, or what is not can
 * no longer be, or `timeoutMs` has passed (see the module's comment). A
 * cancel ends it with the signal's reason; a failed list is retried at the
 * next poll and named in the result if the wait ends on it.
 */
export async function waitReady(kc: KubeConfig, namespace: string, options: WaitReadyOptions): Promise<ReadyResult> {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 1000;
  const deadline = now() + options.timeoutMs;
  const readyAt = new Map<string, number>();
  let workloads: Polled[] = [];
  let lastError: string | undefined;

  for (;;) {
    options.signal?.throwIfAborted();
    const polledAt = now();
    try {
      workloads = await poll(kc, namespace, options.signal);
      lastError = undefined;
    } catch (err) {
      if (options.signal?.aborted) throw err;
      lastError = messageOf(err);
    }
    for (const w of workloads) {
      if (w.ready && !readyAt.has(label(w))) readyAt.set(label(w), polledAt);
      w.readyAt = readyAt.get(label(w));
    }
    const notReady = workloads.filter((w) => !w.ready);
    options.onProgress?.(workloads.length - notReady.length, workloads.length, notReady);
    const finish = (summary: string, allReady: boolean): ReadyResult => ({
      allReady,
      ...(allReady ? { allReadyAt: polledAt } : {}),
      workloads: workloads.map(({ kind, name, ready, reason, readyAt: at }) => ({ kind, name, ready, reason, ...(at !== undefined ? { readyAt: at } : {}) })),
      notReady: notReady.map(({ kind, name, ready, reason }) => ({ kind, name, ready, reason })),
      summary,
    });
    if (lastError === undefined && !notReady.length) {
      return finish(workloads.length ? `All ${workloads.length} workload${workloads.length === 1 ? '' : 's'} ready` : 'The namespace has no workload to wait for', true);
    }
    if (lastError === undefined && notReady.every((w) => w.final)) {
      return finish(`${notReady.length} workload${notReady.length === 1 ? '' : 's'} cannot become ready: ${describeNotReady(notReady)}`, false);
    }
    if (now() + interval > deadline) {
      const why = lastError ? `; the last poll failed: ${lastError}` : '';
      const seconds = Math.round(options.timeoutMs / 1000);
      return finish(
        notReady.length
          ? `${notReady.length} of ${workloads.length} workloads not ready after ${seconds} s: ${describeNotReady(notReady)}${why}`
          : `Readiness could not be read within ${seconds} s${why}`,
        false,
      );
    }
    await sleep(interval, undefined, { signal: options.signal });
  }
}

type Polled = WorkloadState & Pick<Readiness, 'final'>;

/** One poll: every waited-for workload of the namespace and its readiness. */
async function poll(kc: KubeConfig, namespace: string, signal: AbortSignal | undefined): Promise<Polled[]> {
  const lists = await Promise.all(
    WORKLOAD_KINDS.map(async ({ kind, ref }) => {
      const res = await kubeRequest<{ items?: WorkloadObject[] }>(kc, objectPath(ref, namespace), { signal, deadlineMs: 30_000 });
      if (res.status !== 200) throw kubeStatusError(`listing ${ref.resource} in ${namespace}`, res.status, res.body);
      return (res.body.items ?? [])
        .filter((obj) => isWaitedFor(kind, obj))
        .map((obj) => ({ kind, name: obj.metadata?.name ?? '', ...workloadReadiness(kind, obj) }));
    }),
  );
  return lists.flat();
}
