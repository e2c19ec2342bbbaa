/**
 * Who holds which GPUs in a cluster: GPU nodes and the unfinished pods that
 * request `nvidia.com/gpu` or MIG slices, listed page by page and kept slim
 * (a cluster of 10,000 pods keeps only the few hundred that hold GPUs), then
 * summed per node, namespace and team.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { GpuInventory, GpuNode, GpuPod } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { objectPath } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeList } from '../kube/client/kubeHttp';
import { countQuantity, GPU_RESOURCE, MIG_RESOURCE_PREFIX, ownerToFollow, type NodeObject, type PodContainer, type PodObject } from '../kube/model';

/** Items per list page: the apiserver's own default chunk size for kubectl. */
const PAGE_SIZE = 500;
const LIST_TIMEOUT_MS = 30_000;

/** Labels that name a node's group or pool, most specific first; else the instance type stands in. */
export const POOL_LABELS = [
  'eks.amazonaws.com/nodegroup',
  'karpenter.sh/nodepool',
  'alpha.eksctl.io/nodegroup-name',
  'cloud.google.com/gke-nodepool',
  'kubernetes.azure.com/agentpool',
  'node-pool',
] as const;
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
const LEGACY_INSTANCE_TYPE_LABEL = 'beta.kubernetes.io/instance-type';
export const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';
export const GPU_MEMORY_LABEL = 'nvidia.com/gpu.memory';

/** A GPU node as kept between list and summary. */
export interface GpuNodeFacts {
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  unschedulable: boolean;
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
}

/** A pod holding GPUs, as kept: what the summary and the idle report need. */
export interface GpuPodFacts {
  namespace: string;
  name: string;
  node: string | null;
  gpus: number;
  /** Slices per MIG resource. */
  mig: Record<string, number>;
  labels: Record<string, string>;
  ownerKind: string | null;
  ownerName: string | null;
  phase: string;
  since: string | null;
}

/** What one listing of a cluster found. */
export interface GpuClusterSnapshot {
  nodes: GpuNodeFacts[];
  /** Pods holding GPUs, or why they could not be listed. */
  pods: GpuPodFacts[] | { forbidden: string };
  /** Namespace labels by namespace, or forbidden. */
  namespaceLabels: Map<string, Record<string, string>> | 'forbidden';
  listedAt: string;
}

const isMig = (resource: string) => resource.startsWith(MIG_RESOURCE_PREFIX);

/** A node with whole GPUs or MIG slices (or GPU feature discovery's labels, when the device plugin is not up yet). */
export function gpuNodeFacts(node: NodeObject): GpuNodeFacts | undefined {
  const capacity = node.status?.capacity ?? {};
  const labels = node.metadata?.labels ?? {};
  const hasGpus = Object.keys(capacity).some((r) => r === GPU_RESOURCE || isMig(r)) || labels['nvidia.com/gpu.present'] === 'true';
  if (!hasGpus || !node.metadata?.name) return undefined;
  return {
    name: node.metadata.name,
    labels,
    ready: node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    unschedulable: node.spec?.unschedulable === true,
    capacity,
    allocatable: node.status?.allocatable ?? {},
  };
}

/** Extended resources may set only limits (requests then default to them), so either counts. */
function requestOf(c: PodContainer, resource: string): number {
  return countQuantity(c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource]);
}

/** A pod's request of `resource` as the scheduler reserves it: containers and sidecars summed, or the largest init container if more. */
function podRequest(pod: PodObject, resource: string): number {
  const init = pod.spec?.initContainers ?? [];
  const main = (pod.spec?.containers ?? []).reduce((n, c) => n + requestOf(c, resource), 0);
  const sidecars = init.filter((c) => c.restartPolicy === 'Always').reduce((n, c) => n + requestOf(c, resource), 0);
  const once = Math.max(0, ...init.filter((c) => c.restartPolicy !== 'Always').map((c) => requestOf(c, resource)));
  return Math.max(main + sidecars, once);
}

type PodWithStart = PodObject & { status?: { startTime?: string } };

/** A pod that holds GPUs: not finished, and requesting whole GPUs or MIG slices. */
export function gpuPodFacts(pod: PodWithStart): GpuPodFacts | undefined {
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const gpus = podRequest(pod, GPU_RESOURCE);
  const resources = new Set<string>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const r of [...Object.keys(c.resources?.requests ?? {}), ...Object.keys(c.resources?.limits ?? {})]) if (isMig(r)) resources.add(r);
  }
  const mig: Record<string, number> = {};
  for (const r of resources) {
    const n = podRequest(pod, r);
    if (n > 0) mig[r] = n;
  }
  if (gpus === 0 && Object.keys(mig).length === 0) return undefined;
  const owner = ownerToFollow(pod);
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    node: pod.spec?.nodeName || null,
    gpus,
    mig,
    labels: pod.metadata?.labels ?? {},
    ownerKind: owner?.kind ?? null,
    ownerName: owner?.name ?? null,
    phase,
    since: pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? null,
  };
}

