import { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiResource } from '../../../shared/contract';
import { scriptKubeRequest } from '../../../test/support/scriptedKube';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { kubeRequest } from '../kube/client/kubeHttp';
import { applyDocument, diffSpec, dryRunSpec, editableObject, planAfterCrd, planSpec } from './serverApply';

vi.mock('../kube/client/kubeHttp', async (original) => ({ ...(await original<typeof import('../kube/client/kubeHttp')>()), kubeRequest: vi.fn() }));

const DEPLOYMENTS: ApiResource = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['get', 'patch'], builtin: true };
const NAMESPACES: ApiResource = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'patch'], builtin: true };
const JOBS: ApiResource = { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true, verbs: ['create'], builtin: true };
const SECRETS: ApiResource = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true, verbs: ['get', 'patch'], builtin: true };
const CRDS: ApiResource = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, verbs: ['get', 'patch'], builtin: true };
const WIDGETS: ApiResource = { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true, verbs: ['get', 'patch'], builtin: false };
const SERVED = [DEPLOYMENTS, NAMESPACES, JOBS, SECRETS, CRDS];

function kubeConfig(namespace?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) }],
    currentContext: 'x',
  });
  return kc;
}

function fakeAccess(kc = kubeConfig(), served = SERVED): KubeAccess {
  return {
    config: () => Promise.resolve(kc),
    discover: () => Promise.reject(new Error('not used')),
    resolve: (_id, ref) => {
      const api = SERVED.find((r) => r.group === ref.group && r.resource === ref.resource);
      return api ? Promise.resolve({ ...api, version: ref.version }) : Promise.reject(new Error('not served'));
    },
    resourceOfKind: (_id, apiVersion, kind) => {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
      const api = served.find((r) => r.group === group && r.kind === kind);
      return Promise.resolve(api && { ...api, version });
    },
    forget: () => {},
    replaced: () => {},
  };
}

const WEB = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n';
const WEB_PATH = '/apis/apps/v1/namespaces/team-a/deployments/web';
const live = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team-a', uid: 'u1', resourceVersion: '7', generation: 2, managedFields: [{ manager: 'kubectl' }] },
  spec: { replicas },
  status: { replicas },
});

let script: ReturnType<typeof scriptKubeRequest>;
beforeEach(() => {
  script = scriptKubeRequest(vi.mocked(kubeRequest));
});

describe('planSpec', () => {
  it('gives namespaced documents the target namespace, else the context\'s, else default', async () => {
    const target = { connectionId: 'c1', text: WEB };
    expect((await planSpec(fakeAccess(), { ...target, namespace: 'team-a' })).entries[0].planned?.objectUrl).toBe(WEB_PATH);
    expect((await planSpec(fakeAccess(kubeConfig('ml')), target)).entries[0].planned?.objectUrl).toBe('/apis/apps/v1/namespaces/ml/deployments/web');
    const plain = await planSpec(fakeAccess(), target);
    expect(plain.entries[0].planned).toMatchObject({ objectUrl: '/apis/apps/v1/namespaces/default/deployments/web', body: { metadata: { name: 'web', namespace: 'default' } } });
  });

  it('plans each item of a List (what kubectl get -o yaml writes) as a document', async () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ml\n';
    const plan = await planSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text });
    expect(plan.problems).toEqual([]);
    expect(plan.entries.map((e) => [e.ref.index, e.ref.line, e.planned?.objectUrl])).toEqual([
      [0, 4, WEB_PATH],
      [1, 8, '/api/v1/namespaces/ml'],
    ]);
  });

  it('refuses a kind the cluster does not serve on its line, and drops the namespace of a cluster-scoped kind with a warning on its line, as kubectl ignores it', async () => {
    const text = 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: w\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n  namespace: x\n';
    const plan = await planSpec(fakeAccess(), { connectionId: 'c1', text });
    expect(plan.entries.map((e) => e.problems)).toEqual([
      [{ line: 2, column: 1, field: 'kind', message: 'The cluster serves no kind Workflow in argoproj.io/v1alpha1', severity: 'error' }],
      [{ line: 10, column: 3, field: 'metadata.namespace', message: 'Namespace is cluster-scoped, so its metadata.namespace is ignored, as kubectl does; leave it out', severity: 'warning' }],
    ]);
    expect(plan.entries[1].planned).toMatchObject({ objectUrl: '/api/v1/namespaces/ml', body: { metadata: { name: 'ml' } } });
    expect(plan.entries[1].planned?.body.metadata).not.toHaveProperty('namespace');
    expect(plan.entries[1].ref).not.toHaveProperty('namespace');
  });
});

