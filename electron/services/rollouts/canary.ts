/**
 * Canary actions on a stable + canary pair of Deployments behind one
 * Service, as audited tasks: set the weight (a split of the replicas through
 * their scale subresources), promote (stable takes the canary's pod template
 * and all replicas, then the canary goes to 0) and abort (canary to 0, stable
 * to all). Every write is a JSON patch testing that the object is still what
 * was read, so a change made meanwhile is CONFLICT, never overwritten.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { CanaryActionParams, CanaryPair, SetCanaryWeightParams } from '../../../shared/contract';
import { canaryShare, canarySplit, type CanarySplit } from '../../../shared/trafficRules';
import { AppError } from '../../../shared/result';
import type { Outcome, UndoStep } from '../audit/auditService';
import { systemClock } from '../kube/actions/evictions';
import { objectPath } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { changedMeanwhile, sameJson, type JsonPatchOp } from '../kube/client/guardedPatch';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { TaskContext } from '../tasks/taskRunner';
import { rolloutProgress, type RollbacksDeps } from './rollback';
import { revisionOf, withoutHash, type PodTemplate } from './rolloutHistory';
import { DEPLOYMENTS, readObject, readPair, trafficTaskSpec, type PairDeployment, type ReadPair } from './trafficPairs';

/** The phases of a weight change or an abort, as the tray shows them. */
export const WEIGHT_PHASES = ['Scale', 'Wait for the pods'] as const;
/** A promotion's phases. */
export const PROMOTE_PHASES = ['Promote', 'Wait for the rollout', 'Scale the canary to 0'] as const;

/** `n replica(s)`. */
const replicasText = (n: number) => `${n} replica${n === 1 ? '' : 's'}`;
const percent = (split: CanarySplit) => `${Math.round(canaryShare(split) ?? 0)}%`;

/** The split as the audit log and reports word it. */
export function splitText(pair: CanaryPair, split: CanarySplit): string {
  return `stable ${pair.stable.deployment} ${replicasText(split.stable)}, canary ${pair.canary.deployment} ${replicasText(split.canary)} (${percent(split)} canary)`;
}

/**
 * The JSON patch of a Deployment's scale subresource from `from` to `to`
 * replicas: it fails unless it is the same Deployment, still at `from`.
 */
export function scalePatch(uid: string | undefined, from: number, to: number): JsonPatchOp[] {
  // A Scale at 0 replicas has no `spec.replicas` at all (`spec: {}`), so that is what is tested.
  const unchanged: JsonPatchOp = from === 0 ? { op: 'test', path: '/spec', value: {} } : { op: 'test', path: '/spec/replicas', value: from };
  return [{ op: 'test', path: '/metadata/uid', value: uid }, unchanged, { op: from === 0 ? 'add' : 'replace', path: '/spec/replicas', value: to }];
}

/**
 * The canary's pod template as the stable Deployment takes it: without the
 * controller's hash, with stable's own values for the labels its selector
 * and the track key go by, so it still selects its pods and stays `stable`.
 */
export function promotedTemplate(stable: PairDeployment, canary: PairDeployment, trackKey: string): PodTemplate {
  const template = withoutHash(canary.spec?.template);
  const own = stable.spec?.template?.metadata?.labels ?? {};
  const selector = stable.spec?.selector ?? {};
  const kept = new Set([trackKey, ...Object.keys(selector.matchLabels ?? {}), ...(selector.matchExpressions ?? []).map((e) => e.key)]);
  const labels = { ...template.metadata?.labels };
  for (const key of kept) {
    if (own[key] === undefined) delete labels[key];
    else labels[key] = own[key];
  }
  return { ...template, metadata: { ...template.metadata, labels } };
}

/**
 * The JSON patch that promotes: the stable Deployment takes `template` and
 * `replicas`; it fails unless it is the same Deployment with the spec read (its generation).
 */
export function promotePatch(stable: PairDeployment, template: PodTemplate, replicas: number): JsonPatchOp[] {
  return [
    { op: 'test', path: '/metadata/uid', value: stable.metadata?.uid },
    { op: 'test', path: '/metadata/generation', value: stable.metadata?.generation },
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/spec/replicas', value: replicas },
  ];
}

/** What canaries need: what a rollback does (its `pollMs` paces the waits for the pods). */
export type CanariesDeps = RollbacksDeps;

