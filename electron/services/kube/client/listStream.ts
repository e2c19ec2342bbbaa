/**
 * Streaming parse of a Kubernetes list body (`{"kind":"PodList","metadata":
 * {…},"items":[…]}`): each element of `items` is handed over as soon as its
 * last byte has arrived, so neither the body nor the whole parsed page is
 * ever held.
 *
 * Why hand-written rather than a streaming JSON library (stream-json,
 * @streamparser/json): those tokenize every string and number in JavaScript
 * and build the objects token by token, several times slower than the native
 * JSON.parse. Here JavaScript only finds where each item ends — a byte scan
 * that tracks nesting and strings — and the native JSON.parse builds each
 * item, which also checks it is valid JSON. The scan works on UTF-8 bytes:
 * every byte of a multi-byte character is ≥ 0x80, so it never looks like a
 * quote or a bracket, and an item is decoded only once it is whole, so a
 * character or a `\uD83D\uDE00` pair split across chunks decodes as one.
 */

/** A list body that cannot be read: cut short, not JSON, or not an object. */
export class ListParseError extends Error {}

/** The list's own fields (kind, apiVersion, metadata with continue and resourceVersion): everything but `items`. */
export type ListEnvelope = Record<string, unknown> & {
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
};

// Where the parser stands in the envelope.
const START = 0; // before the opening brace
const FIRST_KEY = 1; // after it: a key or the closing brace
const KEY = 2; // after a comma: a key
const COLON = 3;
const VALUE = 4;
const FIRST_ITEM = 5; // after "items":[ — an item or the closing bracket
const ITEM = 6; // after a comma inside items
const AFTER_ITEM = 7;
const AFTER_VALUE = 8;
const DONE = 9;
const CAPTURE = 10; // inside a key, a value or an item, see `capturing`

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON_BYTE = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** Ends a number, true, false or null. */
const endsScalar = (c: number) => c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c);

type Capturing = 'key' | 'value' | 'item';

/**
 * Parses one list body fed in chunks: {@link write} each chunk as it
 * arrives, then {@link end}. Items go to `onItem` in order; a chunk's items
 * are handed over before `write` returns.
 */
export class ListStreamParser {
  private state = START;
  /** What the current capture is (valid in CAPTURE). */
  private capturing: Capturing = 'value';
  /** Where the capture starts in the current chunk (0 once it spans chunks). */
  private captureStart = 0;
  /** The capture's bytes from earlier chunks. */
  private pieces: Buffer[] = [];
  /** The capture is a number, true, false or null: it ends at the next delimiter. */
  private scalar = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private key = '';
  private items = 0;
  private bytes = 0;
  private readonly envelope: ListEnvelope = {};

  constructor(private readonly onItem: (item: unknown) => void) {}

  /** Number of items handed over so far. */
  get itemCount(): number {
    return this.items;
  }

