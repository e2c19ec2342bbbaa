import { describe, expect, it } from 'vitest';
import { judgeGuard, requiredAvailable, templateFingerprint, type GuardedDeployment, type GuardMemory } from './guardVerdict';

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
}

/** A Deployment as the apiserver returns it, at `revision` running `image`. */
function deployment(s: Shape): GuardedDeployment {
  const replicas = s.replicas ?? 4;
  return {
    metadata: { name: 'web', namespace: 'shop', generation: s.unobserved ? 3 : 2, annotations: { 'deployment.kubernetes.io/revision': String(s.revision) } },
    spec: { replicas, paused: s.paused, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: s.image }] } } },
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
    expect(verdicts[2].message).toMatch(/below 75% for 5 of 30 s/);
    expect(verdicts.at(-1)!.memory).toMatchObject({ stableRevision: 2, belowSince: undefined });
  });

  it('trips when the rollout misses its progress deadline, back to the last complete revision', () => {
    const [, v] = run([good, deployment({ revision: 2, image: 'web:bad', updated: 1, available: 4, total: 5, stalled: true })]);
    expect(v.trip).toEqual({ fromRevision: 2, toRevision: 1, reason: expect.stringMatching(/exceeded its progress deadline: ReplicaSet "web-2" has timed out/) });
    expect(v).toMatchObject({ state: 'tripped', memory: { trippedRevision: 2, stableRevision: 1 } });
  });

  it('trips when availability stays below the threshold past the grace period', () => {
    const low = deployment({ revision: 2, image: 'web:2', updated: 4, available: 2, total: 4 });
    const verdicts = run([good, low, low, low, low, low, low, low, low]);
    const tripped = verdicts.findIndex((v) => v.trip);
    // Below from t=5 s: the read at t=35 s is the first past 30 s of grace.
    expect(tripped).toBe(7);
    expect(verdicts[tripped].trip).toEqual({ fromRevision: 2, toRevision: 1, reason: 'kept only 2 of 4 available (fewer than 3, 75%) for 30 s' });
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
    expect(verdicts[3].trip?.toRevision).toBe(3);
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

  it('has nothing to roll back to before it saw a complete revision', () => {
    const [v] = run([deployment({ revision: 2, image: 'web:bad', stalled: true, updated: 1, total: 5 })]);
    expect(v).toMatchObject({ state: 'rollout', message: expect.stringMatching(/none to roll back to/) });
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

describe('templateFingerprint', () => {
  it('ignores key order and the controller hash label, not the image', () => {
    const a = deployment({ revision: 1, image: 'web:1' });
    const b = structuredClone(a);
    b.spec!.template = { spec: b.spec!.template!.spec, metadata: { labels: { 'pod-template-hash': 'abc', app: 'web' } } };
    expect(templateFingerprint(b)).toBe(templateFingerprint(a));
    expect(templateFingerprint(deployment({ revision: 1, image: 'web:2' }))).not.toBe(templateFingerprint(a));
  });
});
