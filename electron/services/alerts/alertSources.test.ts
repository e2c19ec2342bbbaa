import { describe, expect, it, vi } from 'vitest';
import type { SpendCosts } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { RECENT_TTL_MS } from '../spend/costQuery';
import { alertSources } from './alertSources';

const costs: SpendCosts = {
  periods: [],
  unit: 'USD',
  fetchedAt: '2026-12-04T12:00:00.000Z',
  stale: false,
  fromCache: true,
  throttledRetries: 0,
  billableRequests: { thisQuery: 0, today: 0, total: 0 },
};

function setup(costsImpl: () => Promise<SpendCosts>) {
  const clock = { now: Date.parse('2026-12-04T12:00:00Z') };
  const spend = { costs: vi.fn(costsImpl) };
  const idle = vi.fn();
  const sources = alertSources({ gpu: { idle }, spend, access: { config: vi.fn() }, now: () => clock.now });
  const signal = new AbortController().signal;
  const ask = () => sources.dailyCosts({ connectionId: 'aws-1', start: '2026-12-03', end: '2026-12-05' }, signal);
  return { clock, spend, idle, sources, ask, signal };
}

describe('alert sources', () => {
  it('read daily unblended costs through the spend cache, never forcing a refresh', async () => {
    const { spend, ask } = setup(async () => costs);
    await expect(ask()).resolves.toBe(costs);
    expect(spend.costs).toHaveBeenCalledWith({ connectionId: 'aws-1', start: '2026-12-03', end: '2026-12-05', granularity: 'DAILY', metric: 'UnblendedCost' });
  });

  it('do not ask Cost Explorer again for an hour after a query failed, since each request is billed', async () => {
    const { clock, spend, ask } = setup(async () => {
      throw new AppError('FORBIDDEN', 'The AWS account does not allow ce:GetCostAndUsage');
    });
    await expect(ask()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'The AWS account does not allow ce:GetCostAndUsage' });
    clock.now += 5 * 60_000;
    await expect(ask()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'The AWS account does not allow ce:GetCostAndUsage (not asked again before 2026-12-04T13:00:00.000Z: each request is billed)' });
    expect(spend.costs).toHaveBeenCalledTimes(1);
    clock.now = Date.parse('2026-12-04T12:00:00Z') + RECENT_TTL_MS;
    spend.costs.mockResolvedValueOnce(costs);
    await expect(ask()).resolves.toBe(costs);
    expect(spend.costs).toHaveBeenCalledTimes(2);
  });

  it('ask the GPU area for idle GPUs with its own defaults filled in', async () => {
    const { idle, sources, signal } = setup(async () => costs);
    idle.mockResolvedValue({});
    await sources.idleGpus({ clusterConnectionId: 'k', prometheusConnectionId: 'p', thresholdPct: 5, windowHours: 12 }, signal);
    expect(idle).toHaveBeenCalledWith(expect.objectContaining({ clusterConnectionId: 'k', prometheusConnectionId: 'p', thresholdPct: 5, windowHours: 12, teamLabel: 'team' }));
  });
});
