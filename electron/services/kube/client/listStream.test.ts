import { describe, expect, it } from 'vitest';
import { ListParseError, ListStreamParser } from './listStream';

/** Feeds `chunks` to a parser; what it handed over and returned. */
function parse(chunks: Buffer[]): { items: unknown[]; envelope: Record<string, unknown> } {
  const items: unknown[] = [];
  const parser = new ListStreamParser((item) => items.push(item));
  for (const chunk of chunks) parser.write(chunk);
  return { items, envelope: parser.end() };
}

/** `bytes` cut into chunks of `size`. */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** What JSON.parse makes of the whole document, split as the parser reports it. */
function expected(text: string): { items: unknown[]; envelope: Record<string, unknown> } {
  const { items, ...envelope } = JSON.parse(text) as Record<string, unknown>;
  return { items: Array.isArray(items) ? items : [], envelope: Array.isArray(items) ? envelope : { ...envelope, items } };
}

/** A small deterministic PRNG (mulberry32), so a failing document can be produced again. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Strings that break naive scanners: quotes, backslashes, brackets, control and non-ASCII characters.
const HOSTILE = ['"', '\\', '\\"', '{', '}', '[', ']', '{"a":[1,', ']}', ',', ':', '\n', '\t', '\u0000', 'é', '日本', '😀', '\ud83d\ude00x', '\u2028', 'plain', ''];

function randomValue(rand: () => number, depth: number): unknown {
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const r = rand();
  if (depth > 3 || r < 0.35) {
    return pick<() => unknown>([
      () => Array.from({ length: Math.floor(rand() * 4) }, () => pick(HOSTILE)).join(''),
      () => Math.floor(rand() * 2e6) - 1e6,
      () => rand() * 1e-5,
      () => -rand() * 1e21,
      () => pick([true, false, null]),
    ])();
  }
  if (r < 0.65) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rand() * 5) }, () => [pick(HOSTILE) + pick(['', 'k', 'items']), randomValue(rand, depth + 1)]));
}

/** A list with hostile items, its metadata before or after them, pretty-printed or not. */
function randomList(seed: number): string {
  const rand = prng(seed);
  const items = Array.from({ length: Math.floor(rand() * 6) }, (_, i) => ({ metadata: { name: `pod-${i}`, uid: `u${i}` }, spec: randomValue(rand, 1) }));
  const metadata = { resourceVersion: String(seed), ...(rand() < 0.5 ? { continue: `tok"en\\${seed}` } : {}) };
  const list = rand() < 0.5 ? { kind: 'PodList', apiVersion: 'v1', metadata, items } : { kind: 'PodList', items, apiVersion: 'v1', metadata };
  return JSON.stringify(list, null, rand() < 0.3 ? 2 : undefined);
}

const LIST = '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"abc"},"items":[{"metadata":{"name":"a{\\"b}"}},{"x":[[1,[2]],"]"]},{"s":"\\\\"}]}';

