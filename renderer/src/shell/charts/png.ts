import type uPlot from 'uplot';
import { exportFileName, saveBlob } from './download';

/** What a saved image is drawn on and titled with. */
export interface PngStyle {
  title: string;
  background: string;
  text: string;
  /** The series named under the chart: a saved image has no hover to name them. */
  legend?: PngLegend;
}

/** The legend of a saved image: the rows the chart's legend shows, and how many it leaves out. */
export interface PngLegend {
  rows: { color: string; label: string }[];
  hidden: number;
}

/** Height of the title band, in CSS pixels. */
const TITLE_HEIGHT = 28;
/** Height of a legend line, its swatch, and the gaps, in CSS pixels. */
const LEGEND_LINE = 18;
const SWATCH = 10;
const PAD = 8;

interface LegendItem {
  color: string | null;
  label: string;
  x: number;
  line: number;
}

/** The legend's items laid out in lines across `width`: a swatch and its label each, "+N more" last. */
function layoutLegend(ctx: CanvasRenderingContext2D, legend: PngLegend, width: number, scale: number): { items: LegendItem[]; lines: number } {
  const entries: { color: string | null; label: string }[] = [...legend.rows, ...(legend.hidden > 0 ? [{ color: null, label: `+${legend.hidden.toLocaleString()} more` }] : [])];
  const items: LegendItem[] = [];
  const right = width - PAD * scale;
  let x = PAD * scale;
  let line = 0;
  for (const e of entries) {
    const text = Math.min(ctx.measureText(e.label).width, right - PAD * scale - (SWATCH + 4) * scale);
    const w = (e.color ? (SWATCH + 4) * scale : 0) + text;
    if (x > PAD * scale && x + w > right) {
      line++;
      x = PAD * scale;
    }
    items.push({ ...e, x, line });
    x += w + 16 * scale;
  }
  return { items, lines: entries.length ? line + 1 : 0 };
}

/**
 * A copy of `source` on an opaque background under a title band: a chart's
 * canvas is transparent, and an image without the page behind it is
 * unreadable in a dark viewer or a light document. `scale` is the canvas's
 * pixels per CSS pixel.
 */
export function composePng(source: HTMLCanvasElement, style: PngStyle, scale = window.devicePixelRatio || 1): HTMLCanvasElement {
  const band = Math.round(TITLE_HEIGHT * scale);
  const out = document.createElement('canvas');
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('This window cannot draw images (no 2D canvas).');
  const legendFont = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  ctx.font = legendFont;
  const legend = style.legend ? layoutLegend(ctx, style.legend, source.width, scale) : { items: [], lines: 0 };
  const legendBand = legend.lines ? Math.round((legend.lines * LEGEND_LINE + PAD) * scale) : 0;
  // Sizing the canvas resets its context: the fonts are set again below.
  out.width = source.width;
  out.height = source.height + band + legendBand;
  ctx.fillStyle = style.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = style.text;
  ctx.font = `600 ${Math.round(14 * scale)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(style.title, Math.round(8 * scale), band / 2, out.width - 16 * scale);
  ctx.drawImage(source, 0, band);
  ctx.font = legendFont;
  const top = band + source.height + (PAD / 2) * scale;
  for (const item of legend.items) {
    const middle = top + (item.line + 0.5) * LEGEND_LINE * scale;
    let x = item.x;
    if (item.color) {
      ctx.fillStyle = item.color;
      ctx.fillRect(x, middle - (SWATCH / 2) * scale, SWATCH * scale, SWATCH * scale);
      x += (SWATCH + 4) * scale;
    }
    ctx.fillStyle = style.text;
    ctx.fillText(item.label, x, middle, source.width - x - PAD * scale);
  }
  return out;
}

/** Saves a canvas, or a uPlot chart's canvas, as `<title>-<date>.png` with its title and background. */
export async function savePng(source: HTMLCanvasElement | uPlot, style: PngStyle): Promise<void> {
  const canvas = source instanceof HTMLCanvasElement ? source : source.ctx.canvas;
  const image = composePng(canvas, style);
  const blob = await new Promise<Blob | null>((resolve) => image.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The chart could not be turned into an image.');
  saveBlob(exportFileName(style.title, 'png'), blob);
}
