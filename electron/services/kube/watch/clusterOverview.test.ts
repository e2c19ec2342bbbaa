import { describe, expect, it } from 'vitest';
import type { ResourceRef, WatchState } from '../../../../shared/contract';
import type { EventObject, KubeObject, NodeObject, PodContainer, PodObject, WorkloadObject } from '../model';
import { OVERVIEW_LIMITS, summarizeCluster, summarizeGpus, summarizeNodes, summarizePods, summarizeWarnings, summarizeWorkloads, type OverviewSource } from './clusterOverview';
import { shapeFor, toRow } from './rowShapes';

const at = '2026-01-10T08:00:00Z';
const LIVE: WatchState = { phase: 'live', rows: 0 };

const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
const EVENTS: ResourceRef = { group: '', version: 'v1', resource: 'events' };
const DEPLOYMENTS: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments' };
const STATEFULSETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'statefulsets' };
const DAEMONSETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'daemonsets' };

/** A cache of `objects` as the inspector holds it: rows made by the real shapes. */
function source(resource: ResourceRef, kind: string, objects: KubeObject[], state: WatchState = LIVE): OverviewSource {
  const shape = shapeFor(resource);
  return { resource, kind, state, columns: shape.columns, rows: objects.map((o) => toRow(o, shape)) };
}

let uid = 0;
const meta = (name: string, namespace?: string) => ({ name, uid: `uid-${++uid}`, creationTimestamp: at, ...(namespace ? { namespace } : {}) });

function node(name: string, { ready = 'True', cordoned = false, gpus }: { ready?: string | null; cordoned?: boolean; gpus?: number } = {}): NodeObject {
  const resources = { cpu: '192', memory: '2Ti', ...(gpus !== undefined ? { 'nvidia.com/gpu': String(gpus) } : {}) };
  return {
    metadata: meta(name),
    spec: cordoned ? { unschedulable: true } : {},
    status: { conditions: ready === null ? [] : [{ type: 'Ready', status: ready }], capacity: resources, allocatable: resources },
  };
}

const gpuContainer = (name: string, resources: PodContainer['resources']): PodContainer => ({ name, resources });
const ready = (ok: boolean) => [{ type: 'Ready', status: ok ? 'True' : 'False' }];

function pod(name: string, phase: string, { node: nodeName, containers = [{ name: 'app' }], initContainers, containersReady = true }: { node?: string; containers?: PodContainer[]; initContainers?: PodContainer[]; containersReady?: boolean } = {}): PodObject {
  const running = phase === 'Running';
  return {
    metadata: meta(name, 'ml'),
    spec: { ...(nodeName ? { nodeName } : {}), containers, ...(initContainers ? { initContainers } : {}) },
    status: {
      phase,
      conditions: running ? ready(containersReady) : [],
      containerStatuses: running ? containers.map((c) => ({ name: c.name, ready: containersReady, restartCount: 0, state: { running: { startedAt: at } } })) : [],
    },
  };
}

describe('nodes', () => {
  it('counts Ready, NotReady (a missing Ready condition included) and cordoned nodes, naming those that need attention', () => {
    const nodes = source(NODES, 'Node', [
      node('cpu-0'),
      node('cpu-1', { ready: 'False' }),
      node('cpu-2', { cordoned: true }),
      node('cpu-3', { ready: null }),
      node('cpu-4', { ready: 'Unknown', cordoned: true }),
    ]);
    expect(summarizeNodes(nodes)).toEqual({
      total: 5,
      ready: 2,
      notReady: 3,
      cordoned: 2,
      attention: [
        { name: 'cpu-1', status: 'NotReady' },
        { name: 'cpu-3', status: 'Unknown' },
        { name: 'cpu-4', status: 'NotReady,SchedulingDisabled' },
        { name: 'cpu-2', status: 'Ready,SchedulingDisabled' },
      ],
    });
  });

  it(`names at most ${OVERVIEW_LIMITS.nodes} nodes but counts them all`, () => {
    const many = Array.from({ length: OVERVIEW_LIMITS.nodes + 5 }, (_, i) => node(`n-${String(i).padStart(2, '0')}`, { ready: 'False' }));
    const summary = summarizeNodes(source(NODES, 'Node', many));
    expect(summary.notReady).toBe(OVERVIEW_LIMITS.nodes + 5);
    expect(summary.attention).toHaveLength(OVERVIEW_LIMITS.nodes);
  });
});

