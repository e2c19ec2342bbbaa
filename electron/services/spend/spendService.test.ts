import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { SpendCostsParams } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { createLogger } from '../logging/logger';
import { abortableSleep, DEFAULT_BACKOFF, type BackoffOptions } from './costExplorer';
import { PAST_TTL_MS, RECENT_TTL_MS } from './costQuery';
import { createSpendService, FAILING_HOLD_MS, PAGE_LIMIT_HOLD_MS } from './spendService';
import { migratedDb, recordedCostExplorer, throttled, type Recorded } from './testKit';

const T0 = Date.parse('2026-12-04T12:00:00Z');
const HOUR = 3_600_000;

/** Recorded GetCostAndUsage pages (shape from the AWS API reference), grouped by SERVICE; page 1 ends mid-way through 2026-11-02. */
const page1 = {
  GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
  ResultsByTime: [
    {
      TimePeriod: { Start: '2026-11-01', End: '2026-11-02' },
      Total: {},
      Groups: [
        { Keys: ['Amazon Elastic Compute Cloud - Compute'], Metrics: { UnblendedCost: { Amount: '6120.5000000000', Unit: 'USD' } } },
        { Keys: ['Amazon Simple Storage Service'], Metrics: { UnblendedCost: { Amount: '118.25', Unit: 'USD' } } },
      ],
      Estimated: false,
    },
    {
      TimePeriod: { Start: '2026-11-02', End: '2026-11-03' },
      Total: {},
      Groups: [{ Keys: ['Amazon Simple Storage Service'], Metrics: { UnblendedCost: { Amount: '100', Unit: 'USD' } } }],
      Estimated: false,
    },
  ],
  NextPageToken: 'page-2',
  DimensionValueAttributes: [],
};
const page2 = {
  GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
  ResultsByTime: [
    {
      TimePeriod: { Start: '2026-11-02', End: '2026-11-03' },
      Total: {},
      Groups: [{ Keys: ['Amazon Elastic Compute Cloud - Compute'], Metrics: { UnblendedCost: { Amount: '5000', Unit: 'USD' } } }],
      Estimated: false,
    },
    {
      TimePeriod: { Start: '2026-11-03', End: '2026-11-04' },
      Total: {},
      Groups: [{ Keys: ['AmazonCloudWatch'], Metrics: { UnblendedCost: { Amount: '37', Unit: 'USD' } } }],
      Estimated: true,
    },
  ],
  DimensionValueAttributes: [],
};
/** An ungrouped, single-page answer. */
const ungrouped = {
  ResultsByTime: [
    { TimePeriod: { Start: '2026-11-01', End: '2026-11-02' }, Total: { UnblendedCost: { Amount: '6238.75', Unit: 'USD' } }, Groups: [], Estimated: false },
    { TimePeriod: { Start: '2026-11-02', End: '2026-11-03' }, Total: { UnblendedCost: { Amount: '5100', Unit: 'USD' } }, Groups: [], Estimated: false },
  ],
  DimensionValueAttributes: [],
};

/** A recorded GetCostForecast answer (shape from the AWS API reference). */
const forecastBody = {
  Total: { Amount: '187342.1234', Unit: 'USD' },
  ForecastResultsByTime: [
    { TimePeriod: { Start: '2026-12-04', End: '2027-01-01' }, MeanValue: '187342.1234', PredictionIntervalLowerBound: '171020.5', PredictionIntervalUpperBound: '203663.75' },
  ],
};

const ok = (body: unknown): Recorded => ({ status: 200, body });
const query: SpendCostsParams = { connectionId: 'aws-1', start: '2026-11-01', end: '2026-11-04', granularity: 'DAILY', metric: 'UnblendedCost', groupBy: { type: 'DIMENSION', key: 'SERVICE' } };

