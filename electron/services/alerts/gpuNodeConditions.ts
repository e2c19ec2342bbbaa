/**
 * The GPU nodes of a cluster with their Ready condition, for the
 * `gpu-node-not-ready` rule: one paginated list of nodes (never pods), each
 * node kept only when it has GPUs.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { gpuNodeFacts } from '../gpu/clusterGpus';
import { objectPath, type KubeAccess } from '../kube/client/kubeAccess';
import { kubeStatusError } from '../kube/client/kubeErrors';
import { kubeList } from '../kube/client/kubeHttp';
import { countQuantity, GPU_RESOURCE, MIG_RESOURCE_PREFIX, type NodeObject } from '../kube/model';
import type { GpuNodeCondition } from './alertRules';

const NODES = { group: '', version: 'v1', resource: 'nodes' };
const PAGE_SIZE = 500;
const LIST_TIMEOUT_MS = 30_000;

interface ReadyCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A node's GPU facts and Ready condition; undefined for a node without GPUs. */
export function gpuNodeCondition(node: NodeObject): GpuNodeCondition | undefined {
  const facts = gpuNodeFacts(node);
  if (!facts) return undefined;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready') as ReadyCondition | undefined;
  const whole = countQuantity(facts.capacity[GPU_RESOURCE]);
  const slices = Object.entries(facts.capacity)
    .filter(([r]) => r.startsWith(MIG_RESOURCE_PREFIX))
    .reduce((a, [, q]) => a + countQuantity(q), 0);
  return {
    name: facts.name,
    gpus: whole || slices,
    ready: ready?.status ?? null,
    reason: ready?.reason || null,
    message: ready?.message || null,
    since: ready?.lastTransitionTime || null,
  };
}

/** Every node with GPUs, page by page. */
export async function listGpuNodeConditions(kc: KubeConfig, signal: AbortSignal): Promise<GpuNodeCondition[]> {
  const kept: GpuNodeCondition[] = [];
  let token: string | undefined;
  do {
    const page: GpuNodeCondition[] = [];
    const res = await kubeList(kc, `${objectPath(NODES)}?limit=${PAGE_SIZE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`, {
      gzip: true,
      timeoutMs: LIST_TIMEOUT_MS,
      signal,
      onItem: (item) => {
        const n = gpuNodeCondition(item as NodeObject);
        if (n) page.push(n);
      },
    });
    if (res.status !== 200) throw kubeStatusError('listing nodes', res.status, res.body);
    kept.push(...page);
    token = res.body.metadata?.continue || undefined;
  } while (token);
  return kept;
}

/** The source the evaluator reads nodes with: the connection's client from the shared kube access. */
export function gpuNodeSource(access: Pick<KubeAccess, 'config'>) {
  return async (clusterConnectionId: string, signal: AbortSignal) => listGpuNodeConditions(await access.config(clusterConnectionId), signal);
}
