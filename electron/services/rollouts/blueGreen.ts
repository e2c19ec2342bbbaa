/**
 * The blue/green switch, as an audited task: the Service's selector is
 * pointed at the other slot only once that slot's Deployment is fully
 * available, with a JSON patch that tests the selector still picks the slot
 * read (CONFLICT otherwise, never an overwrite); then its EndpointSlices are
 * followed until they list only the target slot's pods.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { BlueGreenPair, SwitchSlotParams } from '../../../shared/contract';
import { slotNotAvailable } from '../../../shared/trafficRules';
import { AppError } from '../../../shared/result';
import type { UndoStep } from '../audit/auditService';
import { systemClock } from '../kube/actions/evictions';
import { objectPath } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { changedMeanwhile, type JsonPatchOp } from '../kube/client/guardedPatch';
import { kubeRequest } from '../kube/client/kubeHttp';
import type { EndpointSliceObject, KubeObject, ServiceObject } from '../kube/model';
import { mapSelectorString } from '../kube/objects/objectRelations';
import type { TaskContext } from '../tasks/taskRunner';
import type { RollbacksDeps } from './rollback';
import { listObjects, pointerToken, readPair, SERVICES, trafficTaskSpec } from './trafficPairs';

const ENDPOINT_SLICES = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
/** The label the EndpointSlice controller ties a slice to its Service with. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** A switch's phases, as the tray shows them. */
export const SWITCH_PHASES = ['Check the target', 'Switch', 'Verify endpoints'] as const;

/**
 * The JSON patch that moves the Service to slot `to`: it fails, changing
 * nothing, unless it is still the same Service picking slot `from`.
 */
export function switchPatch(svc: ServiceObject, slotKey: string, from: string, to: string): JsonPatchOp[] {
  const path = `/spec/selector/${pointerToken(slotKey)}`;
  return [
    { op: 'test', path: '/metadata/uid', value: svc.metadata?.uid },
    { op: 'test', path, value: from },
    { op: 'replace', path, value: to },
  ];
}

/** An endpoint of a slice, as the check reads it. */
type Endpoint = NonNullable<EndpointSliceObject['endpoints']>[number] & { targetRef?: { kind?: string; name?: string } };

/**
 * What the Service's endpoints say about the switch: done once at least one
 * is ready and every one is a pod of the target slot (`slotOf` maps pod names to slots).
 */
export function endpointsVerdict(slices: readonly EndpointSliceObject[], slotOf: ReadonlyMap<string, string>, to: string): { done: boolean; ready: number; message: string } {
  const endpoints = slices.flatMap((s) => (s.endpoints ?? []) as Endpoint[]);
  const ready = endpoints.filter((e) => e.conditions?.ready !== false).length;
  const elsewhere = endpoints.filter((e) => slotOf.get(e.targetRef?.name ?? '') !== to);
  if (elsewhere.length) {
    const where = [...new Set(elsewhere.map((e) => slotOf.get(e.targetRef?.name ?? '') ?? 'no slot'))].join(', ');
    return { done: false, ready, message: `${elsewhere.length} of ${endpoints.length} endpoints still point to pods of ${where}` };
  }
  if (!ready) return { done: false, ready, message: `no ready endpoint yet` };
  return { done: true, ready, message: `${ready} ready endpoint${ready === 1 ? '' : 's'}, all pods of ${to}` };
}

/** What switches need: what a rollback does (its `pollMs` paces the EndpointSlice checks), and how long those may take. */
export interface BlueGreenDeps extends RollbacksDeps {
  /** How long the EndpointSlices may take to follow the switch. */
  verifyMs?: number;
}

/** Switches blue/green Services between their slots, as tasks. */
export interface BlueGreenSwitches {
  start(params: SwitchSlotParams, actor: string): { taskId: string };
}

interface Switched {
  skipped: boolean;
  verdict: string;
}

