/**
 * The Cost Explorer client for a stored AWS connection, and how its requests
 * are sent: one attempt per SDK call (so every request sent is one recorded),
 * throttling answered by backing off exponentially with jitter, a bounded
 * number of times, and failures turned into errors a person can act on.
 */
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { AppError, type ErrorCode } from '../../../shared/result';
import type { AwsAccess } from '../connections/providers/provider';

/** Cost Explorer answers from one region per partition, whatever the connection's region. */
export function costExplorerRegion(region: string): string {
  return region.startsWith('cn-') ? 'cn-northwest-1' : 'us-east-1';
}

/** What a test may put in place of the network. */
export type RequestHandler = NonNullable<ConstructorParameters<typeof CostExplorerClient>[0]>['requestHandler'];

/** A client for the connection's account: its credentials, Cost Explorer's region, and its endpoint when it has one (moto). */
export function createCostExplorerClient(access: AwsAccess, requestHandler?: RequestHandler): CostExplorerClient {
  return new CostExplorerClient({
    region: costExplorerRegion(access.region),
    credentials: access.credentials,
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    // Retries are ours: each is a billed request, recorded before it goes.
    maxAttempts: 1,
    ...(requestHandler ? { requestHandler } : {}),
  });
}

/** Cost Explorer could not be asked: offline, throttled past the bound, or failing (HTTP 5xx). A cached answer may stand in. */
export class CostExplorerUnavailable extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly reason: 'offline' | 'throttled' | 'failing',
  ) {
    super(code, message);
  }
}

const THROTTLED = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling']);
const UNAUTHORIZED = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'CredentialsProviderError']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  /** Set when the answer could not be parsed (an HTML error page, say). */
  $response?: { statusCode?: number };
}

/** Cost Explorer said to slow down. */
export function isThrottling(err: unknown): boolean {
  const e = err as SdkError;
  return THROTTLED.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

/** Connecting failed: the request never left this machine, so AWS never saw (or billed) it. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The request was never sent: no connection was made, or there were no credentials to sign it with. */
export function neverSent(err: unknown): boolean {
  const e = err as SdkError;
  return NEVER_CONNECTED.has(e?.code ?? '') || e?.name === 'CredentialsProviderError' || err instanceof AppError;
}

/** The request never got an answer. */
function isUnreachable(err: unknown): boolean {
  const e = err as SdkError;
  return UNREACHABLE.has(e?.code ?? '') || e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.name === 'NetworkingError';
}

/** The first line of an SDK message, short: AWS messages name the action and the account, never a secret. */
const firstLine = (err: unknown) => String((err as SdkError)?.message ?? err).split('\n')[0].slice(0, 300);

/** An SDK failure as an error a person can act on. */
export function costExplorerError(err: unknown, operation: string, endpoint?: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as SdkError;
  const name = e?.name ?? '';
  if (isUnreachable(err)) return new CostExplorerUnavailable('UNREACHABLE', `Cannot reach Cost Explorer${endpoint ? ` at ${endpoint}` : ''}: ${firstLine(err)}`, 'offline');
  if (UNAUTHORIZED.has(name)) return new AppError('UNAUTHORIZED', `AWS rejected this connection's credentials: ${firstLine(err)}`);
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return new AppError('FORBIDDEN', `This identity may not call ce:${operation}: ${firstLine(err)}`);
  if (name === 'DataUnavailableException') return new AppError('NOT_FOUND', 'Cost Explorer has no data for this range yet (it can take 24 hours after Cost Explorer is enabled)');
  if (name === 'BillExpirationException') return new AppError('VALIDATION', `Cost Explorer no longer keeps bills that old: ${firstLine(err)}`);
  if (name === 'RequestChangedException') return new AppError('CONFLICT', 'Cost Explorer refused the next page because the query changed; load again');
  if (name === 'ValidationException' || name === 'InvalidNextTokenException') return new AppError('VALIDATION', `Cost Explorer refused the query: ${firstLine(err)}`);
  const status = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
  if (status !== undefined && status >= 500) {
    return new CostExplorerUnavailable('UNREACHABLE', `Cost Explorer answered HTTP ${status} to ${operation}: it is failing, or ${endpoint ? `the endpoint ${endpoint}` : 'this endpoint'} does not offer it`, 'failing');
  }
  return new AppError('INTERNAL', `Cost Explorer ${operation} failed: ${firstLine(err)}`);
}

/** How throttled requests are retried. */
export interface BackoffOptions {
  /** Tries in all, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Waits `ms`, or rejects as soon as `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1): the jitter. */
  random: () => number;
}

/** Why work stopped when its signal aborted: the signal's own AppError (a timeout, say), else a plain "stopped". */
export function stoppedError(signal: AbortSignal): AppError {
  return signal.reason instanceof AppError ? signal.reason : new AppError('TIMEOUT', 'Stopped before Cost Explorer answered: the call was cancelled, timed out or the app is closing');
}

/** A wait that ends early when `signal` aborts and never keeps the process alive. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(stoppedError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(stoppedError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Five tries, 1 s doubling to at most 16 s, each wait somewhere in its upper half. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  attempts: 5,
  baseMs: 1000,
  capMs: 16_000,
  sleep: abortableSleep,
  random: Math.random,
};

/** The wait before retry `retry` (0 for the first retry): exponential, capped, with "equal jitter" so it is never near zero. */
export function backoffDelay(retry: number, options: Pick<BackoffOptions, 'baseMs' | 'capMs' | 'random'>): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** retry);
  return Math.round(ceiling / 2 + options.random() * (ceiling / 2));
}

/**
 * Sends one request, calling `beforeEach` before every try (where the request
 * is recorded) and the undo it returns when the try turns out never to have
 * been sent; retries only when throttled. Resolves with the answer and how
 * many throttled tries came before it; rejects with an AppError, a
 * {@link CostExplorerUnavailable} when offline, failing or still throttled at the bound.
 * When `signal` aborts, the request under way is cancelled (`send` is given
 * the signal), the backoff's wait ends, no further try is made, and it
 * rejects with {@link stoppedError}.
 */
export async function sendWithBackoff<T>(
  send: (signal?: AbortSignal) => Promise<T>,
  beforeEach: () => (() => void) | void,
  describe: { operation: string; endpoint?: string },
  options: BackoffOptions = DEFAULT_BACKOFF,
  signal?: AbortSignal,
): Promise<{ value: T; throttledRetries: number }> {
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw stoppedError(signal);
    const undo = beforeEach();
    try {
      return { value: await send(signal), throttledRetries: attempt };
    } catch (err) {
      if (neverSent(err)) undo?.();
      // Stopped mid-request: it may have reached AWS, so it stays counted.
      if (signal?.aborted) throw stoppedError(signal);
      if (!isThrottling(err)) throw costExplorerError(err, describe.operation, describe.endpoint);
      if (attempt + 1 >= options.attempts) {
        throw new CostExplorerUnavailable(
          'BUSY',
          `Cost Explorer is throttling requests: ${options.attempts} tries over ${(waited / 1000).toFixed(1)} s were all refused (${firstLine(err)}); try again in a minute`,
          'throttled',
        );
      }
      const delay = backoffDelay(attempt, options);
      waited += delay;
      await options.sleep(delay, signal);
    }
  }
}
