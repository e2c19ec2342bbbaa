/**
 * The drill engine against the test bed: a namespace of the primary cluster
 * (a ServiceAccount bound by a RoleBinding, a ConfigMap, a Secret, a
 * Deployment behind a Service, a Job) is read with kubectl into an archive
 * the way a backup cleans it, then a drill restores it into a namespace of
 * the secondary cluster, waits for its workloads, verifies it (an HTTP GET
 * through a real port-forward to a restored pod included: kwok answers it
 * with the bed's "port-forward target" page) and is judged; then the kept
 * namespace shows the rewrite, refuses a second restore, lets checks fail
 * on what was changed, and is cleaned up from the created list as persisted.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiResource } from '../../shared/contract';
import type { DrillCheck } from '../../shared/contract/drills';
import type { ArchivedObject, VerifiedArchive } from '../../electron/services/drills/archive/archiveTypes';
import { dataHash } from '../../electron/services/drills/archive/dataHash';
import { cleanObject, leftOutBecause, restoreOrder } from '../../electron/services/drills/backup/collect';
import { cleanupDrill } from '../../electron/services/drills/drill/cleanup';
import type { CreatedRef } from '../../electron/services/drills/drill/drillObjects';
import { drillTask, READY_CHECK, type DrillResultFields } from '../../electron/services/drills/drill/drillRun';
import { restoreArchive } from '../../electron/services/drills/drill/restore';
import { verifyRestore } from '../../electron/services/drills/drill/verify';
import type { KubeObject } from '../../electron/services/kube/model/kubeObject';
import type { TaskContext } from '../../electron/services/tasks/taskRunner';
import { until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const { primary, secondary } = bed.clusters;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const SRC = `h2-drill-src-${RUN}`;
const TGT = `h2-drill-tgt-${RUN}`;
const CANCELLED = `h2-drill-cancel-${RUN}`;
const DRILL_ID = `it-${RUN}`;

const kubectl = async (kubeconfig: string, ...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', kubeconfig, ...args])).stdout;
const onPrimary = (...args: string[]) => kubectl(primary.kubeconfigs.admin, ...args);
const onSecondary = (...args: string[]) => kubectl(secondary.kubeconfigs.admin, ...args);

/** The resources read into the archive, as discovery names them. */
const RESOURCES: (Pick<ApiResource, 'group' | 'version' | 'resource' | 'kind'> & { builtin: true })[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', builtin: true },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', builtin: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', builtin: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', builtin: true },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', builtin: true },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', builtin: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', builtin: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', builtin: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', builtin: true },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', builtin: true },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', builtin: true },
];

/** The source namespace read with kubectl into an archive, cleaned and ordered as a backup does. */
async function readArchive(): Promise<VerifiedArchive> {
  const takenAt = new Date().toISOString();
  const objects: VerifiedArchive['objects'] = [];
  for (const api of RESOURCES) {
    const name = api.group ? `${api.resource}.${api.group}` : api.resource;
    const listed =
      api.resource === 'namespaces'
        ? [JSON.parse(await onPrimary('get', 'namespace', SRC, '-o', 'json')) as KubeObject]
        : (JSON.parse(await onPrimary('get', name, '-n', SRC, '-o', 'json')) as { items: KubeObject[] }).items;
    for (const o of listed) {
      if (leftOutBecause(api, o)) continue;
      const object = cleanObject(api, { ...o, apiVersion: api.group ? `${api.group}/${api.version}` : api.version, kind: api.kind }, new Set());
      const entry: ArchivedObject = {
        path: `objects/${SRC}/${api.group || 'core'}/${api.resource}/${o.metadata?.name}.yaml`,
        apiVersion: String(object.apiVersion),
        kind: api.kind,
        group: api.group,
        resource: api.resource,
        ...(api.resource === 'namespaces' ? {} : { namespace: SRC }),
        name: o.metadata?.name ?? '',
        sha256: 'not-checked-here',
        bytes: 0,
        encrypted: false,
        ...(api.kind === 'ConfigMap' || api.kind === 'Secret' ? { dataSha256: dataHash(o) } : {}),
        order: restoreOrder(api),
      };
      objects.push({ entry, object });
    }
  }
  objects.sort((a, b) => a.entry.order - b.entry.order);
  return {
    manifest: { format: 'pilothouse.backup/v1', id: RUN, name: `pilothouse-${SRC}`, takenAt, finishedAt: takenAt, source: { connectionName: 'primary' }, namespaces: [SRC], counts: [], skipped: [], objects: objects.map((o) => o.entry) },
    manifestSha256: 'not-checked-here',
    objects,
  };
}