describe('list stream parser', () => {
  it('hands over each item and returns the list fields without items', () => {
    const { items, envelope } = parse([Buffer.from(LIST)]);
    expect(items).toEqual(JSON.parse(LIST).items);
    expect(envelope).toEqual({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'abc' } });
  });

  it('hands over the items of a chunk before write returns', () => {
    const items: unknown[] = [];
    const parser = new ListStreamParser((item) => items.push(item));
    parser.write(Buffer.from('{"items":[{"a":1},{"b":'));
    expect(items).toEqual([{ a: 1 }]);
    parser.write(Buffer.from('2}]}'));
    expect(items).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parser.itemCount).toBe(2);
  });

  it('agrees with JSON.parse at a chunk boundary after every byte', () => {
    const bytes = Buffer.from(LIST);
    const want = expected(LIST);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual(want);
    }
    expect(parse(chunked(bytes, 1))).toEqual(want);
  });

  it('agrees with JSON.parse on generated hostile lists, whatever the chunk size', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = randomList(seed);
      const want = expected(text);
      const bytes = Buffer.from(text);
      for (const size of [1, 2, 3, 7, 64, 4096]) expect(parse(chunked(bytes, size)), `seed ${seed}, chunks of ${size}`).toEqual(want);
    }
  });

  it('tells escaped quotes from closing ones, however the backslashes fall across chunks', () => {
    // Strings of one, two and three backslashes, before quotes and braces, in values and keys.
    const text = JSON.stringify({ items: ['a"b', '\\', '\\"}', '\\\\', { 'k\\': '\\\\"' }], metadata: { continue: '\\' } });
    const want = expected(text);
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (let second = cut; second <= bytes.length; second++) {
        expect(parse([bytes.subarray(0, cut), bytes.subarray(cut, second), bytes.subarray(second)]), `cuts at ${cut} and ${second}`).toEqual(want);
      }
    }
  });

  it('decodes characters and surrogate pairs split across chunks, raw or escaped', () => {
    const text = '{"items":[{"raw":"😀é日"},{"escaped":"\\ud83d\\ude00\\u00e9"}],"metadata":{"continue":"😀"}}';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { items, envelope } = parse([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(items).toEqual([{ raw: '😀é日' }, { escaped: '😀é' }]);
      expect(envelope.metadata).toEqual({ continue: '😀' });
    }
  });

  it('reads metadata wherever it stands, after the items too', () => {
    const { items, envelope } = parse([Buffer.from('{"items":[{"a":"}"}],"metadata":{"continue":"next","resourceVersion":"7"},"kind":"PodList"}')]);
    expect(items).toEqual([{ a: '}' }]);
    expect(envelope).toEqual({ metadata: { continue: 'next', resourceVersion: '7' }, kind: 'PodList' });
  });

  it('reads an empty list, an empty object and a list whose items are null', () => {
    expect(parse([Buffer.from(' { "items" : [ ] , "metadata" : { } } \n')])).toEqual({ items: [], envelope: { metadata: {} } });
    expect(parse([Buffer.from('{}')])).toEqual({ items: [], envelope: {} });
    expect(parse([Buffer.from('{"items":null}')])).toEqual({ items: [], envelope: { items: null } });
  });

  it('follows JSON.parse in reading an escaped key', () => {
    expect(parse([Buffer.from('{"it\\u0065ms":[1,"2"]}')]).items).toEqual([1, '2']);
  });

  it('returns a Status answered instead of a list as its fields', () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (2)', reason: 'Expired', code: 410 };
    expect(parse([Buffer.from(JSON.stringify(status))])).toEqual({ items: [], envelope: status });
  });

  it('says a body cut short was cut short, wherever it was cut', () => {
    const bytes = Buffer.from(LIST);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(() => parse([bytes.subarray(0, cut)]), `cut at ${cut}`).toThrow(new RegExp(`^the body ends early, after ${cut} bytes and [0-3] items: it was cut short$`));
    }
  });

  it('counts the items before a cut', () => {
    expect(() => parse([Buffer.from('{"items":[{"a":1},{"b":"x')])).toThrow('the body ends early, after 25 bytes and 1 items: it was cut short');
    expect(() => parse([])).toThrow('the body is empty');
  });

  it('refuses a body that is not a JSON object, naming how it starts', () => {
    expect(() => parse([Buffer.from('<!DOCTYPE html><html><body>Bad gateway</body></html>')])).toThrow(
      new ListParseError('the body is not a JSON object: it starts with "<!DOCTYPE html><html><body>Bad gateway</"…'),
    );
    expect(() => parse([Buffer.from('[{"a":1}]')])).toThrow(/not a JSON object: it starts with "\[/);
    expect(() => parse([Buffer.from('Forbidden')])).toThrow(ListParseError);
  });

  it('refuses invalid JSON in the envelope and in an item', () => {
    expect(() => parse([Buffer.from('{"items":[{"a":1},]}')])).toThrow(/a value is missing at byte 18/);
    expect(() => parse([Buffer.from('{"items" [1]}')])).toThrow(/expected a colon at byte 9/);
    expect(() => parse([Buffer.from('{"items":[1] "kind":"x"}')])).toThrow(/expected a comma or the end of the list/);
    expect(() => parse([Buffer.from('{"items":[1 2]}')])).toThrow(/expected a comma or the end of items/);
    expect(() => parse([Buffer.from('{"items":[]} {}')])).toThrow(/expected nothing after the end of the list/);
    expect(() => parse([Buffer.from('{kind:"x"}')])).toThrow(/expected a key/);
    expect(() => parse([Buffer.from('{"items":[{"a":1},{"a":tru}]}')])).toThrow(/^item 1 of the list is not valid JSON/);
    expect(() => parse([Buffer.from('{"items":[{"a":[1}}]}')])).toThrow(/^item 0 of the list is not valid JSON/);
    expect(() => parse([Buffer.from('{"metadata":{"a":01}}')])).toThrow(/^the value of "metadata" of the list is not valid JSON/);
  });

  it('lets what the item handler throws through', () => {
    const parser = new ListStreamParser(() => {
      throw new RangeError('bad row');
    });
    expect(() => parser.write(Buffer.from('{"items":[{}]}'))).toThrow(RangeError);
  });
});
