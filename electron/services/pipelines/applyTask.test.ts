import Database from 'better-sqlite3';
import { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiResource, ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import { scriptKubeRequest } from '../../../test/support/scriptedKube';
import { createAuditService } from '../audit/auditService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { kubeRequest } from '../kube/client/kubeHttp';
import { createLogger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import { migrate } from '../store/database';
import { migrations } from '../store/migrations';
import { createTaskRunner } from '../tasks/taskRunner';
import { startSpecApply, type SpecApplyOutcome, type SpecApplyParams } from './applyTask';

vi.mock('../kube/client/kubeHttp', async (original) => ({ ...(await original<typeof import('../kube/client/kubeHttp')>()), kubeRequest: vi.fn() }));

const CONFIGMAPS: ApiResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['patch'], builtin: true };

const kc = new KubeConfig();
kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });

const access = {
  config: () => Promise.resolve(kc),
  resourceOfKind: (_id: string, apiVersion: string, kind: string) => Promise.resolve(apiVersion === 'v1' && kind === 'ConfigMap' ? CONFIGMAPS : undefined),
} as unknown as KubeAccess;

const CONNECTIONS = [
  { id: 'k', kind: 'kubernetes', name: 'bed', labels: {} },
  { id: 'p', kind: 'kubernetes', name: 'prod-eu', labels: { env: 'prod' } },
] as unknown as ConnectionSummary[];

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;
const SPEC = [cm('a'), cm('b'), cm('c')].join('---\n');
const path = (name: string) => `/api/v1/namespaces/ml/configmaps/${name}`;
const stored = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ml', uid: `uid-${name}`, resourceVersion: rv }, data: { k: 'v' } });

let script: ReturnType<typeof scriptKubeRequest>;
const isDryRun = () => script.sent.at(-1)!.path.includes('dryRun=All');

function setup(kube: KubeAccess = access) {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const log = createLogger();
  const hub = { publish: () => {} } as unknown as EventHub;
  const audit = createAuditService(db, hub, log);
  const runner = createTaskRunner({ db, audit, hub, log });
  const finished: SpecApplyOutcome[] = [];
  const apply = (params: Partial<SpecApplyParams> = {}) =>
    startSpecApply({ access: kube, audit, runner, log, connections: { list: () => CONNECTIONS }, onFinished: (o) => finished.push(o) }, { connectionId: 'k', namespace: 'ml', text: SPEC, force: false, ...params }, 'me');
  return { apply, audit, runner, finished };
}

/** Every document absent, every apply answered with the object at a new resourceVersion. */
function serveAll() {
  for (const name of ['a', 'b', 'c']) {
    script.routes[`GET ${path(name)}`] = () => (script.sent.filter((s) => s.method === 'PATCH' && s.path.startsWith(path(name)) && !s.path.includes('dryRun')).length ? { status: 200, body: stored(name, '20') } : { status: 404 });
    script.routes[`PATCH ${path(name)}`] = () => ({ status: 200, body: stored(name, isDryRun() ? '' : '20') });
  }
}

const applies = () => script.sent.filter((s) => s.method === 'PATCH' && !s.path.includes('dryRun')).map((s) => s.path.split('?')[0]);

beforeEach(() => {
  script = scriptKubeRequest(vi.mocked(kubeRequest));
});