const podSpec = { tolerations: [KWOK_TOLERATION], containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', ports: [{ name: 'http', containerPort: 8080 }] }] };
const target = new KubeConfig();
let archive: VerifiedArchive;

beforeAll(async () => {
  target.loadFromFile(secondary.kubeconfigs.admin);
  const file = join(madeTempDir('h2-drill-'), 'source.json');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SRC, labels: { team: 'drill-it' } } },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: SRC } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'read', namespace: SRC }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'app-read', namespace: SRC },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
          subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: SRC }],
        },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: SRC }, data: { mode: 'drill', upstream: `http://api.${SRC}.svc` } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: SRC }, stringData: { password: 'hunter2-drill' } },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: SRC },
          spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { ...podSpec, serviceAccountName: 'app' } } },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: SRC }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'migrate', namespace: SRC },
          spec: { template: { spec: { restartPolicy: 'Never', tolerations: [KWOK_TOLERATION], containers: [{ name: 'm', image: 'registry.k8s.io/pause:3.10' }] } } },
        },
      ],
    }),
  );
  await onPrimary('apply', '-f', file);
  await onPrimary('rollout', 'status', 'deployment/web', '-n', SRC, '--timeout=60s');
  await onPrimary('wait', '--for=condition=complete', 'job/migrate', '-n', SRC, '--timeout=60s');
  archive = await readArchive();
});

afterAll(async () => {
  await onPrimary('delete', 'namespace', SRC, '--wait=false').catch(() => undefined);
  await onSecondary('delete', 'namespace', TGT, '--wait=false').catch(() => undefined);
  await onSecondary('delete', 'namespace', CANCELLED, '--wait=false').catch(() => undefined);
});

/** A TaskContext for the drill, recording its phases; `controller` cancels it. */
function taskContext(): TaskContext & { phases: string[]; controller: AbortController } {
  const controller = new AbortController();
  const phases: string[] = [];
  return {
    controller,
    id: `task-${RUN}`,
    signal: controller.signal,
    phases,
    phase: (name) => phases.push(name),
    progress: () => undefined,
    throwIfCancelled: () => controller.signal.throwIfAborted(),
    log: () => undefined,
    record: () => undefined,
  };
}

