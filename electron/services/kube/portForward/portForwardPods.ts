/**
 * Which pod, and which of its ports, a port-forward reaches, as
 * `kubectl port-forward` decides: a pod by name, or a ready pod a Service or
 * workload selects; a Service's port becomes the pod's targetPort.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { PortForwardParams, ResourceRef } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import type { z } from 'zod';
import { objectPath } from '../client/kubeAccess';
import { kubeStatusError } from '../client/kubeErrors';
import { kubeRequest } from '../client/kubeHttp';
import { podSummary, type KubeObject, type LabelSelector, type PodObject, type ServiceObject } from '../model';

type Target = Pick<z.output<typeof PortForwardParams>, 'namespace' | 'kind' | 'name' | 'remotePort'>;

interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

/** The parts of a Pod the choice and the port lookup read. */
export interface CandidatePod extends KubeObject {
  spec?: { containers?: { name: string; ports?: ContainerPort[] }[] };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { name: string; restartCount?: number }[];
  };
}

/** Where a forward's traffic goes now. */
export interface PodRoute {
  pod: string;
  podPort: number;
}

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
const SELECTING: Record<Exclude<Target['kind'], 'pod'>, ResourceRef> = {
  service: { group: '', version: 'v1', resource: 'services' },
  deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  statefulset: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  replicaset: { group: 'apps', version: 'v1', resource: 'replicasets' },
};

/** The plural resource of a target kind, for audit entries. */
export function resourceOfTarget(kind: Target['kind']): string {
  return kind === 'pod' ? PODS.resource : SELECTING[kind].resource;
}

/** A LabelSelector in the `labelSelector` query syntax; empty when it selects everything. */
export function selectorQuery(selector: LabelSelector): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') terms.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
    else throw new AppError('VALIDATION', `Unknown label selector operator "${e.operator}" on key ${e.key}`);
  }
  return terms.join(',');
}

const isReady = (pod: CandidatePod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const readySince = (pod: CandidatePod) => timeOf(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
const maxRestarts = (pod: CandidatePod) => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));

/** Milliseconds of a timestamp; missing times sort as the least settled. */
function timeOf(at: string | undefined): number {
  const ms = at ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? Infinity : ms;
}

/**
 * kubectl's order among running pods (podutils.ActivePods, reversed):
 * negative when `a` is the better pod to talk to. Ready before not, ready
 * for longer, fewer restarts, older.
 */
export function compareForForwarding(a: CandidatePod, b: CandidatePod): number {
  if (isReady(a) !== isReady(b)) return isReady(a) ? -1 : 1;
  if (isReady(a) && readySince(a) !== readySince(b)) return readySince(a) < readySince(b) ? -1 : 1;
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(a) - maxRestarts(b);
  const created = timeOf(a.metadata?.creationTimestamp) - timeOf(b.metadata?.creationTimestamp);
  return Number.isNaN(created) ? 0 : Math.sign(created);
}

/**
 * The pod kubectl would forward to among those a selector matched: a
 * Running one, ready if any is. Terminating pods are passed over (kubectl
 * does not), since a rollout is about to take them away.
 */
export function choosePod<P extends CandidatePod>(pods: P[]): P | undefined {
  return pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp).sort(compareForForwarding)[0];
}

/**
 * The pod port a Service port reaches, as kubectl maps it: headless Services
 * pass the port through, a numeric targetPort is used as is (absent: the
 * port itself), a named one is looked up in the pod's containers.
 */
export function podPortOfService(svc: ServiceObject, pod: CandidatePod, port: number): number {
  const name = svc.metadata?.name ?? '';
  const ports = svc.spec?.ports ?? [];
  const match = ports.find((p) => p.port === port);
  if (!match) {
    const has = ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', ') || 'none';
    throw new AppError('VALIDATION', `Service ${name} has no port ${port} (its ports: ${has})`);
  }
  if ((match.protocol ?? 'TCP') !== 'TCP') throw new AppError('VALIDATION', `Port ${port} of Service ${name} is ${match.protocol}: port-forward carries TCP only`);
  if (svc.spec?.clusterIP === 'None') return port;
  const target = match.targetPort;
  if (target === undefined || target === 0 || target === '') return port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    const named = c.ports?.find((p) => p.name === target);
    if (named) return named.containerPort;
  }
  throw new AppError('VALIDATION', `Pod ${pod.metadata?.name ?? ''} has no port named "${target}", which port ${port} of Service ${name} targets`);
}

/** Why a pod cannot carry a forward, or undefined when it can. */
function unusable(pod: CandidatePod): string | undefined {
  if (pod.metadata?.deletionTimestamp) return 'is terminating';
  if (pod.status?.phase !== 'Running') return `is not running (status: ${podSummary(pod as PodObject).status})`;
  return undefined;
}

async function read<T>(kc: KubeConfig, path: string, what: string): Promise<T> {
  const res = await kubeRequest<T>(kc, path);
  if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
  return res.body;
}

/** Looks up the pod (and port) a forward reaches now; errors say why there is none. */
export async function resolvePodRoute(kc: KubeConfig, target: Target): Promise<PodRoute> {
  const { namespace, kind, name, remotePort } = target;
  if (kind === 'pod') {
    const pod = await read<CandidatePod>(kc, objectPath(PODS, namespace, name), `reading pod ${name} in ${namespace}`);
    const why = unusable(pod);
    if (why) throw new AppError('VALIDATION', `Pod ${name} ${why}: port-forward needs a running pod`);
    return { pod: name, podPort: remotePort };
  }

  const owner = await read<KubeObject & { spec?: { selector?: unknown } }>(kc, objectPath(SELECTING[kind], namespace, name), `reading ${kind} ${name} in ${namespace}`);
  const selector =
    kind === 'service'
      ? Object.entries((owner.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',')
      : selectorQuery((owner.spec?.selector ?? {}) as LabelSelector);
  if (!selector) {
    throw new AppError('VALIDATION', `${kind}/${name} selects no pods (it has no selector): forward to one of its pods instead`);
  }
  const list = await read<{ items?: CandidatePod[] }>(
    kc,
    `${objectPath(PODS, namespace)}?labelSelector=${encodeURIComponent(selector)}`,
    `listing the pods of ${kind}/${name} in ${namespace}`,
  );
  const pods = list.items ?? [];
  const pod = choosePod(pods);
  if (!pod) {
    if (!pods.length) throw new AppError('NOT_FOUND', `No pods match ${kind}/${name} (${selector}) in ${namespace}`);
    const states = pods.slice(0, 3).map((p) => `${p.metadata?.name} ${unusable(p) ?? ''}`.trim());
    throw new AppError('VALIDATION', `No running pod behind ${kind}/${name}: ${states.join('; ')}${pods.length > 3 ? '; …' : ''}`);
  }
  const podPort = kind === 'service' ? podPortOfService(owner as ServiceObject, pod, remotePort) : remotePort;
  return { pod: pod.metadata?.name ?? '', podPort };
}
