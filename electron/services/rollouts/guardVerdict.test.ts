import { describe, expect, it } from 'vitest';
import { availabilityFloor, judgeGuard, requiredAvailable, templateFingerprint, type GuardedDeployment, type GuardMemory } from './guardVerdict';

const policy = { minAvailablePercent: 75, graceSeconds: 30 };
const S = 1000;

interface Shape {
  revision: number;
  image: string;
  replicas?: number;
  updated?: number;
  available?: number;
  total?: number;
  paused?: boolean;
  stalled?: boolean;
  unobserved?: boolean;
  uid?: string;
  strategy?: NonNullable<GuardedDeployment['spec']>['strategy'];
}

/** A Deployment as the apiserver returns it, at `revision` running `image`. */
function deployment(s: Shape): GuardedDeployment {
  const replicas = s.replicas ?? 4;
  return {
    metadata: { name: 'web', namespace: 'shop', uid: s.uid ?? 'u1', generation: s.unobserved ? 3 : 2, annotations: { 'deployment.kubernetes.io/revision': String(s.revision) } },
    spec: { replicas, paused: s.paused, ...(s.strategy ? { strategy: s.strategy } : {}), template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: s.image }] } } },
    status: {
      observedGeneration: 2,
      replicas: s.total ?? replicas,
      updatedReplicas: s.updated ?? replicas,
      readyReplicas: s.available ?? replicas,
      availableReplicas: s.available ?? replicas,
      conditions: [
        s.stalled
          ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-2" has timed out progressing.' }
          : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
      ],
    },
  };
}

/** Feeds reads in order (one per `step` ms), returning every verdict. */
function run(reads: GuardedDeployment[], memory: GuardMemory = {}, step = 5 * S) {
  return reads.map((d, i) => {
    const verdict = judgeGuard(memory, d, i * step, policy);
    memory = verdict.memory;
    return verdict;
  });
}

const good = deployment({ revision: 1, image: 'web:1' });

