import type { Health } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { createPrometheusClient, readBuildInfo, type PrometheusAccess, type PrometheusClientOptions } from '../../metrics/prometheusClient';
import type { ConnectionProvider, OpenedConnection } from './provider';

/** What a Prometheus connection seals: the bearer token or the basic-auth password, whichever its auth uses. */
export interface PrometheusSecret {
  token?: string;
  password?: string;
}

/** Longest each request of a Test may take. */
const TEST_TIMEOUT_MS = 15_000;
const TEST_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Prometheus endpoints: a URL, a sealed token or password, and the cluster they watch. */
export const prometheusProvider: ConnectionProvider<'prometheus'> = {
  is: 'a Prometheus endpoint',
  wanted: 'a Prometheus endpoint',
  summaryOf: (details) => ({ prometheus: details }),
  test: (connection) => testPrometheusConnection(accessOf(connection)),
  access: accessOf,
};

function accessOf({ details, secret, redactor }: OpenedConnection<'prometheus'>): PrometheusAccess {
  const { token, password } = JSON.parse(secret) as PrometheusSecret;
  redactor.add(token);
  redactor.add(password);
  const headers = authHeaders(details.auth, { ...(details.username !== undefined ? { username: details.username } : {}), ...(token ? { token } : {}), ...(password ? { password } : {}) });
  // The header, and the credential in it alone (a basic-auth header's base64), which a proxy may echo.
  for (const value of Object.values(headers)) {
    redactor.add(value);
    redactor.add(value.replace(/^\S+\s+/, ''));
  }
  return { url: details.url, headers, ...(details.clusterConnectionId ? { clusterConnectionId: details.clusterConnectionId } : {}) };
}

/**
 * The Authorization header for `auth`. The contract refuses line breaks in
 * tokens and user names; refused here again, since a header that ends early
 * could add one of its own.
 *
 * @throws AppError `VALIDATION` for credentials a header cannot carry.
 */
export function authHeaders(auth: 'none' | 'bearer' | 'basic', { username, token, password }: { username?: string; token?: string; password?: string }): Record<string, string> {
  if (auth === 'none') return {};
  if (auth === 'bearer') {
    if (!token || !/^[\x21-\x7e]+$/.test(token)) throw new AppError('VALIDATION', 'The stored token cannot be sent: edit the connection and type it again');
    return { Authorization: `Bearer ${token}` };
  }
  if (username === undefined || password === undefined || /[:\p{Cc}]/u.test(username) || /\p{Cc}/u.test(password)) {
    throw new AppError('VALIDATION', 'The stored user name or password cannot be sent: edit the connection and type them again');
  }
  return { Authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
}

/** What a failure means for the badge. */
function statusOf(err: AppError): Health['status'] {
  if (err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN') return 'unauthorized';
  if (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT') return 'unreachable';
  return 'error';
}

/**
 * Asks for the server's version (`/api/v1/status/buildinfo`) and runs
 * `vector(1)`: a server that answers both is a Prometheus that queries work
 * on. Servers that speak the query API without the build information
 * (Thanos, Mimir, VictoriaMetrics…) pass without a version.
 */
export async function testPrometheusConnection(access: PrometheusAccess, options: Pick<PrometheusClientOptions, 'fetch' | 'timeoutMs'> = {}): Promise<Health> {
  // Build information and vector(1) are a few hundred bytes: a larger answer is not Prometheus, and is not parsed on the services' loop.
  const limits = { timeoutMs: TEST_TIMEOUT_MS, maxResponseBytes: TEST_MAX_RESPONSE_BYTES, ...options };
  const started = Date.now();
  const checkedAt = new Date().toISOString();
  const failed = (err: unknown): Health => {
    if (!(err instanceof AppError)) throw err;
    return { status: statusOf(err), checkedAt, message: err.message };
  };
  let version: string | undefined;
  let noBuildInfo: AppError | undefined;
  try {
    version = (await readBuildInfo(access, limits)).version;
  } catch (err) {
    // Not Prometheus, or one without build information: the query decides which.
    if (!(err instanceof AppError) || err.code !== 'VALIDATION') return failed(err);
    noBuildInfo = err;
  }
  try {
    const [one] = await createPrometheusClient(access, limits).instant('vector(1)');
    if (one?.points[0]?.[1] !== 1) return { status: 'error', checkedAt, message: `Prometheus at ${access.url} answered vector(1) with something other than 1` };
  } catch (err) {
    // Refused or unreachable says more than "no build information"; not Prometheus at all is the latter's message.
    return failed(err instanceof AppError && err.code !== 'VALIDATION' ? err : (noBuildInfo ?? err));
  }
  const latencyMs = Date.now() - started;
  return version
    ? { status: 'ok', checkedAt, latencyMs, serverVersion: version, message: `Prometheus ${version} answers queries` }
    : { status: 'ok', checkedAt, latencyMs, message: 'Answers Prometheus queries but does not say its version (Thanos, Mimir, VictoriaMetrics…?)' };
}
