/**
 * Argo Rollouts, as its kubectl plugin (v1.10.1) reads and drives them:
 * - reading mirrors `get rollout` (pkg/kubectl-argo-rollouts/info): the
 *   phase from `GetRolloutPhase`, the step from `status.currentStepIndex`,
 *   setWeight from the last `setWeight` step up to the current one (0 once
 *   aborted), actualWeight from the canary ReplicaSet's available pods (or
 *   the traffic router's weights), the ReplicaSets' roles from the status's
 *   pod hashes;
 * - promote, abort and retry send the plugin's status changes to the
 *   `status` subresource (the Rollout itself when the CRD has none, as the
 *   plugin falls back on a 404), promote's `spec.paused: false` to the
 *   Rollout; undo replaces `spec.template` with a kept ReplicaSet's, without
 *   `rollouts-pod-template-hash`.
 * The plugin sends merge patches; here each is the same change as a JSON
 * patch whose `test` ops hold it to the Rollout as read (and as the user saw
 * it), so a change made meanwhile is CONFLICT, never overwritten. Each
 * action is an audited task that follows the controller until it has acted.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import {
  ArgoRollout,
  type ArgoPhase,
  type ArgoPromoteParams,
  type ArgoRevision,
  type ArgoRolloutActionParams,
  type ArgoRollouts,
  type ArgoStep,
  type ArgoUndoParams,
  type ResourceRef,
} from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { UndoStep } from '../audit/auditService';
import { auditTarget, connectionNameOf } from '../kube/actions/kubeActionTarget';
import { systemClock } from '../kube/actions/evictions';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { changedMeanwhile, type JsonPatchOp } from '../kube/client/guardedPatch';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { KubeObject, LabelSelector } from '../kube/model';
import type { TaskContext } from '../tasks/taskRunner';
import { silenceBudget } from './lostContact';
import type { RollbacksDeps } from './rollback';
import { controlledBy, controlledObjects, REPLICA_SETS, templateImages, type PodTemplate } from './rolloutHistory';
import { listObjects, readObject } from './trafficPairs';

/** Rollouts, as the plugin addresses them. */
export const ROLLOUTS: ResourceRef = { group: 'argoproj.io', version: 'v1alpha1', resource: 'rollouts' };
/** The ReplicaSet annotation the controller numbers revisions by. */
export const ARGO_REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
/** The label the controller adds to each ReplicaSet's template (`DefaultRolloutUniqueLabelKey`). */
export const ROLLOUT_HASH_LABEL = 'rollouts-pod-template-hash';
const WORKLOAD_GENERATION_ANNOTATION = 'rollout.argoproj.io/workload-generation';

/** How long an action follows the controller before saying it is still under way. */
const DEFAULT_SETTLE_MS = 10 * 60_000;

interface CanaryStepSpec {
  setWeight?: number;
  pause?: { duration?: string | number };
  analysis?: { templates?: { templateName?: string; clusterScope?: boolean }[] };
  experiment?: { templates?: { name?: string }[]; duration?: string };
  setCanaryScale?: { weight?: number; replicas?: number; matchTrafficWeight?: boolean };
  setHeaderRoute?: { name?: string };
  setMirrorRoute?: { name?: string };
  plugin?: { name?: string };
}

/** A Rollout, as far as the plugin reads it. */
export interface RolloutObject extends KubeObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: LabelSelector;
    template?: PodTemplate;
    workloadRef?: { kind?: string; name?: string };
    templateResolvedFromRef?: boolean;
    restartAt?: string;
    strategy?: {
      canary?: { steps?: CanaryStepSpec[]; trafficRouting?: { maxTrafficWeight?: number } & Record<string, unknown> };
      blueGreen?: Record<string, unknown>;
    };
  };
  status?: {
    phase?: string;
    message?: string;
    observedGeneration?: string;
    workloadObservedGeneration?: string;
    abort?: boolean;
    /** Set by the controller alone, once it has acted on `abort` (`CalculateAbortStatus`); cleared once it has acted on a retry. */
    abortedAt?: string | null;
    controllerPause?: boolean;
    pauseConditions?: { reason?: string }[] | null;
    promoteFull?: boolean;
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    restartedAt?: string;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type?: string; reason?: string; message?: string }[];
    canary?: { weights?: { canary?: { weight?: number } }; currentStepAnalysisRunStatus?: { status?: string } };
    blueGreen?: { activeSelector?: string; previewSelector?: string };
  };
}

/** A ReplicaSet of a Rollout, as far as the plugin reads it. */
export interface RolloutReplicaSet extends KubeObject {
  spec?: { replicas?: number; template?: PodTemplate };
  status?: { replicas?: number; availableReplicas?: number };
}

const bounded = (s: string, max = 1024) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
/** A count as the contract takes it: a whole number, at least 0 (a hostile or broken object may hold anything). */
const count = (n: number | undefined, otherwise = 0): number =>
  typeof n === 'number' && Number.isFinite(n) ? Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.trunc(n))) : otherwise;
const nameOf = (o: KubeObject) => o.metadata?.name ?? '';

