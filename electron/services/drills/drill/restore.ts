/**
 * Restoring one namespace of an archive into a drill namespace: the CRDs
 * its custom resources need (only those the target lacks), the Namespace
 * (renamed, labelled with the drill), then each object in the archive's
 * order with its namespace rewritten.
 *
 * Objects are created with POST rather than server-side apply: a create
 * never touches an object that is there already (a 409 says so, and the
 * object is reported, not overwritten), and every 201 is an object this
 * drill made and may delete, which is what its cleanup relies on. An apply
 * would take over an existing object's fields without telling.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../../shared/result';
import { objectPath } from '../../kube/client/kubeAccess';
import { kubeStatusError } from '../../kube/client/kubeErrors';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model/kubeObject';
import type { ArchivedObject, VerifiedArchive } from '../archive/archiveTypes';
import { cleanObject, leftOutBecause } from '../backup/collect';
import {
  createdLabel,
  DRILL_LABEL,
  isCrdEntry,
  isNamespaceEntry,
  isUnreachable,
  messageOf,
  refOfEntry,
  ServedResources,
  type CreatedRef,
} from './drillObjects';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
/** Each write's deadline: a create is small; a server slower than this is treated as gone. */
const WRITE_DEADLINE_MS = 30_000;
/** How long a created CRD may take to be Established (names accepted, served). */
const CRD_ESTABLISHED_MS = 60_000;
const POLL_MS = 500;

/** The label the server sets on every namespace to its own name: the target's is set by the target. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** What {@link restoreArchive} is told. */
export interface RestoreOptions {
  /** The archived namespace to restore. */
  sourceNamespace: string;
  /** The namespace it is restored into. */
  targetNamespace: string;
  /** The drill's id, the value of the {@link DRILL_LABEL} label on the namespace. */
  drillId: string;
  /** Restore into a namespace that exists; refused (CONFLICT) otherwise. */
  allowExistingNamespace: boolean;
  /** Checked between objects: a create under way is finished, so its object is known and reported. */
  signal?: AbortSignal;
  /** Called as soon as each object is created, before the next is attempted: persist it, so a crash can still clean up. */
  onCreated: (ref: CreatedRef) => void;
  /** `done` of `total` objects, and what is being done. */
  onProgress?: (done: number, total: number, message: string) => void;
}

/** What a restore did. */
export interface RestoreResult {
  /** In the order created. */
  created: CreatedRef[];
  /** The drill created the target namespace (so its cleanup deletes the namespace). */
  namespaceCreated: boolean;
  /** Objects that were there already, reported and left as they were ("Deployment drill-a/web"). */
  existing: string[];
  /** CRDs the target cluster had already, so they were not created. */
  crdsPresent: string[];
  /** Archived objects the restore left to the cluster, and why (see {@link leftOutBecause}: an archive written otherwise is held to the backup's rules). */
  leftToCluster: { object: string; reason: string }[];
  /** Objects the target refused (not served, forbidden, invalid), and its words. */
  failed: { object: string; message: string }[];
}

/** The restore stopped part-way (the apiserver went away): `created` is what exists so far, for the cleanup. */
export class RestoreStopped extends AppError {
  constructor(
    message: string,
    readonly created: CreatedRef[],
    code: AppError['code'] = 'UNREACHABLE',
  ) {
    super(code, message);
    this.name = 'RestoreStopped';
  }
}

type Item = { entry: ArchivedObject; object: KubeObject };

/** The archived objects a restore of `namespace` takes, in archive order: its Namespace, its objects, and the CRDs their kinds need. */
export function selectNamespace(archive: VerifiedArchive, namespace: string): { crds: Item[]; namespaceObject?: KubeObject; objects: Item[] } {
  const objects = archive.objects.filter((o) => o.entry.namespace === namespace);
  const groupResources = new Set(objects.map((o) => `${o.entry.resource}.${o.entry.group}`));
  const crds = archive.objects.filter((o) => {
    if (!isCrdEntry(o.entry)) return false;
    const spec = (o.object.spec ?? {}) as { group?: string; names?: { plural?: string } };
    return groupResources.has(`${spec.names?.plural}.${spec.group}`);
  });
  const namespaceObject = archive.objects.find((o) => isNamespaceEntry(o.entry) && o.entry.name === namespace)?.object;
  return { crds, namespaceObject, objects };
}

