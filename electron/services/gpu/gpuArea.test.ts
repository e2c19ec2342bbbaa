import type { KubeConfig } from '@kubernetes/client-node';
import { threadId as mainThreadId } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GPU_HEATMAP_NO_SAMPLE, heatmapCells, methods, type MethodName, type ParamsIn, type ResultOf } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { createLogger } from '../logging/logger';
import type { PrometheusAccess } from '../metrics/prometheusClient';
import type { CallContext } from '../rpc/dispatch';
import { createGpuArea } from './gpuArea';
import { INVENTORY_TTL_MS } from './gpuService';
import { migratedDb, recorded, recordedCluster, recordedPrometheus } from './testKit';

const ctx = { session: 's', actor: 'tester' } as unknown as CallContext;

const areas: { close(): void | Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(areas.splice(0).map((a) => a.close()));
});

/** The area over recorded answers; `inWorker` has every answer, however small, read by the area's parse worker. */
function setup(options: { now?: number; inWorker?: boolean } = {}) {
  let now = options.now ?? recorded.end * 1000;
  const prom = recordedPrometheus(options.inWorker ? { inlineParseBytes: 0 } : {});
  const lines: string[] = [];
  const accessed: string[] = [];
  const listCluster = vi.fn(async (_kc: KubeConfig, _signal?: AbortSignal) => recordedCluster());
  const published: string[] = [];
  const area = createGpuArea({
    db: migratedDb(),
    hub: { publish: (name) => void published.push(name) },
    access: { config: async (id: string) => ({ id }) as unknown as KubeConfig },
    connections: {
      prometheusAccessOf: (id: string): PrometheusAccess => {
        accessed.push(id);
        if (id !== 'prom-1') throw new AppError('NOT_FOUND', `No Prometheus connection ${id}`);
        return { url: 'http://prometheus.test:9090', headers: {} };
      },
    },
    log: createLogger({ sink: (line) => lines.push(line) }),
    readLocalGpus: async () => ({ available: false, reason: 'nvidia-smi is not installed' }),
    testing: { prometheus: prom.connect, listCluster, now: () => now },
  });
  areas.push(area);
  /** A call as the transports make it: params parsed against the contract, the result checked against it. */
  const call = async <M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>> => {
    const spec = methods[method];
    const handler = area.handlers[method as keyof typeof area.handlers] as (p: unknown, c: CallContext) => unknown;
    return spec.result.parse(await handler(spec.params.parse(params), ctx)) as ResultOf<M>;
  };
  /** Threads that logged reading a Prometheus answer. */
  const parsedIn = () => lines.map((l) => JSON.parse(l) as { message: string; thread?: number }).filter((l) => l.message === 'Prometheus answer parse done in a worker thread');
  return { area, call, listCluster, published, asked: prom.asked, accessed, parsedIn, advance: (ms: number) => (now += ms) };
}

