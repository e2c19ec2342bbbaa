/**
 * The rollouts cockpit against the real test bed: workloads created and
 * changed on two clusters in the last hours, newest first, with who changed
 * them (the field manager kubectl writes as, or the Pilothouse user and audit
 * entry for a rollback made here); a cluster that cannot be reached is listed
 * with its error instead of looking quiet.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RecentChange } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { workloadManifest } from '../support/workloads';

const bed = inject('testbed');
const run = promisify(execFile);
const NS = `ph-it-recent-${Date.now().toString(36)}`;
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };

let services: Services;
const ids = { primary: '', secondary: '', unreachable: '' };
const { call: succeed, failure: fail, finishedTask } = contractClient(() => services, { actor: 'it-operator', session: 'it' });

const kubectl = async (cluster: 'primary' | 'secondary', ...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', bed.clusters[cluster].kubeconfigs.admin, ...args])).stdout;

async function apply(cluster: 'primary' | 'secondary', manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-recent-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl(cluster, 'apply', '-f', file);
}

const workload = (kind: 'Deployment' | 'StatefulSet', name: string, image: string) => workloadManifest(kind, NS, name, image);

async function importAs(kubeconfigPath: string, name: string): Promise<string> {
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path: kubeconfigPath });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path: kubeconfigPath }, [{ contextName: preview.contexts[0].contextName, name }], 'it');
  return imported[0].id;
}

const mine = (changes: readonly RecentChange[]) => changes.filter((c) => c.namespace === NS);
const revisionOf = async (name: string) => Number(await kubectl('primary', 'get', 'deployment', name, '-n', NS, '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'));

/** The apiserver's times are whole seconds: the next change is made a second newer, so the order of changes is known. */
const aSecondLater = () => new Promise((resolve) => setTimeout(resolve, 1100));

beforeAll(async () => {
  ({ services } = createTestServices());
  ids.primary = await importAs(bed.clusters.primary.kubeconfigs.admin, 'primary-admin');
  ids.secondary = await importAs(bed.clusters.secondary.kubeconfigs.admin, 'secondary-admin');
  // The primary's credentials pointed at a port nothing listens on: a cluster that is down.
  const down = join(madeTempDir('ph-it-recent-'), 'down.kubeconfig');
  writeFileSync(down, (await kubectl('primary', 'config', 'view', '--raw', '--minify')).replace(/server: .*/, 'server: https://127.0.0.1:9'));
  ids.unreachable = await importAs(down, 'down-cluster');

  for (const cluster of ['primary', 'secondary'] as const) await kubectl(cluster, 'create', 'namespace', NS);
  await apply('primary', workload('Deployment', 'ranker', 'registry.k8s.io/pause:3.9'));
  await until('ranker revision 1', async () => (await revisionOf('ranker')) === 1, 60_000, 250);
  await aSecondLater();
  await kubectl('primary', 'set', 'image', 'deployment/ranker', 'ranker=registry.k8s.io/pause:3.10', '-n', NS);
  await until('ranker revision 2', async () => (await revisionOf('ranker')) === 2, 60_000, 250);
  await aSecondLater();
  await apply('secondary', workload('StatefulSet', 'feature-store', 'registry.k8s.io/pause:3.9'));
  // Its controller keeps revision 1 as a ControllerRevision a moment later.
  await until('feature-store revision 1', async () => (await kubectl('secondary', 'get', 'controllerrevisions', '-n', NS, '-o', 'name')).trim() !== '', 60_000, 250);
}, 180_000);

afterAll(async () => {
  await services?.close();
  for (const cluster of ['primary', 'secondary'] as const) await kubectl(cluster, 'delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('the rollouts cockpit', () => {
  it('lists what changed on both clusters in the window, newest first, with the field manager that wrote each change', async () => {
    const recent = await succeed('rollouts.recentChanges', { hours: 24 });
    const changes = mine(recent.changes);
    expect(changes.map((c) => [c.connectionId, c.kind, c.name])).toEqual([
      [ids.secondary, 'StatefulSet', 'feature-store'],
      [ids.primary, 'Deployment', 'ranker'],
    ]);
    expect(changes[1]).toMatchObject({ by: 'kubectl-set', created: true, revision: 2, revisions: 2, images: ['ranker=registry.k8s.io/pause:3.10'] });
    expect(changes[0]).toMatchObject({ by: 'kubectl-client-side-apply', created: true, revisions: 1, images: ['feature-store=registry.k8s.io/pause:3.9'] });
    // Newest first across every namespace and cluster, and within the window.
    const times = recent.changes.map((c) => c.changedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(recent.changes.every((c) => c.changedAt >= recent.since)).toBe(true);
  });

  it('reads one cluster on its own when asked, so the view shows each as it answers', async () => {
    const secondary = await succeed('rollouts.recentChanges', { hours: 24, connectionId: ids.secondary });
    expect(secondary.sources.map((s) => s.connectionId)).toEqual([ids.secondary]);
    expect(mine(secondary.changes).map((c) => c.name)).toEqual(['feature-store']);
    expect(secondary.changes.every((c) => c.connectionId === ids.secondary)).toBe(true);
    expect((await fail('rollouts.recentChanges', { hours: 24, connectionId: 'no-such-connection' })).code).toBe('NOT_FOUND');
  });

  it('says which cluster could not be read and why, and still lists the others', async () => {
    const recent = await succeed('rollouts.recentChanges', { hours: 24 });
    const byId = new Map(recent.sources.map((s) => [s.connectionId, s]));
    expect(byId.get(ids.primary)).toMatchObject({ connectionName: 'primary-admin', workloads: expect.any(Number) });
    expect(byId.get(ids.primary)?.error).toBeUndefined();
    expect(byId.get(ids.secondary)?.workloads).toBeGreaterThanOrEqual(1);
    expect(byId.get(ids.unreachable)).toMatchObject({ connectionName: 'down-cluster', workloads: 0, error: expect.stringContaining('127.0.0.1:9') });
    // Its credentials never show in what is said.
    expect(JSON.stringify(recent)).not.toMatch(/BEGIN|client-key|token/i);
  });

  it('names the Pilothouse user and the audit entry of a rollback made here; the cluster sees the write as "pilothouse"', async () => {
    const { taskId } = await succeed('rollouts.rollback', { connectionId: ids.primary, resource: DEPLOYMENTS, namespace: NS, name: 'ranker' });
    const task = await finishedTask(taskId);
    expect(task.status).toBe('succeeded');
    const ranker = mine((await succeed('rollouts.recentChanges', { hours: 1 })).changes).find((c) => c.name === 'ranker');
    expect(ranker).toMatchObject({ by: 'it-operator', auditId: task.auditId, revision: 3, state: 'complete' });
    const managers = JSON.parse(await kubectl('primary', 'get', 'deployment', 'ranker', '-n', NS, '-o', 'json', '--show-managed-fields')) as { metadata: { managedFields: { manager: string; subresource?: string }[] } };
    expect(managers.metadata.managedFields.filter((f) => !f.subresource).map((f) => f.manager)).toContain('pilothouse');
  });
});