function setup(answers: Recorded[], options: { maxPages?: number } = {}) {
  const clock = { now: T0 };
  const waits: number[] = [];
  const backoff: BackoffOptions = {
    attempts: 5,
    baseMs: 1000,
    capMs: 16_000,
    random: () => 0.5,
    // The fake clock moves on instead of waiting.
    sleep: async (ms) => {
      waits.push(ms);
      clock.now += ms;
    },
  };
  const recorded = recordedCostExplorer(answers);
  const db = migratedDb();
  const accessed: string[] = [];
  const service = createSpendService({
    db,
    connections: {
      awsAccessOf: (id) => {
        accessed.push(id);
        if (id !== 'aws-1') throw new AppError('VALIDATION', '"prod" is a cluster, not an AWS account');
        return { credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-key-never-shown' }), region: 'eu-west-1' };
      },
    },
    log: createLogger(),
    now: () => clock.now,
    backoff,
    requestHandler: recorded.handler,
    ...options,
  });
  const requestRows = () => (db.prepare('SELECT operation, made_at FROM spend_requests ORDER BY id').all() as { operation: string; made_at: string }[]);
  return { service, clock, waits, sent: recorded.sent, left: recorded.left, requestRows, db, accessed };
}

describe('spend costs', () => {
  it('follows NextPageToken to the end, joins a period split across pages, and records each request before it is sent', async () => {
    const { service, sent, requestRows } = setup([ok(page1), ok(page2)]);
    const costs = await service.costs(query);
    expect(sent).toHaveLength(2);
    // Cost Explorer's endpoint is us-east-1 whatever the connection's region.
    expect(sent[0].hostname).toBe('ce.us-east-1.amazonaws.com');
    expect(sent[0].operation).toBe('GetCostAndUsage');
    expect(sent[0].body).toEqual({ TimePeriod: { Start: '2026-11-01', End: '2026-11-04' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] });
    expect(sent[1].body.NextPageToken).toBe('page-2');
    expect(costs.periods.map((p) => [p.start, p.end, p.total, p.estimated])).toEqual([
      ['2026-11-01', '2026-11-02', 6238.75, false],
      ['2026-11-02', '2026-11-03', 5100, false],
      ['2026-11-03', '2026-11-04', 37, true],
    ]);
    // Largest first, the page-2 half of 11-02 included.
    expect(costs.periods[1].groups).toEqual([
      { keys: ['Amazon Elastic Compute Cloud - Compute'], amount: 5000 },
      { keys: ['Amazon Simple Storage Service'], amount: 100 },
    ]);
    expect(costs).toMatchObject({ unit: 'USD', stale: false, fromCache: false, throttledRetries: 0, fetchedAt: new Date(T0).toISOString(), billableRequests: { thisQuery: 2, today: 2, total: 2 } });
    expect(requestRows()).toEqual([
      { operation: 'GetCostAndUsage', made_at: new Date(T0).toISOString() },
      { operation: 'GetCostAndUsage', made_at: new Date(T0).toISOString() },
    ]);
  });

  it('answers a second identical query within the TTL from the cache with zero requests, whatever the key order', async () => {
    const { service, sent, clock } = setup([ok(ungrouped), ok(ungrouped)]);
    // Settled days only (no period Estimated): kept 6 h.
    const settled = { ...query, groupBy: undefined };
    const first = await service.costs(settled);
    clock.now += PAST_TTL_MS - 1;
    const reordered = { metric: 'UnblendedCost', granularity: 'DAILY', end: '2026-11-04', start: '2026-11-01', connectionId: 'aws-1' } as const;
    const second = await service.costs(reordered);
    expect(sent).toHaveLength(1);
    expect(second.periods).toEqual(first.periods);
    expect(second).toMatchObject({ fromCache: true, stale: false, fetchedAt: new Date(T0).toISOString(), billableRequests: { thisQuery: 0, today: 1, total: 1 } });
    // Past the TTL (6 h for days that have all ended): asked again.
    clock.now += 2;
    expect((await service.costs(settled)).fromCache).toBe(false);
    expect(sent).toHaveLength(2);
  });

  it('keeps an answer with any Estimated period fresh for an hour only, however old its days (review #19)', async () => {
    // page2 marks 2026-11-03 Estimated: Cost Explorer is still revising it.
    const { service, sent, clock } = setup([ok(page1), ok(page2), ok(page1), ok(page2)]);
    await service.costs(query);
    clock.now += RECENT_TTL_MS - 1;
    expect((await service.costs(query)).fromCache).toBe(true);
    clock.now += 2;
    expect((await service.costs(query)).fromCache).toBe(false);
    expect(sent).toHaveLength(4);
  });

  it('keeps an answer reaching into today fresh for an hour only', async () => {
    const { service, sent, clock } = setup([ok(ungrouped), ok(ungrouped)]);
    const recent = { ...query, start: '2026-11-20', end: '2026-12-05', groupBy: undefined };
    await service.costs(recent);
    clock.now += RECENT_TTL_MS - 1;
    expect((await service.costs(recent)).fromCache).toBe(true);
    clock.now += 2;
    expect((await service.costs(recent)).fromCache).toBe(false);
    expect(sent).toHaveLength(2);
  });

  it('a different query (another grouping, metric, filter or connection) is not answered from the cache', async () => {
    const { service, sent } = setup([ok(ungrouped), ok(ungrouped), ok(ungrouped), ok(ungrouped)]);
    await service.costs(query);
    await service.costs({ ...query, groupBy: { type: 'TAG', key: 'SERVICE' } });
    await service.costs({ ...query, metric: 'AmortizedCost' });
    await service.costs({ ...query, filter: 'ec2-gpu' });
    expect(sent).toHaveLength(4);
    expect(sent[1].body.GroupBy).toEqual([{ Type: 'TAG', Key: 'SERVICE' }]);
    expect(sent[2].body.Metrics).toEqual(['AmortizedCost']);
    const filter = sent[3].body.Filter as { And: { Dimensions: { Key: string; Values: string[] } }[] };
    expect(filter.And[0].Dimensions).toEqual({ Key: 'SERVICE', Values: ['Amazon Elastic Compute Cloud - Compute'] });
    expect(filter.And[1].Dimensions.Key).toBe('INSTANCE_TYPE');
    expect(filter.And[1].Dimensions.Values).toContain('p5.48xlarge');
    expect(filter.And[1].Dimensions.Values).not.toContain('m5.large');
  });

  it('refresh asks again even when the cached answer is fresh: one request per page', async () => {
    const { service, sent } = setup([ok(page1), ok(page2), ok(page1), ok(page2)]);
    await service.costs(query);
    const refreshed = await service.costs({ ...query, refresh: true });
    expect(sent).toHaveLength(4);
    expect(refreshed).toMatchObject({ fromCache: false, billableRequests: { thisQuery: 2, today: 4, total: 4 } });
    // The refreshed answer is the cached one now.
    expect((await service.costs(query)).fromCache).toBe(true);
    expect(sent).toHaveLength(4);
  });

  it('two identical loads at once share their requests', async () => {
    const { service, sent } = setup([ok(page1), ok(page2)]);
    const [a, b] = await Promise.all([service.costs(query), service.costs(query)]);
    expect(sent).toHaveLength(2);
    expect(a.periods).toEqual(b.periods);
    expect([a.billableRequests.thisQuery, b.billableRequests.thisQuery].sort()).toEqual([0, 2]);
  });

  it('backs off on throttling (ThrottlingException, LimitExceededException, HTTP 429) with growing, jittered waits, then answers', async () => {
    const { service, sent, waits, requestRows } = setup([throttled(), throttled('LimitExceededException'), { status: 429, body: { __type: 'TooManyRequestsException', message: 'Slow down' } }, ok(ungrouped)]);
    const costs = await service.costs({ ...query, groupBy: undefined });
    expect(costs.periods.map((p) => p.total)).toEqual([6238.75, 5100]);
    expect(costs.throttledRetries).toBe(3);
    // Each throttled try is a request sent and recorded.
    expect(sent).toHaveLength(4);
    expect(requestRows()).toHaveLength(4);
    expect(costs.billableRequests.thisQuery).toBe(4);
    // random() = 0.5: three quarters of 1 s, 2 s, 4 s.
    expect(waits).toEqual([750, 1500, 3000]);
  });

  it('gives up after a bounded number of throttled tries and says so', async () => {
    const { service, sent, waits } = setup(Array.from({ length: 6 }, () => throttled()));
    const failed = await service.costs(query).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(AppError);
    expect((failed as AppError).code).toBe('BUSY');
    expect((failed as AppError).message).toMatch(/throttling.*5 tries over 11\.3 s/);
    expect(sent).toHaveLength(5);
    expect(waits).toHaveLength(4);
  });

  it('when throttled past the bound with an older answer kept, shows that answer marked stale', async () => {
    const { service, clock } = setup([ok(ungrouped), ...Array.from({ length: 5 }, () => throttled())]);
    await service.costs(query);
    clock.now += PAST_TTL_MS + HOUR;
    const stale = await service.costs(query);
    expect(stale).toMatchObject({ stale: true, staleBecause: 'throttled', fromCache: true, fetchedAt: new Date(T0).toISOString() });
    expect(stale.staleReason).toMatch(/throttling/);
  });

  it('offline: the cached answer marked stale with its age; a clear error when none is cached', async () => {
    const { service, clock, requestRows } = setup([ok(ungrouped), { networkError: 'ENOTFOUND' }, { networkError: 'ECONNREFUSED' }]);
    const first = await service.costs(query);
    clock.now += 3 * PAST_TTL_MS;
    const stale = await service.costs(query);
    expect(stale).toMatchObject({ stale: true, staleBecause: 'offline', fromCache: true, fetchedAt: new Date(T0).toISOString(), billableRequests: { thisQuery: 0 } });
    expect(stale.periods).toEqual(first.periods);
    expect(stale.staleReason).toMatch(/^Cannot reach Cost Explorer/);
    const none = await service.costs({ ...query, metric: 'AmortizedCost' }).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 'UNREACHABLE' });
    expect((none as AppError).message).toMatch(/Cannot reach Cost Explorer/);
    // Recorded before they were sent; the two that never connected were forgotten: AWS never saw them.
    expect(requestRows()).toHaveLength(1);
    expect(service.requests('aws-1').total).toBe(1);
  });

  it('a failing Cost Explorer (HTTP 5xx) shows the cached answer as stale, and is an error naming the status without one', async () => {
    const { service, clock } = setup([
      ok(ungrouped),
      { status: 503, body: '<html>Service Unavailable</html>', headers: { 'content-type': 'text/html' } },
      { status: 500, body: { __type: 'InternalServerError', message: 'boom' } },
    ]);
    await service.costs(query);
    clock.now += PAST_TTL_MS + 1;
    const stale = await service.costs(query);
    expect(stale).toMatchObject({ stale: true, staleBecause: 'failing', fromCache: true });
    expect(stale.staleReason).toMatch(/answered HTTP 503 to GetCostAndUsage/);
    await expect(service.costs({ ...query, metric: 'AmortizedCost' })).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/HTTP 500/) });
  });

  it('keeps counting a request that may have reached AWS (a reset or timed-out connection)', async () => {
    const { service, requestRows } = setup([{ networkError: 'ECONNRESET' }, { networkError: 'ETIMEDOUT' }]);
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'UNREACHABLE' });
    await expect(service.costs({ ...query, metric: 'AmortizedCost' })).rejects.toMatchObject({ code: 'UNREACHABLE' });
    expect(requestRows()).toHaveLength(2);
  });

  it('refuses a query that runs past the page bound, having sent no more than the bound', async () => {
    const endless = (n: number): Recorded => ok({ ResultsByTime: [], NextPageToken: `t${n}` });
    const { service, sent } = setup([endless(1), endless(2), endless(3), endless(4)], { maxPages: 3 });
    const failed = await service.costs(query).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'VALIDATION' });
    expect((failed as AppError).message).toMatch(/past 3 pages/);
    expect(sent).toHaveLength(3);
  });

  it('stops when Cost Explorer hands back a page token it already gave', async () => {
    const { service, sent } = setup([ok({ ResultsByTime: [], NextPageToken: 'same' }), ok({ ResultsByTime: [], NextPageToken: 'same' }), ok(ungrouped)]);
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(sent).toHaveLength(2);
  });

  it('says what is wrong when AWS refuses: no permission, bad credentials, bad query, bad amounts', async () => {
    const { service } = setup([
      { status: 400, body: { __type: 'AccessDeniedException', Message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ce:GetCostAndUsage' } },
      { status: 400, body: { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } },
      { status: 400, body: { __type: 'ValidationException', message: 'Start date (and hour) should be before end date (and hour)' } },
      ok({ ResultsByTime: [{ TimePeriod: { Start: '2026-11-01', End: '2026-11-02' }, Total: { UnblendedCost: { Amount: 'lots', Unit: 'USD' } }, Groups: [], Estimated: false }] }),
    ]);
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/may not call ce:GetCostAndUsage/) });
    await expect(service.costs({ ...query, metric: 'AmortizedCost' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(service.costs({ ...query, granularity: 'MONTHLY' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/refused the query: Start date/) });
    await expect(service.costs({ ...query, groupBy: undefined })).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/not a number: "lots"/) });
  });

  it('credentials that cannot be had are UNAUTHORIZED, and nothing is counted: nothing was sent', async () => {
    const recorded = recordedCostExplorer([]);
    const db = migratedDb();
    const service = createSpendService({
      db,
      connections: {
        awsAccessOf: () => ({
          credentials: async () => {
            throw Object.assign(new Error('The SSO session associated with this profile has expired'), { name: 'CredentialsProviderError' });
          },
          region: 'us-east-1',
        }),
      },
      log: createLogger(),
      requestHandler: recorded.handler,
    });
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/SSO session/) });
    expect(recorded.sent).toHaveLength(0);
    expect(service.requests('aws-1').total).toBe(0);
  });

  it('a connection that is not AWS is refused before any request', async () => {
    const { service, sent, requestRows } = setup([]);
    await expect(service.costs({ ...query, connectionId: 'k8s-1' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(sent).toHaveLength(0);
    expect(requestRows()).toHaveLength(0);
  });

  it('a cached answer that cannot be read is asked for again, not shown', async () => {
    const { service, sent, db } = setup([ok(ungrouped), ok(ungrouped)]);
    await service.costs(query);
    db.prepare(`UPDATE spend_cache SET response = '{not json'`).run();
    expect((await service.costs(query)).fromCache).toBe(false);
    expect(sent).toHaveLength(2);
  });
});

describe('spend forecast', () => {
  const forecast = { connectionId: 'aws-1', start: '2026-12-04', end: '2027-01-01', granularity: 'MONTHLY', metric: 'UnblendedCost' } as const;

  it('shapes a recorded GetCostForecast answer with its prediction interval, and caches it', async () => {
    const { service, sent } = setup([ok(forecastBody)]);
    const answer = await service.forecast(forecast);
    expect(sent[0]).toMatchObject({ hostname: 'ce.us-east-1.amazonaws.com', operation: 'GetCostForecast', body: { TimePeriod: { Start: '2026-12-04', End: '2027-01-01' }, Metric: 'UNBLENDED_COST', Granularity: 'MONTHLY', PredictionIntervalLevel: 80 } });
    expect(answer).toEqual({
      unit: 'USD',
      predictionIntervalLevel: 80,
      total: { mean: 187342.1234, lower: 171020.5, upper: 203663.75 },
      periods: [{ start: '2026-12-04', end: '2027-01-01', mean: 187342.1234, lower: 171020.5, upper: 203663.75 }],
      fetchedAt: new Date(T0).toISOString(),
      fromCache: false,
    });
    expect(await service.forecast(forecast)).toMatchObject({ fromCache: true, total: { mean: 187342.1234 } });
    expect(sent).toHaveLength(1);
    expect(service.requests('aws-1')).toEqual({ today: 1, thisMonth: 1, total: 1, pricePerRequestUsd: 0.01 });
  });

  it('reports unavailable when the endpoint fails (moto answers 500) or the account has too little history', async () => {
    const { service } = setup([
      { status: 500, body: '<!doctype html><title>500 Internal Server Error</title>', headers: { 'content-type': 'text/html' } },
      { status: 400, body: { __type: 'DataUnavailableException', Message: 'Insufficient amount of historical data to generate forecast.' } },
      { networkError: 'ECONNREFUSED' },
    ]);
    const failed = await service.forecast(forecast);
    expect(failed).toEqual({ unavailable: 'Cost Explorer answered HTTP 500 to GetCostForecast: it is failing, or this endpoint does not offer it' });
    expect(await service.forecast({ ...forecast, metric: 'AmortizedCost' })).toEqual({ unavailable: 'Cost Explorer has too little history for this account to forecast' });
    expect(await service.forecast({ ...forecast, granularity: 'DAILY' })).toEqual({ unavailable: expect.stringMatching(/^Cannot reach Cost Explorer/) });
  });

  it('refuses a forecast that starts in the past without a request', async () => {
    const { service, sent } = setup([]);
    await expect(service.forecast({ ...forecast, start: '2026-12-03' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(sent).toHaveLength(0);
  });
});

describe('spend requests', () => {
  it('counts billable requests today, this month and in all, by connection (UTC days)', async () => {
    const { service, clock } = setup([ok(ungrouped), ok(ungrouped), ok(ungrouped)]);
    clock.now = Date.parse('2026-11-30T23:59:00Z');
    await service.costs({ ...query, end: '2026-11-03' });
    clock.now = Date.parse('2026-12-01T00:00:00Z');
    await service.costs({ ...query, end: '2026-11-02' });
    clock.now = Date.parse('2026-12-02T08:00:00Z');
    const costs = await service.costs(query);
    expect(costs.billableRequests).toEqual({ thisQuery: 1, today: 1, total: 3 });
    expect(service.requests('aws-1')).toEqual({ today: 1, thisMonth: 2, total: 3, pricePerRequestUsd: 0.01 });
    expect(service.requests('aws-2')).toEqual({ today: 0, thisMonth: 0, total: 0, pricePerRequestUsd: 0.01 });
  });
});

describe('spend while Cost Explorer fails (review #19)', () => {
  const failing: Recorded = { status: 503, body: { __type: 'ServiceUnavailableException', message: 'down' } };

  it('answers loads within 15 minutes of a failure from the stale cache without a request; asks once after; Refresh asks at once', async () => {
    const { service, clock, sent, requestRows } = setup([ok(ungrouped), failing, failing, failing]);
    await service.costs(query);
    clock.now += PAST_TTL_MS + 1;
    const first = await service.costs(query);
    expect(first).toMatchObject({ stale: true, staleBecause: 'failing', billableRequests: { thisQuery: 0 } });
    const until = new Date(clock.now + FAILING_HOLD_MS).toISOString();
    expect(first.staleReason).toContain(`not asked again before ${until}`);
    for (let i = 0; i < 5; i++) {
      clock.now += (FAILING_HOLD_MS - 1) / 5 - 1;
      expect(await service.costs(query)).toMatchObject({ stale: true, staleBecause: 'failing', staleReason: expect.stringContaining(until) });
    }
    expect(sent).toHaveLength(2);
    clock.now += FAILING_HOLD_MS;
    expect((await service.costs(query)).stale).toBe(true);
    expect(sent).toHaveLength(3);
    // The user's explicit refresh asks now, hold or not.
    expect((await service.costs({ ...query, refresh: true })).stale).toBe(true);
    expect(sent).toHaveLength(4);
    expect(requestRows()).toHaveLength(4);
  });

  it('with nothing cached, says the failure again for 15 minutes without asking; other queries are still asked', async () => {
    const { service, clock, sent } = setup([failing, ok(ungrouped)]);
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/HTTP 503.*not asked again before/) });
    clock.now += 60_000;
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'UNREACHABLE' });
    expect(sent).toHaveLength(1);
    await service.costs({ ...query, metric: 'AmortizedCost' });
    expect(sent).toHaveLength(2);
  });

  it('does not hold off on a request stopped by its caller', async () => {
    const { service, sent } = setup([ok(ungrouped)]);
    const stop = new AbortController();
    stop.abort();
    await expect(service.costs(query, { signal: stop.signal })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect((await service.costs(query)).fromCache).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it('remembers a refusal at the page bound rather than billing the bound again on every retry (review #19)', async () => {
    const endless = (n: number): Recorded => ok({ ResultsByTime: [], NextPageToken: `t${n}` });
    const { service, sent, clock } = setup([endless(1), endless(2), endless(3), endless(4), endless(5), endless(6)], { maxPages: 3 });
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/past 3 pages/) });
    clock.now += HOUR;
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/past 3 pages.*not asked again before/) });
    expect(sent).toHaveLength(3);
    clock.now += PAGE_LIMIT_HOLD_MS;
    await expect(service.costs(query)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(sent).toHaveLength(6);
  });

  it('holds off a failing forecast too, saying so', async () => {
    const { service, sent, clock } = setup([failing, ok(forecastBody)]);
    const forecast = { connectionId: 'aws-1', start: '2026-12-04', end: '2027-01-01', granularity: 'MONTHLY', metric: 'UnblendedCost' } as const;
    expect(await service.forecast(forecast)).toEqual({ unavailable: expect.stringMatching(/HTTP 503/) });
    expect(await service.forecast(forecast)).toEqual({ unavailable: expect.stringMatching(/HTTP 503.*not asked again before/) });
    expect(sent).toHaveLength(1);
    clock.now += FAILING_HOLD_MS;
    expect(await service.forecast(forecast)).toMatchObject({ fromCache: false });
    expect(sent).toHaveLength(2);
  });
});

