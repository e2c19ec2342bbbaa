/**
 * When a guarded rollout trips: a pure judgement over successive reads of a
 * Deployment, so the watcher only reads, remembers and acts.
 *
 * A guard trips only while a rollout is in progress: the Deployment runs a
 * template other than the last one the guard saw complete. Availability lost
 * at a complete revision (a node gone, pods evicted) is not the rollout's
 * fault and a rollback would not bring it back, so it does not trip. Nor does
 * a paused Deployment (Kubernetes does not hold one to its progress deadline
 * and kubectl refuses to roll it back), nor a rollout back to the template
 * the guard saw complete, nor the guard's own rollback (tripping on that
 * would loop), nor a revision it already tripped on, nor a template it
 * tripped on that someone brought back (undoing the guard's rollback).
 *
 * Availability is judged against the Deployment's own strategy: a rolling
 * update may go down to desired − maxUnavailable, so only fewer than the
 * lower of that and the threshold trips; a Recreate rollout has no pods up
 * for a while by design, so only its progress deadline trips it. What the
 * guard remembers belongs to one object (its uid).
 */
import { createHash } from 'node:crypto';
import type { GuardState } from '../../../shared/contract';
import { rolloutProgress } from './rollback';
import { revisionOf, templateImages, withoutHash } from './rolloutHistory';

/** A Deployment as the guard reads it: with its uid and update strategy. */
export type GuardedDeployment = Parameters<typeof rolloutProgress>[0] & {
  spec?: { strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } } };
};

/** What a guard keeps between reads; all but `belowSince` is kept in the data file. */
export interface GuardMemory {
  /** The uid of the Deployment the rest is about: memory of another (deleted and created again) object is dropped. */
  uid?: string;
  /** The last revision seen complete. */
  stableRevision?: number;
  /** That revision's template fingerprint ({@link templateFingerprint}): a rollout back to it is never tripped on. */
  stableTemplate?: string;
  /** The last revision tripped on: it is never tripped on twice, and the next one (the guard's rollback) is not tripped on. */
  trippedRevision?: number;
  /** That revision's template fingerprint: a rollout back to it (someone undid the guard's rollback) is not tripped on again. */
  trippedTemplate?: string;
  /** When availability was first seen below the threshold in this rollout (ms since the epoch). */
  belowSince?: number;
}

/** A guard's threshold and grace. */
export interface GuardPolicy {
  minAvailablePercent: number;
  graceSeconds: number;
}

/**
 * Why and from which revision a guard rolls back. It rolls back to the
 * previous revision as the cluster has it when the rollback runs (kubectl's
 * `rollout undo`), held to `fromRevision`: never to a remembered number,
 * which revisions made while Pilothouse was closed would have made stale.
 */
export interface GuardTripDecision {
  fromRevision: number;
  reason: string;
}

/** The guard's judgement of one read: what it sees, what to remember, and whether to roll back. */
export interface GuardVerdict {
  state: Exclude<GuardState, 'starting' | 'unreadable'>;
  message: string;
  memory: GuardMemory;
  trip?: GuardTripDecision;
}

/** Object keys sorted at every level, so equal templates serialise alike whatever the server's key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}

/** A short fingerprint of a Deployment's pod template, without the controller's hash label. */
export function templateFingerprint(d: GuardedDeployment): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(withoutHash(d.spec?.template))))
    .digest('base64url');
}

/** The fewest available replicas the guard accepts during a rollout: the threshold's share of the desired replicas, rounded up. */
export function requiredAvailable(desired: number, minAvailablePercent: number): number {
  return Math.ceil((desired * minAvailablePercent) / 100);
}

