import type { ConnectionSummary, GpuGroupBy, GpuHeatmap, GpuHeatmapRow, GpuSeries, GpuUtilisation } from '../../../../shared/contract';
import type { HeatmapData } from '../../shell/charts/heatmapData';
import type { TimeSeriesData } from '../../shell/charts/timeSeries';

/** The ranges the charts offer, in seconds back from now. */
export const RANGES = [
  { id: '1h', label: '1 h', seconds: 3600 },
  { id: '24h', label: '24 h', seconds: 86_400 },
  { id: '7d', label: '7 d', seconds: 7 * 86_400 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

/** A time range, unix seconds. */
export interface Span {
  start: number;
  end: number;
}

/** The span a chart asks for: the zoomed one, else `range` back from `now` (unix s, whole seconds). */
export function spanOf(range: RangeId, now: number, zoom: Span | null): Span {
  if (zoom) return { start: Math.floor(zoom.start), end: Math.ceil(zoom.end) };
  const end = Math.floor(now);
  return { start: end - (RANGES.find((r) => r.id === range) ?? RANGES[1]).seconds, end };
}

/** The narrowest range a drag zooms to: a few Prometheus steps even at the 1 h range's finest (15 s), never one sample. */
export const MIN_ZOOM_SECONDS = 300;

/** The span a chart's drag zooms to: widened about its middle to {@link MIN_ZOOM_SECONDS}; null for a reset or an empty or reversed range. */
export function zoomSpan(range: Span | null): Span | null {
  if (!range || !(range.end > range.start)) return null;
  if (range.end - range.start >= MIN_ZOOM_SECONDS) return { start: range.start, end: range.end };
  const middle = (range.start + range.end) / 2;
  return { start: middle - MIN_ZOOM_SECONDS / 2, end: middle + MIN_ZOOM_SECONDS / 2 };
}

/** How the Prometheus connection of a cluster was found. */
export type PrometheusChoice =
  | { status: 'none' }
  | { status: 'unlinked'; candidates: ConnectionSummary[] }
  | { status: 'chosen'; connection: ConnectionSummary; linked: boolean; candidates: ConnectionSummary[] };

/**
 * The Prometheus connection to read `clusterId`'s metrics from: the one the
 * user picked for it, else the one linked to it (first by name when several
 * are). An unlinked cluster is not guessed for: another cluster's metrics
 * would pass for its own.
 */
export function choosePrometheus(connections: readonly ConnectionSummary[], clusterId: string | undefined, pickedId: string | null): PrometheusChoice {
  const candidates = connections.filter((c) => c.kind === 'prometheus').sort((a, b) => a.name.localeCompare(b.name));
  if (!candidates.length) return { status: 'none' };
  const picked = candidates.find((c) => c.id === pickedId);
  const linked = candidates.find((c) => clusterId !== undefined && c.prometheus?.clusterConnectionId === clusterId);
  const connection = picked ?? linked;
  if (!connection) return { status: 'unlinked', candidates };
  return { status: 'chosen', connection, linked: connection.prometheus?.clusterConnectionId === clusterId, candidates };
}

/** A series' legend text: a GPU as "node / GPU 3 (model)", else its key (node, namespace/pod, namespace). */
export function seriesLabel(series: GpuSeries, groupBy: GpuGroupBy): string {
  if (groupBy !== 'gpu') return series.key;
  const node = series.labels.Hostname ?? series.key.split('/')[0];
  const gpu = series.labels.gpu ?? series.key.split('/')[1] ?? '?';
  const held = series.labels.pod ? ` · ${series.labels.namespace ? `${series.labels.namespace}/` : ''}${series.labels.pod}` : '';
  return `${node} / GPU ${gpu}${held}`;
}

/** A utilisation answer as the chart takes it. */
export function chartData(answer: GpuUtilisation, groupBy: GpuGroupBy): TimeSeriesData {
  return { times: answer.times, series: answer.series.map((s) => ({ key: s.key, label: seriesLabel(s, groupBy), values: s.values })) };
}

/** A heatmap row's label: "node / GPU 3", with the pod holding it. */
export const heatmapRowLabel = (row: GpuHeatmapRow): string => `${row.node} / GPU ${row.gpu}${row.pod ? ` · ${row.namespace ? `${row.namespace}/` : ''}${row.pod}` : ''}`;

/** A heatmap answer as the heatmap takes it; an error when its cells do not match its rows and columns. */
export function heatmapData(answer: GpuHeatmap, cells: Uint8Array): HeatmapData {
  if (cells.length !== answer.rows.length * answer.columns) {
    throw new Error(`The heatmap has ${cells.length.toLocaleString()} cells for ${answer.rows.length} GPUs × ${answer.columns} times.`);
  }
  return { rows: answer.rows.map(heatmapRowLabel), start: answer.start, step: answer.step, values: cells };
}

/** One collator for every compare: `localeCompare` with options builds one per call, too slow for 10,000 pods. */
const collator = new Intl.Collator(undefined, { numeric: true });

/** Compares two values for a table sort: numbers as numbers, text by locale, null and undefined last whichever way. */
export function compareValues(a: string | number | null | undefined, b: string | number | null | undefined, dir: 'asc' | 'desc'): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
  return dir === 'asc' ? order : -order;
}

/** "$1,234.50"; "unpriced" for null (unknown, not free). */
export function formatUsd(value: number | null): string {
  if (value === null) return 'unpriced';
  return value.toLocaleString(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** MiB as "80 GiB" / "512 MiB". */
export function formatMiB(mib: number | null): string {
  if (mib === null) return '–';
  return mib >= 1024 ? `${(mib / 1024).toLocaleString(undefined, { maximumFractionDigits: 1 })} GiB` : `${mib.toLocaleString()} MiB`;
}
