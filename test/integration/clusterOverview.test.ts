/**
 * The cluster overview (`kube.overview`) against the real test bed: the seeded
 * primary cluster summed up as kubectl sees it (nodes, pods by phase, the
 * H200 nodes' GPUs, the failing and never-ready rollouts), changes followed
 * live (a cordon, a GPU pod, a pod waiting for GPUs, an unready pod, a
 * Warning event), a user who may not list across namespaces, and the caches
 * held while the overview asks and let go after.
 */
import { execFile } from 'node:child_process';
import { isDeepStrictEqual, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GpuSummary, KubeOverview, NodeSummary, PodSummary } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { GPU_RESOURCE, countQuantity, podGpus, podStatus, type NodeObject, type PodObject } from '../../electron/services/kube/model';
import { ListWatchKubeInspector } from '../../electron/services/kube/watch/kubeInspector';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { contractClient, until } from '../support/contract';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);

/** This file's namespace, named per run since deleting one takes a while. */
const NS = `ph-it-overview-${Date.now().toString(36)}`;
/** Empty in the seed: the pods placed here are this file's. */
const EMPTY_GPU_NODE = 'gpu-h200-3';

let services: Services;
let admin = '';
let restricted = '';

const { call } = contractClient(() => services, { actor: 'it-overview', session: 'it-overview' });

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

