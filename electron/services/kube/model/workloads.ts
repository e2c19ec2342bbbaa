/** Workloads (Deployments, StatefulSets, ReplicaSets, DaemonSets), their scale, Jobs and CronJobs. */
import { humanDuration } from './durations';
import type { KubeObject } from './kubeObject';

/** A Deployment, StatefulSet, ReplicaSet or DaemonSet: replica-set counts and daemon-set counts share one status. */
export interface WorkloadObject extends KubeObject {
  spec?: { replicas?: number; paused?: boolean; template?: { metadata?: { annotations?: Record<string, string> } } };
  status?: {
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
