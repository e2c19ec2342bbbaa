/**
 * Argo Rollouts (#17): the Rollouts of a cluster that serves
 * `rollouts.argoproj.io`, read as `kubectl argo rollouts get rollout` shows
 * them, and its plugin's promote / abort / retry / undo. Part of the
 * rollouts area (./rollouts.ts lists the methods).
 */
import { z } from 'zod';
import { method } from './area';
import { KubeName, KubeNamespace } from './kubeResources';
import { ObjectRef } from './kubeObjects';

const ConnectionId = ObjectRef.shape.connectionId;
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Names, messages and images come from the cluster: bounded so a hostile object cannot swell the answer. */
const Text = z.string().max(1024);
const Images = z.array(z.string().max(512)).max(64);

/** One step of a canary strategy: its kind and its value as the plugin prints it (`25` for setWeight 25, `10s` or `indefinite` for a pause). */
export const ArgoStep = z.object({
  kind: z.enum(['setWeight', 'pause', 'analysis', 'experiment', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin', 'unknown']),
  value: z.string().max(256).optional(),
});
export type ArgoStep = z.infer<typeof ArgoStep>;

/** A ReplicaSet of the Rollout, by its `rollout.argoproj.io/revision`. */
export const ArgoRevision = z.object({
  revision: Count,
  replicaSet: Text,
  /** `container=image`, init containers first. */
  images: Images,
  replicas: Count,
  available: Count,
  /** Its part now: `stable`, `canary` (the canary strategy), `active` or `preview` (blue/green). */
  role: z.enum(['stable', 'canary', 'active', 'preview']).optional(),
});
export type ArgoRevision = z.infer<typeof ArgoRevision>;

/** The phases the plugin's `get rollout` reports (its `GetRolloutPhase`). */
export const ArgoPhase = z.enum(['Healthy', 'Progressing', 'Paused', 'Degraded']);
export type ArgoPhase = z.infer<typeof ArgoPhase>;

/** One Rollout, as `kubectl argo rollouts get rollout` works it out. */
export const ArgoRollout = z.object({
  name: Text,
  namespace: Text,
  strategy: z.enum(['canary', 'blueGreen']),
  /** The canary steps, in order (none for blue/green). */
  steps: z.array(ArgoStep).max(256),
  /** `status.currentStepIndex`: the step it is at; the number of steps once all are done; absent without steps. */
  currentStepIndex: Count.optional(),
  phase: ArgoPhase,
  /** The phase's reason (`CanaryPauseStep`, `RolloutAborted: …`), empty when healthy. */
  message: Text,
  /** `status.abort`: aborted, back on the stable ReplicaSet until retried. */
  aborted: z.boolean(),
  /** `spec.paused`. */
  paused: z.boolean(),
  /** `status.stableRS` is `status.currentPodHash`: nothing is being rolled out, so there is nothing to abort (the controller would undo it). */
  fullyPromoted: z.boolean(),
  /** The canary's weight its steps set now, and the weight it has (from its available pods, or the traffic router), in percent of the maximum; canary only. */
  setWeight: Count.optional(),
  actualWeight: Count.optional(),
  replicas: z.object({ desired: Count, current: Count, updated: Count, ready: Count, available: Count }),
  /** Images of the stable ReplicaSet, and of the new one (the canary, or the blue/green preview) while it differs from stable and runs pods. */
  images: z.object({ stable: Images, canary: Images }),
  /** Images of `spec.template`: what it is rolling out to. */
  templateImages: Images,
  /** Its ReplicaSets, newest revision first. */
  revisions: z.array(ArgoRevision).max(256),
  /** `metadata.generation`: what an action sends back, so it acts only on the spec the user saw. */
  generation: Count,
  /** Its pod template comes from a `workloadRef` (a Deployment): undo changes that workload. */
  workloadRef: Text.optional(),
  /** Why this Rollout could not be read as the plugin reads it (its other figures are then empty): shown instead of it, acting on it is refused. */
  unreadable: Text.optional(),
});
export type ArgoRollout = z.infer<typeof ArgoRollout>;

/** Which connection, and which namespace (all when absent). */
export const ArgoRolloutsParams = z.object({ connectionId: ConnectionId, namespace: KubeNamespace.optional() }).strict();

/** Whether the cluster serves `rollouts.argoproj.io`, and its Rollouts sorted by namespace and name. */
export const ArgoRollouts = z.object({ available: z.boolean(), rollouts: z.array(ArgoRollout) });
export type ArgoRollouts = z.infer<typeof ArgoRollouts>;

const Generation = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** One Rollout, held to the spec the user saw: CONFLICT when its `metadata.generation` moved since. */
const RolloutAt = { connectionId: ConnectionId, namespace: KubeNamespace, name: KubeName, ifGeneration: Generation.optional() };

export const ArgoPromoteParams = z
  .object({
    ...RolloutAt,
    /** `--full`: skip the remaining steps, pauses and analysis. */
    full: z.boolean().default(false),
    /** Only if it is still at this step; CONFLICT otherwise. */
    ifCurrentStepIndex: Count.optional(),
  })
  .strict();
export type ArgoPromoteParams = z.infer<typeof ArgoPromoteParams>;

export const ArgoRolloutActionParams = z.object(RolloutAt).strict();
export type ArgoRolloutActionParams = z.infer<typeof ArgoRolloutActionParams>;

export const ArgoUndoParams = z
  .object({
    ...RolloutAt,
    /** The kept revision to take the pod template of; 0 for the one before the latest, as `kubectl argo rollouts undo` does. */
    toRevision: Count.default(0),
  })
  .strict();
export type ArgoUndoParams = z.infer<typeof ArgoUndoParams>;

/** An Argo Rollouts action started as a task: follow it in the tray, its report gives the verdict. */
export const ArgoTaskStarted = z.object({ taskId: z.string() });

/** The rollouts area's Argo Rollouts methods. */
export const argoRolloutsMethods = {
  /** The Rollouts of a connection (a namespace, or all) with their steps, step, weights, status, images and revisions; `available: false` when the cluster does not serve `rollouts.argoproj.io`. */
  'rollouts.argoRollouts': method(ArgoRolloutsParams, ArgoRollouts),
  /**
   * `kubectl argo rollouts promote [--full]` as an audited task: unpauses and clears the pause conditions (on the status
   * subresource), or with `full` sets `status.promoteFull`; CONFLICT when the Rollout moved since it was shown; then
   * followed to its next pause, Healthy or Degraded.
   */
  'rollouts.argoPromote': method(ArgoPromoteParams, ArgoTaskStarted),
  /**
   * `kubectl argo rollouts abort`: `status.abort` true, back on the stable ReplicaSet; audited (its undo retries), followed
   * until the controller reports it aborted (`status.abortedAt`); VALIDATION when it is fully promoted (nothing to abort).
   */
  'rollouts.argoAbort': method(ArgoRolloutActionParams, ArgoTaskStarted),
  /** `kubectl argo rollouts retry rollout` of an aborted Rollout: `status.abort` false; audited (its undo aborts again), followed until it progresses. */
  'rollouts.argoRetry': method(ArgoRolloutActionParams, ArgoTaskStarted),
  /** `kubectl argo rollouts undo [--to-revision]`: the Rollout takes a kept ReplicaSet's pod template (without its hash label); audited (its undo goes back), skipped when it already runs it. */
  'rollouts.argoUndo': method(ArgoUndoParams, ArgoTaskStarted),
} as const;
