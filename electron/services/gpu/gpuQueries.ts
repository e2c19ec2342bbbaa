/**
 * PromQL for dcgm-exporter's series, and the step of a range query. Every
 * label value is quoted here, so nothing a user typed can add to a query.
 *
 * dcgm-exporter labels each GPU's series with `Hostname` (the node), `gpu`
 * (its index), `UUID` and `modelName`, and with `namespace`/`pod`/`container`
 * while a pod holds the GPU. A MIG instance's series also carry `GPU_I_ID`
 * (and `GPU_I_PROFILE`); DCGM_FI_DEV_GPU_UTIL reads 0 for every MIG
 * instance, so that metric is read from whole GPUs only (see {@link wholeGpus}).
 */
import { GPU_MAX_POINTS, GPU_METRICS, type GpuGroupBy, type GpuMetric } from '../../../shared/contract';

/** The labels that name one GPU. */
export const GPU_LABELS = ['Hostname', 'gpu', 'UUID', 'modelName'] as const;

/** Steps a range query rounds up to: readable axes, and a zoom whose points line up with the wider view's. */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** The smallest nice step giving at most `maxPoints` points from `start` to `end` (unix s). */
export function chooseStep(start: number, end: number, maxPoints = GPU_MAX_POINTS): number {
  const raw = (end - start) / Math.max(1, maxPoints - 1);
  return NICE_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400) * 86_400;
}

/** The grid a range query is evaluated on: `start` and `end` on multiples of `step`, so repeated and zoomed queries hit the same instants. */
export function alignRange(start: number, end: number, step: number): { start: number; end: number; step: number } {
  const s = Math.floor(start / step) * step;
  const e = Math.max(s, Math.floor(end / step) * step);
  return { start: s, end: e, step };
}

