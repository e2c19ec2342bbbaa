/**
 * What bounds the pods a namespace may run or lose: PodDisruptionBudgets,
 * ResourceQuotas and PriorityClasses (LimitRanges are listed by name only).
 */
import type { KubeObject, LabelSelector } from './kubeObject';

/** A PodDisruptionBudget; `minAvailable` and `maxUnavailable` are a count or a percentage ("50%"). */
export interface PdbObject extends KubeObject {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number };
}

/** A ResourceQuota: its limits (`hard`) and what the namespace uses of them, both as the quota controller last counted. */
export interface ResourceQuotaObject extends KubeObject {
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** A PriorityClass. */
export interface PriorityClassObject extends KubeObject {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/**
 * kubectl's REQUEST and LIMIT columns of a quota: "resource: used/hard" for
 * each resource of `status.hard`, by name; those named `limits.*` under
 * limits, every other one under requests. Null where there is none.
 */
export function quotaUsage(quota: ResourceQuotaObject): { requests: string | null; limits: string | null } {
  const hard = quota.status?.hard ?? {};
  const used = quota.status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  // Sorted by code unit, as Go sorts the names.
  for (const name of Object.keys(hard).sort()) {
    // A resource the controller has not counted yet reads as kubectl's zero quantity.
    const text = `${name}: ${used[name] ?? '0'}/${hard[name]}`;
    (name.startsWith('limits.') ? limits : requests).push(text);
  }
  return { requests: requests.join(', ') || null, limits: limits.join(', ') || null };
}
