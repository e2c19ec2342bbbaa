/**
 * What a drain does with each pod on the node, decided as `kubectl drain`
 * does (k8s.io/kubectl/pkg/drain/filters.go), once: the drain dialog shows it
 * and the services act on it.
 */
import type { DrainChoices, DrainPod } from './contract/kubeObjects';

/** The option of the drain dialog that lets a refused pod go. */
export type DrainOption = 'deleteEmptyDirData' | 'force' | 'ignoreDaemonSets';

/** Why kubectl refuses a pod: each rule is let go by one option. */
export type DrainRule = DrainOption | 'orphanedDaemonSet';

/** What a drain does with one pod. */
export type DrainVerdict =
  /** Evicted; `warning` says what is lost with it (emptyDir data, a pod nothing recreates). */
  | { action: 'evict'; warning?: string }
  /** Left on the node: the DaemonSet would recreate it there, or it is a static pod's mirror. */
  | { action: 'skip'; reason: 'DaemonSet' | 'mirror' }
  /** Stops the drain before anything is evicted, unless `option` is chosen; `rule` says which of kubectl's. */
  | { action: 'refuse'; reason: string; option: DrainOption; rule: DrainRule };

/** How the dialog names each option, so a refusal says what to choose. */
export const DRAIN_OPTION_LABELS: Record<DrainOption, string> = {
  deleteEmptyDirData: 'Delete emptyDir data',
  force: 'Force',
  ignoreDaemonSets: 'Ignore DaemonSets',
};

/** Why pods stop a drain, for one pod or `n`, and the option that lets them go. */
const REFUSALS: Record<DrainRule, { option: DrainOption; says: (n: number) => string }> = {
  deleteEmptyDirData: { option: 'deleteEmptyDirData', says: (n) => `${n === 1 ? 'has' : 'have'} emptyDir data that would be lost` },
  force: { option: 'force', says: (n) => (n === 1 ? 'has no controller: nothing would recreate it' : 'have no controller: nothing would recreate them') },
  ignoreDaemonSets: {
    option: 'ignoreDaemonSets',
    says: (n) => (n === 1 ? 'is run by a DaemonSet, which would start it again here' : 'are run by DaemonSets, which would start them again here'),
  },
  orphanedDaemonSet: {
    option: 'force',
    says: (n) => (n === 1 ? 'belongs to a DaemonSet that no longer exists: nothing would recreate it' : 'belong to DaemonSets that no longer exist: nothing would recreate them'),
  },
};

const refuse = (rule: DrainRule): DrainVerdict => ({ action: 'refuse', reason: REFUSALS[rule].says(1), option: REFUSALS[rule].option, rule });

/** The decision for one pod, in kubectl's order: DaemonSet, mirror, finished, local storage, no controller. */
export function drainVerdict(pod: DrainPod, choices: DrainChoices): DrainVerdict {
  // Each rule must let the pod go; the first that does not is the one to answer.
  const warnings: string[] = [];
  if (pod.controller === 'DaemonSet' && !pod.finished) {
    // As kubectl: a pod whose DaemonSet is gone goes only with --force, and then like any other pod.
    if (pod.orphanedDaemonSet) {
      if (!choices.force) return refuse('orphanedDaemonSet');
      warnings.push('its DaemonSet no longer exists: nothing recreates it');
    } else return choices.ignoreDaemonSets ? { action: 'skip', reason: 'DaemonSet' } : refuse('ignoreDaemonSets');
  }
  if (pod.mirror) return { action: 'skip', reason: 'mirror' };
  // Nothing runs in a finished pod: removing it loses nothing.
  if (pod.finished) return { action: 'evict' };
  if (pod.emptyDir) {
    if (!choices.deleteEmptyDirData) return refuse('deleteEmptyDirData');
    warnings.push('its emptyDir data is lost');
  }
  if (pod.controller === undefined) {
    if (!choices.force) return refuse('force');
    warnings.push('nothing recreates it');
  }
  return warnings.length ? { action: 'evict', warning: warnings.join('; ') } : { action: 'evict' };
}

/** A node's pods sorted by what a drain does with them. */
export interface DrainSort {
  evict: { pod: DrainPod; warning?: string }[];
  skipDaemonSet: DrainPod[];
  skipMirror: DrainPod[];
  refused: { pod: DrainPod; reason: string; option: DrainOption; rule: DrainRule }[];
}

/** Sorts the pods by {@link drainVerdict}. */
export function sortForDrain(pods: readonly DrainPod[], choices: DrainChoices): DrainSort {
  const sorted: DrainSort = { evict: [], skipDaemonSet: [], skipMirror: [], refused: [] };
  for (const pod of pods) {
    const verdict = drainVerdict(pod, choices);
    if (verdict.action === 'evict') sorted.evict.push({ pod, ...(verdict.warning ? { warning: verdict.warning } : {}) });
    else if (verdict.action === 'refuse') sorted.refused.push({ pod, reason: verdict.reason, option: verdict.option, rule: verdict.rule });
    else if (verdict.reason === 'DaemonSet') sorted.skipDaemonSet.push(pod);
    else sorted.skipMirror.push(pod);
  }
  return sorted;
}

/** `team-a/web-1`. */
export const podName = (pod: Pick<DrainPod, 'namespace' | 'name'>): string => `${pod.namespace}/${pod.name}`;

/** Pods named in one sentence at most; the rest are counted. */
const NAMED_MAX = 5;

/** "team-a/a, team-a/b and 3 more". */
export function podList(pods: readonly Pick<DrainPod, 'namespace' | 'name'>[]): string {
  const named = pods.slice(0, NAMED_MAX).map(podName).join(', ');
  return pods.length > NAMED_MAX ? `${named} and ${pods.length - NAMED_MAX} more` : named;
}

/**
 * Why a drain stops before evicting anything, as kubectl words it but with the
 * dialog's options: each reason, the pods it applies to, and what to choose.
 */
export function refusalMessage(refused: DrainSort['refused']): string {
  const byRule = new Map<DrainRule, DrainSort['refused']>();
  for (const r of refused) byRule.set(r.rule, [...(byRule.get(r.rule) ?? []), r]);
  return [...byRule.entries()]
    .map(([rule, rs]) => {
      const n = rs.length;
      const { option, says } = REFUSALS[rule];
      return `${n} pod${n === 1 ? '' : 's'} ${says(n)} (${podList(rs.map((r) => r.pod))}): choose "${DRAIN_OPTION_LABELS[option]}" to drain anyway`;
    })
    .join('; ');
}