describe('startSpecApply', () => {
  it('checks, applies each document in order with its own audit entry, and reads each back', async () => {
    serveAll();
    const { apply, audit, finished } = setup();
    const final = await apply().done;
    expect(final).toMatchObject({ kind: 'pipelines.apply', status: 'succeeded', result: { applied: 3, failed: 0, notAttempted: 0 } });
    expect(final.phases.map((p) => p.state)).toEqual(['done', 'done', 'done']);
    expect(applies()).toEqual([path('a'), path('b'), path('c')]);
    expect(script.sent.find((s) => s.method === 'PATCH' && !s.path.includes('dryRun'))?.path).toBe(`${path('a')}?fieldManager=pilothouse&fieldValidation=Strict`);
    expect(final.report?.summary).toContain('- configmaps "a" in ml (line 1): applied (resourceVersion 20)');
    expect(final.report?.summary).toContain('- configmaps "c" in ml (line 15): verified at resourceVersion 20');
    const entries = audit.list({ limit: 10 }).entries;
    expect(entries.filter((e) => e.action === 'pipelines.applyDocument').map((e) => [e.target, e.status, e.before, e.after])).toEqual([
      ['bed/ml/configmaps/c', 'succeeded', 'absent', 'resourceVersion 20'],
      ['bed/ml/configmaps/b', 'succeeded', 'absent', 'resourceVersion 20'],
      ['bed/ml/configmaps/a', 'succeeded', 'absent', 'resourceVersion 20'],
    ]);
    expect(finished).toEqual([{ outcome: 'applied', applied: 3, failed: 0, notAttempted: 0 }]);
  });

  it('changes nothing when the dry run finds a field conflict, and says force would take it', async () => {
    serveAll();
    script.routes[`PATCH ${path('b')}`] = () => ({
      status: 409,
      body: { kind: 'Status', code: 409, message: 'Apply failed', details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "helm" using v1', field: '.data.k' }] } },
    });
    const { apply, finished } = setup();
    const final = await apply().done;
    expect(final).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
    expect(final.phases.map((p) => p.state)).toEqual(['failed', 'skipped', 'skipped']);
    expect(applies()).toEqual([]);
    expect(final.report?.summary).toContain('with field conflicts: apply with force to take those fields');
    expect(finished).toEqual([{ outcome: 'failed', applied: 0, failed: 1, notAttempted: 2 }]);
  });

  it('stops at a document the server refuses, listing what was applied, what failed in the server\'s words and what was not attempted', async () => {
    serveAll();
    script.routes[`PATCH ${path('b')}`] = () =>
      isDryRun() ? { status: 200, body: stored('b', '') } : { status: 403, body: { kind: 'Status', code: 403, message: 'admission webhook "deny.example.com" denied the request: no' } };
    const { apply, audit, finished } = setup();
    const final = await apply().done;
    expect(final.status).toBe('failed');
    expect(final.error?.message).toContain('Stopped at document 2 of 3');
    expect(applies()).toEqual([path('a'), path('b')]);
    const summary = final.report?.summary ?? '';
    expect(summary).toContain('Applied 1, failed 1, not attempted 1 of 3 documents.');
    expect(summary).toContain('- configmaps "b" in ml (line 8): **failed**: admission webhook "deny.example.com" denied the request: no');
    expect(summary).toContain('- configmaps "c" in ml (line 15): not attempted');
    expect(summary).toContain('the 1 applied before it stay applied (nothing is rolled back)');
    expect(audit.list({ limit: 10 }).entries.find((e) => e.target === 'bed/ml/configmaps/b')).toMatchObject({ status: 'failed' });
    expect(finished).toEqual([{ outcome: 'partial', applied: 1, failed: 1, notAttempted: 1 }]);
  });

  it('stops cleanly between documents when cancelled, rolling nothing back', async () => {
    serveAll();
    const { apply, runner, finished } = setup();
    let taskId = '';
    script.routes[`PATCH ${path('a')}`] = () => {
      if (!isDryRun()) runner.cancel(taskId, 'me');
      return { status: 200, body: stored('a', isDryRun() ? '' : '20') };
    };
    const started = apply();
    taskId = started.id;
    const final = await started.done;
    expect(final.status).toBe('cancelled');
    expect(applies()).toEqual([path('a')]);
    expect(final.report?.summary).toContain('Cancelled before document 2; the 1 applied stay applied (nothing is rolled back).');
    expect(finished).toEqual([{ outcome: 'cancelled', applied: 1, failed: 0, notAttempted: 2 }]);
  });

  it('applies a CRD, waits until it is established and its kind served, then applies the object of that kind the spec holds', async () => {
    const CRDS: ApiResource = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, verbs: ['patch'], builtin: true };
    const WIDGETS: ApiResource = { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true, verbs: ['patch'], builtin: false };
    const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com';
    const widgetPath = '/apis/example.com/v1/namespaces/ml/widgets/w';
    const crdApplied = () => applies().includes(crdPath);
    const served = { config: access.config, resourceOfKind: (_id: string, apiVersion: string, kind: string) => Promise.resolve(kind === 'CustomResourceDefinition' ? CRDS : kind === 'Widget' && apiVersion === 'example.com/v1' && crdApplied() ? WIDGETS : undefined) } as unknown as KubeAccess;
    let established = 0;
    script.routes[`GET ${crdPath}`] = () => (!crdApplied() ? { status: 404 } : { status: 200, body: { metadata: { name: 'widgets.example.com', uid: 'c', resourceVersion: '5' }, status: { conditions: [{ type: 'Established', status: ++established > 1 ? 'True' : 'False' }] } } });
    script.routes[`PATCH ${crdPath}`] = (body) => ({ status: 200, body: { ...(body as object), metadata: { name: 'widgets.example.com', uid: 'c', resourceVersion: isDryRun() ? '' : '5' } } });
    script.routes[`GET ${widgetPath}`] = () => (applies().includes(widgetPath) ? { status: 200, body: { metadata: { name: 'w', uid: 'w', resourceVersion: '6' } } } : { status: 404 });
    script.routes[`PATCH ${widgetPath}`] = () => ({ status: 200, body: { metadata: { name: 'w', uid: 'w', resourceVersion: '6' } } });
    const text = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true}]\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';
    const { apply } = setup(served);
    const final = await apply({ text }).done;
    expect(final).toMatchObject({ status: 'succeeded', result: { applied: 2, failed: 0, notAttempted: 0 } });
    expect(applies()).toEqual([crdPath, widgetPath]);
    // No dry run of the Widget: its kind was not served then.
    expect(script.sent.filter((s) => s.path.startsWith(widgetPath) && s.path.includes('dryRun'))).toEqual([]);
    expect(established).toBeGreaterThanOrEqual(2);
    expect(final.report?.summary).toContain('- widgets.example.com "w" in ml (line 11): verified at resourceVersion 6');
  }, 20_000);

  it('asks for the connection\'s name on production, and refuses a wrong one, before anything is recorded', () => {
    const { apply, audit } = setup();
    const refused = (params: Partial<SpecApplyParams>) => {
      try {
        apply(params);
      } catch (err) {
        return err as AppError;
      }
      throw new Error('expected a refusal');
    };
    expect(refused({ connectionId: 'p' })).toMatchObject({ code: 'VALIDATION', message: 'prod-eu is a production connection (env=prod): type its name to confirm the apply. Nothing was applied' });
    expect(refused({ connectionId: 'p', confirmName: 'prod-EU' }).code).toBe('VALIDATION');
    expect(refused({ connectionId: 'k', confirmName: 'prod-eu' }).code).toBe('VALIDATION');
    expect(audit.list({ limit: 10 }).entries).toEqual([]);
    expect(script.sent).toEqual([]);
  });

  it('reports the spec\'s problems without asking the server to change anything', async () => {
    const { apply, finished } = setup();
    const final = await apply({ text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }).done;
    expect(final).toMatchObject({ status: 'failed', error: { code: 'VALIDATION', message: 'Nothing was applied: line 3: Document 1 has no metadata.name' } });
    expect(script.sent).toEqual([]);
    expect(finished).toEqual([{ outcome: 'failed', applied: 0, failed: 0, notAttempted: 0 }]);
  });
});
