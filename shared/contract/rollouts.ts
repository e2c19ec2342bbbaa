import { z } from 'zod';
import { defineArea, method } from './area';
import { ObjectRef } from './kubeObjects';

/** One kept revision of a workload, as `kubectl rollout history` lists it, with what it ran. */
export const Revision = z.object({
  revision: z.number().int(),
  /** The ReplicaSet (Deployments) or ControllerRevision (StatefulSets, DaemonSets) that keeps it. */
  name: z.string(),
  /** `kubernetes.io/change-cause`, when someone recorded one. */
  changeCause: z.string().optional(),
  /** When the revision was made (ISO). */
  createdAt: z.string().optional(),
  /** Container images of its pod template, init containers first, as `container=image`. */
  images: z.array(z.string()),
  /** The revision the workload runs now. */
  current: z.boolean(),
  /** Pods of a Deployment's revision: its ReplicaSet's replicas and ready replicas. */
  pods: z.object({ replicas: z.number().int(), ready: z.number().int() }).optional(),
});
export type Revision = z.infer<typeof Revision>;

/** A Deployment's, StatefulSet's or DaemonSet's kept revisions, oldest first. */
export const RolloutHistory = z.object({
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
  revisions: z.array(Revision),
  /** `spec.revisionHistoryLimit`: how many old revisions the controller keeps (10 when unset). */
  historyLimit: z.number().int(),
});
export type RolloutHistory = z.infer<typeof RolloutHistory>;

export const RollbackParams = ObjectRef.extend({
  /** The kept revision to go back to; 0 for the one before the latest, as `kubectl rollout undo` does. */
  toRevision: z.number().int().min(0).max(2 ** 53 - 1).default(0),
  /** Only if the Deployment still runs this revision (an undo from the audit log checks it). */
  ifCurrentRevision: z.number().int().min(0).max(2 ** 53 - 1).optional(),
}).strict();
export type RollbackParams = z.infer<typeof RollbackParams>;

/** A rollback started as a task: follow it in the tray, its report gives the verdict. */
export const RollbackStarted = z.object({ taskId: z.string() });

/** The rollouts area: workload history and rollback; blue/green and canary build on them (#17). */
export const rolloutsContract = defineArea('rollouts', {
  methods: {
    /** A workload's kept revisions, as `kubectl rollout history` finds them: a Deployment's ReplicaSets, a StatefulSet's or DaemonSet's ControllerRevisions. */
    'rollouts.history': method(ObjectRef, RolloutHistory),
    /**
     * `kubectl rollout undo` of a Deployment as a task, audited (its undo rolls back to what ran before): refused when paused,
     * skipped when it already runs that template, dry-run first, CONFLICT when it changed meanwhile; then followed to a
     * verdict, complete or stalled past its progress deadline.
     */
    'rollouts.rollback': method(RollbackParams, RollbackStarted),
  },
});
