import type { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiResource } from '../../../../shared/contract';
import { createLogger } from '../../logging/logger';
import type { Discovery } from './discovery';
import { discoverResources } from './discovery';
import { createKubeAccess, type KubeAccessOptions } from './kubeAccess';
import { sqliteDiscoveryStore } from './discoveryStore';
import { migrate } from '../../store/database';
import { migrations } from '../../store/migrations';
import Database from 'better-sqlite3';

// Only the walk over the server's API groups is replaced: it is what these tests count.
vi.mock('./discovery', async (original) => ({ ...(await original<typeof import('./discovery')>()), discoverResources: vi.fn() }));

/** One test's stand-in for an API server: the discoveries asked of it, and what the next ones get, in order. */
interface FakeServer {
  asked: number;
  answers: (() => Promise<Discovery>)[];
}

/**
 * Fake servers by kubeconfig token. Each test gets a token of its own, so a
 * discovery left over from another test (say one that failed while its
 * callers were still on their way) neither takes this test's answers nor
 * counts here.
 */
const servers = new Map<string, FakeServer>();
vi.mocked(discoverResources).mockImplementation((kc: KubeConfig) => {
  const server = servers.get(kc.getCurrentUser()?.token ?? '');
  if (!server) return Promise.reject(new Error('a discovery for a kubeconfig no test owns'));
  server.asked++;
  const next = server.answers.shift();
  return next ? next() : Promise.reject(new Error(`discovery #${server.asked} was not expected`));
});

