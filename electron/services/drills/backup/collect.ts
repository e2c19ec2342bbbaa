/**
 * Reads namespaces for a backup: every namespaced resource the cluster
 * serves with `list` (custom resources included), listed page by page, a few
 * at a time; what the cluster recreates by itself left out; every object
 * cleaned of what the server set; the Namespace itself and the CRDs of the
 * custom resources found added; all in restore order. What is left out and
 * why is written for people in `docs/backup-archive.md`.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiResource, ResourceRef } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { KubeAccess } from '../../kube/client/kubeAccess';
import { objectPath, resourceLabel } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeList, kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject, ObjectMeta, OwnerReference } from '../../kube/model/kubeObject';
import type { ObjectToArchive } from '../archive/archiveWriter';
import { isSecret } from '../archive/archiveWriter';
import { dataHash } from '../archive/dataHash';
import { eachLimited } from '../archive/parallel';

/** Objects asked per list page. */
const PAGE_SIZE = 500;
/** Lists under way at once: enough to hide each one's round trip, few enough not to crowd the apiserver. */
const LISTS_AT_ONCE = 6;
/** Longest silence of one list page. */
const LIST_TIMEOUT_MS = 30_000;

/**
 * Resources never backed up, by group (all its resources) or `group/resource`:
 * what the cluster writes by itself (events, endpoints, leases, controller
 * revisions, CSI capacities), metrics, and the review kinds that are
 * questions rather than objects.
 */
const LEFT_OUT = new Set([
  '/events',
  '/endpoints',
  'events.k8s.io',
  'discovery.k8s.io/endpointslices',
  'apps/controllerrevisions',
  'coordination.k8s.io',
  'metrics.k8s.io',
  'authorization.k8s.io',
  'authentication.k8s.io',
  'storage.k8s.io/csistoragecapacities',
]);

/** The resources a backup lists: namespaced, listable, and not {@link LEFT_OUT}. */
export function backupResources(resources: readonly ApiResource[]): ApiResource[] {
  return resources.filter((r) => r.namespaced && r.verbs.includes('list') && !LEFT_OUT.has(r.group) && !LEFT_OUT.has(`${r.group}/${r.resource}`));
}

const controllerOf = (o: KubeObject): OwnerReference | undefined => o.metadata?.ownerReferences?.find((r) => r.controller);

/**
 * Why an object listed is left out of the backup, or undefined to keep it:
 * what a controller recreates from an object that is kept, and what the
 * cluster makes in every namespace.
 */
export function leftOutBecause(api: Pick<ApiResource, 'group' | 'resource'>, o: KubeObject): string | undefined {
  const name = o.metadata?.name;
  const owner = controllerOf(o);
  const key = `${api.group}/${api.resource}`;
  if (key === '/pods' && owner) return `its ${owner.kind} recreates it`;
  if (key === 'apps/replicasets' && owner) return `its ${owner.kind} recreates it`;
  if (key === 'batch/jobs' && owner?.kind === 'CronJob') return "a past run of its CronJob: history, which the CronJob's next runs replace";
  if (key === '/configmaps' && name === 'kube-root-ca.crt') return 'the cluster puts it in every namespace';
  // Kept when it names pull secrets: the cluster's own `default` has none, and the restored pods would not pull their images.
  if (key === '/serviceaccounts' && name === 'default' && !(o.imagePullSecrets as unknown[] | undefined)?.length) return 'the cluster puts it in every namespace';
  if (key === '/secrets' && o.type === 'kubernetes.io/service-account-token') return "a service account's token, which the cluster issues again";
  return undefined;
}

/** Metadata the server sets, removed from every object. */
const SERVER_META = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'] as const;
/** Annotations the server or kubectl set. */
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];
/** A claim's binding, set by the volume controller: a restore binds anew. */
const CLAIM_ANNOTATIONS = /^(pv\.kubernetes\.io\/|volume\.kubernetes\.io\/selected-node$|volume\.(beta\.)?kubernetes\.io\/storage-provisioner$)/;
/** The labels a Job's controller writes on it and its template, naming the Job's uid. */
const JOB_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** Deletes `keys` of a string map, and the map itself once empty. */
function dropKeys(holder: Obj | undefined, field: string, drop: (key: string) => boolean): void {
  const map = asObj(holder?.[field]);
  if (!map || !holder) return;
  for (const key of Object.keys(map)) if (drop(key)) delete map[key];
  if (!Object.keys(map).length) delete holder[field];
}

