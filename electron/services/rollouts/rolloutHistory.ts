/**
 * A workload's kept revisions, found as `kubectl rollout history` finds them:
 * a Deployment's from the ReplicaSets it controls (revision annotation), a
 * StatefulSet's or DaemonSet's from the ControllerRevisions it controls.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ObjectRef, ResourceRef, Revision, RolloutHistory } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { objectPath, resourceLabel, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { KubeObject, LabelSelector } from '../kube/model';
import { labelSelectorString } from '../kube/objects/objectRelations';

/** The annotation the Deployment controller numbers ReplicaSets (and the Deployment) with. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** What `kubectl ... --record` (and people) write to say why. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
/** How many old revisions a controller keeps when `revisionHistoryLimit` is unset. */
const DEFAULT_HISTORY_LIMIT = 10;

interface Container {
  name: string;
  image?: string;
}

/** A pod template, as far as history reads it. */
export interface PodTemplate {
  spec?: { containers?: Container[]; initContainers?: Container[] };
}

/** A Deployment, StatefulSet or DaemonSet, as far as history reads it. */
export interface HistoryOwner extends KubeObject {
  spec?: { selector?: LabelSelector; revisionHistoryLimit?: number; template?: PodTemplate };
  status?: { currentRevision?: string; updateRevision?: string };
}

/** A ReplicaSet, as far as history reads it. */
export interface ReplicaSetObject extends KubeObject {
  spec?: { template?: PodTemplate };
  status?: { replicas?: number; readyReplicas?: number };
}

/** A ControllerRevision: `data` holds the owner's pod template as a patch (`spec.template`). */
export interface ControllerRevisionObject extends KubeObject {
  revision?: number;
  data?: { spec?: { template?: PodTemplate } };
}

export const REPLICA_SETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets' };
const CONTROLLER_REVISIONS: ResourceRef = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };

/** The kinds that keep a history, by their resource. */
const OWNERS = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
} as const;

/** `container=image` for each container of a template, init containers first. */
export function templateImages(template: PodTemplate | undefined): string[] {
  const spec = template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => `${c.name}=${c.image ?? '?'}`);
}

/** Whether `uid` is the object's controller: the ownership kubectl's history and undo go by. */
export const controlledBy = (obj: KubeObject, uid: string | undefined): boolean => (obj.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === uid);
const changeCause = (obj: KubeObject) => obj.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] || undefined;

/** A Deployment's or ReplicaSet's revision annotation; undefined when absent or not a whole number (the controller ignores those too). */
export function revisionOf(obj: KubeObject): number | undefined {
  const value = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The objects of `keeper` (ReplicaSets, ControllerRevisions) in the owner's
 * namespace that it controls: its selector narrows the list on the server,
 * ownership is checked here, as kubectl does.
 */
export async function controlledObjects<T extends KubeObject>(
  kc: KubeConfig,
  owner: { metadata?: KubeObject['metadata']; spec?: { selector?: LabelSelector } },
  namespace: string,
  keeper: ResourceRef,
  label: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const selector = labelSelectorString(owner.spec?.selector);
  const query = selector ? `?labelSelector=${encodeURIComponent(selector)}` : '';
  const res = await kubeRequest<{ items?: T[] }>(kc, objectPath(keeper, namespace) + query, { timeoutMs: 30_000, signal });
  if (res.status !== 200) throw kubeStatusError(`listing the ${keeper.resource} of ${label}`, res.status, res.body);
  return (res.body.items ?? []).filter((item) => controlledBy(item, owner.metadata?.uid));
}

/**
 * A Deployment's revisions: the ReplicaSets it controls with a revision
 * annotation, oldest first. The current one is the Deployment's own
 * revision annotation.
 */
export function deploymentRevisions(deployment: HistoryOwner, replicaSets: readonly ReplicaSetObject[]): Revision[] {
  const uid = deployment.metadata?.uid ?? '';
  const current = revisionOf(deployment);
  return replicaSets
    .filter((rs) => controlledBy(rs, uid))
    .flatMap((rs): Revision[] => {
      const revision = revisionOf(rs);
      if (revision === undefined) return [];
      const cause = changeCause(rs);
      return [
        {
          revision,
          name: rs.metadata?.name ?? '',
          ...(cause ? { changeCause: cause } : {}),
          ...(rs.metadata?.creationTimestamp ? { createdAt: rs.metadata.creationTimestamp } : {}),
          images: templateImages(rs.spec?.template),
          current: revision === current,
          pods: { replicas: rs.status?.replicas ?? 0, ready: rs.status?.readyReplicas ?? 0 },
        },
      ];
    })
    .sort((a, b) => a.revision - b.revision);
}

/**
 * A StatefulSet's or DaemonSet's revisions: the ControllerRevisions it
 * controls, oldest first. The current one is the one its pods are being
 * brought to (`status.updateRevision`), else the newest.
 */
export function controllerRevisions(owner: HistoryOwner, revisions: readonly ControllerRevisionObject[]): Revision[] {
  const uid = owner.metadata?.uid ?? '';
  const mine = revisions.filter((r) => controlledBy(r, uid) && typeof r.revision === 'number').sort((a, b) => a.revision! - b.revision!);
  const updateRevision = owner.status?.updateRevision;
  const currentName = mine.some((r) => r.metadata?.name === updateRevision) ? updateRevision : mine.at(-1)?.metadata?.name;
  return mine.map((r) => {
    const cause = changeCause(r);
    return {
      revision: r.revision!,
      name: r.metadata?.name ?? '',
      ...(cause ? { changeCause: cause } : {}),
      ...(r.metadata?.creationTimestamp ? { createdAt: r.metadata.creationTimestamp } : {}),
      images: templateImages(r.data?.spec?.template),
      current: r.metadata?.name === currentName,
    };
  });
}

/** Reads workloads' histories over the connections' clients. */
export interface RolloutHistoryReader {
  history(ref: ObjectRef): Promise<RolloutHistory>;
}

export function createRolloutHistory(access: Pick<KubeAccess, 'config'>): RolloutHistoryReader {
  return {
    async history(ref) {
      const kind = ref.resource.group === 'apps' ? OWNERS[ref.resource.resource as keyof typeof OWNERS] : undefined;
      if (!kind) throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} keep no rollout history: only Deployments, StatefulSets and DaemonSets do`);
      if (!ref.namespace) throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} are namespaced: give the namespace of "${ref.name}"`);
      const kc = await access.config(ref.connectionId);
      const label = `${resourceLabel(ref.resource)} "${ref.name}" in ${ref.namespace}`;
      const ownerRes = await kubeRequest<HistoryOwner>(kc, objectPath({ group: 'apps', version: 'v1', resource: ref.resource.resource }, ref.namespace, ref.name));
      if (ownerRes.status === 404) throw new AppError('NOT_FOUND', `${label} is not there (any more)`);
      if (ownerRes.status !== 200) throw kubeStatusError(`reading ${label}`, ownerRes.status, ownerRes.body);
      const owner = ownerRes.body;
      const keeper = kind === 'Deployment' ? REPLICA_SETS : CONTROLLER_REVISIONS;
      const items = await controlledObjects(kc, owner, ref.namespace, keeper, label);
      const revisions = kind === 'Deployment' ? deploymentRevisions(owner, items as ReplicaSetObject[]) : controllerRevisions(owner, items as ControllerRevisionObject[]);
      return { kind, revisions, historyLimit: owner.spec?.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT };
    },
  };
}
