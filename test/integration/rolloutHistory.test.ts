/**
 * Workload history and rollback against the real test bed, through the
 * contract, checked against kubectl for the same objects: `kubectl rollout
 * history` of a Deployment rolled out three times (one change-cause
 * recorded) and of a StatefulSet updated once; `kubectl rollout undo
 * --to-revision` of a twin Deployment leaves the same template as
 * Pilothouse's rollback; paused, no history kept, no-op, a change made
 * meanwhile, and the undo from the audit log.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry, TaskSummary } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { servicesWithCluster } from '../support/services';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { workloadManifest } from '../support/workloads';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-it-history-${Date.now().toString(36)}`;
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const STATEFULSETS = { group: 'apps', version: 'v1', resource: 'statefulsets' };

let services: Services;
let connectionId = '';
const { call: succeed, failure: fail, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });

/** Starts a rollback and waits for its task to end. */
async function rollBack(params: { name: string; toRevision?: number; ifCurrentRevision?: number }): Promise<TaskSummary> {
  const { taskId } = await succeed('rollouts.rollback', { connectionId, resource: DEPLOYMENTS, namespace: NS, ...params });
  return finishedTask(taskId);
}
const auditOf = (task: TaskSummary): AuditEntry => services.audit.list({ limit: 200 }).entries.find((e) => e.id === task.auditId)!;

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

async function apply(manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-history-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file);
}

const workload = (kind: 'Deployment' | 'StatefulSet', name: string, image: string) => workloadManifest(kind, NS, name, image);

/** `kubectl rollout history`'s table as [revision, change-cause] pairs. */
async function kubectlHistory(target: string): Promise<[number, string][]> {
  const out = await kubectl('rollout', 'history', target, '-n', NS);
  return out
    .split('\n')
    .map((line) => /^(\d+)\s+(.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [Number(m[1]), m[2].trim()]);
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  await kubectl('create', 'namespace', NS);

  await apply(workload('Deployment', 'web', 'registry.k8s.io/pause:3.9'));
  await until('revision 1', async () => (await kubectlHistory('deployment/web')).length === 1, 60_000, 250);
  await kubectl('set', 'image', 'deployment/web', 'web=registry.k8s.io/pause:3.10', '-n', NS);
  await kubectl('annotate', 'deployment/web', '-n', NS, 'kubernetes.io/change-cause=pause 3.10 for the CVE fix', '--overwrite');
  await until('revision 2', async () => (await kubectlHistory('deployment/web')).length === 2, 60_000, 250);
  await kubectl('set', 'image', 'deployment/web', 'web=registry.k8s.io/pause:3.10.1', '-n', NS);
  await until('revision 3', async () => (await kubectlHistory('deployment/web')).length === 3, 60_000, 250);

  // A twin of web, rolled out the same way, for kubectl to roll back.
  await apply(workload('Deployment', 'twin', 'registry.k8s.io/pause:3.9'));
  await until('twin revision 1', async () => (await kubectlHistory('deployment/twin')).length === 1, 60_000, 250);
  await kubectl('set', 'image', 'deployment/twin', 'twin=registry.k8s.io/pause:3.10', '-n', NS);
  await kubectl('annotate', 'deployment/twin', '-n', NS, 'kubernetes.io/change-cause=pause 3.10 for the CVE fix', '--overwrite');
  await until('twin revision 2', async () => (await kubectlHistory('deployment/twin')).length === 2, 60_000, 250);
  await kubectl('set', 'image', 'deployment/twin', 'twin=registry.k8s.io/pause:3.10.1', '-n', NS);
  await until('twin revision 3', async () => (await kubectlHistory('deployment/twin')).length === 3, 60_000, 250);

  await apply(workload('StatefulSet', 'db', 'registry.k8s.io/pause:3.9'));
  await until('db revision 1', async () => (await kubectlHistory('statefulset/db')).length === 1, 60_000, 250);
  await kubectl('set', 'image', 'statefulset/db', 'db=registry.k8s.io/pause:3.10', '-n', NS);
  await until('db revision 2', async () => (await kubectlHistory('statefulset/db')).length === 2, 60_000, 250);
}, 180_000);

