/**
 * Audited actions against the real test bed, through the contract: scale,
 * rollout restart, cordon/uncordon, delete, and what the server refuses
 * (no access, already gone, kinds that cannot be scaled or restarted).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { KWOK_TOLERATION } from '../testbed';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-actions-${RUN}`;
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
/** The seeded GPU node no workload is pinned to, so cordoning it briefly disturbs no one. */
const NODE = 'gpu-h200-3';

let services: Services;
const ids = { admin: '', restricted: '' };

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

async function apply(manifest: object): Promise<void> {
  const file = join(madeTempDir('ph-it-actions-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file);
}

const { call: succeed, failure: fail } = contractClient(() => services, { actor: 'it', session: 'it' });

/** The newest audit entry for `action` on `target`. */
function audited(action: string, target: string): AuditEntry | undefined {
  return services.audit.list({ limit: 200 }).entries.find((e) => e.action === action && e.target === target);
}

const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json')) as T;
const podsOf = async (app: string) =>
  (await json<{ items: { metadata: { name: string; uid: string }; status: { phase: string } }[] }>('get', 'pods', '-n', NS, '-l', `app=${app}`)).items;

beforeAll(async () => {
  ({ services } = createTestServices());
  for (const [key, path, name] of [
    ['admin', primary.kubeconfigs.admin, 'primary-admin'],
    ['restricted', primary.kubeconfigs.restricted, 'primary-restricted'],
  ] as const) {
    const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
    const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name, onConflict: 'replace' }], 'it');
    ids[key] = imported[0].id;
  }
  await kubectl('create', 'namespace', NS);
  // Pods are refused until the namespace's default ServiceAccount exists.
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
  await apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  });
  await until('the first pod running', async () => (await podsOf('web')).some((p) => p.status.phase === 'Running'));
});

afterAll(async () => {
  services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('scale', () => {
  it('1 → 3: the server holds 3 replicas and the audit says replicas: 1 → replicas: 3', async () => {
    const result = await succeed('kube.scale', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'web', replicas: 3 });
    expect(result).toEqual({ before: 1, after: 3 });
    const deployment = await json<{ spec: { replicas: number } }>('get', 'deployment', 'web', '-n', NS);
    expect(deployment.spec.replicas).toBe(3);
    await until('3 pods running', async () => (await podsOf('web')).filter((p) => p.status.phase === 'Running').length === 3);
    expect(audited('kube.scale', `primary-admin/${NS}/deployments/web`)).toMatchObject({
      actor: 'it',
      status: 'succeeded',
      connectionId: ids.admin,
      connectionName: 'primary-admin',
      before: 'replicas: 1',
      after: 'replicas: 3',
    });
  });

  it('undo from the audit log scales back to what it had, audited and linked; a second undo is refused', async () => {
    await succeed('kube.scale', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'web', replicas: 2 });
    const scaled = audited('kube.scale', `primary-admin/${NS}/deployments/web`)!;
    expect(scaled).toMatchObject({ before: 'replicas: 3', after: 'replicas: 2', undo: { label: 'Scale back to 3 replicas' } });
    const undone = await succeed('audit.undo', { id: scaled.id });
    expect(undone).toMatchObject({ action: 'kube.scale', status: 'succeeded', before: 'replicas: 2', after: 'replicas: 3', undoOf: scaled.id, actor: 'it' });
    expect((await json<{ spec: { replicas: number } }>('get', 'deployment', 'web', '-n', NS)).spec.replicas).toBe(3);
    expect(services.audit.list({ limit: 200 }).entries.find((e) => e.id === scaled.id)).toMatchObject({ undoneBy: undone.id });
    expect(await fail('audit.undo', { id: scaled.id })).toMatchObject({ code: 'CONFLICT' });
  });

  it('undo refuses, changing nothing, when someone scaled it again since', async () => {
    await succeed('kube.scale', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'web', replicas: 4 });
    const scaled = audited('kube.scale', `primary-admin/${NS}/deployments/web`)!;
    await kubectl('scale', 'deployment', 'web', '-n', NS, '--replicas=6');
    const refused = await fail('audit.undo', { id: scaled.id });
    expect(refused).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('runs 6 replicas now, not 4') });
    expect((await json<{ spec: { replicas: number } }>('get', 'deployment', 'web', '-n', NS)).spec.replicas).toBe(6);
    // Still offered: it may be undone once the deployment is back at 4.
    expect(services.audit.list({ limit: 200 }).entries.find((e) => e.id === scaled.id)?.undo).toBeDefined();
    await kubectl('scale', 'deployment', 'web', '-n', NS, '--replicas=3');
  });

  it('a kind without a scale subresource is refused, and a missing object is NOT_FOUND', async () => {
    await kubectl('create', 'configmap', 'settings', '-n', NS, '--from-literal=a=b');
    const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
    expect(await fail('kube.scale', { connectionId: ids.admin, resource: configmaps, namespace: NS, name: 'settings', replicas: 2 })).toEqual({
      code: 'VALIDATION',
      message: 'configmaps cannot be scaled: they have no scale subresource',
    });
    expect(await fail('kube.scale', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'nope', replicas: 2 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(audited('kube.scale', `primary-admin/${NS}/configmaps/settings`)).toMatchObject({ status: 'failed', error: expect.stringContaining('cannot be scaled') });
  });
});

