import { describe, expect, it } from 'vitest';
import type { NodeObject, PodObject } from '../kube/model';
import { gpuNodeFacts, gpuPodFacts, nodePool, summariseInventory, type GpuClusterSnapshot } from './clusterGpus';
import { gpuNode, gpuPod } from './testKit';

const container = (name: string, requests: Record<string, string> = {}, limits: Record<string, string> = {}) => ({ name, resources: { requests, limits } });
const pod = (spec: PodObject['spec'], phase = 'Running', extra: Partial<PodObject['metadata']> = {}): PodObject => ({
  metadata: { namespace: 'ml', name: 'p-0', creationTimestamp: '2025-12-01T00:00:00Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'p', uid: 'u', controller: true }], ...extra },
  spec,
  status: { phase },
});

describe('gpuPodFacts', () => {
  it('counts GPUs from requests or, failing those, limits', () => {
    expect(gpuPodFacts(pod({ nodeName: 'n', containers: [container('a', {}, { 'nvidia.com/gpu': '2' }), container('b', { 'nvidia.com/gpu': '1' })] }))).toMatchObject({
      gpus: 3,
      node: 'n',
      ownerKind: 'StatefulSet',
      ownerName: 'p',
      phase: 'Running',
      since: '2025-12-01T00:00:00Z',
    });
  });

  it('reserves what the largest init container asks when that is more, and adds sidecars', () => {
    const p = pod({
      containers: [container('main', { 'nvidia.com/gpu': '1' })],
      initContainers: [{ ...container('warm', { 'nvidia.com/gpu': '4' }) }, { ...container('side', { 'nvidia.com/gpu': '1' }), restartPolicy: 'Always' }],
    });
    expect(gpuPodFacts(p)?.gpus).toBe(4);
    expect(gpuPodFacts(pod({ containers: [container('main', { 'nvidia.com/gpu': '4' })], initContainers: [{ ...container('side', { 'nvidia.com/gpu': '1' }), restartPolicy: 'Always' }] }))?.gpus).toBe(5);
  });

  it('counts MIG slices per profile, apart from whole GPUs', () => {
    const f = gpuPodFacts(pod({ containers: [container('a', { 'nvidia.com/mig-1g.10gb': '2' }), container('b', {}, { 'nvidia.com/mig-3g.40gb': '1', 'nvidia.com/mig-1g.10gb': '1' })] }));
    expect(f).toMatchObject({ gpus: 0, mig: { 'nvidia.com/mig-1g.10gb': 3, 'nvidia.com/mig-3g.40gb': 1 }, node: null });
  });

  it('leaves out finished pods, pods without GPUs, and garbage quantities', () => {
    const gpus = { containers: [container('a', { 'nvidia.com/gpu': '8' })] };
    expect(gpuPodFacts(pod(gpus, 'Succeeded'))).toBeUndefined();
    expect(gpuPodFacts(pod(gpus, 'Failed'))).toBeUndefined();
    expect(gpuPodFacts(pod({ containers: [container('a', { cpu: '4' })] }))).toBeUndefined();
    expect(gpuPodFacts(pod({ containers: [container('a', { 'nvidia.com/gpu': 'lots' })] }))).toBeUndefined();
    expect(gpuPodFacts(pod({}))).toBeUndefined();
    expect(gpuPodFacts(pod(gpus, 'Pending'))?.gpus).toBe(8);
  });

  it('takes the start time over the creation time', () => {
    const p = { ...pod({ containers: [container('a', { 'nvidia.com/gpu': '1' })] }), status: { phase: 'Running', startTime: '2025-12-02T00:00:00Z' } };
    expect(gpuPodFacts(p)?.since).toBe('2025-12-02T00:00:00Z');
  });
});

describe('gpuNodeFacts', () => {
  const node = (capacity: Record<string, string>, labels: Record<string, string> = {}): NodeObject => ({
    metadata: { name: 'n', labels },
    spec: { unschedulable: true },
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'False' }] },
  });
  it('keeps nodes with whole GPUs, MIG slices or feature-discovery labels; drops the rest', () => {
    expect(gpuNodeFacts(node({ 'nvidia.com/gpu': '8' }))).toMatchObject({ name: 'n', ready: false, unschedulable: true });
    expect(gpuNodeFacts(node({ 'nvidia.com/mig-1g.10gb': '7' }))).toBeDefined();
    expect(gpuNodeFacts(node({ cpu: '8' }, { 'nvidia.com/gpu.present': 'true' }))).toBeDefined();
    expect(gpuNodeFacts(node({ cpu: '8' }))).toBeUndefined();
    expect(gpuNodeFacts({ status: { capacity: { 'nvidia.com/gpu': '8' } } })).toBeUndefined();
  });
});

