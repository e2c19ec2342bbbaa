/**
 * Argo CD Applications through the contract, against the Application CRD
 * (argo-cd v3.2.0) the test bed installs on its primary cluster. No Argo CD
 * controller runs there, so the Application's status (history, sync, health,
 * last operation) is written by kubectl, with the object: Argo CD's CRD has
 * no status subresource. A sync to a history revision leaves the
 * `operation` Argo CD's API server would set for `argocd app sync
 * --revision`, and nothing performs it; a second sync while it is pending,
 * one while an operation is Running, and one held to an older
 * resourceVersion are CONFLICT with nothing changed. The secondary cluster,
 * without the CRDs, says it does not serve Applications.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { argoCdApplicationOf } from '../../shared/contract';
import { contractClient } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { madeTempDir } from '../support/tempDirs';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const secondary = bed.clusters.secondary;
const run = promisify(execFile);
/** Applications may live outside Argo CD's namespace (apps in any namespace): the tracking id then names `<ns>_<app>`. */
const NS = `ph-it-argocd-${Date.now().toString(36)}`;
const NAME = 'ranker';
const OLD = '9a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const NOW = '2c4e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f70819';
const SOURCE = { repoURL: 'https://github.com/acme/deploy.git', path: 'ranker', targetRevision: 'main' };

let services: Services;
let others: Services | undefined;
let connectionId = '';
let secondaryId = '';
const client = contractClient(() => services, { actor: 'it', session: 'it' });
const secondaryClient = contractClient(() => others!, { actor: 'it', session: 'it' });
const at = () => ({ connectionId, namespace: NS, name: NAME });

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;

interface Stored {
  metadata: { resourceVersion: string };
  operation?: { sync?: Record<string, unknown>; initiatedBy?: { username?: string } };
  status?: { operationState?: { phase?: string } };
}
const stored = async (): Promise<Stored> => JSON.parse(await kubectl('get', 'applications.argoproj.io', NAME, '-n', NS, '-o', 'json')) as Stored;

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  await kubectl('create', 'namespace', NS);
  const file = join(madeTempDir('ph-it-argocd-'), 'application.json');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: NAME, namespace: NS },
      spec: {
        project: 'default',
        destination: { server: 'https://kubernetes.default.svc', namespace: NS },
        source: SOURCE,
        syncPolicy: { syncOptions: ['CreateNamespace=true'] },
      },
      // As Argo CD's controller leaves it after two syncs; written with the object, the CRD having no status subresource.
      status: {
        sync: { status: 'Synced', revision: NOW, comparedTo: { source: SOURCE, destination: { server: 'https://kubernetes.default.svc', namespace: NS } } },
        health: { status: 'Healthy' },
        operationState: {
          operation: { sync: { revision: NOW }, initiatedBy: { username: 'alice' } },
          phase: 'Succeeded',
          message: 'successfully synced (all tasks run)',
          startedAt: '2026-12-03T10:00:00Z',
          finishedAt: '2026-12-03T10:00:05Z',
        },
        history: [
          { id: 1, revision: OLD, deployedAt: '2026-12-01T09:00:00Z', source: SOURCE, initiatedBy: { username: 'alice' } },
          { id: 2, revision: NOW, deployedAt: '2026-12-03T10:00:05Z', source: SOURCE, initiatedBy: { username: 'alice' } },
        ],
      },
    }),
  );
  // Fails here, plainly, when the bed has no Argo CD CRDs: kubectl names the missing kind.
  await kubectl('create', '-f', file);
}, 120_000);

afterAll(async () => {
  await services?.close();
  await others?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('an Argo CD Application (CRD only, no controller)', () => {
  it('is found from a tracking id naming <namespace>_<app>, and read with its history newest first', async () => {
    expect(argoCdApplicationOf(`${NS}_${NAME}`)).toEqual({ namespace: NS, name: NAME });
    const res = await client.call('rollouts.argoCdApplication', at());
    if (!res.available) throw new Error('the primary cluster does not serve Applications (the bed installs the Argo CD CRDs)');
    expect(res.application).toMatchObject({
      namespace: NS,
      name: NAME,
      sources: [SOURCE],
      sync: { status: 'Synced', revision: NOW },
      health: 'Healthy',
      operationState: { phase: 'Succeeded', finishedAt: '2026-12-03T10:00:05Z' },
      resourceVersion: (await stored()).metadata.resourceVersion,
    });
    expect(res.application.automated).toBeUndefined();
    expect(res.application.history.map((h) => [h.id, h.revision, h.initiatedBy])).toEqual([
      [2, NOW, 'alice'],
      [1, OLD, 'alice'],
    ]);
  });

  it('refuses a sync held to an older resourceVersion, changing nothing', async () => {
    const before = await stored();
    const res = await client.result('rollouts.argoCdSync', { ...at(), revision: OLD, ifResourceVersion: '1' });
    expect(res).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await stored()).toEqual(before);
  });

  it('syncs to a history revision by setting the operation Argo CD’s API server sets, and audits it', async () => {
    const shown = await client.call('rollouts.argoCdApplication', at());
    if (!shown.available) throw new Error('not served');
    await expect(client.call('rollouts.argoCdSync', { ...at(), revision: OLD, ifResourceVersion: shown.application.resourceVersion })).resolves.toMatchObject({ revision: OLD });
    const app = await stored();
    expect(app.operation).toEqual({
      sync: { source: SOURCE, revision: OLD, syncStrategy: { hook: {} }, syncOptions: ['CreateNamespace=true'] },
      initiatedBy: { username: 'it' },
    });
    // SetAppOperation clears the last operation's state with it.
    expect(app.status?.operationState).toBeUndefined();
    const entry = services.audit.list({ limit: 50 }).entries.find((e) => e.action === 'rollouts.argoCdSync' && e.target.endsWith(`${NS}/applications/${NAME}`));
    expect(entry).toMatchObject({ actor: 'it', status: 'succeeded' });
    const read = await client.call('rollouts.argoCdApplication', at());
    expect(read.available && read.application.pendingOperation).toEqual({ revision: OLD, initiatedBy: 'it' });
  });

  it('refuses another sync while one is pending, and while an operation is Running', async () => {
    const pending = await client.result('rollouts.argoCdSync', { ...at(), revision: NOW });
    expect(pending).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('already requested by it') } });

    // As Argo CD's controller does once it takes the operation up: the state Running, the request still set until it ends.
    await kubectl('patch', 'applications.argoproj.io', NAME, '-n', NS, '--type=json', '-p', JSON.stringify([
      { op: 'remove', path: '/operation' },
      { op: 'add', path: '/status/operationState', value: { operation: { sync: { revision: OLD } }, phase: 'Running', startedAt: '2026-12-04T06:00:00Z' } },
    ]));
    const before = await stored();
    const running = await client.result('rollouts.argoCdSync', { ...at(), revision: NOW });
    expect(running).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('an operation is Running') } });
    expect(await stored()).toEqual(before);
  });

  it('says the secondary cluster, without the CRDs, does not serve Applications', async () => {
    ({ services: others, connectionId: secondaryId } = await servicesWithCluster(secondary.kubeconfigs.admin, 'secondary-admin'));
    await expect(secondaryClient.call('rollouts.argoCdApplication', { connectionId: secondaryId, namespace: 'argocd', name: NAME })).resolves.toEqual({ available: false });
    const sync = await secondaryClient.result('rollouts.argoCdSync', { connectionId: secondaryId, namespace: 'argocd', name: NAME, revision: OLD });
    expect(sync).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('does not serve Argo CD') } });
  }, 120_000);
});
