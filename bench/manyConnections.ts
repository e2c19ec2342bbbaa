/**
 * Many connections open at once, as a fleet's SRE keeps them: contexts of the
 * bed's two clusters (every other one of the secondary, which holds the
 * 10,000 pods), each watching all its pods, in one launch of browser mode
 * with the services in their own process. Measured:
 *   - how long until every watch is live with all its rows;
 *   - the `app.info` round trip from another process meanwhile (p50/p99);
 *   - the services' peak RSS;
 *   - watch latency on the services' stream, request sent → `kube.rows`
 *     event, for pods created, updated (labelled) and deleted;
 *   - with the secondary's apiserver paused, the time until every watch of it
 *     says stale, and until all are live again once it is resumed.
 * Used by bench/inspector.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeRowsEvent } from '../shared/contract';
import { kubeRequest } from '../electron/services/kube/client/kubeHttp';
import { servicesPidOf, startApp } from '../test/e2e/app';
import { createTestServices, importKubeconfigAndWait } from '../test/support/services';
import { pauseApiserver, resumeApiserver, type ClusterInfo } from '../test/testbed';
import { call, connect, cookies, nextLine } from './benchClient';
import { peakRssOf } from './largeCluster';

const root = resolve(import.meta.dirname, '..');
const PODS = { group: '', version: 'v1', resource: 'pods' };
const KWOK_TOLERATION = { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' };
const LATENCY_LABEL = 'pilothouse.dev/bench=latency';

/** What {@link measureManyConnections} found. */
export interface ManyConnectionsFigures {
  connections: number;
  /** Rows held across every watch once all were live. */
  rows: number;
  /** Watches asked for → every one live with all its rows. */
  openMs: number;
  /** `app.info` round trips while they opened and just after. */
  trips: number[];
  servicesRssPeak: number;
  latency: { added: number[]; updated: number[]; deleted: number[] };
  /** Secondary paused → every watch of it stale. */
  staleMs: number;
  /** Secondary resumed → every watch of it live. */
  recoveredMs: number;
}

/** What one watch has told the client so far. */
interface WatchSeen {
  connection: string;
  cluster: 'primary' | 'secondary';
  rows: number;
  state: KubeRowsEvent['state'];
}

/** Resolves when `test` holds, checked after every event (and now). */
function when(events: { on(listener: () => void): () => void }, test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (test()) return resolvePromise();
    const timer = setTimeout(() => (off(), reject(new Error(`${what}: not within ${timeoutMs / 1000} s`))), timeoutMs);
    const off = events.on(() => {
      if (!test()) return;
      clearTimeout(timer);
      off();
      resolvePromise();
    });
  });
}

/** Imports `count` connections, alternating the two clusters' admin contexts. */
async function dataDirWith(count: number, primary: ClusterInfo, secondary: ClusterInfo): Promise<{ dataDir: string; ids: { id: string; cluster: 'primary' | 'secondary' }[] }> {
  const { services, dataDir } = createTestServices();
  const ids: { id: string; cluster: 'primary' | 'secondary' }[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const cluster = i % 2 === 0 ? 'primary' : 'secondary';
      const path = (cluster === 'primary' ? primary : secondary).kubeconfigs.admin;
      const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path })).contexts;
      const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: context.contextName, name: `fleet-${String(i + 1).padStart(2, '0')}-${cluster}` }]);
      ids.push({ id: imported[0].id, cluster });
    }
  } finally {
    await services.close();
  }
  return { dataDir, ids };
}