/**
 * A copy of `o` as a backup keeps it: server-set metadata, `status`, the
 * last-applied annotation and owner references to objects not in the
 * backup (`keptUids`) removed, and per kind what would clash or pin it on
 * restore (a Service's cluster IPs and node ports, a claim's volume, a Job's
 * selector and uid labels, a bare Pod's node and debug containers).
 */
export function cleanObject(api: Pick<ApiResource, 'group' | 'resource'>, o: KubeObject, keptUids: ReadonlySet<string>): KubeObject {
  const copy = structuredClone(o) as KubeObject & Obj;
  delete copy.status;
  const meta = (copy.metadata ?? {}) as ObjectMeta & Obj;
  for (const field of SERVER_META) delete meta[field];
  dropKeys(meta, 'annotations', (k) => SERVER_ANNOTATIONS.includes(k));
  if (meta.ownerReferences) {
    meta.ownerReferences = meta.ownerReferences.filter((r) => keptUids.has(r.uid));
    if (!meta.ownerReferences.length) delete meta.ownerReferences;
  }
  const spec = asObj(copy.spec);
  switch (`${api.group}/${api.resource}`) {
    case '/services':
      if (spec) {
        // "None" makes a headless Service: that is the user's choice, not an address the cluster gave.
        if (spec.clusterIP !== 'None') {
          delete spec.clusterIP;
          delete spec.clusterIPs;
        }
        delete spec.healthCheckNodePort;
        for (const port of (spec.ports as Obj[] | undefined) ?? []) delete port.nodePort;
      }
      break;
    case '/persistentvolumeclaims':
      if (spec) delete spec.volumeName;
      dropKeys(meta, 'annotations', (k) => CLAIM_ANNOTATIONS.test(k));
      break;
    case 'batch/jobs':
      if (spec && !spec.manualSelector) delete spec.selector;
      dropKeys(meta, 'labels', (k) => JOB_UID_LABELS.includes(k));
      dropKeys(asObj(asObj(spec?.template)?.metadata), 'labels', (k) => JOB_UID_LABELS.includes(k));
      break;
    case '/pods':
      if (spec) {
        delete spec.nodeName;
        // Added through the ephemeralcontainers subresource only: a create holding them is refused.
        delete spec.ephemeralContainers;
      }
      break;
    case '/namespaces':
      // Its finalizers are the server's.
      delete copy.spec;
      break;
  }
  return copy;
}

/** Restore order of an object of `api`: see {@link ArchivedObject.order}. */
export function restoreOrder(api: Pick<ApiResource, 'group' | 'resource' | 'builtin'>): number {
  switch (`${api.group}/${api.resource}`) {
    case 'apiextensions.k8s.io/customresourcedefinitions':
      return 0;
    case '/namespaces':
      return 1;
    case '/serviceaccounts':
      return 2;
    case 'rbac.authorization.k8s.io/roles':
    case 'rbac.authorization.k8s.io/rolebindings':
      return 3;
    case '/configmaps':
    case '/secrets':
      return 4;
    case '/limitranges':
    case '/resourcequotas':
      return 5;
    case '/persistentvolumeclaims':
      return 6;
    case '/services':
      return 7;
    case 'apps/deployments':
    case 'apps/statefulsets':
    case 'apps/daemonsets':
    case 'apps/replicasets':
    case 'batch/jobs':
    case 'batch/cronjobs':
    case '/pods':
      return 8;
    default:
      return api.builtin ? 9 : 10;
  }
}

/** What a backup read. */
export interface Collected {
  /** In restore order: CRDs, the namespaces, then each kind as {@link restoreOrder} says. */
  objects: ObjectToArchive[];
  /** Resources that could not be read, and why. */
  skipped: { resource: string; reason: string }[];
  /** Objects listed and left out, per reason, for the report. */
  leftOut: { kind: string; reason: string; count: number }[];
  /** The apiserver's URL. */
  server?: string;
}

/** How {@link collectNamespaces} reports and stops. */
export interface CollectOptions {
  signal?: AbortSignal;
  /** Throws when the backup was cancelled; called between lists. */
  throwIfCancelled?: () => void;
  /** Once discovery has answered: how many lists the read makes. */
  onDiscovered?: (lists: number) => void;
  /** After each list: lists done of all, and objects listed so far. */
  onProgress?: (done: number, total: number, objects: number) => void;
}

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };
const CRD_API: ApiResource = { ...CRDS, kind: 'CustomResourceDefinition', namespaced: false, verbs: ['get'], builtin: true };
const NAMESPACE_API: ApiResource = { ...NAMESPACES, kind: 'Namespace', namespaced: false, verbs: ['get'], builtin: true };

