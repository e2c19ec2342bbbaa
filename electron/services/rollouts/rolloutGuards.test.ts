import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { events as contractEvents, type GuardTripped, type RollbackParams } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { createAuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import { createLogger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTaskRunner } from '../tasks/taskRunner';
import type { GuardedDeployment } from './guardVerdict';
import { createRolloutGuards, type RolloutGuardsDeps } from './rolloutGuards';

const ref = { connectionId: 'c1', namespace: 'shop', name: 'web' };

/** The Deployment at `revision` running `image`; `stalled` past its progress deadline. */
function web(revision: number, image: string, stalled = false): GuardedDeployment {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'u1', generation: revision, annotations: { 'deployment.kubernetes.io/revision': String(revision) } },
    spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
    status: {
      observedGeneration: revision,
      replicas: stalled ? 3 : 2,
      updatedReplicas: stalled ? 1 : 2,
      availableReplicas: 2,
      readyReplicas: 2,
      conditions: stalled ? [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-2" has timed out progressing.' }] : [],
    },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const g of open.splice(0)) g.close();
});

function setup(db = memoryDb()) {
  const log = createLogger({ sink: () => {} });
  const tripped: GuardTripped[] = [];
  const hub = {
    publish(name: string, payload: unknown) {
      const checked = contractEvents[name as keyof typeof contractEvents].parse(payload);
      if (name === 'rollouts.guardTripped') tripped.push(checked as GuardTripped);
    },
  } as unknown as EventHub;
  const audit = createAuditService(db, hub, log);
  const runner = createTaskRunner({ db, audit, hub, log });
  const rollbacks: { params: RollbackParams; actor: string }[] = [];
  // Each rollback started ends when its own one settles.
  const rollbackOutcomes = [deferred<{ toRevision: number } | void>(), deferred<{ toRevision: number } | void>()];
  const [rollbackOutcome] = rollbackOutcomes;
  const notes: { title: string; body: string }[] = [];
  const cluster = { deployment: web(1, 'web:1') as GuardedDeployment | Error, reads: 0 };
  const deps: RolloutGuardsDeps = {
    db,
    access: { config: () => Promise.reject(new Error('not used')) },
    connections: { list: () => [{ id: 'c1', kind: 'kubernetes', name: 'prod' }] } as unknown as Pick<ConnectionService, 'list'>,
    audit,
    runner,
    hub,
    log,
    notify: (note) => notes.push(note),
    rollbacks: {
      start(params, actor) {
        rollbacks.push({ params, actor });
        const { id } = runner.start(
          { kind: 'rollouts.rollback', title: 'Roll back', target: 'prod/shop/deployments/web', actor, phases: ['Roll back'] },
          () => rollbackOutcomes[rollbacks.length - 1].promise,
          { describe: (done) => ({ result: done ?? undefined }) },
        );
        return { taskId: id };
      },
    },
    intervalMs: 10,
    read: async () => {
      cluster.reads++;
      if (cluster.deployment instanceof Error) throw cluster.deployment;
      return structuredClone(cluster.deployment);
    },
  };
  const start = () => {
    const guards = createRolloutGuards(deps);
    open.push(guards);
    return guards;
  };
  return { db, deps, audit, runner, tripped, rollbacks, rollbackOutcome, rollbackOutcomes, notes, cluster, start };
}

function memoryDb() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  db.prepare(
    `INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES ('c1', 'kubernetes', 'prod', 'file', '{}', x'00', 'now', 'now')`,
  ).run();
  return db;
}

