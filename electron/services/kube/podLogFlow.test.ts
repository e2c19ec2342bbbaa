import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogFlow, type LogFlowOptions } from './podLogFlow';

interface Batch {
  at: number;
  lines: string[];
  dropped: number;
  drained: boolean;
}

/** A flow whose batches and pause/resume calls are recorded with the fake clock's time. */
function recordedFlow(options: Partial<LogFlowOptions> = {}) {
  const batches: Batch[] = [];
  const source = { paused: false, pauses: 0, resumes: 0 };
  const flow = new LogFlow(
    { flushMs: 50, maxLinesPerSecond: 1000, maxBufferedLines: 400, maxBufferedChars: 1_000_000, ...options },
    {
      batch: (lines, dropped, drained) => batches.push({ at: Date.now(), lines, dropped, drained }),
      pause: () => {
        source.paused = true;
        source.pauses++;
      },
      resume: () => {
        source.paused = false;
        source.resumes++;
      },
    },
  );
  return { flow, batches, source };
}

const numbered = (from: number, count: number) => Array.from({ length: count }, (_, i) => `line ${from + i}`);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LogFlow', () => {
  it('gathers lines for one flush interval and sends them as one batch', () => {
    const { flow, batches } = recordedFlow();
    for (const line of numbered(0, 3)) flow.push(line);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(49);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([{ at: 50, lines: numbered(0, 3), dropped: 0, drained: true }]);
  });

  it('sends nothing while idle', () => {
    const { batches } = recordedFlow();
    vi.advanceTimersByTime(10_000);
    expect(batches).toEqual([]);
  });

  it('sends at most the per-second rate, at least one flush interval apart, in order', () => {
    // 1000 lines/s in 50 ms batches: 50 lines a batch.
    const { flow, batches } = recordedFlow({ maxBufferedLines: 10_000 });
    for (const line of numbered(0, 300)) flow.push(line);
    vi.advanceTimersByTime(1000);
    expect(batches.map((b) => b.lines.length)).toEqual([50, 50, 50, 50, 50, 50]);
    expect(batches.map((b) => b.at)).toEqual([50, 100, 150, 200, 250, 300]);
    expect(batches.flatMap((b) => b.lines)).toEqual(numbered(0, 300));
    expect(batches.map((b) => b.drained)).toEqual([false, false, false, false, false, true]);
  });

  it('a state change alone sends an empty batch', () => {
    const { flow, batches } = recordedFlow();
    flow.touch();
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([{ at: 50, lines: [], dropped: 0, drained: true }]);
  });

  it('pauses the source at half the buffer and resumes it below a quarter', () => {
    const { flow, batches, source } = recordedFlow({ maxBufferedLines: 400 });
    for (const line of numbered(0, 199)) flow.push(line);
    expect(source.paused).toBe(false);
    flow.push('line 199');
    expect(source).toEqual({ paused: true, pauses: 1, resumes: 0 });
    expect(flow.stats).toMatchObject({ buffered: 200, paused: true, pauses: 1 });
    // 50 lines a batch: 150 left after one, 100 after two (a quarter of 400): resumed then.
    vi.advanceTimersByTime(50);
    expect(source.paused).toBe(true);
    vi.advanceTimersByTime(50);
    expect(source).toEqual({ paused: false, pauses: 1, resumes: 1 });
    vi.advanceTimersByTime(1000);
    expect(batches.flatMap((b) => b.lines)).toEqual(numbered(0, 200));
    expect(flow.stats).toMatchObject({ buffered: 0, maxBuffered: 200, delivered: 200, dropped: 0, pauses: 1, paused: false });
  });

  it('past the hard cap drops the oldest lines and tells how many in the next batch', () => {
    const { flow, batches } = recordedFlow({ maxBufferedLines: 400 });
    // A source that does not stop when paused (lines already in flight).
    for (const line of numbered(0, 1000)) flow.push(line);
    expect(flow.stats).toMatchObject({ buffered: 400, maxBuffered: 400, dropped: 600 });
    vi.advanceTimersByTime(50);
    expect(batches[0]).toEqual({ at: 50, lines: numbered(600, 50), dropped: 600, drained: false });
    vi.advanceTimersByTime(50);
    expect(batches[1].dropped).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(batches.flatMap((b) => b.lines)).toEqual(numbered(600, 400));
  });

  it('counts characters too: a few huge lines pause and drop like many small ones', () => {
    const { flow, batches, source } = recordedFlow({ maxBufferedLines: 10_000, maxBufferedChars: 1000 });
    const big = (n: number) => `${n}`.padEnd(300, '.');
    flow.push(big(0));
    flow.push(big(1));
    expect(source.paused).toBe(true);
    flow.push(big(2));
    flow.push(big(3));
    expect(flow.stats).toMatchObject({ buffered: 3, dropped: 1, maxBufferedChars: 900 });
    vi.advanceTimersByTime(50);
    expect(batches[0]).toMatchObject({ lines: [big(1), big(2), big(3)], dropped: 1, drained: true });
    expect(source.paused).toBe(false);
  });

  it('holds a sustained flood to the rate: delivered over time never exceeds rate × time', () => {
    const { flow, batches } = recordedFlow({ maxLinesPerSecond: 5000, maxBufferedLines: 20_000 });
    let next = 0;
    // 50,000 lines/s offered for 3 s, ten times the rate.
    for (let ms = 0; ms < 3000; ms += 10) {
      for (const line of numbered(next, 500)) flow.push(line);
      next += 500;
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(10_000);
    const delivered = batches.reduce((n, b) => n + b.lines.length, 0);
    const dropped = batches.reduce((n, b) => n + b.dropped, 0);
    expect(delivered + dropped).toBe(150_000);
    for (const b of batches) expect(b.lines.length).toBeLessThanOrEqual(250);
    // Each one-second window holds at most 5000 lines.
    for (const b of batches) {
      const inWindow = batches.filter((o) => o.at > b.at - 1000 && o.at <= b.at).reduce((n, o) => n + o.lines.length, 0);
      expect(inWindow).toBeLessThanOrEqual(5000);
    }
    expect(flow.stats.maxBuffered).toBe(20_000);
    // What arrives is in order, newest kept.
    const seen = batches.flatMap((b) => b.lines).map((l) => Number(l.slice(5)));
    expect(seen.every((n, i) => i === 0 || n > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(149_999);
  });

  it('close stops batches and forgets the buffer', () => {
    const { flow, batches } = recordedFlow();
    for (const line of numbered(0, 100)) flow.push(line);
    flow.close();
    flow.push('after');
    flow.touch();
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([]);
    expect(flow.buffered).toBe(0);
  });
});
