import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { GpuCostParams, methods, type MethodName, type ParamsIn, type ResultOf } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { createLogger } from '../logging/logger';
import type { PrometheusAccess } from '../metrics/prometheusClient';
import type { CallContext } from '../rpc/dispatch';
import { createSpendService } from '../spend/spendService';
import { recordedCostExplorer, type Recorded } from '../spend/testKit';
import type { GpuClusterSnapshot } from './clusterGpus';
import { costReport, daysOf } from './gpuCost';
import { createGpuArea } from './gpuArea';
import { allocatedGpuHoursQuery, ALLOCATION_RESOLUTION_S } from './gpuQueries';
import { gpuNode, migratedDb, recorded, recordedCluster, recordedPrometheus } from './testKit';

/*
 * The recorded series (fixtures/prometheus/record.py) run from 2025-12-03
 * 20:00 to 2025-12-04 02:00 UTC, one sample a minute: llm-pretrain-0
 * (ml-training) holds the 4 GPUs of gpu-h200-0, research-notebook-0 (team-a)
 * 2 GPUs of gpu-h200-2, and batch-0 (team-b) one more until 21:00. Both nodes
 * are p5en.48xlarge, seeded at $63.296 an hour for 8 GPUs: $7.912 a GPU-hour.
 *
 * Prometheus counts who holds each GPU every 5 minutes. On 2025-12-03 that
 * is the 49 instants 20:00…24:00 (the first sample at 20:00 stands for the 5
 * minutes before it), on 2025-12-04 the 25 instants 00:05…02:05 (the last
 * sample is seen for the 5 minutes of lookback after it), and batch-0's 13
 * instants 20:00…21:00. So ml-training holds 4 × 49 / 12 = 16.333 GPU-hours on
 * the 3rd ($129.23) and 4 × 25 / 12 = 8.333 on the 4th ($65.93).
 */
const GPU_HOUR = 7.912;
const ctx = { session: 's', actor: 'tester' } as unknown as CallContext;

/** Cost Explorer's EC2 GPU spend for the two days, ungrouped (shape from the AWS API reference). */
const ec2Gpu = {
  ResultsByTime: [
    { TimePeriod: { Start: '2025-12-03', End: '2025-12-04' }, Total: { UnblendedCost: { Amount: '400.0000000000', Unit: 'USD' } }, Groups: [], Estimated: false },
    { TimePeriod: { Start: '2025-12-04', End: '2025-12-05' }, Total: { UnblendedCost: { Amount: '250.5', Unit: 'USD' } }, Groups: [], Estimated: true },
  ],
  DimensionValueAttributes: [],
};

const areas: { close(): void | Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(areas.splice(0).map((a) => a.close()));
});

