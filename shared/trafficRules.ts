/**
 * Rules of blue/green and canary pairs, shared by the services (which act
 * on them) and the Rollouts page (which says beforehand what will happen):
 * when a slot may take traffic, and a canary's weight as replicas (plain
 * Deployments behind one Service share its traffic by their ready pods).
 */
import type { PairSide } from './contract/rolloutTraffic';

/**
 * Why traffic cannot be switched to `target` yet; undefined once its
 * Deployment runs replicas and its rollout is complete (the services
 * judge it as `kubectl rollout status` does): all updated to its latest
 * template and available, so the Service sends to one template only, and not
 * to a Deployment whose rollout is stuck.
 */
export function slotNotAvailable(target: PairSide): string | undefined {
  const name = `Deployment ${target.deployment}`;
  if (target.paused) return `${name} is paused: resume it (kubectl rollout resume) and let it finish first`;
  if (target.replicas === 0) return `${name} runs no replicas: scale it up first, or the Service would send to nothing`;
  if (target.rollout.state === 'stalled') return `${name}'s rollout is stuck (${target.rollout.message}): fix it or roll it back first`;
  if (target.rollout.state !== 'complete') return `${name} is still rolling out (${target.rollout.message}): wait until it is complete`;
  return undefined;
}

/** Stable and canary replicas. */
export interface CanarySplit {
  stable: number;
  canary: number;
}

/**
 * `total` replicas split so the canary has `weight` percent of them, rounded
 * to the nearest replica; a weight strictly between 0 and 100 keeps one pod
 * on each side whenever there are two or more, so neither track vanishes by rounding.
 */
export function canarySplit(total: number, weight: number): CanarySplit {
  let canary = Math.round((total * weight) / 100);
  if (total >= 2 && weight > 0 && weight < 100) canary = Math.min(Math.max(canary, 1), total - 1);
  return { stable: total - canary, canary };
}

/** The canary's share of `split`, in percent; undefined when both are 0. */
export function canaryShare({ stable, canary }: CanarySplit): number | undefined {
  const total = stable + canary;
  return total === 0 ? undefined : (canary / total) * 100;
}
