/**
 * `kubectl drain` as a task: cordon the node, sort its pods as kubectl does
 * (shared/kubeDrain.ts), evict them through the Eviction API so
 * PodDisruptionBudgets are honoured, and wait for them to leave. One audit
 * entry, `node.drain`, records it; its undo uncordons the node when the drain
 * was what cordoned it, however the drain ended.
 */
import type { DrainPlan, DrainPod, ObjectRef, ParamsOf } from '../../../../shared/contract';
import { podList, podName, refusalMessage, sortForDrain } from '../../../../shared/kubeDrain';
import { AppError, type ErrorCode } from '../../../../shared/result';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';
import type { TaskContext, TaskRunner } from '../../tasks/taskRunner';
import { objectPath, resourceLabel, type KubeAccess } from '../client/kubeAccess';
import { kubeStatusError } from '../client/kubeErrors';
import { kubeRequest } from '../client/kubeHttp';
import type { PodObject } from '../model';
import { eachPod, onNodeFilter } from '../objects/kubeObjects';
import { evictionAnswer, evictPods, systemClock, waitForDeparture, type EvictionFate } from './evictions';
import type { KubeActions } from './kubeActions';
import { auditTarget, connectionNameOf } from './kubeActionTarget';

/** The annotation the kubelet puts on a static pod's mirror. */
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** A drain's phases, in order. */
export const DRAIN_PHASES = ['Cordon', 'Evict', 'Wait for pods to leave'] as const;

const PODS = { group: '', version: 'v1', resource: 'pods' };
const DAEMONSETS = { group: 'apps', version: 'v1', resource: 'daemonsets' };

/** Between two eviction attempts a PodDisruptionBudget forbade, as kubectl waits. */
const RETRY_MS = 5_000;
/** Between two checks whether the evicted pods are gone, as kubectl polls. */
const POLL_MS = 1_000;
/** Eviction requests in flight at once: kubectl tries every pod at once; a node of 110 pods should not burst the apiserver. */
const CONCURRENCY = 10;

export interface NodeDrainDeps {
  access: KubeAccess;
  actions: Pick<KubeActions, 'cordonUnaudited'>;
  connections: Pick<ConnectionService, 'list'>;
  /** The task runner, built after the kube area. */
  runner: () => Pick<TaskRunner, 'start'>;
  log: Logger;
}

/** Draining nodes. */
export interface NodeDrain {
  /** The pods on a node, as a drain judges them. */
  plan(ref: ObjectRef): Promise<DrainPlan>;
  /** Starts the drain as a task and answers with its id at once. */
  start(params: ParamsOf<'kube.drain'>, actor: string): { taskId: string };
}

/** A pod as a drain judges it. */
export function drainPodOf(pod: PodObject): DrainPod {
  const controller = pod.metadata?.ownerReferences?.find((o) => o.controller)?.kind;
  const phase = pod.status?.phase;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    ...(controller ? { controller } : {}),
    mirror: pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined,
    emptyDir: (pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined),
    finished: phase === 'Succeeded' || phase === 'Failed',
  };
}

/** The policy/v1 Eviction of one pod: only the pod that was listed (its uid), with the grace period asked for. */
export function evictionBody(pod: DrainPod, gracePeriodSeconds: number | undefined): unknown {
  return {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name: pod.name, namespace: pod.namespace },
    deleteOptions: { ...(pod.uid ? { preconditions: { uid: pod.uid } } : {}), ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }) },
  };
}

/** What the report says of each pod, built up as the drain goes. */
class DrainRecord {
  private readonly lines = new Map<string, string>();
  /** What is lost with a pod evicted anyway (emptyDir data, a DaemonSet gone), kept on its line whatever becomes of it. */
  private readonly warnings = new Map<string, string>();
  cordon = '';
  closing = '';

  warn(pod: DrainPod, warning: string): void {
    this.warnings.set(podName(pod), warning);
  }

