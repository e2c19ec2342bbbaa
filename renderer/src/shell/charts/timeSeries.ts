import type uPlot from 'uplot';

/** One line (or bar series) of a {@link TimeSeriesData}. */
export interface TimeSeries {
  /** Unique and stable across answers: the chart re-creates its plot only when the keys change. */
  key: string;
  label: string;
  /** One per time; null where there is no sample (a gap). */
  values: (number | null)[];
  /** In a bar chart, drawn as a line over the bars and never stacked (a bill beside its parts); such series come after the bars. */
  line?: boolean;
}

/** Columnar series sharing one time axis: what Prometheus range answers reduce to. */
export interface TimeSeriesData {
  /** Unix seconds, ascending. */
  times: number[];
  series: TimeSeries[];
}

/** One row of a chart's legend. */
export interface LegendRow {
  /** Index in `series`. */
  index: number;
  key: string;
  label: string;
  value: number | null;
  focused: boolean;
}

/** What a legend shows: a few rows, and how many series it leaves out. */
export interface LegendView {
  rows: LegendRow[];
  hidden: number;
  /** The time the values are read at; null when there are no times. */
  time: number | null;
}

/**
 * The legend of `data` at time index `at` (the cursor's; the last time when
 * null): the focused (hovered) series first, then the highest values there,
 * at most `limit` rows. A thousand series are scanned, never rendered.
 */
export function legendView(data: TimeSeriesData, at: number | null, focused: number | null, limit: number): LegendView {
  const last = data.times.length - 1;
  const idx = at === null || at < 0 || at > last ? last : at;
  if (idx < 0) return { rows: [], hidden: data.series.length, time: null };
  const row = (index: number): LegendRow => {
    const s = data.series[index];
    return { index, key: s.key, label: s.label, value: s.values[idx] ?? null, focused: index === focused };
  };
  // Top `limit` by value, kept sorted; at most `limit` compares per series.
  const top: LegendRow[] = [];
  data.series.forEach((_, index) => {
    if (index === focused) return;
    const r = row(index);
    const v = r.value ?? -Infinity;
    if (top.length === limit && v <= (top[top.length - 1].value ?? -Infinity)) return;
    let at = top.length;
    while (at > 0 && (top[at - 1].value ?? -Infinity) < v) at--;
    top.splice(at, 0, r);
    if (top.length > limit) top.pop();
  });
  const hasFocus = focused !== null && focused >= 0 && focused < data.series.length;
  const rows = hasFocus ? [row(focused), ...top.slice(0, Math.max(0, limit - 1))] : top;
  return { rows, hidden: data.series.length - rows.length, time: data.times[idx] };
}

/** How many of the series are drawn as lines over bars (see {@link TimeSeries.line}). */
export const lineCount = (data: TimeSeriesData): number => data.series.reduce((n, s) => n + (s.line ? 1 : 0), 0);

/**
 * The data as uPlot takes it: the times, then one array per series. Stacked
 * bars stack positive values upward from zero and negative ones (refunds,
 * credits) downward, in series order; each bar series holds the end of its
 * segment away from zero, so the value scale spans both stacks, and
 * {@link stackBases} gives the other end. A gap is no segment. Lines over the
 * bars stay as they are, after them.
 */
export function alignedData(data: TimeSeriesData, stacked: boolean): uPlot.AlignedData {
  if (!stacked) return [data.times, ...data.series.map((s) => s.values)];
  const bars = data.series.length - lineCount(data);
  const up = new Array<number>(data.times.length).fill(0);
  const down = new Array<number>(data.times.length).fill(0);
  const ends = data.series.slice(0, bars).map((s) =>
    data.times.map((_, i) => {
      const v = s.values[i];
      if (v === null || v === undefined) return null;
      return v >= 0 ? (up[i] += v) : (down[i] += v);
    }),
  );
  return [data.times, ...ends, ...data.series.slice(bars).map((s) => s.values)];
}

/**
 * The near-zero end of each of the first `bars` stacked series' segments in
 * `aligned` (from {@link alignedData}), indexed like `aligned`: the far end of
 * the previous segment on the same side of zero, or zero. A segment's side is
 * its far end's sign (a zero value sits on the positive stack).
 */
export function stackBases(aligned: uPlot.AlignedData, bars: number): (number | null)[][] {
  const times = aligned[0].length;
  const up = new Array<number>(times).fill(0);
  const down = new Array<number>(times).fill(0);
  const out: (number | null)[][] = [[]];
  for (let s = 1; s <= bars; s++) {
    const ends = aligned[s] as (number | null | undefined)[];
    out.push(
      ends.map((end, i) => {
        if (end === null || end === undefined) return null;
        const stack = end >= 0 ? up : down;
        const base = stack[i];
        stack[i] = end;
        return base;
      }),
    );
  }
  return out;
}

/** The range a chart shows, when it is zoomed in from the whole of its times. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A zoom spans at least this many steps between times: a short drag is not a zoom into one sample. */
export const MIN_ZOOM_STEPS = 3;

/**
 * The range to zoom to for a drag from `start` to `end`: widened about its
 * middle to {@link MIN_ZOOM_STEPS} of the smallest step between `times`, and
 * moved inside the times where it fits.
 */
export function zoomRange(start: number, end: number, times: readonly number[]): TimeRange {
  let step = Infinity;
  for (let i = 1; i < times.length; i++) step = Math.min(step, times[i] - times[i - 1]);
  const least = Number.isFinite(step) && step > 0 ? step * MIN_ZOOM_STEPS : 0;
  const [lo, hi] = start <= end ? [start, end] : [end, start];
  if (hi - lo >= least) return { start: lo, end: hi };
  const middle = (lo + hi) / 2;
  let range = { start: middle - least / 2, end: middle + least / 2 };
  const first = times[0];
  const last = times[times.length - 1];
  if (last - first >= least) {
    if (range.start < first) range = { start: first, end: first + least };
    if (range.end > last) range = { start: last - least, end: last };
  }
  return range;
}

/** Whether `[min, max]` leaves out part of `times` (the chart is zoomed in). */
export function isZoomed(times: readonly number[], min: number | null | undefined, max: number | null | undefined): boolean {
  if (!times.length || min == null || max == null) return false;
  return min > times[0] || max < times[times.length - 1];
}

/** A value as an axis or legend shows it: up to two decimals, the unit after. */
export const defaultFormat = (unit?: string) => {
  const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  return (value: number) => `${number.format(value)}${unit ? (unit === '%' ? '%' : ` ${unit}`) : ''}`;
};
