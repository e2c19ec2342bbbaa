/** A cell without a sample. */
export const NO_DATA = 255;

/**
 * Rows (GPUs) × columns (time steps) of 0–100 values, row after row, as the
 * services send them (base64 decoded once by {@link decodeBase64}).
 */
export interface HeatmapData {
  /** One label per row: "node-a / GPU 3". */
  rows: readonly string[];
  /** Unix seconds at the start of the first column. */
  start: number;
  /** Seconds per column. */
  step: number;
  /** `rows.length × columns` values, 0–100 or {@link NO_DATA}. */
  values: Uint8Array;
}

/** The bytes of base64 `text`; an error naming the problem when it is not base64. */
export function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error('The heatmap data is not valid base64.');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Columns of `data`; an error when its values do not fill whole rows. */
export function columnsOf(data: HeatmapData): number {
  if (!data.rows.length) return 0;
  if (data.values.length % data.rows.length) throw new Error(`The heatmap has ${data.values.length} values for ${data.rows.length} rows: not a whole number of columns.`);
  return data.values.length / data.rows.length;
}

/** Viridis: dark for idle, bright for busy, readable by people who do not see red and green apart. */
export const SCALE_STOPS: readonly (readonly [value: number, rgb: readonly [number, number, number]])[] = [
  [0, [68, 1, 84]],
  [25, [59, 82, 139]],
  [50, [33, 145, 140]],
  [75, [94, 201, 98]],
  [100, [253, 231, 37]],
];

/** The colour of `value` (0–100) on the scale. */
export function scaleColor(value: number): [number, number, number] {
  const v = Math.max(0, Math.min(100, value));
  let i = 1;
  while (i < SCALE_STOPS.length - 1 && SCALE_STOPS[i][0] < v) i++;
  const [v0, c0] = SCALE_STOPS[i - 1];
  const [v1, c1] = SCALE_STOPS[i];
  const t = (v - v0) / (v1 - v0);
  return [0, 1, 2].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * t)) as [number, number, number];
}

/** The scale as a CSS gradient, for the legend. */
export const scaleGradient = (): string => `linear-gradient(to right, ${SCALE_STOPS.map(([v, [r, g, b]]) => `rgb(${r} ${g} ${b}) ${v}%`).join(', ')})`;

/** `#rrggbb` as bytes; grey when the text is not one (a variable in another notation). */
export function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return [128, 128, 128];
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * RGBA bytes for every possible value: 0–100 on the scale, {@link NO_DATA}
 * (and anything else above 100, which the services never send) in `empty`.
 * Looked up per cell, so a million cells cost a million array reads.
 */
export function buildPalette(empty: readonly [number, number, number]): Uint8ClampedArray {
  const palette = new Uint8ClampedArray(256 * 4);
  for (let v = 0; v < 256; v++) {
    const [r, g, b] = v <= 100 ? scaleColor(v) : empty;
    palette.set([r, g, b, 255], v * 4);
  }
  return palette;
}

/** Fills `pixels` (RGBA, one pixel per value, as ImageData holds them) from `values` through `palette`. */
export function paintPixels(values: Uint8Array, palette: Uint8ClampedArray, pixels: Uint8ClampedArray): void {
  if (pixels.length !== values.length * 4) throw new Error(`${pixels.length / 4} pixels for ${values.length} values`);
  // 32-bit copies: one write per cell, and the byte order is the same on both sides whatever the platform's.
  const from = new Uint32Array(palette.buffer, palette.byteOffset, 256);
  const to = new Uint32Array(pixels.buffer, pixels.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) to[i] = from[values[i]];
}

/** Where the cells are drawn, in CSS pixels of the canvas. */
export interface HeatmapLayout {
  /** Left edge of the cells (the row labels are left of it). */
  left: number;
  /** Top edge of the cells (the time axis is above it). */
  top: number;
  width: number;
  rowHeight: number;
  rows: number;
  /** The columns shown: `[first, end)`. */
  view: { first: number; end: number };
}

/** How tall a row is drawn: readable labels for a few GPUs, two pixels each for a thousand (the body scrolls). */
export function rowHeightFor(rows: number): number {
  if (rows <= 30) return 18;
  if (rows <= 270) return Math.max(2, Math.floor(540 / rows));
  return 2;
}

/** The column under x (clamped to the view), or null left of the cells or right of them. */
export function columnAt(x: number, layout: HeatmapLayout): number | null {
  if (x < layout.left || x >= layout.left + layout.width || layout.width <= 0) return null;
  const span = layout.view.end - layout.view.first;
  return Math.min(layout.view.end - 1, layout.view.first + Math.floor(((x - layout.left) / layout.width) * span));
}

/** The rows `[first, end)` at least partly in view: `height` pixels of rows, scrolled `top` pixels down. */
export function visibleRows(top: number, height: number, rowHeight: number, rows: number): { first: number; end: number } {
  const first = Math.max(0, Math.min(rows, Math.floor(top / rowHeight)));
  const end = Math.max(first, Math.min(rows, Math.ceil((top + height) / rowHeight)));
  return { first, end };
}

/** The cell under (x, y), or null outside the cells. */
export function cellAt(x: number, y: number, layout: HeatmapLayout): { row: number; column: number } | null {
  const column = columnAt(x, layout);
  if (column === null || y < layout.top) return null;
  const row = Math.floor((y - layout.top) / layout.rowHeight);
  return row < layout.rows ? { row, column } : null;
}

/**
 * The columns dragged over from x0 to x1 (either way round), as `[first, end)`;
 * null for a drag too short to mean a zoom (under 4 pixels or one column).
 */
export function dragColumns(x0: number, x1: number, layout: HeatmapLayout): { first: number; end: number } | null {
  if (Math.abs(x1 - x0) < 4) return null;
  const clamp = (x: number) => Math.max(layout.left, Math.min(layout.left + layout.width - 1, x));
  const a = columnAt(clamp(Math.min(x0, x1)), layout);
  const b = columnAt(clamp(Math.max(x0, x1)), layout);
  if (a === null || b === null || b <= a) return null;
  return { first: a, end: b + 1 };
}

/** Time ticks between `start` and `end` (unix s): at most `most` of them, on round steps. */
export function timeTicks(start: number, end: number, most: number): number[] {
  const steps = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
  const span = end - start;
  if (span <= 0 || most < 1) return [];
  const step = steps.find((s) => span / s <= most) ?? Math.ceil(span / most / 86400) * 86400;
  // Round to the step in local time, so hours and midnights fall on the ticks.
  const offset = new Date(start * 1000).getTimezoneOffset() * 60;
  const ticks: number[] = [];
  for (let t = Math.ceil((start - offset) / step) * step + offset; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** A tick's text: the time of day, with the date where a day starts or the span is long. */
export function tickLabel(t: number, span: number): string {
  const d = new Date(t * 1000);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (span > 2 * 86400 || (d.getHours() === 0 && d.getMinutes() === 0)) return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}${span > 2 * 86400 ? '' : ` ${time}`}`;
  return time;
}
