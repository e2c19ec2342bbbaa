import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogLines } from '../../../../shared/contract';
import { decodeStreamFrame } from '../../../../shared/wire';
import { createLogger } from '../../logging/logger';
import { StreamHub } from '../../rpc/streamHub';
import { LogFlow, LogPacer, fairShares, type LogFlowOptions } from './podLogFlow';

interface Batch {
  at: number;
  lines: string[];
  dropped: number;
  drained: boolean;
}

/** A flow whose batches and pause/resume calls are recorded with the fake clock's time; on its own pacer unless given one. */
function recordedFlow(options: Partial<LogFlowOptions> = {}, pacer?: LogPacer) {
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
    pacer,
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

/** Lines of `batches` in each one-second window ending at a batch: the most any second saw. */
const busiestSecond = (batches: Batch[]) => Math.max(...batches.map((b) => batches.filter((o) => o.at > b.at - 1000 && o.at <= b.at).reduce((n, o) => n + o.lines.length, 0)));

describe('LogPacer', () => {
  it('shares one budget among flows: together they never exceed it, and each gets its half', () => {
    // 1000 lines/s for all, in 50 ms rounds: 50 lines a round, where each flow alone could take 50.
    const pacer = new LogPacer({ flushMs: 50, linesPerSecond: 1000 });
    const a = recordedFlow({ maxBufferedLines: 100_000 }, pacer);
    const b = recordedFlow({ maxBufferedLines: 100_000 }, pacer);
    for (let ms = 0; ms < 3000; ms += 10) {
      for (const line of numbered(ms, 30)) a.flow.push(line);
      for (const line of numbered(ms, 30)) b.flow.push(line);
      vi.advanceTimersByTime(10);
    }
    const all = [...a.batches, ...b.batches];
    expect(busiestSecond(all)).toBeLessThanOrEqual(1000);
    const delivered = (batches: Batch[]) => batches.reduce((n, o) => n + o.lines.length, 0);
    // A round every 50 ms for 3 s, of 50 lines, split evenly: the budget used to the full, never more.
    expect(delivered(all)).toBe(60 * 50);
    expect(delivered(a.batches)).toBe(delivered(b.batches));
  });

  it('gives one flow alone the whole budget, and a modest flow leaves the rest to a busy one', () => {
    const pacer = new LogPacer({ flushMs: 50, linesPerSecond: 1000 });
    const busy = recordedFlow({ maxBufferedLines: 10_000 }, pacer);
    for (const line of numbered(0, 500)) busy.flow.push(line);
    vi.advanceTimersByTime(50);
    expect(busy.batches.map((x) => x.lines.length)).toEqual([50]);
    const modest = recordedFlow({}, pacer);
    for (const line of numbered(0, 10)) modest.flow.push(line);
    vi.advanceTimersByTime(50);
    expect([busy.batches.at(-1)?.lines.length, modest.batches.at(-1)?.lines.length]).toEqual([40, 10]);
  });

  it('starves no flow when a round has fewer lines than flows', () => {
    const pacer = new LogPacer({ flushMs: 50, linesPerSecond: 20 });
    const flows = [recordedFlow({}, pacer), recordedFlow({}, pacer), recordedFlow({}, pacer)];
    for (const { flow } of flows) for (const line of numbered(0, 10)) flow.push(line);
    vi.advanceTimersByTime(600);
    expect(flows.map(({ batches }) => batches.reduce((n, x) => n + x.lines.length, 0))).toEqual([4, 4, 4]);
  });

  it('holds only the flow whose window is behind: its buffer fills, its source pauses, its oldest lines drop and are reported once it catches up; another window’s flow carries on', () => {
    const streams = new StreamHub(createLogger(), { highWaterBytes: 4096, lowWaterBytes: 1024 });
    const frames = { slow: [] as Uint8Array[], quick: [] as Uint8Array[] };
    streams.attach('slow', (frame) => typeof frame !== 'string' && frames.slow.push(frame));
    streams.attach('quick', (frame) => typeof frame !== 'string' && frames.quick.push(frame));
    const pacer = new LogPacer({ flushMs: 50, linesPerSecond: 1000 });
    const flowTo = (session: 'slow' | 'quick') => {
      const out = streams.open(session, 'kube.logs');
      const source = { paused: false };
      const flow = new LogFlow(
        { flushMs: 50, maxLinesPerSecond: 1000, maxBufferedLines: 400, maxBufferedChars: 1_000_000 },
        {
          batch: (lines, dropped, drained) => out.write({ lines, ...(dropped ? { dropped } : {}), state: { phase: drained ? 'ended' : 'streaming' } }),
          pause: () => (source.paused = true),
          resume: () => (source.paused = false),
          held: () => out.paused,
        },
        pacer,
      );
      return { out, flow, source };
    };
    const decode = (frame: Uint8Array) => JSON.parse(new TextDecoder().decode(decodeStreamFrame(frame)!.payload)) as LogLines;
    const slow = flowTo('slow');
    const quick = flowTo('quick');

    // The slow window never acknowledges: past the high-water mark its flow waits, while the pod keeps writing.
    for (const line of numbered(0, 600)) slow.flow.push(line);
    vi.advanceTimersByTime(5000);
    expect(slow.out.paused).toBe(true);
    const sentBeforeHold = frames.slow.length;
    const reportedBeforeHold = frames.slow.map(decode).reduce((n, m) => n + (m.dropped ?? 0), 0);
    for (const line of numbered(600, 1000)) slow.flow.push(line);
    vi.advanceTimersByTime(5000);
    expect(frames.slow.length).toBe(sentBeforeHold);
    expect(slow.flow.stats).toMatchObject({ buffered: 400, paused: true });
    expect(slow.source.paused).toBe(true);
    const dropped = slow.flow.stats.dropped - reportedBeforeHold;
    expect(dropped).toBeGreaterThan(0);

    // Meanwhile the other window's stream flows at the full budget.
    for (const line of numbered(0, 300)) quick.flow.push(line);
    vi.advanceTimersByTime(400);
    expect(frames.quick.map(decode).flatMap((m) => m.lines)).toEqual(numbered(0, 300));

    // The slow window catches up: batches flow again, the first telling what was dropped.
    streams.ack('slow', Number(slow.out.id), streams.unacknowledged('slow', slow.out.id)!);
    vi.advanceTimersByTime(60);
    const next = decode(frames.slow[sentBeforeHold]);
    expect(next.dropped).toBe(dropped);
    expect(next.lines[0]).toBe(`line ${1600 - 400}`);
  });
});

describe('fairShares', () => {
  it('fills the modest demands, splits the rest evenly, and never hands out more than the budget', () => {
    expect(fairShares([10, 1000, 1000], 100)).toEqual([10, 45, 45]);
    expect(fairShares([0, 5], 10)).toEqual([0, 5]);
    expect(fairShares([5, 5, 5], 2)).toEqual([1, 1, 0]);
    expect(fairShares([7, 7], 11)).toEqual([6, 5]);
    expect(fairShares([], 10)).toEqual([]);
  });
});