  set(pod: DrainPod, text: string): void {
    const warning = this.warnings.get(podName(pod));
    this.lines.set(podName(pod), warning ? `${text} (${warning})` : text);
  }

  /** Markdown for the task's report. */
  summary(): string {
    return [this.cordon, ...[...this.lines].map(([name, text]) => `- ${name}: ${text}`), this.closing].filter(Boolean).join('\n');
  }
}

/** A fate in the report's words. */
function fateText(fate: EvictionFate, timeoutSeconds: number): string {
  switch (fate.state) {
    case 'evicted':
      return 'evicted';
    case 'gone':
      return 'already gone';
    case 'blocked':
      return `blocked by ${fate.budget ? `PodDisruptionBudget ${fate.budget}` : 'the server'} until the timeout (${timeoutSeconds} s): ${fate.message}`;
    case 'failed':
      return `failed: ${fate.message}`;
    case 'stopped':
      return fate.why === 'cancelled'
        ? `not evicted: the drain was cancelled${fate.budget ? ` while PodDisruptionBudget ${fate.budget} forbade it` : ''}`
        : `not evicted: the timeout (${timeoutSeconds} s) passed before its turn`;
  }
}

/** {@link NodeDrain} over the connection's own credentials. */
export function createNodeDrain(deps: NodeDrainDeps): NodeDrain {
  const { access, actions, connections, log } = deps;

  const checkNode = (ref: ObjectRef) => {
    if (ref.resource.group !== '' || ref.resource.resource !== 'nodes') throw new AppError('VALIDATION', `Only nodes can be drained, not ${resourceLabel(ref.resource)}`);
    if (ref.namespace) throw new AppError('VALIDATION', 'nodes are cluster-scoped: leave the namespace out');
  };

  async function podsOn(connectionId: string, node: string): Promise<DrainPod[]> {
    const kc = await access.config(connectionId);
    const pods: { pod: DrainPod; daemonSet?: string }[] = [];
    await eachPod<PodObject>(kc, undefined, onNodeFilter(node), `listing the pods on node ${node}`, (pod) => {
      const drainPod = drainPodOf(pod);
      const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
      pods.push({ pod: drainPod, ...(drainPod.controller === 'DaemonSet' && !drainPod.finished && owner?.name ? { daemonSet: owner.name } : {}) });
    });
    // As kubectl, each running DaemonSet pod's DaemonSet is asked for: one that is gone leaves its pods to --force.
    const daemonSets = new Map<string, Promise<boolean>>();
    const exists = (namespace: string, name: string) => {
      const key = `${namespace}/${name}`;
      if (!daemonSets.has(key)) {
        daemonSets.set(
          key,
          kubeRequest(kc, objectPath(DAEMONSETS, namespace, name), { deadlineMs: 10_000 }).then((res) => {
            if (res.status === 404) return false;
            if (res.status !== 200) throw kubeStatusError(`checking whether DaemonSet ${key} exists`, res.status, res.body);
            return true;
          }),
        );
      }
      return daemonSets.get(key)!;
    };
    return Promise.all(pods.map(async ({ pod, daemonSet }) => (daemonSet && !(await exists(pod.namespace, daemonSet)) ? { ...pod, orphanedDaemonSet: true } : pod)));
  }

  async function drain(ctx: TaskContext, params: ParamsOf<'kube.drain'>, who: string): Promise<{ evicted: number; skipped: number; cordoned: boolean }> {
    const { timeoutSeconds, gracePeriodSeconds, deleteEmptyDirData, force, ignoreDaemonSets, ...ref } = params;
    const node = ref.name;
    const record = new DrainRecord();

    ctx.progress(0, 0, `Cordoning node ${node}`);
    const cordon = await actions.cordonUnaudited({ ...ref, unschedulable: true });
    const evicted: DrainPod[] = [];
    const keep = () =>
      ctx.record({
        summary: record.summary(),
        audit: {
          before: cordon.before,
          after: cordon.after,
          ...(cordon.undo ? { undo: cordon.undo } : {}),
          detail: evicted.length ? `Evicted ${evicted.length} pod${evicted.length === 1 ? '' : 's'}: ${podList(evicted)}` : 'Evicted no pod',
        },
      });
    /** Says where the node stands, records it all, and stops if the drain was cancelled. */
    const checkpoint = (closing: string) => {
      record.closing = ctx.signal.aborted ? `Cancelled: ${closing}` : closing;
      keep();
      ctx.throwIfCancelled();
    };
    const staysCordoned = () =>
      cordon.undo ? `Node ${node} stays cordoned: undo this drain in the audit log, or uncordon it, when it may take pods again.` : `Node ${node} stays cordoned, as it was before.`;

    record.cordon = cordon.undo ? `Cordoned node ${node} (it was ${cordon.before}).` : `Node ${node} was already cordoned; the drain leaves that as it is.`;
    ctx.log(record.cordon);
    checkpoint(staysCordoned());

    ctx.phase('Evict');
    // One deadline for the evictions and the wait, as kubectl's --timeout.
    const deadline = systemClock.now() + timeoutSeconds * 1000;
    ctx.progress(0, 0, `Listing the pods on node ${node}`);
    const sorted = sortForDrain(await podsOn(ref.connectionId, node), { deleteEmptyDirData, force, ignoreDaemonSets });
    for (const pod of sorted.skipDaemonSet) record.set(pod, 'skipped (DaemonSet)');
    for (const pod of sorted.skipMirror) record.set(pod, 'skipped (static pod)');
    if (sorted.refused.length) {
      for (const { pod, reason } of sorted.refused) record.set(pod, `refused: it ${reason}`);
      checkpoint(`Nothing was evicted. ${staysCordoned()}`);
      throw new AppError('VALIDATION', `Nothing was evicted from node ${node}: ${refusalMessage(sorted.refused)}`);
    }
    const toEvict = sorted.evict.map((e) => e.pod);
    for (const { pod, warning } of sorted.evict) {
      if (warning) record.warn(pod, warning);
      record.set(pod, 'to evict');
    }
    ctx.log(`${toEvict.length} pod${toEvict.length === 1 ? '' : 's'} to evict, ${sorted.skipDaemonSet.length} DaemonSet pod${sorted.skipDaemonSet.length === 1 ? '' : 's'} skipped`);
    keep();

    const kc = await access.config(ref.connectionId);
    let settled = 0;
    const waitingFor = new Set<string>();
    ctx.progress(0, toEvict.length);
    const fates = await evictPods({
      pods: toEvict,
      deadline,
      retryMs: RETRY_MS,
      concurrency: CONCURRENCY,
      clock: systemClock,
      signal: ctx.signal,
      evict: async (pod) => {
        const res = await kubeRequest(kc, objectPath(PODS, pod.namespace, pod.name, 'eviction'), { method: 'POST', body: evictionBody(pod, gracePeriodSeconds), deadlineMs: 30_000 });
        return evictionAnswer(res.status, res.body, pod, who);
      },
      onChange: (pod, fate) => {
        if (fate.state === 'waiting') {
          const text = `waiting for ${fate.budget ? `PodDisruptionBudget ${fate.budget}` : 'the server'}`;
          if (!waitingFor.has(podName(pod))) ctx.log(`${podName(pod)}: ${text}`);
          waitingFor.add(podName(pod));
          ctx.progress(settled, toEvict.length, `${podName(pod)}: ${text}`);
          return;
        }
        settled++;
        if (fate.state === 'evicted') evicted.push(pod);
        record.set(pod, fateText(fate, timeoutSeconds));
        // Saved as each pod settles: a crash mid-drain still leaves what was evicted.
        keep();
        ctx.log(`${podName(pod)}: ${fateText(fate, timeoutSeconds)}`);
        ctx.progress(settled, toEvict.length, `${podName(pod)}: ${fate.state}`);
      },
    });
    const unevicted = [...fates].filter(([, f]) => f.state !== 'evicted' && f.state !== 'gone');
    checkpoint(
      `${evicted.length ? `The ${evicted.length} evicted pod${evicted.length === 1 ? ' stays' : 's stay'} evicted. ` : ''}${staysCordoned()}`,
    );

    ctx.phase('Wait for pods to leave');
    const departure = await waitForDeparture({
      pods: evicted,
      deadline,
      pollMs: POLL_MS,
      clock: systemClock,
      signal: ctx.signal,
      isGone: async (pod) => {
        const res = await kubeRequest<PodObject>(kc, objectPath(PODS, pod.namespace, pod.name), { deadlineMs: 10_000 });
        if (res.status === 404) return true;
        if (res.status !== 200) throw kubeStatusError(`checking whether pod ${podName(pod)} is gone`, res.status, res.body);
        // Its name now holds a new pod (a StatefulSet's replacement): the evicted one is gone.
        return res.body.metadata?.uid !== pod.uid;
      },
      onProgress: (gone) => ctx.progress(gone, evicted.length, `${gone} of ${evicted.length} evicted pods gone`),
    });
    const lingering = new Set(departure.remaining.map(podName));
    for (const pod of evicted) {
      record.set(pod, lingering.has(podName(pod)) ? `evicted, still there at the timeout (${timeoutSeconds} s)${departure.lastProblem ? `: ${departure.lastProblem}` : ''}` : 'evicted, gone');
    }
    checkpoint(staysCordoned());

    if (unevicted.length || departure.remaining.length) {
      const failures = unevicted.flatMap(([, f]) => (f.state === 'failed' ? [f] : []));
      const blocked = unevicted.filter(([, f]) => f.state !== 'failed').map(([pod]) => pod);
      const problems = [
        blocked.length && `${blocked.length} pod${blocked.length === 1 ? ' was' : 's were'} not evicted within ${timeoutSeconds} s (${podList(blocked)})`,
        failures.length && `${failures.length} eviction${failures.length === 1 ? '' : 's'} failed (${failures[0].message})`,
        departure.remaining.length && `${departure.remaining.length} evicted pod${departure.remaining.length === 1 ? ' was' : 's were'} still there at the timeout (${podList(departure.remaining)})`,
      ].filter(Boolean);
      const code: ErrorCode = failures.length && !blocked.length && !departure.remaining.length ? failures[0].code : 'TIMEOUT';
      throw new AppError(code, `Node ${node} is not drained: ${problems.join('; ')}. See the task's report for each pod.`);
    }
    record.closing = `Node ${node} is drained and stays cordoned.`;
    keep();
    return { evicted: evicted.length, skipped: sorted.skipDaemonSet.length + sorted.skipMirror.length, cordoned: Boolean(cordon.undo) };
  }

  return {
    async plan(ref) {
      checkNode(ref);
      return { pods: await podsOn(ref.connectionId, ref.name) };
    },

    start(params, actor) {
      checkNode(params);
      const connectionName = connectionNameOf(connections, params.connectionId);
      const { id } = deps.runner().start(
        {
          kind: 'node.drain',
          title: `Drain node ${params.name}`,
          target: auditTarget(connectionName, undefined, 'nodes', params.name),
          connectionId: params.connectionId,
          connectionName,
          actor,
          phases: [...DRAIN_PHASES],
          unit: 'pods',
        },
        (ctx) => drain(ctx, params, connectionName),
        // The report is the summary the drain recorded as it went.
        { describe: (done) => ({ result: done }) },
      );
      log.info('node drain started', { connectionId: params.connectionId, node: params.name, task: id });
      return { taskId: id };
    },
  };
}