/** The statuses a backup goes on past, recording the resource as skipped: forbidden, not found (a CRD removed meanwhile), not allowed, an aggregated API down. */
const SKIPPABLE = new Set([403, 404, 405, 503]);

const apiVersionOf = (r: ResourceRef) => (r.group ? `${r.group}/${r.version}` : r.version);

/** A kept object with what the archive needs besides it. */
function archived(api: ApiResource, o: KubeObject, keptUids: ReadonlySet<string>): ObjectToArchive {
  const object = cleanObject(api, o, keptUids);
  const apiVersion = apiVersionOf(api);
  // A list's items of built-in kinds come without apiVersion and kind.
  const typed: KubeObject = { apiVersion, kind: api.kind, ...object };
  typed.apiVersion = apiVersion;
  typed.kind = api.kind;
  const namespace = o.metadata?.namespace;
  const entry: ObjectToArchive = { apiVersion, kind: api.kind, group: api.group, resource: api.resource, name: o.metadata?.name ?? '', order: restoreOrder(api), object: typed };
  if (api.namespaced && namespace) entry.namespace = namespace;
  const dataBearing = api.group === '' && (api.resource === 'configmaps' || api.resource === 'secrets');
  if (dataBearing) entry.dataSha256 = dataHash(typed);
  return entry;
}

