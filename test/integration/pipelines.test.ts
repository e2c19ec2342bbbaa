/**
 * Pipeline specs against the test bed's primary cluster, through the
 * contract: schemas read from the cluster's `/openapi/v3` (a CRD's too) and
 * kept in the data file; server-side dry runs whose refusals land on the
 * spec's lines (a field the apiserver rejects, a ValidatingAdmissionPolicy's
 * denial); server-side apply under the field manager `pilothouse`, a
 * conflict with another manager and the explicit force; the diff against the
 * live object after someone else changed it; a multi-document apply that
 * fails half-way (a quota created by its first document refuses the next)
 * and says what was applied and what not; an edit of a live object refused
 * once someone changed it since; and a production connection's typed
 * confirmation.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient, until } from '../support/contract';
import { servicesWithCluster } from '../support/services';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-pipelines-${RUN}`;
const QUOTA_NS = `ph-it-pipelines-quota-${RUN}`;
/** A CRD of the test's own with a structural schema, so its schema has fields to check (the bed's Argo CRDs are the minimal, open ones). */
const CRD_GROUP = `pipelines-${RUN}.pilothouse.test`;
const POLICY = `ph-it-pipelines-${RUN}`;

let services: Services;
let connectionId = '';
const { call: succeed, result, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

async function kubectlApply(manifest: object, ...args: string[]): Promise<void> {
  const file = join(madeTempDir('ph-it-pipelines-'), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  await kubectl('apply', '-f', file, ...args);
}

const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json', '--show-managed-fields')) as T;

/** A Deployment spec as a user types it; `replicas` and `image` vary per test. */
function deploymentYaml(name: string, { replicas = 1, image = 'registry.k8s.io/pause:3.10', extra = '' } = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${NS}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}`,
    '    spec:',
    '      tolerations:',
    `      - {key: ${KWOK_TOLERATION.key}, operator: ${KWOK_TOLERATION.operator}, effect: ${KWOK_TOLERATION.effect}}`,
    '      containers:',
    '      - name: main',
    `        image: ${image}`,
    extra,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** Applies `text` through the contract and waits for the task. */
async function applySpec(text: string, options: { force?: boolean; specId?: string; specVersion?: number; namespace?: string } = {}) {
  const { taskId } = await succeed('pipelines.apply', { connectionId, text, ...options });
  await finishedTask(taskId);
  return succeed('tasks.get', { id: taskId });
}

beforeAll(async () => {
  ({ services, connectionId } = await servicesWithCluster(primary.kubeconfigs.admin, 'primary-admin'));
  await kubectl('create', 'namespace', NS);
  await kubectl('create', 'namespace', QUOTA_NS);
  await until('the default ServiceAccounts', async () => {
    const both = await Promise.all([NS, QUOTA_NS].map((ns) => kubectl('get', 'serviceaccount', 'default', '-n', ns).then(() => true, () => false)));
    return both.every(Boolean);
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([
    kubectl('delete', 'namespace', NS, QUOTA_NS, '--wait=false'),
    kubectl('delete', 'crd', `trainruns.${CRD_GROUP}`, '--ignore-not-found'),
    kubectl('delete', 'validatingadmissionpolicybinding', POLICY, '--ignore-not-found'),
    kubectl('delete', 'validatingadmissionpolicy', POLICY, '--ignore-not-found'),
  ]);
  await services?.close();
});

describe('schemas from the cluster', () => {
  it('reads a built-in kind from /openapi/v3 and keeps the documents, fetching again only what changed', async () => {
    const first = await succeed('pipelines.schema', { connectionId, kinds: [{ apiVersion: 'apps/v1', kind: 'Deployment' }] });
    expect(first.kinds).toEqual([expect.objectContaining({ apiVersion: 'apps/v1', kind: 'Deployment', source: 'cluster' })]);
    expect(JSON.stringify(first.schema)).toContain('io.k8s.api.apps.v1.DeploymentSpec');
    const cached = services.db.prepare<[string], { group_version: string }>(`SELECT group_version FROM openapi_documents WHERE connection_id = ?`).all(connectionId);
    expect(cached.map((r) => r.group_version)).toContain('apis/apps/v1');

    const refreshed = await succeed('pipelines.refreshSchemas', { connectionId });
    expect(refreshed.groupVersions).toBeGreaterThan(10);
    const again = await succeed('pipelines.refreshSchemas', { connectionId });
    // The index's hashes are unchanged, so no document is fetched a second time.
    expect(again).toEqual({ groupVersions: refreshed.groupVersions, fetched: 0 });
  });

  it('reads a CRD installed since, with its own fields', async () => {
    await kubectlApply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `trainruns.${CRD_GROUP}` },
      spec: {
        group: CRD_GROUP,
        scope: 'Namespaced',
        names: { plural: 'trainruns', singular: 'trainrun', kind: 'TrainRun' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    required: ['epochs'],
                    properties: { epochs: { type: 'integer', minimum: 1, description: 'How many passes over the data set.' } },
                  },
                },
              },
            },
          },
        ],
      },
    });
    await kubectl('wait', '--for=condition=Established', `crd/trainruns.${CRD_GROUP}`, '--timeout=60s');
    const schema = await until(
      'the CRD in /openapi/v3',
      async () => {
        const answer = await succeed('pipelines.schema', { connectionId, kinds: [{ apiVersion: `${CRD_GROUP}/v1`, kind: 'TrainRun' }] });
        return answer.kinds[0].source === 'cluster' && answer;
      },
      60_000,
      1_000,
    );
    expect(JSON.stringify(schema.schema)).toContain('How many passes over the data set.');
    const cached = services.db.prepare<[string, string], { n: number }>(`SELECT count(*) AS n FROM openapi_documents WHERE connection_id = ? AND group_version = ?`).get(connectionId, `apis/${CRD_GROUP}/v1`);
    expect(cached?.n).toBe(1);
  });

  it('says plainly when the cluster serves no such kind', async () => {
    const answer = await succeed('pipelines.schema', { connectionId, kinds: [{ apiVersion: 'nope.example/v1', kind: 'Nothing' }] });
    expect(answer.kinds[0]).toMatchObject({ source: 'none', notice: expect.stringMatching(/serves no nope\.example\/v1/) });
  });
});

describe('dry run', () => {
  it('places the field the apiserver rejects on its line, and changes nothing', async () => {
    const text = deploymentYaml('bad-replicas', { replicas: -3 });
    const answer = await succeed('pipelines.dryRun', { connectionId, text });
    const replicasLine = text.split('\n').findIndex((l) => l.includes('replicas: -3')) + 1;
    expect(answer.documents[0]).toMatchObject({ kind: 'Deployment', outcome: 'error' });
    expect(answer.documents[0].problems).toContainEqual(expect.objectContaining({ line: replicasLine, message: expect.stringMatching(/greater than or equal to 0/) }));
    await expect(kubectl('get', 'deployment', 'bad-replicas', '-n', NS)).rejects.toThrow(/NotFound/);
  });

  it("shows an admission policy's denial with the server's message", async () => {
    await kubectlApply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: POLICY },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }] },
        validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'every ConfigMap here names its team' }],
      },
    });
    await kubectlApply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: POLICY },
      spec: { policyName: POLICY, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } } } },
    });
    const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: unlabelled', `  namespace: ${NS}`, 'data:', '  a: "1"'].join('\n');
    // The policy takes effect once the apiserver has loaded it.
    const answer = await until(
      'the policy to deny',
      async () => {
        const a = await succeed('pipelines.dryRun', { connectionId, text });
        return a.documents[0].outcome === 'error' && a;
      },
      30_000,
      500,
    );
    expect(answer.documents[0].problems[0]).toMatchObject({ line: 1, message: expect.stringContaining('every ConfigMap here names its team') });
  });

  it('refuses YAML that does not parse, with its line and column, before asking the server', async () => {
    const answer = await succeed('pipelines.dryRun', { connectionId, text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n' });
    expect(answer.documents).toEqual([]);
    expect(answer.problems[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number), severity: 'error' });
  });
});

describe('server-side apply', () => {
  it('applies as pilothouse, lists a conflict with another manager, and takes the field only when forced', async () => {
    const text = deploymentYaml('trainer', { replicas: 1 });
    const done = await applySpec(text);
    expect(done.status).toBe('succeeded');
    const live = await json<{ metadata: { managedFields: { manager: string; operation: string }[] } }>('get', 'deployment', 'trainer', '-n', NS);
    expect(live.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'pilothouse', operation: 'Apply' }));

    // Another team's tool takes spec.replicas with its own apply.
    await kubectlApply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'trainer', namespace: NS }, spec: { replicas: 2 } }, '--server-side', '--field-manager=autoscaler-bot', '--force-conflicts');

    const changed = deploymentYaml('trainer', { replicas: 3 });
    const dry = await succeed('pipelines.dryRun', { connectionId, text: changed });
    expect(dry.documents[0].outcome).toBe('conflict');
    expect(dry.documents[0].conflicts).toContainEqual(expect.objectContaining({ field: '.spec.replicas', manager: 'autoscaler-bot' }));

    const refused = await applySpec(changed);
    expect(refused.status).toBe('failed');
    expect((await json<{ spec: { replicas: number } }>('get', 'deployment', 'trainer', '-n', NS)).spec.replicas).toBe(2);

    const forced = await applySpec(changed, { force: true });
    expect(forced.status).toBe('succeeded');
    expect((await json<{ spec: { replicas: number } }>('get', 'deployment', 'trainer', '-n', NS)).spec.replicas).toBe(3);
  });

  it("diffs against the live object after someone else's change", async () => {
    const text = deploymentYaml('server', { image: 'registry.k8s.io/pause:3.10' });
    expect((await applySpec(text)).status).toBe('succeeded');
    await kubectl('set', 'image', 'deployment/server', 'main=registry.k8s.io/pause:3.9', '-n', NS);

    const { documents } = await succeed('pipelines.diff', { connectionId, text });
    const [doc] = documents;
    expect(doc.live).toContain('registry.k8s.io/pause:3.9');
    expect(doc.live).not.toMatch(/managedFields|resourceVersion|uid:|creationTimestamp/);
    // kubectl set image now owns the image: taking it back is a conflict the review shows.
    expect(doc.conflicts).toContainEqual(expect.objectContaining({ manager: expect.stringMatching(/kubectl/) }));
  });

  it('stops half-way through a multi-document spec and reports what was applied and what not', async () => {
    // The quota lets no more ConfigMaps in (kube-root-ca.crt is already there): the first document is applied, the second refused, the third never sent.
    const text = [
      ['apiVersion: v1', 'kind: ResourceQuota', 'metadata:', '  name: no-more-configmaps', `  namespace: ${QUOTA_NS}`, 'spec:', '  hard:', '    count/configmaps: "1"'].join('\n'),
      ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: second', `  namespace: ${QUOTA_NS}`, 'data:', '  a: "1"'].join('\n'),
      ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: third', `  namespace: ${QUOTA_NS}`, 'data:', '  b: "2"'].join('\n'),
    ].join('\n---\n');
    const done = await applySpec(text);
    expect(done.status).toBe('failed');
    expect(done.report?.summary).toMatch(/^Applied 1, failed 1, not attempted 1 of 3 documents/);
    expect(done.report?.summary).toMatch(/resourcequotas "no-more-configmaps".*: applied/);
    expect(done.report?.summary).toMatch(/configmaps "second".*\*\*failed\*\*: .*exceeded quota/);
    expect(done.report?.summary).toMatch(/configmaps "third".*: not attempted/);
    await expect(kubectl('get', 'configmap', 'second', '-n', QUOTA_NS)).rejects.toThrow(/NotFound/);
    await kubectl('get', 'resourcequota', 'no-more-configmaps', '-n', QUOTA_NS);
  });

  it('records an apply of a saved spec in its history, and refuses text that is not the saved version', async () => {
    const text = deploymentYaml('recorded');
    const meta = await succeed('pipelines.save', { name: `recorded-${RUN}`, connectionId, namespace: NS, text, message: 'first' });
    const refused = await result('pipelines.apply', { connectionId, text: text + '\n# unsaved', specId: meta.id, specVersion: meta.version });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const done = await applySpec(text, { specId: meta.id, specVersion: meta.version });
    expect(done.status).toBe('succeeded');
    const applies = await until('the apply in the history', async () => {
      const list = await succeed('pipelines.applies', { id: meta.id });
      return list[0]?.outcome === 'applied' && list;
    });
    expect(applies[0]).toMatchObject({ version: 1, connectionId, applied: 1, failed: 0, notAttempted: 0, actor: 'it' });
    const entry = services.audit.list({ limit: 200 }).entries.find((e) => e.target.includes('recorded'));
    expect(entry).toBeDefined();
  });
});

describe('edit of a live object', () => {
  it('applies an edit, and refuses one made on a copy someone changed since', async () => {
    await kubectlApply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS, labels: { team: 'ml' } }, data: { lr: '0.1' } });
    const ref = { connectionId, resource: { group: '', version: 'v1', resource: 'configmaps' }, namespace: NS, name: 'settings' };
    const { text } = await succeed('pipelines.editable', ref);
    expect(text).toMatch(/resourceVersion/);
    expect(text).not.toMatch(/managedFields|uid:|creationTimestamp/);

    const edited = text.replace('lr: "0.1"', 'lr: "0.2"');
    expect(edited).not.toBe(text);
    const applied = await applySpec(edited);
    expect(applied.error?.message ?? applied.status).toBe('succeeded');
    expect((await json<{ data: { lr: string } }>('get', 'configmap', 'settings', '-n', NS)).data.lr).toBe('0.2');

    // kubectl apply created it, so kubectl-client-side-apply owns data.lr: the edit takes only that field, as kubectl edit would.
    const owners = (await json<{ metadata: { managedFields: { manager: string; operation: string; fieldsV1: object }[] } }>('get', 'configmap', 'settings', '-n', NS)).metadata.managedFields;
    expect(owners.find((f) => f.manager === 'pilothouse')).toMatchObject({ operation: 'Update', fieldsV1: { 'f:data': { 'f:lr': {} } } });

    // The same copy again: the object changed since it was opened.
    const stale = await applySpec(edited.replace('lr: "0.2"', 'lr: "0.3"'));
    expect(stale.status).toBe('failed');
    expect(stale.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/changed since you opened it/) });
    expect((await json<{ data: { lr: string } }>('get', 'configmap', 'settings', '-n', NS)).data.lr).toBe('0.2');
  });
});

describe('a production connection', () => {
  it('applies only with its name typed', async () => {
    const connection = await succeed('connections.setLabels', { id: connectionId, labels: { env: 'prod' } });
    try {
      const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: guarded', `  namespace: ${NS}`, '  labels: {team: ml}', 'data:', '  a: "1"'].join('\n');
      expect(await result('pipelines.apply', { connectionId, text })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await result('pipelines.apply', { connectionId, text, confirmName: 'not-it' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      await expect(kubectl('get', 'configmap', 'guarded', '-n', NS)).rejects.toThrow(/NotFound/);
      const { taskId } = await succeed('pipelines.apply', { connectionId, text, confirmName: connection.name });
      expect((await finishedTask(taskId)).status).toBe('succeeded');
      await kubectl('get', 'configmap', 'guarded', '-n', NS);
    } finally {
      await succeed('connections.setLabels', { id: connectionId, labels: {} });
    }
  });
});