describe('rollout guards', () => {
  it('guards a Deployment that exists, audited with an undo that removes the guard; a missing one is refused', async () => {
    const t = setup();
    const guards = t.start();
    const guard = await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    expect(guard).toMatchObject({ ...ref, minAvailablePercent: 75, graceSeconds: 30, createdBy: 'ann', stableRevision: 1, state: 'watching' });
    expect(guards.list('c1')).toHaveLength(1);
    const [entry] = t.audit.list({ limit: 5 }).entries;
    expect(entry).toMatchObject({ actor: 'ann', action: 'rollouts.addGuard', target: 'prod/shop/deployments/web', status: 'succeeded', before: 'not guarded', undo: { label: 'Stop guarding web' } });

    t.cluster.deployment = new AppError('NOT_FOUND', 'deployment "api" in shop is not there (any more)');
    await expect(guards.add({ ...ref, name: 'api', minAvailablePercent: 75, graceSeconds: 30 }, 'ann')).rejects.toThrow(/not there/);
    expect(guards.list('c1').map((g) => g.name)).toEqual(['web']);

    await guards.remove(ref, 'bob');
    expect(guards.list('c1')).toEqual([]);
    expect(t.audit.list({ limit: 1 }).entries[0]).toMatchObject({ actor: 'bob', action: 'rollouts.removeGuard', after: 'not guarded', undo: { label: 'Guard web again' } });
    await expect(guards.remove(ref, 'bob')).rejects.toThrow(/is not guarded/);
  });

  it('rolls a stalled rollout back once to the revision before it, as "guard (set by …)", held to the bad revision; announces it and records the trip', async () => {
    const t = setup();
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    t.cluster.deployment = web(2, 'web:bad', true);
    await vi.waitFor(() => expect(t.rollbacks).toHaveLength(1));
    expect(t.rollbacks[0]).toEqual({
      params: { ...ref, resource: { group: 'apps', version: 'v1', resource: 'deployments' }, toRevision: 0, ifCurrentRevision: 2 },
      actor: 'guard (set by ann)',
    });
    const taskId = t.runner.list({ limit: 5, includeDismissed: true }).tasks[0].id;
    expect(t.tripped).toEqual([expect.objectContaining({ ...ref, connectionName: 'prod', fromRevision: 2, taskId, rollback: 'started' })]);
    expect(t.notes[0]).toEqual({ title: 'Rolled back prod/shop/web', body: expect.stringMatching(/^Revision 2 exceeded its progress deadline.*Rolling back to the revision before it\.$/) });

    // Reads go on; the bad revision does not trip again.
    const reads = t.cluster.reads;
    await vi.waitFor(() => expect(t.cluster.reads).toBeGreaterThan(reads + 2));
    expect(t.rollbacks).toHaveLength(1);
    expect(guards.list('c1')[0]).toMatchObject({ state: 'tripped', lastTrip: { fromRevision: 2, taskId } });
    expect(guards.list('c1')[0].lastTrip?.outcome).toBeUndefined();

    // The rollback succeeds and completes: the guard watches again, and says how the trip ended and where to.
    t.cluster.deployment = web(3, 'web:1');
    t.rollbackOutcome.resolve({ toRevision: 1 });
    await vi.waitFor(() =>
      expect(guards.list('c1')[0]).toMatchObject({ state: 'watching', stableRevision: 3, lastTrip: { toRevision: 1, outcome: { status: 'succeeded' } } }),
    );
    expect(t.tripped).toHaveLength(1);
  });

  it('says so when its rollback fails, and does not roll back again when that rollout stalls too', async () => {
    const t = setup();
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    t.cluster.deployment = web(2, 'web:bad', true);
    await vi.waitFor(() => expect(t.rollbacks).toHaveLength(1));
    t.cluster.deployment = web(3, 'web:1', true);
    t.rollbackOutcome.reject(new AppError('TIMEOUT', 'deployment "web" in shop took the template of revision 1 but its rollout exceeded its progress deadline'));
    await vi.waitFor(() => expect(t.tripped).toHaveLength(2));
    expect(t.tripped[1]).toMatchObject({ rollback: 'failed', message: expect.stringMatching(/rollback of revision 2 failed: .*exceeded its progress deadline/) });
    expect(t.notes[1].title).toBe('Rollback of prod/shop/web failed');
    const reads = t.cluster.reads;
    await vi.waitFor(() => expect(t.cluster.reads).toBeGreaterThan(reads + 2));
    expect(t.rollbacks).toHaveLength(1);
    expect(t.tripped).toHaveLength(2);
    expect(guards.list('c1')[0]).toMatchObject({ state: 'rollout', lastTrip: { outcome: { status: 'failed' } } });
  });

  it('says on the guard why the Deployment cannot be read, and reads it less often while that lasts', async () => {
    const t = setup();
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    t.cluster.deployment = new AppError('UNREACHABLE', 'prod: the apiserver did not answer');
    await vi.waitFor(() => expect(guards.list('c1')[0]).toMatchObject({ state: 'unreadable', message: 'prod: the apiserver did not answer' }));
    const reads = t.cluster.reads;
    await new Promise((r) => setTimeout(r, 150));
    // 10 ms apart, doubling after each failure: 20, 40, 80 ms… a handful at most, not 15.
    expect(t.cluster.reads - reads).toBeLessThanOrEqual(4);
    t.cluster.deployment = web(1, 'web:1');
    await vi.waitFor(() => expect(guards.list('c1')[0].state).toBe('watching'), { timeout: 2000 });
  });

  it('keeps who set the guard when someone else changes its settings; the audit says who changed them', async () => {
    const t = setup();
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    const changed = await guards.add({ ...ref, minAvailablePercent: 50, graceSeconds: 60 }, 'bob');
    expect(changed).toMatchObject({ minAvailablePercent: 50, graceSeconds: 60, createdBy: 'ann' });
    expect(t.audit.list({ limit: 1 }).entries[0]).toMatchObject({ actor: 'bob', action: 'rollouts.addGuard', after: expect.stringMatching(/below 50% available for 60 s/) });
  });

  it('still says that an earlier rollback failed when a later rollout tripped before it ended', async () => {
    const t = setup();
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    t.cluster.deployment = web(2, 'web:bad', true);
    await vi.waitFor(() => expect(t.rollbacks).toHaveLength(1));
    // Someone rolls out again (revisions 3 and 4) while the first rollback still waits; 4 stalls too.
    t.cluster.deployment = web(4, 'web:bad2', true);
    await vi.waitFor(() => expect(t.rollbacks).toHaveLength(2));
    t.rollbackOutcomes[0].reject(new AppError('CONFLICT', 'deployment "web" in shop runs revision 4 now, not 2'));
    await vi.waitFor(() => expect(t.tripped.filter((e) => e.rollback === 'failed')).toEqual([expect.objectContaining({ fromRevision: 2, message: expect.stringMatching(/runs revision 4 now/) })]));
    expect(guards.list('c1')[0].lastTrip).toMatchObject({ fromRevision: 4 });
  });

  it("reads one connection's guards while another connection's reads hang", async () => {
    const t = setup();
    t.db.prepare(
      `INSERT INTO connections (id, kind, name, source, details, sealed, created_at, updated_at) VALUES ('c2', 'kubernetes', 'gone', 'file', '{}', x'00', 'now', 'now')`,
    ).run();
    // Ten guards on the unreachable cluster, named before the reachable one's.
    const insert = t.db.prepare(
      `INSERT INTO rollout_guards (connection_id, namespace, name, min_available_percent, grace_seconds, created_by, created_at) VALUES ('c2', 'a', ?, 75, 30, 'ann', 'now')`,
    );
    for (let i = 0; i < 10; i++) insert.run(`model-${i}`);
    const hung: string[] = [];
    const readCluster = t.deps.read!;
    t.deps.read = (r, signal) => {
      if (r.connectionId === 'c1') return readCluster(r, signal);
      hung.push(r.name);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    const reads = t.cluster.reads;
    await vi.waitFor(() => expect(t.cluster.reads).toBeGreaterThan(reads + 2));
    expect(hung.length).toBeLessThanOrEqual(4);
  });

  it('marks a guard stale when it has not been read for a while, with when it last was', async () => {
    const t = setup();
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    const readAt = guards.list('c1')[0].readAt;
    expect(readAt).toEqual(expect.any(String));
    expect(guards.list('c1')[0].stale).toBeUndefined();
    t.cluster.deployment = new AppError('UNREACHABLE', 'prod: the apiserver did not answer');
    await vi.waitFor(() => expect(guards.list('c1')[0]).toMatchObject({ state: 'unreadable', stale: true, readAt }));
  });

  it('reads no more once closed', async () => {
    const t = setup();
    const guards = t.start();
    await guards.add({ ...ref, minAvailablePercent: 75, graceSeconds: 30 }, 'ann');
    await vi.waitFor(() => expect(t.cluster.reads).toBeGreaterThan(2));
    guards.close();
    const reads = t.cluster.reads;
    await new Promise((r) => setTimeout(r, 100));
    expect(t.cluster.reads).toBe(reads);
  });

  it('keeps its guards, what they saw complete and their trips across a restart', async () => {
    const t = setup();
    const first = t.start();
    await first.add({ ...ref, minAvailablePercent: 60, graceSeconds: 10 }, 'ann');
    t.cluster.deployment = web(2, 'web:bad', true);
    await vi.waitFor(() => expect(t.rollbacks).toHaveLength(1));
    first.close();

    const second = t.start();
    expect(second.list('c1')[0]).toMatchObject({ minAvailablePercent: 60, graceSeconds: 10, stableRevision: 1, state: 'starting', lastTrip: { fromRevision: 2 } });
    await vi.waitFor(() => expect(second.list('c1')[0].state).toBe('tripped'));
    expect(t.rollbacks).toHaveLength(1);
  });
});
