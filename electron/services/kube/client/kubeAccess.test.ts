import type { KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiResource } from '../../../../shared/contract';
import { createLogger } from '../../logging/logger';
import type { Discovery } from './discovery';
import { discoverResources } from './discovery';
import { createKubeAccess } from './kubeAccess';

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
const answer: Discovery = { serverVersion: 'v1.34.4', resources: [PODS] };
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
  const token = `test-token-${++tokens}`;
  const server: FakeServer = { asked: 0, answers };
  servers.set(token, server);
  return { a: createKubeAccess({ kubeconfigOf: () => kubeconfig(token) }, createLogger(), { discoveryTtlMs: ttlMs }), server };
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

    await a.resolve('c1', podsRef);
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
