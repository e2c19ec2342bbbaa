import { resourceKey, type ResourceEntry } from '../resourceCatalog';

/** How often a shown tab asks again for events and related pods (ms). */
export const POLL_MS = 5000;

/**
 * A claim's pods are found by reading every pod of its namespace (no server
 * filter for volumes): ask far less often, so a 20,000-pod namespace is not
 * listed whole every few seconds.
 */
export const CLAIM_POLL_MS = 60_000;
export const CLAIMS_KEY = resourceKey({ group: '', resource: 'persistentvolumeclaims' });

export type DetailTabId = 'overview' | 'yaml' | 'events' | 'related' | 'history' | 'logs';

/** One tab of the detail pane and the key that shows it. */
export interface DetailTab {
  id: DetailTabId;
  label: string;
  key: string;
}

/** Resources the detail pane treats apart. */
export const PODS_KEY = resourceKey({ group: '', resource: 'pods' });
export const NODES_KEY = resourceKey({ group: '', resource: 'nodes' });
export const SECRETS_KEY = resourceKey({ group: '', resource: 'secrets' });
/** Workloads whose controllers keep revisions (`kubectl rollout history`). */
const WITH_HISTORY = new Set(['deployments', 'statefulsets', 'daemonsets'].map((resource) => resourceKey({ group: 'apps', resource })));

/** The tabs for an object of `entry`'s resource: History for workloads that keep revisions, Logs only for pods. */
export function detailTabs(entry: ResourceEntry): DetailTab[] {
  return [
    { id: 'overview', label: 'Overview', key: 'o' },
    { id: 'yaml', label: 'YAML', key: 'y' },
    { id: 'events', label: 'Events', key: 'e' },
    { id: 'related', label: 'Related', key: 'p' },
    ...(WITH_HISTORY.has(entry.key) ? [{ id: 'history' as const, label: 'History', key: 'h' }] : []),
    ...(entry.key === PODS_KEY ? [{ id: 'logs' as const, label: 'Logs', key: 'l' }] : []),
  ];
}
