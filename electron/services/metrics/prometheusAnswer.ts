/**
 * The CPU-heavy half of a Prometheus query: an answer's bytes decoded,
 * parsed, checked and reshaped. Pure (no I/O), so a large answer is read in
 * a parse worker (see connections/parseJobs.ts) and a small one where it
 * arrived; either way the same code says what is wrong with it.
 *
 * A range answer comes back as a matrix on its grid, one Float64Array for
 * every series, so it crosses threads as one transferred buffer and its
 * reader walks rows, not millions of little arrays.
 *
 * https://prometheus.io/docs/prometheus/latest/querying/api/
 */
import { AppError, type ErrorCode } from '../../../shared/result';

/** One series of an answer. */
export interface PrometheusSeries {
  labels: Record<string, string>;
  /** [unix seconds, value]; NaN/Inf samples dropped */
  points: [number, number][];
}

/** The instants a range query is evaluated at: `start + i × step` for i < count (unix s). */
export interface PrometheusGrid {
  start: number;
  step: number;
  count: number;
}

/**
 * A range answer on its grid: series `r`'s value at column `i` is
 * `values[r × grid.count + i]`, NaN where it has no sample (Prometheus's own
 * NaN and ±Inf samples are dropped, so NaN means nothing else). Series
 * without any sample are left out.
 */
export interface PrometheusMatrix {
  grid: PrometheusGrid;
  labels: Record<string, string>[];
  values: Float64Array;
}

/** An answer's bytes and what to make of them; `grid` for a range query, else an instant vector or scalar. */
export interface PrometheusAnswerJob {
  kind: 'prometheusAnswer';
  /** The body as read, alone on its buffer: the buffer is moved to the worker, not copied. */
  bytes: Uint8Array;
  /** The HTTP status it came with. */
  status: number;
  /** "Prometheus at https://…", for messages. */
  where: string;
  grid?: PrometheusGrid;
}

/** What a {@link PrometheusAnswerJob} gives: a matrix for a range, series for an instant query. */
export type PrometheusAnswer = { kind: 'matrix'; matrix: PrometheusMatrix } | { kind: 'series'; series: PrometheusSeries[] };

/** The points a grid has from `start` to `end` inclusive. */
export function gridOf(range: { start: number; end: number; step: number }): PrometheusGrid {
  return { start: range.start, step: range.step, count: Math.floor((range.end - range.start) / range.step) + 1 };
}

/** The instant of column `i`, to the millisecond Prometheus keeps, so it equals the timestamp Prometheus wrote. */
export function gridTime(grid: PrometheusGrid, i: number): number {
  return Math.round((grid.start + i * grid.step) * 1000) / 1000;
}

/** Reads `job` (see {@link PrometheusAnswerJob}); throws an AppError saying what is wrong with the answer. */
export function readPrometheusAnswer(job: PrometheusAnswerJob): PrometheusAnswer {
  const data = answerData(job.bytes, job.status, job.where);
  return job.grid ? { kind: 'matrix', matrix: matrixOf(data, job.grid, job.where) } : { kind: 'series', series: seriesOf(data, ['vector', 'scalar'], job.where) };
}

/** The buffers of `answer` that can be moved to another thread rather than copied. */
export function answerTransferables(answer: PrometheusAnswer): ArrayBuffer[] {
  return answer.kind === 'matrix' ? [answer.matrix.values.buffer as ArrayBuffer] : [];
}

/** The series of a matrix, as points. */
export function seriesOfMatrix({ grid, labels, values }: PrometheusMatrix): PrometheusSeries[] {
  return labels.map((l, r) => {
    const points: [number, number][] = [];
    for (let i = 0, at = r * grid.count; i < grid.count; i++, at++) if (!Number.isNaN(values[at])) points.push([gridTime(grid, i), values[at]]);
    return { labels: l, points };
  });
}

/** The `data` of a successful answer; everything else as an AppError. */
export function answerData(bytes: Uint8Array, status: number, where: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw notPrometheus(where, `it answered HTTP ${status} with something that is not JSON`);
  }
  const answer = body as { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown };
  if (answer?.status === 'error' || (status >= 400 && typeof answer?.error === 'string')) {
    const message = typeof answer.error === 'string' ? answer.error.slice(0, 1000) : 'no message';
    throw new AppError(codeOfError(status, answer.errorType), `${where} could not run the query: ${message}`);
  }
  if (status < 200 || status >= 300) throw notPrometheus(where, `it answered HTTP ${status}`);
  if (answer?.status !== 'success' || !('data' in answer)) throw notPrometheus(where, 'its answer is not a Prometheus API answer');
  return answer.data;
}

/** An AppError saying `where` is not the Prometheus API, and why. */
export function notPrometheus(where: string, why: string): AppError {
  return new AppError('VALIDATION', `${where} is not the Prometheus API: ${why}. Check the URL: it is the address Prometheus serves /api/v1 under, such as http://prometheus:9090`);
}

/**
 * The code for a Prometheus error answer: the query's fault (bad_data, 400;
 * execution, 422) is VALIDATION; timeout and canceled (503) are TIMEOUT.
 */
