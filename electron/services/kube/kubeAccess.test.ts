import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiResource } from '../../../shared/contract';
import { createLogger } from '../logging/logger';
import type { Discovery } from './discovery';
import { discoverResources } from './discovery';
import { createKubeAccess } from './kubeAccess';

// Only the walk over the server's API groups is replaced: it is what these tests count.
vi.mock('./discovery', async (original) => ({ ...(await original<typeof import('./discovery')>()), discoverResources: vi.fn() }));
const discoveries = vi.mocked(discoverResources);

/** Never dialled: discovery is replaced above. */
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: u, user: { token: unused-token-for-tests } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
current-context: c
`;

const PODS: ApiResource = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: ['get', 'list', 'watch'], builtin: true };
const answer: Discovery = { serverVersion: 'v1.34.4', resources: [PODS] };

/** A discovery the test finishes when it chooses. */
function pending(): { promise: Promise<Discovery>; succeed: () => void; fail: (err: Error) => void } {
  let succeed = () => {};
  let fail: (err: Error) => void = () => {};
  const promise = new Promise<Discovery>((resolve, reject) => {
    succeed = () => resolve(answer);
    fail = reject;
  });
  return { promise, succeed, fail };
}

const access = (ttlMs: number) => createKubeAccess({ kubeconfigOf: () => KUBECONFIG }, createLogger(), { discoveryTtlMs: ttlMs });
const podsRef = { group: '', version: 'v1', resource: 'pods' };

afterEach(() => discoveries.mockReset());

describe('discovery per connection', () => {
  it('is shared by every caller arriving while it runs (a detail pane opening after the TTL), and asked again once it ended', async () => {
    const first = pending();
    discoveries.mockReturnValueOnce(first.promise);
    const a = access(0);
    const callers = Promise.all([a.resolve('c1', podsRef), a.resolve('c1', podsRef), a.resourceOfKind('c1', 'v1', 'Pod'), a.discover('c1')]);
    // The server answers only once the discovery is under way.
    await vi.waitFor(() => expect(discoveries).toHaveBeenCalled());
    first.succeed();
    const [pods, again, ofKind, whole] = await callers;
    expect(discoveries).toHaveBeenCalledTimes(1);
    expect([pods.resource, again.resource, ofKind?.resource, whole]).toEqual(['pods', 'pods', 'pods', answer]);

    discoveries.mockResolvedValueOnce(answer);
    await a.resolve('c1', podsRef);
    expect(discoveries).toHaveBeenCalledTimes(2);
  });

  it('is not shared across connections', async () => {
    discoveries.mockResolvedValue(answer);
    const a = access(60_000);
    await Promise.all([a.discover('c1'), a.discover('c2')]);
    expect(discoveries).toHaveBeenCalledTimes(2);
  });

  it('forget() drops the one under way: the next caller asks afresh, and the forgotten answer is not remembered', async () => {
    const forgotten = pending();
    const afresh = pending();
    discoveries.mockReturnValueOnce(forgotten.promise).mockReturnValueOnce(afresh.promise);
    const a = access(60_000);
    const before = a.discover('c1');
    await vi.waitFor(() => expect(discoveries).toHaveBeenCalledTimes(1));
    a.forget('c1');
    const after = a.discover('c1');
    await vi.waitFor(() => expect(discoveries).toHaveBeenCalledTimes(2));

    forgotten.succeed();
    await expect(before).resolves.toEqual(answer);
    afresh.fail(new Error('server down'));
    await expect(after).rejects.toThrow('server down');
    // Nothing remembered to fall back on: a resolve asks the server, which is still down.
    discoveries.mockRejectedValueOnce(new Error('still down'));
    await expect(a.resolve('c1', podsRef)).rejects.toThrow('still down');
    expect(discoveries).toHaveBeenCalledTimes(3);
  });
});