/** A PromQL string literal (double-quoted, escaped as Go strings are). */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** A selector of `metric`: exact matches for the filters given, `label!=""` for the labels that must be present. */
export function selector(metric: GpuMetric, filters: Record<string, string | undefined>, present: readonly string[] = []): string {
  const matchers = [
    ...Object.entries(filters)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${promString(v)}`),
    ...present.map((k) => `${k}!=""`),
  ];
  return `${metric}{${matchers.join(',')}}`;
}

/** The metric in the unit the contract answers in: GR_ENGINE_ACTIVE is a 0–1 ratio, shown as a percentage. */
function scaled(metric: GpuMetric, expr: string): string {
  return metric === 'DCGM_FI_PROF_GR_ENGINE_ACTIVE' ? `(${expr}) * 100` : expr;
}

/**
 * The filter that leaves out MIG instances where their value means nothing:
 * dcgm-exporter reports DCGM_FI_DEV_GPU_UTIL as 0 for a MIG instance however
 * busy it is, so it would draw a 0 % row and call its pod idle. The other
 * metrics are measured per instance (GR_ENGINE_ACTIVE, framebuffer) or per
 * device (power, temperature) and stay.
 */
export function wholeGpus(metric: GpuMetric): { GPU_I_ID?: string } {
  return metric === 'DCGM_FI_DEV_GPU_UTIL' ? { GPU_I_ID: '' } : {};
}

/** The labels each grouping keeps. */
export const GROUP_LABELS: Record<GpuGroupBy, readonly string[]> = {
  gpu: GPU_LABELS,
  node: ['Hostname'],
  pod: ['namespace', 'pod'],
  namespace: ['namespace'],
};

/** The filters a utilisation query may narrow to, by dcgm-exporter label. */
export interface GpuFilters {
  node?: string;
  namespace?: string;
  pod?: string;
}

/**
 * One series per GPU, node, pod or namespace. Per GPU the pod labels are
 * dropped, so a GPU that changes hands stays one line; pods and namespaces
 * count only the GPUs a pod holds.
 */
export function utilisationQuery(metric: GpuMetric, groupBy: GpuGroupBy, filters: GpuFilters = {}): string {
  const present = groupBy === 'pod' ? ['pod'] : groupBy === 'namespace' ? ['namespace'] : [];
  const sel = selector(metric, { Hostname: filters.node, namespace: filters.namespace, pod: filters.pod, ...wholeGpus(metric) }, present);
  const combine = groupBy === 'gpu' ? 'max' : GPU_METRICS[metric].combine;
  return scaled(metric, `${combine} by (${GROUP_LABELS[groupBy].join(', ')}) (${sel})`);
}

/** The key of a series: unique and stable per group. */
export function seriesKey(groupBy: GpuGroupBy, labels: Record<string, string>): string {
  switch (groupBy) {
    case 'gpu':
      return `${labels.Hostname ?? ''}/${labels.gpu ?? ''}`;
    case 'node':
      return labels.Hostname ?? '';
    case 'pod':
      return `${labels.namespace ?? ''}/${labels.pod ?? ''}`;
    case 'namespace':
      return labels.namespace ?? '';
  }
}

/** Per GPU, for the heatmap: one row per GPU whoever holds it (no MIG rows of utilisation, which would all read 0 %). */
export function heatmapQuery(metric: 'DCGM_FI_DEV_GPU_UTIL' | 'DCGM_FI_PROF_GR_ENGINE_ACTIVE'): string {
  return scaled(metric, `max by (${GPU_LABELS.join(', ')}) (${selector(metric, wholeGpus(metric))})`);
}

/** Which pod holds each GPU at an instant. */
export function holdersQuery(): string {
  return `max by (${GPU_LABELS.join(', ')}, namespace, pod) (${selector('DCGM_FI_DEV_GPU_UTIL', {}, ['pod'])})`;
}

/**
 * Hourly average utilisation of each GPU, split by the pod holding it (none
 * for a free GPU) and by MIG instance (`GPU_I_ID`, empty for a whole GPU):
 * evaluated each hour over the hour before. MIG instances are kept apart
 * rather than filtered out so the report can say how many holdings it could
 * not judge (their utilisation reads 0).
 */
export function hourlyUtilisationQuery(): string {
  return `avg by (${GPU_LABELS.join(', ')}, GPU_I_ID, namespace, pod) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[1h]))`;
}

/** Seconds between the instants {@link allocatedGpuHoursQuery} counts held GPUs at. */
export const ALLOCATION_RESOLUTION_S = 300;

/**
 * GPU-hours held per UTC day, asked as a range with a step of a day and each
 * point at a midnight: the sum, over the 5-minute instants of the day before
 * it, of how many whole GPUs each namespace (and pod, for teams) held on each
 * node; × {@link ALLOCATION_RESOLUTION_S} / 3600 is GPU-hours.
 *
 * Why this shape: dcgm-exporter labels a GPU's series with namespace/pod only
 * while a pod holds it, so counting labelled series at an instant counts held
 * GPUs. A subquery lets Prometheus do the counting and answer one point per
 * day per series, where a range of counts at 5 minutes would send 288; the
 * node and model come along for the price. The window is a second short of a
 * day so it holds the 288 instants after the previous midnight up to this one
 * on every Prometheus (2.x includes both ends of a range, 3.x not the start).
 * Each instant stands for the 5 minutes before it; a holding's last sample
 * stays visible for the lookback (5 min by default), so a holding counts at
 * most 5 minutes long at each end, never short. MIG slices (GPU_I_ID set) are
 * left out: the price table prices whole GPUs.
 */
export function allocatedGpuHoursQuery(byPod: boolean): string {
  const by = ['namespace', ...(byPod ? ['pod'] : []), 'Hostname', 'modelName'];
  return `sum_over_time((count by (${by.join(', ')}) (${selector('DCGM_FI_DEV_GPU_UTIL', { GPU_I_ID: '' }, ['namespace'])}))[86399s:${ALLOCATION_RESOLUTION_S}s])`;
}
