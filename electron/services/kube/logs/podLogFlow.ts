/**
 * Flow control of log streams: each stream's lines gather in a bounded buffer
 * and leave in batches at a fixed most-lines-per-second, paced by a clock
 * shared by every stream with one budget for them all, and held while the
 * consumer is behind, so chatty pods cost the UI (and the event queue it
 * shares with the live tables) a bounded amount.
 */

export interface LogFlowOptions {
  /** Shortest time between two batches. */
  flushMs: number;
  /** Most lines this flow hands over per second. */
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
  /** While true this flow's batches wait (its reader is behind); it keeps buffering and holds its source back. */
  held?(): boolean;
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

export interface LogPacerOptions {
  /** Time between two rounds of batches. */
  flushMs: number;
  /** Most lines handed over per second by all flows of the pacer together. */
  linesPerSecond: number;
}

/**
 * The clock and the budget shared by log flows: every `flushMs` while some
 * flow has something to send, it splits one round's worth of lines fairly
 * among them, a flow that wants less leaving the rest to the others.
 */
export class LogPacer {
  private readonly waiting = new Set<LogFlow>();
  /** A fixed order of the flows, so that the turn below goes round them all. */
  private readonly ranks = new Map<LogFlow, number>();
  private nextRank = 0;
  private readonly perRound: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Rotates who gets the odd lines of a round that does not split evenly. */
  private turn = 0;

  constructor(private readonly options: LogPacerOptions) {
    this.perRound = Math.max(1, Math.round((options.linesPerSecond * options.flushMs) / 1000));
  }

  /** `flow` has lines or news to send: it takes part in the next round. */
  want(flow: LogFlow): void {
    this.waiting.add(flow);
    if (!this.ranks.has(flow)) this.ranks.set(flow, this.nextRank++);
    if (!this.timer) this.timer = setTimeout(() => this.round(), this.options.flushMs);
  }

  /** `flow` is closed. */
  forget(flow: LogFlow): void {
    this.waiting.delete(flow);
    this.ranks.delete(flow);
    if (!this.waiting.size) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private round(): void {
    this.timer = undefined;
    if (!this.waiting.size) return;
    // A flow whose reader is behind sits the round out and waits for the next; the budget goes to the others.
    const all = [...this.waiting];
    const held = all.filter((f) => f.held);
    const flows = all.filter((f) => !f.held).sort((x, y) => this.ranks.get(x)! - this.ranks.get(y)!);
    this.waiting.clear();
    for (const flow of held) this.waiting.add(flow);
    if (held.length) this.timer = setTimeout(() => this.round(), this.options.flushMs);
    if (!flows.length) return;
    const start = this.turn++ % flows.length;
    const order = [...flows.slice(start), ...flows.slice(0, start)];
    const grants = fairShares(order.map((f) => f.demand), this.perRound);
    // A flow that still has something afterwards asks again (through `want`).
    order.forEach((flow, k) => flow.flush(grants[k]));
  }
}

/**
 * Splits `budget` among `demands`: each gets what it wants up to an equal
 * share, what the modest leave is shared among the rest, and the last odd
 * lines go one each from the front.
 */
export function fairShares(demands: readonly number[], budget: number): number[] {
  const grants = demands.map(() => 0);
  let left = budget;
  let wanting = demands.map((_, k) => k).filter((k) => demands[k] > 0);
  while (left > 0 && wanting.length) {
    const each = Math.max(1, Math.floor(left / wanting.length));
    for (const k of wanting) {
      const given = Math.min(each, demands[k] - grants[k], left);
      grants[k] += given;
      left -= given;
    }
    wanting = wanting.filter((k) => grants[k] < demands[k]);
  }
  return grants;
}

export class LogFlow {
  /** Buffered lines are `queue[head…]`; the consumed front is cut off now and then. */
  private queue: string[] = [];
  private head = 0;
  private chars = 0;
  private droppedSinceBatch = 0;
  /** Something besides lines changed: a batch goes out even if empty. */
  private touched = false;
  private closed = false;
  private readonly perBatch: number;
  private readonly figures = { maxBuffered: 0, maxBufferedChars: 0, delivered: 0, dropped: 0, pauses: 0 };
  private isPaused = false;

  /** `pacer` is shared with other flows for one budget across them; by default the flow has its own. */
  constructor(
    private readonly options: LogFlowOptions,
    private readonly sink: LogFlowSink,
    private readonly pacer = new LogPacer({ flushMs: options.flushMs, linesPerSecond: options.maxLinesPerSecond }),
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

  /** Lines the next batch would take, for the pacer's split. */
  /** Its reader is behind: batches wait. */
  get held(): boolean {
    return this.sink.held?.() ?? false;
  }

  get demand(): number {
    return Math.min(this.perBatch, this.buffered);
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
    this.pacer.forget(this);
    this.queue = [];
    this.head = 0;
    this.chars = 0;
  }

  private schedule(): void {
    if (!this.closed) this.pacer.want(this);
  }

  /** The pacer's round: sends a batch of at most `grant` lines (and the news, if any). */
  flush(grant: number): void {
    if (this.closed || (!this.touched && !this.buffered)) return;
    if (!this.touched && grant === 0) {
      this.schedule();
      return;
    }
    const end = this.head + Math.min(grant, this.demand);
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
