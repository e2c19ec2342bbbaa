import { describe, expect, it } from 'vitest';
import { DrillTarget } from '../../../../shared/contract';
import { againstTarget, durationText, joinDuration, namespaceList, problemsOf, relativeText, rtoTrend, splitDuration } from './drillsFormat';
import { drill } from './testKit';

describe('drills formatting', () => {
  it('writes durations from seconds to days', () => {
    expect(durationText(45_000)).toBe('45s');
    expect(durationText(250_000)).toBe('4m 10s');
    expect(durationText(26 * 3_600_000)).toBe('26h 00m');
    expect(durationText(76 * 3_600_000)).toBe('3d 4h');
    expect(relativeText('2026-12-04T12:00:00Z', Date.parse('2026-12-04T11:00:00Z'))).toBe('in 1h 00m');
    expect(relativeText('2026-12-04T10:00:00Z', Date.parse('2026-12-04T11:00:00Z'))).toBe('1h 00m ago');
  });

  it('says a figure against its target, and that an unmeasured RTO missed it', () => {
    expect(againstTarget(95_000, 300_000)).toEqual({ text: '1m 35s of 5m 00s', missed: false });
    expect(againstTarget(420_000, 300_000)).toEqual({ text: '7m 00s of 5m 00s', missed: true });
    expect(againstTarget(undefined, 300_000)).toEqual({ text: 'not measured (target 5m 00s)', missed: true });
    expect(againstTarget(95_000, undefined)).toEqual({ text: '1m 35s', missed: false });
    // A drill still running, or stopped before its workloads could be ready, has not missed its target: it never measured.
    expect(againstTarget(undefined, 300_000, 'running')).toEqual({ text: 'measuring… (target 5m 00s)', missed: false });
    expect(againstTarget(undefined, 300_000, 'cancelled')).toEqual({ text: 'not measured: the drill was cancelled (target 5m 00s)', missed: false });
    expect(againstTarget(undefined, 300_000, 'interrupted')).toEqual({ text: 'not measured: the drill was interrupted (target 5m 00s)', missed: false });
    expect(againstTarget(undefined, 300_000, 'failed')).toEqual({ text: 'not measured (target 5m 00s)', missed: true });
  });

  it('shows a duration in the largest unit that divides it, and reads it back', () => {
    expect(splitDuration(7200)).toEqual({ amount: '2', unit: 'hours' });
    expect(splitDuration(90)).toEqual({ amount: '90', unit: 'seconds' });
    expect(splitDuration(86_400 * 2)).toEqual({ amount: '2', unit: 'days' });
    expect(joinDuration('15', 'minutes')).toBe(900);
    expect(joinDuration(' ', 'minutes')).toBeNaN();
  });

  it('splits typed namespaces, dropping repeats', () => {
    expect(namespaceList(' team-a, team-b\nteam-a  ')).toEqual(['team-a', 'team-b']);
  });

  it('words schema problems by field, one each', () => {
    const parsed = DrillTarget.safeParse({ connectionId: '', namespace: 'ok', rtoSeconds: NaN, rpoSeconds: 0, everyDays: 1.5, checks: [{ kind: 'httpGet', service: 'web', port: 70_000 }] });
    expect(parsed.success).toBe(false);
    expect(problemsOf(parsed.error!)).toEqual({ connectionId: 'Required', rtoSeconds: 'Enter a whole number', rpoSeconds: 'At least 1', everyDays: 'Enter a whole number', 'checks.0.port': 'At most 65535' });
  });

  it('charts one namespace’s RTO oldest first, failed drills apart at what they waited, the target as a line', () => {
    const data = rtoTrend([
      drill({ id: 'b', startedAt: '2026-12-02T00:00:00Z', outcome: 'failed', rtoMs: undefined, finishedAt: '2026-12-02T00:05:00Z' }),
      drill({ id: 'a', startedAt: '2026-12-01T00:00:00Z', rtoMs: 61_250 }),
      drill({ id: 'c', startedAt: '2026-12-03T00:00:00Z', outcome: 'interrupted' }),
    ]);
    expect(data.times).toEqual([Date.parse('2026-12-01T00:00:00Z') / 1000, Date.parse('2026-12-02T00:00:00Z') / 1000]);
    expect(data.series).toEqual([
      { key: 'passed', label: 'RTO', values: [61.3, null] },
      { key: 'failed', label: 'Failed drill', values: [null, 300] },
      { key: 'target', label: 'RTO target', line: true, values: [300, 300] },
    ]);
    // No target ever set: no target line, and the bars keep their places (and colours).
    expect(rtoTrend([drill({ rtoTargetMs: undefined })]).series.map((s) => s.key)).toEqual(['passed', 'failed']);
  });
});
