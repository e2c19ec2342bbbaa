import { useEffect, useId, useMemo, useRef, useState, type MouseEvent } from 'react';
import { describeError } from '../errorActions';
import { useResizeEffect } from '../../ui/useResizeEffect';
import { buildPalette, cellAt, columnsOf, dragColumns, NO_DATA, paintPixels, parseHex, rowHeightFor, scaleGradient, tickLabel, timeTicks, visibleRows, type HeatmapData, type HeatmapLayout } from './heatmapData';
import { savePng } from './png';
import type { TimeRange } from './timeSeries';
import { useChartColors } from './useChartColors';
import './charts.css';

export interface HeatmapProps {
  /** The chart's accessible name, and the saved image's title. */
  title: string;
  data: HeatmapData;
  /** What a value is: "GPU utilisation". Values are percentages. */
  valueLabel: string;
  /** Told the times dragged over (to ask for finer data), and null when the zoom is reset. */
  onZoom?(range: TimeRange | null): void;
}

/** Width of the row labels, in CSS pixels. */
const GUTTER = 170;
/** Height of the time axis above the cells. */
const AXIS = 22;
/** Labels closer than this would overlap: only every few rows are named. */
const LABEL_SPACING = 13;
/**
 * The most of the heatmap shown at once, in CSS pixels; the rows scroll under
 * it. The canvas is this tall, not as tall as every row: a canvas above about
 * 16,000 device pixels stays blank (8,000 GPUs at 2 px a row on a 2× screen).
 */
export const MAX_VISIBLE_HEIGHT = 640;

const timeText = (seconds: number) => new Date(seconds * 1000).toLocaleString();

/**
 * Rows × time of 0–100 values (GPU utilisation) on a canvas: the cells are
 * painted once into an off-screen image (one `putImageData`) and scaled onto
 * the visible canvas with `drawImage`, so a thousand GPUs × 1,440 minutes
 * redraw in one call. Hover names the row, time and value; dragging across
 * zooms in on time.
 */
