import { useState } from 'react';
import type { TimeRange } from '../../shell/charts/timeSeries';
import { readSetting, writeSetting } from '../../shell/storage';
import { RANGES, spanOf, zoomSpan, type RangeId, type Span } from './gpuView';

const RANGE_KEY = 'pilothouse.gpus.range';

/** The time range a chart shows: 1 h / 24 h / 7 d back from when it was asked, or a range zoomed into. */
export interface ChartRange {
  id: RangeId;
  /** The zoomed range, when the user dragged across a chart. */
  zoom: Span | null;
  /** What to ask for. */
  span: Span;
  choose(id: RangeId): void;
  /** A chart's drag (or null: its reset). */
  zoomTo(range: TimeRange | null): void;
  /** Moves the range's end to now. */
  moveToNow(): void;
  /** Asks again for the same range. */
  refresh(): void;
  /** Changes with every ask (pass as useQuery's refreshKey): a refresh within the same second gives the same span. */
  version: number;
}

/** A {@link ChartRange}, the last range chosen first. */
export function useRange(): ChartRange {
  const [id, setId] = useState<RangeId>(() => RANGES.find((r) => r.id === readSetting(RANGE_KEY))?.id ?? '24h');
  const [now, setNow] = useState(() => Date.now() / 1000);
  const [zoom, setZoom] = useState<Span | null>(null);
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return {
    id,
    zoom,
    version,
    span: spanOf(id, now, zoom),
    choose(next) {
      writeSetting(RANGE_KEY, next);
      setId(next);
      setZoom(null);
      setNow(Date.now() / 1000);
      bump();
    },
    zoomTo: (range) => setZoom(zoomSpan(range)),
    moveToNow() {
      setZoom(null);
      setNow(Date.now() / 1000);
      bump();
    },
    refresh: bump,
  };
}

/** The range buttons, a way back from a zoom, and Refresh. */
export function RangePicker({ range, loading }: { range: ChartRange; loading: boolean }) {
  return (
    <div className="page-header-actions">
      <div role="group" aria-label="Time range" className="gpu-range">
        {RANGES.map((r) => (
          <button key={r.id} type="button" aria-pressed={!range.zoom && range.id === r.id} onClick={() => range.choose(r.id)}>
            {r.label}
          </button>
        ))}
      </div>
      {range.zoom && (
        <button type="button" onClick={range.moveToNow} title="Leave the zoom and show the whole range up to now">
          Back to {RANGES.find((r) => r.id === range.id)?.label}
        </button>
      )}
      <button type="button" onClick={range.zoom ? range.refresh : range.moveToNow} disabled={loading}>
        {loading ? 'Reading…' : 'Refresh'}
      </button>
    </div>
  );
}
