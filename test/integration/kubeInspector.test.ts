/**
 * The live list+watch caches against the real test bed: discovery, pods and
 * nodes as rows, watch events, paging, one cache shared by many watches, a
 * real 410 Gone, an apiserver restart and RBAC limits.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeRowsEvent, Row, WatchState } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { ListWatchKubeInspector, type KubeInspectorOptions } from '../../electron/services/kube/watch/kubeInspector';
import type { Subscription } from '../../electron/services/rpc/eventHub';
import { KWOK_TOLERATION, expireRestrictedToken, type ClusterInfo, pauseApiserver, readyzStatus, renewRestrictedToken, resumeApiserver, startApiserver, stopApiserver } from '../testbed';
import { DEFAULT_PULSE_OPTIONS } from '../../electron/services/kube/client/connectionPulse';
import { contractClient, until } from '../support/contract';

const bed = inject('testbed');
const primary = bed.clusters.primary;
// Faults are injected into the secondary cluster only: other test files use the primary meanwhile.
const secondary = bed.clusters.secondary;
const run = promisify(execFile);

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
/** Namespaces this file creates, one per cluster, and deletes at the end; named per run, since deleting one takes a while. */
const RUN = Date.now().toString(36);
const NS_PRIMARY = `ph-it-inspector-${RUN}`;
const NS_SECONDARY = `ph-it-inspector-faults-${RUN}`;

let services: Services;
let subscription: Subscription;
const ids: Record<'primary' | 'secondary' | 'restricted', string> = { primary: '', secondary: '', restricted: '' };

/** What a UI holding each watch's rows would show, built from the `kube.rows` events alone. */
interface View {
  events: KubeRowsEvent[];
  rows: Map<string, Row>;
  phases: WatchState['phase'][];
  state?: WatchState;
}
const views = new Map<string, View>();
const view = (watchId: string): View => {
  let v = views.get(watchId);
  if (!v) views.set(watchId, (v = { events: [], rows: new Map(), phases: [] }));
  return v;
};

function apply(e: KubeRowsEvent): void {
  const v = view(e.watchId);
  v.events.push(e);
  if (e.reset) v.rows.clear();
  for (const r of e.upserts) v.rows.set(r.uid, r);
  for (const uid of e.deletes) v.rows.delete(uid);
  if (v.phases.at(-1) !== e.state.phase) v.phases.push(e.state.phase);
  v.state = e.state;
}

const { call } = contractClient(() => services, { actor: 'it', session: 'it' });

const live = (watchId: string, timeoutMs?: number) => until(`watch ${watchId} to be live`, () => view(watchId).state?.phase === 'live' && view(watchId), timeoutMs);

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', kubeconfig, ...args])).stdout;
}

