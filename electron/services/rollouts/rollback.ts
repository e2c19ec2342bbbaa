/**
 * `kubectl rollout undo` for Deployments, StatefulSets and DaemonSets, as
 * an audited task: the revision's pod template put back on the workload (a
 * Deployment also takes the revision's annotations), a paused Deployment
 * refused, skipped when it already runs that template, tried first as a
 * server-side dry run, guarded so a change made meanwhile is reported, never
 * overwritten; then followed as `kubectl rollout status` does, to a verdict.
 * The same plan, dry-run only, is the preview the confirmation shows.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { RollbackParams, RollbackPreview } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { UndoStep } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { changedMeanwhile, sameJson, type JsonPatchOp } from '../kube/client/guardedPatch';
import { kubeRequest, kubeStream } from '../kube/client/kubeHttp';
import type { KubeObject } from '../kube/model';
import { systemClock } from '../kube/actions/evictions';
import type { Logger } from '../logging/logger';
import type { TaskContext, TaskRunner } from '../tasks/taskRunner';
import { silenceBudget } from './lostContact';
import { managedBy } from './managedBy';
import {
  currentRevision,
  readWorkloadRevisions,
  REVISION_ANNOTATION,
  templateImages,
  templateYaml,
  withoutHash,
  workloadKind,
  type HistoryOwner,
  type KeptRevision,
  type PodTemplate,
  type WorkloadKind,
  type WorkloadRevisions,
} from './rolloutHistory';

/** Annotations a rollback leaves as the Deployment has them, as kubectl does (`annotationsToSkip`). */
const ANNOTATIONS_KEPT = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/** A Deployment, StatefulSet or DaemonSet as a rollback and `kubectl rollout status` read it. */
export interface RolloutWorkload extends HistoryOwner {
  spec?: HistoryOwner['spec'] & {
    paused?: boolean;
    replicas?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  status?: HistoryOwner['status'] & {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentReplicas?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/**
 * The revision to roll back to, as kubectl picks it: revision `toRevision`,
 * or (0) the newest one before the latest. `what` names the workload:
 * `deployment "web"`.
 */
export function rollbackSource(what: string, kept: readonly KeptRevision[], toRevision: number): KeptRevision {
  if (toRevision > 0) {
    const found = kept.find((k) => k.revision === toRevision);
    if (!found) throw new AppError('NOT_FOUND', `Revision ${toRevision} of ${what} is not kept: unable to find it in its history`);
    return found;
  }
  const [, previous] = [...kept].sort((a, b) => b.revision - a.revision);
  if (!previous) throw new AppError('NOT_FOUND', `No rollout history found for ${what}: no earlier revision is kept (its revisionHistoryLimit may be 0)`);
  return previous;
}

/** The Deployment's annotations after the rollback: its own bookkeeping ones, then the revision's others, as kubectl does. */
export function rollbackAnnotations(deployment: KubeObject, rs: KubeObject): Record<string, string> {
  const own = deployment.metadata?.annotations ?? {};
  const annotations: Record<string, string> = {};
  for (const key of ANNOTATIONS_KEPT) if (own[key] !== undefined) annotations[key] = own[key];
  for (const [key, value] of Object.entries(rs.metadata?.annotations ?? {})) if (!ANNOTATIONS_KEPT.has(key)) annotations[key] = value;
  return annotations;
}

/**
 * The JSON patch that puts the revision back; it fails (and changes nothing)
 * unless the workload is still the object read, at the spec generation read:
 * someone else's change to its spec is never overwritten, while its status
 * moving on (pods crash-looping in an incident change it every few seconds)
 * does not stand in the way. A StatefulSet's
 * or DaemonSet's is kubectl's strategic-merge patch (the ControllerRevision's
 * `data`, `spec.template` with `$patch: replace`) said as a JSON `replace`,
 * which does the same and can carry the `test`; a Deployment's also takes the
 * revision's annotations.
 */
export function rollbackPatch(kind: WorkloadKind, owner: KubeObject, to: KeptRevision): JsonPatchOp[] {
  return [
    { op: 'test', path: '/metadata/uid', value: owner.metadata?.uid },
    { op: 'test', path: '/metadata/generation', value: owner.metadata?.generation },
    { op: 'replace', path: '/spec/template', value: to.template },
    ...(kind === 'Deployment' ? [{ op: 'replace' as const, path: '/metadata/annotations', value: rollbackAnnotations(owner, to.keeper) }] : []),
  ];
}

/** A short account of a template: its images. */
const imagesOf = (template: PodTemplate | undefined): string => templateImages(template).join(', ');

/** Where a rollout stands, as `kubectl rollout status` judges it. */
export interface RolloutProgress {
  /** `unwatched`: its update strategy is not RollingUpdate, so there is no rollout to wait for (kubectl refuses to). */
  state: 'waiting' | 'complete' | 'stalled' | 'unwatched';
  desired: number;
  updated: number;
  ready: number;
  available: number;
  message: string;
}

const observed = (w: RolloutWorkload): boolean => (w.metadata?.generation ?? 0) <= (w.status?.observedGeneration ?? 0);
const NOT_OBSERVED = 'waiting for the controller to see the change';

/** `kubectl rollout status`'s verdict on a Deployment. */
export function rolloutProgress(d: RolloutWorkload): RolloutProgress {
  const st = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const counts = { desired, updated: st.updatedReplicas ?? 0, ready: st.readyReplicas ?? 0, available: st.availableReplicas ?? 0 };
  const of = `${counts.updated} of ${desired} updated, ${counts.ready} ready, ${counts.available} available`;
  if (!observed(d)) return { state: 'waiting', ...counts, message: NOT_OBSERVED };
  const progressing = st.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { state: 'stalled', ...counts, message: `exceeded its progress deadline: ${progressing.message ?? of}` };
  if (counts.updated < desired) return { state: 'waiting', ...counts, message: of };
  if ((st.replicas ?? 0) > counts.updated) return { state: 'waiting', ...counts, message: `${of}; ${(st.replicas ?? 0) - counts.updated} old replicas still terminating` };
  if (counts.available < counts.updated) return { state: 'waiting', ...counts, message: of };
  return { state: 'complete', ...counts, message: of };
}

/** What kubectl says of a StatefulSet or DaemonSet that does not roll out by itself. */
const unwatched = (strategy: string, pods: string) =>
  `its update strategy is ${strategy}: ${pods} take the template only when deleted, so there is no rollout to wait for (kubectl rollout status refuses to)`;

/** `kubectl rollout status`'s verdict on a StatefulSet: all ready, and updated up to its partition (or current = update revision). */
export function statefulSetProgress(s: RolloutWorkload): RolloutProgress {
  const st = s.status ?? {};
  const desired = s.spec?.replicas ?? 1;
  const counts = { desired, updated: st.updatedReplicas ?? 0, ready: st.readyReplicas ?? 0, available: st.availableReplicas ?? 0 };
  const strategy = s.spec?.updateStrategy;
  if (strategy?.type && strategy.type !== 'RollingUpdate') return { state: 'unwatched', ...counts, message: unwatched(strategy.type, 'its pods') };
  if (!st.observedGeneration || !observed(s)) return { state: 'waiting', ...counts, message: NOT_OBSERVED };
  if (counts.ready < desired) return { state: 'waiting', ...counts, message: `${desired - counts.ready} of ${desired} pods not ready yet, ${counts.updated} updated` };
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    const kept = partition ? `; pods below ordinal ${partition} keep their template (partition ${partition})` : '';
    if (partition !== undefined && counts.updated < desired - partition) {
      return { state: 'waiting', ...counts, message: `${counts.updated} of ${desired - partition} pods updated${kept}` };
    }
    return { state: 'complete', ...counts, message: `${counts.updated} pods updated, ${counts.ready} of ${desired} ready${kept}` };
  }
  if (st.updateRevision !== st.currentRevision) return { state: 'waiting', ...counts, message: `${counts.updated} pods at revision ${st.updateRevision ?? '?'} so far` };
  return { state: 'complete', ...counts, message: `${st.currentReplicas ?? counts.updated} pods at revision ${st.currentRevision ?? '?'}` };
}

/** `kubectl rollout status`'s verdict on a DaemonSet: every scheduled pod updated and available. */
export function daemonSetProgress(d: RolloutWorkload): RolloutProgress {
  const st = d.status ?? {};
  const desired = st.desiredNumberScheduled ?? 0;
  const counts = { desired, updated: st.updatedNumberScheduled ?? 0, ready: st.numberReady ?? 0, available: st.numberAvailable ?? 0 };
  const strategy = d.spec?.updateStrategy?.type;
  if (strategy && strategy !== 'RollingUpdate') return { state: 'unwatched', ...counts, message: unwatched(strategy, 'its pods') };
  if (!observed(d)) return { state: 'waiting', ...counts, message: NOT_OBSERVED };
  const of = `${counts.updated} of ${desired} pods updated, ${counts.available} available`;
  return { state: counts.updated < desired || counts.available < desired ? 'waiting' : 'complete', ...counts, message: of };
}

const PROGRESS: Record<WorkloadKind, (w: RolloutWorkload) => RolloutProgress> = {
  Deployment: rolloutProgress,
  StatefulSet: statefulSetProgress,
  DaemonSet: daemonSetProgress,
};

/** `kubectl rollout status`'s verdict on a workload of any kind that rolls out. */
export const workloadProgress = (kind: WorkloadKind, w: RolloutWorkload): RolloutProgress => PROGRESS[kind](w);

/** What a rollback would do, worked out from the workload and its kept revisions before anything changes. */
export type RollbackPlan = {
  workload: WorkloadRevisions<RolloutWorkload>;
  /** The revision it runs now, when known. */
  current: number | undefined;
  /** It already runs the target's template. */
  noop: boolean;
} & (
  | { to: KeptRevision; refusal?: undefined }
  /** Why kubectl would not roll back: a paused Deployment, a revision not kept (then no `to`). */
  | { to?: KeptRevision; refusal: AppError }
);

/**
 * Reads the workload and its revisions and works out the rollback as
 * kubectl does; CONFLICT when it no longer runs `ifCurrentRevision`.
 */
export async function planRollback(kc: KubeConfig, params: RollbackParams, signal?: AbortSignal): Promise<RollbackPlan> {
  const { toRevision, ifCurrentRevision, ...ref } = params;
  const workload = await readWorkloadRevisions<RolloutWorkload>(kc, ref, signal);
  const { kind, owner, kept, label } = workload;
  const current = currentRevision(kind, owner, kept);
  if (ifCurrentRevision !== undefined && current !== ifCurrentRevision) {
    throw new AppError('CONFLICT', `${label} runs revision ${current ?? 'unknown'} now, not ${ifCurrentRevision}: it was changed since. Nothing was changed`);
  }
  const refusal = kind === 'Deployment' && owner.spec?.paused ? new AppError('VALIDATION', `${label} is paused: resume it first (kubectl rollout resume) and try again`) : undefined;
  let to: KeptRevision;
  try {
    to = rollbackSource(`${kind.toLowerCase()} "${ref.name}"`, kept, toRevision);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { workload, current, noop: false, refusal: refusal ?? err };
  }
  const noop = sameJson(to.template, withoutHash(owner.spec?.template));
  return refusal ? { workload, current, noop, to, refusal } : { workload, current, noop, to };
}

/** Sends the rollback patch, as a server-side dry run or for real; CONFLICT when the workload changed since it was read. */
async function patchWorkload(kc: KubeConfig, { kind, label, path, owner }: WorkloadRevisions<RolloutWorkload>, to: KeptRevision, dryRun: boolean): Promise<void> {
  const patch = rollbackPatch(kind, owner, to);
  const res = await kubeRequest(kc, path + (dryRun ? '?dryRun=All' : ''), { method: 'PATCH', patch: 'json', body: patch, deadlineMs: 30_000 });
  if (res.status === 200) return;
  // A failed `test` op (the workload moved on since it was read), else the server refused the change itself (validation, a policy).
  if (await changedMeanwhile(kc, path, patch, res)) throw new AppError('CONFLICT', `${label} was changed while the rollback was prepared: nothing was changed. Look again and retry`);
  throw kubeStatusError(`${dryRun ? 'trying (dry run) ' : ''}rolling back ${label}`, res.status, res.body);
}

/** A watch of the rollout is asked to end after this long, then opened again from a fresh read. */
const WATCH_SECONDS = 60;

/**
 * Follows a workload until `judge` gives a verdict (anything but waiting), as
 * `kubectl rollout status` does: a read, then a watch of the object, each
 * change judged as the server makes it; the watch ending (timeout, expired
 * resource version) reads again, a watch the user may not open falls back to
 * reading every `pollMs`. The cluster not answering is tried again until
 * {@link LOST_CONTACT_MS} pass without an answer, then the task says `applied`
 * was applied and its outcome is not known.
 */
async function followRollout(
  kc: KubeConfig,
  path: string,
  label: string,
  judge: (w: RolloutWorkload) => RolloutProgress,
  ctx: TaskContext,
  { pollMs, applied }: { pollMs: number; applied: string },
): Promise<RolloutProgress> {
  const slash = path.lastIndexOf('/');
  const watchPath = (resourceVersion: string) =>
    `${path.slice(0, slash)}?${new URLSearchParams({ fieldSelector: `metadata.name=${decodeURIComponent(path.slice(slash + 1))}`, watch: '1', resourceVersion, timeoutSeconds: String(WATCH_SECONDS) })}`;
  const verdictOf = (w: RolloutWorkload): RolloutProgress | undefined => {
    const progress = judge(w);
    ctx.progress(Math.min(progress.updated, progress.available), progress.desired, progress.message);
    return progress.state === 'waiting' ? undefined : progress;
  };
  const deleted = () => new AppError('NOT_FOUND', `${label} was deleted during its rollback`);
  const silence = silenceBudget();
  for (;;) {
    try {
      const res = await kubeRequest<RolloutWorkload>(kc, path, { timeoutMs: 30_000, deadlineMs: 30_000, signal: ctx.signal });
      if (res.status === 404) throw deleted();
      if (res.status !== 200) throw kubeStatusError(`reading ${label}`, res.status, res.body);
      silence.answered();
      const read = verdictOf(res.body);
      if (read) return read;

      const stop = new AbortController();
      const cancel = () => stop.abort();
      ctx.signal.addEventListener('abort', cancel, { once: true });
      let verdict: RolloutProgress | undefined;
      let gone = false;
      try {
        const watched = await kubeStream(kc, watchPath(res.body.metadata?.resourceVersion ?? ''), {
          signal: stop.signal,
          idleTimeoutMs: (WATCH_SECONDS + 30) * 1000,
          onLine: (line, cut) => {
            if (cut || verdict || gone) return;
            const event = parseWatchEvent(line);
            if (event?.type === 'DELETED') gone = true;
            else if (event?.type === 'MODIFIED' || event?.type === 'ADDED') verdict = verdictOf(event.object);
            if (verdict || gone) stop.abort();
          },
        });
        if (watched.status < 200 || watched.status > 299) await systemClock.sleep(pollMs, ctx.signal);
      } catch (err) {
        // Our own abort, once the verdict is in, is no failure.
        if (!stop.signal.aborted || ctx.signal.aborted) throw err;
      } finally {
        ctx.signal.removeEventListener('abort', cancel);
      }
      if (gone) throw deleted();
      if (verdict) return verdict;
    } catch (err) {
      ctx.throwIfCancelled();
      silence.failed(err, applied, 'its rollout completed', 'Look again when the cluster answers, or undo it from the audit log');
      await systemClock.sleep(Math.min(pollMs, 1000), ctx.signal);
    }
  }
}

/** One line of a watch: its event, or undefined when it is not one (an ERROR event has no object to judge). */
function parseWatchEvent(line: string): { type: string; object: RolloutWorkload } | undefined {
  try {
    const event = JSON.parse(line) as { type?: unknown; object?: unknown };
    return typeof event.type === 'string' && typeof event.object === 'object' && event.object !== null ? { type: event.type, object: event.object as RolloutWorkload } : undefined;
  } catch {
    return undefined;
  }
}

/** What rollbacks need: the connections' clients and names, the task runner, a log. */
export interface RollbacksDeps {
  access: Pick<KubeAccess, 'config'>;
  connections: Pick<ConnectionService, 'list'>;
  runner: Pick<TaskRunner, 'start'>;
  log: Logger;
  /** How often the rollout is read while waiting for its verdict. */
  pollMs?: number;
}

/** Rolls workloads back to a kept revision, as tasks, and previews that. */
export interface Rollbacks {
  start(params: RollbackParams, actor: string): { taskId: string };
  /** The rollback worked out and tried as a server-side dry run; a refusal or a failed dry run is a value, not an error. */
  preview(params: RollbackParams): Promise<RollbackPreview>;
}

/** What a rollback task ends with. */
interface Rolled {
  skipped: boolean;
  toRevision: number;
  verdict: string;
}

/** A rollback task's phases: the patch (dry run first), then following the rollout to its verdict. */
export const ROLLBACK_PHASES = ['Roll back', 'Wait for the rollout'] as const;

/** Rollbacks as `kubectl rollout undo` does them, each an audited task; and their previews. */
export function createRollbacks({ access, connections, runner, log, pollMs = 1000 }: RollbacksDeps): Rollbacks {
  async function rollback(ctx: TaskContext, params: RollbackParams): Promise<Rolled> {
    const { toRevision: _toRevision, ifCurrentRevision: _ifCurrentRevision, ...ref } = params;
    const kc = await access.config(ref.connectionId);
    const plan = await planRollback(kc, params, ctx.signal);
    const { workload, current } = plan;
    const { kind, label, path, owner, kept } = workload;
    const before = `revision ${current ?? '?'} (${imagesOf(owner.spec?.template)})`;
    ctx.record({ audit: { before } });
    if (plan.refusal) throw plan.refusal;
    const target = plan.to;
    const to = `the template of revision ${target.revision} (${imagesOf(target.template)})`;
    if (plan.noop) {
      ctx.record({ audit: { before, after: `unchanged: already ${to}` } });
      return { skipped: true, toRevision: target.revision, verdict: `Skipped: ${label} already runs ${to}.` };
    }

    // The server's admission (quotas, policies, webhooks) says no before anything changes.
    for (const dryRun of [true, false]) {
      ctx.throwIfCancelled();
      await patchWorkload(kc, workload, target, dryRun);
    }
    // The controller numbers the restored template latest + 1; undoing goes back to what ran before, while that is still so.
    const latest = Math.max(...kept.map((k) => k.revision));
    const undo: UndoStep | undefined =
      current === undefined
        ? undefined
        : { method: 'rollouts.rollback', params: { ...ref, toRevision: current, ifCurrentRevision: latest + 1 }, label: `Roll back to revision ${current}` };
    ctx.record({ audit: { before, after: to, ...(undo ? { undo } : {}) }, summary: `Rolled back ${label} to ${to}; waiting for the rollout.` });
    log.info('workload rolled back', { connectionId: ref.connectionId, kind, namespace: ref.namespace, name: ref.name, toRevision: target.revision });

    // Past the point of no return: a cancel stops the waiting, not the rollback.
    ctx.phase('Wait for the rollout');
    const progress = await followRollout(kc, path, label, PROGRESS[kind], ctx, { pollMs, applied: `the rollback of ${label} to revision ${target.revision}` });
    if (progress.state === 'complete') return { skipped: false, toRevision: target.revision, verdict: `${label} runs ${to}: ${progress.message}.` };
    if (progress.state === 'unwatched') return { skipped: false, toRevision: target.revision, verdict: `${label} took ${to}, but ${progress.message}.` };
    throw new AppError('TIMEOUT', `${label} took ${to} but its rollout ${progress.message}. Undo it from the audit log to go back to revision ${current ?? '?'}`);
  }

  return {
    start(params, actor) {
      const kind = workloadKind(params);
      const connectionName = connectionNameOf(connections, params.connectionId);
      const what = `${kind.toLowerCase()} ${params.name}`;
      const { id } = runner.start(
        {
          kind: 'rollouts.rollback',
          title: `Roll back ${what} to ${params.toRevision ? `revision ${params.toRevision}` : 'the previous revision'}`,
          target: auditTarget(connectionName, params.namespace, params.resource.resource, params.name),
          connectionId: params.connectionId,
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

    async preview(params) {
      const kc = await access.config(params.connectionId);
      const { workload, current, to, refusal, noop } = await planRollback(kc, params);
      const manager = managedBy(workload.owner);
      const shown = {
        ...(current !== undefined ? { currentRevision: current } : {}),
        ...(manager ? { managedBy: manager } : {}),
        currentTemplate: templateYaml(withoutHash(workload.owner.spec?.template)),
        ...(to ? { toRevision: to.revision, targetTemplate: templateYaml(to.template) } : {}),
        noop,
      };
      if (refusal) return { ...shown, dryRun: { ok: false, message: refusal.message } };
      if (noop) return { ...shown, dryRun: { ok: true } };
      try {
        await patchWorkload(kc, workload, to, true);
        return { ...shown, dryRun: { ok: true } };
      } catch (err) {
        if (err instanceof AppError) return { ...shown, dryRun: { ok: false, message: err.message } };
        throw err;
      }
    },
  };
}
