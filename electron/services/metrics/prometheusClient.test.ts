/**
 * Answers below are Prometheus HTTP API bodies as the documentation shows
 * them (https://prometheus.io/docs/prometheus/latest/querying/api/), handed to
 * the client as `Response`s by a fetch that records what was asked.
 */
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/result';
import { createPrometheusClient, MAX_GET_QUERY_BYTES, readBuildInfo, type PrometheusAccess, type PrometheusClientOptions } from './prometheusClient';

const TOKEN = 'canary-prom-token-5a6b7c8d9e';
const access: PrometheusAccess = { url: 'https://prom.example.com/prometheus/', headers: { Authorization: `Bearer ${TOKEN}` } };

const INSTANT_VECTOR = `{
   "status" : "success",
   "data" : {
      "resultType" : "vector",
      "result" : [
         { "metric" : { "__name__" : "up", "job" : "prometheus", "instance" : "localhost:9090" }, "value": [ 1435781451.781, "1" ] },
         { "metric" : { "__name__" : "up", "job" : "node", "instance" : "localhost:9100" }, "value" : [ 1435781451.781, "0" ] }
      ]
   }
}`;

const RANGE_MATRIX = `{
   "status" : "success",
   "data" : {
      "resultType" : "matrix",
      "result" : [
         { "metric" : { "__name__" : "up", "job" : "prometheus", "instance" : "localhost:9090" },
           "values" : [ [ 1435781430.781, "1" ], [ 1435781445.781, "1" ], [ 1435781460.781, "1" ] ] },
         { "metric" : { "__name__" : "up", "job" : "node", "instance" : "localhost:9091" },
           "values" : [ [ 1435781430.781, "0" ], [ 1435781445.781, "0" ], [ 1435781460.781, "1" ] ] }
      ]
   }
}`;

const SCALAR = `{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"1"]}}`;
const STRING = `{"status":"success","data":{"resultType":"string","result":[1435781451.781,"hello"]}}`;

const BUILD_INFO = `{
  "status": "success",
  "data": { "version": "2.13.1", "revision": "cb7cbad5f9a2823a622aaa668833ca04f50a0ea7", "branch": "master",
            "buildUser": "julius@desktop", "buildDate": "20191102-16:19:59", "goVersion": "go1.13.1" }
}`;

/** NaN and ±Inf as Prometheus writes them (e.g. a rate over counters that reset, or 1/0). */
const WITH_NON_FINITE = `{"status":"success","data":{"resultType":"matrix","result":[
  {"metric":{"gpu":"0"},"values":[[1700000000,"12.5"],[1700000060,"NaN"],[1700000120,"+Inf"],[1700000180,"-Inf"],[1700000240,"40"]]},
  {"metric":{"gpu":"1"},"values":[[1700000000,"NaN"],[1700000060,"NaN"]]}
]}}`;

const BAD_DATA = `{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:14: parse error: unexpected right parenthesis ')'"}`;
const EXECUTION = `{"status":"error","errorType":"execution","error":"found duplicate series for the match group {instance=\\"a\\"} on the right hand-side of the operation"}`;
const TIMEOUT = `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`;

const JSON_TYPE = { 'content-type': 'application/json' };

interface Recorded {
  url: URL;
  init: RequestInit;
}