/** Switches blue/green Services as audited tasks (see the module's comment). */
export function createBlueGreenSwitches({ access, connections, runner, log, pollMs = 1000, verifyMs = 120_000 }: BlueGreenDeps): BlueGreenSwitches {
  /** The slot of each pod behind the Service, by name. */
  async function podSlots(kc: KubeConfig, pair: BlueGreenPair, svc: ServiceObject, signal: AbortSignal): Promise<Map<string, string>> {
    const { [pair.slotKey]: _live, ...rest } = svc.spec?.selector ?? {};
    const selector = mapSelectorString(rest) ?? pair.slotKey;
    const pods = await listObjects<KubeObject>(kc, PODS, pair.namespace, `listing the pods behind Service "${pair.service}"`, signal, `labelSelector=${encodeURIComponent(selector)}`);
    return new Map(pods.flatMap((p) => (p.metadata?.labels?.[pair.slotKey] ? [[p.metadata.name ?? '', p.metadata.labels[pair.slotKey]] as const] : [])));
  }

  async function switchSlot(ctx: TaskContext, params: SwitchSlotParams): Promise<Switched> {
    const { connectionId, namespace, service, toSlot, ifLiveSlot, ifTargetGeneration } = params;
    const label = `Service "${service}" in ${namespace}`;
    const kc = await access.config(connectionId);
    const { pair, service: svc } = await readPair(kc, namespace, service, 'blueGreen', ctx.signal);
    const from = svc.spec?.selector?.[pair.slotKey] ?? '';
    const slotName = (value: string) => `slot ${value} (${pair.slots.find((s) => s.value === value)?.deployment ?? 'no Deployment'})`;
    ctx.record({ audit: { before: slotName(from) } });
    if (ifLiveSlot !== undefined && (pair.live ?? '') !== ifLiveSlot) {
      const now = pair.live === undefined ? 'neither slot' : `slot ${pair.live}`;
      throw new AppError('CONFLICT', `${label} sends to ${now} now, not ${ifLiveSlot === '' ? 'neither slot' : `slot ${ifLiveSlot}`}: it was switched since. Nothing was changed`);
    }
    const target = pair.slots.find((s) => s.value === toSlot);
    if (!target) throw new AppError('VALIDATION', `${label} has no slot "${toSlot}": its slots are ${pair.slots.map((s) => s.value).join(' and ')}`);
    if (ifTargetGeneration !== undefined && target.generation !== ifTargetGeneration) {
      throw new AppError('CONFLICT', `Deployment ${target.deployment} (slot ${toSlot}) was changed since you looked (its template or replicas; generation ${target.generation}, not ${ifTargetGeneration}). Nothing was changed: look again`);
    }
    if (from === toSlot) {
      ctx.record({ audit: { before: slotName(from), after: `unchanged: already ${slotName(toSlot)}` } });
      return { skipped: true, verdict: `Skipped: ${label} already sends to ${slotName(toSlot)}.` };
    }
    const why = slotNotAvailable(target);
    if (why) throw new AppError('VALIDATION', `Not switching ${label} to slot ${toSlot}: ${why}. Nothing was changed`);

    ctx.phase('Switch', { cancellable: false });
    const servicePath = objectPath(SERVICES, namespace, service);
    const patch = switchPatch(svc, pair.slotKey, from, toSlot);
    const res = await kubeRequest(kc, servicePath, { method: 'PATCH', patch: 'json', body: patch, deadlineMs: 30_000 });
    // A failed `test` op: the Service was changed (switched, replaced) between the read and the patch.
    if (await changedMeanwhile(kc, servicePath, patch, res)) throw new AppError('CONFLICT', `${label} was changed while the switch was prepared: nothing was changed. Look again and retry`);
    if (res.status !== 200) throw kubeStatusError(`switching ${label} to slot ${toSlot}`, res.status, res.body);
    // Switching back is held to the old slot as it was left: a change to it since is not what the undo offers.
    const previous = pair.slots.find((s) => s.value === from);
    const undo: UndoStep | undefined = previous
      ? { method: 'rollouts.switchSlot', params: { connectionId, namespace, service, toSlot: from, ifLiveSlot: toSlot, ifTargetGeneration: previous.generation }, label: `Switch back to slot ${from}` }
      : undefined;
    ctx.record({ audit: { before: slotName(from), after: slotName(toSlot), ...(undo ? { undo } : {}) }, summary: `Switched ${label} to ${slotName(toSlot)}; verifying its endpoints.` });
    log.info('service switched', { connectionId, namespace, service, from, to: toSlot });

    // Past the point of no return: a cancel stops the checking, not the switch.
    ctx.phase('Verify endpoints');
    const deadline = Date.now() + verifyMs;
    for (;;) {
      const [slices, slotOf] = await Promise.all([
        listObjects<EndpointSliceObject>(kc, ENDPOINT_SLICES, namespace, `listing the EndpointSlices of ${label}`, ctx.signal, `labelSelector=${encodeURIComponent(`${SERVICE_NAME_LABEL}=${service}`)}`),
        podSlots(kc, pair, svc, ctx.signal),
      ]);
      const verdict = endpointsVerdict(slices, slotOf, toSlot);
      ctx.progress(verdict.ready, target.replicas, verdict.message);
      if (verdict.done) return { skipped: false, verdict: `${label} sends to ${slotName(toSlot)}: ${verdict.message}. Undo it from the audit log to switch back.` };
      if (Date.now() > deadline) {
        throw new AppError('TIMEOUT', `${label} was switched to slot ${toSlot}, but after ${Math.round(verifyMs / 1000)} s ${verdict.message}. Switch back from the audit log if traffic suffers`);
      }
      await systemClock.sleep(pollMs, ctx.signal);
    }
  }

  return {
    start(params, actor) {
      const spec = trafficTaskSpec(connections, params, 'rollouts.switchSlot', `Switch Service ${params.service} to slot ${params.toSlot}`, SWITCH_PHASES, actor);
      const { id } = runner.start(spec, (ctx) => switchSlot(ctx, params), { describe: (done) => ({ result: { skipped: done.skipped }, report: done.verdict }) });
      return { taskId: id };
    },
  };
}
