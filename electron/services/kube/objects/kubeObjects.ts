import type { KubeConfig } from '@kubernetes/client-node';
import type { z } from 'zod';
import type { ApiResource, ObjectDetail, ObjectEvent, ObjectRef, OwnerLink, ParamsOf, Permission, RelatedPod, RelatedPods, RevealedSecret } from '../../../../shared/contract';
import { isBuiltinScalable } from '../../../../shared/kubeKinds';
import { AppError } from '../../../../shared/result';
import type { AuditService } from '../../audit/auditService';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';
import { auditTarget } from '../actions/kubeActionTarget';
import { objectPath, resourceLabel, type KubeAccess } from '../client/kubeAccess';
import { kubeStatusError } from '../client/kubeErrors';
import { kubeRequest } from '../client/kubeHttp';
import { ownerToFollow, type LabelSelector, type PodObject } from '../model';
import { isSecretResource, toDetail, utf8Text, type DetailObject, type PodsOnNode } from './objectDetail';
import { newestEvents, type CoreEvent } from './objectEvents';
import { byNamespaceAndName, labelSelectorString, mapSelectorString, mountsClaim, relatedPodOf } from './objectRelations';
import { accessChecks, permissionsOf, type AccessCheck, type ResourceAttributes } from './permissionChecks';

export interface KubeObjectsDeps {
  access: KubeAccess;
  audit: AuditService;
  connections: Pick<ConnectionService, 'list'>;
  log: Logger;
}

/** One object at a time, for the detail view: the object itself, its events and pods, a Secret's values, and what the user may do to it. */
export interface KubeObjects {
  get(ref: ObjectRef): Promise<ObjectDetail>;
  events(ref: ObjectRef): Promise<{ events: ObjectEvent[] }>;
  related(ref: ObjectRef): Promise<z.infer<typeof RelatedPods>>;
  /** Audited as `secret.reveal`; the values are registered with the log redactor (among its revealed values). */
  revealSecret(ref: ObjectRef, actor: string): Promise<z.infer<typeof RevealedSecret>>;
  permissions(params: ParamsOf<'kube.permissions'>): Promise<Record<string, Permission>>;
}

/** Owners followed up the chain at most (Pod → ReplicaSet → Deployment → an operator's CR → …). */
const OWNER_DEPTH = 8;
/** The most related pods returned. */
const PODS_MAX = 500;
/** Pods per page where every page is read. */
const POD_PAGE_SIZE = 500;
/** How long a SelfSubjectAccessReview answer is reused: RBAC changes are rare, menus open often. */
const REVIEW_TTL_MS = 30_000;
/** How long a group version's subresources (a CRD's `scale`) are remembered. */
const SUBRESOURCES_TTL_MS = 5 * 60_000;

const PODS = { group: '', version: 'v1', resource: 'pods' };
const JOBS = { group: 'batch', version: 'v1', resource: 'jobs' };
/** Workloads whose `spec.selector` is a LabelSelector choosing their pods. */
const SELECTING_WORKLOADS = new Set(['apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs']);

interface ListBody<T> {
  metadata?: { continue?: string };
  items?: T[];
}
interface AccessReview {
  status?: { allowed?: boolean; reason?: string };
}
interface WithSelector {
  metadata?: { uid?: string; name?: string; ownerReferences?: { uid: string }[] };
  spec?: { selector?: unknown };
}

/** A group version's discovery document, as far as it is read. */
interface ApiResourceList {
  resources?: { name: string }[];
}

/** "pods team-a/web-1", "nodes gpu-1": an object in messages. */
export function objectText(resourceLabel: string, namespace: string | undefined, name: string): string {
  return `${resourceLabel} ${namespace ? `${namespace}/` : ''}${name}`;
}

/**
 * What reading an owner found: the owner, nothing (gone, or a newer object
 * under its name), a refusal, or a failure to report.
 */