/**
 * The body that creates an archived object in `targetNamespace`: cleaned as
 * the backup cleans it (see {@link cleanObject}: server-set metadata and
 * status, and what only held on the source cluster — a Service's cluster IPs
 * and node ports, a claim's volume, a Job's generated selector, a bare Pod's
 * node — so an archive written otherwise is held to the same), without any
 * owner reference (the old owners' uids: the garbage collector would delete
 * it) or finalizer (a controller the target lacks would hold the cleanup up
 * for ever), moved to the target namespace. A RoleBinding's ServiceAccount
 * subjects of the source namespace are moved with it, since Kubernetes names
 * a subject's namespace; other fields that mention the source namespace are
 * left as they are.
 */
export function restoreBody(entry: Pick<ArchivedObject, 'group' | 'resource'>, object: KubeObject, sourceNamespace: string, targetNamespace: string): KubeObject {
  const body = cleanObject(entry, object, new Set()) as KubeObject & { subjects?: { kind?: string; namespace?: string }[] };
  const metadata = { ...(body.metadata ?? {}), namespace: targetNamespace } as KubeObject['metadata'] & { finalizers?: string[] };
  delete metadata.finalizers;
  body.metadata = metadata;
  if (entry.group === 'rbac.authorization.k8s.io' && entry.resource === 'rolebindings' && Array.isArray(body.subjects)) {
    for (const subject of body.subjects) if (subject.kind === 'ServiceAccount' && subject.namespace === sourceNamespace) subject.namespace = targetNamespace;
  }
  return body;
}

/** The Namespace the drill restores into: the archived one's labels and annotations, renamed and labelled with the drill. */
export function namespaceBody(archived: KubeObject | undefined, targetNamespace: string, drillId: string): KubeObject {
  const labels: Record<string, string> = { ...(archived?.metadata?.labels ?? {}), [DRILL_LABEL]: drillId };
  delete labels[NAME_LABEL];
  const annotations = archived?.metadata?.annotations;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: targetNamespace, labels, ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}) } };
}

/**
 * Restores `sourceNamespace` of the archive into `targetNamespace` (see the
 * module's comment). Refused with CONFLICT before anything is written when
 * the target namespace exists (unless allowed) or is being deleted. Objects
 * the target refuses are listed in the result and the restore goes on; the
 * apiserver going away stops it with a {@link RestoreStopped} that carries
 * what was created. A cancel stops it between objects with the signal's reason.
 */