describe('pods', () => {
  it('counts by phase, Running-but-not-ready apart: unready containers, crash loops, a lost node', () => {
    const crashLooping: PodObject = {
      metadata: meta('worker', 'ml'),
      spec: { nodeName: 'cpu-0', containers: [{ name: 'app' }] },
      status: { phase: 'Running', conditions: ready(false), containerStatuses: [{ name: 'app', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    };
    const onLostNode: PodObject = { ...pod('stale', 'Running', { node: 'cpu-1' }), status: { ...pod('x', 'Running').status, conditions: ready(false) } };
    const pods = source(PODS, 'Pod', [
      pod('web', 'Running', { node: 'cpu-0' }),
      pod('web-2', 'Running', { node: 'cpu-0' }),
      pod('unready', 'Running', { node: 'cpu-0', containersReady: false }),
      crashLooping,
      onLostNode,
      pod('queued', 'Pending'),
      pod('done', 'Succeeded', { node: 'cpu-0' }),
      pod('eval', 'Failed', { node: 'cpu-0' }),
      pod('gone', 'Unknown', { node: 'cpu-1' }),
    ]);
    expect(summarizePods(pods)).toEqual({ total: 9, running: 5, runningNotReady: 3, pending: 1, succeeded: 1, failed: 1, unknown: 1 });
  });
});

describe('GPUs', () => {
  const h200 = (name: string, options: Parameters<typeof node>[1] = {}) => node(name, { gpus: 8, ...options });
  const nodes = source(NODES, 'Node', [h200('gpu-0'), h200('gpu-1'), h200('gpu-2', { cordoned: true }), h200('gpu-3', { ready: 'False' }), node('cpu-0')]);

  it('allocatable against the requests of unfinished pods on GPU nodes; free GPUs on cordoned or NotReady nodes are unschedulable', () => {
    const pods = source(PODS, 'Pod', [
      pod('train', 'Running', { node: 'gpu-0', containers: [gpuContainer('trainer', { requests: { 'nvidia.com/gpu': '8' }, limits: { 'nvidia.com/gpu': '8' } })] }),
      pod('serve', 'Running', { node: 'gpu-1', containers: [gpuContainer('a', { limits: { 'nvidia.com/gpu': '2' } }), gpuContainer('b', { requests: { 'nvidia.com/gpu': '1' } })] }),
      pod('notebook', 'Running', { node: 'gpu-2', containers: [gpuContainer('lab', { requests: { 'nvidia.com/gpu': '2' } })] }),
      pod('finished', 'Succeeded', { node: 'gpu-1', containers: [gpuContainer('job', { requests: { 'nvidia.com/gpu': '4' } })] }),
      pod('failed', 'Failed', { node: 'gpu-3', containers: [gpuContainer('job', { requests: { 'nvidia.com/gpu': '4' } })] }),
      pod('starting', 'Pending', { node: 'gpu-1', containers: [gpuContainer('x', { requests: { 'nvidia.com/gpu': '1' } })] }),
      pod('queued', 'Pending', { containers: [gpuContainer('x', { requests: { 'nvidia.com/gpu': '4' } })] }),
      pod('web', 'Running', { node: 'cpu-0' }),
    ]);
    // 8 + (2 from a limit alone + 1) + 2 + 1 starting; 6 free on the cordoned node, 8 on the NotReady one.
    expect(summarizeGpus(nodes, pods)).toEqual({ nodes: 4, allocatable: 32, inUse: 14, unschedulable: 14, waiting: 4 });
  });

  it('an init container asking for more GPUs than the app containers sets the pod’s need, as the scheduler reserves it', () => {
    const pods = source(PODS, 'Pod', [
      pod('warmup', 'Running', {
        node: 'gpu-0',
        initContainers: [gpuContainer('download', { limits: { 'nvidia.com/gpu': '4' } })],
        containers: [gpuContainer('serve', { requests: { 'nvidia.com/gpu': '1' } }), gpuContainer('sidecar', {})],
      }),
      pod('small-init', 'Running', {
        node: 'gpu-1',
        initContainers: [gpuContainer('check', { requests: { 'nvidia.com/gpu': '1' } })],
        containers: [gpuContainer('a', { requests: { 'nvidia.com/gpu': '2' } }), gpuContainer('b', { requests: { 'nvidia.com/gpu': '2' } })],
      }),
    ]);
    expect(summarizeGpus(nodes, pods)).toMatchObject({ inUse: 8 });
  });

  it('no GPU nodes: all zero', () => {
    expect(summarizeGpus(source(NODES, 'Node', [node('cpu-0')]), source(PODS, 'Pod', []))).toEqual({ nodes: 0, allocatable: 0, inUse: 0, unschedulable: 0, waiting: 0 });
  });
});

describe('workloads', () => {
  const complete = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' };
  function deployment(name: string, replicas: number, available: number, conditions = [complete]): WorkloadObject {
    return {
      metadata: { ...meta(name, 'team-a'), generation: 1 },
      spec: { replicas },
      status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: available, availableReplicas: available, conditions },
    };
  }
  const daemonSet = (name: string, desired: number, available: number): WorkloadObject => ({
    metadata: meta(name, 'kube-system'),
    status: { desiredNumberScheduled: desired, numberReady: available, numberAvailable: available, updatedNumberScheduled: desired },
  });

  it('lists those below desired available or stalled, worst first, with a reference that opens them', () => {
    const stalled = deployment('payments', 3, 3, [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]);
    const summary = summarizeWorkloads([
      source(DEPLOYMENTS, 'Deployment', [deployment('web', 3, 3), deployment('feature-store', 2, 0), deployment('api', 4, 3), stalled, deployment('idle', 0, 0)]),
      source(STATEFULSETS, 'StatefulSet', [
        { metadata: meta('redis', 'platform'), spec: { replicas: 3 }, status: { replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 1 } },
      ]),
      source(DAEMONSETS, 'DaemonSet', [daemonSet('dcgm-exporter', 4, 4), daemonSet('node-exporter', 7, 6)]),
    ]);
    expect(summary.total).toBe(8);
    expect(summary.more).toBe(0);
    expect(summary.notAvailable.map((w) => [w.kind, w.name, w.status, w.available, w.desired, w.stalled])).toEqual([
      ['Deployment', 'payments', 'ProgressDeadlineExceeded', 3, 3, true],
      ['Deployment', 'feature-store', 'Unavailable', 0, 2, false],
      ['StatefulSet', 'redis', '1/3 available', 1, 3, false],
      ['Deployment', 'api', '3/4 available', 3, 4, false],
      ['DaemonSet', 'node-exporter', '6/7 available', 6, 7, false],
    ]);
    expect(summary.notAvailable[0]).toMatchObject({ resource: DEPLOYMENTS, namespace: 'team-a', uid: stalled.metadata?.uid });
  });

  it(`names at most ${OVERVIEW_LIMITS.workloads} and counts the rest`, () => {
    const down = Array.from({ length: OVERVIEW_LIMITS.workloads + 3 }, (_, i) => deployment(`d-${i}`, 1, 0));
    const summary = summarizeWorkloads([source(DEPLOYMENTS, 'Deployment', down)]);
    expect(summary.notAvailable).toHaveLength(OVERVIEW_LIMITS.workloads);
    expect(summary.more).toBe(3);
  });
});

describe('warnings', () => {
  const event = (name: string, type: string, lastTimestamp: string, extra: Partial<EventObject> = {}): EventObject => ({
    metadata: meta(name, 'ml'),
    type,
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    involvedObject: { kind: 'Pod', name: 'worker-7d9f' },
    count: 3,
    lastTimestamp,
    ...extra,
  });

  it('Warning events only, newest first by when they last happened, with kubectl’s columns', () => {
    const events = source(EVENTS, 'Event', [
      event('old', 'Warning', '2026-01-10T07:00:00Z'),
      event('normal', 'Normal', '2026-01-10T09:00:00Z'),
      event('newest', 'Warning', '2026-01-10T07:00:00Z', { series: { count: 12, lastObservedTime: '2026-01-10T08:30:00.000000Z' }, reason: 'FailedScheduling', involvedObject: undefined, regarding: { kind: 'Pod', name: 'queued' } }),
      event('middle', 'Warning', '2026-01-10T08:00:00Z'),
    ]);
    const summary = summarizeWarnings(events);
    expect(summary.total).toBe(3);
    expect(summary.recent.map((w) => w.lastSeen)).toEqual(['2026-01-10T08:30:00.000000Z', '2026-01-10T08:00:00Z', '2026-01-10T07:00:00Z']);
    expect(summary.recent[0]).toMatchObject({ namespace: 'ml', reason: 'FailedScheduling', object: 'pod/queued', count: 12 });
    expect(summary.recent[1]).toMatchObject({ reason: 'BackOff', object: 'pod/worker-7d9f', message: 'Back-off restarting failed container', count: 3 });
  });

  it(`keeps the newest ${OVERVIEW_LIMITS.warnings}`, () => {
    const many = Array.from({ length: 25 }, (_, i) => event(`e${i}`, 'Warning', new Date(Date.parse(at) + i * 1000).toISOString()));
    const summary = summarizeWarnings(source(EVENTS, 'Event', many));
    expect(summary.total).toBe(25);
    expect(summary.recent).toHaveLength(OVERVIEW_LIMITS.warnings);
    expect(summary.recent[0].lastSeen).toBe(new Date(Date.parse(at) + 24_000).toISOString());
  });
});

describe('the whole overview', () => {
  const sources = (overrides: { pods?: WatchState; nodes?: WatchState; deployments?: WatchState } = {}) => ({
    nodes: source(NODES, 'Node', [node('gpu-0', { gpus: 8 })], overrides.nodes),
    pods: source(PODS, 'Pod', [pod('train', 'Running', { node: 'gpu-0', containers: [gpuContainer('t', { requests: { 'nvidia.com/gpu': '8' } })] })], overrides.pods),
    workloads: [source(DEPLOYMENTS, 'Deployment', [], overrides.deployments), source(STATEFULSETS, 'StatefulSet', []), source(DAEMONSETS, 'DaemonSet', [])],
    events: source(EVENTS, 'Event', []),
  });

  it('complete once every first list has finished; a part still listing says so and shows what it has', () => {
    const listing = summarizeCluster(sources({ pods: { phase: 'listing', rows: 1 } }));
    expect(listing.complete).toBe(false);
    expect(listing.pods).toEqual({ listing: true, problems: [], value: expect.objectContaining({ running: 1 }) });
    expect(listing.gpus.listing).toBe(true);
    expect(listing.nodes.listing).toBe(false);
    expect(summarizeCluster(sources()).complete).toBe(true);
  });

  it('pods that may not be listed are a problem, not zeros, for pods and GPUs alike', () => {
    const message = 'No access to list pods in all namespaces (403 Forbidden)';
    const forbidden = summarizeCluster(sources({ pods: { phase: 'forbidden', rows: 0, message } }));
    expect(forbidden.pods).toEqual({ listing: false, problems: [message] });
    expect(forbidden.gpus).toEqual({ listing: false, problems: [message] });
    expect(forbidden.nodes.value?.total).toBe(1);
    expect(forbidden.complete).toBe(true);
  });

  it('a workload kind that cannot be listed is named; the others still count', () => {
    const overview = summarizeCluster(sources({ deployments: { phase: 'error', rows: 0 } }));
    expect(overview.workloads.problems).toEqual(['deployments cannot be listed (error)']);
    expect(overview.workloads.value).toEqual({ total: 0, notAvailable: [], more: 0 });
  });
});
