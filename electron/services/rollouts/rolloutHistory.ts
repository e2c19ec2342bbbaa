/**
 * A workload's kept revisions, found as `kubectl rollout history` finds them:
 * a Deployment's from the ReplicaSets it controls (revision annotation), a
 * StatefulSet's or DaemonSet's from the ControllerRevisions it controls.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { ObjectRef, ResourceRef, Revision, RevisionTemplate, RevisionTemplateParams, RolloutHistory } from '../../../shared/contract';
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

/** A pod template, as far as history reads it; compared and written back whole. */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string> } & Record<string, unknown>;
  spec?: { containers?: Container[]; initContainers?: Container[] } & Record<string, unknown>;
  [field: string]: unknown;
}

/** The label the Deployment controller adds to each ReplicaSet's template; not part of what a revision is. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

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

/**
 * A ControllerRevision: `data` holds the owner's pod template as the
 * strategic-merge patch that restores it (`spec.template` with `$patch: replace`).
 */
export interface ControllerRevisionObject extends KubeObject {
  revision?: number;
  data?: { spec?: { template?: PodTemplate & { $patch?: string } } };
}

/** One of a workload's kinds that keep a history. */
export type WorkloadKind = RolloutHistory['kind'];

/** Where a Deployment's revisions are kept. */
export const REPLICA_SETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'replicasets' };
const CONTROLLER_REVISIONS: ResourceRef = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };

/** The kinds that keep a history, by their resource. */
const OWNERS = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
} as const;

/** The template without the controller's hash label. */
export function withoutHash(template: PodTemplate | undefined): PodTemplate {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (!Object.keys(copy.metadata.labels).length) delete copy.metadata.labels;
  }
  return copy;
}

/** The pod template a ControllerRevision restores: its patch's template without the `$patch` directive. */
export function controllerRevisionTemplate(revision: ControllerRevisionObject): PodTemplate {
  const { $patch: _directive, ...template } = revision.data?.spec?.template ?? {};
  return template;
}

/** A template as YAML, for people to read and diff. */
export const templateYaml = (template: PodTemplate): string => stringify(template, { lineWidth: 0 });

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

/** One kept revision: its number, the object that keeps it, and the pod template it restores (without the hash label). */
export interface KeptRevision {
  revision: number;
  keeper: ReplicaSetObject | ControllerRevisionObject;
  template: PodTemplate;
}

/**
 * The revisions the workload controls, oldest first: a Deployment's
 * ReplicaSets with a revision annotation, a StatefulSet's or DaemonSet's
 * ControllerRevisions.
 */
export function keptRevisions(kind: WorkloadKind, owner: HistoryOwner, keepers: readonly KubeObject[]): KeptRevision[] {
  const uid = owner.metadata?.uid ?? '';
  return keepers
    .filter((keeper) => controlledBy(keeper, uid))
    .flatMap((keeper): KeptRevision[] => {
      if (kind === 'Deployment') {
        const revision = revisionOf(keeper);
        return revision === undefined ? [] : [{ revision, keeper, template: withoutHash((keeper as ReplicaSetObject).spec?.template) }];
      }
      const { revision } = keeper as ControllerRevisionObject;
      return typeof revision === 'number' ? [{ revision, keeper, template: controllerRevisionTemplate(keeper) }] : [];
    })
    .sort((a, b) => a.revision - b.revision);
}

/**
 * The revision the workload runs: a Deployment's revision annotation; for a
 * StatefulSet or DaemonSet the one its pods are being brought to
 * (`status.updateRevision`), else the newest.
 */
export function currentRevision(kind: WorkloadKind, owner: HistoryOwner, kept: readonly KeptRevision[]): number | undefined {
  if (kind === 'Deployment') return revisionOf(owner);
  const updateRevision = owner.status?.updateRevision;
  return (kept.find((k) => k.keeper.metadata?.name === updateRevision) ?? kept.at(-1))?.revision;
}

function revisionRow(k: KeptRevision, current: number | undefined): Revision {
  const meta = k.keeper.metadata;
  const cause = changeCause(k.keeper);
  return {
    revision: k.revision,
    name: meta?.name ?? '',
    ...(cause ? { changeCause: cause } : {}),
    ...(meta?.creationTimestamp ? { createdAt: meta.creationTimestamp } : {}),
    images: templateImages(k.template),
    current: k.revision === current,
  };
}

