import { z } from 'zod';
import { defineArea, method } from './area';

const ConnectionId = z.string().min(1).max(64);

/** What one Cost Explorer request costs (USD): every GetCostAndUsage and GetCostForecast call is billed. */
export const SPEND_REQUEST_PRICE_USD = 0.01;

/** Longest range asked of Cost Explorer in one query (it keeps 14 months of daily data, 38 of monthly). */
export const SPEND_MAX_RANGE_DAYS = 1200;

const MS_PER_DAY = 86_400_000;

/** Whole days from `start` to `end` (both YYYY-MM-DD, UTC). */
export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / MS_PER_DAY);
}

/** A calendar day, YYYY-MM-DD, as Cost Explorer takes it (UTC). */
export const SpendDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date is YYYY-MM-DD')
  .refine((s) => {
    const ms = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(s);
  }, 'Not a calendar date');

/** Daily or monthly buckets. */
export const SpendGranularity = z.enum(['DAILY', 'MONTHLY']);
export type SpendGranularity = z.infer<typeof SpendGranularity>;

/** Unblended (as billed) or amortized (upfront reservation and savings-plan fees spread over their term). */
export const SpendMetric = z.enum(['UnblendedCost', 'AmortizedCost']);
export type SpendMetric = z.infer<typeof SpendMetric>;

/** The dimensions a cost breakdown may group by. */
export const SpendDimension = z.enum(['SERVICE', 'LINKED_ACCOUNT', 'INSTANCE_TYPE']);

/**
 * A cost allocation tag key, as the user typed it. Cost Explorer tag keys are
 * at most 128 characters; control characters are refused so a key cannot
 * smuggle anything into a log line or the cache key.
 */
export const SpendTagKey = z
  .string()
  .trim()
  .min(1, 'Type a tag key')
  .max(128, 'A tag key is at most 128 characters')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(s), 'A tag key cannot hold control or invisible characters');

/** Group costs by one dimension or by one cost allocation tag. */
export const SpendGroupBy = z.discriminatedUnion('type', [
  z.object({ type: z.literal('DIMENSION'), key: SpendDimension }).strict(),
  z.object({ type: z.literal('TAG'), key: SpendTagKey }).strict(),
]);
export type SpendGroupBy = z.infer<typeof SpendGroupBy>;

/**
 * EC2 instance types with NVIDIA GPUs, for the `ec2-gpu` filter preset
 * (Cost Explorer's INSTANCE_TYPE filter matches whole values only).
 */
export const GPU_INSTANCE_TYPES = [
  'p3.2xlarge', 'p3.8xlarge', 'p3.16xlarge', 'p3dn.24xlarge',
  'p4d.24xlarge', 'p4de.24xlarge',
  'p5.48xlarge', 'p5e.48xlarge', 'p5en.48xlarge', 'p6-b200.48xlarge',
  'g4dn.xlarge', 'g4dn.2xlarge', 'g4dn.4xlarge', 'g4dn.8xlarge', 'g4dn.12xlarge', 'g4dn.16xlarge', 'g4dn.metal',
  'g5.xlarge', 'g5.2xlarge', 'g5.4xlarge', 'g5.8xlarge', 'g5.12xlarge', 'g5.16xlarge', 'g5.24xlarge', 'g5.48xlarge',
  'g6.xlarge', 'g6.2xlarge', 'g6.4xlarge', 'g6.8xlarge', 'g6.12xlarge', 'g6.16xlarge', 'g6.24xlarge', 'g6.48xlarge',
  'g6e.xlarge', 'g6e.2xlarge', 'g6e.4xlarge', 'g6e.8xlarge', 'g6e.12xlarge', 'g6e.16xlarge', 'g6e.24xlarge', 'g6e.48xlarge',
] as const;

/** Filter presets: `ec2-gpu` keeps EC2 compute on {@link GPU_INSTANCE_TYPES} only. */
export const SpendFilter = z.enum(['ec2-gpu']);
export type SpendFilter = z.infer<typeof SpendFilter>;

const rangeChecks = <T extends { start: string; end: string }>(q: T, ctx: z.core.$RefinementCtx<T>) => {
  const days = daysBetween(q.start, q.end);
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['end'], message: 'The end (exclusive) must come after the start' });
  else if (days > SPEND_MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['end'], message: `A range is at most ${SPEND_MAX_RANGE_DAYS} days` });
};

