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
  /**
   * Other names the command palette finds it by, as kubectl takes them: the
   * plural resource name, kubectl's short names (the catalog's, and those
   * discovery reports, a CRD's included) and common aliases ("hpa", "crb").
   */
  aliases: string[];
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
  /** kubectl's short names, and aliases people type for kinds kubectl gives none ("rb", "crb"). */
  aliases?: readonly string[];
  /** The version tried until discovery answers, when it is not {@link ASSUMED_VERSION}. */
  version?: string;
}

const BY_NAME: SortSpec = { key: NAME_KEY, dir: 'asc' };
/** By Last seen, ascending: age columns sort youngest first. */
const NEWEST_FIRST: SortSpec = { key: cellKey('lastSeen'), dir: 'asc' };

/**
 * The built-in resources the picker offers, in picker order. Versions are not
 * listed here: discovery says which one the cluster serves.
 */
const BUILTINS: readonly Builtin[] = [
  { section: 'Cluster', label: 'Nodes', group: '', resource: 'nodes', namespaced: false, one: 'node', aliases: ['no'] },
  { section: 'Cluster', label: 'Namespaces', group: '', resource: 'namespaces', namespaced: false, one: 'namespace', aliases: ['ns'] },
  { section: 'Cluster', label: 'Events', group: '', resource: 'events', namespaced: true, one: 'event', sort: NEWEST_FIRST, nameLast: true, aliases: ['ev'] },
  { section: 'Workloads', label: 'Pods', group: '', resource: 'pods', namespaced: true, one: 'pod', aliases: ['po'] },
  { section: 'Workloads', label: 'Deployments', group: 'apps', resource: 'deployments', namespaced: true, one: 'deployment', aliases: ['deploy'] },
  { section: 'Workloads', label: 'StatefulSets', group: 'apps', resource: 'statefulsets', namespaced: true, one: 'stateful set', aliases: ['sts'] },
  { section: 'Workloads', label: 'ReplicaSets', group: 'apps', resource: 'replicasets', namespaced: true, one: 'replica set', aliases: ['rs'] },
  { section: 'Workloads', label: 'DaemonSets', group: 'apps', resource: 'daemonsets', namespaced: true, one: 'daemon set', aliases: ['ds'] },
  { section: 'Workloads', label: 'Jobs', group: 'batch', resource: 'jobs', namespaced: true, one: 'job' },
  { section: 'Workloads', label: 'CronJobs', group: 'batch', resource: 'cronjobs', namespaced: true, one: 'cron job', aliases: ['cj'] },
  // autoscaling/v2 is the version that has the metrics kubectl's Targets column reads (v1 knows only CPU).
  { section: 'Workloads', label: 'HPAs', group: 'autoscaling', resource: 'horizontalpodautoscalers', namespaced: true, one: 'HPA', aliases: ['hpa'], version: 'v2' },
  { section: 'Network', label: 'Services', group: '', resource: 'services', namespaced: true, one: 'service', aliases: ['svc'] },
  { section: 'Network', label: 'Ingresses', group: 'networking.k8s.io', resource: 'ingresses', namespaced: true, one: 'ingress', many: 'ingresses', aliases: ['ing'] },
  { section: 'Network', label: 'EndpointSlices', group: 'discovery.k8s.io', resource: 'endpointslices', namespaced: true, one: 'endpoint slice' },
  { section: 'Network', label: 'NetworkPolicies', group: 'networking.k8s.io', resource: 'networkpolicies', namespaced: true, one: 'network policy', many: 'network policies', aliases: ['netpol'] },
  { section: 'Config & storage', label: 'ConfigMaps', group: '', resource: 'configmaps', namespaced: true, one: 'config map', aliases: ['cm'] },
  { section: 'Config & storage', label: 'Secrets', group: '', resource: 'secrets', namespaced: true, one: 'secret' },
  { section: 'Config & storage', label: 'PVCs', group: '', resource: 'persistentvolumeclaims', namespaced: true, one: 'PVC', aliases: ['pvc'] },
  { section: 'Config & storage', label: 'PersistentVolumes', group: '', resource: 'persistentvolumes', namespaced: false, one: 'persistent volume', aliases: ['pv'] },
  { section: 'Config & storage', label: 'StorageClasses', group: 'storage.k8s.io', resource: 'storageclasses', namespaced: false, one: 'storage class', many: 'storage classes', aliases: ['sc'] },
  { section: 'Access control', label: 'ServiceAccounts', group: '', resource: 'serviceaccounts', namespaced: true, one: 'service account', aliases: ['sa'] },
  { section: 'Access control', label: 'Roles', group: 'rbac.authorization.k8s.io', resource: 'roles', namespaced: true, one: 'role' },
  { section: 'Access control', label: 'RoleBindings', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespaced: true, one: 'role binding', aliases: ['rb'] },
  { section: 'Access control', label: 'ClusterRoles', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespaced: false, one: 'cluster role', aliases: ['cr'] },
  { section: 'Access control', label: 'ClusterRoleBindings', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', namespaced: false, one: 'cluster role binding', aliases: ['crb'] },
  { section: 'Policy', label: 'PodDisruptionBudgets', group: 'policy', resource: 'poddisruptionbudgets', namespaced: true, one: 'PDB', aliases: ['pdb'] },
  { section: 'Policy', label: 'ResourceQuotas', group: '', resource: 'resourcequotas', namespaced: true, one: 'resource quota', aliases: ['quota'] },
  { section: 'Policy', label: 'LimitRanges', group: '', resource: 'limitranges', namespaced: true, one: 'limit range', aliases: ['limits'] },
  { section: 'Policy', label: 'PriorityClasses', group: 'scheduling.k8s.io', resource: 'priorityclasses', namespaced: false, one: 'priority class', many: 'priority classes', aliases: ['pc'] },
];

/** The API version of nearly every built-in as of Kubernetes 1.25; used only until discovery answers. */
const ASSUMED_VERSION = 'v1';

/** The stable key of a resource type. */
export const resourceKey = (ref: Pick<ResourceRef, 'group' | 'resource'>): string => `${ref.group}/${ref.resource}`;

const canWatch = (r: ApiResource) => r.verbs.includes('list') && r.verbs.includes('watch');

/** The resource name, then each short name once. */
const aliasesOf = (resource: string, known: readonly string[] = [], discovered: readonly string[] = []): string[] => [...new Set([resource, ...known, ...discovered])];

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
      ref: { group: b.group, version: found?.version ?? b.version ?? ASSUMED_VERSION, resource: b.resource },
      namespaced: found?.namespaced ?? b.namespaced,
      one: b.one,
      many: b.many ?? `${b.one}s`,
      served: !discovery || found !== undefined,
      sort: b.sort ?? BY_NAME,
      nameLast: b.nameLast ?? false,
      aliases: aliasesOf(b.resource, b.aliases, found?.shortNames),
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
        aliases: aliasesOf(r.resource, [], r.shortNames),
      }),
    );
  return [...builtins, ...custom];
}