afterAll(async () => {
  await services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('rollout history', () => {
  it('a Deployment: the revisions and change-causes kubectl lists, with the images each ran and the current one marked', async () => {
    const history = await succeed('rollouts.history', { connectionId, resource: DEPLOYMENTS, namespace: NS, name: 'web' });
    const expected = await kubectlHistory('deployment/web');
    expect(history.revisions.map((r): [number, string] => [r.revision, r.changeCause ?? '<none>'])).toEqual(expected);
    expect(history.revisions.map((r) => r.images)).toEqual([['web=registry.k8s.io/pause:3.9'], ['web=registry.k8s.io/pause:3.10'], ['web=registry.k8s.io/pause:3.10.1']]);
    expect(history.revisions.map((r) => r.current)).toEqual([false, false, true]);
    expect(history).toMatchObject({ kind: 'Deployment', historyLimit: 10 });
    // Each names its ReplicaSet, as the cluster has it.
    const replicaSets = (await kubectl('get', 'replicasets', '-n', NS, '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').sort();
    expect(history.revisions.map((r) => r.name).sort()).toEqual(replicaSets);
  });

  it('a StatefulSet: its ControllerRevisions, as kubectl lists them, the one its pods are brought to current', async () => {
    const history = await succeed('rollouts.history', { connectionId, resource: STATEFULSETS, namespace: NS, name: 'db' });
    expect(history.revisions.map((r): [number, string] => [r.revision, r.changeCause ?? '<none>'])).toEqual(await kubectlHistory('statefulset/db'));
    expect(history.revisions.map((r) => r.images)).toEqual([['db=registry.k8s.io/pause:3.9'], ['db=registry.k8s.io/pause:3.10']]);
    const updateRevision = await kubectl('get', 'statefulset', 'db', '-n', NS, '-o', 'jsonpath={.status.updateRevision}');
    expect(history.revisions.find((r) => r.current)?.name).toBe(updateRevision);
  });

  it('refuses kinds that keep no history, and says when the workload is not there', async () => {
    expect(await fail('rollouts.history', { connectionId, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: NS, name: 'x' })).toMatchObject({
      code: 'VALIDATION',
      message: 'pods keep no rollout history: only Deployments, StatefulSets and DaemonSets do',
    });
    expect(await fail('rollouts.history', { connectionId, resource: DEPLOYMENTS, namespace: NS, name: 'never-was' })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

/** A Deployment's template and annotations as the server has them, without what differs between twins (names, revision numbers). */
async function restored(name: string): Promise<{ images: string[]; changeCause?: string }> {
  const d = JSON.parse(await kubectl('get', 'deployment', name, '-n', NS, '-o', 'json')) as { metadata: { annotations?: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } };
  return { images: d.spec.template.spec.containers.map((c) => c.image), changeCause: d.metadata.annotations?.['kubernetes.io/change-cause'] };
}
const currentRevision = async (name: string) => Number(await kubectl('get', 'deployment', name, '-n', NS, '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'));

describe('rollback', () => {
  it('leaves the template and change-cause kubectl rollout undo --to-revision leaves, follows the rollout to its end, and the audit undo goes back', async () => {
    const task = await rollBack({ name: 'web', toRevision: 2 });
    expect(task).toMatchObject({ kind: 'rollouts.rollback', status: 'succeeded', result: { skipped: false, toRevision: 2 } });
    expect(task.phases.map((p) => [p.name, p.state])).toEqual([
      ['Roll back', 'done'],
      ['Wait for the rollout', 'done'],
    ]);
    await kubectl('rollout', 'undo', 'deployment/twin', '--to-revision=2', '-n', NS);
    const [ours, kubectls] = [await restored('web'), await restored('twin')];
    expect(ours).toEqual({ images: ['registry.k8s.io/pause:3.10'], changeCause: 'pause 3.10 for the CVE fix' });
    expect(ours).toEqual(kubectls);
    // Done means done: kubectl agrees the rollout is complete.
    expect(await kubectl('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=1s')).toContain('successfully rolled out');
    // The controller numbers the restored template anew, as for kubectl's.
    expect(await currentRevision('web')).toBe(4);
    await until('twin on revision 4', async () => (await currentRevision('twin')) === 4, 30_000, 250);

    const entry = auditOf(task);
    expect(entry).toMatchObject({
      action: 'rollouts.rollback',
      status: 'succeeded',
      before: 'revision 3 (web=registry.k8s.io/pause:3.10.1)',
      after: 'the template of revision 2 (web=registry.k8s.io/pause:3.10)',
      undo: { label: 'Roll back to revision 3' },
    });
    const undone = await succeed('audit.undo', { id: entry.id });
    expect(undone).toMatchObject({ action: 'rollouts.rollback', undoOf: entry.id });
    await until('web back on 3.10.1', async () => (await restored('web')).images[0] === 'registry.k8s.io/pause:3.10.1', 30_000, 250);
  });

  it('skips a rollback to the template it already runs, changing nothing', async () => {
    await until('web settled on revision 5', async () => (await currentRevision('web')) === 5, 30_000, 250);
    const before = await kubectl('get', 'deployment', 'web', '-n', NS, '-o', 'jsonpath={.metadata.generation}');
    const task = await rollBack({ name: 'web', toRevision: 5 });
    expect(task).toMatchObject({ status: 'succeeded', result: { skipped: true, toRevision: 5 } });
    expect(auditOf(task).after).toMatch(/^unchanged: already the template of revision 5/);
    expect(await kubectl('get', 'deployment', 'web', '-n', NS, '-o', 'jsonpath={.metadata.generation}')).toBe(before);
  });

  it('says a rollout that misses its progress deadline failed, and offers the undo', async () => {
    // A revision whose pods crash (kwok keeps them failing), kept, then a good one on top.
    await apply({
      ...workload('Deployment', 'flaky', 'registry.k8s.io/pause:3.9'),
      spec: {
        ...workload('Deployment', 'flaky', 'registry.k8s.io/pause:3.9').spec,
        progressDeadlineSeconds: 3,
        template: { metadata: { labels: { app: 'flaky', 'pilothouse.test/fail': 'true' } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'flaky', image: 'registry.k8s.io/pause:3.9' }] } },
      },
    });
    await until('flaky revision 1', async () => (await kubectlHistory('deployment/flaky')).length === 1, 60_000, 250);
    await kubectl('patch', 'deployment/flaky', '-n', NS, '--type=json', '-p', '[{"op":"remove","path":"/spec/template/metadata/labels/pilothouse.test~1fail"}]');
    await kubectl('rollout', 'status', 'deployment/flaky', '-n', NS, '--timeout=60s');

    const task = await rollBack({ name: 'flaky' });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
    expect(task.error?.message).toContain('exceeded its progress deadline');
    expect(auditOf(task)).toMatchObject({ status: 'failed', after: expect.stringContaining('the template of revision 1'), undo: { label: 'Roll back to revision 2' } });
  }, 120_000);

  it('refuses a paused Deployment, a revision not kept, a Deployment that keeps none, and an undo after someone else changed it', async () => {
    await kubectl('rollout', 'pause', 'deployment/twin', '-n', NS);
    expect(await rollBack({ name: 'twin' })).toMatchObject({ status: 'failed', error: { code: 'VALIDATION', message: expect.stringContaining('is paused: resume it first') } });
    await kubectl('rollout', 'resume', 'deployment/twin', '-n', NS);

    expect(await rollBack({ name: 'web', toRevision: 99 })).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND', message: expect.stringContaining('Revision 99 of deployment "web" is not kept') } });

    await apply({ ...workload('Deployment', 'keepsnone', 'registry.k8s.io/pause:3.9'), spec: { ...workload('Deployment', 'keepsnone', 'registry.k8s.io/pause:3.9').spec, revisionHistoryLimit: 0 } });
    await until('keepsnone revision 1', async () => (await kubectlHistory('deployment/keepsnone')).length === 1, 60_000, 250);
    await kubectl('set', 'image', 'deployment/keepsnone', 'keepsnone=registry.k8s.io/pause:3.10', '-n', NS);
    await until('keepsnone on revision 2 alone', async () => (await kubectlHistory('deployment/keepsnone')).map(([r]) => r).join() === '2', 60_000, 250);
    expect(await rollBack({ name: 'keepsnone' })).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND', message: expect.stringContaining('No rollout history found') } });

    expect(await rollBack({ name: 'web', toRevision: 4, ifCurrentRevision: 1 })).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(await fail('rollouts.rollback', { connectionId, resource: { group: 'apps', version: 'v1', resource: 'replicasets' }, namespace: NS, name: 'web' })).toMatchObject({ code: 'VALIDATION' });
  });
});