/** A Deployment's revision row, with its ReplicaSet's pods. */
function withPods(k: KeptRevision, current: number | undefined): Revision {
  const status = (k.keeper as ReplicaSetObject).status;
  return { ...revisionRow(k, current), pods: { replicas: status?.replicas ?? 0, ready: status?.readyReplicas ?? 0 } };
}

/** A Deployment's revisions, oldest first, with each ReplicaSet's pods. */
export function deploymentRevisions(deployment: HistoryOwner, replicaSets: readonly ReplicaSetObject[]): Revision[] {
  const current = revisionOf(deployment);
  return keptRevisions('Deployment', deployment, replicaSets).map((k) => withPods(k, current));
}

/** A StatefulSet's or DaemonSet's revisions, oldest first. */
export function controllerRevisions(owner: HistoryOwner, revisions: readonly ControllerRevisionObject[]): Revision[] {
  const kept = keptRevisions('StatefulSet', owner, revisions);
  const current = currentRevision('StatefulSet', owner, kept);
  return kept.map((k) => revisionRow(k, current));
}

/** A workload read with its kept revisions: what history, templates and rollbacks start from. */
export interface WorkloadRevisions<T extends HistoryOwner = HistoryOwner> {
  kind: WorkloadKind;
  /** `statefulset "db" in shop`, for messages. */
  label: string;
  /** The workload's API path. */
  path: string;
  owner: T;
  kept: KeptRevision[];
}

/** The kind of a workload that keeps revisions; VALIDATION for others or without a namespace. */
export function workloadKind(ref: ObjectRef): WorkloadKind {
  const kind = ref.resource.group === 'apps' ? OWNERS[ref.resource.resource as keyof typeof OWNERS] : undefined;
  if (!kind) throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} keep no rollout history: only Deployments, StatefulSets and DaemonSets do`);
  if (!ref.namespace) throw new AppError('VALIDATION', `${resourceLabel(ref.resource)} are namespaced: give the namespace of "${ref.name}"`);
  return kind;
}

/** Reads a Deployment, StatefulSet or DaemonSet and the revisions it controls. */
export async function readWorkloadRevisions<T extends HistoryOwner>(kc: KubeConfig, ref: ObjectRef, signal?: AbortSignal): Promise<WorkloadRevisions<T>> {
  const kind = workloadKind(ref);
  const namespace = ref.namespace!;
  const label = `${kind.toLowerCase()} "${ref.name}" in ${namespace}`;
  const path = objectPath({ group: 'apps', version: 'v1', resource: ref.resource.resource }, namespace, ref.name);
  const res = await kubeRequest<T>(kc, path, { timeoutMs: 30_000, deadlineMs: 30_000, signal });
  if (res.status === 404) throw new AppError('NOT_FOUND', `${label} is not there (any more)`);
  if (res.status !== 200) throw kubeStatusError(`reading ${label}`, res.status, res.body);
  const owner = res.body;
  const keepers = await controlledObjects(kc, owner, namespace, kind === 'Deployment' ? REPLICA_SETS : CONTROLLER_REVISIONS, label, signal);
  return { kind, label, path, owner, kept: keptRevisions(kind, owner, keepers) };
}

/** Reads workloads' histories over the connections' clients. */
export interface RolloutHistoryReader {
  history(ref: ObjectRef): Promise<RolloutHistory>;
  /** One kept revision's pod template as YAML, without the hash label: what the History tab diffs. */
  revisionTemplate(params: RevisionTemplateParams): Promise<RevisionTemplate>;
}

/** Workload histories and revision templates, read over the connections' clients. */
export function createRolloutHistory(access: Pick<KubeAccess, 'config'>): RolloutHistoryReader {
  return {
    async history(ref) {
      const { kind, owner, kept } = await readWorkloadRevisions(await access.config(ref.connectionId), ref);
      const current = currentRevision(kind, owner, kept);
      const revisions = kept.map((k) => (kind === 'Deployment' ? withPods(k, current) : revisionRow(k, current)));
      return { kind, revisions, historyLimit: owner.spec?.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT };
    },
    async revisionTemplate({ revision, ...ref }) {
      const { label, kept } = await readWorkloadRevisions(await access.config(ref.connectionId), ref);
      const found = kept.find((k) => k.revision === revision);
      if (!found) throw new AppError('NOT_FOUND', `Revision ${revision} of ${label} is not kept (any more)`);
      return { revision, yaml: templateYaml(found.template) };
    },
  };
}
