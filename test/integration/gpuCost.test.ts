/**
 * GPU cost per namespace and team against the bed, through the contract: the
 * primary cluster (node instance types, teams), its Prometheus (25 h of
 * dcgm-exporter series: llm-pretrain holds the 8 GPUs of gpu-h200-0,
 * llm-inference 2 × 4 of gpu-h200-1, the research notebook 4 of gpu-h200-2),
 * priced at the seeded p5en.48xlarge rate, beside the EC2 GPU bill seeded in
 * moto's Cost Explorer; a repeat load sends moto nothing (counted by its
 * request recorder).
 *
 * The day asked is yesterday (UTC) of the history's end. The history is 25 h
 * ending when the bed started, so yesterday is whole only when the bed started
 * between 00:00 and 01:00 UTC (then ml-training holds 8 × 24 = 192 GPU-hours,
 * ml-serving 192, team-a 96); otherwise the history begins part-way through
 * it and each namespace holds its GPUs × the hours from then to midnight. The
 * expected figures follow the service's own rule (a GPU counts at each
 * 5-minute instant that sees a sample of its holder within the lookback) and
 * allow one instant either way for the edge where the history begins.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { gpuSlots, PRIMARY_NODES, resetMoto, seedCostExplorer, type CostAndUsageResult } from '../testbed';
import { BACKFILL_SECONDS } from '../testbed/prometheus';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const moto = bed.moto;
/** p5en.48xlarge on demand ($63.296 an hour) over its 8 GPUs, as seeded by migration 009. */
const H200_GPU_HOUR = 7.912;
const DAY = 86_400;
const STEP = 300;
/** What 4 p5en.48xlarge cost for a day on demand: the EC2 GPU bill seeded for yesterday. */
const BILL = 4 * 24 * 63.296;

const isoDay = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const end = bed.prometheus.historyEnd;
const today = isoDay(end);
const midnight = Date.parse(`${today}T00:00:00Z`) / 1000;
const yesterday = isoDay(midnight - DAY);

/** GPUs each namespace's pods hold, from the bed's topology. */
const held = new Map<string, number>();
for (const slot of gpuSlots(PRIMARY_NODES)) if (slot.pod) held.set(slot.pod.namespace, (held.get(slot.pod.namespace) ?? 0) + 1);

/** The 5-minute instants of yesterday, (midnight − 1 d, midnight], that see a sample: the first sample is at the history's start, on a minute. */
const firstSample = Math.floor((end - BACKFILL_SECONDS) / 60) * 60;
const firstInstant = Math.max(midnight - DAY + STEP, Math.ceil(firstSample / STEP) * STEP);
const instants = (midnight - firstInstant) / STEP + 1;
const hoursOf = (gpus: number, n = instants) => (gpus * n * STEP) / 3600;

let services: Services;
let clusterId = '';
let promId = '';
let awsId = '';
const api = contractClient(() => services, { actor: 'it', session: 'gpu-cost' });

/** One request moto recorded. */
interface Recorded {
  headers: Record<string, string>;
  body: string;
  body_encoded: boolean;
}

