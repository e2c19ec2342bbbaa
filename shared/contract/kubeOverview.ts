import { z } from 'zod';
import { ServedResourceRef } from './kubeResources';

const ConnectionId = z.string().min(1).max(64);
const Count = z.number().int().min(0);

/** Which connection's cluster to sum up. */
export const OverviewParams = z.object({ connectionId: ConnectionId }).strict();

/**
 * How one part of the overview stands. `listing`: a first list it reads still
 * runs, so its figures are partial. `problems`: why a resource it reads cannot
 * be listed ("No access to list pods in all namespaces (403 Forbidden)"); a
 * part whose figures need that resource has no `value`, rather than zeros.
 */
function overviewPart<T extends z.ZodType>(value: T) {
  return z.object({ listing: z.boolean(), problems: z.array(z.string()), value: value.optional() });
}

/** A node that is not Ready, or is cordoned, with its status as the Nodes table shows it. */
export const NodeAttention = z.object({ name: z.string(), status: z.string() });

/** Nodes by readiness and cordon. */
export const NodeSummary = z.object({
  total: Count,
  ready: Count,
  /** NotReady, or no Ready condition at all (kubectl's Unknown). */
  notReady: Count,
  /** Unschedulable, whether Ready or not. */
  cordoned: Count,
  /** The first few nodes that are not Ready or are cordoned, by name. */
  attention: z.array(NodeAttention),
});
export type NodeSummary = z.infer<typeof NodeSummary>;

/** Pods by phase; `runningNotReady` are counted among `running` too. */
export const PodSummary = z.object({
  total: Count,
  running: Count,
  runningNotReady: Count,
  pending: Count,
  succeeded: Count,
  failed: Count,
  unknown: Count,
});
export type PodSummary = z.infer<typeof PodSummary>;

/** Whole GPUs (`nvidia.com/gpu`), as the scheduler counts them. */
export const GpuSummary = z.object({
  /** Nodes that offer GPUs. */
  nodes: Count,
  /** The sum of the nodes' allocatable GPUs. */
  allocatable: Count,
  /** Requested by pods placed on those nodes that have not finished. */
  inUse: Count,
  /** Not in use, but on nodes that are not Ready or are cordoned: no new pod gets them. */
  unschedulable: Count,
  /** Requested by pods not yet placed on a node. */
  waiting: Count,
});
export type GpuSummary = z.infer<typeof GpuSummary>;

/** A Deployment, StatefulSet or DaemonSet with fewer available than desired, or whose rollout stalled. */
export const WorkloadAttention = z.object({
  resource: ServedResourceRef,
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  uid: z.string(),
  /** As its table's Status column says it: "ProgressDeadlineExceeded", "Unavailable", "2/3 available". */
  status: z.string(),
  available: Count,
  desired: Count,
  /** Progressing=False (ProgressDeadlineExceeded) or a ReplicaFailure: it will not get better by waiting. */
  stalled: z.boolean(),
});
export type WorkloadAttention = z.infer<typeof WorkloadAttention>;

/** Deployments, StatefulSets and DaemonSets: how many, and those that are not available. */
export const WorkloadSummary = z.object({
  /** Workloads looked at. */
  total: Count,
  /** Stalled first, then those with none available, then by how short they are. */
  notAvailable: z.array(WorkloadAttention),
  /** Further workloads not available, beyond those listed. */
  more: Count,
});
export type WorkloadSummary = z.infer<typeof WorkloadSummary>;

/** A recent Warning event, with kubectl's columns. */
export const RecentWarning = z.object({
  uid: z.string(),
  namespace: z.string().optional(),
  reason: z.string(),
  /** "pod/web-7d9f". */
  object: z.string(),
  message: z.string(),
  count: Count,
  /** When it last happened (ISO). */
  lastSeen: z.string().optional(),
});
export type RecentWarning = z.infer<typeof RecentWarning>;

/** Warning events: how many the cluster keeps, and the newest. */
export const WarningSummary = z.object({
  /** Warning events the cluster keeps (about the last hour, by default). */
  total: Count,
  /** The newest few, newest first. */
  recent: z.array(RecentWarning),
});
export type WarningSummary = z.infer<typeof WarningSummary>;

/** The cluster at a glance, computed in the services from the live caches. */
export const KubeOverview = z.object({
  /** False while a first list still runs: ask again shortly. */
  complete: z.boolean(),
  nodes: overviewPart(NodeSummary),
  pods: overviewPart(PodSummary),
  gpus: overviewPart(GpuSummary),
  workloads: overviewPart(WorkloadSummary),
  warnings: overviewPart(WarningSummary),
});
export type KubeOverview = z.infer<typeof KubeOverview>;
