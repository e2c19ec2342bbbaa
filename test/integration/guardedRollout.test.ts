/**
 * Guarded rollouts against the real test bed, through the contract: a
 * guarded Deployment updated to a template whose pods crash (kwok keeps pods
 * labelled `pilothouse.test/fail` in CrashLoopBackOff) misses its 3 s
 * progress deadline and is rolled back by the guard, by itself: the rollback
 * task succeeds, the server runs the previous template again, the audit
 * entry names the guard and offers the undo, the trip event fired once.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GuardTripped } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import type { Subscription } from '../../electron/services/rpc/eventHub';
import { servicesWithCluster } from '../support/services';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { workloadManifest } from '../support/workloads';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-it-guard-${Date.now().toString(36)}`;

let services: Services;
let subscription: Subscription;
let connectionId = '';
const tripped: GuardTripped[] = [];
const { call: succeed, failure: fail, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

async function apply(manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-guard-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file);
}

const web = workloadManifest('Deployment', NS, 'web', 'registry.k8s.io/pause:3.9', { replicas: 2, spec: { progressDeadlineSeconds: 3 } });

/** The Deployment's pod template and revision as the server has them. */
async function served(): Promise<{ revision: number; labels: Record<string, string>; images: string[] }> {
  const d = JSON.parse(await kubectl('get', 'deployment', 'web', '-n', NS, '-o', 'json')) as {
    metadata: { annotations: Record<string, string> };
    spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } } };
  };
  return { revision: Number(d.metadata.annotations['deployment.kubernetes.io/revision']), labels: d.spec.template.metadata.labels, images: d.spec.template.spec.containers.map((c) => c.image) };
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  subscription = services.hub.subscribe((batch) => {
    for (const e of batch.events) if (e.name === 'rollouts.guardTripped') tripped.push(e.payload as GuardTripped);
    subscription.ack(batch.seq);
  });
  await kubectl('create', 'namespace', NS);
  await apply(web);
  await kubectl('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=60s');
}, 120_000);

afterAll(async () => {
  subscription?.close();
  await services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('guarded rollouts', () => {
  it('refuses to guard a Deployment that is not there', async () => {
    expect(await fail('rollouts.addGuard', { connectionId, namespace: NS, name: 'never-was' })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('is not there') });
    expect((await succeed('rollouts.guards', { connectionId })).guards).toEqual([]);
  });

  it('rolls a failed rollout back by itself: the task succeeds, the previous template runs again, audited as the guard, announced once', async () => {
    const guard = await succeed('rollouts.addGuard', { connectionId, namespace: NS, name: 'web' });
    expect(guard).toMatchObject({ namespace: NS, name: 'web', minAvailablePercent: 75, graceSeconds: 30, createdBy: 'it', stableRevision: 1, state: 'watching' });
    expect(services.audit.list({ limit: 5 }).entries[0]).toMatchObject({ actor: 'it', action: 'rollouts.addGuard', status: 'succeeded', undo: { label: 'Stop guarding web' } });

    // Revision 2: its pods crash, so it misses its 3 s progress deadline with the old pods still serving.
    await kubectl(
      'patch',
      'deployment/web',
      '-n',
      NS,
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'add', path: '/spec/template/metadata/labels/pilothouse.test~1fail', value: 'true' },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.k8s.io/pause:3.10' },
      ]),
    );

    const trip = await until('the guard to trip', () => tripped[0], 60_000, 100);
    expect(trip).toMatchObject({ connectionId, connectionName: 'primary-admin', namespace: NS, name: 'web', fromRevision: 2, rollback: 'started' });
    // The revision to go back to is the cluster's "previous revision" when the rollback runs, said once the task has picked it.
    expect(trip.toRevision).toBeUndefined();
    expect(trip.reason).toContain('exceeded its progress deadline');

    const task = await finishedTask(trip.taskId);
    expect(task).toMatchObject({ kind: 'rollouts.rollback', status: 'succeeded', actor: 'guard (set by it)', result: { skipped: false, toRevision: 1 } });
    const now = await served();
    expect(now.images).toEqual(['registry.k8s.io/pause:3.9']);
    expect(now.labels).toEqual({ app: 'web' });
    expect(now.revision).toBe(3);
    await kubectl('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=30s');

    const entry = services.audit.list({ limit: 50 }).entries.find((e) => e.id === task.auditId);
    expect(entry).toMatchObject({ actor: 'guard (set by it)', action: 'rollouts.rollback', status: 'succeeded', undo: { label: 'Roll back to revision 2' } });

    // The guard says how it ended, takes the rolled-back revision as the one to return to, and trips no more.
    const settled = await until(
      'the guard to watch revision 3',
      async () => (await succeed('rollouts.guards', { connectionId })).guards.find((g) => g.state === 'watching' && g.stableRevision === 3),
      30_000,
      250,
    );
    expect(settled.lastTrip).toMatchObject({ fromRevision: 2, toRevision: 1, taskId: trip.taskId, outcome: { status: 'succeeded' } });
    await new Promise((r) => setTimeout(r, 6_000));
    expect(tripped).toHaveLength(1);
  }, 120_000);

  it('stops guarding on remove, audited with an undo that guards again', async () => {
    await succeed('rollouts.removeGuard', { connectionId, namespace: NS, name: 'web' });
    expect((await succeed('rollouts.guards', { connectionId })).guards).toEqual([]);
    expect(services.audit.list({ limit: 5 }).entries[0]).toMatchObject({ actor: 'it', action: 'rollouts.removeGuard', status: 'succeeded', undo: { label: 'Guard web again' } });
    expect(await fail('rollouts.removeGuard', { connectionId, namespace: NS, name: 'web' })).toMatchObject({ code: 'NOT_FOUND' });
  });
});