export function ownerReadOutcome(status: number, foundUid: string | undefined, ownerUid: string): 'found' | 'missing' | 'forbidden' | 'failed' {
  // A different uid under the same name is a newer object, not the owner.
  if (status === 404 || (status === 200 && foundUid !== ownerUid)) return 'missing';
  if (status === 403) return 'forbidden';
  return status === 200 ? 'found' : 'failed';
}

/** The filter of the pods assigned to `node`. */
export const onNodeFilter = (node: string): string => `fieldSelector=${encodeURIComponent(`spec.nodeName=${node}`)}`;

/** The query of one page of pods `filter` selects (empty: all), after the page `continueToken` ended. */
export function podPageQuery(filter: string, continueToken: string | undefined): string {
  return `?${filter ? `${filter}&` : ''}limit=${POD_PAGE_SIZE}${continueToken ? `&continue=${encodeURIComponent(continueToken)}` : ''}`;
}

/**
 * Every pod `filter` selects (in `namespace`, or all), page by page, for
 * filters the server cannot apply, counts it does not give, and a drain's
 * pods; any non-200 answer becomes an error naming `what` was being done.
 */
export async function eachPod<P>(kc: KubeConfig, namespace: string | undefined, filter: string, what: string, visit: (pod: P) => void): Promise<void> {
  let continueToken: string | undefined;
  do {
    const res = await kubeRequest<ListBody<P>>(kc, objectPath(PODS, namespace) + podPageQuery(filter, continueToken), { timeoutMs: 30_000 });
    if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    for (const pod of res.body.items ?? []) visit(pod);
    continueToken = res.body.metadata?.continue;
  } while (continueToken);
}

/** Why a node's pods could not be counted, for the detail view. */
export function podCountProblem(err: unknown): string {
  if (err instanceof AppError && err.code === 'FORBIDDEN') return 'no access to list pods';
  return err instanceof Error ? err.message : String(err);
}

/**
 * The field selector of an object's events. Kubelets report about their node
 * with the node's name as uid and write to `default`, so a node's events are
 * matched by name across namespaces (then checked with {@link isAboutNode}).
 */
export function eventsSelector(isNode: boolean, name: string, uid: string): string {
  return isNode ? `involvedObject.kind=Node,involvedObject.name=${name}` : `involvedObject.uid=${uid}`;
}

/** True when an event found by a node's name is about this node: its uid, or its name standing in for one. */
export const isAboutNode = (event: CoreEvent, name: string, uid: string): boolean => event.involvedObject?.uid === uid || event.involvedObject?.uid === name;

/** Where a group version's discovery document is: `/api/v1` for the core group, `/apis/<group>/<version>` for the rest. */
export function groupVersionPath(api: Pick<ApiResource, 'group' | 'version'>): string {
  return api.group ? `/apis/${api.group}/${api.version}` : `/api/${api.version}`;
}

/** The subresources a discovery document lists ("deployments/scale", "pods/log"). */
export function subresourceNames(list: ApiResourceList): Set<string> {
  return new Set((list.resources ?? []).map((r) => r.name).filter((n) => n.includes('/')));
}

/** The objects among `items` that `ownerUid` owns. */
export function ownedBy<T extends { metadata?: { ownerReferences?: { uid: string }[] } }>(items: T[], ownerUid: string | undefined): T[] {
  return items.filter((item) => item.metadata?.ownerReferences?.some((o) => o.uid === ownerUid));
}

/** How a CronJob's related pods are chosen, in words: "pods of jobs a, b". */
export function jobPodsText(jobNames: string[]): string {
  return jobNames.length ? `pods of job${jobNames.length > 1 ? 's' : ''} ${jobNames.join(', ')}` : 'pods of its jobs (none now)';
}

/** Where an object lives, resolved against discovery. */
interface Located {
  kc: KubeConfig;
  api: ApiResource;
  namespace?: string;
  name: string;
  /** "pods team-a/web-1", for messages. */
  label: string;
}

