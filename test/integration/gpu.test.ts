/**
 * The GPU area against the bed, through the contract: the primary cluster's
 * GPU inventory (gpu-h200-0…3, 8 H200 each: llm-pretrain holds all of
 * gpu-h200-0, llm-inference 2 × 4 of gpu-h200-1, an idle research notebook 4
 * of gpu-h200-2, gpu-h200-3 free); utilisation by node and a heatmap of the 32
 * GPUs from the bed's Prometheus (25 h of dcgm-exporter series); and the idle
 * notebook found, priced at the p5en.48xlarge seed price, with a suggestion.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { GPU_HEATMAP_NO_SAMPLE, heatmapCells } from '../../shared/contract';
import { contractClient } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { gpuSlots, PRIMARY_NODES } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const slots = gpuSlots(PRIMARY_NODES);
/** p5en.48xlarge on demand ($63.296 an hour) over its 8 GPUs, as seeded by migration 009. */
const H200_GPU_HOUR = 7.912;

let services: Services;
let clusterId: string;
let promId: string;
const api = contractClient(() => services, { actor: 'it', session: 'gpu' });

beforeAll(async () => {
  ({ services, connectionId: clusterId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary'));
  promId = (await api.call('connections.addPrometheus', { name: 'bed-prometheus', url: bed.prometheus.url, auth: 'none', clusterConnectionId: clusterId })).id;
});
afterAll(() => services.close());

describe('GPU inventory of the primary cluster', () => {
  it('lists the four H200 nodes with what is requested and free', async () => {
    const inv = await api.call('gpu.inventory', { connectionId: clusterId });
    expect(inv.podAccess).toEqual({ status: 'listed' });
    expect(inv.nodes.map((n) => [n.name, n.capacity, n.allocatable, n.requested, n.free])).toEqual([
      ['gpu-h200-0', 8, 8, 8, 0],
      ['gpu-h200-1', 8, 8, 8, 0],
      ['gpu-h200-2', 8, 8, 4, 4],
      ['gpu-h200-3', 8, 8, 0, 8],
    ]);
    for (const n of inv.nodes) expect(n).toMatchObject({ ready: true, instanceType: 'p5en.48xlarge', product: 'NVIDIA-H200', memoryMiB: 143771, mig: [] });
    expect(inv.totals).toMatchObject({ nodes: 4, capacity: 32, allocatable: 32, requested: 20, free: 12, pending: 0 });
  });

  it('names the pods that hold them, with owners, namespaces and teams', async () => {
    const inv = await api.call('gpu.inventory', { connectionId: clusterId });
    expect(inv.pods.map((p) => [p.namespace, p.name, p.node, p.gpus, p.ownerKind, p.ownerName, p.team])).toEqual([
      ['ml-training', 'llm-pretrain-0', 'gpu-h200-0', 8, 'StatefulSet', 'llm-pretrain', 'ml-platform'],
      ['ml-serving', 'llm-inference-0', 'gpu-h200-1', 4, 'StatefulSet', 'llm-inference', 'ml-platform'],
      ['ml-serving', 'llm-inference-1', 'gpu-h200-1', 4, 'StatefulSet', 'llm-inference', 'ml-platform'],
      ['team-a', 'research-notebook-0', 'gpu-h200-2', 4, 'StatefulSet', 'research-notebook', 'team-a'],
    ]);
    expect(inv.namespaces).toEqual([
      { namespace: 'ml-serving', gpus: 8, migSlices: 0, pods: 2 },
      { namespace: 'ml-training', gpus: 8, migSlices: 0, pods: 1 },
      { namespace: 'team-a', gpus: 4, migSlices: 0, pods: 1 },
    ]);
    expect(inv.teams).toEqual([
      { team: 'ml-platform', gpus: 16, migSlices: 0, pods: 3 },
      { team: 'team-a', gpus: 4, migSlices: 0, pods: 1 },
    ]);
  });
});

describe('GPU metrics from the bed’s Prometheus', () => {
  const end = () => bed.prometheus.historyEnd;

  it('charts the last day by node: the trainer flat out, the spare node idle', async () => {
    const u = await api.call('gpu.utilisation', { prometheusConnectionId: promId, metric: 'DCGM_FI_DEV_GPU_UTIL', groupBy: 'node', start: end() - 86_400, end: end() });
    expect(u.step).toBe(60);
    expect(u.times.length).toBeGreaterThan(1400);
    expect(u.times.length).toBeLessThanOrEqual(1500);
    expect(u.series.map((s) => s.key)).toEqual(['gpu-h200-0', 'gpu-h200-1', 'gpu-h200-2', 'gpu-h200-3']);
    for (const s of u.series) expect(s.values).toHaveLength(u.times.length);
    const mean = (values: (number | null)[]) => {
      const v = values.filter((x): x is number => x !== null);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    const [trainer, , notebook, spare] = u.series.map((s) => mean(s.values));
    expect(trainer).toBeGreaterThan(70);
    expect(notebook).toBeLessThan(10);
    expect(spare).toBeLessThan(10);
  });

  it('zooms into an hour with a finer step, and groups by pod', async () => {
    const u = await api.call('gpu.utilisation', { prometheusConnectionId: promId, groupBy: 'pod', start: end() - 3600, end: end() });
    expect(u.step).toBe(5);
    expect(u.series.map((s) => s.key)).toEqual(['ml-serving/llm-inference-0', 'ml-serving/llm-inference-1', 'ml-training/llm-pretrain-0', 'team-a/research-notebook-0']);
  });

  it('draws a heatmap of the 32 GPUs, each row naming the pod that holds it', async () => {
    const h = await api.call('gpu.heatmap', { prometheusConnectionId: promId, start: end() - 86_400, end: end() });
    expect(h.rows).toHaveLength(32);
    expect(h.columns).toBeLessThanOrEqual(1440);
    for (const slot of slots) {
      const row = h.rows.find((r) => r.node === slot.node && r.gpu === String(slot.index));
      expect(row, `${slot.node} GPU ${slot.index}`).toMatchObject({ uuid: slot.uuid, pod: slot.pod ? `${slot.pod.statefulSet}-${slot.pod.ordinal}` : null });
    }
    const cells = heatmapCells(h);
    expect(cells).toHaveLength(32 * h.columns);
    expect([...cells].every((c) => c <= 100 || c === GPU_HEATMAP_NO_SAMPLE)).toBe(true);
    // Most cells have a sample: the history covers the whole day.
    expect([...cells].filter((c) => c === GPU_HEATMAP_NO_SAMPLE).length).toBeLessThan(cells.length / 10);
  });
});

describe('idle GPUs on the bed', () => {
  it('finds the notebook’s 4 idle GPUs, prices them, and suggests giving them back', async () => {
    const r = await api.call('gpu.idle', { clusterConnectionId: clusterId, prometheusConnectionId: promId, thresholdPct: 10, windowHours: 24 });
    const notebook = r.gpus.filter((g) => g.namespace === 'team-a' && g.pod === 'research-notebook-0');
    expect(notebook).toHaveLength(4);
    for (const g of notebook) {
      expect(g).toMatchObject({ node: 'gpu-h200-2', ownerKind: 'StatefulSet', ownerName: 'research-notebook', team: 'team-a', instanceType: 'p5en.48xlarge', hourlyUsd: H200_GPU_HOUR, priceBasis: 'p5en.48xlarge' });
      expect(g.avgUtilPct).toBeLessThan(10);
      expect(g.costOverWindowUsd).toBeGreaterThan(0);
    }
    // The trainer works: none of its GPUs is idle.
    expect(r.gpus.some((g) => g.pod === 'llm-pretrain-0')).toBe(false);
    expect(r.totals.idleGpus).toBe(r.gpus.length);
    expect(r.totals.hourlyUsd).toBeGreaterThanOrEqual(4 * H200_GPU_HOUR - 0.01);
    const suggestion = r.suggestions.find((s) => s.kind === 'oversized-pod' && s.pod === 'research-notebook-0');
    expect(suggestion).toMatchObject({ namespace: 'team-a', held: 4, busy: 0, hourlyUsdToSave: 31.65 });
    expect(suggestion?.message).toMatch(/research-notebook-0 holds 4 GPUs and none averaged 10%/);
    // A pool idle overnight cannot include the node that trains day and night.
    for (const s of r.suggestions) if (s.kind === 'pool-idle-overnight') expect(s.nodes).not.toContain('gpu-h200-0');
  });
});