describe('a drill from the primary cluster into the secondary', () => {
  let persisted = '[]';
  const results: DrillResultFields[] = [];
  const events: string[] = [];
  const checks: DrillCheck[] = [
    { kind: 'exists', objectKind: 'ConfigMap', name: 'settings' },
    { kind: 'readyReplicas', objectKind: 'Deployment', name: 'web', min: 2 },
    { kind: 'httpGet', service: 'web', port: 80, path: '/', expectStatus: 200, expectBody: 'port-forward target' },
  ];

  it('restores, waits ready, verifies over a real port-forward, and passes within its targets', async () => {
    const ctx = taskContext();
    const task = drillTask(
      {
        recorder: {
          event: (phase, message) => events.push(`${phase}: ${message}`),
          // As the store keeps it: JSON, read back for the cleanup.
          created: (refs) => (persisted = JSON.stringify(refs)),
          result: (fields) => results.push(fields),
        },
        readyIntervalMs: 250,
      },
      {
        drillId: DRILL_ID,
        loadArchive: async () => archive,
        kc: target,
        sourceNamespace: SRC,
        targetNamespace: TGT,
        allowExistingNamespace: false,
        keep: true,
        checks,
        readyTimeoutMs: 60_000,
        rtoTargetMs: 60_000,
        rpoTargetMs: 3_600_000,
        backupTakenAt: archive.manifest.takenAt,
      },
    );
    const result = await task.run(ctx);
    const final = Object.assign({}, ...results) as DrillResultFields;
    expect(final.checks?.filter((c) => !c.passed), events.join('\n')).toEqual([]);
    expect(result).toMatchObject({ outcome: 'passed', kept: true, checksFailed: 0, checksPassed: 7 });
    expect(result.rtoMs).toBeGreaterThan(0);
    expect(result.rtoMs).toBeLessThan(60_000);
    expect(final.checks?.map((c) => c.name)).toEqual([READY_CHECK, 'Kinds and counts', 'ConfigMap data', 'Secret data', 'ConfigMap settings exists', 'Deployment web ≥ 2 ready', 'GET web:80/']);
    const get = final.checks!.find((c) => c.name === 'GET web:80/')!;
    expect(get.detail).toMatch(/^HTTP 200 from pod web-[a-z0-9-]+ port 8080 \(200 expected\)\. The body contains "port-forward target"\.$/);
    expect(final.checks!.find((c) => c.name === 'Kinds and counts')!.detail).toMatch(/Deployment 1\/1/);
    expect(final.checks!.find((c) => c.name === 'Secret data')!.detail).toBe('1 of 1 Secret hold the data they were backed up with.');
    // No Secret value anywhere in what the drill recorded.
    expect(JSON.stringify({ events, results })).not.toContain('hunter2');
    expect(ctx.phases).toEqual(['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report']);
    const created = JSON.parse(persisted) as CreatedRef[];
    expect(created[0]).toMatchObject({ kind: 'Namespace', name: TGT, uid: expect.any(String) });
    expect(created.map((r) => r.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Job', 'Namespace', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount']);
  });

  it('rewrote the namespace where Kubernetes names it, labelled the namespace with the drill, and left the rest', async () => {
    const binding = JSON.parse(await onSecondary('get', 'rolebinding', 'app-read', '-n', TGT, '-o', 'json')) as { subjects: { namespace: string }[] };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'app', namespace: TGT }]);
    const ns = JSON.parse(await onSecondary('get', 'namespace', TGT, '-o', 'json')) as KubeObject;
    expect(ns.metadata?.labels).toMatchObject({ team: 'drill-it', 'pilothouse.dev/drill': DRILL_ID, 'kubernetes.io/metadata.name': TGT });
    expect(JSON.parse(await onSecondary('get', 'configmap', 'settings', '-n', TGT, '-o', 'jsonpath={.data}'))).toEqual({ mode: 'drill', upstream: `http://api.${SRC}.svc` });
  });

  it('refuses to restore again into the namespace, now that it exists', async () => {
    await expect(restoreArchive(target, archive, { sourceNamespace: SRC, targetNamespace: TGT, drillId: 'again', allowExistingNamespace: false, onCreated: () => undefined })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `Namespace ${TGT} exists on the target cluster: choose another target namespace, or allow restoring into an existing one. Nothing was restored`,
    });
  });

  it('fails the checks on what changed since, naming it without a Secret value', async () => {
    await onSecondary('patch', 'configmap', 'settings', '-n', TGT, '--type=merge', '-p', '{"data":{"mode":"changed"}}');
    await onSecondary('delete', 'secret', 'creds', '-n', TGT);
    const found = await verifyRestore(target, archive, {
      sourceNamespace: SRC,
      targetNamespace: TGT,
      checks: [
        { kind: 'readyReplicas', objectKind: 'Deployment', name: 'web', min: 3 },
        { kind: 'httpGet', service: 'web', port: 80, path: '/', expectBody: 'not on the page' },
        { kind: 'httpGet', service: 'nope', port: 80, path: '/' },
        { kind: 'exists', objectKind: 'ConfigMap', name: 'gone' },
      ],
    });
    const byName = Object.fromEntries(found.map((c) => [c.name, c]));
    expect(byName['Kinds and counts']).toMatchObject({ passed: false, detail: expect.stringContaining('Missing 1: Secret creds.') });
    expect(byName['ConfigMap data']).toMatchObject({ passed: false, detail: '0 of 1 ConfigMap hold the data they were backed up with. Data differs: settings.' });
    expect(byName['Secret data']).toMatchObject({ passed: false, detail: '0 of 1 Secret hold the data they were backed up with. Not restored: creds.' });
    expect(byName['Deployment web ≥ 3 ready']).toEqual({ name: 'Deployment web ≥ 3 ready', passed: false, detail: '2 ready replicas, at least 3 expected.' });
    expect(byName['GET web:80/']).toMatchObject({ passed: false, detail: expect.stringMatching(/^HTTP 200 from pod .* The body \(\d+ bytes\) does not contain "not on the page"\.$/) });
    expect(byName['GET nope:80/']).toMatchObject({ passed: false, detail: expect.stringContaining('nope') });
    expect(byName['ConfigMap gone exists']).toEqual({ name: 'ConfigMap gone exists', passed: false, detail: `No ConfigMap gone in ${TGT}.` });
    expect(JSON.stringify(found)).not.toContain('hunter2');
  });

  it('is cleaned up from the created list as persisted, and a second cleanup finds nothing left', async () => {
    const refs = JSON.parse(persisted) as CreatedRef[];
    const first = await cleanupDrill(target, refs, { intervalMs: 250, timeoutMs: 60_000 });
    expect(first.left).toEqual([]);
    expect(first.summary).toBe(`Removed all ${refs.length} created objects`);
    await until('the namespace gone', async () => (await onSecondary('get', 'namespace', TGT, '--ignore-not-found', '-o', 'name')).trim() === '');
    const again = await cleanupDrill(target, refs, { intervalMs: 250, timeoutMs: 5_000 });
    expect(again.left).toEqual([]);
  });
});

