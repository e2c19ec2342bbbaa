/** One part of a {@link StackedBar}. */
export interface BarSegment {
  label: string;
  value: number;
  /** A CSS class giving the segment its colour, e.g. `tone-ok`. */
  tone: string;
}

/**
 * A thin horizontal bar split in proportion to its segments, with a legend
 * of the non-zero ones; for screen readers one sentence ("Pods by phase:
 * 40 Running, 2 Pending"). Nothing but the track when every value is zero.
 */
export function StackedBar({ label, segments }: { label: string; segments: BarSegment[] }) {
  const total = segments.reduce((sum, s) => sum + s.value, 0);
  const shown = segments.filter((s) => s.value > 0);
  return (
    <div className="stacked-bar">
      <div className="stacked-bar-track" role="img" aria-label={`${label}: ${shown.length ? shown.map((s) => `${s.value.toLocaleString()} ${s.label}`).join(', ') : 'none'}`}>
        {shown.map((s) => (
          <span key={s.label} className={`stacked-bar-segment ${s.tone}`} style={{ flexGrow: s.value / total }} />
        ))}
      </div>
      {shown.length > 0 && (
        <ul className="stacked-bar-legend" aria-hidden="true">
          {shown.map((s) => (
            <li key={s.label}>
              <span className={`dot ${s.tone}`} /> {s.value.toLocaleString()} {s.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