function codeOfError(status: number, errorType: unknown): ErrorCode {
  if (errorType === 'timeout' || errorType === 'canceled') return 'TIMEOUT';
  if (errorType === 'bad_data' || errorType === 'execution' || status === 400 || status === 422) return 'VALIDATION';
  if (status === 503 || errorType === 'unavailable') return 'UNREACHABLE';
  return 'INTERNAL';
}

/** A sample's value, or NaN for NaN, ±Inf and what is not a number at all. */
function valueOf(v: unknown): number {
  if (typeof v !== 'string' || v.trim() === '') return NaN;
  // Prometheus writes "NaN", "+Inf" and "-Inf" as strings; Number() reads them, and they are dropped here.
  const value = Number(v);
  return Number.isFinite(value) ? value : NaN;
}

/** A sample, or undefined for NaN, ±Inf and what is not a sample at all. */
function sampleOf(pair: unknown): [number, number] | undefined {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number') return undefined;
  const value = valueOf(pair[1]);
  return Number.isNaN(value) ? undefined : [pair[0], value];
}

/** The result of `data` when its type is one of `allowed`; the type and the result otherwise say what is wrong. */
function resultOf(data: unknown, allowed: readonly string[], where: string): { resultType: string; result: unknown } {
  const { resultType, result } = (data ?? {}) as { resultType?: unknown; result?: unknown };
  if (typeof resultType !== 'string' || !allowed.includes(resultType)) {
    if (resultType === 'string') throw new AppError('VALIDATION', 'The expression gives a string, not numbers');
    throw new AppError('VALIDATION', `${where} answered with ${typeof resultType === 'string' ? `a ${resultType.slice(0, 40)}` : 'no result type'}, not ${allowed.join(' or ')}`);
  }
  if (resultType !== 'scalar' && !Array.isArray(result)) throw new AppError('VALIDATION', `${where} answered a ${resultType} without its series`);
  return { resultType, result };
}

/**
 * The series of an instant answer's `data`. Samples that are not finite
 * numbers are dropped; a series left without samples is left out.
 */
function seriesOf(data: unknown, allowed: readonly string[], where: string): PrometheusSeries[] {
  const { resultType, result } = resultOf(data, allowed, where);
  if (resultType === 'scalar') {
    const sample = sampleOf(result);
    return sample ? [{ labels: {}, points: [sample] }] : [];
  }
  const out: PrometheusSeries[] = [];
  for (const item of result as { metric?: unknown; value?: unknown }[]) {
    const sample = sampleOf(item?.value);
    if (sample) out.push({ labels: labelsOf(item?.metric), points: [sample] });
  }
  return out;
}

/**
 * Values a matrix holds at most: 128 MiB of doubles, 1,000 series × 11,000
 * points and then some. Each series kept costs a whole row however few
 * samples it has, so a crafted answer of millions of one-sample series is
 * refused here rather than allocated.
 */
export const MAX_MATRIX_VALUES = 16 * 1024 * 1024;

/**
 * A matrix answer's `data` on `grid`. A sample off the grid (Prometheus
 * answers on it; rounding absorbs float noise) is dropped, and of two
 * samples at one instant the first is kept.
 */
function matrixOf(data: unknown, grid: PrometheusGrid, where: string): PrometheusMatrix {
  const result = resultOf(data, ['matrix'], where).result as { metric?: unknown; values?: unknown }[];
  const { start, step, count } = grid;
  const row = new Float64Array(count);
  let values = new Float64Array(Math.min(result.length, 64) * count);
  const labels: Record<string, string>[] = [];
  for (const item of result) {
    const pairs = Array.isArray(item?.values) ? (item.values as unknown[]) : [];
    row.fill(NaN);
    let samples = 0;
    for (let k = 0; k < pairs.length; k++) {
      const pair = pairs[k];
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number') continue;
      const i = Math.round((pair[0] - start) / step);
      if (!(i >= 0 && i < count) || !Number.isNaN(row[i])) continue;
      const value = valueOf(pair[1]);
      if (Number.isNaN(value)) continue;
      row[i] = value;
      samples++;
    }
    if (!samples) continue;
    const at = labels.length * count;
    if (at + count > MAX_MATRIX_VALUES) {
      throw new AppError('VALIDATION', `${where} answered more series than Pilothouse reads at once (${Math.floor(MAX_MATRIX_VALUES / count).toLocaleString('en')} of ${count.toLocaleString('en')} points): ask for fewer series, a shorter range or a larger step`);
    }
    if (at + count > values.length) {
      const grown = new Float64Array(Math.min(result.length * count, Math.max(values.length * 2, count)));
      grown.set(values);
      values = grown;
    }
    values.set(row, at);
    labels.push(labelsOf(item?.metric));
  }
  // The rows kept, in a buffer of their own size: it crosses threads whole.
  return { grid, labels, values: labels.length * count === values.length ? values : values.slice(0, labels.length * count) };
}

function labelsOf(metric: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (metric && typeof metric === 'object') for (const [k, v] of Object.entries(metric)) if (typeof v === 'string') labels[k] = v;
  return labels;
}
