/** Workloads (Deployments, StatefulSets, ReplicaSets, DaemonSets), their scale, Jobs and CronJobs. */
import { humanDuration } from './durations';
import type { KubeObject } from './kubeObject';

/** A condition of a workload's status: Deployments' Available, Progressing and ReplicaFailure; ReplicaSets' ReplicaFailure. */
export interface WorkloadCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** A Deployment, StatefulSet, ReplicaSet or DaemonSet: replica-set counts and daemon-set counts share one status. */
export interface WorkloadObject extends KubeObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    template?: { metadata?: { annotations?: Record<string, string> } };
    /** StatefulSets and DaemonSets; a StatefulSet's partition keeps the pods below it on the old revision. */
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: {
    observedGeneration?: number;
    conditions?: WorkloadCondition[];
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/** The kinds {@link workloadStatus} judges. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet';

/** Replicas (for a DaemonSet, nodes) wanted and available. */
function replicaCounts(kind: WorkloadKind, w: WorkloadObject): { desired: number; available: number; updated: number } {
  const st = w.status ?? {};
  if (kind === 'DaemonSet') return { desired: st.desiredNumberScheduled ?? 0, available: st.numberAvailable ?? 0, updated: st.updatedNumberScheduled ?? 0 };
  // StatefulSets report availableReplicas only since Kubernetes 1.22; ready is the closest before.
  const available = st.availableReplicas ?? (kind === 'StatefulSet' ? st.readyReplicas : undefined) ?? 0;
  return { desired: w.spec?.replicas ?? 1, available, updated: st.updatedReplicas ?? 0 };
}

/** Whether a rollout is under way, as `kubectl rollout status` would keep waiting. */
function rollingOut(kind: WorkloadKind, w: WorkloadObject, desired: number, updated: number): boolean {
  const st = w.status ?? {};
  // The controller has not yet acted on the latest spec (or on any, for one just created): the numbers are not the spec's.
  if ((w.metadata?.generation ?? 0) > (st.observedGeneration ?? 0)) return true;
  switch (kind) {
    case 'Deployment': {
      if (updated < desired || (st.replicas ?? 0) > updated) return true;
      // Once complete, the controller leaves Progressing at NewReplicaSetAvailable even if pods fail later: that is a shortfall, not a rollout.
      const progressing = st.conditions?.find((c) => c.type === 'Progressing');
      return progressing !== undefined && progressing.reason !== 'NewReplicaSetAvailable';
    }
    case 'StatefulSet': {
      const strategy = w.spec?.updateStrategy;
      if (strategy?.type === 'OnDelete') return false;
      return updated < desired - (strategy?.rollingUpdate?.partition ?? 0);
    }
    case 'DaemonSet':
      return w.spec?.updateStrategy?.type !== 'OnDelete' && updated < desired;
    case 'ReplicaSet':
      return false;
  }
}

/**
 * Whether a workload is where it should be, in words a table can sort and
 * filter by; the first that holds of: Terminating, ProgressDeadlineExceeded
 * (a Deployment's rollout stalled), a ReplicaFailure reason such as
 * FailedCreate (quota, admission), Scaled to 0 (No matching nodes for a
 * DaemonSet), Paused (with what is available when short), Progressing (a
 * rollout under way, a Recreate's gap and a new workload's first pods
 * included), Unavailable (none available), "2/3 available" (fewer than
 * wanted), Available. The condition reasons are Kubernetes' own, as
 * `kubectl describe` prints them.
 */
export function workloadStatus(kind: WorkloadKind, w: WorkloadObject): string {
  const conditions = w.status?.conditions ?? [];
  const condition = (type: string) => conditions.find((c) => c.type === type);
  if (w.metadata?.deletionTimestamp) return 'Terminating';
  const progressing = condition('Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') return 'ProgressDeadlineExceeded';
  const failure = condition('ReplicaFailure');
  if (failure?.status === 'True') return failure.reason || 'ReplicaFailure';
  const { desired, available, updated } = replicaCounts(kind, w);
  if (desired === 0) return kind === 'DaemonSet' ? 'No matching nodes' : 'Scaled to 0';
  if (kind === 'Deployment' && w.spec?.paused) return available < desired ? `Paused (${available}/${desired} available)` : 'Paused';
  if (rollingOut(kind, w, desired, updated)) return 'Progressing';
  if (available === 0) return 'Unavailable';
  if (available < desired) return `${available}/${desired} available`;
  return 'Available';
}

/** What {@link workloadStatus} says of a workload that is rolling out, short, paused or fine: everything but a stall. */
const PASSING_STATUS = /^(Terminating|Scaled to 0|No matching nodes|Paused( \(\d+\/\d+ available\))?|Progressing|Unavailable|\d+\/\d+ available|Available)$/;

/**
 * Whether a {@link workloadStatus} says the workload will not get better by
 * waiting: its rollout passed the progress deadline (Progressing=False), or
 * its controller cannot create pods (a ReplicaFailure reason such as FailedCreate).
 */
export function isStalledStatus(status: string): boolean {
  return !PASSING_STATUS.test(status);
}

/** The `scale` subresource (`autoscaling/v1` Scale) of anything that scales. */
export interface ScaleObject extends KubeObject {
  spec?: { replicas?: number };
}

/** A Job. */
export interface JobObject extends KubeObject {
  spec?: { completions?: number; parallelism?: number; suspend?: boolean };
  status?: {
    succeeded?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
}

/** A CronJob. */
export interface CronJobObject extends KubeObject {
  spec?: { schedule?: string; timeZone?: string; suspend?: boolean };
  status?: { active?: unknown[]; lastScheduleTime?: string };
}

/** Status (as kubectl ≥ 1.28 prints it), completions and, once finished, the duration. */
export function jobSummary(job: JobObject): { status: string; completions: string; duration: string | null } {
  const st = job.status ?? {};
  const isTrue = (type: string) => st.conditions?.find((c) => c.type === type && c.status === 'True');
  const failed = isTrue('Failed');
  let status = 'Running';
  if (job.metadata?.deletionTimestamp) status = 'Terminating';
  else if (isTrue('Complete')) status = 'Complete';
  else if (failed) status = 'Failed';
  else if (isTrue('FailureTarget')) status = 'FailureTarget';
  else if (isTrue('SuccessCriteriaMet')) status = 'SuccessCriteriaMet';
  else if (job.spec?.suspend) status = 'Suspended';
  const succeeded = st.succeeded ?? 0;
  const parallelism = job.spec?.parallelism ?? 1;
  const completions =
    job.spec?.completions !== undefined ? `${succeeded}/${job.spec.completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  // A running job's duration grows every second; rather than resend rows, it stays empty until the job ends (Age shows how long it has existed).
  const end = st.completionTime ?? failed?.lastTransitionTime;
  const duration = st.startTime && end ? humanDuration(Date.parse(end) - Date.parse(st.startTime)) : null;
  return { status, completions, duration };
}