/** `replicasetutil.GetCurrentCanaryStep`: the step at `status.currentStepIndex` (0 when unset); none once past the last, or without steps. */
export function currentCanaryStep(ro: RolloutObject): { step?: CanaryStepSpec; index?: number } {
  const steps = ro.spec?.strategy?.canary?.steps ?? [];
  if (!ro.spec?.strategy?.canary || !steps.length) return {};
  const index = ro.status?.currentStepIndex ?? 0;
  return { step: steps[index], index };
}

/** `weightutil.MaxTrafficWeight`: 100 unless the traffic router says otherwise. */
const maxTrafficWeight = (ro: RolloutObject): number => ro.spec?.strategy?.canary?.trafficRouting?.maxTrafficWeight ?? 100;

/** `replicasetutil.GetCurrentSetWeight`: 0 once aborted, the maximum past the last step, else the last setWeight up to the current step. */
export function currentSetWeight(ro: RolloutObject): number {
  if (ro.status?.abort) return 0;
  const { step, index } = currentCanaryStep(ro);
  if (!step || index === undefined) return maxTrafficWeight(ro);
  const steps = ro.spec?.strategy?.canary?.steps ?? [];
  for (let i = index; i >= 0; i--) if (steps[i].setWeight !== undefined) return steps[i].setWeight!;
  return 0;
}

/** A step's kind and value, as `get rollout` prints it. */
export function describeStep(step: CanaryStepSpec): ArgoStep {
  const text = (value: string | undefined): ArgoStep['value'] => (value === undefined ? undefined : bounded(value, 256));
  if (step.setWeight !== undefined) return { kind: 'setWeight', value: text(String(step.setWeight)) };
  if (step.pause) return { kind: 'pause', value: step.pause.duration === undefined ? 'indefinite' : text(typeof step.pause.duration === 'number' ? `${step.pause.duration}s` : String(step.pause.duration)) };
  if (step.analysis) return { kind: 'analysis', value: text((step.analysis.templates ?? []).map((t) => t.templateName ?? '?').join(', ')) };
  if (step.experiment) return { kind: 'experiment', value: text((step.experiment.templates ?? []).map((t) => t.name ?? '?').join(', ') + (step.experiment.duration ? ` for ${step.experiment.duration}` : '')) };
  if (step.setCanaryScale) {
    const s = step.setCanaryScale;
    return { kind: 'setCanaryScale', value: text(s.replicas !== undefined ? `replicas ${s.replicas}` : s.weight !== undefined ? `weight ${s.weight}` : 'matchTrafficWeight') };
  }
  if (step.setHeaderRoute) return { kind: 'setHeaderRoute', value: text(step.setHeaderRoute.name) };
  if (step.setMirrorRoute) return { kind: 'setMirrorRoute', value: text(step.setMirrorRoute.name) };
  if (step.plugin) return { kind: 'plugin', value: text(step.plugin.name) };
  return { kind: 'unknown' };
}

/** `isGenerationObserved`: the controller has seen the spec (an unreadable observedGeneration counts as seen, as in the plugin). */
function generationObserved(ro: RolloutObject): boolean {
  const observed = ro.status?.observedGeneration;
  if (observed === undefined || !/^-?\d+$/.test(observed)) return true;
  return Number(observed) >= (ro.metadata?.generation ?? 0);
}

const PHASES: readonly string[] = ['Healthy', 'Progressing', 'Paused', 'Degraded'];

/** `rolloututil.GetRolloutPhase`: the phase and its message, as `get rollout` shows them. */
export function rolloutPhase(ro: RolloutObject): { phase: ArgoPhase; message: string } {
  const status = ro.status ?? {};
  if (!generationObserved(ro)) return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  if (status.controllerPause && !status.pauseConditions?.length) return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  const workloadGeneration = ro.metadata?.annotations?.[WORKLOAD_GENERATION_ANNOTATION];
  const workloadObserved = status.workloadObservedGeneration;
  if (ro.spec?.templateResolvedFromRef && workloadGeneration !== undefined && workloadObserved !== undefined && /^\d+$/.test(workloadObserved) && Number(workloadObserved) !== Number(workloadGeneration)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed for the reference workload' };
  }
  if (status.phase && PHASES.includes(status.phase)) return { phase: status.phase as ArgoPhase, message: status.message ?? '' };
  return calculatePhase(ro);
}

