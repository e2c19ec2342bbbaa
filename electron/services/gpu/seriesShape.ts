/**
 * Prometheus answers reshaped for the GPU page: columns on one time axis for
 * uPlot, and a GPUs × times heatmap packed one byte a cell.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { GPU_HEATMAP_NO_SAMPLE, type GpuHeatmap, type GpuHeatmapRow, type GpuSeries } from '../../../shared/contract';
import type { PrometheusSeries } from '../metrics/prometheusClient';

/** Longest the shaping runs before letting other calls in: 1,000 series × 1,440 points take ~30–150 ms on a busy 2-core machine. */
const SLICE_MS = 8;

/** Resolves at once, or on the next turn of the event loop once the current slice has run {@link SLICE_MS}. */
function slicer(): () => Promise<void> | undefined {
  let began = performance.now();
  return () => {
    if (performance.now() - began < SLICE_MS) return undefined;
    return nextTurn().then(() => {
      began = performance.now();
    });
  };
}

/** A time grid: `start + i × step` for i < count. */
export interface TimeGrid {
  start: number;
  step: number;
  count: number;
}

/** The grid from `start` to `end` inclusive. */
export function gridOf(range: { start: number; end: number; step: number }): TimeGrid {
  return { start: range.start, step: range.step, count: Math.floor((range.end - range.start) / range.step) + 1 };
}

/** The column of time `t` on the grid, or -1 off it. Prometheus answers on the grid; rounding absorbs float noise. */
function column(grid: TimeGrid, t: number): number {
  const i = Math.round((t - grid.start) / grid.step);
  return i >= 0 && i < grid.count ? i : -1;
}

const byKey = new Intl.Collator('en', { numeric: true }).compare;

/**
 * Series aligned on `grid`, one per key (a key answered twice, e.g. a label
 * that changed, is merged: a later sample fills a gap, never overwrites),
 * sorted by key; a time with no sample is null.
 */
export async function alignSeries(series: readonly PrometheusSeries[], grid: TimeGrid, keyOf: (labels: Record<string, string>) => string): Promise<{ times: number[]; series: GpuSeries[] }> {
  const pause = slicer();
  const times = new Array<number>(grid.count);
  for (let i = 0; i < grid.count; i++) times[i] = grid.start + i * grid.step;
  const out = new Map<string, GpuSeries>();
  for (const s of series) {
    await pause();
    const key = keyOf(s.labels);
    let line = out.get(key);
    if (!line) {
      line = { key, labels: s.labels, values: new Array<number | null>(grid.count).fill(null) };
      out.set(key, line);
    }
    const values = line.values;
    const points = s.points;
    for (let k = 0; k < points.length; k++) {
      const i = column(grid, points[k][0]);
      if (i >= 0 && values[i] === null) values[i] = points[k][1];
    }
  }
  return { times, series: [...out.values()].sort((a, b) => byKey(a.key, b.key)) };
}

/** A row's identity for the heatmap, from a GPU's labels. */
function rowOf(labels: Record<string, string>): Omit<GpuHeatmapRow, 'namespace' | 'pod'> {
  return { node: labels.Hostname ?? '', gpu: labels.gpu ?? '', uuid: labels.UUID ?? '', modelName: labels.modelName ?? '' };
}

/**
 * The heatmap: one row per GPU (by node, then index), each cell the
 * percentage rounded into 0–100 or {@link GPU_HEATMAP_NO_SAMPLE}. `holders`
 * (series with `namespace` and `pod`) say who holds each GPU.
 */
export async function heatmapOf(series: readonly PrometheusSeries[], holders: readonly PrometheusSeries[], grid: TimeGrid, metric: string): Promise<GpuHeatmap> {
  const pause = slicer();
  const rowKey = (l: Record<string, string>) => `${l.Hostname ?? ''}\u0000${l.gpu ?? ''}\u0000${l.UUID ?? ''}`;
  const holderOf = new Map<string, { namespace: string; pod: string }>();
  for (const h of holders) if (h.labels.pod) holderOf.set(rowKey(h.labels), { namespace: h.labels.namespace ?? '', pod: h.labels.pod });

  const rows = new Map<string, { row: GpuHeatmapRow; series: PrometheusSeries[] }>();
  for (const s of series) {
    const key = rowKey(s.labels);
    const found = rows.get(key);
    if (found) found.series.push(s);
    else {
      const holder = holderOf.get(key);
      rows.set(key, { row: { ...rowOf(s.labels), namespace: holder?.namespace ?? null, pod: holder?.pod ?? null }, series: [s] });
    }
  }
  const ordered = [...rows.values()].sort((a, b) => byKey(a.row.node, b.row.node) || byKey(a.row.gpu, b.row.gpu) || byKey(a.row.uuid, b.row.uuid));

  const cells = new Uint8Array(ordered.length * grid.count).fill(GPU_HEATMAP_NO_SAMPLE);
  const { start, step, count } = grid;
  // The hot loop of a 1,000 × 1,440 map: inlined, no allocation per sample.
  for (let r = 0; r < ordered.length; r++) {
    await pause();
    const base = r * count;
    for (const s of ordered[r].series) {
      const points = s.points;
      for (let k = 0; k < points.length; k++) {
        const p = points[k];
        const i = Math.round((p[0] - start) / step);
        if (i < 0 || i >= count || cells[base + i] !== GPU_HEATMAP_NO_SAMPLE) continue;
        const v = p[1];
        cells[base + i] = v <= 0 ? 0 : v >= 100 ? 100 : Math.round(v);
      }
    }
  }
  return {
    metric,
    start: grid.start,
    step: grid.step,
    columns: grid.count,
    rows: ordered.map((o) => o.row),
    cells: Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength).toString('base64'),
  };
}
