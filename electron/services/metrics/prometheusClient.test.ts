/**
 * Answers below are Prometheus HTTP API bodies as the documentation shows
 * them (https://prometheus.io/docs/prometheus/latest/querying/api/), handed to
 * the client as `Response`s by a fetch that records what was asked.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/result';
import { createParsePool, type ParsePool } from '../connections/parsePool';
import { createLogger } from '../logging/logger';
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

  it('reads a body whatever length it declares, compressed or not', async () => {
    const body = new TextEncoder().encode(RANGE_MATRIX);
    const range = { start: 1435781430.781, end: 1435781460.781, step: 15 };
    const want = await clientWith(answer(RANGE_MATRIX)).client.range('up', range);
    for (const declared of ['0', '10', String(body.byteLength), String(body.byteLength * 3), 'nonsense', '-5']) {
      for (const encoding of [{}, { 'content-encoding': 'gzip' }] as Record<string, string>[]) {
        // Sent in small pieces, so the buffer has to grow past what was declared.
        const pieces = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < body.byteLength; at += 100) controller.enqueue(body.slice(at, at + 100));
            controller.close();
          },
        });
        const { client } = clientWith(() => new Response(pieces, { headers: { ...JSON_TYPE, ...encoding, 'content-length': declared } }));
        expect(await client.range('up', range), `${declared} ${JSON.stringify(encoding)}`).toEqual(want);
      }
    }
  });

  it('survives result entries of the wrong shape', async () => {
    const odd = `{"status":"success","data":{"resultType":"vector","result":[null,{"metric":{"a":1,"b":"x"},"value":[1,"2"]},{"value":"3"},{"metric":{},"value":["1","2"]},{"metric":{},"value":[1,""]}]}}`;
    expect(await clientWith(answer(odd)).client.instant('up')).toEqual([{ labels: { b: 'x' }, points: [[1, 2]] }]);
  });
});

/**
 * A thousand GPUs over a day at one minute, as Prometheus writes a
 * query_range answer (a label set, then [unix s, "value"] pairs): ~26 MB,
 * each value a formula of the GPU and the minute so the reader can check it.
 */
const FLEET = { gpus: 1000, start: 1_764_720_000, step: 60, count: 1440 };
const fleetValue = (g: number, i: number) => (g * 37 + i * 11) % 101;
function fleetAnswer(): Uint8Array {
  const parts: string[] = ['{"status":"success","data":{"resultType":"matrix","result":['];
  for (let g = 0; g < FLEET.gpus; g++) {
    const values = new Array<string>(FLEET.count);
    for (let i = 0; i < FLEET.count; i++) values[i] = `[${FLEET.start + i * FLEET.step},"${fleetValue(g, i)}"]`;
    const uuid = `GPU-${String(g).padStart(8, '0')}-0000-0000-0000-000000000000`;
    parts.push(`${g ? ',' : ''}{"metric":{"Hostname":"gpu-node-${g >> 3}","UUID":"${uuid}","gpu":"${g & 7}","modelName":"NVIDIA H200"},"values":[${values.join(',')}]}`);
  }
  parts.push(']}}');
  return new TextEncoder().encode(parts.join(''));
}

/** `bytes` as a body arriving in 64 KiB chunks, each on a turn of the event loop as from a socket. */
const chunked = (bytes: Uint8Array) => {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((arrived) => setImmediate(arrived));
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, (at += 64 * 1024)));
    },
  });
};

/**
 * While `work` runs, the longest stretch between two runs of a 5 ms timer
 * (`gap`), and the longest time this thread spent running code within such a
 * stretch (`busy`, from its event-loop utilisation), both in ms. On a loaded
 * machine `gap` also grows while the OS runs other threads; `busy` grows only
 * with work done on this thread, such as a parse that never yields.
 */
async function longestGap<T>(work: () => Promise<T>): Promise<{ gap: number; busy: number; value: T }> {
  let last = performance.now();
  let lastUse = performance.eventLoopUtilization();
  let gap = 0;
  let busy = 0;
  const tick = () => {
    const t = performance.now();
    const use = performance.eventLoopUtilization();
    gap = Math.max(gap, t - last);
    busy = Math.max(busy, use.active - lastUse.active);
    last = t;
    lastUse = use;
  };
  const timer = setInterval(tick, 5);
  try {
    const value = await work();
    // Work that never yields runs no timer at all: the stretch since the last tick counts too.
    tick();
    return { gap, busy, value };
  } finally {
    clearInterval(timer);
  }
}

