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
 * bars are drawn from zero, so each series there is the running sum of the
 * ones before it and itself (gaps count as zero), and the series come last
 * first: the tallest bar is drawn first and each part lies on top of it.
 * Lines over the bars stay as they are, after them.
 */
export function alignedData(data: TimeSeriesData, stacked: boolean): uPlot.AlignedData {
  if (!stacked) return [data.times, ...data.series.map((s) => s.values)];
  const bars = data.series.length - lineCount(data);
  const sums = new Array<number>(data.times.length).fill(0);
  const out: number[][] = data.series.slice(0, bars).map((s) => data.times.map((_, i) => (sums[i] += s.values[i] ?? 0)));
  return [data.times, ...out.reverse(), ...data.series.slice(bars).map((s) => s.values)];
}

/** The index in `series` of uPlot's series `plotIndex` (1-based; 0 is the time axis), the last `lines` of `count` being lines over the bars; see {@link alignedData}. */
export const seriesIndexOf = (plotIndex: number, count: number, stacked: boolean, lines = 0): number => (stacked && plotIndex <= count - lines ? count - lines - plotIndex : plotIndex - 1);

/** The range a chart shows, when it is zoomed in from the whole of its times. */
export interface TimeRange {
  start: number;
  end: number;
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