function setup(options: { costExplorer?: Recorded[]; cluster?: () => GpuClusterSnapshot } = {}) {
  const now = recorded.end * 1000;
  const prom = recordedPrometheus();
  const ce = recordedCostExplorer(options.costExplorer ?? [{ status: 200, body: ec2Gpu }]);
  const db = migratedDb();
  const log = createLogger({ sink: () => {} });
  const spend = createSpendService({
    db,
    connections: {
      awsAccessOf: (id) => {
        if (id === 'prom-1') throw new AppError('VALIDATION', '"bed-prometheus" is a Prometheus endpoint, not an AWS account');
        if (id !== 'aws-1') throw new AppError('NOT_FOUND', `No connection ${id}`);
        return { credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-key-never-shown' }), region: 'us-east-1' };
      },
    },
    log,
    now: () => now,
    requestHandler: ce.handler,
  });
  const area = createGpuArea({
    db,
    hub: { publish: () => {} },
    access: { config: async (id: string) => ({ id }) as unknown as KubeConfig },
    connections: {
      prometheusAccessOf: (id: string): PrometheusAccess => {
        if (id !== 'prom-1') throw new AppError('NOT_FOUND', `No Prometheus connection ${id}`);
        return { url: 'http://prometheus.test:9090', headers: {} };
      },
    },
    spend,
    log,
    readLocalGpus: async () => ({ available: false, reason: 'nvidia-smi is not installed' }),
    testing: { prometheus: prom.connect, listCluster: async () => (options.cluster ?? recordedCluster)(), now: () => now },
  });
  areas.push(area);
  const call = async <M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>> => {
    const spec = methods[method];
    const handler = area.handlers[method as keyof typeof area.handlers] as (p: unknown, c: CallContext) => unknown;
    return spec.result.parse(await handler(spec.params.parse(params), ctx)) as ResultOf<M>;
  };
  return { call, area, asked: prom.asked, sent: ce.sent, db };
}

const base = { clusterConnectionId: 'c1', prometheusConnectionId: 'prom-1', start: '2025-12-03', end: '2025-12-05' } as const;
const row = (r: { group: string | null; gpuHours: number; costUsd: number | null }) => [r.group, r.gpuHours, r.costUsd];

describe('gpu.cost from recorded Prometheus answers', () => {
  it('adds GPU-hours held per namespace per UTC day and prices them at the node instance type', async () => {
    const { call, asked } = setup();
    const cost = await call('gpu.cost', base);
    expect(asked).toEqual(['allocated-namespace']);
    expect(cost.days.map((d) => d.day)).toEqual(['2025-12-03', '2025-12-04']);
    expect(cost.days[0].groups.map(row)).toEqual([
      ['ml-training', 16.333, 129.23],
      ['team-a', 8.167, 64.61],
      ['team-b', 1.083, 8.57],
    ]);
    expect(cost.days[1].groups.map(row)).toEqual([
      ['ml-training', 8.333, 65.93],
      ['team-a', 4.167, 32.97],
    ]);
    expect(cost.days[0].total).toEqual({ gpuHours: 25.583, costUsd: 202.41, pricedCostUsd: 202.41, unpricedGpuHours: 0 });
    expect(cost.groups.map(row)).toEqual([
      ['ml-training', 24.666, 195.16],
      ['team-a', 12.334, 97.58],
      ['team-b', 1.083, 8.57],
    ]);
    // Totals are the sums of the rows as shown.
    expect(cost.total).toEqual({ gpuHours: 38.083, costUsd: 301.31, pricedCostUsd: 301.31, unpricedGpuHours: 0 });
    expect(cost.pricedAs).toEqual([{ basis: 'p5en.48xlarge', gpuHourUsd: GPU_HOUR, gpuHours: 38.083 }]);
    expect(cost.bill).toBeNull();
    expect(cost).toMatchObject({ groupBy: 'namespace', resolutionSeconds: ALLOCATION_RESOLUTION_S, podAccess: { status: 'listed' } });
  });

  it('groups by team: the pod label first, else the namespace label, else no team', async () => {
    const { call, asked } = setup();
    const cost = await call('gpu.cost', { ...base, groupBy: 'team' });
    expect(asked).toEqual(['allocated-team']);
    // llm-pretrain-0 is ml-platform by its namespace; research-notebook-0 says research itself; batch-0 has gone and team-b has no label.
    expect(cost.groups.map(row)).toEqual([
      ['ml-platform', 24.666, 195.16],
      ['research', 12.334, 97.58],
      [null, 1.083, 8.57],
    ]);
    expect(cost.teamLabel).toBe('team');
  });

  it('sets the EC2 GPU bill beside, asked once through the spend cache: a repeat load makes no billable request', async () => {
    const { call, sent, db } = setup();
    const first = await call('gpu.cost', { ...base, awsConnectionId: 'aws-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0].operation).toBe('GetCostAndUsage');
    expect(sent[0].body).toMatchObject({ TimePeriod: { Start: '2025-12-03', End: '2025-12-05' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] });
    expect(JSON.stringify(sent[0].body.Filter)).toContain('"p5en.48xlarge"');
    expect(first.days.map((d) => [d.day, d.billUsd, d.billEstimated])).toEqual([
      ['2025-12-03', 400, false],
      ['2025-12-04', 250.5, true],
    ]);
    // $301.31 allocated of a $650.50 bill.
    expect(first.bill).toMatchObject({ status: 'answered', unit: 'USD', total: 650.5, allocatedPct: 46.3, fromCache: false, stale: false, billableRequests: { thisQuery: 1, total: 1 } });

    const again = await call('gpu.cost', { ...base, awsConnectionId: 'aws-1', groupBy: 'team' });
    expect(sent).toHaveLength(1);
    expect(again.bill).toMatchObject({ status: 'answered', total: 650.5, fromCache: true, billableRequests: { thisQuery: 0, total: 1 } });
    expect((db.prepare('SELECT COUNT(*) AS n FROM spend_requests').get() as { n: number }).n).toBe(1);
  });

  it('keeps the GPU-hours when Cost Explorer cannot be reached, and says why there is no bill', async () => {
    const { call } = setup({ costExplorer: [{ networkError: 'ECONNREFUSED' }] });
    const cost = await call('gpu.cost', { ...base, awsConnectionId: 'aws-1' });
    expect(cost.total.gpuHours).toBe(38.083);
    expect(cost.bill).toMatchObject({ status: 'failed', code: 'UNREACHABLE' });
    expect(cost.days.every((d) => d.billUsd === null)).toBe(true);
    expect(JSON.stringify(cost)).not.toContain('secret-key-never-shown');
  });

  it('refuses an AWS connection that does not exist or is not AWS, rather than hiding it as a missing bill', async () => {
    const { call } = setup();
    await expect(call('gpu.cost', { ...base, awsConnectionId: 'gone' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('gpu.cost', { ...base, awsConnectionId: 'prom-1' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('refuses days that have not begun', async () => {
    const { call, asked } = setup();
    await expect(call('gpu.cost', { ...base, end: '2025-12-06' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/2025-12-05/) });
    expect(asked).toEqual([]);
  });

  it('says the cost is unknown, never $0, for GPU-hours no price matches', async () => {
    const unknown = () => {
      const snapshot = recordedCluster();
      // gpu-h200-2 becomes a machine the price table knows nothing of.
      snapshot.nodes[1] = gpuNode('gpu-h200-2', { 'node.kubernetes.io/instance-type': 'lab.metal', 'nvidia.com/gpu.product': 'NVIDIA-Prototype' }, 4);
      return snapshot;
    };
    const { call } = setup({ cluster: unknown });
    const cost = await call('gpu.cost', base);
    expect(cost.groups.map(row)).toEqual([
      ['ml-training', 24.666, 195.16],
      ['team-a', 12.334, null],
      ['team-b', 1.083, null],
    ]);
    expect(cost.total).toEqual({ gpuHours: 38.083, costUsd: null, pricedCostUsd: 195.16, unpricedGpuHours: 13.417 });
    expect(cost.pricedAs.map((p) => p.basis)).toEqual(['p5en.48xlarge']);
  });

  it('prices GPUs on a node that has since gone by their model, as the cheapest row of that product', async () => {
    const { call } = setup({ cluster: () => ({ ...recordedCluster(), nodes: [] }) });
    const cost = await call('gpu.cost', base);
    expect(cost.total.costUsd).not.toBeNull();
    expect(cost.pricedAs).toHaveLength(1);
    expect(cost.pricedAs[0].basis).toMatch(/^NVIDIA-H200 as /);
  });
});

describe('costReport', () => {
  const q = { start: '2025-12-03', end: '2025-12-05', groupBy: 'namespace', teamLabel: 'team', resolutionSeconds: 300 } as const;

  it('lists every day of the range, empty ones too, and ignores points outside it', () => {
    const held = [{ labels: { namespace: 'a', Hostname: 'gpu-h200-0', modelName: 'NVIDIA H200' }, points: [[1764720000, 12], [1764892800, 24], [1764979200, 99]] as [number, number][] }];
    const r = costReport(held, recordedCluster(), [], null, q);
    expect(r.days.map((d) => [d.day, d.total.gpuHours])).toEqual([
      ['2025-12-03', 0],
      ['2025-12-04', 2],
    ]);
    expect(r.days[0].groups).toEqual([]);
    expect(r.total).toEqual({ gpuHours: 2, costUsd: null, pricedCostUsd: 0, unpricedGpuHours: 2 });
  });

  it('names days by UTC whatever the range, and a 31-day range has 31', () => {
    expect(daysOf('2025-12-30', '2026-01-02')).toEqual(['2025-12-30', '2025-12-31', '2026-01-01']);
    expect(daysOf('2026-03-01', '2026-04-01')).toHaveLength(31);
  });

  it('leaves the share of the bill unknown when the bill is not in USD or is 0', () => {
    const held = [{ labels: { namespace: 'a', Hostname: 'gpu-h200-0', modelName: 'NVIDIA H200' }, points: [[1764806400, 12]] as [number, number][] }];
    const prices = [{ instanceType: 'p5en.48xlarge', gpuProduct: 'NVIDIA-H200', gpus: 8, hourlyUsd: 63.296, gpuHourUsd: GPU_HOUR, source: 'seed', updatedAt: '' }];
    const bill = (unit: string, amount: number) => ({
      periods: [{ start: '2025-12-03', end: '2025-12-04', total: amount, groups: [], estimated: false }],
      unit,
      fetchedAt: '2025-12-04T02:00:00.000Z',
      stale: false,
      fromCache: false,
      throttledRetries: 0,
      billableRequests: { thisQuery: 1, today: 1, total: 1 },
    });
    expect(costReport(held, recordedCluster(), prices, bill('EUR', 100), q).bill).toMatchObject({ status: 'answered', total: 100, allocatedPct: null });
    expect(costReport(held, recordedCluster(), prices, bill('USD', 0), q).bill).toMatchObject({ status: 'answered', total: 0, allocatedPct: null });
    expect(costReport(held, recordedCluster(), prices, bill('USD', 15.824), q).bill).toMatchObject({ allocatedPct: 50 });
  });
});

describe('allocatedGpuHoursQuery', () => {
  it('counts whole GPUs a pod holds, per day, at 5-minute instants after the previous midnight', () => {
    expect(allocatedGpuHoursQuery(false)).toBe('sum_over_time((count by (namespace, Hostname, modelName) (DCGM_FI_DEV_GPU_UTIL{GPU_I_ID="",namespace!=""}))[86399s:300s])');
    expect(allocatedGpuHoursQuery(true)).toContain('count by (namespace, pod, Hostname, modelName)');
  });
});

describe('GpuCostParams', () => {
  it('takes UTC days, at most 31 of them, end after start', () => {
    expect(GpuCostParams.parse(base)).toMatchObject({ groupBy: 'namespace', teamLabel: 'team' });
    expect(GpuCostParams.safeParse({ ...base, start: '2025-11-04', end: '2025-12-05' }).success).toBe(true);
    const bad: Record<string, unknown>[] = [
      { end: '2025-12-03' },
      { end: '2025-12-02' },
      { start: '2025-11-03' },
      { start: '2025-02-30' },
      { start: '2025-12-3' },
      { start: '2025-12-03T00:00:00Z' },
      { start: 1764720000 },
      { groupBy: 'pod' },
      { teamLabel: 'team label' },
      { teamLabel: '' },
      { awsConnectionId: '' },
      { awsConnectionId: 'x'.repeat(65) },
      { clusterConnectionId: undefined },
      { refresh: true },
    ];
    for (const b of bad) expect(GpuCostParams.safeParse({ ...base, ...b }).success, JSON.stringify(b)).toBe(false);
  });
});
