/**
 * What the server offers: every resource of every API group, CRDs and
 * aggregated APIs included. Aggregated discovery (Kubernetes ≥ 1.26) answers
 * in two requests; older servers get the legacy walk, one request per group.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiResource } from '../../../../shared/contract';
import { kubeStatusError } from './kubeErrors';
import { kubeRequest } from './kubeHttp';

/** Resources the server offers and its version. */
export interface Discovery {
  serverVersion: string;
  resources: ApiResource[];
  /** When the server gave this answer (ms since the epoch). */
  at: number;
}

/**
 * Groups compiled into kube-apiserver. Anything else is a CRD or an
 * aggregated API (metrics.k8s.io included); CRDs in these groups are refused
 * by the server, so the group alone decides.
 */
const BUILTIN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/** True when `group` is served by kube-apiserver itself. */
export const isBuiltinGroup = (group: string): boolean => BUILTIN_GROUPS.has(group);

const AGGREGATED_ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

/** `apidiscovery.k8s.io/v2` APIGroupDiscoveryList, as far as we read it. */
interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: {
      version: string;
      resources?: { resource: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[]; shortNames?: string[] }[];
    }[];
  }[];
}

/** Legacy `APIResourceList` of one group version. */
interface ResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[]; shortNames?: string[] }[];
}

/** Legacy `APIGroupList`. */
interface GroupList {
  groups?: { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[];
}

/**
 * Keeps one entry per group and resource: the first seen wins, and both
 * discovery forms list a group's versions in the server's preference order.
 */
function dedupe(resources: ApiResource[]): ApiResource[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    const key = `${r.group}/${r.resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function resource(group: string, version: string, r: { resource: string; kind: string; namespaced: boolean; verbs?: string[]; shortNames?: string[] }): ApiResource {
  return {
    group,
    version,
    resource: r.resource,
    kind: r.kind,
    namespaced: r.namespaced,
    verbs: r.verbs ?? [],
    ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
    builtin: isBuiltinGroup(group),
  };
}

/** Resources of an aggregated discovery answer; subresources are nested there, so they never appear. */
export function parseAggregated(body: unknown): ApiResource[] {
  const list = body as AggregatedList;
  return dedupe(
    (list.items ?? []).flatMap((g) =>
      (g.versions ?? []).flatMap((v) =>
        (v.resources ?? []).map((r) =>
          resource(g.metadata?.name ?? '', v.version, { resource: r.resource, kind: r.responseKind?.kind ?? '', namespaced: r.scope === 'Namespaced', verbs: r.verbs, shortNames: r.shortNames }),
        ),
      ),
    ),
  );
}

/** Resources of one legacy group version, without subresources (`pods/log`). */
export function parseResourceList(group: string, version: string, body: unknown): ApiResource[] {
  return ((body as ResourceList).resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => resource(group, version, { resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs, shortNames: r.shortNames }));
}

/** The group versions a legacy walk visits: each group's preferred version first, then the rest. */
export function legacyGroupVersions(body: unknown): { group: string; version: string }[] {
  return ((body as GroupList).groups ?? []).flatMap((g) => {
    const preferred = g.preferredVersion?.version;
    const versions = (g.versions ?? []).map((v) => v.version);
    const ordered = preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
    return ordered.map((version) => ({ group: g.name, version }));
  });
}

async function getJson(kc: KubeConfig, path: string, accept?: string): Promise<unknown> {
  const res = await kubeRequest(kc, path, { accept, timeoutMs: 15_000 });
  if (res.status !== 200) throw kubeStatusError(`reading ${path}`, res.status, res.body);
  return res.body;
}

/** Reads the server's resources, aggregated when it can, legacy otherwise. */
export async function discoverResources(kc: KubeConfig): Promise<Discovery> {
  const [version, core, groups] = await Promise.all([
    getJson(kc, '/version'),
    getJson(kc, '/api', AGGREGATED_ACCEPT),
    getJson(kc, '/apis', AGGREGATED_ACCEPT),
  ]);
  const serverVersion = (version as { gitVersion?: string }).gitVersion ?? 'unknown';
  const aggregated = (b: unknown) => (b as AggregatedList).kind === 'APIGroupDiscoveryList';
  if (aggregated(core) && aggregated(groups)) {
    return { serverVersion, resources: [...parseAggregated(core), ...parseAggregated(groups)], at: Date.now() };
  }
  const coreVersions = ((core as { versions?: string[] }).versions ?? ['v1']).map((v) => ({ group: '', version: v }));
  const all = [...coreVersions, ...legacyGroupVersions(groups)];
  const lists = await Promise.all(
    all.map(async ({ group, version }) => {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      // An aggregated API that is down (503) must not hide every other group.
      const res = await kubeRequest(kc, path, { timeoutMs: 15_000 }).catch(() => undefined);
      return res?.status === 200 ? parseResourceList(group, version, res.body) : [];
    }),
  );
  return { serverVersion, resources: dedupe(lists.flat()), at: Date.now() };
}