/** {@link KubeObjects} over direct apiserver requests with the connection's own credentials. */
export function createKubeObjects(deps: KubeObjectsDeps): KubeObjects {
  const { access } = deps;
  const reviews = new Map<string, { at: number; answer: Promise<AccessReview['status']> }>();
  const subresources = new Map<string, { at: number; names: Promise<Set<string>> }>();

  const connectionName = (id: string) => deps.connections.list().find((c) => c.id === id)?.name ?? id;

  async function locate(ref: ObjectRef): Promise<Located> {
    const api = await access.resolve(ref.connectionId, ref.resource);
    const label = resourceLabel(ref.resource);
    if (api.namespaced && !ref.namespace) throw new AppError('VALIDATION', `${label} are namespaced: say which namespace ${ref.name} is in`);
    const namespace = api.namespaced ? ref.namespace : undefined;
    const kc = await access.config(ref.connectionId);
    return { kc, api, namespace, name: ref.name, label: objectText(label, namespace, ref.name) };
  }

  /** GET of a path; any non-200 answer becomes an error naming `what` was being done. */
  async function read<T>(kc: KubeConfig, path: string, what: string): Promise<T> {
    const res = await kubeRequest<T>(kc, path, { timeoutMs: 30_000 });
    if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    return res.body;
  }

  const readObject = (at: Located) => read<DetailObject>(at.kc, objectPath(at.api, at.namespace, at.name), `reading ${at.label}`);

  /** Follows controller (else first) owner references upward; stops at a missing or unreadable owner. */
  async function ownerChain(connectionId: string, kc: KubeConfig, obj: DetailObject): Promise<OwnerLink[]> {
    const chain: OwnerLink[] = [];
    const seen = new Set([obj.metadata?.uid]);
    let child = obj;
    for (let depth = 0; depth < OWNER_DEPTH; depth++) {
      const owner = ownerToFollow(child);
      if (!owner || seen.has(owner.uid)) break;
      seen.add(owner.uid);
      const api = await access.resourceOfKind(connectionId, owner.apiVersion, owner.kind);
      const link: OwnerLink = { kind: owner.kind, name: owner.name, uid: owner.uid };
      // A kind the cluster no longer serves cannot have objects.
      if (!api) {
        chain.push({ ...link, unresolved: 'missing' });
        break;
      }
      const namespace = api.namespaced ? child.metadata?.namespace : undefined;
      Object.assign(link, { ...(namespace ? { namespace } : {}), resource: { group: api.group, version: api.version, resource: api.resource } });
      const res = await kubeRequest<DetailObject>(kc, objectPath(api, namespace, owner.name), { timeoutMs: 30_000 });
      const outcome = ownerReadOutcome(res.status, res.body?.metadata?.uid, owner.uid);
      if (outcome === 'missing' || outcome === 'forbidden') {
        chain.push({ ...link, unresolved: outcome });
        break;
      }
      if (outcome === 'failed') throw kubeStatusError(`reading the owner ${objectText(resourceLabel(api), namespace, owner.name)}`, res.status, res.body);
      chain.push(link);
      child = res.body;
    }
    return chain;
  }

  /** Pods matching a query, at most {@link PODS_MAX}. */
  async function podsWhere(kc: KubeConfig, namespace: string | undefined, query: string, what: string): Promise<{ pods: RelatedPod[]; truncated: boolean }> {
    const body = await read<ListBody<PodObject>>(kc, `${objectPath(PODS, namespace)}?${query}&limit=${PODS_MAX}`, what);
    return { pods: (body.items ?? []).map(relatedPodOf), truncated: Boolean(body.metadata?.continue) };
  }

  /**
   * The pods assigned to a node, and those of them not finished (what still
   * holds its resources, as `kubectl describe node` counts). Every page is
   * read: the server gives no remaining count for field-selected lists, and a
   * node holds a few hundred pods at most.
   */
  async function podsOn(kc: KubeConfig, node: string): Promise<PodsOnNode> {
    let assigned = 0;
    let unfinished = 0;
    try {
      await eachPod<{ status?: { phase?: string } }>(kc, undefined, onNodeFilter(node), `counting the pods on node ${node}`, (pod) => {
        assigned++;
        if (pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') unfinished++;
      });
    } catch (err) {
      // The node's own facts still stand; the count says why it is missing.
      return { problem: podCountProblem(err) };
    }
    return { assigned, unfinished };
  }

  const selectorQuery = (selector: string) => `labelSelector=${encodeURIComponent(selector)}`;

  /** Pods of the Jobs a CronJob owns now. */
  async function cronJobPods(at: Located): Promise<z.infer<typeof RelatedPods>> {
    const cronJob = await readObject(at);
    const jobs = await read<ListBody<WithSelector>>(at.kc, objectPath(JOBS, at.namespace), `listing the jobs of ${at.label}`);
    const owned = ownedBy(jobs.items ?? [], cronJob.metadata?.uid);
    const names = owned.map((j) => j.metadata?.name ?? '').sort();
    const perJob = await Promise.all(
      owned.map((job) => {
        const selector = labelSelectorString(job.spec?.selector as LabelSelector | undefined);
        return selector ? podsWhere(at.kc, at.namespace, selectorQuery(selector), `listing the pods of job ${at.namespace}/${job.metadata?.name}`) : { pods: [], truncated: false };
      }),
    );
    const pods = perJob.flatMap((p) => p.pods).sort(byNamespaceAndName);
    return {
      pods: pods.slice(0, PODS_MAX),
      selector: jobPodsText(names),
      truncated: pods.length > PODS_MAX || perJob.some((p) => p.truncated),
    };
  }

  /** Pods in the claim's namespace that mount it: there is no server-side filter for volumes, so every page is read. */
  async function claimPods(at: Located): Promise<z.infer<typeof RelatedPods>> {
    const pods: RelatedPod[] = [];
    let truncated = false;
    await eachPod<PodObject>(at.kc, at.namespace, '', `listing the pods that mount ${at.label}`, (pod) => {
      if (!mountsClaim(pod, at.name)) return;
      if (pods.length < PODS_MAX) pods.push(relatedPodOf(pod));
      else truncated = true;
    });
    return { pods: pods.sort(byNamespaceAndName), selector: `mounting claim ${at.name}`, truncated };
  }

  /** Subresources of a group version, from its discovery document (a CRD's `scale` appears there). */
  function subresourcesOf(connectionId: string, kc: KubeConfig, api: ApiResource): Promise<Set<string>> {
    const gv = groupVersionPath(api);
    const key = `${connectionId}|${gv}`;
    const cached = subresources.get(key);
    if (cached && Date.now() - cached.at < SUBRESOURCES_TTL_MS) return cached.names;
    const names = kubeRequest<ApiResourceList>(kc, gv, { timeoutMs: 30_000 }).then((res) => (res.status === 200 ? subresourceNames(res.body) : new Set<string>()));
    subresources.set(key, { at: Date.now(), names });
    names.catch(() => subresources.delete(key));
    return names;
  }

  /** One SelfSubjectAccessReview, answered from the cache when asked recently. */
  function review(connectionId: string, kc: KubeConfig, attributes: ResourceAttributes, what: string): Promise<AccessReview['status']> {
    const now = Date.now();
    for (const [key, entry] of reviews) if (now - entry.at >= REVIEW_TTL_MS) reviews.delete(key);
    const key = `${connectionId}|${JSON.stringify(attributes)}`;
    const cached = reviews.get(key);
    if (cached) return cached.answer;
    const answer = kubeRequest<AccessReview>(kc, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributes } },
      timeoutMs: 15_000,
    }).then((res) => {
      if (res.status !== 201 && res.status !== 200) throw kubeStatusError(what, res.status, res.body);
      return res.body.status;
    });
    reviews.set(key, { at: now, answer });
    // A failed question is asked again next time, not remembered.
    answer.catch(() => reviews.delete(key));
    return answer;
  }

  return {
    async get(ref) {
      const at = await locate(ref);
      const obj = await readObject(at);
      const isNode = at.api.group === '' && at.api.resource === 'nodes';
      const [owners, podsOnNode] = await Promise.all([ownerChain(ref.connectionId, at.kc, obj), isNode ? podsOn(at.kc, at.name) : undefined]);
      return toDetail(obj, at.api, owners, podsOnNode);
    },

    async events(ref) {
      const at = await locate(ref);
      const obj = await readObject(at);
      const uid = obj.metadata?.uid ?? '';
      const isNode = at.api.group === '' && at.api.resource === 'nodes';
      const path = `${objectPath({ group: '', version: 'v1', resource: 'events' }, at.namespace)}?fieldSelector=${encodeURIComponent(eventsSelector(isNode, at.name, uid))}`;
      const list = await read<ListBody<CoreEvent>>(at.kc, path, `listing the events of ${at.label}`);
      const items = (list.items ?? []).filter((e) => !isNode || isAboutNode(e, at.name, uid));
      return { events: newestEvents(items) };
    },

    async related(ref) {
      const at = await locate(ref);
      const key = `${at.api.group}/${at.api.resource}`;
      if (key === '/nodes') {
        const found = await podsWhere(at.kc, undefined, onNodeFilter(at.name), `listing the pods on node ${at.name}`);
        return { pods: found.pods.sort(byNamespaceAndName), selector: `on node ${at.name}`, truncated: found.truncated };
      }
      if (key === 'batch/cronjobs') return cronJobPods(at);
      if (key === '/persistentvolumeclaims') return claimPods(at);
      const mapSelector = key === '/services' || key === '/replicationcontrollers';
      if (!mapSelector && !SELECTING_WORKLOADS.has(key)) return { pods: [], truncated: false };
      const chooser = (await readObject(at)) as WithSelector;
      const selector = mapSelector
        ? mapSelectorString(chooser.spec?.selector as Record<string, string> | undefined)
        : labelSelectorString(chooser.spec?.selector as LabelSelector | undefined);
      // A Service without a selector has its endpoints managed by hand: no pods are chosen.
      if (!selector) return { pods: [], truncated: false };
      const found = await podsWhere(at.kc, at.namespace, selectorQuery(selector), `listing the pods of ${at.label}`);
      return { pods: found.pods.sort(byNamespaceAndName), selector, truncated: found.truncated };
    },

    async revealSecret(ref, actor) {
      if (!isSecretResource(ref.resource)) throw new AppError('VALIDATION', `Only Secrets can be revealed, not ${resourceLabel(ref.resource)}`);
      const name = connectionName(ref.connectionId);
      return deps.audit.record(
        { actor, action: 'secret.reveal', target: auditTarget(name, ref.namespace, 'secrets', ref.name), connectionId: ref.connectionId, connectionName: name },
        async () => {
          // Located inside the audited step: a reveal refused this early (credentials rejected, connection gone) is recorded too.
          const secret = await readObject(await locate(ref));
          const data = (secret.data ?? {}) as Record<string, string>;
          const values = Object.keys(data)
            .sort()
            .map((key) => {
              const bytes = Buffer.from(data[key], 'base64');
              const text = utf8Text(bytes);
              // Registered before the values leave this function, so no later log line can carry them.
              deps.log.redactor.addRevealed(data[key]);
              if (text !== undefined) deps.log.redactor.addRevealed(text);
              return text !== undefined ? { key, value: text, encoding: 'utf8' as const } : { key, value: data[key], encoding: 'base64' as const };
            });
          return { values };
        },
        ({ values }) => ({ detail: values.length ? `revealed keys: ${values.map((v) => v.key).join(', ')}` : 'the Secret has no keys' }),
      );
    },

    async permissions({ connectionId, resource, namespace, name, actions }) {
      const api = await access.resolve(connectionId, resource);
      const kc = await access.config(connectionId);
      let hasScale = isBuiltinScalable(api);
      if (!hasScale && !api.builtin && actions.includes('scale')) hasScale = (await subresourcesOf(connectionId, kc, api)).has(`${api.resource}/scale`);
      const checks: AccessCheck[] = accessChecks(api, actions, { namespace, name, hasScale });
      const who = connectionName(connectionId);
      const answers = await Promise.all(checks.map((c) => review(connectionId, kc, c.attributes, `checking whether ${who} may ${c.phrase}`)));
      return permissionsOf(who, checks, answers);
    },
  };
}
