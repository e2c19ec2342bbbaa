/**
 * Ranking of the command palette's name search: an exact name first, then
 * names starting with the text, then names containing it; within each,
 * shorter names first (the closer match), then alphabetically.
 */
import type { ResourceRef } from '../../../../shared/contract';

/** Resources the palette always searches, whatever views are open: what people jump to. */
export const FINDER_RESOURCES: readonly Pick<ResourceRef, 'group' | 'resource'>[] = [
  { group: '', resource: 'pods' },
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'statefulsets' },
  { group: 'apps', resource: 'daemonsets' },
  { group: 'batch', resource: 'jobs' },
  { group: 'batch', resource: 'cronjobs' },
  { group: '', resource: 'services' },
  { group: 'networking.k8s.io', resource: 'ingresses' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'persistentvolumeclaims' },
  { group: '', resource: 'nodes' },
  { group: '', resource: 'namespaces' },
];

/** Events are named after their object plus a hash: searching them only repeats their objects. */
export const isSearchable = (ref: Pick<ResourceRef, 'group' | 'resource'>): boolean => ref.resource !== 'events';

/** 0 for the exact name, 1 for a prefix, 2 for a substring (all case-insensitive); undefined for no match. `needle` is lower case. */
export function matchRank(name: string, needle: string): 0 | 1 | 2 | undefined {
  const lower = name.toLowerCase();
  const at = lower.indexOf(needle);
  if (at < 0) return undefined;
  if (at > 0) return 2;
  return lower.length === needle.length ? 0 : 1;
}

/** Kubernetes names are ASCII (DNS labels and subdomains): code-unit order is their order, and far cheaper than localeCompare over 10,000 pods. */
const compare = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** The best `limit` of `candidates` whose name contains `text`, best first. */
export function rankMatches<T extends { name: string; namespace?: string }>(candidates: Iterable<T>, text: string, limit: number): T[] {
  const needle = text.toLowerCase();
  const found: { item: T; rank: number }[] = [];
  for (const item of candidates) {
    const rank = matchRank(item.name, needle);
    if (rank !== undefined) found.push({ item, rank });
  }
  found.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.item.name.length - b.item.name.length ||
      compare(a.item.name, b.item.name) ||
      compare(a.item.namespace ?? '', b.item.namespace ?? ''),
  );
  return found.slice(0, limit).map((f) => f.item);
}
