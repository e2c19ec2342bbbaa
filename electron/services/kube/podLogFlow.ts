/**
 * Flow control of one log stream: lines gather in a bounded buffer and leave
 * in batches at a fixed most-lines-per-second, so a chatty pod costs the UI
 * (and the event queue it shares with the live tables) a bounded amount.
 */

export interface LogFlowOptions {
  /** Shortest time between two batches. */
  flushMs: number;
  /** Most lines handed over per second. */
  maxLinesPerSecond: number;
  /**
   * Hard caps of the buffer. Past half of either the source is paused, below
   * a quarter of both it resumes; past a cap the oldest lines are dropped.
   */
  maxBufferedLines: number;
  maxBufferedChars: number;
}

/** Where batches go and how the source is held back. */
export interface LogFlowSink {
  /** A batch: `dropped` lines were skipped before these; `drained` when nothing is left buffered. */
  batch(lines: string[], dropped: number, drained: boolean): void;
  pause(): void;
  resume(): void;
}

/** Figures of one flow, for diagnostics and tests. */
export interface LogFlowStats {
  buffered: number;
  /** Most lines buffered at once. */
  maxBuffered: number;
  /** Most characters buffered at once. */
  maxBufferedChars: number;
  delivered: number;
  dropped: number;
  /** Times the source was paused. */
  pauses: number;
  paused: boolean;
}

export class LogFlow {
  /** Buffered lines are `queue[head…]`; the consumed front is cut off now and then. */
  private queue: string[] = [];
  private head = 0;
  private chars = 0;
  private droppedSinceBatch = 0;
  /** Something besides lines changed: a batch goes out even if empty. */
  private touched = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly perBatch: number;
  private readonly figures = { maxBuffered: 0, maxBufferedChars: 0, delivered: 0, dropped: 0, pauses: 0 };
  private isPaused = false;

  constructor(
    private readonly options: LogFlowOptions,
    private readonly sink: LogFlowSink,
  ) {
    this.perBatch = Math.max(1, Math.round((options.maxLinesPerSecond * options.flushMs) / 1000));
  }

  get buffered(): number {
    return this.queue.length - this.head;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get stats(): LogFlowStats {
    return { ...this.figures, buffered: this.buffered, paused: this.isPaused };
  }

  push(line: string): void {
    if (this.closed) return;
    this.queue.push(line);
    this.chars += line.length;
    while (this.buffered > this.options.maxBufferedLines || this.chars > this.options.maxBufferedChars) {
      this.chars -= this.queue[this.head].length;
      this.queue[this.head++] = '';
      this.droppedSinceBatch++;
      this.figures.dropped++;
    }
    this.figures.maxBuffered = Math.max(this.figures.maxBuffered, this.buffered);
    this.figures.maxBufferedChars = Math.max(this.figures.maxBufferedChars, this.chars);
    if (!this.isPaused && (this.buffered >= this.options.maxBufferedLines / 2 || this.chars >= this.options.maxBufferedChars / 2)) {
      this.isPaused = true;
      this.figures.pauses++;
      this.sink.pause();
    }
    this.schedule();
  }

  /** Sends a batch soon even without lines (the stream's state changed). */
  touch(): void {
    if (this.closed) return;
    this.touched = true;
    this.schedule();
  }

  /** Stops batches and forgets the buffer. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
    this.chars = 0;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flush(), this.options.flushMs);
  }

  private flush(): void {
    this.timer = undefined;
    const end = this.head + Math.min(this.perBatch, this.buffered);
    const lines = this.queue.slice(this.head, end);
    for (const line of lines) this.chars -= line.length;
    this.queue.fill('', this.head, end);
    this.head = end;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const dropped = this.droppedSinceBatch;
    this.droppedSinceBatch = 0;
    this.touched = false;
    this.figures.delivered += lines.length;
    if (this.isPaused && this.buffered <= this.options.maxBufferedLines / 4 && this.chars <= this.options.maxBufferedChars / 4) {
      this.isPaused = false;
      this.sink.resume();
    }
    this.sink.batch(lines, dropped, this.buffered === 0);
    if (this.buffered || this.touched) this.schedule();
  }
}