/** A RollingUpdate bound as the controller resolves it: a count, or a percent of `desired` (rounded up or down). */
function resolveBound(value: number | string | undefined, desired: number, roundUp: boolean): number {
  const v = value ?? '25%';
  if (typeof v === 'number') return v;
  const percent = Number.parseInt(v, 10);
  if (!Number.isFinite(percent)) return 0;
  const exact = (desired * percent) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * The fewest available replicas a healthy rollout of this Deployment may
 * reach: desired − maxUnavailable (a percent rounded down, maxSurge rounded
 * up, and 1 unavailable when both are 0, as the controller resolves them).
 * Undefined for Recreate: every old pod goes before a new one starts, so
 * availability says nothing until its progress deadline.
 */
export function availabilityFloor(d: GuardedDeployment, desired: number): number | undefined {
  const strategy = d.spec?.strategy;
  if (strategy?.type === 'Recreate') return undefined;
  const surge = resolveBound(strategy?.rollingUpdate?.maxSurge, desired, true);
  let unavailable = resolveBound(strategy?.rollingUpdate?.maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return Math.max(0, desired - unavailable);
}

/** Judges one read of the Deployment at `now` (ms), given what the guard remembered from the reads before. */
export function judgeGuard(remembered: GuardMemory, d: GuardedDeployment, now: number, policy: GuardPolicy): GuardVerdict {
  const uid = d.metadata?.uid;
  // Memory of another object of the same name (deleted and created again) says nothing of this one.
  const recreated = remembered.uid !== undefined && remembered.uid !== uid;
  // A guard kept before uids were (migration 007) adopts this object: its memory is of it.
  const memory: GuardMemory = !recreated ? { ...remembered, ...(uid !== undefined ? { uid } : {}) } : uid !== undefined ? { uid } : {};
  const calm = { ...memory, belowSince: undefined };
  const revision = revisionOf(d);
  const progress = rolloutProgress(d);
  const counts = `${progress.available} of ${progress.desired} available`;
  if (d.spec?.paused) return { state: 'paused', message: `paused at revision ${revision ?? '?'} (${counts}): a paused Deployment is not rolled back`, memory: calm };
  // The controller has not seen the latest change: its status and revision still describe the one before.
  if ((d.metadata?.generation ?? 0) > (d.status?.observedGeneration ?? 0) || revision === undefined) {
    return { state: 'rollout', message: 'waiting for the controller to see the change', memory };
  }
  const template = templateFingerprint(d);
  if (progress.state === 'complete') {
    return { state: 'watching', message: `revision ${revision} complete: ${progress.message}`, memory: { ...calm, stableRevision: revision, stableTemplate: template } };
  }
  if (revision === memory.stableRevision) {
    return { state: 'watching', message: `revision ${revision}, ${counts}: no rollout in progress, so lost availability is not rolled back`, memory: calm };
  }
  if (revision === memory.trippedRevision) {
    return { state: 'tripped', message: `revision ${revision} tripped the guard already; it is not rolled back twice`, memory: calm };
  }
  if (template === memory.trippedTemplate) {
    const images = templateImages(d.spec?.template).join(', ');
    return {
      state: 'rollout',
      message: `not guarding the template of revision ${memory.trippedRevision ?? '?'} (${images}) again: it tripped the guard and you brought it back as revision ${revision}. ${progress.message}`,
      memory: calm,
    };
  }
  if (template === memory.stableTemplate) {
    return { state: 'rollout', message: `revision ${revision} rolls back to the template of revision ${memory.stableRevision}: ${progress.message}`, memory: calm };
  }
  // The controller numbers the guard's rollback latest + 1, and the rollback applies only while the tripped revision is the latest.
  if (memory.trippedRevision !== undefined && revision === memory.trippedRevision + 1) {
    return { state: 'rollout', message: `revision ${revision} is the guard's rollback of revision ${memory.trippedRevision}: ${progress.message}`, memory: calm };
  }
  if (memory.stableRevision === undefined) {
    const why = recreated ? 'the Deployment was deleted and created again since the guard last saw it complete' : 'no complete revision seen yet';
    return { state: 'rollout', message: `revision ${revision} rolling out (${progress.message}); ${why}, so it is not judged`, memory: calm };
  }

  const trip = (reason: string): GuardVerdict => ({
    state: 'tripped',
    message: `revision ${revision} ${reason}: rolling back to the revision before it`,
    memory: { ...calm, trippedRevision: revision, trippedTemplate: template },
    trip: { fromRevision: revision, reason },
  });
  if (progress.state === 'stalled') return trip(progress.message);
  const floor = availabilityFloor(d, progress.desired);
  if (floor === undefined) {
    return {
      state: 'rollout',
      message: `revision ${revision} rolling out (Recreate: the old pods go before the new start, so only its progress deadline trips the guard): ${progress.message}`,
      memory: calm,
    };
  }
  const required = requiredAvailable(progress.desired, policy.minAvailablePercent);
  // A rollout may go as low as its own strategy lets it: below that floor is a failure, above it is the rollout working.
  const limit = Math.min(required, floor);
  const limitWhy = limit < required ? `its strategy lets it go down to ${floor}` : `${policy.minAvailablePercent}%`;
  if (progress.available >= limit) return { state: 'rollout', message: `revision ${revision} rolling out: ${progress.message}`, memory: calm };
  const belowSince = memory.belowSince ?? now;
  const below = Math.floor((now - belowSince) / 1000);
  if (now - belowSince >= policy.graceSeconds * 1000) {
    return trip(`kept only ${counts} (fewer than ${limit}, ${limitWhy}) for ${below} s`);
  }
  return {
    state: 'rollout',
    message: `revision ${revision} rolling out: ${progress.message}; below ${limit} available (${limitWhy}) for ${below} of ${policy.graceSeconds} s`,
    memory: { ...memory, belowSince },
  };
}