describe('a CRD and objects of its kind in one spec', () => {
  const CRD = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n  - {name: v1, served: true, storage: true}\n';
  const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';
  const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com';
  const established = (status: string) => ({ status: 200, body: { status: { conditions: [{ type: 'Established', status }] } } });

  it('plans the object to await its CRD, with a warning on its kind, and skips its dry run', async () => {
    const text = `${CRD}---\n${WIDGET}`;
    const plan = await planSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text });
    expect(plan.entries[1]).toMatchObject({ awaits: { crd: { index: 0, name: 'widgets.example.com' }, fallbackNamespace: 'team-a' } });
    expect(plan.entries[1].planned).toBeUndefined();
    script.routes[`GET ${CRD_PATH}`] = () => ({ status: 404 });
    script.routes[`PATCH ${CRD_PATH}`] = (body) => ({ status: 201, body });
    const result = await dryRunSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text });
    expect(result.documents.map((d) => [d.outcome, d.problems])).toEqual([
      ['create', []],
      ['create', [{ line: 13, column: 1, field: 'kind', message: 'Its CRD is created by document 1 of this spec; the server checks it once that exists', severity: 'warning' }]],
    ]);
    expect(script.sent.every((s) => s.path.startsWith(CRD_PATH))).toBe(true);
  });

  it('still refuses a kind no CRD of the spec serves: another version, another kind, or a CRD after it', async () => {
    for (const text of [`${CRD}---\n${WIDGET.replace('example.com/v1', 'example.com/v2')}`, `${CRD}---\n${WIDGET.replace('Widget', 'Gadget')}`, `${WIDGET}---\n${CRD}`]) {
      const plan = await planSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text });
      expect(plan.entries.flatMap((e) => e.problems.map((p) => p.message))).toEqual([expect.stringMatching(/^The cluster serves no kind/)]);
    }
  });

  it('plans the object once its CRD is established and served, and says so when it is not in time', async () => {
    const plan = await planSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text: `${CRD}---\n${WIDGET}` });
    const awaits = plan.entries[1].awaits!;
    let reads = 0;
    script.routes[`GET ${CRD_PATH}`] = () => established(++reads < 2 ? 'False' : 'True');
    const entry = await planAfterCrd(fakeAccess(kubeConfig(), [...SERVED, WIDGETS]), 'c1', awaits, { pollMs: 1 });
    expect(reads).toBe(2);
    expect(entry.planned).toMatchObject({ objectUrl: '/apis/example.com/v1/namespaces/team-a/widgets/w', body: { metadata: { name: 'w', namespace: 'team-a' } } });

    script.routes[`GET ${CRD_PATH}`] = () => established('True');
    await expect(planAfterCrd(fakeAccess(), 'c1', awaits, { pollMs: 1, timeoutMs: 20 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: 'CustomResourceDefinition widgets.example.com (document 1) is established but the cluster does not serve Widget in example.com/v1 after 0 s, so this Widget was not applied; check the CRD and apply the spec again',
    });
    const stop = new AbortController();
    stop.abort();
    await expect(planAfterCrd(fakeAccess(), 'c1', awaits, { signal: stop.signal })).rejects.toThrow();
  });
});