/** `kubectl create` of objects given as JSON. */
async function create(...objects: object[]): Promise<void> {
  const child = execFile(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, 'create', '-f', '-']);
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl create failed: ${stderr}`))));
  });
  child.stdin?.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  await done;
}

async function importOne(path: string, name: string): Promise<string> {
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name, onConflict: 'replace' }], 'it');
  return imported[0].id;
}

const pod = (name: string, spec: object = {}, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels: { app: name, ...labels } },
  spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }], ...spec },
});
const gpuContainer = (resources: object) => [{ name: 'main', image: 'registry.k8s.io/pause:3.10', resources }];

/** What the overview should say of nodes, pods and GPUs, computed here from what kubectl returns. */
async function expectedFromKubectl(): Promise<{ nodes: Omit<NodeSummary, 'attention'>; pods: PodSummary; gpus: GpuSummary }> {
  const nodes = (JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as { items: NodeObject[] }).items;
  const pods = (JSON.parse(await kubectl('get', 'pods', '-A', '-o', 'json')) as { items: PodObject[] }).items;
  const isReady = (n: NodeObject) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const inPhase = (phase: string) => pods.filter((p) => p.status?.phase === phase).length;
  const finished = (p: PodObject) => ['Succeeded', 'Failed'].includes(p.status?.phase ?? '');
  const gpuNodes = nodes.filter((n) => n.status?.capacity?.[GPU_RESOURCE] !== undefined);
  const used = new Map(gpuNodes.map((n) => [n.metadata?.name ?? '', 0]));
  let waiting = 0;
  for (const p of pods) {
    if (finished(p) || !podGpus(p)) continue;
    const on = p.spec?.nodeName;
    if (!on) waiting += podGpus(p);
    else if (used.has(on)) used.set(on, (used.get(on) ?? 0) + podGpus(p));
  }
  const allocatable = (n: NodeObject) => countQuantity(n.status?.allocatable?.[GPU_RESOURCE]);
  const free = (n: NodeObject) => Math.max(0, allocatable(n) - (used.get(n.metadata?.name ?? '') ?? 0));
  return {
    nodes: { total: nodes.length, ready: nodes.filter(isReady).length, notReady: nodes.filter((n) => !isReady(n)).length, cordoned: nodes.filter((n) => n.spec?.unschedulable).length },
    pods: {
      total: pods.length,
      running: inPhase('Running'),
      runningNotReady: pods.filter((p) => p.status?.phase === 'Running' && podStatus(p) !== 'Running').length,
      pending: inPhase('Pending'),
      succeeded: inPhase('Succeeded'),
      failed: inPhase('Failed'),
      unknown: pods.filter((p) => !['Running', 'Pending', 'Succeeded', 'Failed'].includes(p.status?.phase ?? '')).length,
    },
    gpus: {
      nodes: gpuNodes.length,
      allocatable: gpuNodes.reduce((sum, n) => sum + allocatable(n), 0),
      inUse: [...used.values()].reduce((a, b) => a + b, 0),
      unschedulable: gpuNodes.filter((n) => !isReady(n) || n.spec?.unschedulable).reduce((sum, n) => sum + free(n), 0),
      waiting,
    },
  };
}

/** The overview once it agrees with kubectl (other controllers may change pods meanwhile: asked until both sides agree), and `also` holds of it. */
async function overviewMatchingKubectl(connectionId: string, what: string, also: (o: KubeOverview) => boolean = () => true): Promise<KubeOverview> {
  return until(
    what,
    async () => {
      const overview = await call('kube.overview', { connectionId });
      if (!overview.complete || !also(overview)) return undefined;
      const expected = await expectedFromKubectl();
      const { attention: _, ...nodes } = overview.nodes.value ?? { attention: [] };
      return isDeepStrictEqual([nodes, overview.pods.value, overview.gpus.value], [expected.nodes, expected.pods, expected.gpus]) && overview;
    },
    60_000,
    500,
  );
}

beforeAll(async () => {
  ({ services } = createTestServices());
  admin = await importOne(primary.kubeconfigs.admin, 'overview-admin');
  restricted = await importOne(primary.kubeconfigs.restricted, 'overview-restricted');
  await kubectl('create', 'namespace', NS);
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
});

afterAll(async () => {
  services?.close();
  await kubectl('uncordon', EMPTY_GPU_NODE).catch(() => undefined);
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('the seeded primary cluster', () => {
  it('nodes, pods by phase and GPUs as kubectl counts them; the H200 nodes offer 8 GPUs each', async () => {
    const overview = await overviewMatchingKubectl(admin, 'the overview to match kubectl');
    expect(overview.gpus.value).toMatchObject({ nodes: primary.nodes.gpu.length, allocatable: 8 * primary.nodes.gpu.length });
    // llm-pretrain (8 on gpu-h200-0), llm-inference (2 × 4 on gpu-h200-1), research-notebook (4 on gpu-h200-2).
    expect(overview.gpus.value?.inUse).toBeGreaterThanOrEqual(20);
    // eval-regression fails; two Jobs complete.
    expect(overview.pods.value?.failed).toBeGreaterThanOrEqual(1);
    expect(overview.pods.value?.succeeded).toBeGreaterThanOrEqual(2);
    // feature-store's pods never become ready.
    expect(overview.pods.value?.runningNotReady).toBeGreaterThanOrEqual(2);
    for (const part of [overview.nodes, overview.pods, overview.gpus, overview.workloads, overview.warnings]) expect(part).toMatchObject({ listing: false, problems: [] });
  });

  it('the stalled payments-worker rollout and the never-ready feature-store are listed, stalled first, with what opens them', async () => {
    const overview = await until('both workloads listed', async () => {
      const o = await call('kube.overview', { connectionId: admin });
      const names = o.workloads.value?.notAvailable.map((w) => `${w.namespace}/${w.name}`) ?? [];
      return names.includes('team-b/payments-worker') && names.includes('ml-serving/feature-store') && o;
    });
    const listed = overview.workloads.value?.notAvailable ?? [];
    const payments = listed.find((w) => w.name === 'payments-worker');
    expect(payments).toMatchObject({ kind: 'Deployment', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, status: 'ProgressDeadlineExceeded', stalled: true });
    // Its pods never become ready: it stalls once its progress deadline (600 s) has passed since the bed started, as kubectl says.
    const progressing = await kubectl('get', 'deployment', 'feature-store', '-n', 'ml-serving', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].status}');
    expect(listed.find((w) => w.name === 'feature-store')).toMatchObject({ kind: 'Deployment', namespace: 'ml-serving', available: 0, desired: 2, stalled: progressing === 'False' });
    // Stalled ones come first.
    const stalledFlags = listed.map((w) => w.stalled);
    expect(stalledFlags).toEqual([...stalledFlags].sort((a, b) => Number(b) - Number(a)));
    // The reference opens the object: kube.get finds it by what the overview gave.
    const detail = await call('kube.get', { connectionId: admin, resource: payments!.resource, namespace: payments!.namespace, name: payments!.name });
    expect(detail.uid).toBe(payments!.uid);
    expect(listed.some((w) => ['team-a/web-frontend', 'platform/redis'].includes(`${w.namespace}/${w.name}`))).toBe(false);
  });
});

describe('changes, followed live', () => {
  it('a cordon, a GPU pod from limits alone, a pod waiting for GPUs, an unready pod and a Warning event', async () => {
    const lastTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await create(
      pod('gpu-limits-only', { nodeName: EMPTY_GPU_NODE, containers: gpuContainer({ limits: { [GPU_RESOURCE]: '2' } }) }),
      pod('gpu-waiting', { nodeSelector: { 'pilothouse.test/no-such-node': 'true' }, containers: gpuContainer({ requests: { [GPU_RESOURCE]: '4' }, limits: { [GPU_RESOURCE]: '4' } }) }),
      pod('never-ready', {}, { 'pilothouse.test/unready': 'true' }),
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'overview-probe.1', namespace: NS },
        involvedObject: { kind: 'Pod', name: 'never-ready', namespace: NS },
        type: 'Warning',
        reason: 'OverviewProbe',
        message: 'A Warning written by the overview test',
        count: 3,
        firstTimestamp: lastTimestamp,
        lastTimestamp,
        source: { component: 'pilothouse-it' },
      },
    );
    await kubectl('cordon', EMPTY_GPU_NODE);
    try {
      const overview = await overviewMatchingKubectl(
        admin,
        'the overview to follow the changes',
        (o) =>
          Boolean(o.nodes.value?.attention.some((n) => n.name === EMPTY_GPU_NODE)) &&
          Boolean(o.warnings.value?.recent.some((w) => w.reason === 'OverviewProbe')) &&
          (o.gpus.value?.waiting ?? 0) >= 4,
      );
      expect(overview.nodes.value?.attention).toContainEqual({ name: EMPTY_GPU_NODE, status: 'Ready,SchedulingDisabled' });
      // Its 8 GPUs less the 2 the limits-only pod holds: no new pod can have them while it is cordoned.
      expect(overview.gpus.value?.unschedulable).toBe(6);
      const probe = overview.warnings.value?.recent.find((w) => w.reason === 'OverviewProbe');
      expect(probe).toMatchObject({ namespace: NS, object: 'pod/never-ready', message: 'A Warning written by the overview test', count: 3 });
      const seen = overview.warnings.value?.recent.map((w) => Date.parse(w.lastSeen ?? '')) ?? [];
      expect(seen).toEqual([...seen].sort((a, b) => b - a));
    } finally {
      await kubectl('uncordon', EMPTY_GPU_NODE);
    }
    await kubectl('delete', 'pods', '--all', '-n', NS, '--grace-period=0', '--force');
    await overviewMatchingKubectl(admin, 'the overview to see the node uncordoned and the pods gone', (o) => !o.nodes.value?.attention.some((n) => n.name === EMPTY_GPU_NODE));
  });
});

describe('a user limited to some namespaces', () => {
  it('nodes, pods, GPUs, workloads and events say they may not be listed, rather than zero', async () => {
    const overview = await until('the overview to be complete', async () => {
      const o = await call('kube.overview', { connectionId: restricted });
      return o.complete && o;
    });
    expect(overview.nodes.value).toBeUndefined();
    expect(overview.nodes.problems).toEqual([expect.stringMatching(/^No access to list nodes/)]);
    expect(overview.pods.value).toBeUndefined();
    expect(overview.pods.problems).toEqual([expect.stringMatching(/^No access to list pods in all namespaces \(403 Forbidden\)/)]);
    expect(overview.gpus.value).toBeUndefined();
    expect(overview.gpus.problems).toHaveLength(2);
    expect(overview.workloads.value).toBeUndefined();
    expect(overview.workloads.problems).toHaveLength(3);
    expect(overview.warnings.value).toBeUndefined();
  });
});

describe('holding the caches', () => {
  it('they stay live while the overview asks, and go once it has stopped asking', async () => {
    const inspector = new ListWatchKubeInspector({ connections: services.connections, hub: services.hub, log: services.log }, { overviewIdleMs: 1500, graceMs: 200 });
    try {
      await inspector.overview({ connectionId: admin });
      const held = () => inspector.cacheInfo().filter((c) => c.watchers > 0).map((c) => c.key.split('|')[1]);
      expect(held().sort()).toEqual(['/v1/events', '/v1/nodes', '/v1/pods', 'apps/v1/daemonsets', 'apps/v1/deployments', 'apps/v1/statefulsets']);
      // Asked again before the idle time is up: still held, no list repeated.
      await new Promise((r) => setTimeout(r, 1000));
      await inspector.overview({ connectionId: admin });
      await new Promise((r) => setTimeout(r, 1000));
      expect(held()).toHaveLength(6);
      expect(inspector.cacheInfo().every((c) => c.lists === 1)).toBe(true);
      await until('the caches to go', () => inspector.cacheInfo().length === 0, 10_000);
    } finally {
      inspector.close();
    }
  });
});