export async function restoreArchive(kc: KubeConfig, archive: VerifiedArchive, options: RestoreOptions): Promise<RestoreResult> {
  const { sourceNamespace: source, targetNamespace: target, signal } = options;
  const { crds, namespaceObject, objects } = selectNamespace(archive, source);
  if (!objects.length && !namespaceObject) throw new AppError('NOT_FOUND', `The archive holds nothing of namespace ${source} (it has ${archive.manifest.namespaces.join(', ') || 'no namespace'})`);
  const result: RestoreResult = { created: [], namespaceCreated: false, existing: [], crdsPresent: [], leftToCluster: [], failed: [] };
  const served = new ServedResources(kc, signal);
  const total = crds.length + 1 + objects.length;
  let done = 0;
  let current = '';
  const created = (ref: CreatedRef) => {
    result.created.push(ref);
    options.onCreated(ref);
  };

  try {
    current = `Namespace ${target}`;
    const existing = await kubeRequest<KubeObject>(kc, objectPath(NAMESPACES, undefined, target), { deadlineMs: WRITE_DEADLINE_MS, signal });
    if (existing.status === 200) {
      if (existing.body.metadata?.deletionTimestamp) throw new AppError('CONFLICT', `Namespace ${target} is being deleted on the target cluster: wait until it is gone, or restore into another namespace. Nothing was restored`);
      if (!options.allowExistingNamespace) {
        throw new AppError('CONFLICT', `Namespace ${target} exists on the target cluster: choose another target namespace, or allow restoring into an existing one. Nothing was restored`);
      }
    } else if (existing.status !== 404) {
      throw kubeStatusError(`checking whether namespace ${target} exists`, existing.status, existing.body);
    }

    for (const { entry, object } of crds) {
      signal?.throwIfAborted();
      current = `CustomResourceDefinition ${entry.name}`;
      options.onProgress?.(done, total, `CustomResourceDefinition ${entry.name}`);
      try {
        const had = await kubeRequest(kc, objectPath(CRDS, undefined, entry.name), { deadlineMs: WRITE_DEADLINE_MS });
        if (had.status === 404) {
          const ref = await create(kc, { ...CRDS, kind: 'CustomResourceDefinition' }, undefined, withoutFinalizers(cleanObject(entry, object, new Set())));
          if (ref) {
            created(ref);
            const problem = await waitEstablished(kc, entry.name, signal);
            if (problem) result.failed.push({ object: `CustomResourceDefinition ${entry.name}`, message: problem });
            const spec = (object.spec ?? {}) as { group?: string; versions?: { name: string }[] };
            for (const v of spec.versions ?? []) served.forget(spec.group ?? '', v.name);
          } else {
            result.crdsPresent.push(entry.name);
          }
        } else if (had.status === 200) {
          result.crdsPresent.push(entry.name);
        } else {
          throw kubeStatusError(`reading CustomResourceDefinition ${entry.name}`, had.status, had.body);
        }
      } catch (err) {
        // Its objects then fail one by one as not served, each named.
        if (isUnreachable(err) || signal?.aborted) throw err;
        result.failed.push({ object: `CustomResourceDefinition ${entry.name}`, message: messageOf(err) });
      }
      done++;
    }

    signal?.throwIfAborted();
    current = `Namespace ${target}`;
    options.onProgress?.(done, total, `Namespace ${target}`);
    if (existing.status === 404) {
      const ref = await create(kc, { ...NAMESPACES, kind: 'Namespace' }, undefined, namespaceBody(namespaceObject, target, options.drillId));
      if (ref) {
        created(ref);
        result.namespaceCreated = true;
      } else {
        throw new AppError('CONFLICT', `Namespace ${target} was created by someone else while the drill started. Nothing was restored`);
      }
    }
    done++;

    for (const { entry, object } of objects) {
      signal?.throwIfAborted();
      const label = createdLabel({ kind: entry.kind, namespace: target, name: entry.name });
      current = label;
      options.onProgress?.(done, total, label);
      done++;
      const left = leftOutBecause(entry, object);
      if (left) {
        result.leftToCluster.push({ object: label, reason: left });
        continue;
      }
      const ref = { ...refOfEntry(entry), kind: entry.kind };
      try {
        const resource = await served.require(ref, label);
        if (!resource.namespaced) throw new AppError('VALIDATION', `${entry.kind} is cluster-scoped on the target cluster, namespaced in the archive`);
        const body = restoreBody(entry, object, source, target);
        const made = await create(kc, ref, target, body);
        if (made) created(made);
        else if (result.namespaceCreated && isDefaultServiceAccount(entry, object)) await givePullSecrets(kc, target, body);
        else result.existing.push(label);
      } catch (err) {
        if (isUnreachable(err) || signal?.aborted) throw err;
        result.failed.push({ object: label, message: messageOf(err) });
      }
    }
    options.onProgress?.(total, total, 'Restored');
    return result;
  } catch (err) {
    if (signal?.aborted || !isUnreachable(err)) throw err;
    const count = result.created.length;
    throw new RestoreStopped(`The restore stopped at ${current}, after creating ${count} object${count === 1 ? '' : 's'}: ${messageOf(err)}`, result.created);
  }
}

