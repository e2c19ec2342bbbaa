import type { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { ArgoCdApplication, argoCdApplicationOf, type ResourceRef } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { scriptKubeRequest, type KubeRoute, type SentRequest } from '../../../test/support/scriptedKube';
import type { AuditIntent, Outcome } from '../audit/auditService';
import { kubeRequest } from '../kube/client/kubeHttp';
import { createArgoCd, shownApplication, syncOperation, type ApplicationObject } from './argoCd';

vi.mock('../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }));

/** An Application as Argo CD v3.2's controller leaves it after two syncs (shape of `argocd app get -o yaml`). */
const APP_YAML = `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: ranker, namespace: argocd, resourceVersion: "4711", generation: 3 }
spec:
  project: default
  destination: { server: https://kubernetes.default.svc, namespace: ml-serving }
  source: { repoURL: https://github.com/acme/deploy.git, path: ranker, targetRevision: main }
  syncPolicy:
    automated: { prune: true, selfHeal: true }
    syncOptions: [CreateNamespace=true]
    retry: { limit: 2 }
status:
  sync:
    status: Synced
    revision: 2c4e0d1
    comparedTo: { source: { repoURL: https://github.com/acme/deploy.git, path: ranker, targetRevision: main } }
  health: { status: Healthy }
  operationState:
    operation: { sync: { revision: 2c4e0d1 }, initiatedBy: { automated: true } }
    phase: Succeeded
    message: successfully synced (all tasks run)
    startedAt: "2026-12-03T10:00:00Z"
    finishedAt: "2026-12-03T10:00:05Z"
  history:
    - id: 1
      revision: 9a1b2c3
      deployedAt: "2026-12-01T09:00:00Z"
      deployStartedAt: "2026-12-01T08:59:58Z"
      source: { repoURL: https://github.com/acme/deploy.git, path: ranker, targetRevision: main }
      initiatedBy: { username: alice }
    - id: 2
      revision: 2c4e0d1
      deployedAt: "2026-12-03T10:00:05Z"
      source: { repoURL: https://github.com/acme/deploy.git, path: ranker, targetRevision: main }
      initiatedBy: { automated: true }
`;
const app = (): ApplicationObject => parse(APP_YAML) as ApplicationObject;
const manual = (): ApplicationObject => {
  const a = app() as { spec: { syncPolicy: Record<string, unknown> } };
  delete a.spec.syncPolicy.automated;
  return a as ApplicationObject;
};

const APPS: ResourceRef = { group: 'argoproj.io', version: 'v1alpha1', resource: 'applications' };
const PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/ranker';

let sent: SentRequest[];
let routes: Record<string, KubeRoute>;
beforeEach(() => void ({ sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest))));

function service(served = true) {
  const audited: { intent?: AuditIntent; outcome?: Outcome; failed?: unknown } = {};
  const argoCd = createArgoCd({
    access: {
      config: async () => ({}) as KubeConfig,
      resolve: async (_id, ref) => {
        if (!served || ref.resource !== APPS.resource) throw new AppError('NOT_FOUND', 'not served');
        return { name: 'applications', namespaced: true, kind: 'Application', verbs: ['get', 'patch'], group: 'argoproj.io', version: 'v1alpha1' } as never;
      },
    },
    connections: { list: () => [{ id: 'c1', name: 'prod', kind: 'kubernetes' }] as never },
    audit: {
      async record(intent, act, describe) {
        audited.intent = intent;
        try {
          const value = await act();
          audited.outcome = describe?.(value);
          return value;
        } catch (err) {
          audited.failed = err;
          throw err;
        }
      },
    },
  });
  return { argoCd, audited };
}

describe('reading an Argo CD Application', () => {
  it('shows sources, sync, health, self-heal, the last operation and the history newest first', () => {
    const shown = ArgoCdApplication.parse(shownApplication(app()));
    expect(shown).toMatchObject({
      namespace: 'argocd',
      name: 'ranker',
      project: 'default',
      sources: [{ repoURL: 'https://github.com/acme/deploy.git', path: 'ranker', targetRevision: 'main' }],
      sync: { status: 'Synced', revision: '2c4e0d1' },
      health: 'Healthy',
      automated: { prune: true, selfHeal: true },
      operationState: { phase: 'Succeeded', message: 'successfully synced (all tasks run)', startedAt: '2026-12-03T10:00:00Z', finishedAt: '2026-12-03T10:00:05Z' },
      resourceVersion: '4711',
    });
    expect(shown.pendingOperation).toBeUndefined();
    expect(shown.history.map((h) => [h.id, h.revision, h.initiatedBy, h.automated])).toEqual([
      [2, '2c4e0d1', undefined, true],
      [1, '9a1b2c3', 'alice', false],
    ]);
  });

  it('reads automated sync switched off by enabled: false, and self-heal off when not set', () => {
    const a = app() as { spec: { syncPolicy: { automated: Record<string, unknown> } } };
    a.spec.syncPolicy.automated = { prune: false };
    expect(shownApplication(a as ApplicationObject).automated).toEqual({ prune: false, selfHeal: false });
    a.spec.syncPolicy.automated = { enabled: false, selfHeal: true };
    expect(shownApplication(a as ApplicationObject).automated).toBeUndefined();
  });

  it('leaves out malformed fields rather than failing, and bounds long strings', () => {
    const hostile: ApplicationObject = {
      metadata: { name: 'x', namespace: 'argocd', resourceVersion: 7 },
      spec: { source: 'nope', syncPolicy: { automated: 'yes' } },
      status: { sync: { status: 5 }, health: null, operationState: { phase: ['Running'] }, history: [null, { id: 'abc', revision: 'r'.repeat(5000), revisions: [1, 'b'] }, { id: -4 }, { id: 1e300 }] },
      operation: { sync: 'weird' },
    };
    const shown = ArgoCdApplication.parse(shownApplication(hostile));
    expect(shown).toMatchObject({ sources: [], sync: { status: 'Unknown' }, health: 'Unknown', automated: { prune: false, selfHeal: false }, pendingOperation: {}, resourceVersion: '' });
    expect(shown.operationState).toBeUndefined();
    expect(shown.history.map((h) => h.id)).toEqual([Number.MAX_SAFE_INTEGER, 0, 0, 0]);
    expect(shown.history.find((h) => h.revision)?.revision).toHaveLength(1024);
    expect(shown.history.find((h) => h.revisions.length)?.revisions).toEqual(['b']);
  });

  it('says when the cluster does not serve Applications', async () => {
    await expect(service(false).argoCd.application({ connectionId: 'c1', namespace: 'argocd', name: 'ranker' })).resolves.toEqual({ available: false });
    expect(sent).toEqual([]);
  });

  it('finds the Application of a tracking id, in another namespace when apps-in-any-namespace names it <ns>_<app>', () => {
    expect(argoCdApplicationOf('ranker')).toEqual({ namespace: 'argocd', name: 'ranker' });
    expect(argoCdApplicationOf('team-a_ranker')).toEqual({ namespace: 'team-a', name: 'ranker' });
  });
});

describe('syncing an Application to a revision', () => {
  it('sets the operation the API server sets for argocd app sync --revision, held to the resourceVersion, and audits it', async () => {
    const { argoCd, audited } = service();
    routes[`GET ${PATH}`] = () => ({ status: 200, body: manual() });
    routes[`PATCH ${PATH}`] = () => ({ status: 200, body: { metadata: { resourceVersion: '4712' } } });
    await expect(argoCd.sync({ connectionId: 'c1', namespace: 'argocd', name: 'ranker', revision: '9a1b2c3', ifResourceVersion: '4711' }, 'dana')).resolves.toEqual({ revision: '9a1b2c3', resourceVersion: '4712' });
    const patch = sent.find((r) => r.method === 'PATCH')!.body;
    expect(patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '4711' },
      {
        op: 'add',
        path: '/operation',
        value: {
          sync: { source: { repoURL: 'https://github.com/acme/deploy.git', path: 'ranker', targetRevision: 'main' }, revision: '9a1b2c3', syncStrategy: { hook: {} }, syncOptions: ['CreateNamespace=true'] },
          initiatedBy: { username: 'dana' },
          retry: { limit: 2 },
        },
      },
      { op: 'remove', path: '/status/operationState' },
    ]);
    expect(audited.intent).toMatchObject({ actor: 'dana', action: 'rollouts.argoCdSync', target: 'prod/argocd/applications/ranker', before: 'Synced at 2c4e0d1, Healthy' });
    expect(audited.outcome).toEqual({ after: 'sync to 9a1b2c3 requested from Argo CD (was 2c4e0d1); its controller performs it' });
  });

  it('leaves out what the spec does not set (no retry, no sync options, no operationState to clear)', () => {
    expect(syncOperation({ spec: { source: { repoURL: 'r' } } }, 'v1', 'u')).toEqual({ sync: { source: { repoURL: 'r' }, revision: 'v1', syncStrategy: { hook: {} } }, initiatedBy: { username: 'u' } });
  });

  it('refuses with CONFLICT when a sync is already requested, an operation runs, it is being deleted, or it changed since shown', async () => {
    const { argoCd, audited } = service();
    const params = { connectionId: 'c1', namespace: 'argocd', name: 'ranker', revision: '9a1b2c3' };
    routes[`GET ${PATH}`] = () => ({ status: 200, body: { ...manual(), operation: { sync: { revision: 'abc' }, initiatedBy: { username: 'bob' } } } });
    await expect(argoCd.sync(params, 'dana')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('a sync to abc is already requested by bob') });
    const running = manual() as { status: { operationState: { phase: string } } };
    running.status.operationState.phase = 'Running';
    routes[`GET ${PATH}`] = () => ({ status: 200, body: running });
    await expect(argoCd.sync(params, 'dana')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('an operation is Running') });
    const deleting = manual() as { metadata: Record<string, unknown> };
    deleting.metadata.deletionTimestamp = '2026-12-04T06:00:00Z';
    routes[`GET ${PATH}`] = () => ({ status: 200, body: deleting });
    await expect(argoCd.sync(params, 'dana')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is being deleted') });
    routes[`GET ${PATH}`] = () => ({ status: 200, body: manual() });
    await expect(argoCd.sync({ ...params, ifResourceVersion: '4700' }, 'dana')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('changed since you looked') });
    expect(sent.some((r) => r.method === 'PATCH')).toBe(false);
    expect(audited.failed).toBeInstanceOf(AppError);
  });

  it('is CONFLICT when the resourceVersion test fails on the patch (changed meanwhile)', async () => {
    const { argoCd } = service();
    let reads = 0;
    routes[`GET ${PATH}`] = () => ({ status: 200, body: reads++ === 0 ? manual() : { ...manual(), metadata: { name: 'ranker', namespace: 'argocd', resourceVersion: '4800' } } });
    routes[`PATCH ${PATH}`] = () => ({ status: 422, body: { kind: 'Status', code: 422 } });
    await expect(argoCd.sync({ connectionId: 'c1', namespace: 'argocd', name: 'ranker', revision: '9a1b2c3' }, 'dana')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses as Argo CD does a revision other than the one automated sync tracks, and multi-source Applications', async () => {
    const { argoCd } = service();
    const params = { connectionId: 'c1', namespace: 'argocd', name: 'ranker', revision: '9a1b2c3' };
    routes[`GET ${PATH}`] = () => ({ status: 200, body: app() });
    await expect(argoCd.sync(params, 'dana')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('automated sync is on and tracks main') });
    routes[`PATCH ${PATH}`] = () => ({ status: 200, body: { metadata: { resourceVersion: '4712' } } });
    await expect(argoCd.sync({ ...params, revision: 'main' }, 'dana')).resolves.toMatchObject({ revision: 'main' });
    const multi = manual() as { spec: Record<string, unknown> };
    multi.spec.sources = [{ repoURL: 'a' }, { repoURL: 'b' }];
    delete multi.spec.source;
    routes[`GET ${PATH}`] = () => ({ status: 200, body: multi });
    await expect(argoCd.sync(params, 'dana')).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('several sources') });
  });

  it('says the cluster does not serve Applications', async () => {
    await expect(service(false).argoCd.sync({ connectionId: 'c1', namespace: 'argocd', name: 'ranker', revision: 'x' }, 'dana')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('prod does not serve Argo CD') });
  });
});