describe('spend: a connection whose credentials went (review #19)', () => {
  it('forgets its cached answers and failures, so the new account is asked; other connections keep theirs', async () => {
    const { service, sent, db, clock } = setup([ok(ungrouped), { status: 503, body: { __type: 'ServiceUnavailableException', message: 'down' } }, ok(ungrouped)]);
    await service.costs(query);
    db.prepare(`INSERT INTO spend_cache (connection_id, query_key, response, fetched_at, expires_at) VALUES ('aws-2', 'k', '[]', '2026-12-04T12:00:00Z', '2026-12-05T12:00:00Z')`).run();
    clock.now += PAST_TTL_MS + 1;
    expect((await service.costs(query)).stale).toBe(true);
    service.forgetConnection('aws-1');
    expect(db.prepare(`SELECT connection_id FROM spend_cache`).all()).toEqual([{ connection_id: 'aws-2' }]);
    // Neither the old account's costs nor its failure stand in: asked at once.
    expect(await service.costs(query)).toMatchObject({ stale: false, fromCache: false });
    expect(sent).toHaveLength(3);
    // The request record stays: those requests were billed.
    expect(service.requests('aws-1').total).toBe(3);
  });
});

describe('spend: stopping work that nobody waits for (review #19)', () => {
  /** A Cost Explorer that never answers, and fails a request when its abort signal fires, as the SDK's handlers do. */
  function hanging() {
    const signals: (AbortSignal | undefined)[] = [];
    const handler = {
      handle: (_request: unknown, options?: { abortSignal?: AbortSignal }) =>
        new Promise((_, reject) => {
          signals.push(options?.abortSignal);
          options?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })));
        }),
    };
    const db = migratedDb();
    const service = createSpendService({
      db,
      connections: { awsAccessOf: () => ({ credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x'.repeat(40) }), region: 'us-east-1' }) },
      log: createLogger(),
      requestHandler: handler as never,
    });
    const sentSoon = async (n: number) => {
      for (let i = 0; i < 200 && signals.length < n; i++) await new Promise((r) => setTimeout(r, 5));
      expect(signals).toHaveLength(n);
    };
    return { service, signals, sentSoon };
  }

  it("a caller's signal stops its request; a request shared with another caller goes on until both have gone", async () => {
    const { service, signals, sentSoon } = hanging();
    const a = new AbortController();
    const b = new AbortController();
    const first = service.costs(query, { signal: a.signal });
    const second = service.costs(query, { signal: b.signal });
    await sentSoon(1);
    a.abort();
    await expect(first).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(signals[0]?.aborted).toBe(false);
    b.abort(new AppError('TIMEOUT', 'its data source did not answer within 60 s'));
    await expect(second).rejects.toMatchObject({ code: 'TIMEOUT', message: 'its data source did not answer within 60 s' });
    expect(signals[0]?.aborted).toBe(true);
  });

  it('close stops the requests under way, costs and forecasts, and later calls fail at once', async () => {
    const { service, signals, sentSoon } = hanging();
    const costs = service.costs(query);
    const forecast = service.forecast({ connectionId: 'aws-1', start: '2099-01-01', end: '2099-02-01', granularity: 'MONTHLY', metric: 'UnblendedCost' });
    await sentSoon(2);
    service.close();
    await expect(costs).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(forecast).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(signals.every((s) => s?.aborted)).toBe(true);
    await expect(service.costs({ ...query, metric: 'AmortizedCost' })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(signals).toHaveLength(2);
  });

  it("the backoff's wait ends when the work is stopped, and no further try is sent", async () => {
    const waits: AbortSignal[] = [];
    const recorded = recordedCostExplorer([throttled(), ok(ungrouped)]);
    const service = createSpendService({
      db: migratedDb(),
      connections: { awsAccessOf: () => ({ credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x'.repeat(40) }), region: 'us-east-1' }) },
      log: createLogger(),
      backoff: {
        ...DEFAULT_BACKOFF,
        sleep: (ms, signal) => {
          if (signal) waits.push(signal);
          return abortableSleep(ms, signal);
        },
      },
      requestHandler: recorded.handler,
    });
    const stop = new AbortController();
    const load = service.costs(query, { signal: stop.signal });
    for (let i = 0; i < 200 && !waits.length; i++) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await expect(load).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(recorded.sent).toHaveLength(1);
  });
});

describe('abortableSleep', () => {
  it('waits, ends early with the abort reason, and rejects at once when already stopped', async () => {
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    const stop = new AbortController();
    const long = abortableSleep(60_000, stop.signal);
    stop.abort(new AppError('TIMEOUT', 'closing'));
    await expect(long).rejects.toMatchObject({ code: 'TIMEOUT', message: 'closing' });
    await expect(abortableSleep(60_000, stop.signal)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});

describe('spend: forgetting a connection mid-request (review #19)', () => {
  it("stops its request and keeps nothing the old credentials fetched", async () => {
    let answer: ((value: unknown) => void) | undefined;
    const signals: (AbortSignal | undefined)[] = [];
    const handler = {
      handle: (_request: unknown, options?: { abortSignal?: AbortSignal }) =>
        new Promise((resolve, reject) => {
          signals.push(options?.abortSignal);
          answer = resolve;
          options?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })));
        }),
    };
    const db = migratedDb();
    const service = createSpendService({
      db,
      connections: { awsAccessOf: () => ({ credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x'.repeat(40) }), region: 'us-east-1' }) },
      log: createLogger(),
      requestHandler: handler as never,
    });
    const load = service.costs(query);
    for (let i = 0; i < 200 && !answer; i++) await new Promise((r) => setTimeout(r, 5));
    service.forgetConnection('aws-1');
    await expect(load).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(signals[0]?.aborted).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM spend_cache').get()).toEqual({ n: 0 });
  });
});

describe('spend: a caller arriving just after the last one gave up', () => {
  it('starts its own request rather than join the one being stopped', async () => {
    let sent = 0;
    const handler = {
      handle: (_request: unknown, options: { abortSignal?: AbortSignal } = {}) => {
        sent++;
        // The first request hangs until it is stopped; the next answers.
        if (sent === 1) return new Promise((_resolve, reject) => options.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));
        return Promise.resolve({
          response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(JSON.stringify({ ResultsByTime: [], DimensionValueAttributes: [] }))]) },
        });
      },
    };
    const spend = createSpendService({
      db: migratedDb(),
      connections: { awsAccessOf: () => ({ credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x'.repeat(40) }), region: 'us-east-1' }) },
      log: createLogger(),
      now: () => Date.parse('2026-12-04T10:00:00Z'),
      backoff: { attempts: 2, baseMs: 1, capMs: 1, random: () => 0, sleep: async () => {} },
      requestHandler: handler as never,
    });
    const params: SpendCostsParams = { connectionId: 'aws-1', start: '2026-12-01', end: '2026-12-04', granularity: 'DAILY', metric: 'UnblendedCost' };
    const stop = new AbortController();
    const first = spend.costs(params, { signal: stop.signal }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 30));
    stop.abort();
    await expect(spend.costs(params)).resolves.toMatchObject({ stale: false, fromCache: false });
    expect(await first).toBeInstanceOf(Error);
    expect(sent).toBe(2);
  });
});
