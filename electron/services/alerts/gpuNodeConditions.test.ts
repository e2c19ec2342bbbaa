import { describe, expect, it } from 'vitest';
import type { NodeObject } from '../kube/model';
import { gpuNodeCondition } from './gpuNodeConditions';

const node = (name: string, capacity: Record<string, string>, conditions?: unknown[], labels: Record<string, string> = {}) =>
  ({ metadata: { name, labels }, status: { capacity, ...(conditions ? { conditions } : {}) } }) as NodeObject;

describe('a GPU node and its Ready condition', () => {
  it('reads status, reason, message and since from the Ready condition', () => {
    const n = node('gpu-1', { 'nvidia.com/gpu': '8', cpu: '192' }, [
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy', lastTransitionTime: '2026-12-04T11:00:00Z' },
    ]);
    expect(gpuNodeCondition(n)).toEqual({ name: 'gpu-1', gpus: 8, ready: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy', since: '2026-12-04T11:00:00Z' });
  });

  it('counts MIG slices when the node has no whole GPUs, and says when there is no Ready condition', () => {
    expect(gpuNodeCondition(node('mig-1', { 'nvidia.com/mig-1g.10gb': '7', 'nvidia.com/mig-3g.40gb': '2' }))).toEqual({ name: 'mig-1', gpus: 9, ready: null, reason: null, message: null, since: null });
  });

  it('keeps a node GPU feature discovery labels before the device plugin is up, and leaves out nodes without GPUs', () => {
    expect(gpuNodeCondition(node('new-gpu', {}, [{ type: 'Ready', status: 'Unknown' }], { 'nvidia.com/gpu.present': 'true' }))).toMatchObject({ gpus: 0, ready: 'Unknown' });
    expect(gpuNodeCondition(node('cpu-1', { cpu: '16' }, [{ type: 'Ready', status: 'False' }]))).toBeUndefined();
  });
});
