/**
 * `kubectl rollout undo` for Deployments, as an audited task: the
 * revision's pod template (and annotations) put back on the Deployment,
 * refused when it is paused, skipped when it already runs that template,
 * tried first as a server-side dry run, guarded so a change made meanwhile
 * is reported, never overwritten; then followed as `kubectl rollout status`
 * does, to a verdict: complete, or stalled past its progress deadline.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { RollbackParams } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { UndoStep } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { KubeObject, LabelSelector } from '../kube/model';
import { systemClock } from '../kube/actions/evictions';
import type { Logger } from '../logging/logger';
import type { TaskContext, TaskRunner } from '../tasks/taskRunner';
import { controlledObjects, REPLICA_SETS, revisionOf, REVISION_ANNOTATION, templateImages, type PodTemplate } from './rolloutHistory';

/** The label the Deployment controller adds to each ReplicaSet's template; not part of what a revision is. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Annotations a rollback leaves as the Deployment has them, as kubectl does (`annotationsToSkip`). */
const ANNOTATIONS_KEPT = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

/** A pod template, compared and patched whole. */
type Template = { metadata?: { labels?: Record<string, string> } & Record<string, unknown> } & Record<string, unknown>;

interface Deployment extends KubeObject {
  spec?: { paused?: boolean; selector?: LabelSelector; template?: Template };
}

interface RevisionSet extends KubeObject {
  spec?: { template?: Template };
}

/** The template without the controller's hash label. */
export function withoutHash(template: Template | undefined): Template {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (!Object.keys(copy.metadata.labels).length) delete copy.metadata.labels;
  }
  return copy;
}

/** JSON values equal, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The ReplicaSet to roll back to, as kubectl picks it: revision `toRevision`,
 * or (0) the newest revision before the latest one.
 */
export function rollbackSource(name: string, replicaSets: readonly RevisionSet[], toRevision: number): { rs: RevisionSet; revision: number } {
  const numbered = replicaSets.flatMap((rs) => {
    const revision = revisionOf(rs);
    return revision === undefined ? [] : [{ rs, revision }];
  });
  if (toRevision > 0) {
    const found = numbered.find((n) => n.revision === toRevision);
    if (!found) throw new AppError('NOT_FOUND', `Revision ${toRevision} of deployment "${name}" is not kept: unable to find it in its history`);
    return found;
  }
  const [, previous] = [...numbered].sort((a, b) => b.revision - a.revision);
  if (!previous) throw new AppError('NOT_FOUND', `No rollout history found for deployment "${name}": no earlier revision is kept (its revisionHistoryLimit may be 0)`);
  return previous;
}

/** The Deployment's annotations after the rollback: its own bookkeeping ones, then the revision's others, as kubectl does. */
export function rollbackAnnotations(deployment: Deployment, rs: RevisionSet): Record<string, string> {
  const own = deployment.metadata?.annotations ?? {};
  const annotations: Record<string, string> = {};
  for (const key of ANNOTATIONS_KEPT) if (own[key] !== undefined) annotations[key] = own[key];
  for (const [key, value] of Object.entries(rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_KEPT.has(key)) annotations[key] = value;
  return annotations;
}

/**
 * The JSON patch that puts the revision back: it fails (and changes nothing)
 * unless the Deployment is still at the resourceVersion read.
 */
export function rollbackPatch(deployment: Deployment, rs: RevisionSet): unknown[] {
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: deployment.metadata?.resourceVersion },
    { op: 'replace', path: '/spec/template', value: withoutHash(rs.spec?.template) },
    { op: 'replace', path: '/metadata/annotations', value: rollbackAnnotations(deployment, rs) },
  ];
}

/** A short account of a template: its images. */
const imagesOf = (template: Template | undefined): string => templateImages(template as PodTemplate | undefined).join(', ');