describe('gpu area', () => {
  it('answers the inventory from one listing for a few seconds, then lists again', async () => {
    const { call, listCluster, advance } = setup();
    const [a, b] = await Promise.all([call('gpu.inventory', { connectionId: 'c1' }), call('gpu.inventory', { connectionId: 'c1' })]);
    expect(a).toEqual(b);
    expect(listCluster).toHaveBeenCalledTimes(1);
    expect(a.totals).toMatchObject({ nodes: 2, capacity: 8, requested: 6, free: 2 });
    expect(a.teams.map((t) => t.team)).toEqual(['ml-platform', 'research']);
    await call('gpu.inventory', { connectionId: 'c2' });
    expect(listCluster).toHaveBeenCalledTimes(2);
    await call('gpu.inventory', { connectionId: 'c1', refresh: true });
    expect(listCluster).toHaveBeenCalledTimes(3);
    advance(INVENTORY_TTL_MS + 1);
    await call('gpu.inventory', { connectionId: 'c1' });
    expect(listCluster).toHaveBeenCalledTimes(4);
  });

  it('does not keep a failed listing', async () => {
    const { call, listCluster } = setup();
    listCluster.mockRejectedValueOnce(new AppError('FORBIDDEN', 'No access (403) while listing nodes'));
    await expect(call('gpu.inventory', { connectionId: 'c1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(call('gpu.inventory', { connectionId: 'c1' })).resolves.toMatchObject({ totals: { nodes: 2 } });
  });

  it('charts utilisation per node on one time axis, aligned to the step', async () => {
    const { call, asked } = setup();
    const u = await call('gpu.utilisation', { prometheusConnectionId: 'prom-1', metric: 'DCGM_FI_DEV_GPU_UTIL', groupBy: 'node', start: recorded.start + 17, end: recorded.end + 30, step: 600 });
    expect(asked).toEqual(['range-node']);
    expect(u).toMatchObject({ metric: 'DCGM_FI_DEV_GPU_UTIL', unit: '%', step: 600 });
    expect(u.times[0]).toBe(recorded.start);
    expect(u.series.map((s) => s.key)).toEqual(['gpu-h200-0', 'gpu-h200-2']);
    for (const s of u.series) expect(s.values).toHaveLength(u.times.length);
  });

  it('charts one line per GPU, asked in one query', async () => {
    const { call, asked } = setup();
    const u = await call('gpu.utilisation', { prometheusConnectionId: 'prom-1', groupBy: 'gpu', start: recorded.start, end: recorded.end, step: 600 });
    expect(asked).toEqual(['range-gpu']);
    expect(u.series.map((s) => s.key)).toEqual(['gpu-h200-0/0', 'gpu-h200-0/1', 'gpu-h200-0/2', 'gpu-h200-0/3', 'gpu-h200-2/0', 'gpu-h200-2/1', 'gpu-h200-2/2', 'gpu-h200-2/3']);
  });

  it('asks once for the GPUs of one node', async () => {
    const { call, asked } = setup();
    const u = await call('gpu.utilisation', { prometheusConnectionId: 'prom-1', groupBy: 'gpu', node: 'gpu-h200-2', start: recorded.start, end: recorded.end, step: 600 });
    expect(asked).toEqual(['range-gpu-of-node']);
    expect(u.series.map((s) => s.key)).toEqual(['gpu-h200-2/0', 'gpu-h200-2/1', 'gpu-h200-2/2', 'gpu-h200-2/3']);
  });

  it('builds the heatmap with holders', async () => {
    const { call, asked } = setup();
    const h = await call('gpu.heatmap', { prometheusConnectionId: 'prom-1', start: recorded.start, end: recorded.end, step: 600 });
    expect(asked.sort()).toEqual(['holders', 'range-gpu']);
    expect(h.rows).toHaveLength(8);
    const cells = heatmapCells(h);
    expect(cells).toHaveLength(8 * h.columns);
    expect([...cells].every((c) => c <= 100 || c === GPU_HEATMAP_NO_SAMPLE)).toBe(true);
  });

  it('reads large answers in its own worker thread, to the same charts, heatmap and report', { timeout: 60_000 }, async () => {
    const inline = setup();
    const worker = setup({ inWorker: true });
    const range = { prometheusConnectionId: 'prom-1', start: recorded.start, end: recorded.end, step: 600 };
    for (const ask of [
      (c: typeof inline.call) => c('gpu.utilisation', { ...range, groupBy: 'gpu' }),
      (c: typeof inline.call) => c('gpu.utilisation', { ...range, groupBy: 'pod', metric: 'DCGM_FI_DEV_GPU_UTIL' }),
      (c: typeof inline.call) => c('gpu.heatmap', range),
      (c: typeof inline.call) => c('gpu.idle', { clusterConnectionId: 'c1', prometheusConnectionId: 'prom-1', windowHours: 6 }),
    ]) {
      expect(await ask(worker.call)).toEqual(await ask(inline.call));
    }
    expect(inline.parsedIn()).toEqual([]);
    // range-gpu, range-pod, holders and range-gpu again, hourly.
    const threads = worker.parsedIn().map((l) => l.thread);
    expect(threads).toHaveLength(5);
    for (const thread of threads) expect(thread).not.toBe(mainThreadId);
  });

  it('reports idle GPUs over the hours up to now, priced from the table', async () => {
    const { call, asked } = setup();
    const r = await call('gpu.idle', { clusterConnectionId: 'c1', prometheusConnectionId: 'prom-1', windowHours: 6 });
    expect(asked).toEqual(['hourly']);
    expect(r.window).toEqual({ start: recorded.start, end: recorded.end, hours: 6 });
    expect(r.thresholdPct).toBe(10);
    expect(r.gpus.filter((g) => g.pod === 'research-notebook-0').map((g) => g.costOverWindowUsd)).toEqual([47.47, 47.47]);
    expect(r.suggestions.map((s) => s.kind)).toEqual(['oversized-pod', 'oversized-pod', 'pool-idle-overnight']);
  });

  it("stops the idle report's Prometheus query when the caller's signal aborts (an alert rule's timeout; review #19)", async () => {
    const { area } = setup();
    const stop = new AbortController();
    stop.abort(new AppError('TIMEOUT', 'its data source did not answer within 60 s'));
    const params = methods['gpu.idle'].params.parse({ clusterConnectionId: 'c1', prometheusConnectionId: 'prom-1', windowHours: 6 });
    // The rule's own reason comes back: the signal reached the Prometheus request.
    await expect(area.service.idle(params, stop.signal)).rejects.toMatchObject({ code: 'TIMEOUT', message: 'its data source did not answer within 60 s' });
    // Without it, the same call answers.
    await expect(area.service.idle(params)).resolves.toMatchObject({ thresholdPct: 10 });
  });

  it('says which Prometheus connection is missing', async () => {
    const { call } = setup();
    await expect(call('gpu.utilisation', { prometheusConnectionId: 'gone', start: 0, end: 3600 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No Prometheus connection gone' });
  });

  it('edits prices through the contract, telling every window, and an idle report uses the edit', async () => {
    const { call, published } = setup();
    await call('gpu.prices.save', { prices: [{ instanceType: 'p5en.48xlarge', gpuProduct: 'NVIDIA-H200', gpus: 8, hourlyUsd: 80 }] });
    const r = await call('gpu.idle', { clusterConnectionId: 'c1', prometheusConnectionId: 'prom-1', windowHours: 6 });
    expect(r.gpus[0].hourlyUsd).toBe(10);
    const removed = await call('gpu.prices.remove', { instanceTypes: ['p5en.48xlarge'] });
    expect(removed.some((p) => p.instanceType === 'p5en.48xlarge')).toBe(false);
    const reset = await call('gpu.prices.reset', {});
    expect(reset.find((p) => p.instanceType === 'p5en.48xlarge')?.hourlyUsd).toBe(63.296);
    expect((await call('gpu.prices.list', {})).length).toBe(reset.length);
    expect(published).toEqual(['gpu.pricesChanged', 'gpu.pricesChanged', 'gpu.pricesChanged']);
    // A refused edit changes nothing and says nothing.
    await expect(call('gpu.prices.remove', { instanceTypes: ['no.such'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(published).toHaveLength(3);
  });

  it('passes on why this machine has no GPUs to show', async () => {
    const { call } = setup();
    expect(await call('gpu.local', {})).toEqual({ available: false, reason: 'nvidia-smi is not installed' });
  });

  it('closes: cached listings are forgotten and calls under way are cancelled', async () => {
    const { area, call, listCluster } = setup();
    await call('gpu.inventory', { connectionId: 'c1' });
    let seen: AbortSignal | undefined;
    listCluster.mockImplementationOnce(async (_kc, signal) => {
      seen = signal;
      return recordedCluster();
    });
    area.close();
    await call('gpu.inventory', { connectionId: 'c1' });
    expect(listCluster).toHaveBeenCalledTimes(2);
    expect(seen?.aborted).toBe(true);
  });
});

describe('gpu params', () => {
  const u = methods['gpu.utilisation'].params;
  it.each([
    ['an end before the start', { start: 100, end: 50 }],
    ['an empty range', { start: 100, end: 100 }],
    ['more than 31 days', { start: 0, end: 32 * 86_400 }],
    ['a step giving over 11,000 points', { start: 0, end: 86_400, step: 5 }],
    ['a step of 0', { start: 0, end: 3600, step: 0 }],
    ['a fractional step', { start: 0, end: 3600, step: 1.5 }],
    ['a negative time', { start: -10, end: 3600 }],
    ['NaN', { start: Number.NaN, end: 3600 }],
    ['an unknown metric', { start: 0, end: 3600, metric: 'up' }],
    ['PromQL as a metric', { start: 0, end: 3600, metric: 'DCGM_FI_DEV_GPU_UTIL or vector(1)' }],
    ['an unknown grouping', { start: 0, end: 3600, groupBy: 'cluster' }],
    ['an empty node filter', { start: 0, end: 3600, node: '' }],
    ['an unknown field', { start: 0, end: 3600, query: 'up' }],
  ])('utilisation refuses %s', (_what, p) => {
    expect(u.safeParse({ prometheusConnectionId: 'prom-1', ...p }).success).toBe(false);
  });

  it('idle refuses bad thresholds, windows, nights and label keys', () => {
    const idle = methods['gpu.idle'].params;
    const base = { clusterConnectionId: 'c1', prometheusConnectionId: 'p1' };
    expect(idle.parse(base)).toMatchObject({ thresholdPct: 10, windowHours: 24, teamLabel: 'team', night: { fromHour: 22, toHour: 6, utcOffsetMinutes: 0 } });
    for (const bad of [{ thresholdPct: 101 }, { thresholdPct: -1 }, { windowHours: 0 }, { windowHours: 169 }, { windowHours: 1.5 }, { night: { fromHour: 3, toHour: 3 } }, { night: { fromHour: 24 } }, { night: { utcOffsetMinutes: 15 * 60 } }, { teamLabel: 'team label' }, { teamLabel: 'a/b/c' }, { teamLabel: '' }, { teamLabel: 'x'.repeat(64) }]) {
      expect(idle.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
    expect(idle.parse({ ...base, teamLabel: 'example.com/team' }).teamLabel).toBe('example.com/team');
  });
});
