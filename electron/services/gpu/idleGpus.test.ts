import { describe, expect, it } from 'vitest';
import type { GpuPrice } from '../../../shared/contract';
import { hourlyUtilisationQuery } from './gpuQueries';
import { gpuHourPricer, idleReport, isNightHour, type IdleQuery } from './idleGpus';
import { createGpuPriceStore } from './priceStore';
import { idleGpuCostFindings } from '../alerts/alertRules';
import type { GpuClusterSnapshot } from './clusterGpus';
import { gpuNode, migratedDb, recorded, recordedCluster, recordedPrometheus } from './testKit';

const query: IdleQuery = {
  thresholdPct: 10,
  window: { start: recorded.start, end: recorded.end, hours: 6 },
  teamLabel: 'team',
  night: { fromHour: 22, toHour: 6, utcOffsetMinutes: 0 },
};
const seeded = () => createGpuPriceStore(migratedDb()).list();

async function hourly() {
  const { client } = recordedPrometheus();
  return client.range(hourlyUtilisationQuery(), { start: recorded.start + 3600, end: recorded.end, step: 3600 });
}

describe('idleReport on recorded hourly averages', () => {
  it('lists the held GPUs below the threshold with owner, team and cost at the p5en.48xlarge price', async () => {
    const report = idleReport(await hourly(), recordedCluster(), seeded(), query);
    expect(report.gpus.map((g) => `${g.node}/${g.gpu} ${g.namespace}/${g.pod}`)).toEqual([
      'gpu-h200-0/1 ml-training/llm-pretrain-0',
      'gpu-h200-0/2 ml-training/llm-pretrain-0',
      'gpu-h200-0/3 ml-training/llm-pretrain-0',
      'gpu-h200-2/0 team-a/research-notebook-0',
      'gpu-h200-2/1 team-a/research-notebook-0',
    ]);
    const notebook = report.gpus[3];
    expect(notebook).toMatchObject({
      ownerKind: 'StatefulSet',
      ownerName: 'research-notebook',
      // The pod's own label wins over its namespace's.
      team: 'research',
      instanceType: 'p5en.48xlarge',
      avgUtilPct: 1,
      hourlyUsd: 7.912,
      costOverWindowUsd: 47.47,
      priceBasis: 'p5en.48xlarge',
      modelName: 'NVIDIA H200',
    });
    expect(notebook.uuid).toMatch(/^GPU-2/);
    expect(report.gpus[0].team).toBe('ml-platform');
    // Held at the window's end: 6 GPUs (the batch pod gave its GPU back before).
    expect(report.totals).toEqual({ idleGpus: 5, heldGpus: 6, hourlyUsd: 39.56, costOverWindowUsd: 237.35, unpriced: 0, releasedIdleHoldings: 0, releasedCostOverWindowUsd: 0, migHoldingsSkipped: 0 });
    expect(report.podAccess).toEqual({ status: 'listed' });
    // The batch pod held its GPU for an hour at 50 %: busy, not idle.
    expect(report.gpus.some((g) => g.pod === 'batch-0')).toBe(false);
  });

  it('suggests giving back what a pod does not use, most money first, with the figures', async () => {
    const report = idleReport(await hourly(), recordedCluster(), seeded(), query);
    const pods = report.suggestions.filter((s) => s.kind === 'oversized-pod');
    expect(pods.map((s) => [s.namespace, s.pod, s.held, s.busy, s.hourlyUsdToSave])).toEqual([
      ['ml-training', 'llm-pretrain-0', 4, 1, 23.74],
      ['team-a', 'research-notebook-0', 2, 0, 15.82],
    ]);
    const [trainer, notebook] = pods;
    expect(trainer.avgUtilPct[0]).toBeGreaterThan(90);
    expect(trainer.avgUtilPct.slice(1)).toEqual([2, 2, 2]);
    expect(trainer.message).toMatch(/holds 4 GPUs and keeps 1 busy/);
    expect(trainer.message).toMatch(/\$23\.74\/hour/);
    expect(notebook.message).toMatch(/holds 2 GPUs and none averaged 10% over the last 6 h/);
  });

  it('suggests scaling down a pool whose every GPU stayed idle through the night hours, and not a busy one', async () => {
    const report = idleReport(await hourly(), recordedCluster(), seeded(), query);
    const pools = report.suggestions.filter((s) => s.kind === 'pool-idle-overnight');
    expect(pools).toHaveLength(1);
    expect(pools[0]).toMatchObject({ pool: 'notebooks', nodes: ['gpu-h200-2'], gpus: 4, nightHours: 4, maxUtilPct: 1, hourlyUsd: 31.65 });
    expect(pools[0].message).toMatch(/all 4 night hours/);

    // Two night hours only (from midnight): too little to say.
    const short = idleReport(await hourly(), recordedCluster(), seeded(), { ...query, night: { fromHour: 0, toHour: 2, utcOffsetMinutes: 0 } });
    expect(short.suggestions.some((s) => s.kind === 'pool-idle-overnight')).toBe(false);
    // A night that takes in the batch pod's busy hour (20:00–21:00 UTC is night at UTC+3 from 23:00).
    const busyNight = idleReport(await hourly(), recordedCluster(), seeded(), { ...query, night: { fromHour: 23, toHour: 6, utcOffsetMinutes: 180 } });
    expect(busyNight.suggestions.some((s) => s.kind === 'pool-idle-overnight')).toBe(false);
  });

  it('says a GPU without a price costs an unknown amount, never $0', async () => {
    const report = idleReport(await hourly(), recordedCluster(), [], query);
    expect(report.gpus).toHaveLength(5);
    for (const g of report.gpus) expect(g).toMatchObject({ hourlyUsd: null, costOverWindowUsd: null, priceBasis: null });
    expect(report.totals).toMatchObject({ idleGpus: 5, hourlyUsd: 0, costOverWindowUsd: 0, unpriced: 5 });
    expect(report.suggestions.filter((s) => s.kind === 'oversized-pod').every((s) => s.hourlyUsdToSave === null && !s.message.includes('$'))).toBe(true);
    expect(report.suggestions.find((s) => s.kind === 'pool-idle-overnight')).toMatchObject({ hourlyUsd: null });
  });

  it('falls back to the GPU product when the node has no instance type', async () => {
    const cluster = recordedCluster();
    cluster.nodes[1] = gpuNode('gpu-h200-2', { 'eks.amazonaws.com/nodegroup': 'notebooks', 'nvidia.com/gpu.product': 'NVIDIA-H200' }, 4);
    const report = idleReport(await hourly(), cluster, seeded(), query);
    expect(report.gpus[3]).toMatchObject({ instanceType: null, hourlyUsd: 7.912, priceBasis: 'NVIDIA-H200 as p5en.48xlarge' });
  });

  it('still lists idle GPUs when pods could not be listed, without owners', async () => {
    const cluster = { ...recordedCluster(), pods: { forbidden: 'No access (403) while listing pods in every namespace' } };
    const report = idleReport(await hourly(), cluster, seeded(), query);
    expect(report.gpus).toHaveLength(5);
    expect(report.gpus[3]).toMatchObject({ ownerKind: null, ownerName: null, team: 'team-a' });
    expect(report.podAccess).toEqual({ status: 'forbidden', message: 'No access (403) while listing pods in every namespace' });
  });

  it('answers an empty Prometheus with an empty report', () => {
    const report = idleReport([], recordedCluster(), seeded(), query);
    expect(report).toMatchObject({ gpus: [], suggestions: [], totals: { idleGpus: 0, heldGpus: 0, hourlyUsd: 0, costOverWindowUsd: 0, unpriced: 0 } });
  });
});