describe('dryRunSpec', () => {
  it('asks nothing of the server while the text has problems', async () => {
    const result = await dryRunSpec(fakeAccess(), { connectionId: 'c1', text: 'kind: [' });
    expect(result.documents).toEqual([]);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(script.sent).toEqual([]);
  });

  it('says create, change or unchanged from the live object and the server\'s dry-run answer', async () => {
    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: live(2) });
    script.routes[`PATCH ${WEB_PATH}`] = (body) => ({ status: 200, body: { ...live(2), spec: (body as { spec: unknown }).spec, metadata: { ...live(2).metadata, resourceVersion: '8' } } });
    const change = await dryRunSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text: WEB });
    expect(change.documents).toEqual([{ index: 0, line: 1, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'team-a', outcome: 'change', problems: [], conflicts: [] }]);
    expect(script.sent.map((s) => `${s.method} ${s.path}`)).toEqual([`GET ${WEB_PATH}`, `PATCH ${WEB_PATH}?fieldManager=pilothouse&fieldValidation=Strict&dryRun=All`]);

    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: live(3) });
    expect((await dryRunSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text: WEB })).documents[0].outcome).toBe('unchanged');
    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 404, body: { kind: 'Status', code: 404 } });
    expect((await dryRunSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text: WEB })).documents[0].outcome).toBe('create');
  });

  it('lists conflicts with their managers, on the conflicting field\'s line', async () => {
    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: live(2) });
    script.routes[`PATCH ${WEB_PATH}`] = () => ({
      status: 409,
      body: {
        kind: 'Status',
        code: 409,
        reason: 'Conflict',
        message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
        details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
      },
    });
    const [doc] = (await dryRunSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text: WEB })).documents;
    expect(doc.outcome).toBe('conflict');
    expect(doc.conflicts).toEqual([{ field: '.spec.replicas', manager: 'kubectl-client-side-apply', message: 'conflict with "kubectl-client-side-apply" using apps/v1' }]);
    expect(doc.problems).toEqual([
      { line: 6, column: 3, field: '.spec.replicas', message: '.spec.replicas is owned by field manager kubectl-client-side-apply with another value; apply with force to take it', severity: 'error' },
    ]);
  });

  it('dry-runs a generateName document as a create, and waits for a namespace the spec creates', async () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ci\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: run-\n  namespace: ci\n';
    script.routes['GET /api/v1/namespaces/ci'] = () => ({ status: 404 });
    script.routes['PATCH /api/v1/namespaces/ci'] = (body) => ({ status: 201, body });
    script.routes['POST /apis/batch/v1/namespaces/ci/jobs'] = () => ({ status: 404, body: { kind: 'Status', code: 404, message: 'namespaces "ci" not found', details: { name: 'ci', kind: 'namespaces' } } });
    const result = await dryRunSpec(fakeAccess(), { connectionId: 'c1', text });
    expect(result.documents.map((d) => [d.outcome, d.problems.map((p) => p.severity)])).toEqual([
      ['create', []],
      ['create', ['warning']],
    ]);
    expect(script.sent.find((s) => s.method === 'POST')?.path).toBe('/apis/batch/v1/namespaces/ci/jobs?fieldManager=pilothouse&fieldValidation=Strict&dryRun=All');
  });
  it('sends a cluster-scoped object without the namespace it names, its warning in the dry run', async () => {
    script.routes['GET /api/v1/namespaces/ml'] = () => ({ status: 404 });
    script.routes['PATCH /api/v1/namespaces/ml'] = (body) => ({ status: 201, body });
    const [doc] = (await dryRunSpec(fakeAccess(), { connectionId: 'c1', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n  namespace: team-a\n' })).documents;
    expect(doc).toMatchObject({ outcome: 'create', problems: [{ line: 5, severity: 'warning', field: 'metadata.namespace' }] });
    expect(script.sent.at(-1)?.body).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' } });
  });

  it('says a version of a kind the cluster does not serve is not served, on the apiVersion line', async () => {
    const path = '/apis/apps/v1beta1/namespaces/team-a/deployments/web';
    script.routes[`GET ${path}`] = () => ({ status: 404, body: { kind: 'Status', code: 404, message: 'the server could not find the requested resource', details: {} } });
    script.routes[`PATCH ${path}`] = script.routes[`GET ${path}`];
    const [doc] = (await dryRunSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text: WEB.replace('apps/v1', 'apps/v1beta1') })).documents;
    expect(doc).toMatchObject({ outcome: 'error', problems: [{ line: 1, field: 'apiVersion', message: 'The cluster serves no kind Deployment in apps/v1beta1' }] });
  });
});

describe('diffSpec', () => {
  it('shows the live object and the dry-run answer as YAML without server-set fields', async () => {
    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: live(2) });
    script.routes[`PATCH ${WEB_PATH}`] = () => ({ status: 200, body: live(3) });
    const { documents } = await diffSpec(fakeAccess(), { connectionId: 'c1', namespace: 'team-a', text: WEB });
    expect(documents[0].live).toBe('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: team-a\nspec:\n  replicas: 2\n');
    expect(documents[0].after).toContain('replicas: 3');
    expect(documents[0]).not.toHaveProperty('outcome');
  });
});

describe('applyDocument', () => {
  it('applies with force when chosen', async () => {
    const plan = await planSpec(fakeAccess(kubeConfig('team-a')), { connectionId: 'c1', text: WEB });
    script.routes[`PATCH ${WEB_PATH}`] = () => ({ status: 200, body: live(3) });
    expect(await applyDocument(plan.kc, plan.entries[0].planned!, { force: true })).toMatchObject({ ok: true });
    expect(script.sent[0]).toMatchObject({ method: 'PATCH', path: `${WEB_PATH}?fieldManager=pilothouse&fieldValidation=Strict&force=true` });
  });
});

