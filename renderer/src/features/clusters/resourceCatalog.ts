import type { ApiResource, ResourceRef, ResultOf } from '../../../../shared/contract';
import type { SortSpec } from '../../ui/VirtualGrid';
import { cellKey, NAME_KEY } from './tableColumns';

/** What `kube.discover` answers. */
export type Discovery = ResultOf<'kube.discover'>;

/** One thing the resource picker can open. */
export interface ResourceEntry {
  /** Stable across API versions: `group/resource`, group empty for the core API. */
  key: string;
  /** Display name: the picker button, the table's accessible name. */
  label: string;
  /** Picker heading: a built-in category, or the API group of a custom resource. */
  section: string;
  builtin: boolean;
  ref: ResourceRef;
  namespaced: boolean;
  /** Nouns for counts: "1 pod", "3 pods". */
  one: string;
  many: string;
  /** False when discovery answered and the cluster does not serve this resource. */
  served: boolean;
  /** The order its table opens in. */
  sort: SortSpec;
  /** Its names are generated and say nothing (an event's `web-7d9f.17a3b…`): the name column goes last, narrow. */
  nameLast: boolean;
}

interface Builtin {
  section: string;
  label: string;
  group: string;
  resource: string;
  namespaced: boolean;
  one: string;
  many?: string;
  sort?: SortSpec;
  nameLast?: boolean;
}

const BY_NAME: SortSpec = { key: NAME_KEY, dir: 'asc' };
/** By Last seen, ascending: age columns sort youngest first. */
const NEWEST_FIRST: SortSpec = { key: cellKey('lastSeen'), dir: 'asc' };

/**
 * The built-in resources the picker offers, in picker order. Versions are not
 * listed here: discovery says which one the cluster serves.
 */
const BUILTINS: readonly Builtin[] = [
  { section: 'Cluster', label: 'Nodes', group: '', resource: 'nodes', namespaced: false, one: 'node' },
  { section: 'Cluster', label: 'Namespaces', group: '', resource: 'namespaces', namespaced: false, one: 'namespace' },
  { section: 'Cluster', label: 'Events', group: '', resource: 'events', namespaced: true, one: 'event', sort: NEWEST_FIRST, nameLast: true },
  { section: 'Workloads', label: 'Pods', group: '', resource: 'pods', namespaced: true, one: 'pod' },
  { section: 'Workloads', label: 'Deployments', group: 'apps', resource: 'deployments', namespaced: true, one: 'deployment' },
  { section: 'Workloads', label: 'StatefulSets', group: 'apps', resource: 'statefulsets', namespaced: true, one: 'stateful set' },
  { section: 'Workloads', label: 'ReplicaSets', group: 'apps', resource: 'replicasets', namespaced: true, one: 'replica set' },
  { section: 'Workloads', label: 'DaemonSets', group: 'apps', resource: 'daemonsets', namespaced: true, one: 'daemon set' },
  { section: 'Workloads', label: 'Jobs', group: 'batch', resource: 'jobs', namespaced: true, one: 'job' },
  { section: 'Workloads', label: 'CronJobs', group: 'batch', resource: 'cronjobs', namespaced: true, one: 'cron job' },
  { section: 'Network', label: 'Services', group: '', resource: 'services', namespaced: true, one: 'service' },
  { section: 'Network', label: 'Ingresses', group: 'networking.k8s.io', resource: 'ingresses', namespaced: true, one: 'ingress', many: 'ingresses' },
  { section: 'Config & storage', label: 'ConfigMaps', group: '', resource: 'configmaps', namespaced: true, one: 'config map' },
  { section: 'Config & storage', label: 'Secrets', group: '', resource: 'secrets', namespaced: true, one: 'secret' },
  { section: 'Config & storage', label: 'PVCs', group: '', resource: 'persistentvolumeclaims', namespaced: true, one: 'PVC' },
];

/** Every built-in's API version is v1 as of Kubernetes 1.25; used only until discovery answers. */
const ASSUMED_VERSION = 'v1';

/** The stable key of a resource type. */
export const resourceKey = (ref: Pick<ResourceRef, 'group' | 'resource'>): string => `${ref.group}/${ref.resource}`;

const canWatch = (r: ApiResource) => r.verbs.includes('list') && r.verbs.includes('watch');

/**
 * The picker's entries: the built-ins, with the version and scope discovery
 * reports, then the custom resources (`builtin: false`) the cluster serves,
 * by API group and kind. Without discovery (still loading, or it failed) the
 * built-ins are offered as v1 so the table can still try.
 */
export function resourceEntries(discovery?: Discovery): ResourceEntry[] {
  const served = new Map<string, ApiResource>();
  for (const r of discovery?.resources ?? []) {
    // Subresources ("pods/log") are not lists; the first version listed is the preferred one.
    if (!r.resource.includes('/') && !served.has(resourceKey(r))) served.set(resourceKey(r), r);
  }
  const builtins = BUILTINS.map((b): ResourceEntry => {
    const key = resourceKey(b);
    const found = served.get(key);
    return {
      key,
      label: b.label,
      section: b.section,
      builtin: true,
      ref: { group: b.group, version: found?.version ?? ASSUMED_VERSION, resource: b.resource },
      namespaced: found?.namespaced ?? b.namespaced,
      one: b.one,
      many: b.many ?? `${b.one}s`,
      served: !discovery || found !== undefined,
      sort: b.sort ?? BY_NAME,
      nameLast: b.nameLast ?? false,
    };
  });
  const custom = [...served.values()]
    .filter((r) => !r.builtin && canWatch(r))
    .sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind))
    .map(
      (r): ResourceEntry => ({
        key: resourceKey(r),
        label: r.kind,
        section: r.group,
        builtin: false,
        ref: { group: r.group, version: r.version, resource: r.resource },
        namespaced: r.namespaced,
        one: r.kind.toLowerCase(),
        many: r.resource,
        served: true,
        sort: BY_NAME,
        nameLast: false,
      }),
    );
  return [...builtins, ...custom];
}
