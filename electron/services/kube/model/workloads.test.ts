import { describe, expect, it } from 'vitest';
import { isStalledStatus, jobSummary, workloadStatus, type WorkloadObject } from './workloads';

const at = '2026-01-10T08:00:00Z';

it('jobs: complete with duration, failed, running, suspended', () => {
  const complete = { spec: { completions: 1 }, status: { succeeded: 1, startTime: '2026-01-10T08:00:00Z', completionTime: '2026-01-10T08:02:15Z', conditions: [{ type: 'Complete', status: 'True' }] } };
  expect(jobSummary(complete)).toEqual({ status: 'Complete', completions: '1/1', duration: '2m15s' });
  const failed = {
    spec: { completions: 3 },
    status: { succeeded: 1, startTime: '2026-01-10T08:00:00Z', conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: '2026-01-10T09:00:00Z' }] },
  };
  expect(jobSummary(failed)).toEqual({ status: 'Failed', completions: '1/3', duration: '60m' });
  expect(jobSummary({ spec: { parallelism: 4 }, status: { startTime: at } })).toEqual({ status: 'Running', completions: '0/1 of 4', duration: null });
  expect(jobSummary({ spec: { suspend: true, completions: 2 } }).status).toBe('Suspended');
});

describe('workload status', () => {
  const deployment = (status: WorkloadObject['status'], spec: WorkloadObject['spec'] = { replicas: 3 }, metadata: WorkloadObject['metadata'] = {}): WorkloadObject => ({
    metadata: { name: 'web', generation: 2, ...metadata },
    spec,
    status: { observedGeneration: 2, ...status },
  });
  const complete = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' };
  const healthy = { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Available', status: 'True' }, complete] };

  it('a deployment at its desired replicas, rolled out, is Available', () => {
    expect(workloadStatus('Deployment', deployment(healthy))).toBe('Available');
  });

  it('below its desired available replicas after the rollout: how many of how many', () => {
    expect(workloadStatus('Deployment', deployment({ ...healthy, readyReplicas: 2, availableReplicas: 2 }))).toBe('2/3 available');
    expect(workloadStatus('Deployment', deployment({ ...healthy, readyReplicas: 0, availableReplicas: 0 }))).toBe('Unavailable');
  });

  it('a stalled rollout says ProgressDeadlineExceeded even while old pods still serve', () => {
    const stalled = deployment({
      replicas: 4,
      updatedReplicas: 1,
      availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-7d9f" has timed out progressing.' },
      ],
    });
    expect(workloadStatus('Deployment', stalled)).toBe('ProgressDeadlineExceeded');
  });

  it('a rollout under way, or a spec the controller has not seen yet, is Progressing', () => {
    const rolling = deployment({ replicas: 4, updatedReplicas: 2, availableReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] });
    expect(workloadStatus('Deployment', rolling)).toBe('Progressing');
    expect(workloadStatus('Deployment', deployment(healthy, { replicas: 3 }, { generation: 3 }))).toBe('Progressing');
  });

  it('a workload just created, or mid-Recreate with no pod up yet, is Progressing, not Unavailable', () => {
    expect(workloadStatus('Deployment', { metadata: { name: 'web', generation: 1 }, spec: { replicas: 3 } })).toBe('Progressing');
    const recreating = deployment({ replicas: 3, updatedReplicas: 0, availableReplicas: 0, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated' }] });
    expect(workloadStatus('Deployment', recreating)).toBe('Progressing');
  });

  it('a paused deployment short of its replicas says how short', () => {
    expect(workloadStatus('Deployment', deployment({ ...healthy, availableReplicas: 1 }, { replicas: 3, paused: true }))).toBe('Paused (1/3 available)');
  });

  it('pods it cannot create, a pause, a scale to zero, a deletion', () => {
    const quota = deployment({ ...healthy, availableReplicas: 2, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' }] });
    expect(workloadStatus('Deployment', quota)).toBe('FailedCreate');
    expect(workloadStatus('ReplicaSet', { spec: { replicas: 3 }, status: quota.status })).toBe('FailedCreate');
    expect(workloadStatus('Deployment', deployment(healthy, { replicas: 3, paused: true }))).toBe('Paused');
    expect(workloadStatus('Deployment', deployment({}, { replicas: 0 }))).toBe('Scaled to 0');
    expect(workloadStatus('Deployment', deployment(healthy, { replicas: 3 }, { deletionTimestamp: at }))).toBe('Terminating');
  });

  it('statefulsets: rolling update up to the partition, then available', () => {
    const sts = (status: WorkloadObject['status'], partition?: number): WorkloadObject => ({
      spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', ...(partition !== undefined ? { rollingUpdate: { partition } } : {}) } },
      status: { replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3, ...status },
    });
    expect(workloadStatus('StatefulSet', sts({}))).toBe('Available');
    expect(workloadStatus('StatefulSet', sts({ updatedReplicas: 1 }))).toBe('Progressing');
    expect(workloadStatus('StatefulSet', sts({ updatedReplicas: 1 }, 2))).toBe('Available');
    expect(workloadStatus('StatefulSet', sts({ readyReplicas: 1, availableReplicas: 1 }))).toBe('1/3 available');
  });

  it('daemonsets count nodes', () => {
    const ds = (status: WorkloadObject['status']): WorkloadObject => ({ status: { desiredNumberScheduled: 7, numberReady: 7, numberAvailable: 7, updatedNumberScheduled: 7, ...status } });
    expect(workloadStatus('DaemonSet', ds({}))).toBe('Available');
    expect(workloadStatus('DaemonSet', ds({ numberAvailable: 6 }))).toBe('6/7 available');
    expect(workloadStatus('DaemonSet', ds({ updatedNumberScheduled: 3 }))).toBe('Progressing');
    expect(workloadStatus('DaemonSet', ds({ desiredNumberScheduled: 0, numberAvailable: 0 }))).toBe('No matching nodes');
  });

  it('only a passed progress deadline or a replica failure is a stall; rollouts, pauses and shortfalls are not', () => {
    const stalled = deployment({ ...healthy, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    const quota = deployment({ ...healthy, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' }] });
    expect(isStalledStatus(workloadStatus('Deployment', stalled))).toBe(true);
    expect(isStalledStatus(workloadStatus('Deployment', quota))).toBe(true);
    const waiting = [
      deployment(healthy),
      deployment({ ...healthy, availableReplicas: 0 }),
      deployment({ ...healthy, availableReplicas: 2 }),
      deployment({ ...healthy, availableReplicas: 1 }, { replicas: 3, paused: true }),
      deployment(healthy, { replicas: 3, paused: true }),
      deployment(healthy, { replicas: 3 }, { generation: 3 }),
      deployment({}, { replicas: 0 }),
      deployment(healthy, { replicas: 3 }, { deletionTimestamp: at }),
    ];
    expect(waiting.map((w) => isStalledStatus(workloadStatus('Deployment', w)))).toEqual(waiting.map(() => false));
    expect(isStalledStatus(workloadStatus('DaemonSet', { status: { desiredNumberScheduled: 0 } }))).toBe(false);
  });

  it('replicasets: old ones scaled to zero, new ones short of pods', () => {
    expect(workloadStatus('ReplicaSet', { spec: { replicas: 0 }, status: { replicas: 0 } })).toBe('Scaled to 0');
    expect(workloadStatus('ReplicaSet', { spec: { replicas: 3 }, status: { replicas: 3, availableReplicas: 1 } })).toBe('1/3 available');
  });
});