describe('an object opened for editing', () => {
  const edited = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: team-a\n  resourceVersion: "7"\nspec:\n  replicas: 3\n';

  it('is sent as kubectl edit sends it: a merge patch of what changed, at the version opened', async () => {
    const plan = await planSpec(fakeAccess(), { connectionId: 'c1', text: edited });
    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: live(2) });
    script.routes[`PATCH ${WEB_PATH}`] = () => ({ status: 200, body: live(3) });
    expect(await applyDocument(plan.kc, plan.entries[0].planned!, { force: true })).toMatchObject({ ok: true });
    const patch = script.sent.find((r) => r.method === 'PATCH')!;
    // No force and no apply: only the changed field and the precondition travel, so no other field changes owner.
    expect(patch.path).toBe(`${WEB_PATH}?fieldManager=pilothouse&fieldValidation=Strict`);
    expect(patch.body).toEqual({ spec: { replicas: 3 }, metadata: { resourceVersion: '7' } });
    expect(vi.mocked(kubeRequest).mock.calls.filter(([, path]) => path.startsWith(WEB_PATH + '?')).at(-1)?.[2]).toMatchObject({ method: 'PATCH', patch: 'merge' });
  });

  it('is refused as CONFLICT, without a write, once the object moved on, and when the server finds it moved meanwhile', async () => {
    const plan = await planSpec(fakeAccess(), { connectionId: 'c1', text: edited });
    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: { ...live(2), metadata: { ...live(2).metadata, resourceVersion: '8' } } });
    const refused = await applyDocument(plan.kc, plan.entries[0].planned!);
    expect(script.sent.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' }, problems: [{ line: 6, field: 'metadata.resourceVersion' }] });
    expect(refused.ok ? '' : refused.message).toBe('deployments.apps "web" in team-a was changed since you opened it (it is no longer at resourceVersion 7); open it again to edit what it is now');

    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: live(2) });
    script.routes[`PATCH ${WEB_PATH}`] = () => ({ status: 409, body: { kind: 'Status', code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified' } });
    expect(await applyDocument(plan.kc, plan.entries[0].planned!)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound' } });
    expect(await applyDocument(plan.kc, plan.entries[0].planned!)).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/deleted since you opened it/) } });
  });
});

describe('a Secret', () => {
  const SECRET_PATH = '/api/v1/namespaces/team-a/secrets/db';
  const secret = (password: string, extra: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'team-a', resourceVersion: '3' }, data: { password, user: 'YWRtaW4=', ...extra } });

  it("is diffed with its values masked, the changed keys marked, as kubectl diff does", async () => {
    script.routes[`GET ${SECRET_PATH}`] = () => ({ status: 200, body: secret('aHVudGVyMg==') });
    script.routes[`PATCH ${SECRET_PATH}`] = () => ({ status: 200, body: secret('bmV3LXBhc3N3b3Jk', { token: 'dG9r' }) });
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team-a\ndata:\n  password: bmV3LXBhc3N3b3Jk\n  token: dG9r\n';
    const { documents } = await diffSpec(fakeAccess(), { connectionId: 'c1', text });
    const shown = JSON.stringify(documents);
    for (const value of ['aHVudGVyMg==', 'bmV3LXBhc3N3b3Jk', 'dG9r', 'YWRtaW4=']) expect(shown).not.toContain(value);
    expect(documents[0].live).toContain('password: "*** (before)"');
    expect(documents[0].after).toContain('password: "*** (after)"');
    expect(documents[0].after).toContain('user: "***"');
  });

  it("keeps the values the server quotes in a refusal out of the problems", async () => {
    script.routes[`GET ${SECRET_PATH}`] = () => ({ status: 404, body: { kind: 'Status', code: 404 } });
    script.routes[`PATCH ${SECRET_PATH}`] = () => ({
      status: 500,
      body: { kind: 'Status', code: 500, message: '.stringData.pin: expected string, got &value.valueUnstructured{Value:987654321}', details: { causes: [{ field: '.stringData.pin', message: 'expected string, got 987654321' }] } },
    });
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team-a\nstringData:\n  pin: 987654321\n';
    const answer = await dryRunSpec(fakeAccess(), { connectionId: 'c1', text });
    expect(answer.documents[0].outcome).toBe('error');
    expect(JSON.stringify(answer)).not.toContain('987654321');
  });

  it('is not opened for editing: its values would reach the window in clear', async () => {
    await expect(editableObject(fakeAccess(), { connectionId: 'c1', resource: { group: '', version: 'v1', resource: 'secrets' }, namespace: 'team-a', name: 'db' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(script.sent).toEqual([]);
  });
});

describe('editableObject', () => {
  it('keeps the resourceVersion and leaves out the rest of what the server set', async () => {
    script.routes[`GET ${WEB_PATH}`] = () => ({ status: 200, body: live(2) });
    const { text } = await editableObject(fakeAccess(), { connectionId: 'c1', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'team-a', name: 'web' });
    expect(text).toBe('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: team-a\n  resourceVersion: "7"\nspec:\n  replicas: 2\n');
  });
});
