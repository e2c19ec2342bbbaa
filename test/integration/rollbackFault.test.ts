/**
 * The apiserver stops in the middle of a rollback, against the real test bed
 * (the secondary cluster, which the fault tests own): the template has been
 * put back and the rollout is under way when the apiserver dies. The task
 * ends failed with a message that says the rollback was applied and its
 * outcome is not known; the audit entry says failed and keeps the undo;
 * nothing claims success.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { isTaskFinished } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION, readyzStatus, startApiserver, stopApiserver } from '../testbed';
import { deadComponents } from '../testbed/clusters';

const bed = inject('testbed');
const secondary = bed.clusters.secondary;
const run = promisify(execFile);
const NS = `ph-it-rbfault-${Date.now().toString(36)}`;
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

let services: Services;
let connectionId = '';
const { call: succeed, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });
const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', secondary.kubeconfigs.admin, ...args])).stdout;

/** A Deployment whose revision 1 never gets Ready (kwok keeps `pilothouse.test/unready` pods unready) and whose revision 2 is healthy. */
const web = (unready: boolean) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: NS },
  spec: {
    replicas: 2,
    progressDeadlineSeconds: 600,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web', ...(unready ? { 'pilothouse.test/unready': 'true' } : {}) } },
      spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'web', image: unready ? 'registry.k8s.io/pause:3.9' : 'registry.k8s.io/pause:3.10' }] },
    },
  },
});

async function apply(manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-rbfault-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file);
}

beforeAll(async () => {
  ({ services } = createTestServices());
  const path = secondary.kubeconfigs.admin;
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  connectionId = (await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name: 'secondary-admin' }], 'it')).imported[0].id;
  // Earlier files stop and freeze this cluster's apiserver: a controller that exited meanwhile is started again, and its controllers must answer (the namespace's ServiceAccount) before the test leans on them.
  if (deadComponents(secondary).length) await startApiserver(secondary);
  await kubectl('create', 'namespace', NS);
  await until('the default ServiceAccount (the controller-manager at work)', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false), 120_000, 250);
  await apply(web(true));
  // Revision 1's ReplicaSet exists before revision 2 is applied (an empty answer is no ReplicaSet): else the controller may only ever see revision 2.
  await until('revision 1', async () => (await kubectl('get', 'replicasets', '-n', NS, '-o', 'name')).trim().split('\n').filter(Boolean).length === 1, 120_000, 250).catch((err: Error) => {
    throw new Error(`${err.message}; components not running: ${deadComponents(secondary).join(', ') || 'none'}`);
  });
  await apply(web(false));
  await kubectl('rollout', 'status', 'deployment/web', '-n', NS, '--timeout=120s');
}, 330_000);

afterAll(async () => {
  await services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

it('the apiserver stopping while the rollout is followed fails the task and the audit entry, saying the rollback was applied and its outcome is unknown', async () => {
  const { taskId } = await succeed('rollouts.rollback', { connectionId, resource: DEPLOYMENTS, namespace: NS, name: 'web', toRevision: 1 });
  // Revision 1's pods never get Ready: the task waits for the rollout until the apiserver goes.
  const waiting = await until(
    'the task waiting for the rollout (or ended)',
    async () => {
      const task = await succeed('tasks.get', { id: taskId });
      return (task.phase === 'Wait for the rollout' || isTaskFinished(task.status)) && task;
    },
    60_000,
    100,
  );
  // Ended before the fault: say how, rather than time out.
  expect({ status: waiting.status, phase: waiting.phase, error: waiting.error }).toEqual({ status: 'running', phase: 'Wait for the rollout', error: undefined });
  await stopApiserver(secondary);
  try {
    const task = await finishedTask(taskId);
    expect(task.status).toBe('failed');
    expect(task.error?.message).toMatch(/lost contact with .*127\.0\.0\.1:\d+/i);
    expect(task.error?.message).toMatch(/revision 1 was applied.*not known/i);
    const audit = services.audit.list({ limit: 50 }).entries.find((e) => e.id === task.auditId)!;
    expect(audit).toMatchObject({ status: 'failed', after: expect.stringContaining('revision 1'), undo: { label: 'Roll back to revision 2' } });
    expect(task.phases.map((p) => [p.name, p.state])).toEqual([
      ['Roll back', 'done'],
      ['Wait for the rollout', 'failed'],
    ]);
  } finally {
    await startApiserver(secondary);
    await until('the secondary apiserver back', async () => (await readyzStatus(secondary).catch(() => 0)) === 200, 60_000, 250);
  }
  // Back up, the cluster shows the rollback was indeed applied: revision 1's template is the Deployment's again.
  expect(await kubectl('get', 'deployment', 'web', '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe('registry.k8s.io/pause:3.9');
}, 120_000);
