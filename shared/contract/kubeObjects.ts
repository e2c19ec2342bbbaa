import { z } from 'zod';
import { KubeName as Name, KubeNamespace as Namespace, ResourceRef, ServedResourceRef } from './kubeResources';

const ConnectionId = z.string().min(1).max(64);

/** One object of one cluster, addressed. `namespace` is absent for cluster-scoped objects. */
export const ObjectRef = z
  .object({
    connectionId: ConnectionId,
    resource: ResourceRef,
    namespace: Namespace.optional(),
    name: Name,
  })
  .strict();
export type ObjectRef = z.infer<typeof ObjectRef>;

/** One link up an object's owner chain (Pod → ReplicaSet → Deployment). */
export const OwnerLink = z.object({
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  namespace: z.string().optional(),
  /** The owner's resource, when discovery knows it, so the UI can open it. */
  resource: ServedResourceRef.optional(),
  /** The owner reference points at an object that no longer exists, or that we may not read. */
  unresolved: z.enum(['missing', 'forbidden']).optional(),
});
export type OwnerLink = z.infer<typeof OwnerLink>;

/** A pod's container, for the log view's container choice. */
export const ContainerInfo = z.object({
  name: z.string(),
  kind: z.enum(['init', 'main', 'ephemeral']),
  image: z.string(),
  ready: z.boolean(),
  restartCount: z.number().int(),
  /** "running", "waiting: CrashLoopBackOff", "terminated: Error (exit 1)". */
  state: z.string(),
  /** A previous instance exists, so its logs can be read. */
  hasPrevious: z.boolean(),
  ports: z.array(z.object({ name: z.string().optional(), containerPort: z.number().int(), protocol: z.string() })),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

/** A Node's resources, conditions and taints, for its detail. */
export const NodeFacts = z.object({
  /** cpu, memory, pods, GPUs and MIG profiles first, then the rest by name. */
  resources: z.array(z.object({ name: z.string(), capacity: z.string().optional(), allocatable: z.string().optional() })),
  conditions: z.array(
    z.object({ type: z.string(), status: z.string(), reason: z.string().optional(), message: z.string().optional(), since: z.string().optional() }),
  ),
  taints: z.array(z.object({ key: z.string(), value: z.string().optional(), effect: z.string() })),
  /** Pods assigned to it (as its table's Pods column counts), and how many of those have not finished; absent when they could not be counted. */
  pods: z.object({ assigned: z.number().int(), unfinished: z.number().int() }).optional(),
  /** Why the pods could not be counted ("no access to list pods", a timeout). */
  podsProblem: z.string().optional(),
});
export type NodeFacts = z.infer<typeof NodeFacts>;

/**
 * One object as the detail view shows it. `yaml` has managedFields removed and,
 * for Secrets, every value replaced by a placeholder: values cross only through
 * `kube.revealSecret`.
 */
export const ObjectDetail = z.object({
  uid: z.string(),
  kind: z.string(),
  apiVersion: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  resourceVersion: z.string(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  yaml: z.string(),
  /** Direct owner first, then its owner, and so on. */
  owners: z.array(OwnerLink),
  /** Pods only. */
  containers: z.array(ContainerInfo).optional(),
  /** Pods only: the node it runs on. */
  nodeName: z.string().optional(),
  /** Scalable kinds (Deployments, StatefulSets, ReplicaSets, anything with a scale subresource): desired replicas now. */
  replicas: z.number().int().optional(),
  /** Nodes only. */
  unschedulable: z.boolean().optional(),
  /** Nodes only. */
  node: NodeFacts.optional(),
  /** Secrets only: the keys, never the values. */
  secretKeys: z.array(z.object({ key: z.string(), bytes: z.number().int() })).optional(),
});
export type ObjectDetail = z.infer<typeof ObjectDetail>;

/** An event that concerns one object. */
export const ObjectEvent = z.object({
  uid: z.string(),
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  count: z.number().int(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
  source: z.string().optional(),
});
export type ObjectEvent = z.infer<typeof ObjectEvent>;

/** A pod related to the object: selected by a workload or Service, or scheduled on a node. */
export const RelatedPod = z.object({
  uid: z.string(),
  name: z.string(),
  namespace: z.string(),
  /** kubectl's STATUS column. */
  status: z.string(),
  ready: z.string(),
  restarts: z.number().int(),
  node: z.string().optional(),
  created: z.string().optional(),
});
export type RelatedPod = z.infer<typeof RelatedPod>;

export const RelatedPods = z.object({
  pods: z.array(RelatedPod),
  /** How the pods were chosen, e.g. "app=ranker" or "on node gpu-1"; absent when the kind has no pods. */
  selector: z.string().optional(),
  /** More pods matched than were returned. */
  truncated: z.boolean(),
});

/** A Secret's values, revealed on request (audited). Non-UTF-8 values stay base64. */
export const RevealedSecret = z.object({
  values: z.array(z.object({ key: z.string(), value: z.string(), encoding: z.enum(['utf8', 'base64']) })),
});

/** Something the UI may offer on an object; checked with SelfSubjectAccessReview. */
export const ObjectAction = z.enum(['delete', 'scale', 'restart', 'rollback', 'cordon', 'drain', 'portForward', 'logs', 'reveal', 'exec', 'edit']);
export type ObjectAction = z.infer<typeof ObjectAction>;

export const Permission = z.object({
  allowed: z.boolean(),
  /** Why not, in words a person can act on: "team-a-reader may not delete pods in team-a". */
  reason: z.string().optional(),
});
export type Permission = z.infer<typeof Permission>;

export const PermissionsParams = z
  .object({
    connectionId: ConnectionId,
    resource: ResourceRef,
    namespace: Namespace.optional(),
    name: Name.optional(),
    actions: z.array(ObjectAction).min(1).max(8),
  })
  .strict();
/** Only the actions asked for, and only those that apply to the resource. */
export const Permissions = z.record(z.string(), Permission);

export const FindParams = z
  .object({
    connectionId: ConnectionId,
    /** Part of a name, matched case-insensitively. */
    text: z.string().min(1).max(253),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export const FoundObject = z.object({
  resource: ServedResourceRef,
  kind: z.string(),
  uid: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});
export type FoundObject = z.infer<typeof FoundObject>;
export const FindResult = z.object({
  matches: z.array(FoundObject),
  /** False while some of the searched resources are still being listed: ask again shortly. */
  complete: z.boolean(),
});

/** Preconditions: act only if the object is still the one (uid) and in the state the caller saw; otherwise CONFLICT, nothing changed. */
const Preconditions = { ifUid: z.string().max(64).optional() };
export const DeleteParams = ObjectRef.extend({
  /** What happens to dependents; Background is kubectl's default. */
  propagation: z.enum(['Background', 'Foreground', 'Orphan']).default('Background'),
  /** 0 deletes at once (a stuck pod); absent uses the object's own grace period. */
  gracePeriodSeconds: z.number().int().min(0).max(86_400).optional(),
  /** The uid of the row the user confirmed: a namesake created since (a StatefulSet's pod) is left alone. */
  ...Preconditions,
}).strict();
export const ScaleParams = ObjectRef.extend({
  replicas: z.number().int().min(0).max(100_000),
  ...Preconditions,
  /** Scale only if it runs this many replicas now (an undo must not fight an autoscaler or a colleague). */
  ifReplicas: z.number().int().min(0).optional(),
}).strict();
export const ScaleResult = z.object({ before: z.number().int(), after: z.number().int() });
export const RestartResult = z.object({ restartedAt: z.string() });
export const CordonParams = ObjectRef.extend({
  unschedulable: z.boolean(),
  ...Preconditions,
  /** Change it only if it is cordoned (true) or schedulable (false) now. */
  ifUnschedulable: z.boolean().optional(),
}).strict();

/** A pod on a node, with what a drain judges it by (see shared/kubeDrain.ts). */
export const DrainPod = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  /** Its controller's kind ("ReplicaSet", "DaemonSet", "Node" for a mirror pod); absent when nothing controls it. */
  controller: z.string().optional(),
  /** The mirror of a static pod (annotation kubernetes.io/config.mirror): the kubelet runs it, the API cannot evict it. */
  mirror: z.boolean(),
  /** Mounts an emptyDir volume, whose data goes with the pod. */
  emptyDir: z.boolean(),
  /** Succeeded or Failed: nothing runs any more. */
  finished: z.boolean(),
  /** Controlled by a DaemonSet that no longer exists (asked for, answered 404): kubectl drains it only with --force. */
  orphanedDaemonSet: z.boolean().optional(),
});
export type DrainPod = z.infer<typeof DrainPod>;

/** The pods on a node, for the drain dialog to say what a drain would do. */
export const DrainPlan = z.object({ pods: z.array(DrainPod) });
export type DrainPlan = z.infer<typeof DrainPlan>;

/** What kubectl drain's flags decide: which pods a drain may remove, and which it leaves. */
export const DrainChoices = z.object({
  /** Evict pods with emptyDir volumes, losing that data (`--delete-emptydir-data`). */
  deleteEmptyDirData: z.boolean().default(false),
  /** Delete pods no controller would recreate, those whose DaemonSet is gone among them (`--force`). */
  force: z.boolean().default(false),
  /** Leave DaemonSet pods where they are (`--ignore-daemonsets`); otherwise they stop the drain. */
  ignoreDaemonSets: z.boolean().default(true),
});
export type DrainChoices = z.infer<typeof DrainChoices>;

/** The most a drain waits for its evictions and for the pods to leave. */
export const DRAIN_TIMEOUT_MAX_SECONDS = 3_600;

/** `kubectl drain`: cordon the node, then evict its pods, honouring PodDisruptionBudgets. */
export const DrainParams = ObjectRef.extend({
  ...DrainChoices.shape,
  /** How long to keep retrying evictions a PodDisruptionBudget forbids and to wait for the pods to leave, in all. */
  timeoutSeconds: z.number().int().min(1).max(DRAIN_TIMEOUT_MAX_SECONDS).default(300),
  /** Each pod's termination grace period; absent uses the pod's own. */
  gracePeriodSeconds: z.number().int().min(0).max(86_400).optional(),
}).strict();
export const DrainStarted = z.object({ taskId: z.string() });