/** A Deployment's rollout status, as far as the verdict reads it. */
interface DeploymentStatus {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** Where a rollout stands, as `kubectl rollout status` judges it. */
export interface RolloutProgress {
  state: 'waiting' | 'complete' | 'stalled';
  desired: number;
  updated: number;
  ready: number;
  available: number;
  message: string;
}

/** `kubectl rollout status`'s verdict on a Deployment. */
export function rolloutProgress(d: DeploymentStatus): RolloutProgress {
  const st = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const counts = { desired, updated: st.updatedReplicas ?? 0, ready: st.readyReplicas ?? 0, available: st.availableReplicas ?? 0 };
  const of = `${counts.updated} of ${desired} updated, ${counts.ready} ready, ${counts.available} available`;
  if ((d.metadata?.generation ?? 0) > (st.observedGeneration ?? 0)) return { state: 'waiting', ...counts, message: 'waiting for the controller to see the change' };
  const progressing = st.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { state: 'stalled', ...counts, message: `exceeded its progress deadline: ${progressing.message ?? of}` };
  if (counts.updated < desired) return { state: 'waiting', ...counts, message: of };
  if ((st.replicas ?? 0) > counts.updated) return { state: 'waiting', ...counts, message: `${of}; ${(st.replicas ?? 0) - counts.updated} old replicas still terminating` };
  if (counts.available < counts.updated) return { state: 'waiting', ...counts, message: of };
  return { state: 'complete', ...counts, message: of };
}

export interface RollbacksDeps {
  access: Pick<KubeAccess, 'config'>;
  connections: Pick<ConnectionService, 'list'>;
  runner: Pick<TaskRunner, 'start'>;
  log: Logger;
  /** How often the rollout is read while waiting for its verdict. */
  pollMs?: number;
}

/** Rolls Deployments back to a kept revision, as tasks. */
export interface Rollbacks {
  start(params: RollbackParams, actor: string): { taskId: string };
}

/** What a rollback task ends with. */
interface Rolled {
  skipped: boolean;
  toRevision: number;
  verdict: string;
}

export const ROLLBACK_PHASES = ['Roll back', 'Wait for the rollout'] as const;

export function createRollbacks({ access, connections, runner, log, pollMs = 1000 }: RollbacksDeps): Rollbacks {
  async function read<T>(kc: KubeConfig, path: string, what: string, missing: string, signal?: AbortSignal): Promise<T> {
    const res = await kubeRequest<T>(kc, path, { timeoutMs: 30_000, deadlineMs: 30_000, signal });
    if (res.status === 404) throw new AppError('NOT_FOUND', missing);
    if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    return res.body;
  }

  async function rollback(ctx: TaskContext, params: RollbackParams): Promise<Rolled> {
    const { toRevision, ifCurrentRevision, ...ref } = params;
    const namespace = ref.namespace!;
    const label = `deployment "${ref.name}" in ${namespace}`;
    const path = objectPath(DEPLOYMENTS, namespace, ref.name);
    const kc = await access.config(ref.connectionId);
    const deployment = await read<Deployment>(kc, path, `reading ${label}`, `${label} is not there (any more)`, ctx.signal);
    const current = revisionOf(deployment);
    const before = `revision ${current ?? '?'} (${imagesOf(deployment.spec?.template)})`;
    ctx.record({ audit: { before } });
    if (deployment.spec?.paused) throw new AppError('VALIDATION', `${label} is paused: resume it first (kubectl rollout resume) and try again`);
    if (ifCurrentRevision !== undefined && current !== ifCurrentRevision) {
      throw new AppError('CONFLICT', `${label} runs revision ${current ?? 'unknown'} now, not ${ifCurrentRevision}: it was changed since. Nothing was changed`);
    }
    const own = await controlledObjects<RevisionSet>(kc, deployment, namespace, REPLICA_SETS, label, ctx.signal);
    const source = rollbackSource(ref.name, own, toRevision);
    const to = `the template of revision ${source.revision} (${imagesOf(source.rs.spec?.template)})`;
    if (sameJson(withoutHash(source.rs.spec?.template), withoutHash(deployment.spec?.template))) {
      ctx.record({ audit: { before, after: `unchanged: already ${to}` } });
      return { skipped: true, toRevision: source.revision, verdict: `Skipped: ${label} already runs ${to}.` };
    }

    const patch = rollbackPatch(deployment, source.rs);
    // The server's admission (quotas, policies, webhooks) says no before anything changes.
    for (const dryRun of [true, false]) {
      ctx.throwIfCancelled();
      const res = await kubeRequest(kc, path + (dryRun ? '?dryRun=All' : ''), { method: 'PATCH', patch: 'json', body: patch, deadlineMs: 30_000 });
      // A failed `test` op: the Deployment changed between the read and the patch.
      if (res.status === 422 || res.status === 409) throw new AppError('CONFLICT', `${label} was changed while the rollback was prepared: nothing was changed. Look again and retry`);
      if (res.status !== 200) throw kubeStatusError(`${dryRun ? 'trying (dry run) ' : ''}rolling back ${label}`, res.status, res.body);
    }
    // The controller numbers the restored template latest + 1; undoing goes back to what ran before, while that is still so.
    const latest = Math.max(...own.map((rs) => revisionOf(rs) ?? 0));
    const undo: UndoStep | undefined =
      current === undefined ? undefined : { method: 'rollouts.rollback', params: { ...ref, toRevision: current, ifCurrentRevision: latest + 1 }, label: `Roll back to revision ${current}` };
    ctx.record({ audit: { before, after: to, ...(undo ? { undo } : {}) }, summary: `Rolled back ${label} to ${to}; waiting for the rollout.` });
    log.info('deployment rolled back', { connectionId: ref.connectionId, namespace, name: ref.name, toRevision: source.revision });

    // Past the point of no return: a cancel stops the waiting, not the rollback.
    ctx.phase('Wait for the rollout');
    for (;;) {
      const now = await read<DeploymentStatus>(kc, path, `reading ${label}`, `${label} was deleted during its rollback`, ctx.signal);
      const progress = rolloutProgress(now);
      ctx.progress(progress.available, progress.desired, progress.message);
      if (progress.state === 'complete') return { skipped: false, toRevision: source.revision, verdict: `${label} runs ${to}: ${progress.message}.` };
      if (progress.state === 'stalled') {
        throw new AppError('TIMEOUT', `${label} took ${to} but its rollout ${progress.message}. Undo it from the audit log to go back to revision ${current ?? '?'}`);
      }
      await systemClock.sleep(pollMs, ctx.signal);
    }
  }

  return {
    start(params, actor) {
      const ref = params;
      if (ref.resource.group !== 'apps' || ref.resource.resource !== 'deployments') {
        throw new AppError('VALIDATION', 'Only Deployments roll back this way for now; StatefulSets and DaemonSets keep their history in ControllerRevisions');
      }
      if (!ref.namespace) throw new AppError('VALIDATION', `deployments are namespaced: give the namespace of "${ref.name}"`);
      const connectionName = connectionNameOf(connections, ref.connectionId);
      const { id } = runner.start(
        {
          kind: 'rollouts.rollback',
          title: `Roll back deployment ${ref.name} to ${params.toRevision ? `revision ${params.toRevision}` : 'the previous revision'}`,
          target: auditTarget(connectionName, ref.namespace, 'deployments', ref.name),
          connectionId: ref.connectionId,
          connectionName,
          actor,
          phases: [...ROLLBACK_PHASES],
          unit: 'pods',
        },
        (ctx) => rollback(ctx, params),
        { describe: (done) => ({ result: { skipped: done.skipped, toRevision: done.toRevision }, report: done.verdict }) },
      );
      return { taskId: id };
    },
  };
}