describe('Prometheus client: large answers in a worker thread', () => {
  const pools: ParsePool[] = [];
  afterAll(() => Promise.all(pools.splice(0).map((p) => p.close())));
  const parsePool = () => {
    const pool = createParsePool(createLogger(), { size: 1 });
    pools.push(pool);
    return pool;
  };
  const fleetRange = { start: FLEET.start, end: FLEET.start + (FLEET.count - 1) * FLEET.step, step: FLEET.step };

  it('reads 1,000 GPUs × 1,440 minutes (~26 MB) while a 5 ms timer on this thread never waits 100 ms', { timeout: 120_000 }, async () => {
    const body = fleetAnswer();
    expect(body.byteLength).toBeGreaterThan(20_000_000);
    const pool = parsePool();
    const handed: Uint8Array[] = [];
    const { client } = clientWith(() => new Response(chunked(body), { headers: JSON_TYPE }), {
      readAnswer: (job, signal) => {
        handed.push(job.bytes);
        return pool.run(job, signal);
      },
    });
    const { gap, busy, value: matrix } = await longestGap(() => client.rangeMatrix('max by (Hostname, gpu, UUID, modelName) (DCGM_FI_DEV_GPU_UTIL)', fleetRange));
    // Measured on the shared 2-core machine: parsed on this thread (the code before the worker), the loop is busy 0.75–1.8 s
    // without a break; read in the worker, the timer's longest wait is 15–40 ms, more only while other processes hold both cores.
    // That the answer was read at all (below) is checked here too, so a stalled worker can't pass for a responsive loop.
    expect(busy).toBeLessThan(100);
    expect(gap).toBeLessThan(1000);
    // The body went to the worker whole, moved rather than copied.
    expect(handed).toHaveLength(1);
    expect(handed[0].byteLength).toBe(0);
    expect(matrix.grid).toEqual({ start: FLEET.start, step: FLEET.step, count: FLEET.count });
    expect(matrix.labels).toHaveLength(FLEET.gpus);
    expect(matrix.values).toHaveLength(FLEET.gpus * FLEET.count);
    expect(matrix.labels[999]).toEqual({ Hostname: 'gpu-node-124', UUID: 'GPU-00000999-0000-0000-0000-000000000000', gpu: '7', modelName: 'NVIDIA H200' });
    for (const [g, i] of [[0, 0], [1, 1], [500, 719], [999, 1439]]) expect(matrix.values[g * FLEET.count + i]).toBe(fleetValue(g, i));
  });

  it('gives the same series whether an answer is read in the worker or here, and reads small ones here', { timeout: 60_000 }, async () => {
    const pool = parsePool();
    const sent: number[] = [];
    const readAnswer: PrometheusClientOptions['readAnswer'] = (job, signal) => {
      sent.push(job.bytes.byteLength);
      return pool.run(job, signal);
    };
    const range = { start: 1700000000, end: 1700000240, step: 60 };
    const viaWorker = clientWith(answer(WITH_NON_FINITE), { readAnswer, inlineParseBytes: 0 }).client;
    const here = clientWith(answer(WITH_NON_FINITE), { readAnswer }).client;
    expect(await viaWorker.range('rate(x[5m])', range)).toEqual(await here.range('rate(x[5m])', range));
    expect(await clientWith(answer(INSTANT_VECTOR), { readAnswer, inlineParseBytes: 0 }).client.instant('up')).toEqual(await clientWith(answer(INSTANT_VECTOR)).client.instant('up'));
    // Two went to the worker; the answers under the threshold never did.
    expect(sent).toHaveLength(2);
  });

  it('brings the worker’s verdicts back as AppErrors, without the credentials', { timeout: 60_000 }, async () => {
    const pool = parsePool();
    const options: PrometheusClientOptions = { readAnswer: (job, signal) => pool.run(job, signal), inlineParseBytes: 0 };
    const echoed = `{"status":"error","errorType":"bad_data","error":"invalid parameter: Bearer ${TOKEN} is not a query"}`;
    const bad = await failure(clientWith(answer(echoed, 400), options).client.rangeMatrix('up', { start: 0, end: 60, step: 15 }));
    expect(bad).toMatchObject({ code: 'VALIDATION' });
    expect(bad.message).not.toContain(TOKEN);
    expect(bad.message).toContain('«redacted»');
    expect(await failure(clientWith(answer('{"status":"success","data":{"resultType":"vector","result":[]}}'), options).client.rangeMatrix('up', { start: 0, end: 60, step: 15 }))).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('answered with a vector, not matrix'),
    });
    expect(await failure(clientWith(answer('[1, 2'), options).client.instant('up'))).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('with something that is not JSON') });
    expect(await failure(clientWith(answer('upstream down', 502, JSON_TYPE), options).client.instant('up'))).toMatchObject({ code: 'VALIDATION' });
  });

  it('stops the worker when the caller cancels mid-parse, and the next answer gets a fresh one', { timeout: 120_000 }, async () => {
    const pool = parsePool();
    const body = fleetAnswer();
    const cancel = new AbortController();
    const { client } = clientWith(() => new Response(chunked(body), { headers: JSON_TYPE }), {
      readAnswer: (job, signal) => {
        const running = pool.run(job, signal);
        // Cancelled once the body is read and handed over: only the parse is under way.
        setTimeout(() => cancel.abort(new Error('the user left the page')), 20);
        return running;
      },
    });
    await expect(client.rangeMatrix('x', fleetRange, { signal: cancel.signal })).rejects.toThrow('the user left the page');
    expect(pool.stats()).toEqual({ workers: 0, running: 0, waiting: 0 });
    const again = clientWith(answer(RANGE_MATRIX), { readAnswer: (job, signal) => pool.run(job, signal), inlineParseBytes: 0 }).client;
    expect(await again.range('up', { start: 1435781430.781, end: 1435781460.781, step: 15 })).toHaveLength(2);
  });
});
