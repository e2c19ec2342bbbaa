import { describe, expect, it } from 'vitest';
import { GPU_HEATMAP_NO_SAMPLE, heatmapCells } from '../../../shared/contract';
import type { PrometheusSeries } from '../metrics/prometheusClient';
import { GPU_SHARDS, heatmapQuery, holdersQuery, seriesKey, utilisationQuery } from './gpuQueries';
import { alignSeries, gridOf, heatmapOf } from './seriesShape';
import { recorded, recordedPrometheus } from './testKit';

const range = { start: recorded.start, end: recorded.end, step: 600 };

describe('alignSeries on recorded answers', () => {
  it('gives one column per step and one line per node, the training node busy and the notebook node not', async () => {
    const { client } = recordedPrometheus();
    const series = await client.range(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'node'), range);
    const { times, series: lines } = await alignSeries(series, gridOf(range), (l) => seriesKey('node', l));
    expect(times).toHaveLength(37);
    expect(times[0]).toBe(recorded.start);
    expect(times[36]).toBe(recorded.end);
    expect(lines.map((l) => l.key)).toEqual(['gpu-h200-0', 'gpu-h200-2']);
    for (const l of lines) expect(l.values).toHaveLength(37);
    // One busy GPU of four at ~90 %, three at 2 %.
    expect(lines[0].values[10]).toBeGreaterThan(20);
    expect(lines[0].values[10]).toBeLessThan(30);
    // The batch pod's 50 % for the first hour, then nothing.
    expect(lines[1].values[0]).toBeCloseTo((1 + 1 + 50 + 0) / 4, 5);
    expect(lines[1].values[36]).toBeCloseTo(0.5, 5);
  });

  it('per GPU: one line for a GPU that changed hands; per pod: only held GPUs', async () => {
    const { client } = recordedPrometheus();
    const shards = await Promise.all(GPU_SHARDS.map((shard) => client.range(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'gpu', {}, shard), range)));
    expect(shards.map((s) => s.length)).toEqual([2, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
    const perGpu = await alignSeries(shards.flat(), gridOf(range), (l) => seriesKey('gpu', l));
    expect(perGpu.series.map((s) => s.key)).toEqual(['gpu-h200-0/0', 'gpu-h200-0/1', 'gpu-h200-0/2', 'gpu-h200-0/3', 'gpu-h200-2/0', 'gpu-h200-2/1', 'gpu-h200-2/2', 'gpu-h200-2/3']);
    const changed = perGpu.series[6];
    expect(changed.values.every((v) => v !== null)).toBe(true);
    expect(changed.values[0]).toBe(50);
    expect(changed.values[36]).toBe(0);

    const perPod = await alignSeries(await client.range(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'pod'), range), gridOf(range), (l) => seriesKey('pod', l));
    expect(perPod.series.map((s) => s.key)).toEqual(['ml-training/llm-pretrain-0', 'team-a/research-notebook-0', 'team-b/batch-0']);
    const batch = perPod.series[2].values;
    expect(batch[0]).toBe(50);
    // Gone after its hour (and Prometheus's five-minute lookback): no sample, not zero.
    expect(batch[36]).toBeNull();
  });

  it('answers the graphics engine ratio as a percentage', async () => {
    const { client } = recordedPrometheus();
    const lines = (await alignSeries(await client.range(utilisationQuery('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'node'), range), gridOf(range), (l) => seriesKey('node', l))).series;
    expect(lines[0].values[10]).toBeGreaterThan(20);
    expect(lines[0].values[10]).toBeLessThan(30);
  });
});

describe('alignSeries', () => {
  const grid = { start: 100, step: 10, count: 4 };
  it('drops samples off the grid, fills gaps from a repeated key without overwriting, sorts keys naturally', async () => {
    const series: PrometheusSeries[] = [
      { labels: { Hostname: 'n10' }, points: [[100, 1], [120, 3], [500, 9], [50, 9]] },
      { labels: { Hostname: 'n2' }, points: [[110.0000001, 2]] },
      { labels: { Hostname: 'n10', pod: 'x' }, points: [[110, 7], [120, 8]] },
    ];
    const { times, series: out } = await alignSeries(series, grid, (l) => l.Hostname);
    expect(times).toEqual([100, 110, 120, 130]);
    expect(out.map((s) => [s.key, s.values])).toEqual([
      ['n2', [null, 2, null, null]],
      ['n10', [1, 7, 3, null]],
    ]);
  });

  it('shapes 1,000 GPUs × 1,440 points while other calls still get their turn', async () => {
    const count = 1440;
    const series: PrometheusSeries[] = Array.from({ length: 1000 }, (_, g) => ({
      labels: { Hostname: `node-${g >> 3}`, gpu: String(g & 7), UUID: `u${g}` },
      points: Array.from({ length: count }, (_, i) => [1_000_000 + i * 60, (g * i) % 101] as [number, number]),
    }));
    const grid = { start: 1_000_000, step: 60, count };
    const began = performance.now();
    const stall = await longestStall(async () => {
      const { series: out } = await alignSeries(series, grid, (l) => seriesKey('gpu', l));
      expect(out).toHaveLength(1000);
      expect(out[999].values[1439]).not.toBeNull();
      const map = await heatmapOf(series, [], grid, 'm');
      expect(map.rows).toHaveLength(1000);
    });
    const took = performance.now() - began;
    // Measured on the shared 2-core machine (load 4–6): 30–110 ms to align, 100–170 ms for the heatmap, the longest
    // wait of a timer 8–32 ms. Generous guards, not the figures: no turn of the loop waits for most of the work.
    expect(stall).toBeLessThan(Math.max(took / 2, 40));
    expect(stall).toBeLessThan(150);
  });
});

/** The longest the event loop went without running a timer while `work` ran, ms. */
async function longestStall(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    longest = Math.max(longest, t - last);
    last = t;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  // Work that never yields runs no timer at all: the stretch since the last tick counts too.
  return Math.max(longest, performance.now() - last);
}

describe('heatmapOf', () => {
  it('packs recorded GPUs × times into bytes, with who holds each GPU at the end', async () => {
    const { client } = recordedPrometheus();
    const [holders, ...shards] = await Promise.all([client.instant(holdersQuery(), { time: range.end }), ...GPU_SHARDS.map((shard) => client.range(heatmapQuery('DCGM_FI_DEV_GPU_UTIL', shard), range))]);
    const map = await heatmapOf(shards.flat(), holders, gridOf(range), 'DCGM_FI_DEV_GPU_UTIL');
    expect(map.columns).toBe(37);
    expect(map.rows.map((r) => `${r.node}/${r.gpu}`)).toEqual(['gpu-h200-0/0', 'gpu-h200-0/1', 'gpu-h200-0/2', 'gpu-h200-0/3', 'gpu-h200-2/0', 'gpu-h200-2/1', 'gpu-h200-2/2', 'gpu-h200-2/3']);
    expect(map.rows[0]).toMatchObject({ pod: 'llm-pretrain-0', namespace: 'ml-training', modelName: 'NVIDIA H200' });
    expect(map.rows[0].uuid).toMatch(/^GPU-/);
    expect(map.rows[6]).toMatchObject({ pod: null, namespace: null });
    const cells = heatmapCells(map);
    expect(cells).toHaveLength(8 * 37);
    expect(cells[0]).toBe(88);
    expect(cells[37 + 5]).toBe(2);
    expect(cells[6 * 37]).toBe(50);
    expect(cells[6 * 37 + 36]).toBe(0);
  });

  it('marks missing samples, clamps out-of-range values and keeps 1,000 × 1,440 near 2 MB', async () => {
    const grid = { start: 0, step: 60, count: 3 };
    const map = await heatmapOf(
      [{ labels: { Hostname: 'a', gpu: '0', UUID: 'u' }, points: [[0, -3], [120, 180.6]] }],
      [{ labels: { Hostname: 'a', gpu: '0', UUID: 'other' }, points: [[0, 1]] }],
      grid,
      'm',
    );
    expect([...heatmapCells(map)]).toEqual([0, GPU_HEATMAP_NO_SAMPLE, 100]);
    expect(map.rows[0].pod).toBeNull();

    const big = await heatmapOf(
      Array.from({ length: 1000 }, (_, g) => ({ labels: { Hostname: `n${g >> 3}`, gpu: String(g & 7), UUID: `u${g}` }, points: Array.from({ length: 1440 }, (_, i) => [i * 60, i % 100] as [number, number]) })),
      [],
      { start: 0, step: 60, count: 1440 },
      'm',
    );
    expect(big.cells.length).toBeLessThan(2_000_000);
    expect(heatmapCells(big)[999 * 1440 + 1439]).toBe(39);
  });
});