/** Opens `count` connections' pod watches at once and measures them; see the file's comment. */
export async function measureManyConnections(opts: { count: number; primary: ClusterInfo; secondary: ClusterInfo }): Promise<ManyConnectionsFigures> {
  const primaryKc = new KubeConfig();
  primaryKc.loadFromFile(opts.primary.kubeconfigs.admin);
  const { dataDir, ids } = await dataDirWith(opts.count, opts.primary, opts.secondary);
  const app = await startApp({ dataDir });
  const client = await connect(app.url);
  const watches = new Map<string, WatchSeen>();
  const listeners = new Set<() => void>();
  const events = { on: (l: () => void) => (listeners.add(l), () => listeners.delete(l)) };
  /** Per watch: when each uid last arrived as an upsert, and when it was deleted. */
  const upsertedAt = new Map<string, number>();
  const deletedAt = new Map<string, number>();
  let latencyWatch = '';
  client.bridge.events['kube.rows']((e) => {
    const seen = watches.get(e.watchId);
    if (!seen) return;
    seen.rows = e.reset ? e.upserts.length : seen.rows + e.upserts.length - e.deletes.length;
    seen.state = e.state;
    if (e.watchId === latencyWatch) {
      const now = performance.now();
      for (const row of e.upserts) upsertedAt.set(row.uid, now);
      for (const uid of e.deletes) deletedAt.set(uid, now);
    }
    for (const l of [...listeners]) l();
  });
  try {
    const servicesPid = servicesPidOf(app);
    const probe = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/responsiveness.ts'), '--role', 'probe', '--url', app.url, '--seconds', '25'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PILOTHOUSE_BENCH_COOKIE: cookies.get(app.url)! },
    });
    const probed = nextLine<{ trips: number[] }>(probe, 'trips');
    await new Promise((r) => setTimeout(r, 500));

    const started = performance.now();
    await Promise.all(
      ids.map(async ({ id, cluster }) => {
        const { watchId } = await call<{ watchId: string }>(client.bridge, 'kube.watch', { connectionId: id, resource: PODS });
        watches.set(watchId, { connection: id, cluster, rows: 0, state: { phase: 'listing', rows: 0 } });
        if (!latencyWatch && cluster === 'primary') latencyWatch = watchId;
      }),
    );
    const allLive = () => [...watches.values()].every((w) => w.state.phase === 'live' && w.rows === w.state.rows);
    await when(events, allLive, 300_000, 'every watch live');
    const openMs = performance.now() - started;
    const rows = [...watches.values()].reduce((n, w) => n + w.rows, 0);
    const { trips } = await probed;

    // Watch latency on one primary connection: each change timed from just before its request.
    const latency = { added: [] as number[], updated: [] as number[], deleted: [] as number[] };
    const kc = primaryKc;
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      const res = await kubeRequest<{ metadata: { uid: string; name: string } }>(kc, '/api/v1/namespaces/default/pods', {
        method: 'POST',
        body: { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'bench-latency-', labels: { 'pilothouse.dev/bench': 'latency' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], tolerations: [KWOK_TOLERATION] } },
      });
      if (res.status !== 201) throw new Error(`creating a pod answered HTTP ${res.status}`);
      const { uid, name } = res.body.metadata;
      await when(events, () => (upsertedAt.get(uid) ?? 0) > sent, 30_000, 'a created pod in the stream');
      latency.added.push(upsertedAt.get(uid)! - sent);
      // Settle: kwok marks it Running, which is an update of its own.
      await new Promise((r) => setTimeout(r, 300));
      const patched = performance.now();
      const patch = await kubeRequest(kc, `/api/v1/namespaces/default/pods/${name}`, {
        method: 'PATCH',
        body: { metadata: { labels: { 'pilothouse.dev/step': String(i) } } },
      });
      if (patch.status !== 200) throw new Error(`labelling a pod answered HTTP ${patch.status}`);
      await when(events, () => (upsertedAt.get(uid) ?? 0) > patched, 30_000, 'a labelled pod in the stream');
      latency.updated.push(upsertedAt.get(uid)! - patched);
      const deleting = performance.now();
      const del = await kubeRequest(kc, `/api/v1/namespaces/default/pods/${name}`, { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } });
      if (del.status !== 200 && del.status !== 202) throw new Error(`deleting a pod answered HTTP ${del.status}`);
      await when(events, () => (deletedAt.get(uid) ?? 0) > deleting, 30_000, 'a deleted pod in the stream');
      latency.deleted.push(deletedAt.get(uid)! - deleting);
    }

    // The secondary hangs: every connection to it must say so, then recover.
    const secondary = [...watches.values()].filter((w) => w.cluster === 'secondary');
    const paused = performance.now();
    await pauseApiserver(opts.secondary);
    let staleMs: number;
    try {
      await when(events, () => secondary.every((w) => w.state.staleSince !== undefined), 90_000, 'every secondary watch stale');
      staleMs = performance.now() - paused;
    } finally {
      await resumeApiserver(opts.secondary);
    }
    const resumed = performance.now();
    await when(events, () => secondary.every((w) => w.state.phase === 'live' && w.state.staleSince === undefined), 90_000, 'every secondary watch live again');
    const recoveredMs = performance.now() - resumed;

    return { connections: ids.length, rows, openMs, trips, servicesRssPeak: peakRssOf(servicesPid), latency, staleMs, recoveredMs };
  } finally {
    client.ws.close();
    await app.stop();
    await kubeRequest(primaryKc, `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(LATENCY_LABEL)}`, { method: 'DELETE' }).catch(() => undefined);
  }
}
