import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { createLogger } from '../../logging/logger';
import { ConnectionPulse } from '../client/connectionPulse';
import type { Failure } from './listWatch';
import { DEFAULT_CACHE_OPTIONS, failureOfError, KubeFailure, ResourceCache, retryAfter, type CacheUpdate } from './resourceCache';
import { shapeFor } from './rowShapes';
import { kubeConfigFor } from '../../../../test/support/localKube';

const scope = 'pods in namespace team-a';

describe('errors of a list or watch', () => {
  it("keeps the server's own failure as judged", () => {
    const gone: Failure = { kind: 'expired', message: 'too old' };
    expect(failureOfError(new KubeFailure(gone), scope)).toBe(gone);
  });

  it('gives up on a connection that no longer exists', () => {
    expect(failureOfError(new AppError('NOT_FOUND', 'No connection c1'), scope)).toBeUndefined();
  });

  it('retries credentials slowly, the network with backoff, and treats the rest as rejected', () => {
    expect(failureOfError(new AppError('UNAUTHORIZED', 'exec plugin failed'), scope)).toEqual({ kind: 'unauthorized', message: 'exec plugin failed' });
    expect(failureOfError(new AppError('UNREACHABLE', 'refused'), scope)?.kind).toBe('transient');
    expect(failureOfError(new AppError('TIMEOUT', 'silent'), scope)?.kind).toBe('transient');
    expect(failureOfError(new AppError('TLS', 'untrusted'), scope)).toEqual({ kind: 'rejected', message: 'untrusted' });
  });

  it('treats an unexpected error as passing, and points to the log', () => {
    expect(failureOfError(new TypeError('x is undefined'), scope)).toEqual({ kind: 'transient', message: `Watching ${scope} failed unexpectedly; see the log` });
  });
});

describe('retries', () => {
  const opts = { slowRetryMs: 60_000, expiredRecently: false, random: () => 1 };

  it('relists at once after 410 Gone, after a backoff when it keeps happening', () => {
    const gone: Failure = { kind: 'expired', message: 'The server no longer has the history; listing again' };
    expect(retryAfter(gone, 0, opts)).toEqual({ phase: 'listing', message: gone.message, waitMs: 0 });
    expect(retryAfter(gone, 3, { ...opts, expiredRecently: true }).waitMs).toBe(4000);
  });

  it('waits the slow interval for what a person must fix', () => {
    expect(retryAfter({ kind: 'unauthorized', message: '401' }, 7, opts)).toEqual({ phase: 'unauthorized', message: '401', waitMs: 60_000 });
    expect(retryAfter({ kind: 'forbidden', message: '403' }, 0, opts)).toEqual({ phase: 'forbidden', message: '403', waitMs: 60_000 });
    expect(retryAfter({ kind: 'rejected', message: '404' }, 0, opts)).toEqual({ phase: 'error', message: '404', waitMs: 60_000 });
  });

  it('backs off from passing failures', () => {
    const down: Failure = { kind: 'transient', message: 'Listing pods answered HTTP 503' };
    expect(retryAfter(down, 0, opts)).toEqual({ phase: 'reconnecting', message: 'Listing pods answered HTTP 503', waitMs: 500 });
    expect(retryAfter(down, 4, opts)).toMatchObject({ message: 'Listing pods answered HTTP 503', waitMs: 8000 });
    expect(retryAfter(down, 20, opts).waitMs).toBe(30_000);
  });
});

