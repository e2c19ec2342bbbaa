import type { LogBuffer } from './logBuffer';

/** Height of one line of text (px); `.log-line` in logs.css says the same. */
export const LINE_HEIGHT = 18;

/**
 * The rows the log shows (every entry, or only the matching lines) and where
 * each sits. Without wrapping every row is one line tall; with wrapping a row
 * is as many lines as its width needs at `columns` characters per line, which
 * is exact because the font is monospaced and logs.css breaks at any character.
 */
export interface LogRows {
  count: number;
  /** Total height (px). */
  total: number;
  seqAt(i: number): number;
  /** Index of the first row whose seq is at or after `seq` (`count` when none is). */
  indexOf(seq: number): number;
  /** Offset of row `i` from the top (px); `top(count)` is the total. */
  top(i: number): number;
  height(i: number): number;
  /** The row at offset `y` (px), clamped to the rows there are. */
  indexAt(y: number): number;
}

/** Rows of `buffer`: only the matching lines when `onlyMatching` and there is a search; wrapped at `columns` when finite. */
export function logRows(buffer: LogBuffer, onlyMatching: boolean, columns: number): LogRows {
  const filtered = onlyMatching && buffer.searchPattern !== null;
  const first = buffer.first;
  const count = filtered ? buffer.matchCount : buffer.size;
  const seqAt = filtered ? (i: number) => buffer.matchAt(i) : (i: number) => first + i;
  const indexOf = filtered ? (seq: number) => buffer.matchesBefore(seq) : (seq: number) => Math.min(count, Math.max(0, seq - first));
  const last = Math.max(0, count - 1);

  if (!Number.isFinite(columns)) {
    return {
      count,
      total: count * LINE_HEIGHT,
      seqAt,
      indexOf,
      top: (i) => i * LINE_HEIGHT,
      height: () => LINE_HEIGHT,
      indexAt: (y) => Math.min(last, Math.max(0, Math.floor(y / LINE_HEIGHT))),
    };
  }

  // Lines above each row, cumulative: built in one pass, so O(rows) per change of the buffer.
  const above = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) above[i + 1] = above[i] + Math.max(1, Math.ceil(buffer.width(seqAt(i)) / columns));
  return {
    count,
    total: above[count] * LINE_HEIGHT,
    seqAt,
    indexOf,
    top: (i) => above[i] * LINE_HEIGHT,
    height: (i) => (above[i + 1] - above[i]) * LINE_HEIGHT,
    indexAt(y) {
      const line = y / LINE_HEIGHT;
      let lo = 0;
      let hi = count;
      // The last row starting at or before `line`.
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (above[mid + 1] <= line) lo = mid + 1;
        else hi = mid;
      }
      return Math.min(last, lo);
    },
  };
}
