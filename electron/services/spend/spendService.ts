/**
 * What the Spend page asks of AWS Cost Explorer, answered as cheaply as
 * possible: every request is billed, so answers are cached by query (a second
 * identical load within the TTL sends nothing, and loads of one query under
 * way at once share their requests), every request is recorded before it is
 * sent (and forgotten if it never left: no connection, no credentials), and an older answer marked stale stands in when Cost Explorer cannot
 * be reached.
 */
import { GetCostAndUsageCommand, GetCostForecastCommand } from '@aws-sdk/client-cost-explorer';
import { SPEND_REQUEST_PRICE_USD, type SpendCosts, type SpendCostsParams, type SpendForecast, type SpendForecastParams, type SpendRequestCounts } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ConnectionService } from '../connections/connectionService';
import type { Logger } from '../logging/logger';
import type { Database } from '../store/database';
import { CostExplorerUnavailable, DEFAULT_BACKOFF, createCostExplorerClient, sendWithBackoff, type BackoffOptions, type RequestHandler } from './costExplorer';
import { PREDICTION_INTERVAL_LEVEL, cacheTtlMs, costAndUsageInput, forecastInput, queryKey, utcDay, type CostQuery } from './costQuery';
import { shapeCostPages, shapeForecast, type CostPage, type ForecastAnswer } from './costShape';
import { createSpendStore, type CachedAnswer } from './spendStore';

/** Most pages one query may take; a query needing more is refused rather than billing without end. */
export const MAX_PAGES = 100;

/** The spend area's work. */
export interface SpendService {
  costs(params: SpendCostsParams): Promise<SpendCosts>;
  forecast(params: SpendForecastParams): Promise<SpendForecast>;
  requests(connectionId: string): SpendRequestCounts;
}

export interface SpendServiceDeps {
  /** Holds the cache and the request record (migration 010). */
  db: Database;
  connections: Pick<ConnectionService, 'awsAccessOf'>;
  log: Logger;
  /** The clock (ms); `Date.now` by default. */
  now?: () => number;
  /** How throttled requests are retried; tests give a sleep that does not wait. */
  backoff?: BackoffOptions;
  /** In place of the network (tests feed recorded HTTP responses). */
  requestHandler?: RequestHandler;
  maxPages?: number;
}

interface Fetched {
  pages: CostPage[];
  fetchedAt: number;
  requests: number;
  throttledRetries: number;
}

