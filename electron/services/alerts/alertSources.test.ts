import { describe, expect, it, vi } from 'vitest';
import type { SpendCosts } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { createLogger } from '../logging/logger';
import { createSpendService } from '../spend/spendService';
import { migratedDb, recordedCostExplorer, type Recorded } from '../spend/testKit';
import { dailySpendFindings } from './alertRules';
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
  const sources = alertSources({ gpu: { idle }, spend, access: { config: vi.fn() }, drills: { namespaceStatuses: vi.fn() }, connections: { list: vi.fn() } });
  const signal = new AbortController().signal;
  const ask = () => sources.dailyCosts({ connectionId: 'aws-1', start: '2026-12-03', end: '2026-12-05' }, signal);
  return { clock, spend, idle, sources, ask, signal };
}

describe('alert sources', () => {
  it('read daily unblended costs through the spend cache, never forcing a refresh', async () => {
    const { spend, ask } = setup(async () => costs);
    await expect(ask()).resolves.toBe(costs);
    expect(spend.costs).toHaveBeenCalledWith({ connectionId: 'aws-1', start: '2026-12-03', end: '2026-12-05', granularity: 'DAILY', metric: 'UnblendedCost' }, { signal: expect.any(AbortSignal) });
  });

  it('pass a failure on as it is, with no hold of their own (the spend service holds a failing query)', async () => {
    const { spend, ask } = setup(async () => {
      throw new AppError('FORBIDDEN', 'The AWS account does not allow ce:GetCostAndUsage');
    });
    await expect(ask()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'The AWS account does not allow ce:GetCostAndUsage' });
    spend.costs.mockResolvedValueOnce(costs);
    await expect(ask()).resolves.toBe(costs);
  });

  it('ask the GPU area for idle GPUs with its own defaults filled in', async () => {
    const { idle, sources, signal } = setup(async () => costs);
    idle.mockResolvedValue({});
    await sources.idleGpus({ clusterConnectionId: 'k', prometheusConnectionId: 'p', thresholdPct: 5, windowHours: 12 }, signal);
    expect(idle).toHaveBeenCalledWith(expect.objectContaining({ clusterConnectionId: 'k', prometheusConnectionId: 'p', thresholdPct: 5, windowHours: 12, teamLabel: 'team' }), signal);
  });
});

describe('alert sources over the real spend service while Cost Explorer fails (review #19)', () => {
  const T0 = Date.parse('2026-12-04T10:00:00Z');
  const day = (start: string, end: string, amount: string) => ({ TimePeriod: { Start: start, End: end }, Total: { UnblendedCost: { Amount: amount, Unit: 'USD' } }, Groups: [], Estimated: true });
  const okBody = { ResultsByTime: [day('2026-12-03', '2026-12-04', '900'), day('2026-12-04', '2026-12-05', '100')], DimensionValueAttributes: [] };
  const failing: Recorded = { status: 503, body: { __type: 'ServiceUnavailableException', message: 'down' } };

  it('a stale answer is "could not evaluate" with its reason, and Cost Explorer is not asked on every evaluation', async () => {
    const clock = { now: T0 };
    // One answer, one failure (held for the evaluations after it), then the answer a Refresh gets.
    const recorded = recordedCostExplorer([{ status: 200, body: okBody }, failing, { status: 200, body: okBody }]);
    const db = migratedDb();
    const spend = createSpendService({
      db,
      connections: { awsAccessOf: () => ({ credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x'.repeat(40) }), region: 'us-east-1' }) },
      log: createLogger(),
      now: () => clock.now,
      backoff: { attempts: 5, baseMs: 1, capMs: 1, random: () => 0, sleep: async () => {} },
      requestHandler: recorded.handler,
    });
    const sources = alertSources({ gpu: {} as never, spend, access: {} as never, drills: {} as never, connections: {} as never });
    const params = { awsConnectionId: 'aws-1', budgetUsd: 500 };
    const signal = new AbortController().signal;
    expect(await dailySpendFindings(params, sources, signal, clock.now)).toHaveLength(1);
    expect(recorded.sent).toHaveLength(1);
    // The cache expires; Cost Explorer now answers 503. Evaluate every 5 minutes while the spend service holds the failing query (15 minutes).
    clock.now += 61 * 60_000;
    for (let i = 0; i < 3; i++) {
      await expect(dailySpendFindings(params, sources, signal, clock.now)).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/Cost Explorer could not be asked.*HTTP 503/) });
      clock.now += 5 * 60_000;
    }
    expect(recorded.sent).toHaveLength(2);
    expect((db.prepare('SELECT count(*) AS n FROM spend_requests').get() as { n: number }).n).toBe(2);
    // Someone presses Refresh on the Spend page and Cost Explorer answers: the next evaluation judges that answer, with no request of its own.
    await spend.costs({ connectionId: 'aws-1', start: '2026-12-03', end: '2026-12-05', granularity: 'DAILY', metric: 'UnblendedCost', refresh: true });
    expect(recorded.sent).toHaveLength(3);
    clock.now += 5 * 60_000;
    expect(await dailySpendFindings(params, sources, signal, clock.now)).toHaveLength(1);
    expect(recorded.sent).toHaveLength(3);
  });

  it('a stale answer from a fake spend service is refused too', async () => {
    const { ask } = setup(async () => ({ ...costs, stale: true, staleBecause: 'offline', staleReason: 'Cannot reach Cost Explorer: ENOTFOUND' }));
    await expect(ask()).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/Cannot reach Cost Explorer: ENOTFOUND.*too old to judge/) });
  });

  it('passes the rule signal on, and a stopped call does not hold the query off', async () => {
    const stop = new AbortController();
    const { spend, sources } = setup(async () => {
      stop.abort();
      throw new AppError('TIMEOUT', 'stopped');
    });
    const ask = () => sources.dailyCosts({ connectionId: 'aws-1', start: '2026-12-03', end: '2026-12-05' }, stop.signal);
    await expect(ask()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect((spend.costs.mock.calls[0] as unknown[])[1]).toEqual({ signal: stop.signal });
    await expect(ask()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(spend.costs).toHaveBeenCalledTimes(2);
  });
});
