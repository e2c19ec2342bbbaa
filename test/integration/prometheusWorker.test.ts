/**
 * Large Prometheus answers read in a worker thread, against the bed's
 * Prometheus (25 h of dcgm-exporter series for the primary cluster's 32
 * GPUs): a day of them at one minute is several hundred KB, over the size
 * read inline, so real answers take the worker path end to end, through the
 * client and through the GPU area, and come out as they do read inline.
 */
import { threadId as mainThreadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { createParsePool, type ParsePool } from '../../electron/services/connections/parsePool';
import { createLogger } from '../../electron/services/logging/logger';
import { createPrometheusClient, INLINE_PARSE_BYTES, type PrometheusAccess } from '../../electron/services/metrics/prometheusClient';
import { contractClient } from '../support/contract';
import { createTestServices } from '../support/services';

const bed = inject('testbed');
const lines: string[] = [];
let services: Services;
let pool: ParsePool;
const api = contractClient(() => services, { actor: 'it', session: 'prometheus-worker' });
const access: PrometheusAccess = { url: bed.prometheus.url, headers: {} };
const end = Math.floor(bed.prometheus.historyEnd / 60) * 60;
const day = { start: end - 86_400, end, step: 60 };

/** Threads that logged reading a Prometheus answer in a worker, for the pool named `name`. */
const parsedIn = (name: string) =>
  lines
    .map((l) => JSON.parse(l) as { message: string; thread?: number })
    .filter((l) => l.message === `${name} done in a worker thread`)
    .map((l) => l.thread);

beforeAll(() => {
  ({ services } = createTestServices({ logger: createLogger({ sink: (line) => lines.push(line) }) }));
  pool = createParsePool(createLogger({ sink: (line) => lines.push(line) }), { size: 1 });
});
afterAll(async () => {
  await pool.close();
  await services.close();
});

describe('large answers from the bed’s Prometheus', () => {
  it('read in a worker, give what reading them here gives', async () => {
    let sentBytes = 0;
    const viaWorker = createPrometheusClient(access, {
      readAnswer: (job, signal) => {
        sentBytes = job.bytes.byteLength;
        return pool.run(job, signal);
      },
    });
    const here = createPrometheusClient(access);
    // Every label of every GPU, a day at one minute: well over the size read inline.
    const [matrix, inline] = await Promise.all([viaWorker.rangeMatrix('DCGM_FI_DEV_GPU_UTIL', day), here.rangeMatrix('DCGM_FI_DEV_GPU_UTIL', day)]);
    expect(sentBytes).toBeGreaterThan(INLINE_PARSE_BYTES);
    expect(matrix.labels).toHaveLength(32);
    expect(matrix.grid).toEqual({ start: day.start, step: 60, count: 1441 });
    expect(matrix.labels).toEqual(inline.labels);
    expect([...matrix.values]).toEqual([...inline.values]);
    expect(await viaWorker.range('DCGM_FI_DEV_GPU_UTIL', day)).toEqual(await here.range('DCGM_FI_DEV_GPU_UTIL', day));
    expect(parsedIn('kubeconfig/AWS parse').length).toBeGreaterThanOrEqual(2);
    for (const thread of parsedIn('kubeconfig/AWS parse')) expect(thread).not.toBe(mainThreadId);
  });

  it('charted through the GPU area, are read in its worker: one line per GPU, every minute of the day', async () => {
    const prom = await api.call('connections.addPrometheus', { name: 'bed-prometheus', url: bed.prometheus.url, auth: 'none' });
    const perGpu = await api.call('gpu.utilisation', { prometheusConnectionId: prom.id, groupBy: 'gpu', start: day.start, end: day.end, step: 60 });
    expect(perGpu.times).toHaveLength(1441);
    expect(perGpu.series).toHaveLength(32);
    for (const s of perGpu.series) expect(s.values.filter((v) => v !== null).length).toBeGreaterThan(1400);
    const heatmap = await api.call('gpu.heatmap', { prometheusConnectionId: prom.id, start: day.start, end: day.end, step: 60 });
    expect(heatmap.rows).toHaveLength(32);
    expect(heatmap.columns).toBe(1441);
    // At least the per-GPU day and the heatmap's went to the worker (each ~0.5 MB); which others did depends on their size.
    const threads = parsedIn('Prometheus answer parse');
    expect(threads.length).toBeGreaterThanOrEqual(2);
    for (const thread of threads) expect(thread).not.toBe(mainThreadId);
  });
});
