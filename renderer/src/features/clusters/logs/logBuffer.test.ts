import { describe, expect, it, vi } from 'vitest';
import { pieces } from './LogLine';
import { cleanLine, LogBuffer, widthOf } from './logBuffer';
import { LINE_HEIGHT, logRows } from './logRows';

/** The text of every entry held, markers as "[skipped n]". */
const texts = (b: LogBuffer) =>
  Array.from({ length: b.size }, (_, i) => {
    const e = b.entry(b.first + i);
    return e.kind === 'line' ? e.text : `[skipped ${e.count}]`;
  });
const matches = (b: LogBuffer) => Array.from({ length: b.matchCount }, (_, k) => b.matchAt(k));
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

describe('LogBuffer', () => {
  it('evicts the oldest lines past its capacity, keeping sequence numbers and counting what it dropped', () => {
    const b = new LogBuffer(5);
    b.append(lines(0, 3));
    expect(texts(b)).toEqual(['line 0', 'line 1', 'line 2']);
    b.append(lines(3, 8));
    expect(texts(b)).toEqual(['line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    expect([b.first, b.next, b.evicted]).toEqual([3, 8, 3]);

    // A batch larger than the ring: only its tail is kept.
    b.append(lines(8, 20));
    expect(texts(b)).toEqual(['line 15', 'line 16', 'line 17', 'line 18', 'line 19']);
    expect(b.evicted).toBe(15);
  });

  it('also holds at most its character budget, evicting the oldest lines past it and counting them alike', () => {
    const b = new LogBuffer(100, 30);
    const long = (n: number) => `${n}`.padEnd(10, '.');
    b.append([long(0), long(1), long(2)]);
    expect(texts(b)).toEqual([long(0), long(1), long(2)]);
    b.append([long(3)]);
    expect(texts(b)).toEqual([long(1), long(2), long(3)]);
    expect([b.first, b.evicted]).toEqual([1, 1]);
    // One batch over the budget: only its tail is held, the rest counted.
    b.append([long(4), long(5), long(6), long(7), 'short']);
    expect(texts(b)).toEqual([long(6), long(7), 'short']);
    expect(b.evicted).toBe(6);
    // A line alone over the budget is still shown, the only one held.
    b.append(['x'.repeat(50)]);
    expect(texts(b)).toEqual(['x'.repeat(50)]);
    expect(b.evicted).toBe(9);
    // Cleared: the budget is whole again.
    b.clear();
    b.append([long(8), long(9), long(10)]);
    expect(b.size).toBe(3);
  });

  it('by default holds 32 Mi characters: of lines of 16 KiB, only the last 2,048', () => {
    const b = new LogBuffer();
    const line = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 3; i++) b.append(Array.from({ length: 1_500 }, () => line));
    expect(b.size).toBe(2_048);
    expect(b.evicted).toBe(4_500 - 2_048);
  });

  it('puts the skipped marker before the lines of the event that reports it, and keeps the state', () => {
    const b = new LogBuffer(10);
    b.apply({ lines: ['a'], state: { phase: 'streaming' } });
    b.apply({ lines: ['b', 'c'], dropped: 1234, state: { phase: 'reconnecting', message: 'apiserver went away' } });
    expect(texts(b)).toEqual(['a', '[skipped 1234]', 'b', 'c']);
    expect(b.state).toEqual({ phase: 'reconnecting', message: 'apiserver went away' });
  });

  it('searches case-insensitively for literal text, then keeps the matches up to date as lines come and go', () => {
    const b = new LogBuffer(6);
    b.append(['GET /a 200', 'GET /b 500', 'error: x.y', 'GET /c 500']);
    b.search('500');
    expect(matches(b)).toEqual([1, 3]);
    b.search('X.Y');
    expect(matches(b)).toEqual([2]);
    // A dot is a dot, not any character.
    b.append(['xzy']);
    expect(b.matchCount).toBe(1);

    b.search('get');
    expect(matches(b)).toEqual([0, 1, 3]);
    b.append(['GET /d 200', 'GET /e 200', 'post /f']);
    // Lines 0 and 1 were evicted with their matches.
    expect(matches(b)).toEqual([3, 5, 6]);
    expect(b.matchesBefore(5)).toBe(1);
    expect(b.matchesBefore(4)).toBe(1);
    expect(b.matchesBefore(100)).toBe(3);

    b.search('');
    expect(b.matchCount).toBe(0);
    expect(b.searchPattern).toBeNull();
  });

  it('clears lines and matches but keeps the search, and tells listeners of every change', () => {
    const b = new LogBuffer(4);
    const listener = vi.fn();
    b.subscribe(listener);
    b.search('a');
    b.append(['a', 'b']);
    const version = b.getVersion();
    b.clear(true);
    expect(b.size).toBe(0);
    expect(b.matchCount).toBe(0);
    expect(b.getVersion()).toBeGreaterThan(version);
    b.append(['ab']);
    expect(matches(b)).toEqual([2]);
    expect(listener).toHaveBeenCalledTimes(4);
  });

  it('keeps its matches right across many evictions (and the compactions of its match list)', () => {
    const b = new LogBuffer(100);
    b.search('x');
    for (let i = 0; i < 2000; i++) b.append(Array.from({ length: 50 }, (_, k) => (k % 2 ? 'y' : `x ${i * 50 + k}`)));
    expect(b.matchCount).toBe(50);
    expect(b.matchAt(0)).toBe(99_900);
    expect(b.entry(b.matchAt(49))).toEqual({ kind: 'line', text: 'x 99998' });
    expect(b.matchesBefore(99_901)).toBe(1);
  });
});

describe('line cleaning and width', () => {
  it('removes ANSI colour codes and a trailing CR, and expands tabs to the next stop of 8', () => {
    expect(cleanLine('\x1b[32mINFO\x1b[0m ready\r')).toBe('INFO ready');
    expect(cleanLine('a\tb')).toBe('a       b');
    expect(cleanLine('abcdefgh\tc')).toBe('abcdefgh        c');
  });

  it('counts East Asian wide characters and emoji as two columns, combining marks as none', () => {
    expect(widthOf('plain ascii')).toBe(11);
    expect(widthOf('日本語')).toBe(6);
    expect(widthOf('ok 🚀')).toBe(5);
    expect(widthOf('e\u0301')).toBe(1);
  });
});

describe('logRows', () => {
  it('places rows one line tall without wrapping, and finds the row at an offset', () => {
    const b = new LogBuffer(10);
    b.append(lines(0, 5));
    const rows = logRows(b, false, Infinity);
    expect(rows.total).toBe(5 * LINE_HEIGHT);
    expect(rows.indexAt(2.5 * LINE_HEIGHT)).toBe(2);
    expect(rows.indexAt(99 * LINE_HEIGHT)).toBe(4);
    expect(rows.seqAt(3)).toBe(3);
  });

  it('wraps each line into as many lines as its width needs', () => {
    const b = new LogBuffer(10);
    b.append(['x'.repeat(25), '', 'y'.repeat(10), 'z'.repeat(11)]);
    const rows = logRows(b, false, 10);
    expect([0, 1, 2, 3].map((i) => rows.height(i) / LINE_HEIGHT)).toEqual([3, 1, 1, 2]);
    expect(rows.top(3)).toBe(5 * LINE_HEIGHT);
    expect(rows.total).toBe(7 * LINE_HEIGHT);
    expect(rows.indexAt(2 * LINE_HEIGHT)).toBe(0);
    expect(rows.indexAt(3 * LINE_HEIGHT)).toBe(1);
    expect(rows.indexAt(6 * LINE_HEIGHT)).toBe(3);
  });

  it('holds only the matching lines when asked, by their sequence numbers', () => {
    const b = new LogBuffer(10);
    b.append(['a1', 'b', 'a2', 'c', 'a3']);
    b.search('a');
    const rows = logRows(b, true, Infinity);
    expect(rows.count).toBe(3);
    expect([0, 1, 2].map(rows.seqAt)).toEqual([0, 2, 4]);
    expect(rows.indexOf(3)).toBe(2);
    // Without a search, "only matching" shows everything.
    b.search('');
    expect(logRows(b, true, Infinity).count).toBe(5);
  });
});

describe('pieces', () => {
  const show = (ps: ReturnType<typeof pieces>) => ps.map((p) => `${p.timestamp ? 'T:' : ''}${p.match ? `[${p.text}]` : p.text}`).join('|');

  it('splits a line at every match, case-insensitively', () => {
    expect(show(pieces('Error: error again', /error/gi, false))).toBe('[Error]|: |[error]| again');
    expect(show(pieces('nothing here', /error/gi, false))).toBe('nothing here');
  });

  it('sets the timestamp apart, also where a match crosses its end', () => {
    const line = '2025-01-01T10:00:00.123456789Z started';
    expect(show(pieces(line, null, true))).toBe('T:2025-01-01T10:00:00.123456789Z |started');
    expect(show(pieces(line, /z st/gi, true))).toBe('T:2025-01-01T10:00:00.123456789|T:[Z ]|[st]|arted');
    expect(show(pieces(line, null, false))).toBe(line);
  });
});
