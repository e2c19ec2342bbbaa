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
 * the guard saw complete (its own rollback: tripping on that would loop), nor
 * a revision it already tripped on.
 */
import { createHash } from 'node:crypto';
import type { GuardState } from '../../../shared/contract';
import { rolloutProgress } from './rollback';
import { revisionOf, withoutHash } from './rolloutHistory';

/** A Deployment as the guard reads it. */
export type GuardedDeployment = Parameters<typeof rolloutProgress>[0];

/** What a guard keeps between reads; all but `belowSince` is kept in the data file. */
export interface GuardMemory {
  /** The last revision seen complete: what a trip rolls back to. */
  stableRevision?: number;
  /** That revision's template fingerprint ({@link templateFingerprint}): a rollout back to it is never tripped on. */
  stableTemplate?: string;
  /** The last revision tripped on: it is never tripped on twice. */
  trippedRevision?: number;
  /** When availability was first seen below the threshold in this rollout (ms since the epoch). */
  belowSince?: number;
}

/** A guard's threshold and grace. */
export interface GuardPolicy {
  minAvailablePercent: number;
  graceSeconds: number;
}

/** Why and from where to where a guard rolls back. */
export interface GuardTripDecision {
  fromRevision: number;
  toRevision: number;
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

/** Judges one read of the Deployment at `now` (ms), given what the guard remembered from the reads before. */
export function judgeGuard(memory: GuardMemory, d: GuardedDeployment, now: number, policy: GuardPolicy): GuardVerdict {
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
  if (template === memory.stableTemplate) {
    return { state: 'rollout', message: `revision ${revision} rolls back to the template of revision ${memory.stableRevision}: ${progress.message}`, memory: calm };
  }
  if (memory.stableRevision === undefined) {
    return { state: 'rollout', message: `revision ${revision} rolling out (${progress.message}); no complete revision seen yet, so there is none to roll back to`, memory: calm };
  }
  if (revision === memory.trippedRevision) {
    return { state: 'tripped', message: `revision ${revision} tripped the guard already; it is not rolled back twice`, memory: calm };
  }

  const trip = (reason: string): GuardVerdict => ({
    state: 'tripped',
    message: `revision ${revision} ${reason}: rolling back to revision ${memory.stableRevision}`,
    memory: { ...calm, trippedRevision: revision },
    trip: { fromRevision: revision, toRevision: memory.stableRevision!, reason },
  });
  if (progress.state === 'stalled') return trip(progress.message);
  const required = requiredAvailable(progress.desired, policy.minAvailablePercent);
  if (progress.available >= required) return { state: 'rollout', message: `revision ${revision} rolling out: ${progress.message}`, memory: calm };
  const belowSince = memory.belowSince ?? now;
  const below = Math.floor((now - belowSince) / 1000);
  if (now - belowSince >= policy.graceSeconds * 1000) {
    return trip(`kept only ${counts} (fewer than ${required}, ${policy.minAvailablePercent}%) for ${below} s`);
  }
  return {
    state: 'rollout',
    message: `revision ${revision} rolling out: ${progress.message}; below ${policy.minAvailablePercent}% for ${below} of ${policy.graceSeconds} s`,
    memory: { ...memory, belowSince },
  };
}
