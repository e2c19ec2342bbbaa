/**
 * How an object relates to pods: the label selectors of workloads and
 * Services as query strings, the claims a pod mounts, and a pod as the
 * related-pods list shows it.
 */
import type { RelatedPod } from '../../../../shared/contract';
import { podStatus, podSummary, type LabelSelector, type PodObject } from '../model';

/**
 * A LabelSelector as the `labelSelector` query string (and as people read
 * it): "app=web,tier in (a,b),!canary". Undefined when it selects nothing
 * we should list: absent, empty (which would match every pod), or using an
 * operator the server would reject.
 */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        return undefined;
    }
  }
  return parts.length ? parts.join(',') : undefined;
}

/** A Service's (or ReplicationController's) map selector; undefined when it has none (no pods, not every pod). */
export function mapSelectorString(selector: Record<string, string> | undefined): string | undefined {
  return labelSelectorString(selector && { matchLabels: selector });
}

/** True when the pod mounts claim `claim`, directly or as a generic ephemeral volume (named `<pod>-<volume>`). */
export function mountsClaim(pod: PodObject, claim: string): boolean {
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim || (v.ephemeral !== undefined && `${pod.metadata?.name}-${v.name}` === claim));
}

/** A pod as the related-pods list shows it, with the status the Pods table shows. */
export function relatedPodOf(pod: PodObject): RelatedPod {
  const m = pod.metadata ?? {};
  const summary = podSummary(pod);
  return {
    uid: m.uid ?? `${m.namespace ?? ''}/${m.name ?? ''}`,
    name: m.name ?? '',
    namespace: m.namespace ?? '',
    status: podStatus(pod),
    ready: summary.ready,
    restarts: summary.restarts,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(m.creationTimestamp ? { created: m.creationTimestamp } : {}),
  };
}

/** Pods in a stable order: by namespace, then name. */
export function byNamespaceAndName(a: RelatedPod, b: RelatedPod): number {
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}