/** A CRD's body: a controller's finalizer on it would hold its cleanup up. */
function withoutFinalizers(object: KubeObject): KubeObject {
  const metadata = { ...(object.metadata ?? {}) } as KubeObject['metadata'] & { finalizers?: string[] };
  delete metadata.finalizers;
  return { ...object, metadata };
}

/** POSTs `body`; the created object's ref, or undefined when it existed already (409). Other refusals throw. */
async function create(kc: KubeConfig, ref: Omit<CreatedRef, 'name' | 'namespace' | 'uid'>, namespace: string | undefined, body: KubeObject): Promise<CreatedRef | undefined> {
  const name = body.metadata?.name ?? '';
  // No signal: a create cut off mid-way may have happened without us knowing, and then its object would not be cleaned up.
  const res = await kubeRequest<KubeObject>(kc, objectPath(ref, namespace), { method: 'POST', body, deadlineMs: WRITE_DEADLINE_MS });
  if (res.status === 409) return undefined;
  if (res.status !== 201 && res.status !== 200 && res.status !== 202) {
    const what = `creating ${createdLabel({ kind: ref.kind, namespace, name })}`;
    // A refusal (a webhook's, a validation's) may quote what it refused, and a Secret's values must not reach the timeline or the report.
    if (ref.group === '' && ref.resource === 'secrets') throw annotate(kubeStatusError(what, res.status), ": the server's message is not shown, as it may quote the Secret's values");
    throw kubeStatusError(what, res.status, res.body);
  }
  return { group: ref.group, version: ref.version, resource: ref.resource, kind: ref.kind, ...(namespace ? { namespace } : {}), name, uid: res.body.metadata?.uid };
}

/** The namespace's `default` ServiceAccount, backed up for the pull secrets it names (see the backup's `leftOutBecause`). */
function isDefaultServiceAccount(entry: Pick<ArchivedObject, 'group' | 'resource' | 'name'>, object: KubeObject): boolean {
  return entry.group === '' && entry.resource === 'serviceaccounts' && entry.name === 'default' && Array.isArray(object.imagePullSecrets);
}

/**
 * Gives the `default` ServiceAccount the cluster made in a namespace the
 * drill created the pull secrets the backed-up one named (a merge patch of
 * that field only), so the restored pods pull their images.
 */
async function givePullSecrets(kc: KubeConfig, namespace: string, body: KubeObject): Promise<void> {
  const path = objectPath({ group: '', version: 'v1', resource: 'serviceaccounts' }, namespace, 'default');
  const res = await kubeRequest(kc, path, { method: 'PATCH', patch: 'merge', body: { imagePullSecrets: body.imagePullSecrets }, deadlineMs: WRITE_DEADLINE_MS });
  if (res.status !== 200) throw kubeStatusError(`giving ServiceAccount ${namespace}/default its image pull secrets`, res.status, res.body);
}

/** The same error, its message followed by `more`. */
function annotate(err: AppError, more: string): AppError {
  return new AppError(err.code, `${err.message}${more}`);
}

/** Waits until a created CRD is Established (its names accepted and its resource served), bounded; what went wrong when it was not. */
async function waitEstablished(kc: KubeConfig, name: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  const until = Date.now() + CRD_ESTABLISHED_MS;
  for (;;) {
    const res = await kubeRequest<{ status?: { conditions?: { type: string; status: string; message?: string }[] } }>(kc, objectPath(CRDS, undefined, name), {
      deadlineMs: WRITE_DEADLINE_MS,
      signal,
    });
    if (res.status !== 200) throw kubeStatusError(`reading CustomResourceDefinition ${name}`, res.status, res.body);
    const conditions = res.body.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return undefined;
    const refused = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
    if (refused) return `created, but its names were not accepted: ${refused.message ?? 'a name is taken'}`;
    if (Date.now() >= until) return `created, but not established within ${CRD_ESTABLISHED_MS / 1000} s`;
    await sleep(POLL_MS, undefined, { signal });
  }
}

