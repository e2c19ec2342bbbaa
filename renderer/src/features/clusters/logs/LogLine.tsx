import { memo } from 'react';

/** The kubelet's RFC 3339 timestamp that prefixes each line with `timestamps`. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d) /;

/** A run of a line's text: inside a search match or not, inside the timestamp or not. */
export interface Piece {
  text: string;
  match: boolean;
  timestamp: boolean;
}

/** Splits `text` at the edges of every match of `highlight` (global) and at the end of its timestamp, if `timestamps`. */
export function pieces(text: string, highlight: RegExp | null, timestamps: boolean): Piece[] {
  const stampEnd = timestamps ? (TIMESTAMP.exec(text)?.[0].length ?? 0) : 0;
  const cuts: { at: number; match: boolean }[] = [];
  if (highlight) {
    highlight.lastIndex = 0;
    for (let m = highlight.exec(text); m; m = highlight.exec(text)) {
      if (!m[0]) break;
      cuts.push({ at: m.index, match: true }, { at: m.index + m[0].length, match: false });
    }
  }
  const out: Piece[] = [];
  const emit = (from: number, to: number, match: boolean) => {
    // A run crossing the end of the timestamp is cut in two there.
    if (from < stampEnd && to > stampEnd) {
      emit(from, stampEnd, match);
      return emit(stampEnd, to, match);
    }
    if (to > from) out.push({ text: text.slice(from, to), match, timestamp: from < stampEnd });
  };
  let at = 0;
  let inMatch = false;
  for (const cut of cuts) {
    emit(at, cut.at, inMatch);
    at = cut.at;
    inMatch = cut.match;
  }
  emit(at, text.length, false);
  return out;
}

interface LogLineProps {
  text: string;
  /** For a marker: lines the services skipped here; 0 for a line. */
  skipped: number;
  /** Global, case-insensitive pattern of the search; null when there is none. */
  highlight: RegExp | null;
  timestamps: boolean;
  /** The match the search is on. */
  current: boolean;
  height: number;
}

/** One line of the log, or a marker; memoised, so appending lines re-renders only the new ones. */
export const LogLine = memo(function LogLine({ text, skipped, highlight, timestamps, current, height }: LogLineProps) {
  if (skipped)
    return (
      <div className="log-line log-marker" style={{ height }}>
        … {skipped.toLocaleString()} {skipped === 1 ? 'line' : 'lines'} skipped (the pod wrote faster than shown)
      </div>
    );
  return (
    <div className={current ? 'log-line current' : 'log-line'} aria-current={current || undefined} style={{ height }}>
      {pieces(text, highlight, timestamps).map((p, i) => {
        const className = p.timestamp ? 'log-ts' : undefined;
        return p.match ? (
          <mark key={i} className={className}>
            {p.text}
          </mark>
        ) : (
          <span key={i} className={className}>
            {p.text}
          </span>
        );
      })}
    </div>
  );
});