describe('rollout restart', () => {
  it('stamps restartedAt on the pod template and a new ReplicaSet rolls out', async () => {
    const replicaSets = async () => (await json<{ items: unknown[] }>('get', 'replicasets', '-n', NS, '-l', 'app=web')).items.length;
    const before = await replicaSets();
    const { restartedAt } = await succeed('kube.restart', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'web' });
    expect(restartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const deployment = await json<{ spec: { template: { metadata: { annotations?: Record<string, string> } } } }>('get', 'deployment', 'web', '-n', NS);
    expect(deployment.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
    await until('a new ReplicaSet', async () => (await replicaSets()) === before + 1);
    expect(audited('kube.restart', `primary-admin/${NS}/deployments/web`)).toMatchObject({
      status: 'succeeded',
      before: 'not restarted before',
      after: `restartedAt: ${restartedAt}`,
    });
  });

  it('a paused Deployment must be resumed first; pods cannot be restarted', async () => {
    await kubectl('rollout', 'pause', 'deployment/web', '-n', NS);
    try {
      const error = await fail('kube.restart', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'web' });
      expect(error).toEqual({ code: 'VALIDATION', message: `deployments.apps "web" in ${NS} is paused: resume it (kubectl rollout resume) before restarting` });
      expect(audited('kube.restart', `primary-admin/${NS}/deployments/web`)).toMatchObject({ status: 'failed', error: expect.stringContaining('is paused') });
    } finally {
      await kubectl('rollout', 'resume', 'deployment/web', '-n', NS);
    }
    const [pod] = await podsOf('web');
    expect(await fail('kube.restart', { connectionId: ids.admin, resource: PODS, namespace: NS, name: pod.metadata.name })).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('pods cannot be restarted'),
    });
  });
});

describe('cordon', () => {
  it('cordons and uncordons a node, audited as node.cordon / node.uncordon', async () => {
    const unschedulable = async () => Boolean((await json<{ spec: { unschedulable?: boolean } }>('get', 'node', NODE)).spec.unschedulable);
    const wasCordoned = await unschedulable();
    try {
      await succeed('kube.cordon', { connectionId: ids.admin, resource: NODES, name: NODE, unschedulable: true });
      expect(await unschedulable()).toBe(true);
      expect(audited('node.cordon', `primary-admin/nodes/${NODE}`)).toMatchObject({ status: 'succeeded', after: 'cordoned' });

      await succeed('kube.cordon', { connectionId: ids.admin, resource: NODES, name: NODE, unschedulable: false });
      expect(await unschedulable()).toBe(false);
      const uncordoned = audited('node.uncordon', `primary-admin/nodes/${NODE}`);
      expect(uncordoned).toMatchObject({ status: 'succeeded', before: 'cordoned', after: 'schedulable', undo: { label: 'Cordon the node again' } });

      // Undo from the audit log: cordoned again.
      await succeed('audit.undo', { id: uncordoned!.id });
      expect(await unschedulable()).toBe(true);

      // Cordoning a node already cordoned changes nothing, so there is nothing to undo (someone else's cordon stays).
      await succeed('kube.cordon', { connectionId: ids.admin, resource: NODES, name: NODE, unschedulable: true });
      expect(audited('node.cordon', `primary-admin/nodes/${NODE}`)).toMatchObject({ status: 'succeeded', before: 'cordoned', after: 'cordoned' });
      expect(audited('node.cordon', `primary-admin/nodes/${NODE}`)?.undo).toBeUndefined();
    } finally {
      await kubectl(wasCordoned ? 'cordon' : 'uncordon', NODE);
    }
  });

  it('only nodes can be cordoned, and nodes take no namespace', async () => {
    expect(await fail('kube.cordon', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'web', unschedulable: true })).toMatchObject({
      code: 'VALIDATION',
      message: 'Only nodes can be cordoned, not deployments.apps',
    });
    expect(await fail('kube.cordon', { connectionId: ids.admin, resource: NODES, namespace: NS, name: NODE, unschedulable: true })).toEqual({
      code: 'VALIDATION',
      message: 'nodes are cluster-scoped: leave the namespace out',
    });
  });
});

