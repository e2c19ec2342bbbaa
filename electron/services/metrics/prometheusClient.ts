/**
 * A small client for the Prometheus HTTP API (`/api/v1/query`,
 * `/api/v1/query_range`): bounded in time and size, parsing each answer once
 * (a large one in a worker thread, see prometheusAnswer.ts), and failing
 * with AppErrors that say what to check and never carry the credentials.
 *
 * https://prometheus.io/docs/prometheus/latest/querying/api/
 */
import { AppError } from '../../../shared/result';
import {
  answerData,
  gridOf,
  notPrometheus,
  readPrometheusAnswer,
  seriesOfMatrix,
  type PrometheusAnswer,
  type PrometheusAnswerJob,
  type PrometheusGrid,
  type PrometheusMatrix,
  type PrometheusSeries,
} from './prometheusAnswer';

export type { PrometheusMatrix, PrometheusSeries } from './prometheusAnswer';

/** A Prometheus endpoint as the services that query it need it (see ConnectionService.prometheusAccessOf). */
export interface PrometheusAccess {
  /** Base URL: the path Prometheus serves `/api/v1` under. */
  url: string;
  /** Sent with every request: the Authorization header, when the connection has auth. */
  headers: Record<string, string>;
  /** The Kubernetes connection whose cluster this Prometheus watches. */
  clusterConnectionId?: string;
}

/** Reads an answer off the services' event loop: a parse pool's `run` (see connections/parsePool.ts). */
export type PrometheusAnswerReader = (job: PrometheusAnswerJob, signal?: AbortSignal) => Promise<PrometheusAnswer>;

/** Queries one Prometheus endpoint. */
export interface PrometheusClient {
  /** An instant vector (or scalar) at `time` (unix s, default now). */
  instant(expr: string, options?: { time?: number; signal?: AbortSignal }): Promise<PrometheusSeries[]>;
  /** A range matrix, as points. */
  range(expr: string, range: { start: number; end: number; step: number }, options?: { signal?: AbortSignal }): Promise<PrometheusSeries[]>;
  /**
   * A range matrix on its grid (`start + i × step` up to `end`): one
   * Float64Array for all series, read in a worker thread when large. What
   * charts of many series should ask for: reading it costs per series, not per sample.
   */
  rangeMatrix(expr: string, range: { start: number; end: number; step: number }, options?: { signal?: AbortSignal }): Promise<PrometheusMatrix>;
}

/** Limits and plumbing of a client; the defaults suit the app. */
export interface PrometheusClientOptions {
  /** Longest a request may take, body included (default 30 s). Prometheus is told too, so it stops evaluating. */
  timeoutMs?: number;
  /** Largest answer read (default {@link MAX_RESPONSE_BYTES}); a larger one is refused. */
  maxResponseBytes?: number;
  /** The fetch to use (default Node's, undici). */
  fetch?: typeof fetch;
  /** Where answers of {@link PrometheusClientOptions.inlineParseBytes} and more are read; without it, on this thread. */
  readAnswer?: PrometheusAnswerReader;
  /** Answers smaller than this are read on this thread (default {@link INLINE_PARSE_BYTES}). */
  inlineParseBytes?: number;
}

/**
 * Answers smaller than this are parsed where they arrive: a few milliseconds
 * at most, less than the hop to a worker and back. A thousand GPUs over a day
 * is ~22 MB, 0.6–1.5 s of parsing, which must not hold up every other call.
 */
export const INLINE_PARSE_BYTES = 256 * 1024;

/** Largest answer read by default: 256 MiB, about 1,000 series × 7 days at a 5-minute step many times over. */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Expressions whose encoded form is longer are POSTed as a form: URLs that long are cut by proxies. */
export const MAX_GET_QUERY_BYTES = 4096;
/** Longest expression sent. */
export const MAX_EXPRESSION_CHARS = 64 * 1024;
/** Prometheus refuses range queries of more points per series than this. */
export const MAX_RANGE_POINTS = 11_000;
const DEFAULT_TIMEOUT_MS = 30_000;

