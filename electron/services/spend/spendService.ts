/**
 * What the Spend page asks of AWS Cost Explorer, answered as cheaply as
 * possible: every request is billed, so answers are cached by query (a second
 * identical load within the TTL sends nothing, and loads of one query under
 * way at once share their requests), every request is recorded before it is
 * sent (and forgotten if it never left: no connection, no credentials), an
 * older answer marked stale stands in when Cost Explorer cannot be reached,
 * and a query Cost Explorer failed on is not asked again for a while (only
 * an explicit refresh asks sooner).
 */
import { GetCostAndUsageCommand, GetCostForecastCommand } from '@aws-sdk/client-cost-explorer';
import { SPEND_REQUEST_PRICE_USD, type SpendCosts, type SpendCostsParams, type SpendForecast, type SpendForecastParams, type SpendRequestCounts } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ConnectionService } from '../connections/connectionService';
import type { Logger } from '../logging/logger';
import type { Database } from '../store/database';
import { CostExplorerUnavailable, DEFAULT_BACKOFF, createCostExplorerClient, sendWithBackoff, stoppedError, type BackoffOptions, type RequestHandler } from './costExplorer';
import { PAST_TTL_MS, PREDICTION_INTERVAL_LEVEL, cacheTtlMs, costAndUsageInput, forecastInput, queryKey, utcDay, type CostQuery } from './costQuery';
import { shapeCostPages, shapeForecast, type CostPage, type ForecastAnswer } from './costShape';
import { createSpendStore, type CachedAnswer } from './spendStore';

/** Most pages one query may take; a query needing more is refused rather than billing without end. */
export const MAX_PAGES = 100;

/** How long a query Cost Explorer failed on (offline, throttled past the bound, HTTP 5xx) is not asked again, unless refreshed. */
export const FAILING_HOLD_MS = 15 * 60_000;
/** How long a query refused for running past the page bound is refused without asking (it would bill the bound again). */
export const PAGE_LIMIT_HOLD_MS = PAST_TTL_MS;

/** What a caller may add to a call. */
export interface SpendCallOptions {
  /** Stops the caller's wait; the requests stop too when no other caller shares them. */
  signal?: AbortSignal;
}