/** One cost query: `end` is exclusive, as Cost Explorer has it. */
export const SpendCostsParams = z
  .object({
    /** An AWS connection. */
    connectionId: ConnectionId,
    start: SpendDate,
    end: SpendDate,
    granularity: SpendGranularity,
    metric: SpendMetric,
    groupBy: SpendGroupBy.optional(),
    filter: SpendFilter.optional(),
    /** Ask Cost Explorer even when a cached answer is fresh (one billable request per page). */
    refresh: z.boolean().optional(),
  })
  .strict()
  .superRefine(rangeChecks);
export type SpendCostsParams = z.infer<typeof SpendCostsParams>;

/** Billable Cost Explorer requests ($0.01 each) made for one connection. */
export const SpendRequestCounts = z.object({
  /** Since midnight UTC. */
  today: z.number().int().nonnegative(),
  /** Since the first of this month, UTC. */
  thisMonth: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** What one request costs, USD. */
  pricePerRequestUsd: z.number(),
});
export type SpendRequestCounts = z.infer<typeof SpendRequestCounts>;

/** One bucket of time. */
export const SpendPeriod = z.object({
  start: z.string(),
  /** Exclusive. */
  end: z.string(),
  /** The whole bucket (the groups' sum when grouped). */
  total: z.number(),
  /** By group, largest first; empty when not grouped. */
  groups: z.array(z.object({ keys: z.array(z.string()), amount: z.number() })),
  /** Cost Explorer's figures for this bucket may still change (billing has not closed). */
  estimated: z.boolean(),
});
export type SpendPeriod = z.infer<typeof SpendPeriod>;

/** Costs by period. */
export const SpendCosts = z.object({
  periods: z.array(SpendPeriod),
  /** The currency, e.g. "USD". */
  unit: z.string(),
  /** When Cost Explorer gave this answer (ISO). */
  fetchedAt: z.string(),
  /** Cost Explorer could not be asked (offline, throttled): this is an older answer, `fetchedAt` says how old. */
  stale: z.boolean(),
  /** Why the answer is stale, in a word for the badge: no answer at all, throttled past the bound, or HTTP 5xx. */
  staleBecause: z.enum(['offline', 'throttled', 'failing']).optional(),
  /** Why the answer is stale, in full, for the badge's title. */
  staleReason: z.string().optional(),
  /** Answered from the cache, without a request. */
  fromCache: z.boolean(),
  /** Throttled requests retried (after backing off) to get this answer. */
  throttledRetries: z.number().int().nonnegative(),
  billableRequests: z.object({
    /** Requests this call made: 0 from the cache, one per page (and per retry) otherwise. */
    thisQuery: z.number().int().nonnegative(),
    today: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
});
export type SpendCosts = z.infer<typeof SpendCosts>;

/** A forecast query: `start` no earlier than today (UTC), `end` exclusive. */
export const SpendForecastParams = z
  .object({ connectionId: ConnectionId, start: SpendDate, end: SpendDate, granularity: SpendGranularity, metric: SpendMetric })
  .strict()
  .superRefine(rangeChecks);
export type SpendForecastParams = z.infer<typeof SpendForecastParams>;

/** Forecast spend, with its prediction interval. */
export const SpendForecastValue = z.object({
  unit: z.string(),
  /** The interval's confidence, percent (Cost Explorer's PredictionIntervalLevel). */
  predictionIntervalLevel: z.number(),
  total: z.object({ mean: z.number(), lower: z.number().optional(), upper: z.number().optional() }),
  periods: z.array(z.object({ start: z.string(), end: z.string(), mean: z.number(), lower: z.number().optional(), upper: z.number().optional() })),
  fetchedAt: z.string(),
  fromCache: z.boolean(),
});
export type SpendForecastValue = z.infer<typeof SpendForecastValue>;

/** A forecast, or why there is none (the account has too little history, the endpoint does not offer it…). */
export const SpendForecast = z.union([SpendForecastValue, z.object({ unavailable: z.string() })]);
export type SpendForecast = z.infer<typeof SpendForecast>;

/** The Spend area: AWS Cost Explorer costs and forecasts, cached because every request is billed (#19). */
export const spendContract = defineArea('spend', {
  methods: {
    /** Costs by period (GetCostAndUsage, every page), cached by query; a stale cached answer when Cost Explorer cannot be reached. */
    'spend.costs': method(SpendCostsParams, SpendCosts),
    /** Forecast spend (GetCostForecast), cached; `unavailable` with the reason when Cost Explorer will not forecast. */
    'spend.forecast': method(SpendForecastParams, SpendForecast),
    /** How many billable requests were made for the connection. */
    'spend.requests': method(z.object({ connectionId: ConnectionId }).strict(), SpendRequestCounts),
  },
});
