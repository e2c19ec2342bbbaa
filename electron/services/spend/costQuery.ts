/**
 * Cost Explorer queries as the spend area asks them: the request bodies, the
 * cache key of a query (the same query in any key order has one key), and how
 * long an answer stays fresh.
 */
import { createHash } from 'node:crypto';
import type { GetCostAndUsageCommandInput, GetCostForecastCommandInput } from '@aws-sdk/client-cost-explorer';
import { GPU_INSTANCE_TYPES, type SpendCostsParams, type SpendForecastParams } from '../../../shared/contract';

/** A cost query without what only steers the call (the connection, `refresh`). */
export type CostQuery = Omit<SpendCostsParams, 'connectionId' | 'refresh'>;
/** A forecast query without the connection. */
export type ForecastQuery = Omit<SpendForecastParams, 'connectionId'>;

/** The prediction interval asked for (Cost Explorer's default). */
export const PREDICTION_INTERVAL_LEVEL = 80;

/** How long an answer about days that have all ended stays fresh: Cost Explorer revises them a few times a day at most. */
export const PAST_TTL_MS = 6 * 3_600_000;
/** How long an answer reaching into the last two days (still being billed) stays fresh. */
export const RECENT_TTL_MS = 3_600_000;

/** The SERVICE value of EC2 instance-hours in Cost Explorer. */
const EC2_COMPUTE = 'Amazon Elastic Compute Cloud - Compute';

/** JSON with object keys sorted at every level, so equal values give equal text whatever order they were built in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The cache key of one operation's query: a hash of its normalised JSON, so
 * a tag key of any length or content makes a short, plain key.
 */
export function queryKey(operation: 'GetCostAndUsage' | 'GetCostForecast', query: CostQuery | ForecastQuery): string {
  // Only what Cost Explorer is asked: a caller's extra fields (the connection, `refresh`) never split the cache.
  const { start, end, granularity, metric } = query;
  const normal =
    operation === 'GetCostAndUsage'
      ? { operation, start, end, granularity, metric, groupBy: (query as CostQuery).groupBy, filter: (query as CostQuery).filter }
      : { operation, start, end, granularity, metric };
  return createHash('sha256').update(stableJson(normal)).digest('hex');
}

const forecastMetric = { UnblendedCost: 'UNBLENDED_COST', AmortizedCost: 'AMORTIZED_COST' } as const;

/** The GetCostAndUsage request for `query`, at page `nextPageToken`. */
export function costAndUsageInput(query: CostQuery, nextPageToken?: string): GetCostAndUsageCommandInput {
  return {
    TimePeriod: { Start: query.start, End: query.end },
    Granularity: query.granularity,
    Metrics: [query.metric],
    ...(query.groupBy ? { GroupBy: [{ Type: query.groupBy.type, Key: query.groupBy.key }] } : {}),
    ...(query.filter === 'ec2-gpu'
      ? {
          Filter: {
            And: [
              { Dimensions: { Key: 'SERVICE', Values: [EC2_COMPUTE] } },
              { Dimensions: { Key: 'INSTANCE_TYPE', Values: [...GPU_INSTANCE_TYPES] } },
            ],
          },
        }
      : {}),
    ...(nextPageToken ? { NextPageToken: nextPageToken } : {}),
  };
}

/** The GetCostForecast request for `query`. */
export function forecastInput(query: ForecastQuery): GetCostForecastCommandInput {
  return {
    TimePeriod: { Start: query.start, End: query.end },
    Granularity: query.granularity,
    Metric: forecastMetric[query.metric],
    PredictionIntervalLevel: PREDICTION_INTERVAL_LEVEL,
  };
}

/** YYYY-MM-DD of `ms`, UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * How long an answer about [start, end) stays fresh at `now`: shorter when
 * the range reaches into yesterday or later, whose costs are still coming in,
 * or when Cost Explorer marked any period of the answer `Estimated` (it is
 * still revising it, whatever its date). Forecasts change with each day's
 * spend, so they count as recent.
 */
export function cacheTtlMs(end: string, now: number, operation: 'GetCostAndUsage' | 'GetCostForecast' = 'GetCostAndUsage', estimated = false): number {
  if (operation === 'GetCostForecast' || estimated) return RECENT_TTL_MS;
  const settled = utcDay(now - 86_400_000);
  return end > settled ? RECENT_TTL_MS : PAST_TTL_MS;
}
