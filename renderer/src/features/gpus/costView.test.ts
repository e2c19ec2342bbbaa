import { describe, expect, it } from 'vitest';
import type { GpuCost } from '../../../../shared/contract';
import { costChartData, costSummary, dayRows, groupName } from './costView';

const amount = (gpuHours: number, costUsd: number | null, unpricedGpuHours = 0) => ({ gpuHours, costUsd, pricedCostUsd: costUsd ?? 0, unpricedGpuHours });

function cost(groups: number, bill: GpuCost['bill'] = null): GpuCost {
  const shares = Array.from({ length: groups }, (_, i) => ({ group: `ns-${i}`, ...amount(groups - i, (groups - i) * 10) }));
  return {
    start: '2026-11-01',
    end: '2026-11-03',
    groupBy: 'namespace',
    teamLabel: 'team',
    days: [
      { day: '2026-11-01', groups: shares, total: amount(1, 10), billUsd: bill ? 100 : null, billEstimated: false },
      { day: '2026-11-02', groups: shares.slice(0, 1), total: amount(1, 10), billUsd: bill ? 0 : null, billEstimated: true },
    ],
    groups: shares,
    total: amount(2, 20),
    pricedAs: [],
    bill,
    podAccess: { status: 'listed' },
    resolutionSeconds: 300,
  };
}

describe('costChartData', () => {
  it('stacks the costliest groups, sums the rest as Other, and draws the bill as a line after them', () => {
    const data = costChartData(cost(10, { status: 'answered', unit: 'USD', total: 100, allocatedPct: 20, fetchedAt: '', fromCache: true, stale: false, billableRequests: { thisQuery: 0, today: 1, total: 1 } }));
    expect(data.times).toEqual([Date.UTC(2026, 10, 1) / 1000, Date.UTC(2026, 10, 2) / 1000]);
    expect(data.series.map((s) => s.label)).toEqual(['ns-0', 'ns-1', 'ns-2', 'ns-3', 'ns-4', 'ns-5', 'ns-6', 'Other (3)', 'EC2 GPU bill']);
    // ns-7…9 cost 30 + 20 + 10 on the first day.
    expect(data.series[7].values).toEqual([60, 0]);
    expect(data.series[8]).toMatchObject({ line: true, values: [100, 0] });
    expect(data.series.filter((s) => s.line)).toHaveLength(1);
  });

  it('draws no bill line when no account was asked or Cost Explorer failed', () => {
    expect(costChartData(cost(2)).series.map((s) => s.key)).toEqual(['g:ns-0', 'g:ns-1']);
    expect(costChartData(cost(2, { status: 'failed', code: 'UNREACHABLE', message: 'offline' })).series.some((s) => s.line)).toBe(false);
  });
});

describe('costSummary and dayRows', () => {
  it('says allocated against billed, and leaves a share of a $0 day unknown', () => {
    const c = cost(1, { status: 'answered', unit: 'USD', total: 100, allocatedPct: 20, fetchedAt: '', fromCache: false, stale: false, billableRequests: { thisQuery: 1, today: 1, total: 1 } });
    expect(costSummary(c)).toMatch(/^Allocated GPU cost \$20\.00 for 2 GPU-h vs EC2 GPU bill \$100\.00 \(20% allocated\)\.$/);
    expect(dayRows(c).map((r) => r.allocatedPct)).toEqual([10, null]);
    expect(costSummary({ ...c, bill: { status: 'failed', code: 'FORBIDDEN', message: 'not allowed ce:GetCostAndUsage' } })).toContain('could not be read: not allowed');
    expect(groupName(null, 'example.com/team')).toBe('No example.com/team label');
  });
});