/** The GetCostAndUsage request bodies moto has received since recording started. */
async function costRequestsAtMoto(): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${moto.endpoint}/moto-api/recorder/download-recording`);
  if (!res.ok) throw new Error(`moto recorder download: HTTP ${res.status}`);
  const lines = (await res.text()).split('\n').filter((l) => l.trim());
  return lines
    .map((l) => JSON.parse(l) as Recorded)
    .filter((r) => Object.entries(r.headers).some(([k, v]) => k.toLowerCase() === 'x-amz-target' && v.endsWith('.GetCostAndUsage')))
    .map((r) => JSON.parse(r.body_encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body) as Record<string, unknown>);
}

/** Cost Explorer's answer to the EC2 GPU query: yesterday's spend, ungrouped. */
const ec2GpuBill: CostAndUsageResult = {
  ResultsByTime: [{ TimePeriod: { Start: yesterday, End: today }, Total: { UnblendedCost: { Amount: BILL.toFixed(10), Unit: 'USD' } }, Groups: [], Estimated: false }],
  DimensionValueAttributes: [],
};

beforeAll(async () => {
  ({ services, connectionId: clusterId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary'));
  promId = (await api.call('connections.addPrometheus', { name: 'bed-prometheus', url: bed.prometheus.url, auth: 'none', clusterConnectionId: clusterId })).id;
  await resetMoto(moto);
  await seedCostExplorer(moto, [ec2GpuBill]);
  awsId = (
    await api.call('connections.addAwsKeys', {
      name: 'moto-gpu-cost',
      accessKeyId: 'AKIAPILOTHOUSEGPUCO1',
      secretAccessKey: 'pilothouse-gpu-cost-secret-key-01',
      region: 'us-east-1',
      endpointUrl: moto.endpoint,
      onConflict: 'replace',
    })
  ).id;
  // Integration files run one at a time: what moto records from now on is this file's.
  for (const step of ['stop-recording', 'reset-recording', 'start-recording']) {
    const res = await fetch(`${moto.endpoint}/moto-api/recorder/${step}`, { method: 'POST' });
    if (!res.ok) throw new Error(`moto recorder ${step}: HTTP ${res.status}`);
  }
});

afterAll(async () => {
  await fetch(`${moto.endpoint}/moto-api/recorder/stop-recording`, { method: 'POST' }).catch(() => undefined);
  await services?.close();
});

describe('GPU cost on the bed', () => {
  const base = () => ({ clusterConnectionId: clusterId, prometheusConnectionId: promId, start: yesterday, end: today });

  it('adds the GPU-hours each namespace held yesterday and prices them at p5en.48xlarge; without an AWS account Cost Explorer is not asked', async () => {
    expect(Object.fromEntries(held)).toEqual({ 'ml-training': 8, 'ml-serving': 8, 'team-a': 4 });
    const cost = await api.call('gpu.cost', base());
    expect(cost.days.map((d) => d.day)).toEqual([yesterday]);
    expect(cost.days[0].groups.map((g) => g.group).sort()).toEqual(['ml-serving', 'ml-training', 'team-a']);
    for (const g of cost.days[0].groups) {
      const gpus = held.get(g.group ?? '')!;
      expect(g.gpuHours, g.group ?? '').toBeGreaterThanOrEqual(hoursOf(gpus, instants - 1) - 0.001);
      expect(g.gpuHours, g.group ?? '').toBeLessThanOrEqual(hoursOf(gpus, instants + 1) + 0.001);
      expect(g.unpricedGpuHours).toBe(0);
      expect(g.costUsd).toBeCloseTo(g.gpuHours * H200_GPU_HOUR, 1);
    }
    if (instants === DAY / STEP) {
      // The bed started within an hour after midnight: yesterday is whole.
      expect(cost.groups.map((g) => [g.group, g.gpuHours])).toEqual([
        ['ml-serving', 192],
        ['ml-training', 192],
        ['team-a', 96],
      ]);
    }
    expect(cost.pricedAs).toEqual([{ basis: 'p5en.48xlarge', gpuHourUsd: H200_GPU_HOUR, gpuHours: cost.total.gpuHours }]);
    expect(cost.total.costUsd).toBeCloseTo(cost.days[0].groups.reduce((sum, g) => sum + (g.costUsd ?? 0), 0), 2);
    expect(cost.bill).toBeNull();
    expect(cost.days[0].billUsd).toBeNull();
    expect(await costRequestsAtMoto()).toHaveLength(0);
  });

  it('groups by team: ml-training and ml-serving are ml-platform by their namespaces', async () => {
    const cost = await api.call('gpu.cost', { ...base(), groupBy: 'team' });
    const byTeam = Object.fromEntries(cost.groups.map((g) => [g.group, g.gpuHours]));
    expect(Object.keys(byTeam).sort()).toEqual(['ml-platform', 'team-a']);
    expect(byTeam['ml-platform']).toBeGreaterThanOrEqual(hoursOf(16, instants - 1) - 0.001);
    expect(byTeam['ml-platform']).toBeLessThanOrEqual(hoursOf(16, instants + 1) + 0.001);
  });

  it('sets the seeded EC2 GPU bill beside, and a repeat load makes no request at Cost Explorer', async () => {
    const first = await api.call('gpu.cost', { ...base(), awsConnectionId: awsId });
    expect(first.days[0].billUsd).toBeCloseTo(BILL, 2);
    expect(first.bill).toMatchObject({ status: 'answered', unit: 'USD', fromCache: false, stale: false, billableRequests: { thisQuery: 1 } });
    if (first.bill?.status !== 'answered') throw new Error('no bill');
    expect(first.bill.total).toBeCloseTo(BILL, 2);
    // Allocated cost as a share of the bill: 20 of the 32 GPUs were held, so about 62.5% on a whole day.
    expect(first.bill.allocatedPct).toBe(Math.round((first.total.costUsd! / first.bill.total) * 1000) / 10);
    const atMoto = await costRequestsAtMoto();
    expect(atMoto).toHaveLength(1);
    expect(atMoto[0]).toMatchObject({ TimePeriod: { Start: yesterday, End: today }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] });
    expect(JSON.stringify(atMoto[0].Filter)).toContain('p5en.48xlarge');

    const again = await api.call('gpu.cost', { ...base(), awsConnectionId: awsId, groupBy: 'team' });
    expect(again.bill).toMatchObject({ status: 'answered', fromCache: true, billableRequests: { thisQuery: 0, total: 1 } });
    expect(again.days[0].billUsd).toBe(first.days[0].billUsd);
    expect(await costRequestsAtMoto()).toHaveLength(1);
    expect((await api.call('spend.requests', { connectionId: awsId })).total).toBe(1);
  });
});