/** Every item of a collection, page by page; each goes to `keep`, which returns what to hold on to. */
async function listAll<T>(kc: KubeConfig, path: string, what: string, keep: (item: unknown) => T | undefined, signal?: AbortSignal, filter = ''): Promise<T[]> {
  const kept: T[] = [];
  let token: string | undefined;
  let restarts = 0;
  for (;;) {
    const query = `?limit=${PAGE_SIZE}${filter}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const page: T[] = [];
    const res = await kubeList(kc, path + query, {
      gzip: true,
      timeoutMs: LIST_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
      onItem: (item) => {
        const k = keep(item);
        if (k !== undefined) page.push(k);
      },
    });
    // A continue token expires after a few minutes of a slow list (410 Gone): start over, a couple of times at most.
    if (res.status === 410 && token && restarts < 2) {
      restarts++;
      kept.length = 0;
      token = undefined;
      continue;
    }
    if (res.status !== 200) throw kubeStatusError(what, res.status, res.body);
    for (const k of page) kept.push(k);
    token = res.body.metadata?.continue || undefined;
    if (!token) return kept;
  }
}

const NODES = { group: '', version: 'v1', resource: 'nodes' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
/** Finished pods hold nothing; the server leaves them out. */
const UNFINISHED = `&fieldSelector=${encodeURIComponent('status.phase!=Succeeded,status.phase!=Failed')}`;

const forbidden = (err: unknown): err is AppError => err instanceof AppError && err.code === 'FORBIDDEN';

/**
 * Lists a cluster's GPU nodes, the pods holding GPUs and the namespaces'
 * labels. Nodes must be listable; pods and namespaces that are not are
 * reported as forbidden rather than failing the whole inventory.
 */
export async function listClusterGpus(kc: KubeConfig, signal?: AbortSignal): Promise<GpuClusterSnapshot> {
  const [nodes, pods, namespaces] = await Promise.allSettled([
    listAll(kc, objectPath(NODES), 'listing nodes', (n) => gpuNodeFacts(n as NodeObject), signal),
    listAll(kc, objectPath(PODS), 'listing pods in every namespace', (p) => gpuPodFacts(p as PodObject), signal, UNFINISHED),
    listAll(kc, objectPath(NAMESPACES), 'listing namespaces', (ns) => {
      const meta = (ns as { metadata?: { name?: string; labels?: Record<string, string> } }).metadata;
      return meta?.name ? ([meta.name, meta.labels ?? {}] as const) : undefined;
    }, signal),
  ]);
  if (nodes.status === 'rejected') throw nodes.reason;
  if (pods.status === 'rejected' && !forbidden(pods.reason)) throw pods.reason;
  if (namespaces.status === 'rejected' && !forbidden(namespaces.reason)) throw namespaces.reason;
  return {
    nodes: nodes.value,
    pods: pods.status === 'fulfilled' ? pods.value : { forbidden: (pods.reason as AppError).message },
    namespaceLabels: namespaces.status === 'fulfilled' ? new Map(namespaces.value) : 'forbidden',
    listedAt: new Date().toISOString(),
  };
}

/** The pool a node belongs to: its node group or pool label, else its instance type. */
export function nodePool(labels: Record<string, string>): string | null {
  for (const key of POOL_LABELS) if (labels[key]) return labels[key];
  return instanceTypeOf(labels);
}

/** `node.kubernetes.io/instance-type` (or its deprecated beta name). */
export function instanceTypeOf(labels: Record<string, string>): string | null {
  return labels[INSTANCE_TYPE_LABEL] || labels[LEGACY_INSTANCE_TYPE_LABEL] || null;
}

/** The team a pod belongs to: its own label, else its namespace's. */
export function teamOf(pod: Pick<GpuPodFacts, 'labels' | 'namespace'>, teamLabel: string, namespaceLabels: GpuClusterSnapshot['namespaceLabels']): string | null {
  return pod.labels[teamLabel] || (namespaceLabels === 'forbidden' ? undefined : namespaceLabels.get(pod.namespace)?.[teamLabel]) || null;
}

const sumMig = (mig: Record<string, number>) => Object.values(mig).reduce((a, b) => a + b, 0);
const byName = new Intl.Collator('en', { numeric: true }).compare;

/** The inventory the GPU page shows, from one listing. */
export function summariseInventory(snapshot: GpuClusterSnapshot, teamLabel: string): GpuInventory {
  const listed = Array.isArray(snapshot.pods);
  const pods = Array.isArray(snapshot.pods) ? snapshot.pods : [];
  const requested = new Map<string, number>();
  const migRequested = new Map<string, number>();
  let pending = 0;
  for (const p of pods) {
    if (!p.node) {
      pending += p.gpus;
      continue;
    }
    requested.set(p.node, (requested.get(p.node) ?? 0) + p.gpus);
    for (const [r, n] of Object.entries(p.mig)) migRequested.set(`${p.node}\u0000${r}`, (migRequested.get(`${p.node}\u0000${r}`) ?? 0) + n);
  }

  const nodes: GpuNode[] = snapshot.nodes
    .map((n) => {
      const allocatable = countQuantity(n.allocatable[GPU_RESOURCE]);
      const req = requested.get(n.name) ?? 0;
      const memory = Number(n.labels[GPU_MEMORY_LABEL]);
      const migResources = [...new Set([...Object.keys(n.capacity), ...Object.keys(n.allocatable)].filter(isMig))].sort();
      return {
        name: n.name,
        ready: n.ready,
        unschedulable: n.unschedulable,
        pool: nodePool(n.labels),
        instanceType: instanceTypeOf(n.labels),
        product: n.labels[GPU_PRODUCT_LABEL] || null,
        memoryMiB: Number.isFinite(memory) && memory > 0 ? memory : null,
        capacity: countQuantity(n.capacity[GPU_RESOURCE]),
        allocatable,
        requested: listed ? req : null,
        free: listed ? Math.max(0, allocatable - req) : null,
        mig: migResources.map((resource) => ({
          resource,
          capacity: countQuantity(n.capacity[resource]),
          allocatable: countQuantity(n.allocatable[resource]),
          requested: listed ? (migRequested.get(`${n.name}\u0000${resource}`) ?? 0) : null,
        })),
      };
    })
    .sort((a, b) => byName(a.name, b.name));

  const gpuPods: GpuPod[] = pods
    .map((p) => ({
      namespace: p.namespace,
      name: p.name,
      node: p.node,
      gpus: p.gpus,
      migSlices: sumMig(p.mig),
      ownerKind: p.ownerKind,
      ownerName: p.ownerName,
      team: teamOf(p, teamLabel, snapshot.namespaceLabels),
      phase: p.phase,
      since: p.since,
    }))
    .sort((a, b) => b.gpus - a.gpus || b.migSlices - a.migSlices || byName(a.namespace, b.namespace) || byName(a.name, b.name));

  const tally = <K>(key: (p: GpuPod) => K) => {
    const m = new Map<K, { gpus: number; migSlices: number; pods: number }>();
    for (const p of gpuPods) {
      const t = m.get(key(p)) ?? { gpus: 0, migSlices: 0, pods: 0 };
      t.gpus += p.gpus;
      t.migSlices += p.migSlices;
      t.pods++;
      m.set(key(p), t);
    }
    return [...m].sort(([ka, a], [kb, b]) => b.gpus - a.gpus || b.migSlices - a.migSlices || byName(String(ka ?? '\uffff'), String(kb ?? '\uffff')));
  };

  const sum = (f: (n: GpuNode) => number) => nodes.reduce((a, n) => a + f(n), 0);
  const totalRequested = sum((n) => n.requested ?? 0);
  return {
    nodes,
    namespaces: tally((p) => p.namespace).map(([namespace, t]) => ({ namespace, ...t })),
    teams: tally((p) => p.team).map(([team, t]) => ({ team, ...t })),
    pods: gpuPods,
    podAccess: Array.isArray(snapshot.pods) ? { status: 'listed' } : { status: 'forbidden', message: snapshot.pods.forbidden },
    namespaceLabels: snapshot.namespaceLabels === 'forbidden' ? 'forbidden' : 'read',
    teamLabel,
    totals: {
      nodes: nodes.length,
      capacity: sum((n) => n.capacity),
      allocatable: sum((n) => n.allocatable),
      requested: listed ? totalRequested : null,
      free: listed ? sum((n) => n.free ?? 0) : null,
      migCapacity: sum((n) => n.mig.reduce((a, m) => a + m.capacity, 0)),
      migRequested: listed ? sum((n) => n.mig.reduce((a, m) => a + (m.requested ?? 0), 0)) : null,
      pending: listed ? pending : null,
    },
    listedAt: snapshot.listedAt,
  };
}