/** A client for `access`. Nothing is sent until a query is made. */
export function createPrometheusClient(access: PrometheusAccess, options: PrometheusClientOptions = {}): PrometheusClient {
  const api = createPrometheusApi(access, options);
  const rangeMatrix: PrometheusClient['rangeMatrix'] = async (expr, { start, end, step }, { signal } = {}) => {
    checkExpression(expr);
    if (![start, end, step].every(Number.isFinite)) throw new AppError('VALIDATION', 'The range start, end and step must be numbers of seconds');
    if (step <= 0) throw new AppError('VALIDATION', 'The range step must be more than 0 seconds');
    if (end < start) throw new AppError('VALIDATION', 'The range ends before it starts');
    const grid = gridOf({ start, end, step });
    if (grid.count > MAX_RANGE_POINTS) {
      throw new AppError('VALIDATION', `${grid.count.toLocaleString('en')} points per series is more than Prometheus gives (${MAX_RANGE_POINTS.toLocaleString('en')}): take a larger step`);
    }
    const answer = await api.query('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) }, signal, grid);
    return (answer as Extract<PrometheusAnswer, { kind: 'matrix' }>).matrix;
  };
  return {
    async instant(expr, { time, signal } = {}) {
      checkExpression(expr);
      if (time !== undefined && !Number.isFinite(time)) throw new AppError('VALIDATION', 'The query time must be a number of seconds');
      const answer = await api.query('/api/v1/query', { query: expr, ...(time !== undefined ? { time: String(time) } : {}) }, signal);
      return (answer as Extract<PrometheusAnswer, { kind: 'series' }>).series;
    },
    async range(expr, range, options) {
      return seriesOfMatrix(await rangeMatrix(expr, range, options));
    },
    rangeMatrix,
  };
}

/** What `/api/v1/status/buildinfo` says of the server. */
export interface PrometheusBuildInfo {
  version: string;
  revision?: string;
  goVersion?: string;
}

/** The server's build information; servers that only look like Prometheus (Thanos, Mimir…) may not have it. */
export async function readBuildInfo(access: PrometheusAccess, options: PrometheusClientOptions & { signal?: AbortSignal } = {}): Promise<PrometheusBuildInfo> {
  const api = createPrometheusApi(access, options);
  const { bytes, status } = await api.get('/api/v1/status/buildinfo', {}, options.signal);
  let data: unknown;
  try {
    data = answerData(bytes, status, api.where);
  } catch (err) {
    // A server or proxy may echo the credentials in its error, as it may for a query.
    throw err instanceof AppError ? new AppError(err.code, api.scrub(err.message)) : err;
  }
  const info = data as Partial<Record<keyof PrometheusBuildInfo, unknown>> | null;
  if (!info || typeof info.version !== 'string') throw notPrometheus(api.where, 'its build information has no version');
  return {
    version: info.version,
    ...(typeof info.revision === 'string' ? { revision: info.revision } : {}),
    ...(typeof info.goVersion === 'string' ? { goVersion: info.goVersion } : {}),
  };
}

function checkExpression(expr: string): void {
  if (!expr.trim()) throw new AppError('VALIDATION', 'The query is empty');
  if (expr.length > MAX_EXPRESSION_CHARS) throw new AppError('VALIDATION', `Queries are at most ${MAX_EXPRESSION_CHARS.toLocaleString('en')} characters`);
}

/** The request path shared by the client and the connection test. */
function createPrometheusApi(access: PrometheusAccess, options: PrometheusClientOptions) {
  const base = access.url.replace(/\/+$/, '');
  const where = `Prometheus at ${base}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const doFetch = options.fetch ?? fetch;
  const inlineBytes = options.inlineParseBytes ?? INLINE_PARSE_BYTES;
  // The credentials must not reach a message, even echoed by a server or a proxy. Every one is known exactly, so even a short password is masked (longest first, so a part never unmasks the whole).
  const secrets = Object.values(access.headers)
    .flatMap((v) => [v, v.replace(/^\S+\s+/, ''), basicPassword(v)])
    .filter((v): v is string => !!v)
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join('«redacted»'), text);

  /** The body of a query's answer, read here when small, else by {@link PrometheusClientOptions.readAnswer}. */
  async function query(path: string, params: Record<string, string>, signal?: AbortSignal, grid?: PrometheusGrid): Promise<PrometheusAnswer> {
    const { bytes, status } = await get(path, params, signal);
    const job: PrometheusAnswerJob = { kind: 'prometheusAnswer', bytes, status, where, ...(grid ? { grid } : {}) };
    try {
      return !options.readAnswer || bytes.byteLength < inlineBytes ? readPrometheusAnswer(job) : await options.readAnswer(job, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof AppError) throw new AppError(err.code, scrub(err.message));
      // A worker that crashed: not the network's fault, and its words may quote the answer.
      throw new AppError('INTERNAL', `${where} answered, but reading the answer failed (${scrub(String((err as Error).message ?? err)).slice(0, 200)})`);
    }
  }

  /** The raw answer to a request: bytes as read (at most the cap) and the HTTP status, after what the headers alone refuse. */
  async function get(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<{ bytes: Uint8Array; status: number }> {
    const form = new URLSearchParams(params);
    // Prometheus stops evaluating at its own timeout, so a slow query does not keep running after we give up.
    if (params.query !== undefined) form.set('timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
    const encoded = form.toString();
    const post = encoded.length > MAX_GET_QUERY_BYTES;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await doFetch(post ? `${base}${path}` : `${base}${path}${encoded ? `?${encoded}` : ''}`, {
        method: post ? 'POST' : 'GET',
        headers: { Accept: 'application/json', ...access.headers, ...(post ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
        ...(post ? { body: encoded } : {}),
        // Never follow: a redirect could carry the Authorization header to another server.
        redirect: 'manual',
        signal: combined,
      });
    } catch (err) {
      throw failure(err, signal, timeout);
    }
    try {
      return await answerOf(response, signal);
    } catch (err) {
      await response.body?.cancel().catch(() => {});
      throw failure(err, signal, timeout);
    }
  }

  function failure(err: unknown, signal: AbortSignal | undefined, timeout: AbortSignal): unknown {
    // The caller's own cancel stays a cancel, so it can tell it from a failure.
    if (signal?.aborted) return signal.reason;
    if (err instanceof AppError) return new AppError(err.code, scrub(err.message));
    if (timeout.aborted) return new AppError('TIMEOUT', `${where} did not answer within ${timeoutMs / 1000} s`);
    return networkFailure(err);
  }

  function networkFailure(err: unknown): AppError {
    const cause = (err as { cause?: unknown }).cause ?? err;
    const code = String((cause as { code?: unknown }).code ?? '');
    const detail = scrub(((cause as Error).message ?? String(cause)).split('\n')[0].slice(0, 200));
    if (code === 'ECONNREFUSED') return new AppError('UNREACHABLE', `${where} refused the connection: is Prometheus running, and the address and port right?`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('UNREACHABLE', `${where}: the host name does not resolve (VPN or DNS?)`);
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return new AppError('UNREACHABLE', `${where} closed the connection`);
    if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new AppError('TIMEOUT', `${where} did not answer in time`);
    }
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') return new AppError('TLS', `${where} does not speak TLS there: try http:// instead of https://`);
    // The fetch standard blocks some ports (6000, 6665–6669, …) outright: say which rule, not just "bad port".
    if (detail === 'bad port') return new AppError('UNREACHABLE', `${where}: this port is one fetch never connects to (as browsers block it); serve Prometheus on another port`);
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ERR_SSL/.test(code)) {
      return new AppError('TLS', `${where}: the server certificate is not trusted (${code}). Check the URL, or the certificate authorities this computer trusts.`);
    }
    return new AppError('UNREACHABLE', `${where}: ${detail}`);
  }

  /** The body of an answer that its status and headers do not already refuse. */
  async function answerOf(response: Response, signal?: AbortSignal): Promise<{ bytes: Uint8Array; status: number }> {
    const { status } = response;
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      throw new AppError('VALIDATION', `${where} redirects${location ? ` to ${location.slice(0, 200)}` : ''} (HTTP ${status}), perhaps to a sign-in page: give the address it redirects to, or one that answers directly`);
    }
    const type = response.headers.get('content-type') ?? '';
    const json = /\bjson\b/i.test(type);
    if (status === 401) throw new AppError('UNAUTHORIZED', `${where} refused the credentials (HTTP 401)${access.headers.Authorization ? '' : ': it wants a token or a user name and password'}`);
    if (status === 403) throw new AppError('FORBIDDEN', `${where} does not allow these credentials to query it (HTTP 403)`);
    if (!json && type) {
      // Not read: an HTML page or a blob of anything says enough by its type.
      throw notPrometheus(where, `it answered HTTP ${status} with ${type.split(';')[0].trim() || 'no content type'}`);
    }
    return { bytes: await readCapped(response, maxBytes, where, signal), status };
  }

  return { get, query, where, scrub };
}