/** `rolloututil.CalculateRolloutPhase`: the phase from the spec and status, when the controller has written none. */
export function calculatePhase(ro: RolloutObject): { phase: ArgoPhase; message: string } {
  const spec = ro.spec ?? {};
  const status = ro.status ?? {};
  for (const c of status.conditions ?? []) {
    if (c.type === 'InvalidSpec') return { phase: 'Degraded', message: `InvalidSpec: ${c.message ?? ''}` };
    if (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded') return { phase: 'Degraded', message: `${c.reason}: ${c.message ?? ''}` };
  }
  if (spec.paused) return { phase: 'Paused', message: 'manually paused' };
  const pause = status.pauseConditions?.[0];
  if (pause) return { phase: 'Paused', message: pause.reason ?? '' };
  if (spec.restartAt && spec.restartAt !== status.restartedAt) return { phase: 'Progressing', message: 'rollout is restarting' };
  const updated = status.updatedReplicas ?? 0;
  if (updated < (spec.replicas ?? 1)) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if ((status.availableReplicas ?? 0) < updated) return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  const promoted = status.stableRS === status.currentPodHash;
  if (spec.strategy?.blueGreen) {
    const active = status.blueGreen?.activeSelector;
    if (!active || active !== status.currentPodHash) return { phase: 'Progressing', message: 'active service cutover pending' };
    if (!status.stableRS || !promoted) return { phase: 'Progressing', message: 'waiting for post-promotion verification to complete' };
  } else if (spec.strategy?.canary) {
    if (!spec.strategy.canary.trafficRouting && (status.replicas ?? 0) > updated) return { phase: 'Progressing', message: 'old replicas are pending termination' };
    if (!status.stableRS || !promoted) return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  }
  return { phase: 'Healthy', message: '' };
}

/** A ReplicaSet's `rollout.argoproj.io/revision`, undefined when absent or not a whole number (as the plugin skips those). */
export function argoRevisionOf(rs: KubeObject): number | undefined {
  const value = rs.metadata?.annotations?.[ARGO_REVISION_ANNOTATION];
  return value !== undefined && /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
}

const hashOf = (rs: KubeObject) => rs.metadata?.labels?.[ROLLOUT_HASH_LABEL];

/** A ReplicaSet's part in the Rollout, as `GetReplicaSetInfo` tags it. */
function roleOf(ro: RolloutObject, rs: RolloutReplicaSet): ArgoRevision['role'] {
  const hash = hashOf(rs);
  const status = ro.status ?? {};
  if (!hash) return undefined;
  if (ro.spec?.strategy?.canary) {
    if (status.stableRS === hash) return 'stable';
    if (status.currentPodHash === hash) return 'canary';
  }
  if (ro.spec?.strategy?.blueGreen) {
    if (status.blueGreen?.activeSelector === hash) return 'active';
    if (status.blueGreen?.previewSelector === hash) return 'preview';
    if (status.stableRS === hash) return 'stable';
  }
  return undefined;
}

/** The Rollout as `get rollout` shows it, from it and the ReplicaSets it controls. */
export function argoRollout(ro: RolloutObject, replicaSets: readonly RolloutReplicaSet[]): ArgoRollout {
  const status = ro.status ?? {};
  const canary = ro.spec?.strategy?.canary;
  const steps = canary?.steps ?? [];
  const owned = replicaSets.filter((rs) => controlledBy(rs, ro.metadata?.uid));
  const revisions: ArgoRevision[] = owned
    .map((rs) => {
      const role = roleOf(ro, rs);
      return {
        revision: argoRevisionOf(rs) ?? 0,
        replicaSet: bounded(nameOf(rs)),
        images: templateImages(rs.spec?.template).slice(0, 64).map((i) => bounded(i, 512)),
        replicas: count(rs.status?.replicas),
        available: count(rs.status?.availableReplicas),
        ...(role ? { role } : {}),
      };
    })
    .sort((a, b) => b.revision - a.revision || a.replicaSet.localeCompare(b.replicaSet))
    .slice(0, 256);
  const stableHash = status.stableRS;
  const stable = owned.find((rs) => stableHash !== undefined && hashOf(rs) === stableHash);
  const newer = owned.find((rs) => hashOf(rs) === status.currentPodHash && hashOf(rs) !== stableHash);
  // The plugin lists the images of ReplicaSets that run pods: an aborted canary scaled to 0 shows none.
  const canaryRunning = (newer?.status?.replicas ?? 0) > 0 ? newer : undefined;
  const images = (rs: RolloutReplicaSet | undefined) => templateImages(rs?.spec?.template).slice(0, 64).map((i) => bounded(i, 512));
  const { phase, message } = rolloutPhase(ro);
  const weights = canary ? { setWeight: count(currentSetWeight(ro)), actualWeight: count(actualWeight(ro, newer)) } : {};
  const workloadRef = ro.spec?.workloadRef;
  return {
    name: bounded(nameOf(ro)),
    namespace: bounded(ro.metadata?.namespace ?? ''),
    strategy: canary ? 'canary' : 'blueGreen',
    steps: steps.slice(0, 256).map(describeStep),
    ...(canary && steps.length && status.currentStepIndex !== undefined ? { currentStepIndex: count(status.currentStepIndex) } : {}),
    phase,
    message: bounded(message),
    aborted: Boolean(status.abort),
    paused: Boolean(ro.spec?.paused),
    fullyPromoted: status.stableRS !== undefined && status.stableRS === status.currentPodHash,
    ...weights,
    replicas: {
      desired: count(ro.spec?.replicas, 1),
      current: count(status.replicas),
      updated: count(status.updatedReplicas),
      ready: count(status.readyReplicas),
      available: count(status.availableReplicas),
    },
    images: { stable: images(stable), canary: images(canaryRunning) },
    templateImages: templateImages(ro.spec?.template).slice(0, 64).map((i) => bounded(i, 512)),
    revisions,
    generation: count(ro.metadata?.generation),
    ...(workloadRef ? { workloadRef: bounded(`${workloadRef.kind ?? '?'} ${workloadRef.name ?? '?'}`) } : {}),
  };
}

/**
 * {@link argoRollout}, checked against the contract: a Rollout it cannot represent (a broken or hostile object)
 * is a row saying why, with nothing else of it, rather than failing every other Rollout's answer.
 */
export function shownRollout(ro: RolloutObject, replicaSets: readonly RolloutReplicaSet[]): ArgoRollout {
  let why: string;
  try {
    const checked = ArgoRollout.safeParse(argoRollout(ro, replicaSets));
    if (checked.success) return checked.data;
    why = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  } catch (err) {
    why = err instanceof Error ? err.message : String(err);
  }
  const name = String(ro.metadata?.name ?? '');
  const namespace = String(ro.metadata?.namespace ?? '');
  const unreadable = bounded(`Rollout ${name} in ${namespace} cannot be shown as the plugin reads it: ${why}`);
  return {
    name: bounded(name),
    namespace: bounded(namespace),
    strategy: ro.spec?.strategy?.canary ? 'canary' : 'blueGreen',
    steps: [],
    phase: 'Degraded',
    message: unreadable,
    aborted: false,
    paused: false,
    fullyPromoted: false,
    replicas: { desired: 0, current: 0, updated: 0, ready: 0, available: 0 },
    images: { stable: [], canary: [] },
    templateImages: [],
    revisions: [],
    generation: count(ro.metadata?.generation),
    unreadable,
  };
}

/** The plugin's actualWeight: the maximum past the last step; else the canary's share of the available pods (or the router's weight); 0 with none available. */
function actualWeight(ro: RolloutObject, canaryRs: RolloutReplicaSet | undefined): number {
  const max = maxTrafficWeight(ro);
  if (!currentCanaryStep(ro).step) return max;
  const available = ro.status?.availableReplicas ?? 0;
  if (available <= 0) return 0;
  if (!ro.spec?.strategy?.canary?.trafficRouting) return canaryRs ? Math.floor(((canaryRs.status?.availableReplicas ?? 0) * max) / available) : 0;
  return ro.status?.canary?.weights?.canary?.weight ?? currentSetWeight(ro);
}

/** The tests every guarded patch starts with: the same Rollout (uid), at the spec read (generation). */
const sameRollout = (ro: RolloutObject): JsonPatchOp[] => [
  { op: 'test', path: '/metadata/uid', value: ro.metadata?.uid },
  { op: 'test', path: '/metadata/generation', value: ro.metadata?.generation },
];

/** A promotion's patches: `status` for the status subresource, `spec` for the Rollout, `unified` for the Rollout when it has no status subresource. */
export interface PromotePatches {
  status?: JsonPatchOp[];
  spec?: JsonPatchOp[];
  unified: JsonPatchOp[];
}

/**
 * The plugin's `getPatches` (promote, promote --full) as guarded JSON
 * patches. The status patch also tests the step read, since it may move
 * the step itself; the spec patch, sent after it, tests the spec only.
 */
export function promotePatches(ro: RolloutObject, full: boolean): PromotePatches {
  const status = ro.status ?? {};
  const steps = ro.spec?.strategy?.canary?.steps ?? [];
  const guard = [...sameRollout(ro), ...(status.currentStepIndex !== undefined ? [{ op: 'test' as const, path: '/status/currentStepIndex', value: status.currentStepIndex }] : [])];
  const unpause: JsonPatchOp = { op: 'add', path: '/spec/paused', value: false };
  const spec = ro.spec?.paused ? [...sameRollout(ro), unpause] : undefined;
  const withGuard = (ops: JsonPatchOp[] | undefined) => (ops ? [...guard, ...ops] : undefined);
  // Tested first: the controller clearing them meanwhile is then a change made meanwhile (CONFLICT), not a bare 422.
  const clearPause: JsonPatchOp[] =
    status.pauseConditions !== undefined
      ? [
          { op: 'test', path: '/status/pauseConditions', value: status.pauseConditions },
          { op: 'remove', path: '/status/pauseConditions' },
        ]
      : [];
  /** The step after the current one, no further than one past the last (`*index++` while below the count). */
  const nextStep = (): JsonPatchOp[] => {
    const { index } = currentCanaryStep(ro);
    return index === undefined ? [] : [{ op: 'add', path: '/status/currentStepIndex', value: index < steps.length ? index + 1 : index }];
  };
  if (full) {
    const promoteFull: JsonPatchOp = { op: 'add', path: '/status/promoteFull', value: true };
    return { spec, status: withGuard(status.currentPodHash !== status.stableRS ? [promoteFull] : undefined), unified: [...guard, unpause, promoteFull] };
  }
  const unified = [...guard, unpause, ...clearPause];
  const pauses = status.pauseConditions?.length ?? 0;
  const inconclusive = Boolean(ro.spec?.strategy?.canary) && status.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive';
  if (inconclusive && pauses > 0 && status.controllerPause) {
    const next = nextStep();
    return { spec, status: withGuard(next.length ? [...clearPause, { op: 'add', path: '/status/controllerPause', value: false }, ...next] : undefined), unified };
  }
  if (pauses > 0) return { spec, status: withGuard(clearPause), unified };
  if (ro.spec?.strategy?.canary) {
    const next = nextStep();
    if (next.length) return { spec, status: withGuard([...clearPause, ...next]), unified: [...unified, ...next] };
  }
  return { spec, unified };
}

/** `status.abort` set to `to`: abort (true) or retry (false, only while it is still aborted). */
export function abortPatch(ro: RolloutObject, to: boolean): JsonPatchOp[] {
  return [...sameRollout(ro), ...(to ? [] : [{ op: 'test' as const, path: '/status/abort', value: true }]), { op: 'add', path: '/status/abort', value: to }];
}

/** A ReplicaSet's pod template as the Rollout takes it back: without the controller's hash label (`undo` deletes just that key). */
export function undoTemplate(rs: RolloutReplicaSet): PodTemplate {
  const template = structuredClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[ROLLOUT_HASH_LABEL];
  return template;
}

/** The undo's JSON patch (the plugin's own is a JSON patch replacing `/spec/template`), guarded. */
export const undoPatch = (ro: RolloutObject, template: PodTemplate): JsonPatchOp[] => [...sameRollout(ro), { op: 'replace', path: '/spec/template', value: template }];

/**
 * `apiequality.Semantic.DeepDerivative(a, b)` over JSON: what `a` leaves
 * unset (absent, null, empty string, empty list or object) may be anything in `b`.
 * The plugin's undo compares the Rollout's template (not defaulted) this way
 * with the ReplicaSet's (defaulted by the apiserver).
 */
export function deepDerivative(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return true;
  if (typeof a === 'string') return a === '' || a === b;
  // An empty list is unset, as a nil or empty slice is to the apiserver's comparison.
  if (Array.isArray(a)) return !a.length || (Array.isArray(b) && a.length === b.length && a.every((x, i) => deepDerivative(x, b[i])));
  if (typeof a === 'object') {
    const keys = Object.keys(a);
    if (!keys.length) return true;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
    return keys.every((k) => deepDerivative((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** The plugin's `equalIgnoreHash`: the Rollout already runs the ReplicaSet's template (hash labels aside). */
export function runsTemplateOf(ro: RolloutObject, rs: RolloutReplicaSet): boolean {
  const strip = (t: PodTemplate | undefined) => {
    const copy = structuredClone(t ?? {});
    if (copy.metadata?.labels) delete copy.metadata.labels[ROLLOUT_HASH_LABEL];
    return copy;
  };
  return ro.spec?.template !== undefined && deepDerivative(strip(ro.spec.template), strip(rs.spec?.template));
}

/** The plugin's `rolloutRevision`: the ReplicaSet of revision `to`, or with 0 the second newest; VALIDATION when there is none. */
export function undoSource(name: string, replicaSets: readonly RolloutReplicaSet[], to: number): RolloutReplicaSet {
  const numbered = replicaSets.flatMap((rs) => {
    const revision = argoRevisionOf(rs);
    return revision === undefined ? [] : [{ rs, revision }];
  });
  if (to > 0) {
    const found = numbered.find((n) => n.revision === to);
    if (!found) throw new AppError('VALIDATION', `Rollout ${name} has no revision ${to} kept: its ReplicaSets hold ${numbered.map((n) => n.revision).sort((a, b) => a - b).join(', ') || 'none'}`);
    return found.rs;
  }
  const sorted = [...numbered].sort((a, b) => b.revision - a.revision);
  if (sorted.length < 2) throw new AppError('VALIDATION', `No revision found for rollout "${name}" to go back to`);
  return sorted[1].rs;
}

/** How the Rollout stands, for the audit log, reports and the tray. */
export function stateText(r: ArgoRollout): string {
  const step = r.currentStepIndex !== undefined && r.steps.length ? ` at step ${r.currentStepIndex}/${r.steps.length}` : '';
  const weight = r.setWeight !== undefined ? `, weight ${r.setWeight} (actual ${r.actualWeight ?? 0})` : '';
  const images = r.templateImages.join(', ');
  return `${r.phase}${r.message ? ` (${r.message})` : ''}${step}${weight}${r.aborted ? ', aborted' : ''}; template ${images}`;
}

/** What Argo Rollouts needs: what a rollback does, discovery to tell whether the CRD is served, and how long to follow an action. */
export interface ArgoRolloutsDeps extends Omit<RollbacksDeps, 'access'> {
  access: Pick<KubeAccess, 'config' | 'resolve'>;
  settleMs?: number;
}

/** Lists Rollouts, and runs the plugin's actions as tasks. */
export interface ArgoRolloutsService {
  list(params: { connectionId: string; namespace?: string }): Promise<ArgoRollouts>;
  promote(params: ArgoPromoteParams, actor: string): { taskId: string };
  abort(params: ArgoRolloutActionParams, actor: string): { taskId: string };
  retry(params: ArgoRolloutActionParams, actor: string): { taskId: string };
  undo(params: ArgoUndoParams, actor: string): { taskId: string };
}

interface Done {
  skipped: boolean;
  verdict: string;
}

type Settled = (now: ArgoRollout, ro: RolloutObject) => boolean;

/** Lists Rollouts and runs promote / abort / retry / undo (see the module's comment). */
export function createArgoRollouts({ access, connections, runner, log, pollMs = 1000, settleMs = DEFAULT_SETTLE_MS }: ArgoRolloutsDeps): ArgoRolloutsService {
  const rolloutPath = (namespace: string, name: string, subresource?: string) => objectPath(ROLLOUTS, namespace, name, subresource);

  /** Whether the cluster serves `rollouts.argoproj.io`, as discovery says. */
  async function served(connectionId: string): Promise<boolean> {
    try {
      await access.resolve(connectionId, ROLLOUTS);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return false;
      throw err;
    }
  }

  /** The Rollout and the ReplicaSets it controls, found by its selector as the plugin does. */
  async function read(kc: KubeConfig, namespace: string, name: string, signal?: AbortSignal): Promise<{ ro: RolloutObject; replicaSets: RolloutReplicaSet[]; shown: ArgoRollout }> {
    const ro = await readObject<RolloutObject>(kc, rolloutPath(namespace, name), `reading Rollout ${name} in ${namespace}`, `Rollout ${name} in ${namespace} is not there (any more)`, signal);
    const replicaSets = await controlledObjects<RolloutReplicaSet>(kc, ro, namespace, REPLICA_SETS, `Rollout ${name}`, signal);
    return { ro, replicaSets, shown: shownRollout(ro, replicaSets) };
  }

  /** CONFLICT when the Rollout's spec moved since the user saw it. */
  function heldTo(ro: RolloutObject, params: { name: string; namespace: string; ifGeneration?: number }, shown: ArgoRollout): void {
    if (shown.unreadable) throw new AppError('VALIDATION', `${shown.unreadable}. Nothing was changed`);
    if (params.ifGeneration !== undefined && shown.generation !== params.ifGeneration) {
      throw new AppError('CONFLICT', `Rollout ${params.name} in ${params.namespace} was changed since you looked (generation ${shown.generation}, not ${params.ifGeneration}); it is ${stateText(shown)}. Nothing was changed: look again`);
    }
    if (!ro.metadata?.uid) throw new AppError('NOT_FOUND', `Rollout ${params.name} in ${params.namespace} has no uid`);
  }

  /** Sends a guarded JSON patch; CONFLICT when a test failed because the Rollout changed meanwhile. Returns the status (404 passed back) and the object. */
  async function send(kc: KubeConfig, path: string, patch: JsonPatchOp[], what: string, label: string): Promise<{ status: number; body: RolloutObject }> {
    const res = await kubeRequest<RolloutObject>(kc, path, { method: 'PATCH', patch: 'json', body: patch, deadlineMs: 30_000 });
    if (res.status === 404) return res;
    if (await changedMeanwhile(kc, path, patch, res)) throw new AppError('CONFLICT', `${label} was changed while ${what} was prepared (by its controller or someone else): nothing more was changed. Look again and retry`);
    if (res.status !== 200) throw kubeStatusError(`${what} of ${label}`, res.status, res.body);
    return res;
  }

  /** Patches the status subresource, or the Rollout itself when its CRD has no status subresource (the plugin's fallback on a 404). */
  async function patchStatus(kc: KubeConfig, namespace: string, name: string, patch: JsonPatchOp[], what: string): Promise<RolloutObject> {
    const label = `Rollout ${name} in ${namespace}`;
    const viaStatus = await send(kc, rolloutPath(namespace, name, 'status'), patch, what, label);
    if (viaStatus.status === 200) return viaStatus.body;
    const direct = await send(kc, rolloutPath(namespace, name), patch, what, label);
    if (direct.status === 404) throw new AppError('NOT_FOUND', `${label} is not there any more`);
    return direct.body;
  }

  /**
   * Reads the Rollout until `settled` says the controller has acted on the change `written` (the last patch's
   * answer: a read still at its resourceVersion is the change itself, before the controller ran); TIMEOUT (the
   * change stays) after `settleMs`. The cluster not answering is tried again until LOST_CONTACT_MS (lostContact.ts) pass
   * without an answer, then the task says `applied` was applied and its outcome is not known.
   */
  async function follow(ctx: TaskContext, kc: KubeConfig, namespace: string, name: string, written: RolloutObject, settled: Settled, waitingFor: string, applied: string): Promise<ArgoRollout> {
    const deadline = Date.now() + settleMs;
    const writtenVersion = written.metadata?.resourceVersion;
    const silence = silenceBudget();
    for (;;) {
      let now: Awaited<ReturnType<typeof read>>;
      try {
        now = await read(kc, namespace, name, ctx.signal);
        silence.answered();
      } catch (err) {
        ctx.throwIfCancelled();
        silence.failed(err, applied, `it has ${waitingFor}`);
        await systemClock.sleep(Math.min(pollMs, 1000), ctx.signal);
        continue;
      }
      const { ro, shown } = now;
      ctx.progress(shown.replicas.updated, shown.replicas.desired, stateText(shown));
      const acted = writtenVersion === undefined || ro.metadata?.resourceVersion !== writtenVersion;
      if (acted && settled(shown, ro)) return shown;
      if (Date.now() > deadline) throw new AppError('TIMEOUT', `Rollout ${name} in ${namespace} took the change, but after ${Math.round(settleMs / 1000)} s it has not ${waitingFor}: it is ${stateText(shown)}`);
      await systemClock.sleep(pollMs, ctx.signal);
    }
  }

  /** Starts `run` as the task `kind` on the Rollout, audited; its result says whether it was skipped, its report gives the verdict. */
  function start(kind: string, title: string, phases: string[], params: ArgoRolloutActionParams, actor: string, run: (ctx: TaskContext) => Promise<Done>): { taskId: string } {
    const connectionName = connectionNameOf(connections, params.connectionId);
    const { id } = runner.start(
      { kind, title, target: auditTarget(connectionName, params.namespace, 'rollouts', params.name), connectionId: params.connectionId, connectionName, actor, phases, unit: 'pods' },
      run,
      { describe: (done) => ({ result: { skipped: done.skipped }, report: done.verdict }) },
    );
    return { taskId: id };
  }

  const FOLLOW = 'Follow the rollout';

  async function promote(ctx: TaskContext, params: ArgoPromoteParams): Promise<Done> {
    const { namespace, name } = params;
    const label = `Rollout ${name} in ${namespace}`;
    const kc = await access.config(params.connectionId);
    const { ro, shown } = await read(kc, namespace, name, ctx.signal);
    ctx.record({ audit: { before: stateText(shown) } });
    heldTo(ro, params, shown);
    if (params.ifCurrentStepIndex !== undefined && shown.currentStepIndex !== params.ifCurrentStepIndex) {
      throw new AppError('CONFLICT', `${label} is at step ${shown.currentStepIndex ?? '?'} now, not ${params.ifCurrentStepIndex}: it moved on since you looked. Nothing was changed`);
    }
    const patches = promotePatches(ro, params.full);
    if (!patches.status && !patches.spec) {
      ctx.record({ audit: { before: stateText(shown), after: `unchanged: nothing to promote` } });
      return { skipped: true, verdict: `Skipped: ${label} is neither paused nor short of a full promotion (${stateText(shown)}).` };
    }
    const what = params.full ? 'the full promotion' : 'the promotion';
    const after = params.full ? 'fully promoted (status.promoteFull)' : 'promoted (unpaused)';
    let spec = patches.spec;
    let written: RolloutObject = ro;
    if (patches.status) {
      const res = await send(kc, rolloutPath(namespace, name, 'status'), patches.status, what, label);
      // No status subresource: the plugin sends everything to the Rollout at once.
      if (res.status === 404) spec = patches.unified;
      else {
        written = res.body;
        // The status changed: the audit says so even if the spec patch fails.
        if (spec) ctx.record({ audit: { before: stateText(shown), after: `${after}; the spec's unpause not yet written` } });
      }
    }
    if (spec) {
      const res = await send(kc, rolloutPath(namespace, name), spec, what, label);
      if (res.status === 404) throw new AppError('NOT_FOUND', `${label} is not there any more`);
      written = res.body;
    }
    ctx.record({ audit: { before: stateText(shown), after }, summary: `Promoted ${label}; following it.` });
    log.info('argo rollout promoted', { connectionId: params.connectionId, namespace, name, full: params.full });

    // Past the point of no return: a cancel stops the following, not the promotion.
    ctx.phase(FOLLOW);
    const from = shown.currentStepIndex;
    // A full promotion is taken once the controller clears status.promoteFull again (`promoteStable`), or it is Healthy.
    const settled: Settled = (now, obj) =>
      generationObserved(obj) &&
      (!params.full || !obj.status?.promoteFull || now.phase === 'Healthy') &&
      (now.phase === 'Healthy' || now.phase === 'Degraded' || (!params.full && now.phase === 'Paused' && now.currentStepIndex !== from && Boolean(obj.status?.pauseConditions?.length || obj.spec?.paused)));
    const now = await follow(ctx, kc, namespace, name, written, settled, params.full ? 'become Healthy' : 'reached its next pause or the end', `the ${params.full ? 'full promotion' : 'promotion'} of ${label}`);
    // As a rollback whose rollout stalls: the change stands, the verdict is that it did not get through.
    if (now.phase === 'Degraded') throw new AppError('TIMEOUT', `${label} was promoted but is now Degraded: ${now.message}. Abort or undo it`);
    return { skipped: false, verdict: `${label} promoted${params.full ? ' fully' : ''}: ${stateText(now)}.` };
  }

  async function setAbort(ctx: TaskContext, params: ArgoRolloutActionParams, to: boolean): Promise<Done> {
    const { namespace, name } = params;
    const label = `Rollout ${name} in ${namespace}`;
    const kc = await access.config(params.connectionId);
    const { ro, shown } = await read(kc, namespace, name, ctx.signal);
    ctx.record({ audit: { before: stateText(shown) } });
    heldTo(ro, params, shown);
    if (!to && !shown.aborted) throw new AppError('CONFLICT', `${label} is not aborted (any more): ${stateText(shown)}. Nothing was changed`);
    // The controller undoes an abort of a fully promoted Rollout (it clears status.abort once stable is the current pod hash).
    if (to && shown.fullyPromoted) throw new AppError('VALIDATION', `${label}: nothing to abort: it is fully promoted (${stateText(shown)}). Nothing was changed`);
    const after = await patchStatus(kc, namespace, name, abortPatch(ro, to), to ? 'the abort' : 'the retry');
    const generation = after.metadata?.generation ?? shown.generation;
    const at = { connectionId: params.connectionId, namespace, name, ifGeneration: generation };
    const undo: UndoStep = to ? { method: 'rollouts.argoRetry', params: at, label: `Retry ${name}` } : { method: 'rollouts.argoAbort', params: at, label: `Abort ${name} again` };
    ctx.record({ audit: { before: stateText(shown), after: to ? 'aborted (status.abort)' : 'retried (status.abort false)', undo }, summary: `${to ? 'Aborted' : 'Retried'} ${label}; following it.` });
    log.info(to ? 'argo rollout aborted' : 'argo rollout retried', { connectionId: params.connectionId, namespace, name });

    ctx.phase(FOLLOW);
    const now = await follow(
      ctx,
      kc,
      namespace,
      name,
      after,
      // Only the controller writes status.abortedAt: set once it has acted on the abort, cleared once it has acted on the retry.
      (r, obj) => generationObserved(obj) && (to ? r.aborted && Boolean(obj.status?.abortedAt) : !r.aborted && !obj.status?.abortedAt),
      to ? 'reported the abort' : 'left the aborted state',
      `the ${to ? 'abort' : 'retry'} of ${label}`,
    );
    return { skipped: false, verdict: `${label} ${to ? 'aborted' : 'retried'}: ${stateText(now)}. ${to ? 'Retry it, or undo this from the audit log.' : ''}`.trim() };
  }

  async function undo(ctx: TaskContext, params: ArgoUndoParams): Promise<Done> {
    const { namespace, name } = params;
    const label = `Rollout ${name} in ${namespace}`;
    const kc = await access.config(params.connectionId);
    const { ro, replicaSets, shown } = await read(kc, namespace, name, ctx.signal);
    ctx.record({ audit: { before: stateText(shown) } });
    heldTo(ro, params, shown);
    if (shown.workloadRef) throw new AppError('VALIDATION', `${label} takes its pod template from ${shown.workloadRef}: roll that workload back instead (its history is on its row). Nothing was changed`);
    const source = undoSource(name, replicaSets, params.toRevision);
    const revision = argoRevisionOf(source) ?? 0;
    const to = `the template of revision ${revision} (${templateImages(source.spec?.template).join(', ')})`;
    if (runsTemplateOf(ro, source)) {
      ctx.record({ audit: { before: stateText(shown), after: `unchanged: already ${to}` } });
      return { skipped: true, verdict: `Skipped: ${label} already runs ${to}.` };
    }
    const res = await send(kc, rolloutPath(namespace, name), undoPatch(ro, undoTemplate(source)), 'the undo', label);
    if (res.status === 404) throw new AppError('NOT_FOUND', `${label} is not there any more`);
    // Going back: the revision running now (the canary's, else the stable one), while the Rollout is as this undo left it.
    const current = shown.revisions.find((r) => r.role === 'canary') ?? shown.revisions.find((r) => r.role === 'stable' || r.role === 'active');
    const back: UndoStep | undefined =
      current && current.revision !== revision
        ? { method: 'rollouts.argoUndo', params: { connectionId: params.connectionId, namespace, name, toRevision: current.revision, ifGeneration: res.body.metadata?.generation }, label: `Undo ${name} to revision ${current.revision}` }
        : undefined;
    ctx.record({ audit: { before: stateText(shown), after: to, ...(back ? { undo: back } : {}) }, summary: `${label} takes ${to}; following it.` });
    log.info('argo rollout undone', { connectionId: params.connectionId, namespace, name, toRevision: revision });

    ctx.phase(FOLLOW);
    const now = await follow(ctx, kc, namespace, name, res.body, (_r, obj) => generationObserved(obj), 'observed the change', `the undo of ${label}`);
    return { skipped: false, verdict: `${label} takes ${to}: ${stateText(now)}.` };
  }

  return {
    async list({ connectionId, namespace }) {
      if (!(await served(connectionId))) return { available: false, rollouts: [] };
      const kc = await access.config(connectionId);
      const where = namespace ? `in ${namespace}` : 'in every namespace';
      const rollouts = await listObjects<RolloutObject>(kc, ROLLOUTS, namespace, `listing the Rollouts ${where}`);
      // One list of ReplicaSets (the namespace's, or the cluster's), not one per Rollout every few seconds.
      const replicaSets = rollouts.length ? await listObjects<RolloutReplicaSet>(kc, REPLICA_SETS, namespace, `listing the ReplicaSets ${where}`) : [];
      const byOwner = new Map<string, RolloutReplicaSet[]>();
      for (const rs of replicaSets) {
        const owner = rs.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
        if (!owner) continue;
        const owned = byOwner.get(owner);
        if (owned) owned.push(rs);
        else byOwner.set(owner, [rs]);
      }
      const shown = rollouts.map((ro) => shownRollout(ro, byOwner.get(ro.metadata?.uid ?? '') ?? []));
      return { available: true, rollouts: shown.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)) };
    },
    promote: (params, actor) =>
      start('rollouts.argoPromote', `${params.full ? 'Fully promote' : 'Promote'} Rollout ${params.name}`, ['Promote', FOLLOW], params, actor, (ctx) => promote(ctx, params)),
    abort: (params, actor) => start('rollouts.argoAbort', `Abort Rollout ${params.name}`, ['Abort', FOLLOW], params, actor, (ctx) => setAbort(ctx, params, true)),
    retry: (params, actor) => start('rollouts.argoRetry', `Retry Rollout ${params.name}`, ['Retry', FOLLOW], params, actor, (ctx) => setAbort(ctx, params, false)),
    undo: (params, actor) =>
      start('rollouts.argoUndo', `Undo Rollout ${params.name} to ${params.toRevision ? `revision ${params.toRevision}` : 'the previous revision'}`, ['Undo', FOLLOW], params, actor, (ctx) => undo(ctx, params)),
  };
}