describe('judgeGuard', () => {
  it('remembers the complete revision and its template as the one to go back to', () => {
    const [v] = run([good]);
    expect(v).toMatchObject({ state: 'watching', memory: { stableRevision: 1, stableTemplate: templateFingerprint(good) } });
    expect(v.trip).toBeUndefined();
  });

  it('does not trip on a normal rolling update whose availability dips within the grace period', () => {
    const verdicts = run([
      good,
      deployment({ revision: 2, image: 'web:2', updated: 1, available: 2, total: 5 }),
      deployment({ revision: 2, image: 'web:2', updated: 2, available: 2, total: 5 }),
      deployment({ revision: 2, image: 'web:2', updated: 3, available: 3, total: 5 }),
      deployment({ revision: 2, image: 'web:2' }),
    ]);
    expect(verdicts.map((v) => v.state)).toEqual(['watching', 'rollout', 'rollout', 'rollout', 'watching']);
    expect(verdicts.some((v) => v.trip)).toBe(false);
    expect(verdicts[2].message).toMatch(/below 3 available \(75%\) for 5 of 30 s/);
    expect(verdicts.at(-1)!.memory).toMatchObject({ stableRevision: 2, belowSince: undefined });
  });

  it('trips when the rollout misses its progress deadline, remembering the bad template', () => {
    const bad = deployment({ revision: 2, image: 'web:bad', updated: 1, available: 4, total: 5, stalled: true });
    const [, v] = run([good, bad]);
    expect(v.trip).toEqual({ fromRevision: 2, reason: expect.stringMatching(/exceeded its progress deadline: ReplicaSet "web-2" has timed out/) });
    expect(v).toMatchObject({ state: 'tripped', memory: { uid: 'u1', trippedRevision: 2, trippedTemplate: templateFingerprint(bad), stableRevision: 1 } });
  });

  it('leaves the target to the cluster: revisions that completed while it was not reading are not skipped', () => {
    // Remembered last week: revision 5 complete. Revisions 6 and 7 completed while Pilothouse was closed; 8 stalls.
    const memory: GuardMemory = { uid: 'u1', stableRevision: 5, stableTemplate: templateFingerprint(deployment({ revision: 5, image: 'web:5' })) };
    const [v] = run([deployment({ revision: 8, image: 'web:8', updated: 1, available: 3, total: 5, stalled: true })], memory);
    expect(v.trip).toEqual({ fromRevision: 8, reason: expect.stringMatching(/progress deadline/) });
    expect(v.message).toMatch(/rolling back to the revision before it/);
    expect(v.message).not.toMatch(/revision 5/);
  });

  it('keeps what a guard learned before uids were kept: it adopts the Deployment it reads and still trips its stalled rollout', () => {
    const before007: GuardMemory = { stableRevision: 3, stableTemplate: templateFingerprint(deployment({ revision: 3, image: 'web:3' })) };
    const [v] = run([deployment({ revision: 4, image: 'web:4', updated: 1, available: 3, total: 5, stalled: true })], before007);
    expect(v).toMatchObject({ state: 'tripped', trip: { fromRevision: 4 }, memory: { uid: 'u1', stableRevision: 3 } });
  });

  it('forgets what it remembered of a Deployment deleted and created again (another uid)', () => {
    const memory: GuardMemory = { uid: 'old', stableRevision: 5, stableTemplate: 'x', trippedRevision: 6, trippedTemplate: 'y' };
    const [v] = run([deployment({ revision: 2, image: 'web:bad', uid: 'new', updated: 1, total: 5, stalled: true })], memory);
    expect(v.trip).toBeUndefined();
    expect(v).toMatchObject({ state: 'rollout', message: expect.stringMatching(/deleted and created again/), memory: { uid: 'new' } });
    expect(v.memory.stableRevision).toBeUndefined();
    const [complete] = run([deployment({ revision: 1, image: 'web:1', uid: 'new' })], memory);
    expect(complete.memory).toMatchObject({ uid: 'new', stableRevision: 1 });
    expect(complete.memory.trippedRevision).toBeUndefined();
  });

  it('does not trip again when someone undoes its rollback (the controller renumbers the bad template), and says so', () => {
    const verdicts = run([
      good,
      deployment({ revision: 2, image: 'web:bad', updated: 1, total: 5, stalled: true }),
      deployment({ revision: 3, image: 'web:1' }),
      // Undone from the audit log: revision 2's template comes back as revision 4, and stalls again.
      deployment({ revision: 4, image: 'web:bad', updated: 1, total: 5, stalled: true }),
    ]);
    expect(verdicts.filter((v) => v.trip)).toHaveLength(1);
    expect(verdicts[3]).toMatchObject({ state: 'rollout', message: expect.stringMatching(/not guarding the template of revision 2 \(web=web:bad\) again: .*you brought it back as revision 4/) });
  });

  it("does not trip on its own rollback, whose template it may not have seen complete", () => {
    const memory: GuardMemory = { uid: 'u1', stableRevision: 5, stableTemplate: templateFingerprint(deployment({ revision: 5, image: 'web:5' })) };
    const verdicts = run(
      [
        deployment({ revision: 8, image: 'web:8', updated: 1, total: 5, stalled: true }),
        // The rollback to the revision before 8 (7) is numbered 9, and stalls too.
        deployment({ revision: 9, image: 'web:7', updated: 1, total: 5, stalled: true }),
      ],
      memory,
    );
    expect(verdicts.map((v) => v.trip?.fromRevision)).toEqual([8, undefined]);
    expect(verdicts[1]).toMatchObject({ state: 'rollout', message: expect.stringMatching(/the guard's rollback of revision 8/) });
  });

  it('trips when availability stays below the threshold past the grace period', () => {
    const low = deployment({ revision: 2, image: 'web:2', updated: 4, available: 2, total: 4 });
    const verdicts = run([good, low, low, low, low, low, low, low, low]);
    const tripped = verdicts.findIndex((v) => v.trip);
    // Below from t=5 s: the read at t=35 s is the first past 30 s of grace.
    expect(tripped).toBe(7);
    expect(verdicts[tripped].trip).toEqual({ fromRevision: 2, reason: 'kept only 2 of 4 available (fewer than 3, 75%) for 30 s' });
  });

  it('lets a Recreate rollout go without pods past the grace period, and trips it only past its progress deadline', () => {
    const recreate = { type: 'Recreate' };
    const stable = deployment({ revision: 1, image: 'model:1', replicas: 1, strategy: recreate });
    const loading = deployment({ revision: 2, image: 'model:2', replicas: 1, updated: 1, available: 0, total: 1, strategy: recreate });
    const verdicts = run([stable, loading, loading, loading, loading, loading, loading, loading, loading, loading]);
    expect(verdicts.some((v) => v.trip)).toBe(false);
    expect(verdicts.at(-1)).toMatchObject({ state: 'rollout', message: expect.stringMatching(/Recreate.*only its progress deadline/) });
    const [, stalled] = run([stable, deployment({ revision: 2, image: 'model:2', replicas: 1, updated: 1, available: 0, total: 1, strategy: recreate, stalled: true })]);
    expect(stalled.trip?.fromRevision).toBe(2);
  });

  it("trips a rolling update only below what its own maxUnavailable allows, when that is below the threshold", () => {
    const noSurge = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
    const loading = deployment({ revision: 2, image: 'model:2', replicas: 1, updated: 1, available: 0, total: 1, strategy: noSurge });
    const verdicts = run([deployment({ revision: 1, image: 'model:1', replicas: 1, strategy: noSurge }), ...Array<GuardedDeployment>(9).fill(loading)]);
    expect(verdicts.some((v) => v.trip)).toBe(false);

    const half = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } };
    const two = deployment({ revision: 2, image: 'web:2', updated: 2, available: 2, total: 4, strategy: half });
    const one = deployment({ revision: 2, image: 'web:2', updated: 2, available: 1, total: 4, strategy: half });
    expect(run([good, ...Array<GuardedDeployment>(9).fill(two)]).some((v) => v.trip)).toBe(false);
    const low = run([good, ...Array<GuardedDeployment>(9).fill(one)]);
    expect(low.find((v) => v.trip)?.trip?.reason).toBe('kept only 1 of 4 available (fewer than 2, its strategy lets it go down to 2) for 30 s');
  });

  it('counts the grace again when availability recovers in between', () => {
    const low = deployment({ revision: 2, image: 'web:2', updated: 2, available: 2, total: 5 });
    const ok = deployment({ revision: 2, image: 'web:2', updated: 3, available: 3, total: 5 });
    const verdicts = run([good, low, low, low, ok, low, low, low], {}, 10 * S);
    expect(verdicts.some((v) => v.trip)).toBe(false);
  });

  it('trips once per bad revision: later reads of it, and the rollback to the good template, do not trip again', () => {
    const bad = deployment({ revision: 2, image: 'web:bad', updated: 1, available: 4, total: 5, stalled: true });
    // The rollback made revision 3 from revision 1's template, and it stalls too.
    const rollbackStalled = deployment({ revision: 3, image: 'web:1', updated: 1, available: 4, total: 5, stalled: true });
    const verdicts = run([good, bad, bad, rollbackStalled, rollbackStalled]);
    expect(verdicts.filter((v) => v.trip)).toHaveLength(1);
    expect(verdicts[2]).toMatchObject({ state: 'tripped', message: expect.stringMatching(/not rolled back twice/) });
    expect(verdicts[3]).toMatchObject({ state: 'rollout', message: expect.stringMatching(/rolls back to the template of revision 1/) });
  });

  it('guards the next rollout after a trip and its rollback completed', () => {
    const verdicts = run([
      good,
      deployment({ revision: 2, image: 'web:bad', stalled: true, updated: 1, total: 5 }),
      deployment({ revision: 3, image: 'web:1' }),
      deployment({ revision: 4, image: 'web:bad2', stalled: true, updated: 1, total: 5 }),
    ]);
    expect(verdicts.map((v) => v.trip?.fromRevision)).toEqual([undefined, 2, undefined, 4]);
  });

  it('does not trip a paused Deployment, however stalled or unavailable', () => {
    const paused = deployment({ revision: 2, image: 'web:2', updated: 1, available: 0, total: 5, paused: true, stalled: true });
    const verdicts = run([good, paused, paused, paused, paused, paused, paused, paused, paused]);
    expect(verdicts.some((v) => v.trip)).toBe(false);
    expect(verdicts[1]).toMatchObject({ state: 'paused', memory: { stableRevision: 1, belowSince: undefined } });
  });

  it('does not trip when availability drops with no rollout in progress (a node lost): a rollback would not help', () => {
    const lost = deployment({ revision: 1, image: 'web:1', available: 1 });
    const verdicts = run([good, lost, lost, lost, lost, lost, lost, lost, lost, lost]);
    expect(verdicts.some((v) => v.trip)).toBe(false);
    expect(verdicts[1]).toMatchObject({ state: 'watching', message: expect.stringMatching(/no rollout in progress/) });
  });

  it('does not judge a rollout before it saw a complete revision', () => {
    const [v] = run([deployment({ revision: 2, image: 'web:bad', stalled: true, updated: 1, total: 5 })]);
    expect(v).toMatchObject({ state: 'rollout', message: expect.stringMatching(/no complete revision seen yet, so it is not judged/) });
    expect(v.trip).toBeUndefined();
  });

  it('waits while the controller has not seen the latest change', () => {
    const [, v] = run([good, deployment({ revision: 1, image: 'web:2', available: 0, unobserved: true, stalled: true })]);
    expect(v).toMatchObject({ state: 'rollout', message: 'waiting for the controller to see the change' });
    expect(v.trip).toBeUndefined();
  });
});

describe('requiredAvailable', () => {
  it("rounds up, so Kubernetes' default maxUnavailable (25%, rounded down) never goes below 75%", () => {
    expect(requiredAvailable(4, 75)).toBe(3);
    expect(requiredAvailable(10, 75)).toBe(8);
    expect(10 - Math.floor(10 * 0.25)).toBeGreaterThanOrEqual(requiredAvailable(10, 75));
    expect(requiredAvailable(0, 100)).toBe(0);
  });
});

describe('availabilityFloor', () => {
  const withStrategy = (strategy: Shape['strategy']) => deployment({ revision: 1, image: 'web:1', strategy });
  it('is desired − maxUnavailable as the controller resolves it, none for Recreate', () => {
    expect(availabilityFloor(withStrategy(undefined), 10)).toBe(8);
    expect(availabilityFloor(withStrategy({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '30%' } }), 4)).toBe(3);
    expect(availabilityFloor(withStrategy({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }), 3)).toBe(2);
    expect(availabilityFloor(withStrategy({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: 5 } }), 3)).toBe(0);
    expect(availabilityFloor(withStrategy({ type: 'Recreate' }), 3)).toBeUndefined();
  });
});

describe('templateFingerprint', () => {
  it('ignores key order and the controller hash label, not the image', () => {
    const a = deployment({ revision: 1, image: 'web:1' });
    const b = structuredClone(a);
    b.spec!.template = { spec: b.spec!.template!.spec, metadata: { labels: { 'pod-template-hash': 'abc', app: 'web' } } };
    expect(templateFingerprint(b)).toBe(templateFingerprint(a));
    expect(templateFingerprint(deployment({ revision: 1, image: 'web:2' }))).not.toBe(templateFingerprint(a));
  });
});
