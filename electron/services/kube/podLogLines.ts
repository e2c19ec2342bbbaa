/**
 * Lines of a pod log read with `timestamps=true`: the kubelet puts an RFC 3339
 * timestamp (nanoseconds, trailing zeros trimmed) and a space before each
 * line. The timestamps let a follow stream the server ended be resumed with
 * `sinceTime` without losing or repeating lines.
 */

/** A kubelet timestamp as comparable numbers. */
export interface LogTime {
  /** Whole seconds since the epoch. */
  seconds: number;
  nanos: number;
}

/** One log line split at its timestamp. */
export interface StampedLine {
  /** Absent when the line does not start with a timestamp (then `text` is the whole line). */
  time?: LogTime;
  text: string;
}

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}) /;

/** Splits `<RFC 3339 timestamp> <text>`. */
export function splitTimestamp(line: string): StampedLine {
  const m = STAMP.exec(line);
  if (!m) return { text: line };
  const ms = Date.parse(m[1] + m[3]);
  if (Number.isNaN(ms)) return { text: line };
  return { time: { seconds: ms / 1000, nanos: m[2] ? Number(m[2].padEnd(9, '0')) : 0 }, text: line.slice(m[0].length) };
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareLogTimes(a: LogTime, b: LogTime): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/**
 * `sinceTime` for resuming after `time`. The apiserver passes it on to the
 * kubelet at whole seconds, so it is sent that way: the lines of that second
 * come again and {@link LogResume} skips them.
 */
export function sinceTimeOf(time: LogTime): string {
  return new Date(time.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Remembers the newest timestamp delivered, and how many lines carried it,
 * so that after a reconnect with `sinceTime` the lines already delivered are
 * recognised and skipped, even when several lines share that timestamp.
 */
export class LogResume {
  private last: LogTime | undefined;
  /** Lines delivered with exactly `last`. */
  private atLast = 0;
  /** While resuming: lines with `last` skipped so far; undefined once new lines flow. */
  private skippedAtLast: number | undefined;

  /** The timestamp to resume from; undefined before the first stamped line. */
  get since(): LogTime | undefined {
    return this.last;
  }

  /** A new request for the same log starts: what it repeats is skipped. */
  resume(): void {
    if (this.last) this.skippedAtLast = 0;
  }

  /** Whether a line is new (and so to deliver); records it when it is. */
  accept(time: LogTime | undefined): boolean {
    if (!time) return this.skippedAtLast === undefined;
    const order = this.last ? compareLogTimes(time, this.last) : 1;
    if (this.skippedAtLast !== undefined) {
      if (order < 0) return false;
      if (order === 0 && this.skippedAtLast < this.atLast) {
        this.skippedAtLast++;
        return false;
      }
      this.skippedAtLast = undefined;
    }
    if (order > 0) {
      this.last = time;
      this.atLast = 1;
    } else if (order === 0) {
      this.atLast++;
    }
    // A line older than the newest (clocks of stdout and stderr interleaving) is delivered and leaves the mark where it was.
    return true;
  }
}
