import type { LogLines } from '../../../../../shared/contract';

/** Lines the view holds; older ones are evicted as new ones arrive. */
export const LOG_CAPACITY = 100_000;

/** Characters the view holds (32 to 64 MiB of strings): 100,000 lines of up to 16 KiB each would take gigabytes. */
export const LOG_MAX_CHARS = 32 * 1024 * 1024;

/** One entry of the buffer: a line, or a marker saying how many lines the services skipped before what follows. */
export type LogEntry = { kind: 'line'; text: string } | { kind: 'skipped'; count: number };

/** Columns a terminal would give a code point: 2 for East Asian wide and emoji, 0 for combining marks. */
function columnsOf(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are control characters by definition.
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const TAB_STOP = 8;

/**
 * A line as the view shows it: ANSI colour codes (which would show as
 * "[32m" garbage) removed, tabs expanded to spaces and a trailing CR dropped,
 * so that its length in a monospace font is its width, which wrapping needs.
 */
export function cleanLine(raw: string): string {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.includes('\x1b')) line = line.replace(ANSI, '');
  if (line.includes('\t')) {
    let out = '';
    for (const ch of line) out += ch === '\t' ? ' '.repeat(TAB_STOP - (out.length % TAB_STOP)) : ch;
    line = out;
  }
  return line;
}

/** Display width in columns of a cleaned line. */
export function widthOf(line: string): number {
  // Printable ASCII is one column a character: the common case needs no loop.
  if (!/[^\x20-\x7e]/.test(line)) return line.length;
  let width = 0;
  for (const ch of line) width += columnsOf(ch.codePointAt(0)!);
  return width;
}

/** Escapes `text` for use as a literal inside a RegExp. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The lines of one log stream, in a ring of fixed capacity, also holding at
 * most `maxChars` characters: the oldest lines are evicted past either.
 *
 * Every entry gets a sequence number (`seq`) that never changes, so positions
 * survive eviction: the entries held are `first` … `next - 1`. Lines and
 * markers (lines the services skipped) share the ring.
 *
 * The search is incremental: setting a query scans the buffer once; after
 * that each appended line is tested once, and evicted matches are dropped from
 * the front, so a stream of 10,000 lines a second costs 10,000 tests a second.
 *
 * Listeners are told after every change; `version` changes with each, for
 * `useSyncExternalStore`.
 */
export class LogBuffer {
  private readonly texts: string[];
  /** 0 for a line; for a skipped marker, the number of lines skipped. */
  private readonly marks: Int32Array;
  private readonly widths: Int32Array;
  /** Seq of the oldest entry held. */
  first = 0;
  /** Seq the next entry will get. */
  next = 0;
  /** Lines evicted since the last clear. */
  evicted = 0;
  /** Characters of the lines held. */
  private chars = 0;
  /** The widest line seen since the last clear, in columns (evicted lines included: it only grows). */
  widest = 0;
  /** The stream's state as of its latest event; null until the first event of the current stream. */
  state: LogLines['state'] | null = null;

  private pattern: RegExp | null = null;
  private queryText = '';
  /** Seqs of matching lines, ascending; those before `matchHead` have been evicted. */
  private matches: number[] = [];
  private matchHead = 0;

  private readonly listeners = new Set<() => void>();
  private version = 0;

  constructor(
    readonly capacity = LOG_CAPACITY,
    readonly maxChars = LOG_MAX_CHARS,
  ) {
    this.texts = new Array<string>(capacity).fill('');
    this.marks = new Int32Array(capacity);
    this.widths = new Int32Array(capacity);
  }

  /** Number of entries held. */
  get size(): number {
    return this.next - this.first;
  }

  /** The search text, as given. */
  get query(): string {
    return this.queryText;
  }

