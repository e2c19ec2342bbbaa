import { describe, expect, it } from 'vitest';
import { ageLabel, chartData, csvRows, forecastRange, formatMoney, rangeOf, requestsLabel, tableView } from './spendView';

describe('spend view', () => {
  it('turns presets into UTC dates, end exclusive, across month and year ends', () => {
    expect(rangeOf('last7', '2027-01-03')).toEqual({ start: '2026-12-28', end: '2027-01-04' });
    expect(rangeOf('last90', '2026-03-01')).toEqual({ start: '2025-12-02', end: '2026-03-02' });
    expect(rangeOf('thisMonth', '2026-12-31')).toEqual({ start: '2026-12-01', end: '2027-01-01' });
    expect(rangeOf('last3Months', '2026-02-10')).toEqual({ start: '2025-11-01', end: '2026-02-01' });
    expect(forecastRange('2026-12-31', 'AmortizedCost')).toEqual({ start: '2026-12-31', end: '2027-01-01', granularity: 'MONTHLY', metric: 'AmortizedCost' });
  });

  it('draws the largest groups over the range and sums the rest as Other', () => {
    const groups = Array.from({ length: 10 }, (_, i) => ({ keys: [`svc-${i}`], amount: 10 - i }));
    const view = tableView({ periods: [{ start: '2026-12-01', end: '2026-12-02', total: 55, estimated: false, groups }] }, 4);
    expect(view.series).toEqual(['svc-0', 'svc-1', 'svc-2', 'Other (7)']);
    expect(view.rows[0].values).toEqual([10, 9, 8, 28]);
    expect(chartData(view).series.map((s) => s.label)).toEqual(view.series);
    expect(chartData(view).series.some((s) => s.line)).toBe(false);
    // Ungrouped: one Total series; keys of several dimensions are joined.
    expect(tableView({ periods: [{ start: '2026-12-01', end: '2026-12-02', total: 3, estimated: true, groups: [] }] })).toEqual({ series: ['Total'], rows: [{ start: '2026-12-01', end: '2026-12-02', estimated: true, values: [3], total: 3 }] });
    expect(csvRows({ unit: 'USD', periods: [{ start: 'a', end: 'b', total: 1, estimated: false, groups: [{ keys: ['EC2', 'team-x'], amount: 1 }] }] })[0].group).toBe('EC2 / team-x');
  });

  it('draws a Net line of each period’s total when a refund or credit is negative, keyed apart from any group', () => {
    const view = tableView({
      periods: [
        { start: '2026-12-01', end: '2026-12-02', total: 60, estimated: false, groups: [{ keys: ['EC2'], amount: 100 }, { keys: ['Refund'], amount: -40 }] },
        { start: '2026-12-02', end: '2026-12-03', total: 100, estimated: false, groups: [{ keys: ['EC2'], amount: 100 }] },
      ],
    });
    const data = chartData(view);
    expect(data.times).toEqual([Date.UTC(2026, 11, 1) / 1000, Date.UTC(2026, 11, 2) / 1000]);
    expect(data.series.map((s) => [s.label, s.values, Boolean(s.line)])).toEqual([
      ['EC2', [100, 100], false],
      ['Refund', [-40, 0], false],
      ['Net', [60, 100], true],
    ]);
    // A group that happens to be called "net" is still a bar of its own.
    const named = chartData(tableView({ periods: [{ start: '2026-12-01', end: '2026-12-02', total: -1, estimated: false, groups: [{ keys: ['net'], amount: -1 }] }] }));
    expect(new Set(named.series.map((s) => s.key)).size).toBe(2);
  });

  it('words amounts, requests and ages', () => {
    expect(requestsLabel(0)).toBe('0 requests · $0.00');
    expect(requestsLabel(1)).toBe('1 request · $0.01');
    expect(requestsLabel(1234)).toBe('1,234 requests · $12.34');
    expect(formatMoney(1234.5, 'USD')).toBe('$1,234.50');
    expect(formatMoney(2, 'Credits')).toBe('2.00 Credits');
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(ageLabel('2026-12-04T11:59:30Z', now)).toBe('just now');
    expect(ageLabel('2026-12-04T11:15:00Z', now)).toBe('45 min ago');
    expect(ageLabel('2026-12-04T09:59:00Z', now)).toBe('2 h ago');
    expect(ageLabel('2026-12-03T11:00:00Z', now)).toBe('1 day ago');
    expect(ageLabel('2026-12-05T00:00:00Z', now)).toBe('just now');
    expect(ageLabel('not a date', now)).toBe('just now');
  });
});
