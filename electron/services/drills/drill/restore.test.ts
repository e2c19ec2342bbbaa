import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../../shared/result';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model/kubeObject';
import { scriptKubeRequest } from '../../../../test/support/scriptedKube';
import type { ArchivedObject, VerifiedArchive } from '../archive/archiveTypes';
import type { CreatedRef } from './drillObjects';
import { namespaceBody, restoreArchive, restoreBody, RestoreStopped, selectNamespace } from './restore';

vi.mock('../../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }));

const kc = new KubeConfig();

/** An archive entry for `object`, as the backup writes one. */
function item(group: string, resource: string, object: KubeObject, order: number): { entry: ArchivedObject; object: KubeObject } {
  const apiVersion = String(object.apiVersion);
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return {
    entry: { path: `objects/${namespace ?? '_cluster'}/${group || 'core'}/${resource}/${name}.yaml`, apiVersion, kind: String(object.kind), group, resource, ...(namespace ? { namespace } : {}), name, sha256: 'x', bytes: 1, encrypted: false, order },
    object,
  };
}

const crd = (plural: string, group: string) =>
  item('apiextensions.k8s.io', 'customresourcedefinitions', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.${group}` }, spec: { group, names: { plural, kind: 'Widget' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }] } }, 0);

function archiveOf(objects: ReturnType<typeof item>[]): VerifiedArchive {
  return {
    manifest: { format: 'pilothouse.backup/v1', id: 'b1', name: 'pilothouse-team-a-x', takenAt: '2026-12-04T10:00:00Z', finishedAt: '2026-12-04T10:00:05Z', source: { connectionName: 'prod' }, namespaces: ['team-a', 'team-b'], counts: [], skipped: [], objects: objects.map((o) => o.entry) },
    manifestSha256: 'm',
    objects,
  };
}

const teamA = archiveOf([
  crd('widgets', 'example.com'),
  crd('gadgets', 'example.com'),
  item('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a', 'kubernetes.io/metadata.name': 'team-a' } } }, 1),
  item('', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } }, 1),
  item('', 'serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'team-a' } }, 2),
  item(
    'rbac.authorization.k8s.io',
    'rolebindings',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'app', namespace: 'team-a' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'app' },
      subjects: [
        { kind: 'ServiceAccount', name: 'app', namespace: 'team-a' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'ci' },
        { kind: 'User', name: 'ana', apiGroup: 'rbac.authorization.k8s.io' },
      ],
    },
    2,
  ),
  item('', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team-a', uid: 'u-old', resourceVersion: '12' }, data: { upstream: 'http://api.team-a.svc:8080' } }, 3),
  item('', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'team-a' }, data: { 'ca.crt': 'x' } }, 3),
  item('', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'team-b' } }, 3),
  item('example.com', 'widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'team-a' } }, 9),
]);

describe('restoreBody: the namespace rewrite', () => {
  it('moves the object to the target namespace and drops what the server set', () => {
    const body = restoreBody(teamA.objects[6].entry, teamA.objects[6].object, 'team-a', 'drill-a');
    expect(body.metadata).toEqual({ name: 'settings', namespace: 'drill-a' });
    // Other fields that name the source namespace are data, left as they are.
    expect(body.data).toEqual({ upstream: 'http://api.team-a.svc:8080' });
  });

  it("moves a RoleBinding's ServiceAccount subjects of the source namespace, and only those", () => {
    const body = restoreBody(teamA.objects[5].entry, teamA.objects[5].object, 'team-a', 'drill-a') as KubeObject & { subjects: unknown[] };
    expect(body.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'app', namespace: 'drill-a' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'ci' },
      { kind: 'User', name: 'ana', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
  });

  it("drops what held only on the source: a Service's IPs and node ports, a PVC's volume, a Job's generated selector, owners and finalizers", () => {
    const svc = restoreBody(
      { group: '', resource: 'services' },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'team-a', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }] }, spec: { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ port: 80, nodePort: 30080 }] } },
      'team-a',
      'drill-a',
    );
    expect(svc).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'drill-a' }, spec: { ports: [{ port: 80 }] } });
    expect(restoreBody({ group: '', resource: 'services' }, { kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None' } }, 'team-a', 'drill-a').spec).toEqual({ clusterIP: 'None' });
    const pvc = restoreBody({ group: '', resource: 'persistentvolumeclaims' }, { kind: 'PersistentVolumeClaim', metadata: { name: 'd', annotations: { 'pv.kubernetes.io/bind-completed': 'yes', keep: 'me' } }, spec: { volumeName: 'pv-1' } }, 'team-a', 'drill-a');
    expect(pvc).toEqual({ kind: 'PersistentVolumeClaim', metadata: { name: 'd', namespace: 'drill-a', annotations: { keep: 'me' } }, spec: {} });
    const job = restoreBody(
      { group: 'batch', resource: 'jobs' },
      { kind: 'Job', metadata: { name: 'j', finalizers: ['batch.kubernetes.io/job-tracking'] } as KubeObject['metadata'], spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, template: { metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'u', 'job-name': 'j' } } } } },
      'team-a',
      'drill-a',
    );
    expect(job).toEqual({ kind: 'Job', metadata: { name: 'j', namespace: 'drill-a' }, spec: { template: { metadata: { labels: { 'job-name': 'j' } } } } });
  });

  it('names the Namespace after the target, keeps its labels and adds the drill label', () => {
    expect(namespaceBody(teamA.objects[2].object, 'drill-a', 'd1')).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'drill-a', labels: { team: 'a', 'pilothouse.dev/drill': 'd1' } } });
  });
});

describe('selectNamespace', () => {
  it("takes the namespace's objects and the CRDs they need, not another namespace's or an unused CRD", () => {
    const picked = selectNamespace(teamA, 'team-a');
    expect(picked.objects.map((o) => o.entry.name)).toEqual(['app', 'app', 'settings', 'kube-root-ca.crt', 'w']);
    expect(picked.crds.map((o) => o.entry.name)).toEqual(['widgets.example.com']);
    expect(picked.namespaceObject?.metadata?.name).toBe('team-a');
  });
});

describe('restoreArchive', () => {
  const served = {
    'GET /api/v1': () => ({ status: 200, body: { resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap' }, { name: 'serviceaccounts', namespaced: true, kind: 'ServiceAccount' }] } }),
    'GET /apis/rbac.authorization.k8s.io/v1': () => ({ status: 200, body: { resources: [{ name: 'rolebindings', namespaced: true, kind: 'RoleBinding' }] } }),
    'GET /apis/example.com/v1': () => ({ status: 404, body: {} }),
  };
  const created201 = (body: unknown) => ({ status: 201, body: { ...(body as object), metadata: { ...(body as KubeObject).metadata, uid: `uid-${(body as KubeObject).metadata?.name}` } } });

  function script() {
    const { sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    Object.assign(routes, served);
    routes['GET /api/v1/namespaces/drill-a'] = () => ({ status: 404 });
    routes['GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'] = () => ({ status: 200, body: {} });
    routes['POST /api/v1/namespaces'] = created201;
    routes['POST /api/v1/namespaces/drill-a/serviceaccounts'] = () => ({ status: 409, body: { kind: 'Status', reason: 'AlreadyExists' } });
    routes['POST /apis/rbac.authorization.k8s.io/v1/namespaces/drill-a/rolebindings'] = created201;
    routes['POST /api/v1/namespaces/drill-a/configmaps'] = created201;
    return { sent, routes };
  }

  it('creates the namespace then each object in order, reporting each as it is created; existing ones are reported, not overwritten', async () => {
    const { sent } = script();
    const reported: CreatedRef[] = [];
    const result = await restoreArchive(kc, teamA, { sourceNamespace: 'team-a', targetNamespace: 'drill-a', drillId: 'd1', allowExistingNamespace: false, onCreated: (r) => reported.push(r) });
    expect(reported.map((r) => `${r.kind} ${r.namespace ?? ''}/${r.name} ${r.uid}`)).toEqual(['Namespace /drill-a uid-drill-a', 'RoleBinding drill-a/app uid-app', 'ConfigMap drill-a/settings uid-settings']);
    expect(result.created).toEqual(reported);
    expect(result).toMatchObject({
      namespaceCreated: true,
      existing: ['ServiceAccount drill-a/app'],
      crdsPresent: ['widgets.example.com'],
      leftToCluster: [{ object: 'ConfigMap drill-a/kube-root-ca.crt', reason: 'the cluster puts it in every namespace' }],
      failed: [{ object: 'Widget drill-a/w', message: expect.stringContaining('does not serve widgets.example.com') }],
    });
    // Nothing is ever written with PUT, PATCH or DELETE: a create never overwrites.
    expect(sent.filter((r) => r.method !== 'GET' && r.method !== 'POST')).toEqual([]);
    expect(sent.find((r) => r.path === '/api/v1/namespaces' && r.method === 'POST')?.body).toMatchObject({ metadata: { name: 'drill-a', labels: { 'pilothouse.dev/drill': 'd1' } } });
  });

  it("gives the cluster's default ServiceAccount the pull secrets the backed-up one named, patching that field only", async () => {
    const { sent, routes } = script();
    const withDefault = archiveOf([
      ...teamA.objects.filter((o) => o.entry.resource === 'namespaces'),
      item('', 'serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team-a' }, imagePullSecrets: [{ name: 'registry' }] }, 2),
    ]);
    routes['PATCH /api/v1/namespaces/drill-a/serviceaccounts/default'] = () => ({ status: 200 });
    const result = await restoreArchive(kc, withDefault, { sourceNamespace: 'team-a', targetNamespace: 'drill-a', drillId: 'd1', allowExistingNamespace: false, onCreated: () => undefined });
    expect(sent.find((r) => r.method === 'PATCH')).toEqual({ method: 'PATCH', path: '/api/v1/namespaces/drill-a/serviceaccounts/default', body: { imagePullSecrets: [{ name: 'registry' }] } });
    expect(result.existing).toEqual([]);
    expect(result.failed).toEqual([]);
  });

  it('refuses a target namespace that exists, before writing anything, unless allowed', async () => {
    const { sent, routes } = script();
    routes['GET /api/v1/namespaces/drill-a'] = () => ({ status: 200, body: { metadata: { name: 'drill-a' } } });
    const restore = (allow: boolean) => restoreArchive(kc, teamA, { sourceNamespace: 'team-a', targetNamespace: 'drill-a', drillId: 'd1', allowExistingNamespace: allow, onCreated: () => undefined });
    await expect(restore(false)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Namespace drill-a exists on the target cluster') });
    expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
    const allowed = await restore(true);
    expect(allowed.namespaceCreated).toBe(false);
    expect(allowed.created.map((r) => r.kind)).toEqual(['RoleBinding', 'ConfigMap']);
  });

  it('creates a CRD the target lacks and waits until it is established before its objects', async () => {
    const { sent, routes } = script();
    routes['GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'] = () => ({ status: 404 });
    routes['POST /apis/apiextensions.k8s.io/v1/customresourcedefinitions'] = created201;
    let looks = 0;
    routes['GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'] = () =>
      looks++ === 0 ? { status: 404 } : { status: 200, body: { status: { conditions: [{ type: 'Established', status: looks > 2 ? 'True' : 'False' }] } } };
    routes['GET /apis/example.com/v1'] = () => ({ status: 200, body: { resources: [{ name: 'widgets', namespaced: true, kind: 'Widget' }] } });
    routes['POST /apis/example.com/v1/namespaces/drill-a/widgets'] = created201;
    const result = await restoreArchive(kc, teamA, { sourceNamespace: 'team-a', targetNamespace: 'drill-a', drillId: 'd1', allowExistingNamespace: false, onCreated: () => undefined });
    expect(result.created.map((r) => r.kind)).toEqual(['CustomResourceDefinition', 'Namespace', 'RoleBinding', 'ConfigMap', 'Widget']);
    expect(result.failed).toEqual([]);
    const order = sent.map((r) => `${r.method} ${r.path}`);
    expect(order.lastIndexOf('GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).toBeLessThan(order.indexOf('POST /api/v1/namespaces'));
  });

  it('stops when the apiserver goes away, saying where, with what was created so far', async () => {
    const { routes } = script();
    routes['POST /api/v1/namespaces/drill-a/configmaps'] = () => {
      throw new AppError('UNREACHABLE', 'https://10.0.0.1:6443 refused the connection: is the apiserver running and the address right?');
    };
    const reported: CreatedRef[] = [];
    const err = await restoreArchive(kc, teamA, { sourceNamespace: 'team-a', targetNamespace: 'drill-a', drillId: 'd1', allowExistingNamespace: false, onCreated: (r) => reported.push(r) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreStopped);
    expect((err as RestoreStopped).message).toMatch(/^The restore stopped at ConfigMap drill-a\/settings, after creating 2 objects: .*refused the connection/);
    expect((err as RestoreStopped).created.map((r) => r.name)).toEqual(['drill-a', 'app']);
    expect(reported).toEqual((err as RestoreStopped).created);
  });

  it('stops between objects on a cancel, with the reason the signal carries', async () => {
    script();
    const stop = new AbortController();
    const reported: CreatedRef[] = [];
    const err = await restoreArchive(kc, teamA, {
      sourceNamespace: 'team-a',
      targetNamespace: 'drill-a',
      drillId: 'd1',
      allowExistingNamespace: false,
      signal: stop.signal,
      onCreated: (r) => {
        reported.push(r);
        if (r.kind === 'RoleBinding') stop.abort(new Error('Cancelled by ana'));
      },
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('Cancelled by ana');
    expect(reported.map((r) => r.kind)).toEqual(['Namespace', 'RoleBinding']);
  });

  it('refuses an archive without the namespace', async () => {
    script();
    await expect(restoreArchive(kc, teamA, { sourceNamespace: 'nope', targetNamespace: 'drill-a', drillId: 'd1', allowExistingNamespace: false, onCreated: () => undefined })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'The archive holds nothing of namespace nope (it has team-a, team-b)',
    });
  });

  it("keeps the server's words out of a refused Secret's line: they may quote its values", async () => {
    const { routes } = script();
    routes['GET /api/v1'] = () => ({ status: 200, body: { resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap' }, { name: 'serviceaccounts', namespaced: true, kind: 'ServiceAccount' }, { name: 'secrets', namespaced: true, kind: 'Secret' }] } });
    const withSecret = archiveOf([...teamA.objects, item('', 'secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'team-a' }, data: { password: 'aHVudGVyMg==' } }, 3)]);
    routes['POST /api/v1/namespaces/drill-a/secrets'] = () => ({
      status: 403,
      body: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'admission webhook "guard" denied the request: Secret data.password "hunter2" is a known password' },
    });
    const result = await restoreArchive(kc, withSecret, { sourceNamespace: 'team-a', targetNamespace: 'drill-a', drillId: 'd1', allowExistingNamespace: false, onCreated: () => undefined });
    const refused = result.failed.find((f) => f.object === 'Secret drill-a/db');
    expect(refused?.message).toMatch(/^No access \(403\) while creating Secret drill-a\/db: the server's message is not shown, as it may quote the Secret's values$/);
    expect(refused?.message).not.toContain('hunter2');
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});