  /** Takes the next chunk of the body. Throws a {@link ListParseError} once the body cannot be a list (and whatever `onItem` throws). */
  write(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.state === CAPTURE) {
        const end = this.scan(chunk, i);
        if (end < 0) {
          this.pieces.push(chunk.subarray(this.captureStart));
          this.captureStart = 0;
          break;
        }
        this.finishCapture(chunk.subarray(this.captureStart, end));
        i = end;
        continue;
      }
      const c = chunk[i];
      if (isSpace(c)) {
        i++;
        continue;
      }
      this.step(c, chunk, i);
      // A capture begins at its first byte, which scan() reads again; every other step consumes its byte.
      if (this.state !== CAPTURE) i++;
    }
    this.bytes += n;
  }

  /** Ends the body; returns the list's own fields. Throws a {@link ListParseError} when the body stopped before the list's end. */
  end(): ListEnvelope {
    if (this.state === DONE) return this.envelope;
    if (this.bytes === 0) throw new ListParseError('the body is empty');
    throw new ListParseError(`the body ends early, after ${this.bytes.toLocaleString('en')} bytes and ${this.items} items: it was cut short`);
  }

  /** Handles one byte of the envelope outside any capture. */
  private step(c: number, chunk: Buffer, i: number): void {
    // An empty object or an empty items array ends at once; otherwise a key or an item follows as after a comma.
    if (this.state === FIRST_KEY) {
      if (c === CLOSE_BRACE) {
        this.state = DONE;
        return;
      }
      this.state = KEY;
    } else if (this.state === FIRST_ITEM) {
      if (c === CLOSE_BRACKET) {
        this.state = AFTER_VALUE;
        return;
      }
      this.state = ITEM;
    }
    switch (this.state) {
      case START:
        if (c !== OPEN_BRACE) throw new ListParseError(`the body is not a JSON object: it starts with ${quoteStart(chunk, i)}`);
        this.state = FIRST_KEY;
        return;
      case KEY:
        if (c !== QUOTE) throw this.unexpected('a key', chunk, i);
        return this.beginCapture('key', c, i);
      case COLON:
        if (c !== COLON_BYTE) throw this.unexpected('a colon', chunk, i);
        this.state = VALUE;
        return;
      case VALUE:
        if (this.key === 'items' && c === OPEN_BRACKET) {
          this.state = FIRST_ITEM;
          return;
        }
        return this.beginCapture('value', c, i);
      case ITEM:
        return this.beginCapture('item', c, i);
      case AFTER_ITEM:
        if (c === COMMA) this.state = ITEM;
        else if (c === CLOSE_BRACKET) this.state = AFTER_VALUE;
        else throw this.unexpected('a comma or the end of items', chunk, i);
        return;
      case AFTER_VALUE:
        if (c === COMMA) this.state = KEY;
        else if (c === CLOSE_BRACE) this.state = DONE;
        else throw this.unexpected('a comma or the end of the list', chunk, i);
        return;
      default:
        throw this.unexpected('nothing after the end of the list', chunk, i);
    }
  }

  private beginCapture(what: Capturing, c: number, i: number): void {
    if (c === COLON_BYTE || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET) throw new ListParseError(`the body is not valid JSON: a value is missing at byte ${this.bytes + i}`);
    this.capturing = what;
    this.captureStart = i;
    this.scalar = c !== QUOTE && c !== OPEN_BRACE && c !== OPEN_BRACKET;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.state = CAPTURE;
  }

  /**
   * Scans the capture on from `i`: the index just past its end, or -1 when
   * it goes on in the next chunk. The hot loop of the parser: one pass over
   * every byte of every item outside strings; strings are skipped with the
   * native indexOf.
   */
  private scan(b: Buffer, i: number): number {
    const n = b.length;
    if (this.scalar) {
      for (; i < n; i++) if (endsScalar(b[i])) return i;
      return -1;
    }
    let depth = this.depth;
    if (this.inString) {
      const q = this.closingQuote(b, i);
      if (q < 0) return -1;
      this.inString = false;
      if (depth === 0) return q + 1;
      i = q + 1;
    }
    for (; i < n; i++) {
      const c = b[i];
      if (c === QUOTE) {
        const q = this.closingQuote(b, i + 1);
        if (q < 0) {
          this.depth = depth;
          this.inString = true;
          return -1;
        }
        if (depth === 0) return q + 1;
        i = q;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
    }
    this.depth = depth;
    return -1;
  }

  /**
   * The index of the quote that ends the string `i` is in, or -1 when the
   * string goes on in the next chunk. A quote is escaped when an odd number
   * of backslashes precedes it; a chunk that ends on an odd number leaves the
   * next chunk's first byte escaped.
   */
  private closingQuote(b: Buffer, i: number): number {
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    for (;;) {
      const q = b.indexOf(QUOTE, i);
      const end = q < 0 ? b.length : q;
      let backslashes = 0;
      while (end - backslashes > i && b[end - backslashes - 1] === BACKSLASH) backslashes++;
      if (q < 0) {
        this.escaped = backslashes % 2 === 1;
        return -1;
      }
      if (backslashes % 2 === 0) return q;
      i = q + 1;
    }
  }

  private finishCapture(last: Buffer): void {
    const bytes = this.pieces.length ? Buffer.concat([...this.pieces, last]) : last;
    this.pieces = [];
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      const where = this.capturing === 'item' ? `item ${this.items}` : this.capturing === 'key' ? 'a key' : `the value of "${this.key}"`;
      throw new ListParseError(`${where} of the list is not valid JSON (${(err as Error).message})`);
    }
    switch (this.capturing) {
      case 'key':
        this.key = value as string;
        this.state = COLON;
        return;
      case 'value':
        this.envelope[this.key] = value;
        this.state = AFTER_VALUE;
        return;
      case 'item':
        this.items++;
        this.state = AFTER_ITEM;
        this.onItem(value);
    }
  }

  private unexpected(wanted: string, chunk: Buffer, i: number): ListParseError {
    return new ListParseError(`the body is not a valid list: expected ${wanted} at byte ${this.bytes + i}, found ${quoteStart(chunk, i)}`);
  }
}

/** The first characters from `i`, quoted, for an error message. */
function quoteStart(chunk: Buffer, i: number): string {
  const text = chunk.toString('utf8', i, i + 40).replace(/\s+/g, ' ');
  return JSON.stringify(text) + (chunk.length > i + 40 ? '…' : '');
}