async function ensureNamespace(kubeconfig: string, ns: string): Promise<void> {
  await kubectl(kubeconfig, 'create', 'namespace', ns).catch((e: Error) => {
    if (!/AlreadyExists/.test(e.message)) throw e;
  });
  // Pods are refused until the namespace's default ServiceAccount exists.
  const deadline = Date.now() + 30_000;
  while (!(await kubectl(kubeconfig, 'get', 'serviceaccount', 'default', '-n', ns).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`no default ServiceAccount in ${ns}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function createPod(kubeconfig: string, ns: string, name: string, nodeName?: string): Promise<void> {
  const overrides = JSON.stringify({ spec: { tolerations: [KWOK_TOLERATION], ...(nodeName ? { nodeName } : {}) } });
  await kubectl(kubeconfig, 'run', name, '-n', ns, '--image=registry.k8s.io/pause:3.10', '--restart=Never', `--overrides=${overrides}`);
}

async function deletePod(kubeconfig: string, ns: string, name: string): Promise<void> {
  await kubectl(kubeconfig, 'delete', 'pod', name, '-n', ns, '--grace-period=0', '--force');
}

/** uid → name of the pods the server holds now, as kubectl sees them. */
async function serverPods(kubeconfig: string, ns?: string): Promise<Map<string, string>> {
  const out = await kubectl(kubeconfig, 'get', 'pods', ...(ns ? ['-n', ns] : ['-A']), '-o', 'json');
  const list = JSON.parse(out) as { items: { metadata: { uid: string; name: string } }[] };
  return new Map(list.items.map((p) => [p.metadata.uid, p.metadata.name]));
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

async function importOne(path: string, name: string): Promise<string> {
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name, onConflict: 'replace' }], 'it');
  return imported[0].id;
}

async function waitApiserver(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await readyzStatus(secondary).catch(() => 0)) !== 200) {
    if (Date.now() > deadline) throw new Error('apiserver did not come back within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Compacts a cluster's etcd at its current revision through etcd's JSON
 * gateway (address from kwokctl's config), so every older revision is gone
 * for good, as the apiserver's own compaction does every 5 minutes.
 */
async function compactEtcd(cluster: ClusterInfo): Promise<void> {
  const endpoint = /--etcd-servers=(\S+)/.exec(readFileSync(join(cluster.workdir, 'kwok.yaml'), 'utf8'))?.[1];
  if (!endpoint) throw new Error(`no --etcd-servers in ${cluster.workdir}/kwok.yaml`);
  const post = async (path: string, body: object) => {
    const res = await fetch(endpoint + path, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`etcd ${path} answered HTTP ${res.status}`);
    return (await res.json()) as { header: { revision: string } };
  };
  const { header } = await post('/v3/kv/range', { key: Buffer.from('/').toString('base64') });
  await post('/v3/kv/compaction', { revision: header.revision, physical: true });
}

/** A continue token as the server would have issued it at `rv`: apiserver tokens are base64url JSON. */
function withResourceVersion(token: string, rv: number): string {
  const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...decoded, rv })).toString('base64url');
}

/** An inspector of its own on the same services (for seams and figures), closed after the test. */
function inspector(options: KubeInspectorOptions = {}): ListWatchKubeInspector {
  const i = new ListWatchKubeInspector({ connections: services.connections, hub: services.hub, log: services.log }, options);
  opened.push(i);
  return i;
}
const opened: ListWatchKubeInspector[] = [];

beforeAll(async () => {
  ({ services } = createTestServices());
  subscription = services.hub.subscribe((batch) => {
    for (const e of batch.events) if (e.name === 'kube.rows') apply(e.payload as KubeRowsEvent);
    subscription.ack(batch.seq);
  });
  ids.primary = await importOne(primary.kubeconfigs.admin, 'primary-admin');
  ids.secondary = await importOne(secondary.kubeconfigs.admin, 'secondary-admin');
  ids.restricted = await importOne(secondary.kubeconfigs.restricted, 'secondary-restricted');
  await Promise.all([ensureNamespace(primary.kubeconfigs.admin, NS_PRIMARY), ensureNamespace(secondary.kubeconfigs.admin, NS_SECONDARY)]);
});

afterAll(async () => {
  for (const i of opened) i.close();
  subscription?.close();
  services?.close();
  await Promise.all([
    kubectl(primary.kubeconfigs.admin, 'delete', 'namespace', NS_PRIMARY, '--wait=false').catch(() => undefined),
    kubectl(secondary.kubeconfigs.admin, 'delete', 'namespace', NS_SECONDARY, '--wait=false').catch(() => undefined),
  ]);
});

describe('discovery', () => {
  it('lists built-in resources and the seeded CRD, without subresources', async () => {
    const d = await call('kube.discover', { connectionId: ids.primary });
    expect(d.serverVersion).toBe('v1.34.4');
    const find = (group: string, resource: string) => d.resources.find((r) => r.group === group && r.resource === resource);
    expect(find('', 'pods')).toMatchObject({ version: 'v1', kind: 'Pod', namespaced: true, builtin: true, shortNames: ['po'] });
    expect(find('', 'nodes')).toMatchObject({ kind: 'Node', namespaced: false, builtin: true });
    expect(find('apps', 'deployments')).toMatchObject({ version: 'v1', kind: 'Deployment', namespaced: true, builtin: true });
    expect(find('ml.pilothouse.dev', 'trainingjobs')).toMatchObject({ version: 'v1alpha1', kind: 'TrainingJob', namespaced: true, builtin: false, shortNames: ['tj'] });
    expect(find('', 'pods')?.verbs).toEqual(expect.arrayContaining(['list', 'watch']));
    expect(d.resources.some((r) => r.resource.includes('/'))).toBe(false);
  });
});

describe('live rows on the primary cluster', () => {
  it('pods in all namespaces: a reset, then live, with every pod the server has', async () => {
    const opened = await call('kube.watch', { connectionId: ids.primary, resource: PODS });
    expect(opened.namespaced).toBe(true);
    expect(opened.columns.map((c) => c.id)).toEqual(['status', 'ready', 'restarts', 'gpus', 'node', 'phase', 'age']);
    const v = await live(opened.watchId);
    expect(v.events[0].reset).toBe(true);
    // Other test files may change pods meanwhile: compare until both sides agree.
    await until('rows to match kubectl', async () => sorted((await serverPods(primary.kubeconfigs.admin)).keys()).join() === sorted(v.rows.keys()).join());
    const pretrain = [...v.rows.values()].find((r) => r.namespace === 'ml-training' && r.name.startsWith('llm-pretrain-'));
    expect(pretrain?.cells).toEqual(['Running', '1/1', 0, 8, 'gpu-h200-0', 'Running', expect.stringMatching(/^\d{4}-\d\d-\d\dT/)]);
    expect([...v.rows.values()].every((r) => r.cells.length === opened.columns.length)).toBe(true);
    await call('kube.unwatch', { watchId: opened.watchId });
  });

  it('a pod created and deleted with kubectl arrives as an upsert, then a delete', async () => {
    const opened = await call('kube.watch', { connectionId: ids.primary, resource: PODS, namespace: NS_PRIMARY });
    const v = await live(opened.watchId);
    const before = v.events.length;
    await createPod(primary.kubeconfigs.admin, NS_PRIMARY, 'watched');
    const row = await until('the new pod', () => [...v.rows.values()].find((r) => r.name === 'watched'));
    expect(row.namespace).toBe(NS_PRIMARY);
    await until('the pod to run', () => v.rows.get(row.uid)?.cells[0] === 'Running');
    await deletePod(primary.kubeconfigs.admin, NS_PRIMARY, 'watched');
    await until('the pod to go', () => !v.rows.has(row.uid));
    const later = v.events.slice(before);
    expect(later.some((e) => e.reset)).toBe(false);
    expect(later.some((e) => e.upserts.some((r) => r.uid === row.uid))).toBe(true);
    expect(later.some((e) => e.deletes.includes(row.uid))).toBe(true);
    await call('kube.unwatch', { watchId: opened.watchId });
  });

  it('nodes: GPU nodes show 8 allocatable GPUs and their product; CPU nodes none', async () => {
    const opened = await call('kube.watch', { connectionId: ids.primary, resource: NODES, namespace: 'ignored-for-cluster-scope' });
    expect(opened.namespaced).toBe(false);
    const v = await live(opened.watchId);
    const col = (id: string) => opened.columns.findIndex((c) => c.id === id);
    const byName = new Map([...v.rows.values()].map((r) => [r.name, r]));
    for (const name of primary.nodes.gpu) {
      const cells = byName.get(name)?.cells ?? [];
      expect(cells[col('status')]).toBe('Ready');
      expect(cells[col('gpuAllocatable')]).toBe(8);
      expect(cells[col('gpuCapacity')]).toBe(8);
      expect(cells[col('gpuProduct')]).toBe('NVIDIA-H200');
      expect(cells[col('version')]).toMatch(/^v/);
    }
    for (const name of primary.nodes.cpu) expect(byName.get(name)?.cells[col('gpuAllocatable')]).toBeNull();
    await call('kube.unwatch', { watchId: opened.watchId });
  });

  it('nodes: the Pods column counts the pods on each node, and follows a pod placed on one', async () => {
    const opened = await call('kube.watch', { connectionId: ids.primary, resource: NODES });
    const pods = opened.columns.findIndex((c) => c.id === 'pods');
    expect(opened.columns[pods]).toEqual({ id: 'pods', title: 'Pods', kind: 'number' });
    const v = await live(opened.watchId);
    const node = primary.nodes.cpu[0];
    const list = JSON.parse(await kubectl(primary.kubeconfigs.admin, 'get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'json')) as { items: unknown[] };
    const countOn = () => [...v.rows.values()].find((r) => r.name === node)?.cells[pods];
    await until(`${node} to show ${list.items.length} pods`, () => countOn() === list.items.length);

    await createPod(primary.kubeconfigs.admin, NS_PRIMARY, 'counted', node);
    await until(`${node} to count the new pod`, () => countOn() === list.items.length + 1);
    await deletePod(primary.kubeconfigs.admin, NS_PRIMARY, 'counted');
    await until(`${node} to count it gone`, () => countOn() === list.items.length);
    await call('kube.unwatch', { watchId: opened.watchId });
  });

  it('nodes: GPUs requested and free sum the GPUs of the pods on each node; CPU nodes show neither', async () => {
    const opened = await call('kube.watch', { connectionId: ids.primary, resource: NODES });
    const col = (id: string) => opened.columns.findIndex((c) => c.id === id);
    expect(opened.columns.slice(col('pods'))).toEqual([
      { id: 'pods', title: 'Pods', kind: 'number' },
      { id: 'gpuRequested', title: 'GPUs requested', kind: 'number' },
      { id: 'gpuFree', title: 'GPUs free', kind: 'number' },
    ]);
    const v = await live(opened.watchId);
    const gpusOn = (node: string) => {
      const cells = [...v.rows.values()].find((r) => r.name === node)?.cells ?? [];
      return [cells[col('gpuRequested')], cells[col('gpuFree')]];
    };
    // Seeded (test/testbed/topology.ts): llm-pretrain 8 on gpu-h200-0, llm-inference 2 × 4 on gpu-h200-1, research-notebook 4 on gpu-h200-2.
    const expected: Record<string, [number, number]> = { 'gpu-h200-0': [8, 0], 'gpu-h200-1': [8, 0], 'gpu-h200-2': [4, 4], 'gpu-h200-3': [0, 8] };
    await until('GPU nodes to show the GPUs their pods hold', () => Object.entries(expected).every(([node, figures]) => gpusOn(node).join() === figures.join()));
    for (const node of primary.nodes.cpu) expect(gpusOn(node)).toEqual([null, null]);
    await call('kube.unwatch', { watchId: opened.watchId });
  });

  it('re-importing a connection lists its live caches again at once, sending only the difference', async () => {
    await createPod(primary.kubeconfigs.admin, NS_PRIMARY, 'before-reimport');
    const opened = await call('kube.watch', { connectionId: ids.primary, resource: PODS, namespace: NS_PRIMARY });
    const v = await live(opened.watchId);
    const inspector = services.kube as ListWatchKubeInspector;
    const lists = () => inspector.cacheInfo().find((c) => c.key.endsWith(`/v1/pods|${NS_PRIMARY}`))?.lists ?? 0;
    const listsBefore = lists();
    const resetsBefore = v.events.filter((e) => e.reset).length;
    const rowsBefore = sorted([...v.rows.values()].map((r) => r.name));

    expect(await importOne(primary.kubeconfigs.admin, 'primary-admin')).toBe(ids.primary);
    await until('a relist', () => lists() > listsBefore && v.state?.phase === 'live');
    // The same cluster: nothing to change, no reset that would blank the table.
    expect(v.events.filter((e) => e.reset).length).toBe(resetsBefore);
    expect(sorted([...v.rows.values()].map((r) => r.name))).toEqual(rowsBefore);
    await deletePod(primary.kubeconfigs.admin, NS_PRIMARY, 'before-reimport');
    await call('kube.unwatch', { watchId: opened.watchId });
  });

  it('the seeded CRD with its printer columns; Secrets as type and key count only', async () => {
    const tj = await call('kube.watch', { connectionId: ids.primary, resource: { group: 'ml.pilothouse.dev', version: 'v1alpha1', resource: 'trainingjobs' } });
    expect(tj.columns.map((c) => c.title)).toEqual(['Model', 'GPUs', 'Phase', 'Age']);
    const jobs = await live(tj.watchId);
    expect(jobs.rows.size).toBe(4);
    expect([...jobs.rows.values()].every((r) => typeof r.cells[0] === 'string' && typeof r.cells[1] === 'number')).toBe(true);

    const secrets = await call('kube.watch', { connectionId: ids.primary, resource: { group: '', version: 'v1', resource: 'secrets' }, namespace: 'team-a' });
    const s = await live(secrets.watchId);
    const db = [...s.rows.values()].find((r) => r.name === 'web-frontend-db');
    expect(db?.cells.slice(0, 2)).toEqual(['Opaque', 2]);
    expect(JSON.stringify(s.events)).not.toMatch(/not-a-real-password|frontend"|password/);
    await call('kube.unwatch', { watchId: tj.watchId });
    await call('kube.unwatch', { watchId: secrets.watchId });
  });

  it('lists in pages: a reset with the first page, the rest as upserts, then live', async () => {
    const kube = inspector({ cache: { firstPageSize: 5, pageSize: 10 } });
    const expected = await serverPods(primary.kubeconfigs.admin);
    const { watchId } = await kube.watch(ids.primary, PODS);
    const v = await live(watchId);
    const [first, ...rest] = v.events;
    expect(first).toMatchObject({ reset: true, state: { phase: 'listing' } });
    expect(first.upserts).toHaveLength(5);
    expect(rest.filter((e) => e.reset)).toHaveLength(0);
    expect(rest.reduce((n, e) => n + e.upserts.length, 0)).toBeGreaterThanOrEqual(expected.size - 5);
    expect(v.rows.size).toBe(expected.size);
    const [info] = kube.cacheInfo();
    expect(info.pages).toBe(Math.ceil((expected.size - 5) / 10) + 1);
  });

  it('two watches share one cache: one list, and the second gets every row at once', async () => {
    const kube = inspector({ graceMs: 60_000 });
    const a = await kube.watch(ids.primary, PODS);
    const first = await live(a.watchId);
    const b = await kube.watch(ids.primary, PODS);
    const second = await until('the second watch reset', () => view(b.watchId).events[0]);
    expect(second.reset).toBe(true);
    expect(second.state.phase).toBe('live');
    expect(second.upserts.length).toBe(first.rows.size);
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ watchers: 2, lists: 1, pages: 1, watches: 1 })]);

    // Within the grace period a view that comes back reuses the cache without listing again.
    kube.unwatch(a.watchId);
    kube.unwatch(b.watchId);
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ watchers: 0, lists: 1 })]);
    const c = await kube.watch(ids.primary, PODS);
    await until('the third watch reset', () => view(c.watchId).events[0]?.reset);
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ watchers: 1, lists: 1 })]);
    const countA = view(a.watchId).events.length;
    await createPod(primary.kubeconfigs.admin, NS_PRIMARY, 'after-unwatch');
    await until('the new pod on the remaining watch', () => [...view(c.watchId).rows.values()].some((r) => r.name === 'after-unwatch'));
    expect(view(a.watchId).events.length).toBe(countA);
    await deletePod(primary.kubeconfigs.admin, NS_PRIMARY, 'after-unwatch');
  });

  it('a UI session that goes away (window closed, tab reloaded) releases its watches', async () => {
    const kube = inspector({ graceMs: 60_000 });
    const kept = await kube.watch(ids.primary, PODS, undefined, 'tab-1');
    await kube.watch(ids.primary, PODS, undefined, 'tab-2');
    await kube.watch(ids.primary, PODS, undefined, 'tab-2');
    await live(kept.watchId);
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ watchers: 3 })]);
    kube.endSession('tab-2');
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ watchers: 1 })]);
    kube.endSession('tab-1');
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ watchers: 0 })]);
  });
});

describe('a deleted connection', () => {
  it('the sweep stops its caches and lets go of the palette’s hold: a search then says the connection is gone', async () => {
    const deleted = await importOne(primary.kubeconfigs.admin, 'primary-swept');
    const swept = inspector({ sweepMs: 100, finderIdleMs: 60_000 });
    await swept.find({ connectionId: deleted, text: 'redis', limit: 5 });
    expect(swept.cacheInfo().length).toBeGreaterThan(0);

    await services.connections.delete(deleted, 'it');
    await until('the caches swept', () => swept.cacheInfo().length === 0);
    // A hold left behind would answer "nothing found" from caches that no longer exist.
    await expect(swept.find({ connectionId: deleted, text: 'redis', limit: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('faults on the secondary cluster', () => {
  it('410 Gone from the real apiserver: relists and sends only the difference', async () => {
    await Promise.all(['keep', 'gone'].map((n) => createPod(secondary.kubeconfigs.admin, NS_SECONDARY, `expiry-${n}`)));
    // Settled first, so the relist finds expiry-keep unchanged.
    await kubectl(secondary.kubeconfigs.admin, 'wait', '--for=condition=Ready', 'pod/expiry-keep', 'pod/expiry-gone', '-n', NS_SECONDARY, '--timeout=30s');
    // A restarted apiserver's watch cache starts at the current revision, so resourceVersion 1 is "too old".
    await stopApiserver(secondary);
    await startApiserver(secondary);
    await waitApiserver();
    let calls = 0;
    const kube = inspector({
      cache: {
        seams: {
          // Between the list and the first watch: change the namespace, then ask to resume from the distant past.
          watchFrom: async (listRv) => {
            if (calls++) return listRv;
            await deletePod(secondary.kubeconfigs.admin, NS_SECONDARY, 'expiry-gone');
            await createPod(secondary.kubeconfigs.admin, NS_SECONDARY, 'expiry-new');
            return '1';
          },
        },
      },
    });
    const { watchId } = await kube.watch(ids.secondary, PODS, NS_SECONDARY);
    const v = await live(watchId);
    const expected = await serverPods(secondary.kubeconfigs.admin, NS_SECONDARY);
    await until('rows to match the server', () => sorted(v.rows.keys()).join() === sorted(expected.keys()).join(), 10_000);
    expect(sorted([...v.rows.values()].map((r) => r.name))).toEqual(sorted(expected.values()));
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ lists: 2, expired: 1 })]);
    // The last reset is the first list's (it still holds the deleted pod); the relist came as a diff after it.
    const lastReset = v.events.findLastIndex((e) => e.reset);
    const goneUid = v.events[lastReset].upserts.find((r) => r.name === 'expiry-gone')?.uid;
    expect(goneUid).toBeDefined();
    const diff = v.events.slice(lastReset + 1);
    expect(diff.some((e) => e.deletes.includes(goneUid ?? '?'))).toBe(true);
    expect(diff.some((e) => e.upserts.some((r) => r.name === 'expiry-new'))).toBe(true);
    expect(diff.some((e) => e.upserts.some((r) => r.name === 'expiry-keep'))).toBe(false);
    expect(v.phases.at(-1)).toBe('live');
    await Promise.all(['keep', 'new'].map((n) => deletePod(secondary.kubeconfigs.admin, NS_SECONDARY, `expiry-${n}`)));
  });

  it('a continue token that outlived etcd compaction (410 Gone while paging): the list starts over, nothing duplicated or lost', async () => {
    await Promise.all([0, 1, 2, 3, 4].map((i) => createPod(secondary.kubeconfigs.admin, NS_SECONDARY, `page-${i}`)));
    let calls = 0;
    const kube = inspector({
      cache: {
        firstPageSize: 2,
        pageSize: 2,
        seams: {
          // Before the second page: compact etcd and hand in the token as if it came from long ago.
          continueWith: async (token) => {
            if (calls++) return token;
            await compactEtcd(secondary);
            return withResourceVersion(token, 1);
          },
        },
      },
    });
    const { watchId } = await kube.watch(ids.secondary, PODS, NS_SECONDARY);
    const v = await live(watchId);
    const expected = await serverPods(secondary.kubeconfigs.admin, NS_SECONDARY);
    expect(sorted(v.rows.keys())).toEqual(sorted(expected.keys()));
    const names = [...v.rows.values()].map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(kube.cacheInfo()).toEqual([expect.objectContaining({ lists: 1, expired: 1 })]);
    await Promise.all([0, 1, 2, 3, 4].map((i) => deletePod(secondary.kubeconfigs.admin, NS_SECONDARY, `page-${i}`)));
  });

  it('an apiserver restart: reconnecting, then live with the same set of pods, changes made meanwhile included', async () => {
    await Promise.all(['a', 'b', 'c'].map((n) => createPod(secondary.kubeconfigs.admin, NS_SECONDARY, `restart-${n}`)));
    const opened = await call('kube.watch', { connectionId: ids.secondary, resource: PODS, namespace: NS_SECONDARY });
    const v = await live(opened.watchId);
    await until('the three pods', () => [...v.rows.values()].filter((r) => r.name.startsWith('restart-')).length === 3);
    await stopApiserver(secondary);
    try {
      // Down until the next try is ≥ 4 s away, so the changes below land before the watch's next attempt.
      const down = await until('phase reconnecting with a 4 s backoff', () => {
        const retryAt = v.state?.retryAt ? Date.parse(v.state.retryAt) : 0;
        return v.state?.phase === 'reconnecting' && retryAt - Date.now() >= 4000 ? v.state : undefined;
      });
      expect(down.message).toMatch(/^https:\/\/127\.0\.0\.1:\d+ (refused|closed) the connection/);
    } finally {
      await startApiserver(secondary);
      await waitApiserver();
    }
    // Right after the restart, before the watch resumes: one pod more, one fewer.
    await createPod(secondary.kubeconfigs.admin, NS_SECONDARY, 'restart-d');
    await deletePod(secondary.kubeconfigs.admin, NS_SECONDARY, 'restart-a');
    expect(v.state?.phase).toBe('reconnecting');
    await until('live again', () => v.phases.at(-1) === 'live' && v.phases.includes('reconnecting'), 60_000);
    const expected = await serverPods(secondary.kubeconfigs.admin, NS_SECONDARY);
    await until('rows to match the server', () => sorted(v.rows.keys()).join() === sorted(expected.keys()).join(), 30_000);
    const names = [...v.rows.values()].map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('restart-d');
    expect(names).not.toContain('restart-a');
    // The restart changed rows in place: no reset once the watch was live.
    expect(v.events.slice(v.events.findIndex((e) => e.state.phase === 'live')).some((e) => e.reset)).toBe(false);
    await call('kube.unwatch', { watchId: opened.watchId });
  });

  it('a hung apiserver (paused): the watch turns stale within the deadline and keeps its rows, the health follows; both clear when it answers', { timeout: 120_000 }, async () => {
    await createPod(secondary.kubeconfigs.admin, NS_SECONDARY, 'hung-a');
    const opened = await call('kube.watch', { connectionId: ids.secondary, resource: PODS, namespace: NS_SECONDARY });
    const v = await live(opened.watchId);
    await until('the pod', () => [...v.rows.values()].some((r) => r.name === 'hung-a'));
    const rowsBefore = sorted(v.rows.keys());
    const health = () => services.connections.list().find((c) => c.id === ids.secondary)!.health;
    const deadlineMs = DEFAULT_PULSE_OPTIONS.silenceMs + DEFAULT_PULSE_OPTIONS.probeTimeoutMs;
    const paused = Date.now();
    await pauseApiserver(secondary);
    try {
      // Within the pulse's deadline, with room for a busy machine.
      const stale = await until('the watch to turn stale', () => (v.state?.staleSince ? v.state : undefined), deadlineMs + 10_000, 100);
      expect(stale).toMatchObject({ phase: 'reconnecting', message: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+ did not answer/) });
      // Stale since the last thing heard: before the pause, not when it was noticed.
      expect(Date.parse(stale.staleSince!)).toBeLessThanOrEqual(paused + 1000);
      expect(Date.parse(stale.retryAt!)).toBeGreaterThan(Date.now() - 1000);
      expect(sorted(v.rows.keys())).toEqual(rowsBefore);
      const seen = await until('the health to follow', () => (health().live?.reachable === false ? health().live : undefined));
      // Since the last thing heard before the pause, like the table (a late buffered event may move it by a moment).
      expect(Date.parse(seen!.since!)).toBeLessThanOrEqual(paused + 1000);
      expect(seen!.message).toMatch(/^https:\/\/127\.0\.0\.1:\d+ did not answer/);
    } finally {
      await resumeApiserver(secondary);
    }
    // The pulse's next try finds the server, and the watch resumes where it was (no relist, no reset).
    await until('live again', () => v.state?.phase === 'live' && !v.state.staleSince, 60_000);
    expect(health().live?.reachable).toBe(true);
    expect(v.events.slice(v.events.findIndex((e) => e.state.staleSince)).some((e) => e.reset)).toBe(false);
    await createPod(secondary.kubeconfigs.admin, NS_SECONDARY, 'hung-b');
    await until('a pod made after the pause', () => [...v.rows.values()].some((r) => r.name === 'hung-b'));
    await call('kube.unwatch', { watchId: opened.watchId });
    await Promise.all(['hung-a', 'hung-b'].map((n) => deletePod(secondary.kubeconfigs.admin, NS_SECONDARY, n)));
  });

  it('a namespace-limited user: forbidden across all namespaces, live in its own', async () => {
    const all = await call('kube.watch', { connectionId: ids.restricted, resource: PODS });
    const denied = await until('phase forbidden', () => (view(all.watchId).state?.phase === 'forbidden' ? view(all.watchId).state : undefined));
    expect(denied?.message).toMatch(/^No access to list pods in all namespaces \(403 Forbidden\)/);
    const own = await call('kube.watch', { connectionId: ids.restricted, resource: PODS, namespace: secondary.restrictedNamespaces[0] });
    await live(own.watchId);
    await call('kube.unwatch', { watchId: all.watchId });
    await call('kube.unwatch', { watchId: own.watchId });
  });

  it('revoked credentials: phase unauthorized, asking for new ones; re-imported ones bring the same view back at once', { timeout: 90_000 }, async () => {
    // A view that was open before the token went: discovery answered then.
    await call('kube.discover', { connectionId: ids.restricted });
    await expireRestrictedToken(secondary);
    let renewed = false;
    try {
      const opened = await call('kube.watch', { connectionId: ids.restricted, resource: PODS, namespace: secondary.restrictedNamespaces[1] });
      const state = await until('phase unauthorized', () => (view(opened.watchId).state?.phase === 'unauthorized' ? view(opened.watchId).state : undefined));
      expect(state?.message).toMatch(/401.*re-import the kubeconfig or renew the token/);

      await renewRestrictedToken(secondary);
      renewed = true;
      // What the status bar's "Re-import credentials" does: same name, replace. The connection keeps its id.
      expect(await importOne(secondary.kubeconfigs.restricted, 'secondary-restricted')).toBe(ids.restricted);
      // Before the 60 s slow retry of an unauthorized cache could come round: only the re-import can have brought it back.
      await live(opened.watchId, 40_000);
      await call('kube.unwatch', { watchId: opened.watchId });
    } finally {
      if (!renewed) await renewRestrictedToken(secondary);
    }
  });
});