describe('idleReport: what is held now, and MIG', () => {
  const end = 1_764_806_400; // a whole hour
  const day: IdleQuery = { thresholdPct: 10, window: { start: end - 24 * 3600, end, hours: 24 }, teamLabel: 'team', night: { fromHour: 22, toHour: 6, utcOffsetMinutes: 0 } };
  const h100Price: GpuPrice[] = [{ instanceType: 'p5.48xlarge', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpus: 8, hourlyUsd: 80, gpuHourUsd: 10, source: 'x', updatedAt: 'x' }];
  const h100 = { 'node.kubernetes.io/instance-type': 'p5.48xlarge', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' };
  /** Hourly points for hours `from`..`to` (1..24) of the window, each ending its hour. */
  const hours = (from: number, to: number, v: number) => Array.from({ length: to - from + 1 }, (_, i) => [end - (24 - from - i) * 3600, v] as [number, number]);
  const series = (gpu: string, pod: string, points: [number, number][], more: Record<string, string> = {}) => ({
    labels: { Hostname: 'n1', gpu, UUID: `GPU-${gpu}`, modelName: 'NVIDIA H100 80GB HBM3', namespace: 'team-a', pod, ...more },
    points,
  });
  const cluster = (): GpuClusterSnapshot => ({ nodes: [gpuNode('n1', h100, 8)], pods: [], namespaceLabels: new Map(), listedAt: '' });
  const alertOn = (report: ReturnType<typeof idleReport>) =>
    idleGpuCostFindings({ clusterConnectionId: 'k', prometheusConnectionId: 'p', utilPct: 10, windowHours: 24, maxUsdPerHour: 5 }, { idleGpus: async () => report } as never, new AbortController().signal);

  it('leaves out a pod that gave its GPU back 20 h ago, and the alert does not fire on it (review #19)', async () => {
    const report = idleReport([series('0', 'notebook-0', hours(1, 4, 0.5))], cluster(), h100Price, day);
    expect(report.gpus).toEqual([]);
    expect(report.totals).toMatchObject({ idleGpus: 0, heldGpus: 0, hourlyUsd: 0, costOverWindowUsd: 0 });
    // What it burned while it held the GPU is still said, apart.
    expect(report.totals).toMatchObject({ releasedIdleHoldings: 1, releasedCostOverWindowUsd: 40 });
    expect(report.suggestions.filter((s) => s.kind === 'oversized-pod')).toEqual([]);
    expect(await alertOn(report)).toEqual([]);
  });

  it('takes a pod replaced on its GPU in the last hour (a rollout) as handed over, not as two pods sharing it', async () => {
    // Each hourly point averages the hour before it, so the pod that went and the one that came both have the last hour.
    const report = idleReport([series('0', 'old-0', hours(1, 24, 0.5)), series('0', 'new-0', hours(24, 24, 0.5))], cluster(), h100Price, day);
    expect(report.gpus.map((g) => [g.pod, g.hourlyUsd])).toEqual([['new-0', 10]]);
    expect(report.totals).toMatchObject({ idleGpus: 1, heldGpus: 1, hourlyUsd: 10, releasedIdleHoldings: 1 });
  });

  it('counts a pod that moved GPUs once, on the GPU it holds now', async () => {
    const report = idleReport([series('0', 'trainer-0', hours(1, 10, 1)), series('1', 'trainer-0', hours(11, 24, 1))], cluster(), h100Price, day);
    expect(report.gpus.map((g) => [g.gpu, g.hourlyUsd, g.costOverWindowUsd])).toEqual([['1', 10, 140]]);
    expect(report.totals).toMatchObject({ idleGpus: 1, heldGpus: 1, hourlyUsd: 10, costOverWindowUsd: 140, releasedIdleHoldings: 1, releasedCostOverWindowUsd: 100 });
    const oversized = report.suggestions.filter((s) => s.kind === 'oversized-pod');
    expect(oversized.map((s) => [s.held, s.busy])).toEqual([[1, 0]]);
    const findings = await alertOn(report);
    expect(findings.map((f) => [f.subject, f.value])).toEqual([['team-a/trainer-0', 10]]);
  });

  it('does not count a holding given back an hour before the end, when the GPU was seen free after', () => {
    const free = { labels: { Hostname: 'n1', gpu: '0', UUID: 'GPU-0', modelName: 'NVIDIA H100 80GB HBM3' }, points: hours(24, 24, 0) };
    const report = idleReport([series('0', 'job-0', hours(1, 23, 0)), free], cluster(), h100Price, day);
    expect(report.gpus).toEqual([]);
    expect(report.totals).toMatchObject({ heldGpus: 0, hourlyUsd: 0, releasedIdleHoldings: 1, releasedCostOverWindowUsd: 230 });
  });

  it('does not count a GPU handed to another pod: the new holder only', () => {
    const report = idleReport([series('0', 'old-0', hours(1, 20, 0)), series('0', 'new-0', hours(21, 24, 0))], cluster(), h100Price, day);
    expect(report.gpus.map((g) => [g.pod, g.hourlyUsd, g.costOverWindowUsd])).toEqual([['new-0', 10, 40]]);
    expect(report.totals).toMatchObject({ heldGpus: 1, hourlyUsd: 10, releasedIdleHoldings: 1, releasedCostOverWindowUsd: 200 });
  });

  it('keeps holdings when the data runs an hour late (no point at the end for any GPU), but not when it stopped hours ago', () => {
    const late = idleReport([series('0', 'notebook-0', hours(1, 23, 0)), series('1', 'other-0', hours(1, 23, 50))], cluster(), h100Price, day);
    expect(late.gpus.map((g) => g.pod)).toEqual(['notebook-0']);
    expect(late.totals).toMatchObject({ heldGpus: 2, hourlyUsd: 10 });
    const gone = idleReport([series('0', 'notebook-0', hours(1, 22, 0))], cluster(), h100Price, day);
    expect(gone.gpus).toEqual([]);
  });

  it('skips MIG instances and counts them, rather than pricing each slice as a whole idle GPU', () => {
    const slices = Array.from({ length: 7 }, (_, i) => series('0', `svc-${i}`, hours(1, 24, 0), { GPU_I_ID: String(i + 1), GPU_I_PROFILE: '1g.10gb' }));
    const report = idleReport([...slices, series('1', 'idle-0', hours(1, 24, 0))], cluster(), h100Price, day);
    expect(report.gpus.map((g) => g.pod)).toEqual(['idle-0']);
    expect(report.totals).toMatchObject({ idleGpus: 1, heldGpus: 1, hourlyUsd: 10, costOverWindowUsd: 240, migHoldingsSkipped: 7 });
    // Only the whole GPU is judged for giving back.
    expect(report.suggestions.filter((s) => s.kind === 'oversized-pod').map((s) => s.pod)).toEqual(['idle-0']);
  });

  it('prices a GPU that 7 pods share at once (no MIG label) once, split among them (review #19)', () => {
    const shared = Array.from({ length: 7 }, (_, i) => series('0', `svc-${i}`, hours(1, 24, 0)));
    const report = idleReport(shared, cluster(), h100Price, day);
    expect(report.gpus).toHaveLength(7);
    expect(report.totals.heldGpus).toBe(1);
    expect(report.totals.hourlyUsd).toBeLessThanOrEqual(10);
    expect(report.totals.hourlyUsd).toBeCloseTo(10, 1);
    expect(report.totals.costOverWindowUsd).toBeCloseTo(240, 0);
    // Giving back all seven saves the one GPU, not seven.
    const savings = report.suggestions.flatMap((s) => (s.kind === 'oversized-pod' ? [s.hourlyUsdToSave ?? 0] : []));
    expect(savings).toHaveLength(7);
    expect(savings.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 1);
  });

  it('shares an hour only with the pods that held the GPU in that hour', () => {
    // A joins for the last 12 h of B's 24: B pays alone for 12 h, then half.
    const report = idleReport([series('0', 'b-0', hours(1, 24, 0)), series('0', 'a-0', hours(13, 24, 0))], cluster(), h100Price, day);
    const cost = Object.fromEntries(report.gpus.map((g) => [g.pod, [g.hourlyUsd, g.costOverWindowUsd]]));
    expect(cost).toEqual({ 'b-0': [5, 180], 'a-0': [5, 60] });
  });
});

describe('gpuHourPricer', () => {
  const price = (instanceType: string, gpuProduct: string, gpus: number, hourlyUsd: number): GpuPrice => ({ instanceType, gpuProduct, gpus, hourlyUsd, gpuHourUsd: hourlyUsd / gpus, source: 'user', updatedAt: '' });
  it('prices by instance type, else by the cheapest GPU-hour of the product, else not at all', () => {
    const p = gpuHourPricer([price('g5.xlarge', 'NVIDIA-A10G', 1, 1.006), price('g5.48xlarge', 'NVIDIA-A10G', 8, 16.288)]);
    expect(p('g5.48xlarge', 'NVIDIA-A10G')).toEqual({ usd: 2.036, basis: 'g5.48xlarge' });
    expect(p('g5.unknown', 'NVIDIA-A10G')).toEqual({ usd: 1.006, basis: 'NVIDIA-A10G as g5.xlarge' });
    expect(p(null, 'NVIDIA-B200')).toBeNull();
    expect(p(null, null)).toBeNull();
  });
});

describe('isNightHour', () => {
  const at = (iso: string) => Date.parse(iso) / 1000;
  it('judges the hour a point averages (the one before it), in local time, across midnight or not', () => {
    const night = { fromHour: 22, toHour: 6, utcOffsetMinutes: 0 };
    expect(isNightHour(at('2025-12-04T23:00:00Z'), night)).toBe(true);
    expect(isNightHour(at('2025-12-04T22:00:00Z'), night)).toBe(false);
    expect(isNightHour(at('2025-12-04T06:00:00Z'), night)).toBe(true);
    expect(isNightHour(at('2025-12-04T07:00:00Z'), night)).toBe(false);
    // 23:00 UTC is 08:00 in Tokyo, 18:00 in New York.
    expect(isNightHour(at('2025-12-04T23:00:00Z'), { ...night, utcOffsetMinutes: 540 })).toBe(false);
    expect(isNightHour(at('2025-12-04T04:00:00Z'), { ...night, utcOffsetMinutes: -300 })).toBe(true);
    expect(isNightHour(at('2025-12-04T03:00:00Z'), { fromHour: 1, toHour: 4, utcOffsetMinutes: 0 })).toBe(true);
    expect(isNightHour(at('2025-12-04T05:00:00Z'), { fromHour: 1, toHour: 4, utcOffsetMinutes: 0 })).toBe(false);
  });
});
