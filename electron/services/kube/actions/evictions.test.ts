import { describe, expect, it } from 'vitest';
import type { DrainPod } from '../../../../shared/contract';
import { AppError } from '../../../../shared/result';
import { evictionAnswer, evictPods, waitForDeparture, type DrainClock, type EvictionAnswer, type EvictionRound } from './evictions';

/** Time that passes only when slept through; `sleeps` lists every sleep asked for. */
function fakeClock(): DrainClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      signal.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

const pod = (name: string): DrainPod => ({ namespace: 'team-a', name, uid: `uid-${name}`, controller: 'ReplicaSet', mirror: false, emptyDir: false, finished: false });
const BLOCKED: EvictionAnswer = { kind: 'blocked', budget: 'web-pdb', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' };

function round(overrides: Partial<EvictionRound> & Pick<EvictionRound, 'pods' | 'evict'>) {
  const changes: string[] = [];
  const clock = fakeClock();
  const r: EvictionRound = {
    deadline: 30_000,
    retryMs: 5_000,
    concurrency: 10,
    clock,
    signal: new AbortController().signal,
    onChange: (p, fate) => changes.push(`${p.name}: ${fate.state}${'budget' in fate && fate.budget ? ` ${fate.budget}` : ''}`),
    ...overrides,
  };
  return { r, changes, clock };
}

describe('the answer to an eviction', () => {
  const web = pod('web-1');
  it('201 is evicted, 404 already gone, a failed uid precondition a namesake (so gone too)', () => {
    expect(evictionAnswer(201, {}, web, 'prod')).toEqual({ kind: 'evicted' });
    expect(evictionAnswer(404, {}, web, 'prod')).toEqual({ kind: 'gone' });
    expect(evictionAnswer(409, { message: 'Precondition failed: UID in precondition: a, UID in object meta: b' }, web, 'prod')).toEqual({ kind: 'gone' });
  });

  it('429 names the PodDisruptionBudget that forbids it, from the causes the server gives', () => {
    const body = {
      kind: 'Status',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }] },
    };
    expect(evictionAnswer(429, body, web, 'prod')).toEqual({ kind: 'blocked', budget: 'web-pdb', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' });
    expect(evictionAnswer(429, { message: 'Too many requests' }, web, 'prod')).toEqual({ kind: 'blocked', message: 'Too many requests' });
  });

  it('403 says who may not evict where; a namespace being deleted takes the pod with it', () => {
    expect(evictionAnswer(403, { message: 'pods "web-1" is forbidden: User "ci" cannot create resource "pods/eviction"' }, web, 'prod')).toEqual({
      kind: 'failed',
      code: 'FORBIDDEN',
      message: 'No access (403): prod may not evict pods in team-a',
    });
    expect(evictionAnswer(403, { details: { causes: [{ type: 'NamespaceTerminating' }] } }, web, 'prod')).toEqual({ kind: 'evicted' });
  });

  it('anything else fails with the server’s words', () => {
    expect(evictionAnswer(500, { message: 'This pod has more than one PodDisruptionBudget' }, web, 'prod')).toEqual({
      kind: 'failed',
      code: 'UNREACHABLE',
      message: 'HTTP 500 while evicting pod team-a/web-1: This pod has more than one PodDisruptionBudget',
    });
  });
});

