/**
 * Prometheus answers reshaped for the GPU page: columns on one time axis for
 * uPlot, and a GPUs × times heatmap packed one byte a cell. They start from
 * matrices already on the grid (parsed in a worker, see
 * metrics/prometheusAnswer.ts): what is left is copying rows.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { GPU_HEATMAP_NO_SAMPLE, type GpuHeatmap, type GpuHeatmapRow, type GpuSeries } from '../../../shared/contract';
import type { PrometheusMatrix, PrometheusSeries } from '../metrics/prometheusClient';
import { gridTime } from '../metrics/prometheusAnswer';

/** Longest the shaping runs before letting other calls in: 1,000 series × 1,440 points take ~20–75 ms to align and ~15–25 ms to map on a busy 2-core machine. */
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

const byKey = new Intl.Collator('en', { numeric: true }).compare;

/**
 * The series of `matrix` aligned on its grid, one per key (a key answered
 * twice, e.g. a label that changed, is merged: a later sample fills a gap,
 * never overwrites), sorted by key; a time with no sample is null.
 */
export async function alignSeries(matrix: PrometheusMatrix, keyOf: (labels: Record<string, string>) => string): Promise<{ times: number[]; series: GpuSeries[] }> {
  const pause = slicer();
  const { grid, values } = matrix;
  const count = grid.count;
  const times = new Array<number>(count);
  for (let i = 0; i < count; i++) times[i] = gridTime(grid, i);
  const out = new Map<string, GpuSeries>();
  for (let r = 0; r < matrix.labels.length; r++) {
    await pause();
    const labels = matrix.labels[r];
    const key = keyOf(labels);
    let line = out.get(key);
    if (!line) {
      line = { key, labels, values: new Array<number | null>(count).fill(null) };
      out.set(key, line);
    }
    const column = line.values;
    for (let i = 0, at = r * count; i < count; i++, at++) {
      const v = values[at];
      if (column[i] === null && !Number.isNaN(v)) column[i] = v;
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
export async function heatmapOf(matrix: PrometheusMatrix, holders: readonly PrometheusSeries[], metric: string): Promise<GpuHeatmap> {
  const pause = slicer();
  const { grid, values } = matrix;
  const rowKey = (l: Record<string, string>) => `${l.Hostname ?? ''}\u0000${l.gpu ?? ''}\u0000${l.UUID ?? ''}`;
  const holderOf = new Map<string, { namespace: string; pod: string }>();
  for (const h of holders) if (h.labels.pod) holderOf.set(rowKey(h.labels), { namespace: h.labels.namespace ?? '', pod: h.labels.pod });

  // Each GPU's matrix rows: more than one when its labels changed within the range.
  const rows = new Map<string, { row: GpuHeatmapRow; from: number[] }>();
  matrix.labels.forEach((labels, r) => {
    const key = rowKey(labels);
    const found = rows.get(key);
    if (found) found.from.push(r);
    else {
      const holder = holderOf.get(key);
      rows.set(key, { row: { ...rowOf(labels), namespace: holder?.namespace ?? null, pod: holder?.pod ?? null }, from: [r] });
    }
  });
  const ordered = [...rows.values()].sort((a, b) => byKey(a.row.node, b.row.node) || byKey(a.row.gpu, b.row.gpu) || byKey(a.row.uuid, b.row.uuid));

  const count = grid.count;
  const cells = new Uint8Array(ordered.length * count).fill(GPU_HEATMAP_NO_SAMPLE);
  // The hot loop of a 1,000 × 1,440 map: inlined, no allocation per sample.
  for (let r = 0; r < ordered.length; r++) {
    await pause();
    const base = r * count;
    for (const from of ordered[r].from) {
      for (let i = 0, at = from * count; i < count; i++, at++) {
        const v = values[at];
        if (Number.isNaN(v) || cells[base + i] !== GPU_HEATMAP_NO_SAMPLE) continue;
        cells[base + i] = v <= 0 ? 0 : v >= 100 ? 100 : Math.round(v);
      }
    }
  }
  return {
    metric,
    start: grid.start,
    step: grid.step,
    columns: count,
    rows: ordered.map((o) => o.row),
    cells: Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength).toString('base64'),
  };
}