/** The password inside a basic-auth header value, which a message must not carry either. */
function basicPassword(header: string): string | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  const decoded = encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  return decoded?.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : undefined;
}

/** Bytes allocated up front for an answer of declared length: more is allocated as it arrives, so a false length costs nothing. */
const MAX_PREALLOCATED_BYTES = 32 * 1024 * 1024;

/**
 * The body's bytes (a view on a buffer of their own, so it can be moved to a
 * worker), refused as soon as it is known to be larger than `maxBytes`. Each
 * chunk is copied as it arrives: copying 20 MB of chunks at the end would
 * hold the loop for tens of milliseconds.
 */
async function readCapped(response: Response, maxBytes: number, where: string, signal?: AbortSignal): Promise<Uint8Array> {
  const tooLarge = () =>
    new AppError('VALIDATION', `${where} answered with more than ${Math.round(maxBytes / 1024 / 1024)} MiB: ask for fewer series, a shorter range or a larger step`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge();
  if (!response.body) return new Uint8Array(0);
  // A compressed body's declared length is not its decoded length.
  const expected = declared >= 0 && !response.headers.get('content-encoding') ? Math.min(declared, MAX_PREALLOCATED_BYTES) : 64 * 1024;
  let bytes = new Uint8Array(expected);
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    signal?.throwIfAborted();
    const { done, value } = await reader.read();
    if (done) break;
    const next = size + value.byteLength;
    if (next > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    if (next > bytes.byteLength) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(bytes.byteLength * 2, next)));
      grown.set(bytes.subarray(0, size));
      bytes = grown;
    }
    bytes.set(value, size);
    size = next;
  }
  return bytes.subarray(0, size);
}