/** Sets canary weights, promotes and aborts canaries, as tasks. */
export interface Canaries {
  setWeight(params: SetCanaryWeightParams, actor: string): { taskId: string };
  promote(params: CanaryActionParams, actor: string): { taskId: string };
  abort(params: CanaryActionParams, actor: string): { taskId: string };
}

interface Done {
  verdict: string;
}

/** Runs canary actions as audited tasks (see the module's comment). */
export function createCanaries({ access, connections, runner, log, pollMs = 1000 }: CanariesDeps): Canaries {
  const path = (namespace: string, name: string, subresource?: string) => objectPath(DEPLOYMENTS, namespace, name, subresource);

  /** The pair now, checked against the replicas and the specs (generations) the user saw. */
  async function current(kc: KubeConfig, params: CanaryActionParams, signal: AbortSignal): Promise<ReadPair<CanaryPair> & { before: CanarySplit }> {
    const read = await readPair(kc, params.namespace, params.service, 'canary', signal);
    const before = { stable: read.pair.stable.replicas, canary: read.pair.canary.replicas };
    const expected = params.ifReplicas;
    if (expected && (expected.stable !== before.stable || expected.canary !== before.canary)) {
      throw new AppError(
        'CONFLICT',
        `Service "${params.service}" in ${params.namespace} runs ${splitText(read.pair, before)} now, not ${expected.stable} and ${expected.canary}: it was changed since (an autoscaler, or someone else). Nothing was changed`,
      );
    }
    const seen = params.ifGenerations;
    const moved = seen && (['stable', 'canary'] as const).find((key) => read.pair[key].generation !== seen[key]);
    if (moved) {
      throw new AppError(
        'CONFLICT',
        `The ${moved} Deployment ${read.pair[moved].deployment} behind Service "${params.service}" in ${params.namespace} was changed since you looked (its template or replicas: generation ${read.pair[moved].generation}, not ${seen[moved]}); it now runs ${read.pair[moved].images.join(', ')}. Nothing was changed: look again`,
      );
    }
    return { ...read, before };
  }

  /** Scales one side through its scale subresource, guarded; CONFLICT when someone else scaled or replaced it meanwhile. */
  async function scale(kc: KubeConfig, namespace: string, d: PairDeployment, from: number, to: number): Promise<void> {
    if (from === to) return;
    const name = d.metadata?.name ?? '';
    const scalePath = path(namespace, name, 'scale');
    const patch = scalePatch(d.metadata?.uid, from, to);
    const res = await kubeRequest(kc, scalePath, { method: 'PATCH', patch: 'json', body: patch, deadlineMs: 30_000 });
    if (await changedMeanwhile(kc, scalePath, patch, res)) throw new AppError('CONFLICT', `Deployment ${name} in ${namespace} was scaled or replaced by someone else meanwhile (it no longer runs ${replicasText(from)}): it was left as they made it`);
    if (res.status === 404) throw new AppError('NOT_FOUND', `Deployment ${name} in ${namespace} is not there any more`);
    if (res.status !== 200) throw kubeStatusError(`scaling Deployment ${name} in ${namespace} to ${to}`, res.status, res.body);
  }

  /**
   * Scales both sides from `before` to `after`, growing one before shrinking
   * the other so capacity never dips, recording after each step what was
   * done and how to go back (an undo setting the weight of `before`).
   */
  async function split(ctx: TaskContext, kc: KubeConfig, params: CanaryActionParams, read: ReadPair<CanaryPair>, before: CanarySplit, after: CanarySplit, extra: Outcome = {}) {
    const { pair, deployments } = read;
    const stable = { key: 'stable' as const, d: deployments.get(pair.stable.deployment)! };
    const canary = { key: 'canary' as const, d: deployments.get(pair.canary.deployment)! };
    const now = { ...before };
    const restore = canaryShare(before);
    for (const { key, d } of after.canary > before.canary ? [canary, stable] : [stable, canary]) {
      ctx.throwIfCancelled();
      await scale(kc, params.namespace, d, before[key], after[key]);
      now[key] = after[key];
      const undo: UndoStep | undefined =
        restore === undefined || sameJson(now, before)
          ? undefined
          : {
              method: 'rollouts.setCanaryWeight',
              params: { connectionId: params.connectionId, namespace: params.namespace, service: params.service, weight: restore, total: before.stable + before.canary, ifReplicas: { ...now } },
              label: `Back to ${splitText(pair, before)}`,
            };
      ctx.record({ audit: { before: splitText(pair, before), after: splitText(pair, now), ...extra, ...(undo ? { undo } : {}) } });
    }
  }

  /** Follows `names` until each one's pods are all there and available, as `kubectl rollout status` does. */
  async function waitForPods(ctx: TaskContext, kc: KubeConfig, namespace: string, names: readonly string[]): Promise<string> {
    for (;;) {
      const now = await Promise.all(
        names.map((name) => readObject<PairDeployment>(kc, path(namespace, name), `reading Deployment ${name} in ${namespace}`, `Deployment ${name} in ${namespace} was deleted meanwhile`, ctx.signal)),
      );
      const progress = now.map((d, i) => ({ name: names[i], ...rolloutProgress(d) }));
      ctx.progress(
        progress.reduce((n, p) => n + p.available, 0),
        progress.reduce((n, p) => n + p.desired, 0),
        progress.map((p) => `${p.name}: ${p.message}`).join('; '),
      );
      const stalled = progress.find((p) => p.state === 'stalled');
      if (stalled) throw new AppError('TIMEOUT', `Deployment ${stalled.name} ${stalled.message}`);
      if (progress.every((p) => p.state === 'complete')) return progress.map((p) => `${p.name}: ${p.message}`).join('; ');
      await systemClock.sleep(pollMs, ctx.signal);
    }
  }

  async function setWeight(ctx: TaskContext, params: SetCanaryWeightParams): Promise<Done> {
    const kc = await access.config(params.connectionId);
    const read = await current(kc, params, ctx.signal);
    const after = canarySplit(params.total, params.weight);
    ctx.record({ audit: { before: splitText(read.pair, read.before) } });
    await split(ctx, kc, params, read, read.before, after);
    log.info('canary weight set', { connectionId: params.connectionId, namespace: params.namespace, service: params.service, ...after });
    ctx.phase('Wait for the pods');
    const pods = await waitForPods(ctx, kc, params.namespace, [read.pair.stable.deployment, read.pair.canary.deployment]);
    return { verdict: `Service "${params.service}" in ${params.namespace}: ${splitText(read.pair, after)}. ${pods}.` };
  }

  async function abort(ctx: TaskContext, params: CanaryActionParams): Promise<Done> {
    const kc = await access.config(params.connectionId);
    const read = await current(kc, params, ctx.signal);
    const after = { stable: read.before.stable + read.before.canary, canary: 0 };
    ctx.record({ audit: { before: splitText(read.pair, read.before) } });
    await split(ctx, kc, params, read, read.before, after);
    log.info('canary aborted', { connectionId: params.connectionId, namespace: params.namespace, service: params.service });
    ctx.phase('Wait for the pods');
    const pods = await waitForPods(ctx, kc, params.namespace, [read.pair.stable.deployment, read.pair.canary.deployment]);
    return { verdict: `Canary ${read.pair.canary.deployment} aborted: ${splitText(read.pair, after)}. ${pods}.` };
  }

  async function promote(ctx: TaskContext, params: CanaryActionParams): Promise<Done> {
    const { namespace } = params;
    const kc = await access.config(params.connectionId);
    const read = await current(kc, params, ctx.signal);
    const { pair, deployments, before } = read;
    const [stable, canary] = [deployments.get(pair.stable.deployment)!, deployments.get(pair.canary.deployment)!];
    const stableLabel = `stable Deployment ${pair.stable.deployment}`;
    const was = `${splitText(pair, before)}; stable runs ${pair.stable.images.join(', ')}, canary ${pair.canary.images.join(', ')}`;
    ctx.record({ audit: { before: was } });
    if (stable.spec?.paused) throw new AppError('VALIDATION', `The ${stableLabel} is paused: resume it (kubectl rollout resume) and try again`);
    const total = before.stable + before.canary;
    if (total === 0) throw new AppError('VALIDATION', `Neither ${pair.stable.deployment} nor ${pair.canary.deployment} runs any replica: set a weight first`);

    const template = promotedTemplate(stable, canary, pair.trackKey);
    const changes = !sameJson(template, withoutHash(stable.spec?.template));
    const stablePath = path(namespace, pair.stable.deployment);
    const patch = promotePatch(stable, template, total);
    const res = await kubeRequest(kc, stablePath, { method: 'PATCH', patch: 'json', body: patch, deadlineMs: 30_000 });
    if (await changedMeanwhile(kc, stablePath, patch, res)) throw new AppError('CONFLICT', `The ${stableLabel} was changed while the promotion was prepared: nothing was changed. Look again and retry`);
    if (res.status !== 200) throw kubeStatusError(`promoting the canary onto the ${stableLabel}`, res.status, res.body);
    const promoted = `stable ${pair.stable.deployment} runs ${pair.canary.images.join(', ')} on ${replicasText(total)}`;
    ctx.record({ audit: { before: was, after: promoted }, summary: `Promoted: ${promoted}; waiting for its rollout.` });
    log.info('canary promoted', { connectionId: params.connectionId, namespace, service: params.service });

    // Past the point of no return: a cancel stops the waiting and leaves the canary as it is.
    ctx.phase('Wait for the rollout');
    const previous = revisionOf(stable);
    /**
     * The undo, once the controller has numbered the new template: a rollback of stable's template to the one before, while
     * it still runs this one. It leaves every replica where it is (`canaryNow` on the canary), and its label says so.
     */
    let numbered: { toRevision: number; ifCurrentRevision: number } | undefined;
    const undoWith = (canaryNow: number): UndoStep | undefined =>
      numbered && {
        method: 'rollouts.rollback',
        params: { connectionId: params.connectionId, resource: DEPLOYMENTS, namespace, name: pair.stable.deployment, ...numbered },
        label: `Roll ${pair.stable.deployment} back to revision ${numbered.toRevision} (the split stays stable ${total}, canary ${canaryNow})`,
      };
    for (;;) {
      const now = await readObject<PairDeployment>(kc, path(namespace, pair.stable.deployment), `reading the ${stableLabel}`, `The ${stableLabel} was deleted during its promotion`, ctx.signal);
      const revision = revisionOf(now);
      if (!numbered && changes && previous !== undefined && revision !== undefined && revision !== previous && (now.status?.observedGeneration ?? 0) >= (now.metadata?.generation ?? 0)) {
        numbered = { toRevision: previous, ifCurrentRevision: revision };
        ctx.record({ audit: { before: was, after: promoted, undo: undoWith(before.canary) } });
      }
      const progress = rolloutProgress(now);
      ctx.progress(progress.available, progress.desired, progress.message);
      if (progress.state === 'complete') break;
      if (progress.state === 'stalled') throw new AppError('TIMEOUT', `The ${stableLabel} took the canary's template but its rollout ${progress.message}. The canary was left running`);
      await systemClock.sleep(pollMs, ctx.signal);
    }

    ctx.phase('Scale the canary to 0', { cancellable: false });
    const canaryNow = await readObject<PairDeployment>(kc, path(namespace, pair.canary.deployment), `reading canary ${pair.canary.deployment}`, `The canary ${pair.canary.deployment} was deleted meanwhile`, ctx.signal);
    if (canaryNow.metadata?.uid !== canary.metadata?.uid || canaryNow.metadata?.generation !== canary.metadata?.generation) {
      throw new AppError('CONFLICT', `The canary ${pair.canary.deployment} was changed during the promotion: the stable Deployment took its template as it was read, and the canary was left running for you to look at`);
    }
    await scale(kc, namespace, canary, before.canary, 0);
    const finished = `${promoted}; canary ${pair.canary.deployment} at 0`;
    const undo = undoWith(0);
    ctx.record({ audit: { before: was, after: finished, ...(undo ? { undo } : {}) } });
    return { verdict: `Promoted canary ${pair.canary.deployment}: ${finished}.` };
  }

  const started = (kind: string, title: string, phases: readonly string[], params: CanaryActionParams, actor: string, run: (ctx: TaskContext) => Promise<Done>) => {
    const { id } = runner.start(trafficTaskSpec(connections, params, kind, title, phases, actor), run, { describe: (done) => ({ report: done.verdict }) });
    return { taskId: id };
  };

  return {
    setWeight: (params, actor) =>
      started('rollouts.setCanaryWeight', `Set the canary weight behind Service ${params.service} to ${Math.round(params.weight)}%`, WEIGHT_PHASES, params, actor, (ctx) => setWeight(ctx, params)),
    promote: (params, actor) => started('rollouts.promoteCanary', `Promote the canary behind Service ${params.service}`, PROMOTE_PHASES, params, actor, (ctx) => promote(ctx, params)),
    abort: (params, actor) => started('rollouts.abortCanary', `Abort the canary behind Service ${params.service}`, WEIGHT_PHASES, params, actor, (ctx) => abort(ctx, params)),
  };
}
