/**
 * Workload history against the real test bed, through the contract, checked
 * against `kubectl rollout history` for the same objects: a Deployment rolled
 * out three times (one change-cause recorded), a StatefulSet updated once,
 * and what is refused (kinds without history, a missing workload).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const NS = `ph-it-history-${Date.now().toString(36)}`;
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const STATEFULSETS = { group: 'apps', version: 'v1', resource: 'statefulsets' };

let services: Services;
let connectionId = '';
const { call: succeed, failure: fail } = contractClient(() => services, { actor: 'it', session: 'it' });

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

async function apply(manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-history-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file);
}

const workload = (kind: 'Deployment' | 'StatefulSet', name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace: NS },
  spec: {
    replicas: 1,
    ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name, image }] } },
  },
});

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
  ({ services } = createTestServices());
  const path = primary.kubeconfigs.admin;
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name: 'primary-admin' }], 'it');
  connectionId = imported[0].id;
  await kubectl('create', 'namespace', NS);

  await apply(workload('Deployment', 'web', 'registry.k8s.io/pause:3.9'));
  await until('revision 1', async () => (await kubectlHistory('deployment/web')).length === 1, 60_000, 250);
  await kubectl('set', 'image', 'deployment/web', 'web=registry.k8s.io/pause:3.10', '-n', NS);
  await kubectl('annotate', 'deployment/web', '-n', NS, 'kubernetes.io/change-cause=pause 3.10 for the CVE fix', '--overwrite');
  await until('revision 2', async () => (await kubectlHistory('deployment/web')).length === 2, 60_000, 250);
  await kubectl('set', 'image', 'deployment/web', 'web=registry.k8s.io/pause:3.10.1', '-n', NS);
  await until('revision 3', async () => (await kubectlHistory('deployment/web')).length === 3, 60_000, 250);

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