/** A fetch answering with `respond`, recording each request. */
function fakeFetch(respond: (req: Recorded) => Response | Promise<Response>) {
  const calls: Recorded[] = [];
  const fn = vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const req = { url: new URL(String(input)), init };
    calls.push(req);
    return respond(req);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const answer = (body: string, status = 200, headers: Record<string, string> = JSON_TYPE) => () => new Response(body, { status, headers });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const clientWith = (respond: Parameters<typeof fakeFetch>[0], options: PrometheusClientOptions = {}) => {
  const fake = fakeFetch(respond);
  return { client: createPrometheusClient(access, { fetch: fake.fetch, ...options }), calls: fake.calls };
};

describe('Prometheus client: answers', () => {
  it('reads an instant vector, asking with GET under the base path, with the auth header and a server-side timeout', async () => {
    const { client, calls } = clientWith(answer(INSTANT_VECTOR), { timeoutMs: 20_000 });
    const series = await client.instant('up', { time: 1435781451.781 });
    expect(series).toEqual([
      { labels: { __name__: 'up', job: 'prometheus', instance: 'localhost:9090' }, points: [[1435781451.781, 1]] },
      { labels: { __name__: 'up', job: 'node', instance: 'localhost:9100' }, points: [[1435781451.781, 0]] },
    ]);
    const [{ url, init }] = calls;
    expect(url.origin + url.pathname).toBe('https://prom.example.com/prometheus/api/v1/query');
    expect(Object.fromEntries(url.searchParams)).toEqual({ query: 'up', time: '1435781451.781', timeout: '20s' });
    expect(init).toMatchObject({ method: 'GET', redirect: 'manual', headers: { Accept: 'application/json', Authorization: `Bearer ${TOKEN}` } });
  });

  it('reads a range matrix', async () => {
    const { client, calls } = clientWith(answer(RANGE_MATRIX));
    const series = await client.range('up', { start: 1435781430.781, end: 1435781460.781, step: 15 });
    expect(series.map((s) => [s.labels.instance, s.points.map((p) => p[1])])).toEqual([
      ['localhost:9090', [1, 1, 1]],
      ['localhost:9091', [0, 0, 1]],
    ]);
    expect(series[0].points[0]).toEqual([1435781430.781, 1]);
    expect(calls[0].url.pathname).toBe('/prometheus/api/v1/query_range');
    expect(Object.fromEntries(calls[0].url.searchParams)).toMatchObject({ query: 'up', start: '1435781430.781', end: '1435781460.781', step: '15' });
  });

  it('reads a scalar as one series without labels', async () => {
    const { client } = clientWith(answer(SCALAR));
    expect(await client.instant('scalar(up)')).toEqual([{ labels: {}, points: [[1435781451.781, 1]] }]);
  });

  it('drops NaN and ±Inf samples, and a series left without any', async () => {
    const { client } = clientWith(answer(WITH_NON_FINITE));
    expect(await client.range('rate(x[5m])', { start: 1700000000, end: 1700000240, step: 60 })).toEqual([
      {
        labels: { gpu: '0' },
        points: [
          [1700000000, 12.5],
          [1700000240, 40],
        ],
      },
    ]);
  });

  it('refuses a string result, and a matrix where a vector was asked for', async () => {
    expect((await failure(clientWith(answer(STRING)).client.instant('"hello"'))).message).toBe('The expression gives a string, not numbers');
    const wrong = await failure(clientWith(answer(RANGE_MATRIX)).client.instant('up[5m]'));
    expect(wrong).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('answered with a matrix, not vector or scalar') });
  });

  it('reads the build information', async () => {
    const fake = fakeFetch(answer(BUILD_INFO));
    expect(await readBuildInfo(access, { fetch: fake.fetch })).toEqual({ version: '2.13.1', revision: 'cb7cbad5f9a2823a622aaa668833ca04f50a0ea7', goVersion: 'go1.13.1' });
    expect(fake.calls[0].url.href).toBe('https://prom.example.com/prometheus/api/v1/status/buildinfo');
  });

  it('POSTs long expressions as a form, keeping short ones in the URL', async () => {
    const long = `sum(${Array.from({ length: 300 }, (_, i) => `DCGM_FI_DEV_GPU_UTIL{gpu="${i}"}`).join(' or ')})`;
    expect(long.length).toBeGreaterThan(MAX_GET_QUERY_BYTES);
    const { client, calls } = clientWith(answer(INSTANT_VECTOR));
    await client.instant(long, { time: 1 });
    const [{ url, init }] = calls;
    expect(url.search).toBe('');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${TOKEN}` });
    expect(new URLSearchParams(String(init.body)).get('query')).toBe(long);
  });
});

describe('Prometheus client: failures', () => {
  it("surfaces Prometheus's own message for a bad query as VALIDATION", async () => {
    const bad = await failure(clientWith(answer(BAD_DATA, 400)).client.instant('sum(up))'));
    expect(bad).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining("parse error: unexpected right parenthesis ')'") });
    const execution = await failure(clientWith(answer(EXECUTION, 422)).client.instant('a * on(instance) b'));
    expect(execution).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('found duplicate series') });
    const timeout = await failure(clientWith(answer(TIMEOUT, 503)).client.instant('heavy'));
    expect(timeout).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('query timed out') });
  });

  it('says when the credentials are refused, without them, even when the server echoes them', async () => {
    const echo = `Unauthorized: Bearer ${TOKEN} is not valid`;
    const refused = await failure(clientWith(answer(echo, 401, { 'content-type': 'text/plain' })).client.instant('up'));
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', message: 'Prometheus at https://prom.example.com/prometheus refused the credentials (HTTP 401)' });
    const forbidden = await failure(clientWith(answer('{}', 403)).client.instant('up'));
    expect(forbidden.code).toBe('FORBIDDEN');
    const echoed = await failure(clientWith(answer(`{"status":"error","errorType":"bad_data","error":"token ${TOKEN} rejected"}`, 400)).client.instant('up'));
    expect(echoed.message).not.toContain(TOKEN);
    expect(echoed.message).toContain('«redacted»');
  });

  it('keeps a basic-auth password out of messages, even echoed in an error body', async () => {
    const password = 'canary-basic-password-42';
    const fake = fakeFetch(answer(`{"status":"error","errorType":"bad_data","error":"user grafana with ${password} may not"}`, 400));
    const basic = { url: 'http://p:9090', headers: { Authorization: `Basic ${Buffer.from(`grafana:${password}`).toString('base64')}` } };
    const err = await failure(createPrometheusClient(basic, { fetch: fake.fetch }).instant('up'));
    expect(err.message).toBe('Prometheus at http://p:9090 could not run the query: user grafana with «redacted» may not');
  });

  it('asks for credentials when none were given and the server wants them', async () => {
    const fake = fakeFetch(answer('Unauthorized', 401, { 'content-type': 'text/plain' }));
    const err = await failure(createPrometheusClient({ url: 'http://p:9090', headers: {} }, { fetch: fake.fetch }).instant('up'));
    expect(err.message).toBe('Prometheus at http://p:9090 refused the credentials (HTTP 401): it wants a token or a user name and password');
  });

  it('says an HTML page is not Prometheus, without reading it', async () => {
    let pulled = 0;
    const page = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode('<html>'.repeat(1000)));
      },
    });
    const { client } = clientWith(() => new Response(page, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const err = await failure(client.instant('up'));
    expect(err).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('is not the Prometheus API: it answered HTTP 200 with text/html') });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('says JSON that is not a Prometheus answer is not Prometheus', async () => {
    const err = await failure(clientWith(answer('{"kind":"Status","apiVersion":"v1"}')).client.instant('up'));
    expect(err.message).toContain('its answer is not a Prometheus API answer');
    const notFound = await failure(clientWith(answer('{"message":"no route"}', 404)).client.instant('up'));
    expect(notFound.message).toContain('it answered HTTP 404');
  });

  it('refuses to follow a redirect, naming where it goes', async () => {
    const { client } = clientWith(() => new Response(null, { status: 302, headers: { location: 'https://login.example.com/oauth' } }));
    const err = await failure(client.instant('up'));
    expect(err).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('redirects to https://login.example.com/oauth (HTTP 302)') });
  });

  it('times out, telling Prometheus to give up as well', async () => {
    const { client, calls } = clientWith(
      (req) =>
        new Promise<Response>((_, reject) => {
          req.init.signal?.addEventListener('abort', () => reject(req.init.signal?.reason));
        }),
      { timeoutMs: 50 },
    );
    const err = await failure(client.instant('up'));
    expect(err).toMatchObject({ code: 'TIMEOUT', message: 'Prometheus at https://prom.example.com/prometheus did not answer within 0.05 s' });
    expect(calls[0].url.searchParams.get('timeout')).toBe('1s');
  });

  it("keeps the caller's cancel a cancel", async () => {
    const controller = new AbortController();
    const { client } = clientWith(
      (req) =>
        new Promise<Response>((_, reject) => {
          req.init.signal?.addEventListener('abort', () => reject(req.init.signal?.reason));
        }),
    );
    const pending = client.instant('up', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('names network failures by what to check', async () => {
    const failing = (code: string) => () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 10.0.0.1:9090`), { code }) }));
    expect(await failure(clientWith(failing('ECONNREFUSED')).client.instant('up'))).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining('refused the connection') });
    expect(await failure(clientWith(failing('ENOTFOUND')).client.instant('up'))).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining('does not resolve') });
    expect(await failure(clientWith(failing('DEPTH_ZERO_SELF_SIGNED_CERT')).client.instant('up'))).toMatchObject({
      code: 'TLS',
      message: expect.stringContaining('certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)'),
    });
    expect(await failure(clientWith(failing('ERR_SSL_WRONG_VERSION_NUMBER')).client.instant('up'))).toMatchObject({ code: 'TLS', message: expect.stringContaining('try http://') });
    expect(await failure(clientWith(failing('UND_ERR_CONNECT_TIMEOUT')).client.instant('up'))).toMatchObject({ code: 'TIMEOUT' });
    // As Node's fetch fails for a port the fetch standard blocks, such as 6000.
    const blocked = () => Promise.reject(new TypeError('fetch failed', { cause: new Error('bad port') }));
    expect(await failure(clientWith(blocked).client.instant('up'))).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining('this port is one fetch never connects to') });
  });

  it('checks a range before asking', async () => {
    const { client, calls } = clientWith(answer(RANGE_MATRIX));
    expect((await failure(client.range('up', { start: 0, end: 60, step: 0 }))).message).toBe('The range step must be more than 0 seconds');
    expect((await failure(client.range('up', { start: 60, end: 0, step: 15 }))).message).toBe('The range ends before it starts');
    expect((await failure(client.range('up', { start: 0, end: 7 * 86400, step: 15 }))).message).toBe('40,321 points per series is more than Prometheus gives (11,000): take a larger step');
    expect((await failure(client.range('up', { start: NaN, end: 1, step: 1 }))).code).toBe('VALIDATION');
    expect((await failure(client.instant('   '))).message).toBe('The query is empty');
    expect((await failure(client.instant('up', { time: Infinity }))).code).toBe('VALIDATION');
    expect(calls).toHaveLength(0);
  });
});