describe('nodePool', () => {
  it('takes the node group or pool label, else the instance type', () => {
    expect(nodePool({ 'karpenter.sh/nodepool': 'gpu', 'node.kubernetes.io/instance-type': 'p5.48xlarge' })).toBe('gpu');
    expect(nodePool({ 'beta.kubernetes.io/instance-type': 'g5.xlarge' })).toBe('g5.xlarge');
    expect(nodePool({})).toBeNull();
  });
});

describe('summariseInventory', () => {
  const cluster = (): GpuClusterSnapshot => ({
    nodes: [
      gpuNode('gpu-10', { 'eks.amazonaws.com/nodegroup': 'h200', 'node.kubernetes.io/instance-type': 'p5en.48xlarge', 'nvidia.com/gpu.product': 'NVIDIA-H200', 'nvidia.com/gpu.memory': '143771' }),
      gpuNode('gpu-2', { 'nvidia.com/gpu.memory': 'lots' }, 8, { 'nvidia.com/mig-1g.10gb': '14' }),
    ],
    pods: [
      gpuPod('ml-training', 'llm-pretrain-0', 'gpu-10', 8),
      gpuPod('team-a', 'notebook-0', 'gpu-2', 4, { labels: { team: 'research' } }),
      gpuPod('team-a', 'small-0', 'gpu-2', 0, { mig: { 'nvidia.com/mig-1g.10gb': 3 } }),
      gpuPod('team-b', 'waiting-0', null, 2),
      // More than the node has: the summary never shows negative free GPUs.
      gpuPod('team-b', 'over-0', 'gpu-2', 6),
    ],
    namespaceLabels: new Map([['ml-training', { team: 'ml-platform' }], ['team-a', { team: 'team-a' }]]),
    listedAt: '2025-12-04T00:00:00.000Z',
  });

  it('sums requested and free per node, namespace and team', () => {
    const inv = summariseInventory(cluster(), 'team');
    expect(inv.nodes.map((n) => n.name)).toEqual(['gpu-2', 'gpu-10']);
    const [small, big] = inv.nodes;
    expect(big).toMatchObject({ pool: 'h200', instanceType: 'p5en.48xlarge', product: 'NVIDIA-H200', memoryMiB: 143771, capacity: 8, allocatable: 8, requested: 8, free: 0, mig: [] });
    expect(small).toMatchObject({ pool: null, product: null, memoryMiB: null, requested: 10, free: 0 });
    expect(small.mig).toEqual([{ resource: 'nvidia.com/mig-1g.10gb', capacity: 14, allocatable: 14, requested: 3 }]);
    expect(inv.namespaces).toEqual([
      { namespace: 'ml-training', gpus: 8, migSlices: 0, pods: 1 },
      { namespace: 'team-b', gpus: 8, migSlices: 0, pods: 2 },
      { namespace: 'team-a', gpus: 4, migSlices: 3, pods: 2 },
    ]);
    expect(inv.teams).toEqual([
      { team: 'ml-platform', gpus: 8, migSlices: 0, pods: 1 },
      { team: null, gpus: 8, migSlices: 0, pods: 2 },
      { team: 'research', gpus: 4, migSlices: 0, pods: 1 },
      { team: 'team-a', gpus: 0, migSlices: 3, pods: 1 },
    ]);
    expect(inv.pods[0]).toMatchObject({ namespace: 'ml-training', name: 'llm-pretrain-0', gpus: 8, team: 'ml-platform' });
    expect(inv.totals).toEqual({ nodes: 2, capacity: 16, allocatable: 16, requested: 18, free: 0, migCapacity: 14, migRequested: 3, pending: 2 });
    expect(inv.podAccess).toEqual({ status: 'listed' });
    expect(inv.namespaceLabels).toBe('read');
  });

  it('when pods cannot be listed, says so and leaves requested and free unknown rather than zero', () => {
    const inv = summariseInventory({ ...cluster(), pods: { forbidden: 'No access (403) while listing pods in every namespace' }, namespaceLabels: 'forbidden' }, 'team');
    expect(inv.podAccess).toEqual({ status: 'forbidden', message: 'No access (403) while listing pods in every namespace' });
    expect(inv.namespaceLabels).toBe('forbidden');
    expect(inv.pods).toEqual([]);
    for (const n of inv.nodes) {
      expect(n.requested).toBeNull();
      expect(n.free).toBeNull();
      for (const m of n.mig) expect(m.requested).toBeNull();
    }
    expect(inv.totals).toMatchObject({ capacity: 16, requested: null, free: null, migRequested: null, pending: null });
  });

  it('reads the team from another label key when asked', () => {
    const snapshot = cluster();
    (snapshot.pods as ReturnType<typeof gpuPod>[])[0].labels = { 'example.com/team': 'llm' };
    expect(summariseInventory(snapshot, 'example.com/team').teams).toEqual([
      { team: null, gpus: 12, migSlices: 3, pods: 4 },
      { team: 'llm', gpus: 8, migSlices: 0, pods: 1 },
    ]);
  });
});
