import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { describeError } from '../errorActions';
import { seriesColor, type ChartColors } from './chartTheme';
import { savePng } from './png';
import { alignedData, defaultFormat, isZoomed, legendView, lineCount, stackBases, zoomRange, type TimeRange, type TimeSeriesData } from './timeSeries';
import { useChartColors } from './useChartColors';
import './charts.css';

export interface TimeSeriesChartProps {
  /** The chart's accessible name, and the saved image's title and file name. */
  title: string;
  data: TimeSeriesData;
  /** Shown after values: "%", "W", "GiB", "USD". */
  unit?: string;
  /** How the axis and the legend write a value; "12.5 W" from `unit` when not given. */
  format?(value: number): string;
  /** Bars for daily figures (spend); lines otherwise. */
  mode?: 'line' | 'bars';
  /** Bars stacked, each series on the ones before it (a day's spend by service). */
  stacked?: boolean;
  /** Plot height in CSS pixels; the width follows the container. */
  height?: number;
  /** A fixed value axis, e.g. 0–100 for a percentage; it follows the data when not given. */
  range?: { min: number; max: number };
  /** Legend rows shown at most; the rest are counted. */
  legendRows?: number;
  /** Told the times dragged over (to ask for finer data), and null when the zoom is reset. */
  onZoom?(range: TimeRange | null): void;
  /** 'UTC' when the times are UTC days (Cost Explorer's): the axis, legend and label show those dates, not the local time of their midnights. */
  timeZone?: 'UTC';
}

/** Below this many series a hovered line dims the others; above, a redraw per hover would cost more than it helps. */
const DIM_LIMIT = 200;
const MIN_WIDTH = 240;

let loading: Promise<typeof uPlot> | undefined;
/**
 * uPlot, loaded with the first chart: it reads `matchMedia` as its module
 * loads, so a static import would break every page (and jsdom test) that
 * merely imports a chart, and it stays out of the first bundle.
 */
const loadUPlot = (): Promise<typeof uPlot> => (loading ??= import('uplot').then((m) => m.default));

/** Half the smallest step between times (half a day for one bar), in seconds. */
export function barPad(times: readonly number[]): number {
  let step = Infinity;
  for (let i = 1; i < times.length; i++) step = Math.min(step, times[i] - times[i - 1]);
  return (Number.isFinite(step) && step > 0 ? step : 86_400) / 2;
}

/** How a legend or label writes a time: local date and time, or the date alone of a UTC day. */
export const timeLabel = (seconds: number, timeZone?: 'UTC') => (timeZone ? new Date(seconds * 1000).toLocaleDateString(undefined, { timeZone }) : new Date(seconds * 1000).toLocaleString());

/** A drag narrower than this (CSS pixels) is a click, not a zoom. */
export const DRAG_DIST = 8;

interface OptionsProps {
  height: number;
  mode: 'line' | 'bars';
  stacked: boolean;
  range?: { min: number; max: number };
  timeZone?: 'UTC';
}

