import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import type { PrometheusDetails } from '../../../../shared/contract';
import { authHeaders, prometheusProvider, testPrometheusConnection } from './prometheus';

const TOKEN = 'canary-prom-token-0f1e2d3c4b';
const PASSWORD = 'canary prom password 77';

const BUILD_INFO = `{"status":"success","data":{"version":"2.42.0","revision":"225c61122d88b01d1f0eaaee0e05b6f3e0567ac0","branch":"non-git","buildUser":"debian","buildDate":"20230314-09:03:36","goVersion":"go1.19.8"}}`;
const VECTOR_ONE = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1733312000.123,"1"]}]}}`;
const JSON_TYPE = { 'content-type': 'application/json' };

function opened(details: PrometheusDetails, secret: object) {
  const added: string[] = [];
  return { connection: { details, secret: JSON.stringify(secret), redactor: { add: (s: string | undefined) => void (s && added.push(s)) } }, added };
}

/** A fetch that answers each API path from `answers`; paths it has no answer for are a 404 page. */
function serverOf(answers: Record<string, () => Response | Promise<Response>>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const path = new URL(String(input)).pathname;
    return answers[path]?.() ?? new Response('<html>404 page not found</html>', { status: 404, headers: { 'content-type': 'text/html' } });
  }) as typeof fetch;
}

const prometheus = serverOf({
  '/api/v1/status/buildinfo': () => new Response(BUILD_INFO, { headers: JSON_TYPE }),
  '/api/v1/query': () => new Response(VECTOR_ONE, { headers: JSON_TYPE }),
});
const access = { url: 'http://127.0.0.1:9090', headers: {} };

describe('Prometheus provider', () => {
  it('hands out bearer access with its header, and the token to the redactor', () => {
    const { connection, added } = opened({ url: 'https://prom.example.com', auth: 'bearer', clusterConnectionId: 'k1' }, { token: TOKEN });
    expect(prometheusProvider.access(connection)).toEqual({ url: 'https://prom.example.com', headers: { Authorization: `Bearer ${TOKEN}` }, clusterConnectionId: 'k1' });
    expect(added).toContain(TOKEN);
    expect(added).toContain(`Bearer ${TOKEN}`);
  });

  it('hands out basic access, with the password and the encoded header redacted', () => {
    const { connection, added } = opened({ url: 'https://prom.example.com', auth: 'basic', username: 'grafana' }, { password: PASSWORD });
    const encoded = Buffer.from(`grafana:${PASSWORD}`).toString('base64');
    expect(prometheusProvider.access(connection).headers).toEqual({ Authorization: `Basic ${encoded}` });
    expect(added).toEqual(expect.arrayContaining([PASSWORD, `Basic ${encoded}`]));
  });

  it('sends no header without auth', () => {
    const { connection } = opened({ url: 'http://prom:9090', auth: 'none' }, {});
    expect(prometheusProvider.access(connection)).toEqual({ url: 'http://prom:9090', headers: {} });
  });

  it('never builds a header from a token or user name that could end it early', () => {
    for (const token of [`${TOKEN}\r\nX-Injected: 1`, `${TOKEN}\n`, 'a b', '', undefined]) {
      expect(() => authHeaders('bearer', token === undefined ? {} : { token })).toThrow(AppError);
    }
    expect(() => authHeaders('basic', { username: 'a\r\nX-Injected: 1', password: 'p' })).toThrow(AppError);
    expect(() => authHeaders('basic', { username: 'a:b', password: 'p' })).toThrow(AppError);
    expect(() => authHeaders('basic', { username: 'a', password: 'p\r\nX: 1' })).toThrow(AppError);
    expect(() => authHeaders('basic', { username: 'a' })).toThrow('The stored user name or password cannot be sent');
    // Unicode passwords are fine: they are base64-encoded as UTF-8.
    expect(authHeaders('basic', { username: 'zoë', password: 'pässwörd' })).toEqual({ Authorization: `Basic ${Buffer.from('zoë:pässwörd').toString('base64')}` });
  });
});

describe('Test of a Prometheus endpoint', () => {
  it('is ok with the version when both the build information and a query answer', async () => {
    const health = await testPrometheusConnection(access, { fetch: prometheus });
    expect(health).toMatchObject({ status: 'ok', serverVersion: '2.42.0', message: 'Prometheus 2.42.0 answers queries' });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('is ok without a version for a server that only speaks the query API', async () => {
    const queriesOnly = serverOf({ '/api/v1/query': () => new Response(VECTOR_ONE, { headers: JSON_TYPE }) });
    const health = await testPrometheusConnection(access, { fetch: queriesOnly });
    expect(health.status).toBe('ok');
    expect(health.serverVersion).toBeUndefined();
    expect(health.message).toContain('does not say its version');
  });

  it('says when the credentials are refused', async () => {
    const locked = serverOf({ '/api/v1/status/buildinfo': () => new Response('Unauthorized\n', { status: 401, headers: { 'content-type': 'text/plain' } }) });
    expect(await testPrometheusConnection(access, { fetch: locked })).toMatchObject({ status: 'unauthorized', message: expect.stringContaining('refused the credentials (HTTP 401)') });
    const forbidden = serverOf({ '/api/v1/status/buildinfo': () => new Response('Forbidden', { status: 403, headers: { 'content-type': 'text/plain' } }) });
    expect((await testPrometheusConnection(access, { fetch: forbidden })).status).toBe('unauthorized');
  });

  it('says when the URL is not Prometheus', async () => {
    const website = serverOf({});
    const health = await testPrometheusConnection(access, { fetch: website });
    expect(health).toMatchObject({ status: 'error', message: expect.stringContaining('is not the Prometheus API: it answered HTTP 404 with text/html') });
  });

  it('says when TLS fails', async () => {
    const untrusted = (() => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) }))) as typeof fetch;
    expect(await testPrometheusConnection({ url: 'https://prom.internal', headers: {} }, { fetch: untrusted })).toMatchObject({
      status: 'error',
      message: expect.stringContaining('certificate is not trusted'),
    });
  });

  it('says when it times out', async () => {
    const silent = ((_: unknown, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as unknown as typeof fetch;
    expect(await testPrometheusConnection(access, { fetch: silent, timeoutMs: 30 })).toMatchObject({ status: 'unreachable', message: expect.stringContaining('did not answer within 0.03 s') });
  });

  it('is an error when vector(1) does not come back as 1', async () => {
    const odd = serverOf({
      '/api/v1/status/buildinfo': () => new Response(BUILD_INFO, { headers: JSON_TYPE }),
      '/api/v1/query': () => new Response(`{"status":"success","data":{"resultType":"vector","result":[]}}`, { headers: JSON_TYPE }),
    });
    expect(await testPrometheusConnection(access, { fetch: odd })).toMatchObject({ status: 'error', message: expect.stringContaining('something other than 1') });
  });
});

describe('Prometheus credentials echoed back', () => {
  const echo = (text: string) =>
    serverOf({
      '/api/v1/status/buildinfo': () => new Response(JSON.stringify({ status: 'error', errorType: 'internal', error: text }), { status: 500, headers: JSON_TYPE }),
      '/api/v1/query': () => new Response(JSON.stringify({ status: 'error', errorType: 'internal', error: text }), { status: 500, headers: JSON_TYPE }),
    });

  it('masks a basic-auth header echoed by the build information request, and gives the redactor the bare base64 too', async () => {
    const headers = authHeaders('basic', { username: 'svc', password: 'correct-horse-battery' });
    const encoded = headers.Authorization.split(' ')[1];
    const health = await testPrometheusConnection({ url: 'http://prom.test', headers }, { fetch: echo(`auth proxy: bad credentials ${encoded}`) });
    expect(health.status).not.toBe('ok');
    expect(health.message).not.toContain(encoded);
    const { connection, added } = opened({ url: 'https://prom.example.com', auth: 'basic', username: 'svc' }, { password: 'correct-horse-battery' });
    prometheusProvider.access(connection);
    expect(added).toContain(encoded);
  });

  it('masks even a password shorter than eight characters', async () => {
    const headers = authHeaders('basic', { username: 'admin', password: 'hunter2' });
    const health = await testPrometheusConnection({ url: 'http://prom.test', headers }, { fetch: echo('login admin:hunter2 refused') });
    expect(health.message).toContain('«redacted»');
    expect(health.message).not.toContain('hunter2');
  });

  it('refuses a Test answer larger than a megabyte without parsing it', async () => {
    const huge = `{"status":"success","data":{"version":"${'9'.repeat(2 * 1024 * 1024)}"}}`;
    const health = await testPrometheusConnection(access, { fetch: serverOf({ '/api/v1/status/buildinfo': () => new Response(huge, { headers: JSON_TYPE }), '/api/v1/query': () => new Response(huge, { headers: JSON_TYPE }) }) });
    expect(health.status).not.toBe('ok');
    expect(health.message).toMatch(/MB|MiB|large|more than/i);
  });
});