/** Every item of one resource in one namespace, page by page; undefined with the reason when the server will not list it. */
async function listAll(kc: KubeConfig, api: ApiResource, namespace: string, signal?: AbortSignal): Promise<KubeObject[] | { reason: string }> {
  const items: KubeObject[] = [];
  let token: string | undefined;
  let restarts = 0;
  for (;;) {
    const query = `?limit=${PAGE_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const page: KubeObject[] = [];
    const res = await kubeList(kc, objectPath(api, namespace) + query, { gzip: true, timeoutMs: LIST_TIMEOUT_MS, ...(signal ? { signal } : {}), onItem: (item) => page.push(item as KubeObject) });
    // A continue token expires during a slow list (410 Gone): start over, a couple of times at most.
    if (res.status === 410 && token && restarts < 2) {
      restarts++;
      items.length = 0;
      token = undefined;
      continue;
    }
    if (SKIPPABLE.has(res.status)) return { reason: kubeStatusError(`listing ${resourceLabel(api)} in ${namespace}`, res.status, res.body).message };
    if (res.status !== 200) throw kubeStatusError(`listing ${resourceLabel(api)} in ${namespace}`, res.status, res.body);
    for (const item of page) items.push(item);
    token = res.body.metadata?.continue || undefined;
    if (!token) return items;
  }
}

/** GET of one object; undefined on a 404, the reason on another skippable status. */
async function getOne(kc: KubeConfig, ref: ResourceRef, name: string, what: string, signal?: AbortSignal): Promise<KubeObject | undefined | { reason: string }> {
  const res = await kubeRequest<KubeObject>(kc, objectPath(ref, undefined, name), { timeoutMs: LIST_TIMEOUT_MS, ...(signal ? { signal } : {}) });
  if (res.status === 200) return res.body;
  if (res.status === 404) return undefined;
  if (SKIPPABLE.has(res.status)) return { reason: kubeStatusError(what, res.status, res.body).message };
  throw kubeStatusError(what, res.status, res.body);
}

const isReason = (v: unknown): v is { reason: string } => Boolean(v && typeof v === 'object' && 'reason' in v && Object.keys(v).length === 1);

/**
 * Reads `namespaces` of a connection for a backup (see the module's comment).
 *
 * @throws AppError `NOT_FOUND` for a namespace the cluster does not have; `FORBIDDEN` for one none of whose resources
 * may be listed, or one that may not be read and holds nothing listed (it may not exist); the apiserver's errors other than
 * 403/404/405/503 on a list (those skip the resource, recorded in `skipped`).
 */
export async function collectNamespaces(access: Pick<KubeAccess, 'config' | 'discover'>, connectionId: string, namespaces: readonly string[], options: CollectOptions = {}): Promise<Collected> {
  const { signal } = options;
  const kc = await access.config(connectionId);
  const discovery = await access.discover(connectionId);
  const resources = backupResources(discovery.resources);
  const skipped: Collected['skipped'] = [];

  // The namespaces first: one that is missing ends the backup before anything is listed.
  const namespaceObjects: KubeObject[] = [];
  /** Namespaces whose own GET was refused: the server lists an empty namespace and a missing one alike, so one found empty is refused. */
  const unreadable = new Map<string, string>();
  for (const ns of namespaces) {
    const got = await getOne(kc, NAMESPACES, ns, `reading the namespace ${ns}`, signal);
    if (got === undefined) throw new AppError('NOT_FOUND', `There is no namespace ${ns} on this cluster`);
    if (isReason(got)) {
      unreadable.set(ns, got.reason);
      // Listing inside it may still be allowed: the Namespace is rebuilt from its name.
      skipped.push({ resource: `namespaces (${ns})`, reason: `${got.reason}; the restore makes the namespace from its name, without its labels and annotations` });
      namespaceObjects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    } else namespaceObjects.push(got);
  }

  const pairs = namespaces.flatMap((namespace) => resources.map((api) => ({ api, namespace })));
  options.onDiscovered?.(pairs.length);
  const listed: { api: ApiResource; items: KubeObject[] }[] = [];
  /** Per namespace: lists answered, and objects they held. */
  const read = new Map(namespaces.map((ns) => [ns, { lists: 0, objects: 0 }]));
  let done = 0;
  let seen = 0;
  await eachLimited(pairs, LISTS_AT_ONCE, async ({ api, namespace }) => {
    options.throwIfCancelled?.();
    const items = await listAll(kc, api, namespace, signal);
    if (isReason(items)) skipped.push({ resource: `${resourceLabel(api)} (${namespace})`, reason: items.reason });
    else {
      listed.push({ api, items });
      seen += items.length;
      const of = read.get(namespace)!;
      of.lists++;
      of.objects += items.length;
    }
    options.onProgress?.(++done, pairs.length, seen);
  });
  options.throwIfCancelled?.();
  // A backup of nothing is no backup: it would be recorded complete, and a drill of it would pass.
  for (const [ns, of] of read) {
    if (!of.lists && resources.length) {
      const first = skipped.find((s) => s.resource.endsWith(`(${ns})`));
      throw new AppError('FORBIDDEN', `The connection could list none of the resources of namespace ${ns}${first ? ` (${first.reason})` : ''}: a backup of it would hold nothing, so none was made`);
    }
    const refusal = unreadable.get(ns);
    if (refusal !== undefined && !of.objects) {
      throw new AppError('FORBIDDEN', `The connection may not read the namespace ${ns} and found nothing in it, so it cannot tell that it exists (${refusal}); no backup was made. Check its name, or back it up with a connection that may read it`);
    }
  }

  const leftOut = new Map<string, { kind: string; reason: string; count: number }>();
  const kept: { api: ApiResource; o: KubeObject }[] = [];
  for (const { api, items } of listed) {
    for (const o of items) {
      const reason = leftOutBecause(api, o);
      if (reason === undefined) kept.push({ api, o });
      else {
        const key = `${api.kind}\0${reason}`;
        const known = leftOut.get(key) ?? { kind: api.kind, reason, count: 0 };
        known.count++;
        leftOut.set(key, known);
      }
    }
  }
  const keptUids = new Set(kept.map(({ o }) => o.metadata?.uid).filter((uid): uid is string => Boolean(uid)));
  const objects = [...namespaceObjects.map((o) => archived(NAMESPACE_API, o, keptUids)), ...kept.map(({ api, o }) => archived(api, o, keptUids))];

  // The CRDs of the custom resources found, so a restore on a cluster without them can serve the objects.
  const custom = [...new Set(kept.filter(({ api }) => !api.builtin).map(({ api }) => `${api.resource}.${api.group}`))].sort();
  await eachLimited(custom, LISTS_AT_ONCE, async (name) => {
    const got = await getOne(kc, CRDS, name, `reading the CRD ${name}`, signal);
    // Not found: an aggregated API's resource, which has no CRD to restore.
    if (got === undefined) return;
    if (isReason(got)) skipped.push({ resource: `customresourcedefinitions.apiextensions.k8s.io (${name})`, reason: `${got.reason}; a restore needs the CRD installed already` });
    else objects.push(archived(CRD_API, got, keptUids));
  });

  objects.sort((a, b) => a.order - b.order || cmp(a.kind, b.kind) || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name));
  skipped.sort((a, b) => cmp(a.resource, b.resource));
  const server = kc.getCurrentCluster()?.server;
  return { objects, skipped, leftOut: [...leftOut.values()], ...(server ? { server } : {}) };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** How many of `objects` are Secrets. */
export const secretCount = (objects: readonly ObjectToArchive[]) => objects.filter(isSecret).length;