describe('a drill cancelled mid-restore', () => {
  it('stops between objects, is recorded cancelled, and its task cleanup deletes what it had created', async () => {
    const ctx = taskContext();
    const results: DrillResultFields[] = [];
    let persisted: CreatedRef[] = [];
    const task = drillTask(
      {
        recorder: {
          event: () => undefined,
          created: (refs) => {
            persisted = refs;
            if (refs.length === 3) ctx.controller.abort(new Error('Cancelled by it'));
          },
          result: (fields) => results.push(fields),
        },
        cleanupIntervalMs: 250,
      },
      {
        drillId: `${DRILL_ID}-c`,
        loadArchive: async () => archive,
        kc: target,
        sourceNamespace: SRC,
        targetNamespace: CANCELLED,
        allowExistingNamespace: false,
        keep: false,
        checks: [],
        readyTimeoutMs: 60_000,
        backupTakenAt: archive.manifest.takenAt,
      },
    );
    await expect(task.run(ctx)).rejects.toThrow('Cancelled by it');
    expect(persisted).toHaveLength(3);
    expect(Object.assign({}, ...results)).toMatchObject({ outcome: 'cancelled', error: 'Cancelled by it', leftovers: 3 });
    expect((await onSecondary('get', 'all,configmaps,secrets,serviceaccounts,roles,rolebindings', '-n', CANCELLED, '-o', 'name')).trim().split('\n').length).toBeGreaterThanOrEqual(2);

    await task.cleanup(ctx);
    expect(Object.assign({}, ...results)).toMatchObject({ outcome: 'cancelled', kept: false, leftovers: 0 });
    expect((await onSecondary('get', 'namespace', CANCELLED, '--ignore-not-found', '-o', 'name')).trim()).toBe('');
  });
});