describe('delete', () => {
  it('deletes a pod: it is gone from the server, and the audit names its uid', async () => {
    const [pod] = await podsOf('web');
    await succeed('kube.delete', { connectionId: ids.admin, resource: PODS, namespace: NS, name: pod.metadata.name, gracePeriodSeconds: 0 });
    await until('the pod gone', () => kubectl('get', 'pod', pod.metadata.name, '-n', NS).then(() => false, (e: Error) => /NotFound/.test(e.message)));
    const entry = audited('kube.delete', `primary-admin/${NS}/pods/${pod.metadata.name}`);
    expect(entry).toMatchObject({ status: 'succeeded', detail: 'propagation Background, grace period 0 s' });
    expect(entry?.before).toMatch(new RegExp(`^uid ${pod.metadata.uid}, resourceVersion \\d+$`));
  });

  it('sends its options to the server: a Deployment deleted with Orphan propagation leaves its ReplicaSet running', async () => {
    await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orphaner', namespace: NS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'orphaner' } },
        template: { metadata: { labels: { app: 'orphaner' } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } },
      },
    });
    const replicaSets = () => json<{ items: { metadata: { name: string; ownerReferences?: unknown[] } }[] }>('get', 'replicasets', '-n', NS, '-l', 'app=orphaner').then((l) => l.items);
    await until('its ReplicaSet', async () => (await replicaSets()).length === 1);
    await succeed('kube.delete', { connectionId: ids.admin, resource: DEPLOYMENTS, namespace: NS, name: 'orphaner', propagation: 'Orphan' });
    await until('the Deployment gone', () => kubectl('get', 'deployment', 'orphaner', '-n', NS).then(() => false, (e: Error) => /NotFound/.test(e.message)));
    // Orphaned: still there, without its owner (Background, the default, would have had the garbage collector delete it).
    await until('the ReplicaSet orphaned', async () => (await replicaSets()).every((rs) => !rs.metadata.ownerReferences?.length));
    expect(await replicaSets()).toHaveLength(1);
  });

  it('refuses a namesake: an object deleted and created again since the user saw it is left alone', async () => {
    const [pod] = await podsOf('web');
    const error = await fail('kube.delete', { connectionId: ids.admin, resource: PODS, namespace: NS, name: pod.metadata.name, ifUid: 'not-its-uid' });
    expect(error).toMatchObject({ code: 'CONFLICT' });
    await kubectl('get', 'pod', pod.metadata.name, '-n', NS);
  });

  it('a missing object is NOT_FOUND "already gone", audited as failed', async () => {
    const error = await fail('kube.delete', { connectionId: ids.admin, resource: PODS, namespace: NS, name: 'never-was' });
    expect(error).toEqual({ code: 'NOT_FOUND', message: `pods "never-was" in ${NS} is already gone` });
    expect(audited('kube.delete', `primary-admin/${NS}/pods/never-was`)).toMatchObject({ status: 'failed', error: error.message });
  });

  it('the restricted user may not delete in team-b: FORBIDDEN, audited as failed, the pod stays', async () => {
    const [victim] = (await json<{ items: { metadata: { name: string } }[] }>('get', 'pods', '-n', 'team-b')).items;
    const error = await fail('kube.delete', { connectionId: ids.restricted, resource: PODS, namespace: 'team-b', name: victim.metadata.name });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/No access \(403\)/);
    expect(audited('kube.delete', `primary-restricted/team-b/pods/${victim.metadata.name}`)).toMatchObject({ status: 'failed', actor: 'it', error: error.message });
    await kubectl('get', 'pod', victim.metadata.name, '-n', 'team-b');
  });
});