/** uPlot's options; `times` reads the times shown now (new data of the same series arrives after the plot was made). */
export function options(UPlot: typeof uPlot, props: OptionsProps, data: TimeSeriesData, colors: ChartColors, width: number, formatValue: (v: number) => string, times: () => readonly number[]): uPlot.Options {
  const count = data.series.length;
  const barCount = count - lineCount(data);
  // Each stacked segment is drawn from its own base (see stackBases): a refund hangs below zero instead of hiding under the bar above it.
  const bases = new WeakMap<uPlot.AlignedData, (number | null)[][]>();
  const baseOf = (u: uPlot, s: number) => {
    let all = bases.get(u.data);
    if (!all) bases.set(u.data, (all = stackBases(u.data, barCount)));
    return all[s] as number[];
  };
  const disp = props.stacked ? { y0: { unit: 1 as const, values: baseOf }, y1: { unit: 1 as const, values: (u: uPlot, s: number) => u.data[s] as number[] } } : undefined;
  const bars = props.mode === 'bars' ? UPlot.paths.bars!({ size: [0.7, 48], align: 0, ...(disp ? { disp } : {}) }) : undefined;
  const axis = { stroke: colors.muted, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
  return {
    width,
    height: props.height,
    legend: { show: false },
    // Bars are centred on their time: half a step more each side keeps the first and last whole.
    ...(props.timeZone ? { tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC') } : {}),
    scales: { x: { time: true, range: bars ? (_u, min, max) => [min - barPad(times()), max + barPad(times())] : undefined }, y: props.range ? { range: [props.range.min, props.range.max] } : { range: (_u, min, max) => (min === max ? [Math.min(0, min), max + 1] : [Math.min(0, min), Math.max(0, max)]) } },
    series: [
      {},
      ...data.series.map((_, i) => {
        const bar = bars && !data.series[i].line;
        return {
          label: data.series[i].label,
          stroke: seriesColor(i, colors.theme),
          fill: bar ? seriesColor(i, colors.theme) : undefined,
          width: bar ? 1 : bars ? 2 : 1,
          paths: bar ? bars : undefined,
          // A line over daily bars has a point per day: marked, so a single day still shows.
          points: { show: Boolean(bars && !bar) },
          spanGaps: false,
        };
      }),
    ],
    axes: [
      { ...axis },
      { ...axis, size: 64, values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : formatValue(v))) },
    ],
    cursor: {
      // One DOM point per series would move a thousand elements on every mouse move.
      points: { show: false },
      // The zoom is set in the setSelect hook, at least a few steps wide.
      drag: { x: true, y: false, setScale: false, dist: DRAG_DIST },
      focus: { prox: 24 },
    },
    focus: { alpha: count <= DIM_LIMIT ? 0.25 : 1 },
  };
}

/**
 * Time series drawn by uPlot: lines (or bars) sharing one time axis, a legend
 * that lists the hovered series and the highest values (never a thousand
 * rows), drag to zoom with a reset, Save PNG. The plot is created once per
 * set of series (keys and labels), theme and layout; new values of the same
 * series go to `setData`, so polling a thousand series stays smooth.
 */
export function TimeSeriesChart({ title, data, unit, format, mode = 'line', stacked = false, height = 260, range, legendRows = 8, onZoom, timeZone }: TimeSeriesChartProps) {
  const colors = useChartColors();
  const captionId = useId();
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  /** The data the plot shows now: the create effect passes it, the data effect skips it. */
  const shown = useRef<TimeSeriesData | null>(null);
  const formatValue = useMemo(() => format ?? defaultFormat(unit), [format, unit]);
  const latest = useRef({ data, formatValue, onZoom, stacked });
  useLayoutEffect(() => {
    latest.current = { data, formatValue, onZoom, stacked };
  });
  const [hover, setHover] = useState<{ idx: number | null; focused: number | null }>({ idx: null, focused: null });
  const [zoomed, setZoomed] = useState(false);
  const zoomedRef = useRef(false);
  const [saveError, setSaveError] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const bars = mode === 'bars';
  const stack = bars && stacked;
  const structure = useMemo(() => JSON.stringify(data.series.map((s) => [s.key, s.label, Boolean(s.line)])), [data.series]);
  const empty = !data.times.length || !data.series.length;

  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host || empty) return;
    let u: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let cancelled = false;
    const create = (UPlot: typeof uPlot) => {
      const current = latest.current.data;
      u = new UPlot(
        {
          ...options(UPlot, { height, mode: bars ? 'bars' : 'line', stacked: stack, range: range && { min: range.min, max: range.max }, timeZone }, current, colors, Math.max(MIN_WIDTH, host.clientWidth), (v) => latest.current.formatValue(v), () => latest.current.data.times),
          hooks: {
            setCursor: [(p) => setHover((h) => (h.idx === (p.cursor.idx ?? null) ? h : { ...h, idx: p.cursor.idx ?? null }))],
            setSeries: [
              (p, index, opts) => {
                // uPlot passes what changed ({ focus }), though its types say a whole series.
                const focus = (opts as { focus?: boolean }).focus;
                if (focus === undefined) return;
                const focused = focus && index !== null && index > 0 ? index - 1 : null;
                setHover((h) => (h.focused === focused ? h : { ...h, focused }));
              },
            ],
            setSelect: [
              (p) => {
                if (p.select.width < DRAG_DIST) return;
                const left = p.select.left;
                const zoom = zoomRange(p.posToVal(left, 'x'), p.posToVal(left + p.select.width, 'x'), latest.current.data.times);
                p.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                p.setScale('x', { min: zoom.start, max: zoom.end });
                latest.current.onZoom?.(zoom);
              },
            ],
            setScale: [
              (p, key) => {
                if (key !== 'x') return;
                const now = isZoomed(latest.current.data.times, p.scales.x.min, p.scales.x.max);
                // A double click resets uPlot's zoom by itself: tell the caller as the Reset button would.
                if (zoomedRef.current && !now) latest.current.onZoom?.(null);
                zoomedRef.current = now;
                setZoomed(now);
              },
            ],
          },
        },
        alignedData(current, stack),
        host,
      );
      plotRef.current = u;
      shown.current = current;
      const plot = u;
      const resize = () => plot.setSize({ width: Math.max(MIN_WIDTH, host.clientWidth), height });
      observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize);
      observer?.observe(host);
    };
    setLoadError(undefined);
    loadUPlot().then(
      (UPlot) => {
        if (!cancelled) create(UPlot);
      },
      (err: unknown) => {
        if (!cancelled) setLoadError(describeError(err).message);
      },
    );
    return () => {
      cancelled = true;
      observer?.disconnect();
      u?.destroy();
      plotRef.current = null;
      shown.current = null;
      zoomedRef.current = false;
      setZoomed(false);
    };
    // The data itself is not a dependency: new values of the same series go to setData below.
  }, [structure, empty, colors, height, bars, stack, range?.min, range?.max, timeZone]);

  useEffect(() => {
    const u = plotRef.current;
    if (!u || shown.current === data) return;
    shown.current = data;
    const keepZoom = isZoomed(data.times, u.scales.x.min, u.scales.x.max);
    if (!keepZoom) {
      // The new data replaces the zoom (e.g. the caller fetched the dragged range): not a reset to report.
      zoomedRef.current = false;
      setZoomed(false);
    }
    u.setData(alignedData(data, stack), !keepZoom);
    // Without a scale reset the value axis would keep the old data's range: set x again to refit it.
    if (keepZoom) u.setScale('x', { min: u.scales.x.min!, max: u.scales.x.max! });
  }, [data, stack]);

  const legend = useMemo(() => legendView(data, hover.idx, hover.focused, legendRows), [data, hover, legendRows]);

  const resetZoom = () => {
    const u = plotRef.current;
    if (!u || !data.times.length) return;
    const pad = bars ? barPad(data.times) : 0;
    u.setScale('x', { min: data.times[0] - pad, max: data.times[data.times.length - 1] + pad });
  };

  const save = () => {
    const u = plotRef.current;
    if (!u) return;
    setSaveError(undefined);
    // Several series are named under the image: the rows the legend shows unhovered, and how many it leaves out.
    const named = data.series.length > 1 ? legendView(data, null, null, legendRows) : null;
    const legend = named ? { rows: named.rows.map((r) => ({ color: seriesColor(r.index, colors.theme), label: r.label })), hidden: named.hidden } : undefined;
    savePng(u, { title, background: colors.background, text: colors.text, ...(legend ? { legend } : {}) }).catch((err: unknown) => setSaveError(describeError(err).message));
  };

  if (empty) {
    return (
      <figure className="ts-chart" aria-labelledby={captionId}>
        <span id={captionId} className="ts-chart-title">
          {title}
        </span>
        <p className="muted ts-chart-empty">No samples in this range.</p>
      </figure>
    );
  }

  return (
    <figure className="ts-chart" aria-labelledby={captionId}>
      <div className="ts-chart-head">
        <span id={captionId} className="ts-chart-title">
          {title}
        </span>
        <div className="ts-chart-actions">
          {zoomed && (
            <button type="button" onClick={resetZoom} title="Show the whole range again (or double-click the chart)">
              Reset zoom
            </button>
          )}
          <button type="button" onClick={save} aria-label={`Save ${title} as PNG`}>
            Save PNG
          </button>
        </div>
      </div>
      {(saveError ?? loadError) && (
        <p className="notice notice-error" role="alert">
          {loadError ? `The chart could not be drawn: ${loadError}` : saveError}
        </p>
      )}
      <div
        ref={hostRef}
        className="ts-chart-plot"
        role="img"
        aria-label={`${title}: ${data.series.length.toLocaleString()} series from ${timeLabel(data.times[0], timeZone)} to ${timeLabel(data.times[data.times.length - 1], timeZone)}. Drag across to zoom in.`}
      />
      <div className="ts-chart-legend" aria-live="off">
        {legend.time !== null && <span className="muted ts-chart-time">{timeLabel(legend.time, timeZone)}</span>}
        <ul>
          {legend.rows.map((r) => (
            <li key={r.key} className={r.focused ? 'focused' : undefined}>
              <span className="ts-chart-swatch" style={{ background: seriesColor(r.index, colors.theme) }} aria-hidden="true" />
              <span className="ts-chart-label" title={r.label}>
                {r.label}
              </span>
              <span className="ts-chart-value">{r.value === null ? '–' : formatValue(r.value)}</span>
            </li>
          ))}
        </ul>
        {legend.hidden > 0 && <span className="muted">+{legend.hidden.toLocaleString()} more (hover a line to name it)</span>}
      </div>
    </figure>
  );
}
