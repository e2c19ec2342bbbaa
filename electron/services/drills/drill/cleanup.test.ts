import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../../shared/result';
import { kubeRequest } from '../../kube/client/kubeHttp';
import { scriptKubeRequest } from '../../../../test/support/scriptedKube';
import { cleanupDrill } from './cleanup';
import type { CreatedRef } from './drillObjects';

vi.mock('../../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }));

const kc = new KubeConfig();

/** A drill's created list as the store persisted it (JSON), read back. */
const persisted = (refs: CreatedRef[]): CreatedRef[] => JSON.parse(JSON.stringify(refs)) as CreatedRef[];

const NS: CreatedRef = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', name: 'drill-a', uid: 'ns-uid' };
const CM: CreatedRef = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespace: 'drill-a', name: 'settings', uid: 'cm-uid' };
const DEPLOY: CreatedRef = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespace: 'drill-a', name: 'web', uid: 'd-uid' };
const CRD: CreatedRef = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', name: 'widgets.example.com', uid: 'crd-uid' };
const crdObject = { metadata: { name: 'widgets.example.com', uid: 'crd-uid' }, spec: { group: 'example.com', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true }] } };

describe('cleanupDrill from a persisted list', () => {
  it('deletes the namespace the drill created (foreground, its uid as precondition), waits until it is gone, then the unused CRD', async () => {
    const { sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    let nsLooks = 0;
    routes['DELETE /api/v1/namespaces/drill-a'] = () => ({ status: 200, body: {} });
    routes['GET /api/v1/namespaces/drill-a'] = () =>
      nsLooks++ < 2 ? { status: 200, body: { metadata: { name: 'drill-a', uid: 'ns-uid' }, status: { conditions: [{ type: 'NamespaceContentRemaining', status: 'True', message: 'Some resources are remaining: pods. has 2 resource instances' }] } } } : { status: 404 };
    let crdGone = false;
    routes['GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'] = () => (crdGone ? { status: 404 } : { status: 200, body: crdObject });
    routes['GET /apis/example.com/v1/widgets'] = () => ({ status: 200, body: { items: [] } });
    routes['DELETE /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'] = () => {
      crdGone = true;
      return { status: 200, body: {} };
    };
    const progress: string[] = [];
    const result = await cleanupDrill(kc, persisted([CRD, NS, CM, DEPLOY]), { intervalMs: 1, onProgress: (_d, _t, m) => progress.push(m) });

    expect(result.left).toEqual([]);
    expect(result.removed.map((r) => r.name).sort()).toEqual(['drill-a', 'settings', 'web', 'widgets.example.com']);
    expect(result.summary).toBe('Removed all 4 created objects');
    // The namespace takes its objects with it: they are never deleted one by one.
    expect(sent.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/api/v1/namespaces/drill-a', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com']);
    expect(sent.find((r) => r.method === 'DELETE')?.body).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', preconditions: { uid: 'ns-uid' } });
    expect(progress).toContain('Waiting for Namespace drill-a to go: Some resources are remaining: pods. has 2 resource instances');
  });

  it('deletes each object when the namespace was there before the drill, and counts 404 and a namesake as gone', async () => {
    const { sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    routes['DELETE /api/v1/namespaces/drill-a/configmaps/settings'] = () => ({ status: 404 });
    // Someone made another "web" since: the uid precondition fails, and ours is gone.
    routes['DELETE /apis/apps/v1/namespaces/drill-a/deployments/web'] = () => ({ status: 409, body: { kind: 'Status', reason: 'Conflict' } });
    const result = await cleanupDrill(kc, persisted([CM, DEPLOY]), { intervalMs: 1 });
    expect(result).toMatchObject({ left: [], summary: 'Removed all 2 created objects' });
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /apis/apps/v1/namespaces/drill-a/deployments/web', 'DELETE /api/v1/namespaces/drill-a/configmaps/settings']);
  });

  it('leaves a CRD whose objects remain in another namespace, and says so', async () => {
    const { sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    routes['GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'] = () => ({ status: 200, body: crdObject });
    routes['GET /apis/example.com/v1/widgets'] = () => ({ status: 200, body: { items: [{ metadata: { name: 'w', namespace: 'team-b' } }] } });
    const result = await cleanupDrill(kc, persisted([CRD]), { intervalMs: 1 });
    expect(result.left).toEqual([{ ref: CRD, reason: 'Widget objects remain (team-b/w)' }]);
    expect(sent.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('reports what did not go in time, and is harmless to run again once it has', async () => {
    const { routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    let stuck = true;
    routes['DELETE /api/v1/namespaces/drill-a'] = () => (stuck ? { status: 200, body: {} } : { status: 404 });
    routes['GET /api/v1/namespaces/drill-a'] = () => (stuck ? { status: 200, body: { metadata: { uid: 'ns-uid' }, status: { conditions: [{ type: 'NamespaceFinalizersRemaining', status: 'True', message: 'Some content has finalizers: example.com/hold' }] } } } : { status: 404 });
    const first = await cleanupDrill(kc, persisted([NS, CM]), { intervalMs: 5, timeoutMs: 20 });
    expect(first.left.map((l) => l.ref.name)).toEqual(['drill-a', 'settings']);
    expect(first.left[0].reason).toMatch(/^still there after 0 s: Some content has finalizers: example.com\/hold$/);
    expect(first.left[1].reason).toBe('its namespace drill-a is still there');
    expect(first.summary).toMatch(/^Removed 0 of 2 created objects; 2 left: Namespace drill-a/);

    stuck = false;
    const again = await cleanupDrill(kc, persisted([NS, CM]), { intervalMs: 5 });
    expect(again).toMatchObject({ left: [], summary: 'Removed all 2 created objects' });
  });

  it('deletes a namespace listed first by name and then with its uid (a Velero drill) by its uid only, so a namesake made since is spared', async () => {
    const { sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    // The drill's namespace went, and someone made another of that name.
    routes['DELETE /api/v1/namespaces/drill-a'] = () => ({ status: 409, body: { kind: 'Status', reason: 'Conflict' } });
    const { uid: _uid, ...byName } = NS;
    const result = await cleanupDrill(kc, persisted([byName, NS]), { intervalMs: 1 });
    expect(result).toMatchObject({ left: [], summary: 'Removed all 1 created object' });
    const deletes = sent.filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(1);
    expect(deletes[0].body).toMatchObject({ preconditions: { uid: 'ns-uid' } });
  });

  it('stops trying once the apiserver does not answer, leaving the rest for a later cleanup rather than waiting on each in turn', async () => {
    const { sent } = scriptKubeRequest(vi.mocked(kubeRequest));
    vi.mocked(kubeRequest).mockImplementation(async (_kc, path, options = {}) => {
      sent.push({ method: options.method ?? 'GET', path });
      throw new AppError('TIMEOUT', 'The apiserver did not answer within 30 s');
    });
    const result = await cleanupDrill(kc, persisted([CM, DEPLOY, { ...CM, name: 'other', uid: 'o-uid' }]), { intervalMs: 1 });
    expect(sent).toHaveLength(1);
    expect(result.removed).toEqual([]);
    expect(result.left.map((l) => l.ref.name)).toEqual(['other', 'web', 'settings']);
    expect(result.left[1].reason).toBe('not tried: the apiserver did not answer (The apiserver did not answer within 30 s)');
  });

  it("waits for a Velero Restore still at work before deleting the namespace it restores into (Velero would make it again), then deletes the Restore", async () => {
    const { sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    const RESTORE: CreatedRef = { group: 'velero.io', version: 'v1', resource: 'restores', kind: 'Restore', namespace: 'velero', name: 'drill-a-x1', uid: 'r-uid' };
    const { uid: _uid, ...byName } = NS;
    let reads = 0;
    let restoreGone = false;
    routes['GET /apis/velero.io/v1/namespaces/velero/restores/drill-a-x1'] = () =>
      restoreGone ? { status: 404 } : { status: 200, body: { metadata: { name: 'drill-a-x1', uid: 'r-uid' }, status: { phase: reads++ < 2 ? 'InProgress' : 'Completed' } } };
    routes['DELETE /apis/velero.io/v1/namespaces/velero/restores/drill-a-x1'] = () => {
      restoreGone = true;
      return { status: 200, body: {} };
    };
    let readsBeforeNamespaceDelete = 0;
    routes['DELETE /api/v1/namespaces/drill-a'] = () => {
      readsBeforeNamespaceDelete = reads;
      return { status: 404 };
    };
    const result = await cleanupDrill(kc, persisted([RESTORE, byName]), { intervalMs: 1 });
    expect(result).toMatchObject({ left: [], summary: 'Removed all 2 created objects' });
    // Read InProgress twice, then Completed: only then is the namespace deleted.
    expect(readsBeforeNamespaceDelete).toBe(3);
    expect(sent.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/api/v1/namespaces/drill-a', '/apis/velero.io/v1/namespaces/velero/restores/drill-a-x1']);
  });
});