export function Heatmap({ title, data, valueLabel, onZoom }: HeatmapProps) {
  const colors = useChartColors();
  const captionId = useId();
  const bodyRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [scroll, setScroll] = useState(0);
  useResizeEffect(bodyRef, (el) => setWidth(el.clientWidth));
  const columns = useMemo(() => columnsOf(data), [data]);
  const [view, setView] = useState({ first: 0, end: columns });
  const [shownData, setShownData] = useState(data);
  // New data (a refetch for the zoomed range, or a new range) is shown whole.
  if (shownData !== data) {
    setShownData(data);
    setView({ first: 0, end: columns });
  }
  const [hover, setHover] = useState<{ x: number; y: number; row: number; column: number } | null>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const [saveError, setSaveError] = useState<string>();

  const rowHeight = rowHeightFor(data.rows.length);
  const height = AXIS + data.rows.length * rowHeight;
  const visibleHeight = Math.min(height, MAX_VISIBLE_HEIGHT);
  // The rows scrolled past: the canvas stays in view (sticky) and draws from here.
  const top = Math.max(0, Math.min(scroll, height - visibleHeight));
  const layout: HeatmapLayout = useMemo(
    () => ({ left: GUTTER, top: AXIS, width: Math.max(0, width - GUTTER - 4), rowHeight, rows: data.rows.length, view }),
    [width, rowHeight, data.rows.length, view],
  );

  // The cells as an image, one pixel each: painted again only when the data or the theme changes.
  const image = useMemo(() => {
    if (!columns) return null;
    const canvas = document.createElement('canvas');
    canvas.width = columns;
    canvas.height = data.rows.length;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const pixels = ctx.createImageData(columns, data.rows.length);
    paintPixels(data.values, buildPalette(parseHex(colors.empty)), pixels.data);
    ctx.putImageData(pixels, 0, 0);
    return canvas;
  }, [data, columns, colors.empty]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !width) return;
    const frame = requestAnimationFrame(() => {
      const scale = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(visibleHeight * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      ctx.fillStyle = colors.background;
      ctx.fillRect(0, 0, width, visibleHeight);
      const { left } = layout;
      // The rows in view, from the off-screen image; the time axis stays on top.
      const { first, end } = visibleRows(top, visibleHeight - AXIS, rowHeight, data.rows.length);
      const y = (row: number) => AXIS + row * rowHeight - top;
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, AXIS, width, visibleHeight - AXIS);
      ctx.clip();
      if (image && end > first) {
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(image, view.first, first, view.end - view.first, end - first, left, y(first), layout.width, (end - first) * rowHeight);
      }
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = colors.text;
      ctx.textBaseline = 'middle';
      const every = Math.ceil(LABEL_SPACING / rowHeight);
      for (let r = Math.floor(first / every) * every; r < end; r += every) ctx.fillText(data.rows[r], 4, y(r) + rowHeight / 2, GUTTER - 10);
      ctx.restore();
      const from = data.start + view.first * data.step;
      const to = data.start + view.end * data.step;
      ctx.fillStyle = colors.muted;
      ctx.strokeStyle = colors.grid;
      ctx.textBaseline = 'alphabetic';
      for (const t of timeTicks(from, to, Math.max(2, Math.floor(layout.width / 110)))) {
        const x = left + ((t - from) / (to - from)) * layout.width;
        ctx.beginPath();
        ctx.moveTo(x, AXIS - 4);
        ctx.lineTo(x, AXIS);
        ctx.stroke();
        ctx.fillText(tickLabel(t, to - from), x + 2, AXIS - 8);
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [image, layout, view, width, visibleHeight, top, rowHeight, data, colors]);

  const point = (e: MouseEvent) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const { x, y } = point(e);
    if (drag) setDrag({ ...drag, to: x });
    // Below the axis, a point on the canvas is that far into the scrolled rows; the tooltip is placed in the scrolled body.
    const cell = y < AXIS ? null : cellAt(x, y + top, layout);
    setHover(cell && { x, y: y + top, ...cell });
  };

  const zoomTo = (first: number, end: number) => {
    setView({ first, end });
    onZoom?.(first === 0 && end === columns ? null : { start: data.start + first * data.step, end: data.start + end * data.step });
  };

  const onUp = (e: MouseEvent<HTMLCanvasElement>) => {
    if (!drag) return;
    setDrag(null);
    const picked = dragColumns(drag.from, point(e).x, layout);
    if (picked) zoomTo(picked.first, picked.end);
  };

  const save = () => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    setSaveError(undefined);
    savePng(canvas, { title, background: colors.background, text: colors.text }).catch((err: unknown) => setSaveError(describeError(err).message));
  };

  const zoomed = view.first > 0 || view.end < columns;
  const value = hover ? data.values[hover.row * columns + hover.column] : undefined;
  const dragLeft = drag && Math.max(GUTTER, Math.min(drag.from, drag.to));
  const dragRight = drag && Math.min(GUTTER + layout.width, Math.max(drag.from, drag.to));

  return (
    <figure className="heatmap" aria-labelledby={captionId}>
      <div className="heatmap-head">
        <span id={captionId} className="heatmap-title">
          {title}
        </span>
        <div className="heatmap-actions">
          {zoomed && (
            <button type="button" onClick={() => zoomTo(0, columns)}>
              Reset zoom
            </button>
          )}
          <button type="button" onClick={save} aria-label={`Save ${title} as PNG`} disabled={!columns}>
            Save PNG
          </button>
        </div>
      </div>
      {saveError && (
        <p className="notice notice-error" role="alert">
          {saveError}
        </p>
      )}
      <div ref={bodyRef} className="heatmap-body" style={{ maxHeight: MAX_VISIBLE_HEIGHT }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        {!columns ? (
          <p className="muted ts-chart-empty">No samples in this range.</p>
        ) : (
          <div className="heatmap-rows" style={{ height }}>
            <canvas
              ref={canvasRef}
              className="heatmap-canvas"
              style={{ height: visibleHeight }}
              role="img"
              aria-label={`${title}: ${valueLabel} of ${data.rows.length.toLocaleString()} rows from ${timeText(data.start + view.first * data.step)} to ${timeText(data.start + view.end * data.step)}. Drag across to zoom in.`}
              onMouseMove={onMove}
              onMouseLeave={() => {
                setHover(null);
                setDrag(null);
              }}
              onMouseDown={(e) => {
                if (e.button === 0) setDrag({ from: point(e).x, to: point(e).x });
              }}
              onMouseUp={onUp}
            />
          </div>
        )}
        {drag && dragLeft !== null && dragRight !== null && dragRight > dragLeft && <div className="heatmap-selection" style={{ left: dragLeft, width: dragRight - dragLeft, height }} />}
          {hover && !drag && (
            <div className="heatmap-tooltip" role="tooltip" style={{ left: Math.min(hover.x + 12, Math.max(0, width - 260)), top: hover.y + 14 }}>
              <strong>{data.rows[hover.row]}</strong>
              <br />
              {timeText(data.start + hover.column * data.step)}
              <br />
              {valueLabel}: {value === NO_DATA || value === undefined ? 'no data' : `${value}%`}
            </div>
          )}
      </div>
      <div className="heatmap-scale" aria-hidden="true">
        <span>0%</span>
        <span className="heatmap-gradient" style={{ backgroundImage: scaleGradient() }} />
        <span>100%</span>
        <span className="heatmap-nodata" style={{ background: colors.empty }} /> <span>no data</span>
      </div>
    </figure>
  );
}