describe('listing against an apiserver', () => {
  const PODS = { group: '', version: 'v1', resource: 'pods' };
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  /** A cache of all pods on a server that answers lists with `list` (by page) and holds watches open. */
  async function cacheOn(list: (page: number, res: http.ServerResponse) => void): Promise<{ cache: ResourceCache; updates: CacheUpdate[] }> {
    let page = 0;
    const server = http.createServer((req, res) => {
      if (req.url?.includes('watch=1')) return res.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders();
      // The connection's pulse asks this after a failed request.
      if (req.url === '/version') return res.end('{"gitVersion":"v1.34.4"}');
      list(page++, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = kubeConfigFor(server);
    const cache = new ResourceCache(
      { connectionId: 'c1', resource: PODS, namespaced: true, shape: shapeFor(PODS) },
      { get: async () => kc, forget: () => undefined },
      new ConnectionPulse({ config: async () => kc }),
      createLogger(),
      { ...DEFAULT_CACHE_OPTIONS, batchMs: 5 },
    );
    const updates: CacheUpdate[] = [];
    cache.subscribe((u) => updates.push(u));
    cache.start();
    stops.push(() => {
      cache.stop();
      server.closeAllConnections();
      server.close();
    });
    return { cache, updates };
  }

  const pod = (i: number) => ({ metadata: { name: `pod-${i}`, namespace: 'team-a', uid: `u${i}`, resourceVersion: String(i) }, spec: { nodeName: 'n1' } });
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((r) => setTimeout(r, 5));
  };

  it('lists gzip pages into rows and goes live, with nothing lost when a page breaks off and is listed again', async () => {
    const body = (items: unknown[], next?: string) => gzipSync(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '100', ...(next ? { continue: next } : {}) }, items }));
    const second = body(Array.from({ length: 300 }, (_, i) => pod(i + 2)));
    const { cache, updates } = await cacheOn((page, res) => {
      res.setHeader('Content-Encoding', 'gzip');
      if (page === 1) {
        // The second page breaks off half-way the first time.
        res.setHeader('Content-Length', second.length);
        res.write(second.subarray(0, second.length / 2), () => res.destroy());
      } else if (page % 2 === 0) res.end(body([pod(0), pod(1)], 'more'));
      else res.end(second);
    });
    await until(() => cache.state.phase === 'live');
    expect(cache.stats).toMatchObject({ lists: 2, pages: 3 });
    expect(cache.rows().map((r) => r.name)).toEqual(Array.from({ length: 302 }, (_, i) => `pod-${i}`));
    expect(updates[0]).toMatchObject({ reset: true, upserts: [{ name: 'pod-0' }, { name: 'pod-1' }] });
  });

  it('opened on a connection already known to be silent, says so at once and lists when the server answers', async () => {
    let hung = true;
    const server = http.createServer((req, res) => {
      if (hung) return;
      if (req.url === '/version') return res.end('{}');
      if (req.url?.includes('watch=1')) return res.writeHead(200).flushHeaders();
      res.end(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '5' }, items: [pod(0)] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = kubeConfigFor(server);
    const pulse = new ConnectionPulse({ config: async () => kc }, { silenceMs: 50, probeTimeoutMs: 100, retryBaseMs: 100, retryMaxMs: 200 });
    const release = pulse.hold();
    const cache = new ResourceCache({ connectionId: 'c1', resource: PODS, namespaced: true, shape: shapeFor(PODS) }, { get: async () => kc, forget: () => undefined }, pulse, createLogger(), {
      ...DEFAULT_CACHE_OPTIONS,
      batchMs: 5,
    });
    stops.push(() => {
      cache.stop();
      release();
      pulse.close();
      server.closeAllConnections();
      server.close();
    });
    await until(() => !pulse.state.reachable);
    cache.start();
    expect(cache.state).toMatchObject({ phase: 'reconnecting', rows: 0, staleSince: expect.any(String), retryAt: expect.any(String) });
    hung = false;
    await until(() => cache.state.phase === 'live');
    expect(cache.state.staleSince).toBeUndefined();
    expect(cache.rows().map((r) => r.name)).toEqual(['pod-0']);
  });

  it('a final state given while stale replaces the stale marks (a connection deleted during an outage)', async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = kubeConfigFor(server);
    const pulse = new ConnectionPulse({ config: async () => kc }, { silenceMs: 50, probeTimeoutMs: 100, retryBaseMs: 100, retryMaxMs: 200 });
    const release = pulse.hold();
    const cache = new ResourceCache({ connectionId: 'c1', resource: PODS, namespaced: true, shape: shapeFor(PODS) }, { get: async () => kc, forget: () => undefined }, pulse, createLogger());
    stops.push(() => {
      release();
      pulse.close();
      server.closeAllConnections();
      server.close();
    });
    const updates: CacheUpdate[] = [];
    cache.subscribe((u) => updates.push(u));
    await until(() => !pulse.state.reachable);
    cache.start();
    expect(cache.state.staleSince).toBeDefined();
    cache.stop({ phase: 'error', message: 'The connection was deleted' });
    expect(updates.at(-1)?.state).toEqual({ phase: 'error', rows: 0, message: 'The connection was deleted' });
  });

  it('takes a Status answered with 200 for the failure it is, not for an empty list', async () => {
    const { cache } = await cacheOn((_, res) => res.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: 'pods is forbidden', reason: 'Forbidden', code: 403 })));
    await until(() => cache.state.phase !== 'listing');
    expect(cache.state).toMatchObject({ phase: 'forbidden', rows: 0, message: expect.stringContaining('pods is forbidden') });
  });
});