/** Builds the service on `deps.db`. */
export function createSpendService(deps: SpendServiceDeps): SpendService {
  const store = createSpendStore(deps.db);
  const now = deps.now ?? Date.now;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const maxPages = deps.maxPages ?? MAX_PAGES;
  // Loads of one query under way at once share their requests.
  const inFlight = new Map<string, Promise<Fetched>>();

  const parsed = <T>(answer: CachedAnswer | undefined): T | undefined => {
    if (!answer) return undefined;
    try {
      return JSON.parse(answer.response) as T;
    } catch {
      return undefined;
    }
  };

  const fetchPages = async (connectionId: string, key: string, query: CostQuery): Promise<Fetched> => {
    const access = deps.connections.awsAccessOf(connectionId);
    const client = createCostExplorerClient(access, deps.requestHandler);
    const pages: CostPage[] = [];
    const seen = new Set<string>();
    let requests = 0;
    let throttledRetries = 0;
    try {
      let token: string | undefined;
      do {
        if (pages.length >= maxPages) {
          throw new AppError('VALIDATION', `Cost Explorer's answer runs past ${maxPages} pages (each a billed request); choose a shorter range, monthly buckets or a coarser grouping`);
        }
        const input = costAndUsageInput(query, token);
        const { value, throttledRetries: retries } = await sendWithBackoff(
          () => client.send(new GetCostAndUsageCommand(input)),
          () => {
            const id = store.recordRequest(connectionId, 'GetCostAndUsage', now());
            requests++;
            return () => {
              store.forgetRequest(id);
              requests--;
            };
          },
          { operation: 'GetCostAndUsage', endpoint: access.endpoint },
          backoff,
        );
        throttledRetries += retries;
        pages.push({ ResultsByTime: value.ResultsByTime ?? [] });
        token = value.NextPageToken || undefined;
        if (token !== undefined) {
          if (seen.has(token)) throw new AppError('INTERNAL', 'Cost Explorer handed back a page token it had already given; stopped rather than ask again');
          seen.add(token);
        }
      } while (token !== undefined);
    } finally {
      client.destroy();
    }
    if (throttledRetries) deps.log.warn('Cost Explorer throttled requests; backed off and retried', { connectionId, throttledRetries });
    const fetchedAt = now();
    store.keep(connectionId, key, { response: JSON.stringify(pages), fetchedAt, expiresAt: fetchedAt + cacheTtlMs(query.end, fetchedAt) });
    return { pages, fetchedAt, requests, throttledRetries };
  };

  return {
    async costs(params) {
      const { connectionId, refresh, ...query } = params;
      const key = queryKey('GetCostAndUsage', query);
      const cached = store.cached(connectionId, key);
      const cachedPages = parsed<CostPage[]>(cached);
      const answer = (pages: CostPage[], fetchedAt: number, extra: Pick<SpendCosts, 'stale' | 'fromCache' | 'throttledRetries' | 'staleReason' | 'staleBecause'>, thisQuery: number): SpendCosts => {
        const counts = store.counts(connectionId, now());
        return {
          ...shapeCostPages(pages, query.metric, query.groupBy),
          fetchedAt: new Date(fetchedAt).toISOString(),
          ...extra,
          billableRequests: { thisQuery, today: counts.today, total: counts.total },
        };
      };
      if (cached && cachedPages && !refresh && cached.expiresAt > now()) {
        return answer(cachedPages, cached.fetchedAt, { stale: false, fromCache: true, throttledRetries: 0 }, 0);
      }
      const flightKey = `${connectionId}\0${key}`;
      let flight = inFlight.get(flightKey);
      const joined = flight !== undefined;
      if (!flight) {
        flight = fetchPages(connectionId, key, query).finally(() => inFlight.delete(flightKey));
        inFlight.set(flightKey, flight);
      }
      try {
        const fetched = await flight;
        return answer(fetched.pages, fetched.fetchedAt, { stale: false, fromCache: joined, throttledRetries: fetched.throttledRetries }, joined ? 0 : fetched.requests);
      } catch (err) {
        if (err instanceof CostExplorerUnavailable && cached && cachedPages) {
          deps.log.warn('Cost Explorer unavailable; showing the cached answer as stale', { connectionId, reason: err.reason });
          return answer(cachedPages, cached.fetchedAt, { stale: true, staleBecause: err.reason, staleReason: err.message, fromCache: true, throttledRetries: 0 }, 0);
        }
        throw err;
      }
    },

    async forecast(params) {
      const { connectionId, ...query } = params;
      if (query.start < utcDay(now())) throw new AppError('VALIDATION', `A forecast starts today (${utcDay(now())}) or later`);
      const key = queryKey('GetCostForecast', query);
      const cached = store.cached(connectionId, key);
      const cachedAnswer = parsed<ForecastAnswer>(cached);
      if (cached && cachedAnswer && cached.expiresAt > now()) {
        return { ...shapeForecast(cachedAnswer, PREDICTION_INTERVAL_LEVEL), fetchedAt: new Date(cached.fetchedAt).toISOString(), fromCache: true };
      }
      const access = deps.connections.awsAccessOf(connectionId);
      const client = createCostExplorerClient(access, deps.requestHandler);
      try {
        const { value } = await sendWithBackoff(
          () => client.send(new GetCostForecastCommand(forecastInput(query))),
          () => {
            const id = store.recordRequest(connectionId, 'GetCostForecast', now());
            return () => store.forgetRequest(id);
          },
          { operation: 'GetCostForecast', endpoint: access.endpoint },
          backoff,
        );
        const kept: ForecastAnswer = { Total: value.Total, ForecastResultsByTime: value.ForecastResultsByTime };
        const shaped = shapeForecast(kept, PREDICTION_INTERVAL_LEVEL);
        const fetchedAt = now();
        store.keep(connectionId, key, { response: JSON.stringify(kept), fetchedAt, expiresAt: fetchedAt + cacheTtlMs(query.end, fetchedAt, 'GetCostForecast') });
        return { ...shaped, fetchedAt: new Date(fetchedAt).toISOString(), fromCache: false };
      } catch (err) {
        // A forecast is extra: whatever stops it (too little history, an endpoint without it, no permission) is said, not raised.
        const error = err instanceof AppError ? err : new AppError('INTERNAL', String(err));
        deps.log.info('no Cost Explorer forecast', { connectionId, code: error.code });
        return { unavailable: error.code === 'NOT_FOUND' ? 'Cost Explorer has too little history for this account to forecast' : error.message };
      } finally {
        client.destroy();
      }
    },

    requests(connectionId) {
      return { ...store.counts(connectionId, now()), pricePerRequestUsd: SPEND_REQUEST_PRICE_USD };
    },
  };
}
