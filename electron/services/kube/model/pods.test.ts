import { describe, expect, it } from 'vitest';
import { podGpus, podStatus, podSummary, type PodObject } from './pods';

const at = '2026-01-10T08:00:00Z';

function pod(status: PodObject['status'], spec: PodObject['spec'] = { containers: [{ name: 'app' }] }, metadata: PodObject['metadata'] = {}): PodObject {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u1', creationTimestamp: at, ...metadata }, spec, status };
}

const running = { running: { startedAt: at } };

describe('pod status (as kubectl get pods)', () => {
  it('a running, ready pod', () => {
    const p = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }] });
    expect(podSummary(p)).toEqual({ status: 'Running', ready: '1/1', restarts: 0 });
  });

  it('Pending before scheduling, ContainerCreating once bound', () => {
    expect(podSummary(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })).status).toBe('Pending');
    const creating = pod({ phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] });
    expect(podSummary(creating)).toEqual({ status: 'ContainerCreating', ready: '0/1', restarts: 0 });
  });

  it('CrashLoopBackOff with restarts summed over containers', () => {
    const p = pod(
      {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          { name: 'proxy', ready: true, restartCount: 1, state: running },
        ],
      },
      { containers: [{ name: 'app' }, { name: 'proxy' }] },
    );
    expect(podSummary(p)).toEqual({ status: 'CrashLoopBackOff', ready: '1/2', restarts: 8 });
  });

  it('Terminating when deleted and not finished; Completed stays Completed', () => {
    const p = pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running }] }, undefined, { deletionTimestamp: at });
    expect(podSummary(p).status).toBe('Terminating');
    const done = pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { reason: 'Completed', exitCode: 0 } } }] }, undefined, { deletionTimestamp: at });
    expect(podSummary(done).status).toBe('Completed');
  });

  it('Unknown for a deleted pod on a lost node', () => {
    expect(podSummary(pod({ phase: 'Running', reason: 'NodeLost' }, undefined, { deletionTimestamp: at })).status).toBe('Unknown');
  });

  it('init containers: Init:n/m, Init:<reason>, and errors', () => {
    const spec = { initContainers: [{ name: 'fetch' }, { name: 'migrate' }], containers: [{ name: 'app' }] };
    const waitingSecond = pod(
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'fetch', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'migrate', state: { running: { startedAt: at } } },
        ],
      },
      spec,
    );
    expect(podSummary(waitingSecond).status).toBe('Init:1/2');
    const backoff = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'fetch', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, spec);
    expect(podSummary(backoff)).toEqual({ status: 'Init:CrashLoopBackOff', ready: '0/1', restarts: 3 });
    const failed = pod({ phase: 'Pending', initContainerStatuses: [{ name: 'fetch', state: { terminated: { exitCode: 2 } } }] }, spec);
    expect(podSummary(failed).status).toBe('Init:ExitCode:2');
  });

  it('native sidecars count towards READY and keep the pod Running', () => {
    const p = pod(
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
        initContainerStatuses: [{ name: 'mesh', ready: true, started: true, restartCount: 2, state: running }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 1, state: running }],
      },
      { initContainers: [{ name: 'mesh', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
    );
    expect(podSummary(p)).toEqual({ status: 'Running', ready: '2/2', restarts: 3 });
  });

  it('a completed container beside a running one reads Running (or NotReady)', () => {
    const status = {
      phase: 'Running',
      containerStatuses: [
        { name: 'app', ready: true, state: running },
        { name: 'setup', ready: false, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      ],
    };
    const spec = { containers: [{ name: 'app' }, { name: 'setup' }] };
    expect(podSummary(pod({ ...status, conditions: [{ type: 'Ready', status: 'True' }] }, spec)).status).toBe('Running');
    expect(podSummary(pod(status, spec)).status).toBe('NotReady');
  });

  it('OOMKilled and signals from terminated containers', () => {
    expect(podSummary(pod({ phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] })).status).toBe('OOMKilled');
    expect(podSummary(pod({ phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { signal: 9 } } }] })).status).toBe('Signal:9');
  });

  it('SchedulingGated', () => {
    expect(podSummary(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] })).status).toBe('SchedulingGated');
  });
});

describe('pod status as the table shows it', () => {
  it('a Running pod that is not ready says so, where kubectl leaves it to READY', () => {
    const unready = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', ready: false, state: running }] });
    expect(podSummary(unready).status).toBe('Running');
    expect(podStatus(unready)).toBe('Running (0/1 ready)');
    const ready = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, state: running }] });
    expect(podStatus(ready)).toBe('Running');
  });

  it('a pod whose containers are ready but whose readiness gates are not', () => {
    const gated = pod(
      { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', ready: true, state: running }] },
      { containers: [{ name: 'app' }], readinessGates: [{ conditionType: 'target-health.elbv2.k8s.aws/k8s-shop-web' }] },
    );
    expect(podStatus(gated)).toBe('Running (readiness gates 0/1)');
    // The gate passes, and with it the kubelet marks the pod Ready.
    gated.status!.conditions = [
      { type: 'Ready', status: 'True' },
      { type: 'target-health.elbv2.k8s.aws/k8s-shop-web', status: 'True' },
    ];
    expect(podStatus(gated)).toBe('Running');
  });

  it('a pod on a node that stopped reporting: Ready False from the node controller, its containers still "ready"', () => {
    const stranded = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False', reason: 'NodeNotReady' }], containerStatuses: [{ name: 'app', ready: true, state: running }] });
    expect(podStatus(stranded)).toBe('Running (not ready)');
    expect(podStatus(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'Unknown' }], containerStatuses: [{ name: 'app', ready: true, state: running }] }))).toBe('Running (not ready)');
  });

  it('other statuses are kubectl’s', () => {
    expect(podStatus(pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }))).toBe('CrashLoopBackOff');
    expect(podStatus(pod({ phase: 'Pending' }))).toBe('Pending');
  });
});

describe('GPUs a pod holds', () => {
  it('GPUs from requests or limits, summed over containers', () => {
    const p = pod(
      { phase: 'Running' },
      {
        containers: [
          { name: 'trainer', resources: { limits: { 'nvidia.com/gpu': '4', cpu: '8' } } },
          { name: 'worker', resources: { requests: { 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': '2' } } },
          { name: 'logger', resources: { requests: { cpu: '100m' } } },
        ],
      },
    );
    expect(podGpus(p)).toBe(6);
  });

  it('an init container asking for more GPUs than the app decides the reservation', () => {
    const p = pod({}, { initContainers: [{ name: 'warmup', resources: { limits: { 'nvidia.com/gpu': '8' } } }], containers: [{ name: 'app', resources: { limits: { 'nvidia.com/gpu': '1' } } }] });
    expect(podGpus(p)).toBe(8);
  });
});
