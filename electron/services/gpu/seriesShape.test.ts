import { describe, expect, it } from 'vitest';
import { GPU_HEATMAP_NO_SAMPLE, heatmapCells } from '../../../shared/contract';
import { readPrometheusAnswer, type PrometheusGrid, type PrometheusMatrix } from '../metrics/prometheusAnswer';
import { heatmapQuery, holdersQuery, seriesKey, utilisationQuery } from './gpuQueries';
import { alignSeries, heatmapOf } from './seriesShape';
import { recorded, recordedPrometheus } from './testKit';

const range = { start: recorded.start, end: recorded.end, step: 600 };

/** The matrix a Prometheus answer with these series gives on `grid`, read as the client reads it. */
function matrixOf(series: { labels: Record<string, string>; points: [number, number][] }[], grid: PrometheusGrid): PrometheusMatrix {
  const body = { status: 'success', data: { resultType: 'matrix', result: series.map((s) => ({ metric: s.labels, values: s.points.map(([t, v]) => [t, String(v)]) })) } };
  const answer = readPrometheusAnswer({ kind: 'prometheusAnswer', bytes: new TextEncoder().encode(JSON.stringify(body)), status: 200, where: 'test', grid });
  if (answer.kind !== 'matrix') throw new Error('not a matrix');
  return answer.matrix;
}

/** 1,000 GPUs × 1,440 minutes, as the worker hands them over: one buffer, no per-sample objects. */
function bigMatrix(value: (g: number, i: number) => number): PrometheusMatrix {
  const count = 1440;
  const values = new Float64Array(1000 * count);
  for (let g = 0; g < 1000; g++) for (let i = 0; i < count; i++) values[g * count + i] = value(g, i);
  return { grid: { start: 1_000_020, step: 60, count }, labels: Array.from({ length: 1000 }, (_, g) => ({ Hostname: `node-${g >> 3}`, gpu: String(g & 7), UUID: `u${g}` })), values };
}

describe('alignSeries on recorded answers', () => {
  it('gives one column per step and one line per node, the training node busy and the notebook node not', async () => {
    const { client } = recordedPrometheus();
    const matrix = await client.rangeMatrix(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'node'), range);
    const { times, series: lines } = await alignSeries(matrix, (l) => seriesKey('node', l));
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
    const perGpu = await alignSeries(await client.rangeMatrix(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'gpu'), range), (l) => seriesKey('gpu', l));
    expect(perGpu.series.map((s) => s.key)).toEqual(['gpu-h200-0/0', 'gpu-h200-0/1', 'gpu-h200-0/2', 'gpu-h200-0/3', 'gpu-h200-2/0', 'gpu-h200-2/1', 'gpu-h200-2/2', 'gpu-h200-2/3']);
    const changed = perGpu.series[6];
    expect(changed.values.every((v) => v !== null)).toBe(true);
    expect(changed.values[0]).toBe(50);
    expect(changed.values[36]).toBe(0);

    const perPod = await alignSeries(await client.rangeMatrix(utilisationQuery('DCGM_FI_DEV_GPU_UTIL', 'pod'), range), (l) => seriesKey('pod', l));
    expect(perPod.series.map((s) => s.key)).toEqual(['ml-training/llm-pretrain-0', 'team-a/research-notebook-0', 'team-b/batch-0']);
    const batch = perPod.series[2].values;
    expect(batch[0]).toBe(50);
    // Gone after its hour (and Prometheus's five-minute lookback): no sample, not zero.
    expect(batch[36]).toBeNull();
  });

  it('answers the graphics engine ratio as a percentage', async () => {
    const { client } = recordedPrometheus();
    const lines = (await alignSeries(await client.rangeMatrix(utilisationQuery('DCGM_FI_PROF_GR_ENGINE_ACTIVE', 'node'), range), (l) => seriesKey('node', l))).series;
    expect(lines[0].values[10]).toBeGreaterThan(20);
    expect(lines[0].values[10]).toBeLessThan(30);
  });
});

describe('alignSeries', () => {
  const grid = { start: 100, step: 10, count: 4 };
  it('drops samples off the grid, fills gaps from a repeated key without overwriting, sorts keys naturally', async () => {
    const matrix = matrixOf(
      [
        { labels: { Hostname: 'n10' }, points: [[100, 1], [120, 3], [500, 9], [50, 9]] },
        { labels: { Hostname: 'n2' }, points: [[110.0000001, 2]] },
        { labels: { Hostname: 'n10', pod: 'x' }, points: [[110, 7], [120, 8]] },
      ],
      grid,
    );
    const { times, series: out } = await alignSeries(matrix, (l) => l.Hostname);
    expect(times).toEqual([100, 110, 120, 130]);
    expect(out.map((s) => [s.key, s.values])).toEqual([
      ['n2', [null, 2, null, null]],
      ['n10', [1, 7, 3, null]],
    ]);
  });

  it('shapes 1,000 GPUs × 1,440 points while other calls still get their turn', async () => {
    const matrix = bigMatrix((g, i) => (g * i) % 101);
    const began = performance.now();
    const stall = await longestStall(async () => {
      const { series: out } = await alignSeries(matrix, (l) => seriesKey('gpu', l));
      expect(out).toHaveLength(1000);
      expect(out[999].values[1439]).not.toBeNull();
      const map = await heatmapOf(matrix, [], 'm');
      expect(map.rows).toHaveLength(1000);
    });
    const took = performance.now() - began;
    // Measured on the shared 2-core machine (load ~5): 35–100 ms to align and map together, the longest
    // wait of a timer 11–20 ms. Generous guards, not the figures: no turn of the loop waits for most of the work.
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
    const [holders, matrix] = await Promise.all([client.instant(holdersQuery(), { time: range.end }), client.rangeMatrix(heatmapQuery('DCGM_FI_DEV_GPU_UTIL'), range)]);
    const map = await heatmapOf(matrix, holders, 'DCGM_FI_DEV_GPU_UTIL');
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
    const map = await heatmapOf(matrixOf([{ labels: { Hostname: 'a', gpu: '0', UUID: 'u' }, points: [[0, -3], [120, 180.6]] }], grid), [{ labels: { Hostname: 'a', gpu: '0', UUID: 'other' }, points: [[0, 1]] }], 'm');
    expect([...heatmapCells(map)]).toEqual([0, GPU_HEATMAP_NO_SAMPLE, 100]);
    expect(map.rows[0].pod).toBeNull();

    const big = await heatmapOf(
      bigMatrix((_g, i) => i % 100),
      [],
      'm',
    );
    expect(big.cells.length).toBeLessThan(2_000_000);
    expect(heatmapCells(big)[999 * 1440 + 1439]).toBe(39);
  });
});