  /** Case-insensitive pattern of the search; null when there is none. */
  get searchPattern(): RegExp | null {
    return this.pattern;
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** Changes with every change: the snapshot for `useSyncExternalStore`. */
  readonly getVersion = (): number => this.version;

  /** The entry `seq`, which must be held. */
  entry(seq: number): LogEntry {
    const i = seq % this.capacity;
    const mark = this.marks[i];
    return mark === 0 ? { kind: 'line', text: this.texts[i] } : { kind: 'skipped', count: mark };
  }

  /** Width in columns of entry `seq` (markers count as one short line). */
  width(seq: number): number {
    return this.widths[seq % this.capacity];
  }

  /** Applies one message of the `kube.logs` stream shown: the skipped marker, then the lines, then the state. */
  apply(event: LogLines): void {
    if (event.dropped) this.put(event.dropped, '');
    this.pushLines(event.lines);
    this.state = event.state;
    this.changed();
  }

  /** Appends lines. */
  append(lines: readonly string[]): void {
    this.pushLines(lines);
    this.changed();
  }

  /** Forgets every entry; the search stays. `keepState` keeps the stream's state (Clear, as opposed to a new stream). */
  clear(keepState = false): void {
    this.first = this.next;
    this.texts.fill('');
    this.chars = 0;
    this.evicted = 0;
    this.widest = 0;
    this.matches = [];
    this.matchHead = 0;
    if (!keepState) this.state = null;
    this.changed();
  }

  /** Searches for `query` (case-insensitive, literal text); empty for none. */
  search(query: string): void {
    if (query === this.queryText) return;
    this.queryText = query;
    this.pattern = query ? new RegExp(escapeRegExp(query), 'i') : null;
    this.matches = [];
    this.matchHead = 0;
    const pattern = this.pattern;
    if (pattern) {
      for (let seq = this.first; seq < this.next; seq++) {
        const i = seq % this.capacity;
        if (this.marks[i] === 0 && pattern.test(this.texts[i])) this.matches.push(seq);
      }
    }
    this.changed();
  }

  /** Number of matching lines held. */
  get matchCount(): number {
    return this.matches.length - this.matchHead;
  }

  /** Seq of the `k`-th matching line (0-based). */
  matchAt(k: number): number {
    return this.matches[this.matchHead + k];
  }

  /** Number of matching lines before `seq`: the index of `seq` among the matches when it is one. */
  matchesBefore(seq: number): number {
    let lo = this.matchHead;
    let hi = this.matches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.matches[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.matchHead;
  }

  private pushLines(lines: readonly string[]): void {
    // A batch larger than the ring (in lines or characters): only its tail can be held; the rest counts as evicted, never stored.
    const kept: string[] = [];
    let chars = 0;
    for (let k = lines.length - 1; k >= 0 && kept.length < this.capacity; k--) {
      const text = cleanLine(lines[k]);
      if (kept.length && chars + text.length > this.maxChars) break;
      chars += text.length;
      kept.push(text);
    }
    this.evicted += lines.length - kept.length;
    for (let k = kept.length - 1; k >= 0; k--) this.put(0, kept[k]);
  }

  private put(mark: number, text: string): void {
    if (this.size === this.capacity) this.evictOldest();
    // The newest line stays even alone over the limit.
    while (this.size && this.chars + text.length > this.maxChars) this.evictOldest();
    this.chars += text.length;
    const seq = this.next++;
    const i = seq % this.capacity;
    this.marks[i] = mark;
    this.texts[i] = text;
    const width = mark === 0 ? widthOf(text) : 0;
    this.widths[i] = width;
    if (width > this.widest) this.widest = width;
    if (mark === 0 && this.pattern?.test(text)) this.matches.push(seq);
  }

  private evictOldest(): void {
    const seq = this.first++;
    const i = seq % this.capacity;
    if (this.marks[i] === 0) this.evicted++;
    this.chars -= this.texts[i].length;
    this.texts[i] = '';
    if (this.matches[this.matchHead] === seq) {
      this.matchHead++;
      // Compact now and then, so the array does not grow without bound.
      if (this.matchHead > 4096 && this.matchHead * 2 > this.matches.length) {
        this.matches = this.matches.slice(this.matchHead);
        this.matchHead = 0;
      }
    }
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
