import { describe, expect, it } from 'vitest';
import type { ConnectionSummary, GpuHeatmap } from '../../../../shared/contract';
import { kubeConnection } from '../../test/fakeBridge';
import { choosePrometheus, compareValues, heatmapData, MIN_ZOOM_SECONDS, seriesLabel, spanOf, zoomSpan } from './gpuView';

const prom = (id: string, name: string, clusterConnectionId?: string): ConnectionSummary =>
  kubeConnection({ id, name, kind: 'prometheus', kube: undefined, prometheus: { url: `https://${id}.example.com`, auth: 'none', clusterConnectionId } });

describe('choosePrometheus', () => {
  const connections = [kubeConnection(), prom('p-b', 'b-metrics', 'k-prod'), prom('p-a', 'a-metrics'), prom('p-c', 'c-metrics', 'k-prod')];

  it('takes the one linked to the cluster, first by name', () => {
    const choice = choosePrometheus(connections, 'k-prod', null);
    expect(choice.status === 'chosen' && [choice.connection.id, choice.linked]).toEqual(['p-b', true]);
    expect(choice.status === 'chosen' && choice.candidates.map((c) => c.id)).toEqual(['p-a', 'p-b', 'p-c']);
  });

  it('prefers the user’s pick, and ignores a pick that no longer exists or is not Prometheus', () => {
    const picked = choosePrometheus(connections, 'k-prod', 'p-a');
    expect(picked.status === 'chosen' && [picked.connection.id, picked.linked]).toEqual(['p-a', false]);
    expect(choosePrometheus(connections, 'k-prod', 'gone')).toMatchObject({ connection: { id: 'p-b' } });
    expect(choosePrometheus(connections, 'k-prod', 'k-prod')).toMatchObject({ connection: { id: 'p-b' } });
  });

  it('does not guess for a cluster nothing is linked to', () => {
    expect(choosePrometheus(connections, 'k-other', null)).toMatchObject({ status: 'unlinked' });
    expect(choosePrometheus(connections, undefined, null)).toMatchObject({ status: 'unlinked' });
  });

  it('says when there is no Prometheus connection at all', () => {
    expect(choosePrometheus([kubeConnection()], 'k-prod', 'p-a')).toEqual({ status: 'none' });
  });
});

describe('spanOf', () => {
  it('reaches back from now by the range, and takes a zoom as it is (whole seconds)', () => {
    expect(spanOf('1h', 10_000.7, null)).toEqual({ start: 6400, end: 10_000 });
    expect(spanOf('7d', 1_000_000, null)).toEqual({ start: 1_000_000 - 604_800, end: 1_000_000 });
    expect(spanOf('24h', 1_000_000, { start: 5000.4, end: 6000.2 })).toEqual({ start: 5000, end: 6001 });
  });
});

describe('zoomSpan', () => {
  it('keeps a wide drag, widens a short one about its middle, and takes nothing for a reset or an empty range', () => {
    expect(zoomSpan({ start: 1000, end: 5000 })).toEqual({ start: 1000, end: 5000 });
    // A 1 s accidental drag zooms to a few steps, not to one sample.
    expect(zoomSpan({ start: 5000, end: 5001 })).toEqual({ start: 5000.5 - MIN_ZOOM_SECONDS / 2, end: 5000.5 + MIN_ZOOM_SECONDS / 2 });
    expect(MIN_ZOOM_SECONDS).toBeGreaterThanOrEqual(4 * 15);
    expect(zoomSpan(null)).toBeNull();
    expect(zoomSpan({ start: 5000, end: 5000 })).toBeNull();
    expect(zoomSpan({ start: 5000, end: 4000 })).toBeNull();
    expect(zoomSpan({ start: NaN, end: 4000 })).toBeNull();
  });
});

describe('labels', () => {
  it('names a GPU by node and index, with its pod', () => {
    expect(seriesLabel({ key: 'n1/3', labels: { Hostname: 'n1', gpu: '3', namespace: 'ml', pod: 'train-0' }, values: [] }, 'gpu')).toBe('n1 / GPU 3 · ml/train-0');
    expect(seriesLabel({ key: 'n1/3', labels: {}, values: [] }, 'gpu')).toBe('n1 / GPU 3');
    expect(seriesLabel({ key: 'ml/train-0', labels: { namespace: 'ml' }, values: [] }, 'pod')).toBe('ml/train-0');
  });
});

describe('heatmapData', () => {
  const answer: GpuHeatmap = {
    metric: 'DCGM_FI_DEV_GPU_UTIL',
    start: 100,
    step: 60,
    columns: 2,
    rows: [{ node: 'n1', gpu: '0', uuid: 'GPU-1', modelName: 'H200', namespace: 'ml', pod: 'p' }],
    cells: '',
  };

  it('labels rows and keeps the cells', () => {
    const data = heatmapData(answer, new Uint8Array([1, 255]));
    expect(data.rows).toEqual(['n1 / GPU 0 · ml/p']);
    expect([...data.values]).toEqual([1, 255]);
  });

  it('refuses cells that do not match rows × columns', () => {
    expect(() => heatmapData(answer, new Uint8Array(3))).toThrow(/3 cells for 1 GPUs × 2 times/);
  });
});

describe('compareValues', () => {
  it('sorts numbers as numbers and text naturally, missing values last both ways', () => {
    expect([3, null, 10, 1].sort((a, b) => compareValues(a, b, 'desc'))).toEqual([10, 3, 1, null]);
    expect([3, null, 10, 1].sort((a, b) => compareValues(a, b, 'asc'))).toEqual([1, 3, 10, null]);
    expect(['gpu-10', 'gpu-9', undefined].sort((a, b) => compareValues(a, b, 'asc'))).toEqual(['gpu-9', 'gpu-10', undefined]);
  });
});