describe('Prometheus client: hostile answers', () => {
  const garbage = (bytes: number) => {
    const chunk = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) % 251);
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  };

  it('answers 10 MB of garbage labelled JSON with "not Prometheus", parsing nothing else', async () => {
    const { client } = clientWith(() => new Response(garbage(10 * 1024 * 1024), { headers: JSON_TYPE }));
    const err = await failure(client.instant('up'));
    expect(err).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('with something that is not JSON') });
  });

  it('stops reading an answer as soon as it passes the size cap', async () => {
    let pulledBytes = 0;
    const counted = garbage(10 * 1024 * 1024).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          pulledBytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    const { client } = clientWith(() => new Response(counted, { headers: JSON_TYPE }), { maxResponseBytes: 1024 * 1024 });
    const err = await failure(client.instant('up'));
    expect(err).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('answered with more than 1 MiB') });
    expect(pulledBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('refuses an answer whose declared length is over the cap before reading it', async () => {
    const { client } = clientWith(() => new Response(garbage(0), { headers: { ...JSON_TYPE, 'content-length': String(512 * 1024 * 1024) } }));
    expect((await failure(client.instant('up'))).message).toContain('answered with more than 256 MiB');
  });

  it('survives result entries of the wrong shape', async () => {
    const odd = `{"status":"success","data":{"resultType":"vector","result":[null,{"metric":{"a":1,"b":"x"},"value":[1,"2"]},{"value":"3"},{"metric":{},"value":["1","2"]},{"metric":{},"value":[1,""]}]}}`;
    expect(await clientWith(answer(odd)).client.instant('up')).toEqual([{ labels: { b: 'x' }, points: [[1, 2]] }]);
  });
});