/** The spend area's work. */
export interface SpendService {
  costs(params: SpendCostsParams, options?: SpendCallOptions): Promise<SpendCosts>;
  forecast(params: SpendForecastParams, options?: SpendCallOptions): Promise<SpendForecast>;
  requests(connectionId: string): SpendRequestCounts;
  /** Forgets what was learnt with a connection's credentials (cached answers, failures) and stops its requests under way: they were replaced, or the connection deleted. */
  forgetConnection(connectionId: string): void;
  /** Stops every request under way (and its backoff); later calls fail at once. */
  close(): void;
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

/** Requests under way for one query, shared by the callers waiting on them. */
interface Flight {
  connectionId: string;
  promise: Promise<Fetched>;
  stop: AbortController;
  /** Callers still waiting; when the last one gives up, the requests stop. */
  waiters: number;
}

/** A query not to be asked again before `until` (ms), and why. */
interface Hold {
  connectionId: string;
  until: number;
  error: AppError;
}

/** The error again, saying when the query will be asked next: each request is billed. */
function heldError(err: AppError, until: number, refreshable: boolean): AppError {
  const message = `${err.message} (not asked again before ${new Date(until).toISOString()}, as each request is billed${refreshable ? '; Refresh asks now' : ''})`;
  return err instanceof CostExplorerUnavailable ? new CostExplorerUnavailable(err.code, message, err.reason) : new AppError(err.code, message);
}

/** Waits for `promise`, or rejects when `signal` aborts, calling `leave` once then. */
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined, leave: () => void): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    leave();
    return Promise.reject(stoppedError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      leave();
      reject(stoppedError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Builds the service on `deps.db`. */
export function createSpendService(deps: SpendServiceDeps): SpendService {
  const store = createSpendStore(deps.db);
  const now = deps.now ?? Date.now;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const maxPages = deps.maxPages ?? MAX_PAGES;
  const closing = new AbortController();
  // Loads of one query under way at once share their requests.
  const inFlight = new Map<string, Flight>();
  // Queries that failed, by connection and query key: not asked again before their time, so neither the page nor an alert bills a request per load.
  const holds = new Map<string, Hold>();
  // Forecasts under way, stopped by close or when their connection is forgotten.
  const forecasts = new Set<{ connectionId: string; stop: AbortController }>();

  const hold = (flightKey: string, connectionId: string, err: AppError, ms: number, refreshable = true): AppError => {
    const until = now() + ms;
    const error = heldError(err, until, refreshable);
    holds.set(flightKey, { connectionId, until, error });
    return error;
  };
  const heldOff = (flightKey: string): Hold | undefined => {
    const h = holds.get(flightKey);
    if (h && h.until <= now()) holds.delete(flightKey);
    return h && h.until > now() ? h : undefined;
  };

  const parsed = <T>(answer: CachedAnswer | undefined): T | undefined => {
    if (!answer) return undefined;
    try {
      return JSON.parse(answer.response) as T;
    } catch {
      return undefined;
    }
  };

  const fetchPages = async (connectionId: string, key: string, query: CostQuery, signal: AbortSignal): Promise<Fetched> => {
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
          const refusal = new AppError('VALIDATION', `Cost Explorer's answer runs past ${maxPages} pages (each a billed request); choose a shorter range, monthly buckets or a coarser grouping`);
          throw hold(`${connectionId}\0${key}`, connectionId, refusal, PAGE_LIMIT_HOLD_MS);
        }
        const input = costAndUsageInput(query, token);
        const { value, throttledRetries: retries } = await sendWithBackoff(
          (abortSignal) => client.send(new GetCostAndUsageCommand(input), { abortSignal }),
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
          signal,
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
    // Answers stopped or forgotten meanwhile (credentials replaced) are not kept.
    if (signal.aborted) throw stoppedError(signal);
    const fetchedAt = now();
    const estimated = pages.some((p) => p.ResultsByTime?.some((r) => r.Estimated === true));
    store.keep(connectionId, key, { response: JSON.stringify(pages), fetchedAt, expiresAt: fetchedAt + cacheTtlMs(query.end, fetchedAt, 'GetCostAndUsage', estimated) });
    return { pages, fetchedAt, requests, throttledRetries };
  };

  return {
    async costs(params, options = {}) {
      const { connectionId, refresh, ...query } = params;
      const key = queryKey('GetCostAndUsage', query);
      const flightKey = `${connectionId}\0${key}`;
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
      const staleOr = (err: AppError): SpendCosts => {
        if (err instanceof CostExplorerUnavailable && cached && cachedPages) {
          return answer(cachedPages, cached.fetchedAt, { stale: true, staleBecause: err.reason, staleReason: err.message, fromCache: true, throttledRetries: 0 }, 0);
        }
        throw err;
      };
      if (cached && cachedPages && !refresh && cached.expiresAt > now()) {
        return answer(cachedPages, cached.fetchedAt, { stale: false, fromCache: true, throttledRetries: 0 }, 0);
      }
      if (closing.signal.aborted) throw stoppedError(closing.signal);
      if (options.signal?.aborted) throw stoppedError(options.signal);
      const held = refresh ? undefined : heldOff(flightKey);
      if (held) return staleOr(held.error);
      let flight = inFlight.get(flightKey);
      // One whose callers all gave up is stopping: a new caller starts afresh rather than inherit its cancel.
      if (flight?.stop.signal.aborted) flight = undefined;
      const joined = flight !== undefined;
      if (!flight) {
        const stop = new AbortController();
        const signal = AbortSignal.any([stop.signal, closing.signal]);
        const started: Flight = {
          connectionId,
          stop,
          waiters: 0,
          promise: fetchPages(connectionId, key, query, signal)
            .catch((err: unknown) => {
              if (err instanceof CostExplorerUnavailable && !signal.aborted) throw hold(flightKey, connectionId, err, FAILING_HOLD_MS);
              throw err;
            })
            .finally(() => {
              if (inFlight.get(flightKey) === started) inFlight.delete(flightKey);
            }),
        };
        // Its callers may all have given up: then nobody hears how it ended.
        started.promise.catch(() => {});
        flight = started;
        inFlight.set(flightKey, flight);
      }
      const mine = flight;
      mine.waiters++;
      try {
        const fetched = await waitFor(mine.promise, options.signal, () => {
          if (--mine.waiters > 0) return;
          mine.stop.abort();
          if (inFlight.get(flightKey) === mine) inFlight.delete(flightKey);
        });
        return answer(fetched.pages, fetched.fetchedAt, { stale: false, fromCache: joined, throttledRetries: fetched.throttledRetries }, joined ? 0 : fetched.requests);
      } catch (err) {
        if (err instanceof CostExplorerUnavailable) {
          if (cached && cachedPages) deps.log.warn('Cost Explorer unavailable; showing the cached answer as stale', { connectionId, reason: err.reason });
          return staleOr(err);
        }
        throw err;
      }
    },

    async forecast(params, options = {}) {
      const { connectionId, ...query } = params;
      if (query.start < utcDay(now())) throw new AppError('VALIDATION', `A forecast starts today (${utcDay(now())}) or later`);
      const key = queryKey('GetCostForecast', query);
      const cached = store.cached(connectionId, key);
      const cachedAnswer = parsed<ForecastAnswer>(cached);
      if (cached && cachedAnswer && cached.expiresAt > now()) {
        return { ...shapeForecast(cachedAnswer, PREDICTION_INTERVAL_LEVEL), fetchedAt: new Date(cached.fetchedAt).toISOString(), fromCache: true };
      }
      const flightKey = `${connectionId}\0${key}`;
      const held = heldOff(flightKey);
      if (held) return { unavailable: held.error.message };
      const access = deps.connections.awsAccessOf(connectionId);
      const client = createCostExplorerClient(access, deps.requestHandler);
      const entry = { connectionId, stop: new AbortController() };
      forecasts.add(entry);
      const signal = AbortSignal.any([entry.stop.signal, closing.signal, ...(options.signal ? [options.signal] : [])]);
      try {
        const { value } = await sendWithBackoff(
          (abortSignal) => client.send(new GetCostForecastCommand(forecastInput(query)), { abortSignal }),
          () => {
            const id = store.recordRequest(connectionId, 'GetCostForecast', now());
            return () => store.forgetRequest(id);
          },
          { operation: 'GetCostForecast', endpoint: access.endpoint },
          backoff,
          signal,
        );
        if (signal.aborted) throw stoppedError(signal);
        const kept: ForecastAnswer = { Total: value.Total, ForecastResultsByTime: value.ForecastResultsByTime };
        const shaped = shapeForecast(kept, PREDICTION_INTERVAL_LEVEL);
        const fetchedAt = now();
        store.keep(connectionId, key, { response: JSON.stringify(kept), fetchedAt, expiresAt: fetchedAt + cacheTtlMs(query.end, fetchedAt, 'GetCostForecast') });
        return { ...shaped, fetchedAt: new Date(fetchedAt).toISOString(), fromCache: false };
      } catch (err) {
        if (signal.aborted) throw stoppedError(signal);
        // A forecast is extra: whatever stops it (too little history, an endpoint without it, no permission) is said, not raised.
        const error = err instanceof AppError ? err : new AppError('INTERNAL', String(err));
        deps.log.info('no Cost Explorer forecast', { connectionId, code: error.code });
        // Held like a cost query (a forecast has no refresh); said plainly this once.
        if (error instanceof CostExplorerUnavailable) hold(flightKey, connectionId, error, FAILING_HOLD_MS, false);
        return { unavailable: error.code === 'NOT_FOUND' ? 'Cost Explorer has too little history for this account to forecast' : error.message };
      } finally {
        forecasts.delete(entry);
        client.destroy();
      }
    },

    requests(connectionId) {
      return { ...store.counts(connectionId, now()), pricePerRequestUsd: SPEND_REQUEST_PRICE_USD };
    },

    forgetConnection(connectionId) {
      store.forgetAnswers(connectionId);
      for (const [k, h] of holds) if (h.connectionId === connectionId) holds.delete(k);
      for (const [k, f] of inFlight) {
        if (f.connectionId !== connectionId) continue;
        f.stop.abort();
        inFlight.delete(k);
      }
      for (const f of forecasts) if (f.connectionId === connectionId) f.stop.abort();
    },

    close() {
      closing.abort();
    },
  };
}
