/**
 * Guarded rollouts (#17): a Deployment Pilothouse watches while it runs and
 * rolls back by itself when a rollout misses its progress deadline or keeps
 * too few replicas available. Part of the rollouts area (./rollouts.ts lists
 * the methods and the event).
 */
import { z } from 'zod';
import { method } from './area';
import { ObjectRef } from './kubeObjects';
import { KubeName, KubeNamespace } from './kubeResources';

const ConnectionId = ObjectRef.shape.connectionId;

/** The guarded Deployment. */
export const GuardRef = z.object({ connectionId: ConnectionId, namespace: KubeNamespace, name: KubeName }).strict();
export type GuardRef = z.infer<typeof GuardRef>;

/**
 * Default least share of the desired replicas kept available during a rollout:
 * a rolling update with Kubernetes' default `maxUnavailable` (25%, rounded down)
 * never goes below it, so only a rollout that loses more trips. A Deployment
 * whose own strategy lets it go lower (desired − maxUnavailable, e.g. one
 * replica with maxSurge 0) trips only below that; a Recreate one never trips
 * on availability (it has no pods up for a while by design), only on its
 * progress deadline.
 */
export const DEFAULT_MIN_AVAILABLE_PERCENT = 75;
/** Default time availability may stay below the threshold before the guard trips: slow readiness on a surge is not a failure. */
export const DEFAULT_GRACE_SECONDS = 30;

export const AddGuardParams = GuardRef.extend({
  /**
   * Trips when fewer than this share of the desired replicas (rounded up), or than desired − maxUnavailable if
   * that is lower, stay available past the grace period; never for a Recreate Deployment.
   */
  minAvailablePercent: z.number().int().min(1).max(100).default(DEFAULT_MIN_AVAILABLE_PERCENT),
  graceSeconds: z.number().int().min(0).max(3600).default(DEFAULT_GRACE_SECONDS),
}).strict();
export type AddGuardParams = z.infer<typeof AddGuardParams>;

/**
 * Where a guard stands now. `starting`: not read since Pilothouse started;
 * `watching`: at a complete revision; `rollout`: a new revision is rolling
 * out; `paused`: the Deployment is paused (never rolled back); `tripped`:
 * its rollout tripped the guard and is rolled back, or the rollback failed;
 * `unreadable`: the Deployment could not be read (the message says why).
 */
export const GuardState = z.enum(['starting', 'watching', 'rollout', 'paused', 'tripped', 'unreadable']);
export type GuardState = z.infer<typeof GuardState>;

/** The guard's last trip: what it rolled back, and how the rollback ended. */
export const GuardTrip = z.object({
  /** When it tripped (ISO). */
  at: z.string(),
  fromRevision: z.number().int(),
  /**
   * The revision it rolled back to: the one before `fromRevision` as the cluster had it when the rollback ran
   * (kubectl's `rollout undo`); absent until the rollback task says.
   */
  toRevision: z.number().int().optional(),
  /** Why: "missed its progress deadline…", "only 1 of 4 replicas available…". */
  reason: z.string(),
  /** The rollback task, in the tray and the task history. */
  taskId: z.string(),
  /** The rollback task's end, once it has ended; absent while it runs (or when the history no longer has it). */
  outcome: z.object({ status: z.enum(['succeeded', 'failed', 'cancelled', 'interrupted']), message: z.string().optional() }).optional(),
});
export type GuardTrip = z.infer<typeof GuardTrip>;

/** A guarded Deployment, as the Guards tab shows it. */
export const RolloutGuard = GuardRef.extend({
  minAvailablePercent: z.number().int(),
  graceSeconds: z.number().int(),
  /** Who set it; its rollbacks are made as "guard (set by …)". */
  createdBy: z.string(),
  createdAt: z.string(),
  /** The last revision the guard saw complete (of this Deployment object: one created again starts afresh). */
  stableRevision: z.number().int().optional(),
  state: GuardState,
  /** What it sees now, in a sentence. */
  message: z.string(),
  /** When the Deployment was last read, or a read last failed (ISO). */
  checkedAt: z.string().optional(),
  /** When the Deployment was last read successfully (ISO). */
  readAt: z.string().optional(),
  /** Not read successfully for a while (since `readAt`, or since Pilothouse started): what it says may no longer hold. */
  stale: z.boolean().optional(),
  lastTrip: GuardTrip.optional(),
});
export type RolloutGuard = z.infer<typeof RolloutGuard>;

export const GuardsParams = z.object({ connectionId: ConnectionId }).strict();

/**
 * A guard tripped and started its rollback (`rollback: 'started'`), or that
 * rollback failed (`'failed'`, with why): the UI shows a toast, the desktop
 * app an OS notification.
 */
export const GuardTripped = GuardRef.extend({
  connectionName: z.string(),
  fromRevision: z.number().int(),
  /** The revision rolled back to, once known (a failed rollback's, when it got that far). */
  toRevision: z.number().int().optional(),
  reason: z.string(),
  taskId: z.string(),
  rollback: z.enum(['started', 'failed']),
  message: z.string().optional(),
});
export type GuardTripped = z.infer<typeof GuardTripped>;

/** The rollouts area's guard methods. */
export const guardMethods = {
  /** The connection's guarded Deployments, with what each sees now and its last trip. */
  'rollouts.guards': method(GuardsParams, z.object({ guards: z.array(RolloutGuard) })),
  /**
   * Guards a Deployment (it must exist; NOT_FOUND otherwise) or changes its guard's threshold and grace; audited, its undo
   * removes the guard. Kept in the data file: it guards again after a restart, while Pilothouse runs.
   */
  'rollouts.addGuard': method(AddGuardParams, RolloutGuard),
  /** Stops guarding a Deployment; audited, its undo guards it again with the same settings. NOT_FOUND when it was not guarded. */
  'rollouts.removeGuard': method(GuardRef, z.object({ removed: z.literal(true) })),
} as const;

/** The rollouts area's guard events. */
export const guardEvents = {
  'rollouts.guardTripped': GuardTripped,
} as const;
