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
 * Remembers the newest timestamp delivered and how many lines of its second
 * the server holds, so that after a reconnect with `sinceTime` (that second)
 * the lines it repeats are recognised and skipped by position. The server
 * sends the log in file order, stdout and stderr interleaved, so the repeats
 * are exactly the lines of that second seen before, in that order; what
 * follows them is new, even if stamped earlier than the newest line (a stderr
 * line written just after the break).
 *
 * The first request may start inside a second (`tailLines`): the lines of that
 * second before the tail were never seen. On resuming they come first, stamped
 * before the first line delivered; they are skipped and counted from then on.
 */
export class LogResume {
  private last: LogTime | undefined;
  /** The first line delivered, while its second may hold lines before it that were not sent (so not counted). */
  private firstUncounted: LogTime | undefined;
  /** Lines of the second of `last` (the `sinceTime` second) the server sends before any new one. */
  private inLastSecond = 0;
  /** While resuming: repeats skipped so far; undefined once new lines flow. */
  private skipped: number | undefined;

  /** The timestamp to resume from; undefined before the first stamped line. */
  get since(): LogTime | undefined {
    return this.last;
  }

  /** A new request for the same log starts: what it repeats is skipped. */
  resume(): void {
    if (this.last) this.skipped = 0;
  }

  /** Whether a line is new (and so to deliver); records it when it is. */
  accept(time: LogTime | undefined): boolean {
    if (!time) return this.skipped === undefined;
    const last = this.last;
    if (this.skipped !== undefined && last) {
      // Before the second asked for: the server did not filter; nothing new is there.
      if (time.seconds < last.seconds) return false;
      if (this.firstUncounted && compareLogTimes(time, this.firstUncounted) < 0) {
        this.inLastSecond++;
        this.skipped++;
        return false;
      }
      this.firstUncounted = undefined;
      if (this.skipped < this.inLastSecond && compareLogTimes(time, last) <= 0) {
        this.skipped++;
        return false;
      }
      this.skipped = undefined;
    }
    if (!last) {
      this.last = this.firstUncounted = time;
      this.inLastSecond = 1;
    } else if (time.seconds > last.seconds) {
      // A new second, seen from its start.
      this.last = time;
      this.firstUncounted = undefined;
      this.inLastSecond = 1;
    } else if (time.seconds === last.seconds) {
      this.inLastSecond++;
      if (compareLogTimes(time, last) > 0) this.last = time;
    }
    // A line of an earlier second (stdout and stderr interleaving) is delivered; the server does not repeat it.
    return true;
  }
}