describe('evicting a node’s pods', () => {
  it('retries a pod its budget forbids every retry interval until it is let go', async () => {
    const answers: EvictionAnswer[] = [BLOCKED, BLOCKED, { kind: 'evicted' }];
    const [web1, web2] = [pod('web-1'), pod('web-2')];
    const { r, changes, clock } = round({ pods: [web1, web2], evict: async (p) => (p === web1 ? answers.shift()! : { kind: 'gone' }) });
    const fates = await evictPods(r);
    expect(fates.get(web1)).toEqual({ state: 'evicted' });
    expect(fates.get(web2)).toEqual({ state: 'gone' });
    expect(clock.sleeps).toEqual([5_000, 5_000]);
    expect(changes).toEqual(['web-1: waiting web-pdb', 'web-2: gone', 'web-1: waiting web-pdb', 'web-1: evicted']);
  });

  it('gives up on a blocked pod at the deadline, reporting the budget, without sleeping past it', async () => {
    let attempts = 0;
    const { r, clock } = round({
      pods: [pod('web-1')],
      deadline: 12_000,
      evict: async () => {
        attempts++;
        return BLOCKED;
      },
    });
    const fates = await evictPods(r);
    // At 0, 5 and 10 s; another wait would end past 12 s.
    expect(attempts).toBe(3);
    expect(clock.sleeps).toEqual([5_000, 5_000]);
    expect([...fates.values()]).toEqual([{ state: 'blocked', budget: 'web-pdb', message: BLOCKED.message }]);
  });

  it('records a failure with its code and carries on with the other pods', async () => {
    const { r } = round({
      pods: [pod('a'), pod('b')],
      evict: async (p) => {
        if (p.name === 'a') throw new AppError('UNREACHABLE', 'https://k8s:6443 did not answer within 30 s');
        return { kind: 'evicted' };
      },
    });
    expect([...(await evictPods(r)).values()]).toEqual([{ state: 'failed', code: 'UNREACHABLE', message: 'https://k8s:6443 did not answer within 30 s' }, { state: 'evicted' }]);
  });

  it('on cancel evicts nothing more: a pod waiting for its budget and those not started are stopped, those evicted stay so', async () => {
    const controller = new AbortController();
    const { r } = round({
      pods: [pod('a'), pod('b'), pod('c')],
      concurrency: 1,
      signal: controller.signal,
      evict: async (p) => {
        if (p.name === 'a') return { kind: 'evicted' };
        controller.abort();
        return BLOCKED;
      },
    });
    const fates = await evictPods(r);
    expect([...fates].map(([p, f]) => [p.name, f])).toEqual([
      ['a', { state: 'evicted' }],
      ['b', { state: 'stopped', why: 'cancelled', budget: 'web-pdb' }],
      ['c', { state: 'stopped', why: 'cancelled' }],
    ]);
  });

  it('tries every pod while others wait for their budget: waiting holds no request slot', async () => {
    const blocked = Array.from({ length: 10 }, (_, i) => ({ ...pod(`db-${i}`), namespace: 'a-db' }));
    const free = Array.from({ length: 5 }, (_, i) => pod(`web-${i}`));
    let inFlight = 0;
    let most = 0;
    const { r } = round({
      pods: [...blocked, ...free],
      deadline: 300_000,
      evict: async (p) => {
        most = Math.max(most, ++inFlight);
        await Promise.resolve();
        inFlight--;
        return p.namespace === 'a-db' ? BLOCKED : { kind: 'evicted' };
      },
    });
    const fates = await evictPods(r);
    expect(free.map((p) => fates.get(p))).toEqual(free.map(() => ({ state: 'evicted' })));
    expect(new Set(blocked.map((p) => fates.get(p)?.state))).toEqual(new Set(['blocked']));
    expect(most).toBe(10);
  });

  it('starts no pod once the deadline has passed', async () => {
    const [a, b] = [pod('a'), pod('b')];
    const { r } = round({ pods: [a, b], concurrency: 1, deadline: 9_000, evict: async (p) => (p === a ? BLOCKED : { kind: 'evicted' }) });
    const fates = await evictPods(r);
    // a waits once (5 s), gives up before a second wait would pass 9 s; b's turn comes at 5 s, still in time.
    expect(fates.get(a)?.state).toBe('blocked');
    expect(fates.get(b)).toEqual({ state: 'evicted' });

    const late = round({ pods: [a], deadline: 0, evict: async () => ({ kind: 'evicted' }) });
    expect([...(await evictPods(late.r)).values()]).toEqual([{ state: 'stopped', why: 'timeout' }]);
  });
});

describe('waiting for evicted pods to leave', () => {
  it('polls until each is gone, counting them as they go', async () => {
    const clock = fakeClock();
    const leavesAt: Record<string, number> = { a: 0, b: 2_000 };
    const progress: number[] = [];
    const result = await waitForDeparture({
      pods: [pod('a'), pod('b')],
      isGone: async (p) => clock.now() >= leavesAt[p.name],
      deadline: 30_000,
      pollMs: 1_000,
      clock,
      signal: new AbortController().signal,
      onProgress: (gone) => progress.push(gone),
    });
    expect(result).toEqual({ remaining: [], cancelled: false });
    expect(progress).toEqual([1, 1, 2]);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });

  it('stops at the deadline with the pods still there and the last reason one could not be checked', async () => {
    const clock = fakeClock();
    const result = await waitForDeparture({
      pods: [pod('a')],
      isGone: async () => {
        throw new AppError('FORBIDDEN', 'No access (403) while checking whether pod team-a/a is gone');
      },
      deadline: 3_000,
      pollMs: 1_000,
      clock,
      signal: new AbortController().signal,
      onProgress: () => {},
    });
    expect(result).toEqual({ remaining: [pod('a')], cancelled: false, lastProblem: 'No access (403) while checking whether pod team-a/a is gone' });
    expect(clock.sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const clock = fakeClock();
    const result = await waitForDeparture({
      pods: [pod('a')],
      isGone: async () => {
        controller.abort();
        return false;
      },
      deadline: 30_000,
      pollMs: 1_000,
      clock,
      signal: controller.signal,
      onProgress: () => {},
    });
    expect(result).toEqual({ remaining: [pod('a')], cancelled: true });
    expect(clock.sleeps).toEqual([]);
  });
});