/** Never dialled: discovery is replaced above. */
const kubeconfig = (token: string) => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: u, user: { token: ${token} } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
current-context: c
`;

const PODS: ApiResource = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: ['get', 'list', 'watch'], builtin: true };
const answer: Discovery = { serverVersion: 'v1.34.4', resources: [PODS], at: Date.now() };
const answered = () => Promise.resolve(answer);
const failing = (message: string) => () => Promise.reject(new Error(message));

/** A discovery the test finishes when it chooses; `asked` resolves once the server was asked for it. */
function pending(): { answer: () => Promise<Discovery>; asked: Promise<void>; succeed: () => void; fail: (err: Error) => void } {
  let taken = () => {};
  const asked = new Promise<void>((resolve) => (taken = resolve));
  let succeed = () => {};
  let fail: (err: Error) => void = () => {};
  const promise = new Promise<Discovery>((resolve, reject) => {
    succeed = () => resolve(answer);
    fail = reject;
  });
  return {
    answer: () => {
      taken();
      return promise;
    },
    asked,
    succeed,
    fail,
  };
}

let tokens = 0;
/** A KubeAccess whose every connection is served by a fake server of this test's own. */
function setup(ttlMs: number, ...answers: FakeServer['answers']) {
  return setupWith({ discoveryTtlMs: ttlMs }, ...answers);
}
function setupWith(options: KubeAccessOptions, ...answers: FakeServer['answers']) {
  const token = `test-token-${++tokens}`;
  const server: FakeServer = { asked: 0, answers };
  servers.set(token, server);
  return { a: createKubeAccess({ kubeconfigOf: () => kubeconfig(token) }, createLogger(), options), server };
}
const podsRef = { group: '', version: 'v1', resource: 'pods' };

// A connection's first KubeConfig loads @kubernetes/client-node, which takes seconds on a busy
// 2-core machine: load it here, with room for that, so no test waits on it.
beforeAll(async () => {
  await Promise.all([import('@kubernetes/client-node'), import('../objects/kubeSecrets')]);
}, 60_000);

describe('discovery per connection', () => {
  it('is shared by every caller arriving while it runs (a detail pane opening after the TTL), and asked again once it ended', async () => {
    const first = pending();
    const { a, server } = setup(0, first.answer, answered);
    const callers = Promise.all([a.resolve('c1', podsRef), a.resolve('c1', podsRef), a.resourceOfKind('c1', 'v1', 'Pod'), a.discover('c1')]);
    // The server answers only once the discovery is under way.
    await first.asked;
    first.succeed();
    const [pods, again, ofKind, whole] = await callers;
    expect(server.asked).toBe(1);
    expect([pods.resource, again.resource, ofKind?.resource, whole]).toEqual(['pods', 'pods', 'pods', answer]);

    // Past the TTL, the last answer still serves at once, and the server is asked again behind it.
    await expect(a.resolve('c1', podsRef)).resolves.toMatchObject({ resource: 'pods' });
    await vi.waitFor(() => expect(server.asked).toBe(2));
  });

  it('asks the server first when the last answer lacks the resource (a CRD installed since)', async () => {
    const widgets: ApiResource = { ...PODS, group: 'example.com', resource: 'widgets', kind: 'Widget', builtin: false };
    const { a, server } = setup(60_000, answered, () => Promise.resolve({ ...answer, resources: [PODS, widgets] }));
    await a.discover('c1');
    await expect(a.resolve('c1', { group: 'example.com', version: 'v1', resource: 'widgets' })).resolves.toMatchObject({ kind: 'Widget' });
    expect(server.asked).toBe(2);
  });

  it('is not shared across connections', async () => {
    const { a, server } = setup(60_000, answered, answered);
    await Promise.all([a.discover('c1'), a.discover('c2')]);
    expect(server.asked).toBe(2);
  });

  it('forget() drops the one under way: the next caller asks afresh, and the forgotten answer is not remembered', async () => {
    const forgotten = pending();
    const afresh = pending();
    // Nothing remembered to fall back on: the last resolve asks the server, which is still down.
    const { a, server } = setup(60_000, forgotten.answer, afresh.answer, failing('still down'));
    const before = a.discover('c1');
    await forgotten.asked;
    a.forget('c1');
    const after = a.discover('c1');
    await afresh.asked;
    expect(server.asked).toBe(2);

    forgotten.succeed();
    await expect(before).resolves.toEqual(answer);
    afresh.fail(new Error('server down'));
    await expect(after).rejects.toThrow('server down');
    await expect(a.resolve('c1', podsRef)).rejects.toThrow('still down');
    expect(server.asked).toBe(3);
  });
});

describe('discovery kept in the data file', () => {
  /** A data file with the connection c1 in it, and its discovery store. */
  function dataFile() {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    db.prepare(`INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES ('c1', 'kubernetes', 'one', 'file', '{}', x'00', 'now', 'now')`).run();
    return { db, store: sqliteDiscoveryStore(db, createLogger()) };
  }

  it('lets a fresh launch resolve at once from the last launch\'s answer, asking the server again behind it', async () => {
    const { store } = dataFile();
    const earlier = setupWith({ store }, answered);
    await earlier.a.discover('c1');

    const later = pending();
    const { a, server } = setupWith({ store, discoveryTtlMs: 60_000 }, later.answer);
    // An answer from a minute ago: older than this launch's TTL allows.
    store.save('c1', { ...answer, at: Date.now() - 120_000 });
    await expect(a.resolve('c1', podsRef)).resolves.toMatchObject({ resource: 'pods' });
    await expect(a.discover('c1', { reuse: true })).resolves.toMatchObject({ serverVersion: 'v1.34.4' });
    await later.asked;
    expect(server.asked).toBe(1);
    later.succeed();
    await vi.waitFor(() => expect(store.load('c1')?.at).toBe(answer.at));
  });

  it('answers reuse with an old kept answer at once, and asks the server again behind it', async () => {
    const { store } = dataFile();
    store.save('c1', { ...answer, serverVersion: 'v1.33.0', at: Date.now() - 120_000 });
    const { a, server } = setupWith({ store, discoveryTtlMs: 60_000 }, answered);
    await expect(a.discover('c1', { reuse: true })).resolves.toMatchObject({ serverVersion: 'v1.33.0' });
    await vi.waitFor(() => expect(store.load('c1')?.serverVersion).toBe('v1.34.4'));
    expect(server.asked).toBe(1);
  });

  it('asks the server when nothing is kept, and keeps nothing for a connection deleted meanwhile', async () => {
    const { db, store } = dataFile();
    const { a, server } = setupWith({ store }, answered, answered);
    await expect(a.discover('c1', { reuse: true })).resolves.toEqual(answer);
    expect(server.asked).toBe(1);
    expect(store.load('c1')).toEqual(answer);

    db.prepare(`DELETE FROM connections`).run();
    await a.discover('c1');
    expect(store.load('c1')).toBeUndefined();
  });

  it('forgets the kept answer when the credentials are replaced (the cluster may be another)', async () => {
    const { store } = dataFile();
    const { a, server } = setupWith({ store }, answered, answered);
    await a.discover('c1');
    a.replaced('c1');
    expect(store.load('c1')).toBeUndefined();
    await a.discover('c1', { reuse: true });
    expect(server.asked).toBe(2);
  });

  it('drops a kept row that does not read as a discovery, and asks the server instead', async () => {
    const { db, store } = dataFile();
    db.prepare(`INSERT INTO kube_discovery (connection_id, discovered_at, discovery) VALUES ('c1', 1, '{"serverVersion": 7}')`).run();
    expect(store.load('c1')).toBeUndefined();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM kube_discovery`).get()).toEqual({ n: 0 });
    db.prepare(`INSERT INTO kube_discovery (connection_id, discovered_at, discovery) VALUES ('c1', 1, 'not json')`).run();
    const { a, server } = setupWith({ store }, answered);
    await expect(a.resolve('c1', podsRef)).resolves.toMatchObject({ resource: 'pods' });
    expect(server.asked).toBe(1);
  });
});
