import type uPlot from 'uplot';
import { exportFileName, saveBlob } from './download';

/** What a saved image is drawn on and titled with. */
export interface PngStyle {
  title: string;
  background: string;
  text: string;
}

/** Height of the title band, in CSS pixels. */
const TITLE_HEIGHT = 28;

/**
 * A copy of `source` on an opaque background under a title band: a chart's
 * canvas is transparent, and an image without the page behind it is
 * unreadable in a dark viewer or a light document. `scale` is the canvas's
 * pixels per CSS pixel.
 */
export function composePng(source: HTMLCanvasElement, style: PngStyle, scale = window.devicePixelRatio || 1): HTMLCanvasElement {
  const band = Math.round(TITLE_HEIGHT * scale);
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height + band;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('This window cannot draw images (no 2D canvas).');
  ctx.fillStyle = style.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = style.text;
  ctx.font = `600 ${Math.round(14 * scale)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(style.title, Math.round(8 * scale), band / 2, out.width - 16 * scale);
  ctx.drawImage(source, 0, band);
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
