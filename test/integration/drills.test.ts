/**
 * DR drills against the test bed, through the contract: a namespace of the
 * primary cluster (a Deployment behind a Service, ConfigMaps, a Secret, a
 * ServiceAccount) backed up into moto's S3 and into a local folder; a drill
 * that restores it onto the secondary cluster, waits until it is ready,
 * verifies kinds, counts and data hashes and the user's checks (an object
 * exists, N ready replicas, an HTTP GET through a port-forward), measures RTO
 * and RPO and cleans up, leaving the secondary cluster's objects as they
 * were. Then the faults: a tampered archive refused naming its file; a
 * restore into a namespace that exists refused unless chosen; a workload
 * that never becomes ready failing its RTO; a cancel mid-restore cleaning up.
 * And a drill of a real Velero Backup (the bed's Velero server, moto's S3),
 * restored by Velero into a drill namespace with a namespace mapping.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { contractClient, until } from '../support/contract';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { madeTempDir } from '../support/tempDirs';
import { KWOK_TOLERATION } from '../testbed';
import { ensureVeleroBucket, veleroLocationPhase } from '../testbed/velero';

const bed = inject('testbed');
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-drills-${RUN}`;
const SLOW_NS = `ph-it-drills-slow-${RUN}`;
const BUCKET = `ph-it-drills-${RUN}`;
const SECRET_VALUE = `s3cr3t-${RUN}-do-not-leak`;
type Cluster = 'primary' | 'secondary';

let services: Services;
const ids: Record<Cluster, string> = { primary: '', secondary: '' };
let s3Destination = '';
let folderDestination = '';
let folderPath = '';
const { call: succeed, result, finishedTask } = contractClient(() => services, { actor: 'it', session: 'it' });

const kubectl = async (cluster: Cluster, ...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', bed.clusters[cluster].kubeconfigs.admin, ...args], { maxBuffer: 1 << 28 })).stdout;

async function apply(cluster: Cluster, items: object[]): Promise<void> {
  const file = join(madeTempDir('ph-it-drills-'), 'list.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await kubectl(cluster, 'apply', '--server-side', '-f', file);
}

function deployment(ns: string, name: string, replicas: number, unready = false): object {
  const labels = { app: name, ...(unready ? { 'pilothouse.test/unready': 'true' } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 8080 }] }] } },
    },
  };
}

/** The source namespace: what a small inference team runs. */
function teamNamespace(ns: string): object[] {
  return [
    deployment(ns, 'web', 2),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'model-config', namespace: ns }, data: { 'model.yaml': 'name: llama\nmax_tokens: 4096\n' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'feature-flags', namespace: ns }, data: { canary: 'true' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-token', namespace: ns }, stringData: { token: SECRET_VALUE } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'inference', namespace: ns } },
  ];
}

/** The drill namespaces of the cluster and every object in them, by kind and name: what a drill must leave as it found it. */
async function objectList(cluster: Cluster): Promise<string[]> {
  const out = await kubectl(cluster, 'get', 'namespaces,configmaps,secrets,serviceaccounts,services,deployments,replicasets,customresourcedefinitions', '-A', '-o', 'jsonpath={range .items[*]}{.kind} {.metadata.namespace}/{.metadata.name}{"\\n"}{end}');
  // Other namespaces (this file's sources among them) may be going away meanwhile: a drill's footprint is its `drill-…` namespace.
  return out
    .split('\n')
    .filter((l) => /(^| |\/)drill-/.test(l))
    .sort();
}

async function backUp(namespaces: string[], destinationId: string): Promise<string> {
  const { taskId, backupId } = await succeed('drills.startBackup', { connectionId: ids.primary, namespaces, destinationId });
  const task = await finishedTask(taskId);
  expect(task.status, task.error?.message).toBe('succeeded');
  return backupId;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
}

beforeAll(async () => {
  ({ services } = createTestServices());
  for (const cluster of ['primary', 'secondary'] as const) {
    const path = bed.clusters[cluster].kubeconfigs.admin;
    const [context] = (await services.connections.previewKubeconfig({ kind: 'path', path })).contexts;
    ids[cluster] = (await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: context.contextName, name: `${cluster}-${RUN}` }], 'it')).imported[0].id;
  }
  await kubectl('primary', 'create', 'namespace', NS);
  await apply('primary', teamNamespace(NS));
  await kubectl('primary', 'wait', '--for=condition=Available', 'deployment/web', '-n', NS, '--timeout=120s');
  // moto takes any keys; the contract wants keys shaped like AWS's.
  const aws = await succeed('connections.addAwsKeys', {
    name: `moto-drills-${RUN}`,
    accessKeyId: 'AKIAPILOTHOUSEDRILL1',
    secretAccessKey: 'pilothouse-drills-secret-key-00001',
    region: 'us-east-1',
    endpointUrl: bed.moto.endpoint,
    onConflict: 'replace',
  });
  const s3 = new S3Client({ region: 'us-east-1', endpoint: bed.moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
  s3Destination = (await succeed('drills.saveDestination', { name: 'moto', target: { kind: 's3', awsConnectionId: aws.id, bucket: BUCKET, prefix: 'pilothouse/backups' } })).id;
  folderPath = madeTempDir('ph-it-drills-archives-');
  folderDestination = (await succeed('drills.saveDestination', { name: 'local', target: { kind: 'folder', path: folderPath } })).id;
}, 240_000);

afterAll(async () => {
  await services?.close();
  for (const ns of [NS, SLOW_NS]) await kubectl('primary', 'delete', 'namespace', ns, '--wait=false').catch(() => undefined);
});

describe('DR drills on the test bed', () => {
  it('backs up to S3, restores onto the other cluster, verifies, measures and leaves it as it was', async () => {
    await succeed('drills.saveTarget', {
      connectionId: ids.primary,
      namespace: NS,
      rtoSeconds: 120,
      rpoSeconds: 3600,
      everyDays: 7,
      checks: [
        { kind: 'exists', objectKind: 'ConfigMap', name: 'model-config' },
        { kind: 'readyReplicas', objectKind: 'Deployment', name: 'web', min: 2 },
        { kind: 'httpGet', service: 'web', port: 80, path: '/', expectStatus: 200, expectBody: 'port-forward target' },
      ],
    });
    expect((await succeed('drills.overview', { connectionId: ids.primary })).namespaces.find((n) => n.namespace === NS)).toMatchObject({ overdue: true });
    const backupId = await backUp([NS], s3Destination);
    const [backup] = await succeed('drills.backups', { namespace: NS, limit: 1 });
    expect(backup).toMatchObject({ id: backupId, status: 'complete', secretCount: 1, location: expect.stringMatching(new RegExp(`^s3://${BUCKET}/pilothouse/backups/pilothouse-${NS}-`)) as unknown });
    // The Deployment's ReplicaSet and pods, the namespace's root CA and default ServiceAccount are the cluster's to make again.
    expect(backup.counts.map((c) => `${c.kind}:${c.count}`).sort()).toEqual(['ConfigMap:2', 'Deployment:1', 'Namespace:1', 'Secret:1', 'Service:1', 'ServiceAccount:1']);
    expect(await succeed('drills.verifyBackup', { id: backupId })).toMatchObject({ ok: true, problems: [] });

    const before = await objectList('secondary');
    const { taskId, drillId } = await succeed('drills.start', { source: { kind: 'archive', backupId }, namespace: NS, targetConnectionId: ids.secondary });
    const task = await finishedTask(taskId);
    expect(task.status, task.error?.message).toBe('succeeded');
    expect(task.phases.map((p) => p.name)).toEqual(['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report']);
    const drill = await succeed('drills.get', { id: drillId });
    expect(drill, JSON.stringify(drill.checks)).toMatchObject({ outcome: 'passed', targetConnectionId: ids.secondary, kept: false, leftovers: 0, rtoTargetMs: 120_000, rpoTargetMs: 3_600_000 });
    expect(drill.targetNamespace).toMatch(new RegExp(`^drill-${NS}`.slice(0, 40)));
    expect(drill.rtoMs).toBeGreaterThan(0);
    expect(drill.rtoMs).toBeLessThan(120_000);
    expect(drill.rpoMs).toBeGreaterThanOrEqual(Date.parse(drill.startedAt) - Date.parse(backup.takenAt) - 1);
    expect(drill.checks.every((c) => c.passed)).toBe(true);
    expect(drill.checks.map((c) => c.name).join('\n')).toMatch(/GET/);
    expect(drill.created.length).toBeGreaterThanOrEqual(7);
    // Nothing of the drill is left on the secondary cluster.
    expect(await objectList('secondary')).toEqual(before);
    const markdown = await succeed('drills.report', { id: drillId, format: 'markdown' });
    expect(markdown.text).toContain(NS);
    expect(markdown.text).not.toContain(SECRET_VALUE);
    const html = await succeed('drills.report', { id: drillId, format: 'html' });
    expect(html.text).not.toMatch(/<script/i);
    const status = (await succeed('drills.overview', { connectionId: ids.primary })).namespaces.find((n) => n.namespace === NS);
    expect(status).toMatchObject({ overdue: false, lastDrill: { id: drillId, outcome: 'passed' } });
  }, 240_000);

  it('keeps Secrets encrypted in a folder archive, and refuses a tampered one naming the file', async () => {
    const backupId = await backUp([NS], folderDestination);
    const files = filesUnder(folderPath);
    expect(files.some((f) => readFileSync(f, 'utf8').includes(SECRET_VALUE) || readFileSync(f, 'utf8').includes(Buffer.from(SECRET_VALUE).toString('base64')))).toBe(false);
    const configMap = files.find((f) => f.endsWith('model-config.yaml'))!;
    writeFileSync(configMap, readFileSync(configMap, 'utf8').replace('4096', '8192'));
    const verification = await succeed('drills.verifyBackup', { id: backupId });
    expect(verification.ok).toBe(false);
    expect(verification.problems.join('\n')).toContain('model-config.yaml');
    const before = await objectList('secondary');
    const { taskId, drillId } = await succeed('drills.start', { source: { kind: 'archive', backupId }, namespace: NS, targetConnectionId: ids.secondary });
    const task = await finishedTask(taskId);
    expect(task.status).toBe('failed');
    const drill = await succeed('drills.get', { id: drillId });
    expect(drill.outcome).toBe('failed');
    expect(drill.error).toContain('model-config.yaml');
    expect(drill.created).toEqual([]);
    expect(await objectList('secondary')).toEqual(before);
  }, 120_000);

  it('refuses a namespace that exists unless chosen, and never the backed-up one on its own cluster', async () => {
    // The S3 one: the folder one was tampered with above.
    const backupId = (await succeed('drills.backups', { namespace: NS, limit: 10 })).find((b) => b.location.startsWith('s3://'))!.id;
    const taken = `ph-it-drills-taken-${RUN}`;
    await kubectl('secondary', 'create', 'namespace', taken);
    try {
      const { taskId, drillId } = await succeed('drills.start', { source: { kind: 'archive', backupId }, namespace: NS, targetConnectionId: ids.secondary, targetNamespace: taken });
      expect((await finishedTask(taskId)).status).toBe('failed');
      expect((await succeed('drills.get', { id: drillId })).error).toMatch(/exists/);
      expect(await kubectl('secondary', 'get', 'configmaps', '-n', taken, '-o', 'name')).not.toContain('model-config');
    } finally {
      await kubectl('secondary', 'delete', 'namespace', taken, '--wait=false');
    }
    const own = await result('drills.start', { source: { kind: 'archive', backupId }, namespace: NS, targetConnectionId: ids.primary, targetNamespace: NS, allowExistingNamespace: true });
    expect(own).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  }, 120_000);

  it('fails a drill whose workload never becomes ready on its RTO, and still cleans up', async () => {
    await kubectl('primary', 'create', 'namespace', SLOW_NS);
    await apply('primary', [deployment(SLOW_NS, 'stuck', 1, true), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: SLOW_NS }, data: { a: 'b' } }]);
    await succeed('drills.saveTarget', { connectionId: ids.primary, namespace: SLOW_NS, rtoSeconds: 8, rpoSeconds: 3600, everyDays: 1, checks: [] });
    const backupId = await backUp([SLOW_NS], folderDestination);
    const before = await objectList('primary');
    const { taskId, drillId } = await succeed('drills.start', { source: { kind: 'archive', backupId }, namespace: SLOW_NS, targetConnectionId: ids.primary, readyTimeoutSeconds: 10 });
    await finishedTask(taskId);
    const drill = await succeed('drills.get', { id: drillId });
    expect(drill.outcome).toBe('failed');
    expect(drill.rtoMs).toBeUndefined();
    expect(`${drill.error ?? ''} ${drill.checks.map((c) => c.detail).join(' ')}`).toMatch(/stuck/);
    expect(drill.leftovers).toBe(0);
    await until('the drill namespace to go', async () => JSON.stringify(await objectList('primary')) === JSON.stringify(before), 60_000, 500);
  }, 120_000);

  it('cleans up what a cancelled restore created', async () => {
    const big = `ph-it-drills-big-${RUN}`;
    await kubectl('primary', 'create', 'namespace', big);
    try {
      await apply('primary', Array.from({ length: 300 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}`, namespace: big }, data: { i: String(i) } })));
      const backupId = await backUp([big], folderDestination);
      const before = await objectList('secondary');
      const { taskId, drillId } = await succeed('drills.start', { source: { kind: 'archive', backupId }, namespace: big, targetConnectionId: ids.secondary });
      await until('the restore to be under way', async () => (await succeed('drills.get', { id: drillId })).created.length >= 20, 60_000, 20);
      await succeed('tasks.cancel', { id: taskId });
      expect((await finishedTask(taskId)).status).toBe('cancelled');
      const drill = await succeed('drills.get', { id: drillId });
      expect(drill).toMatchObject({ outcome: 'cancelled', leftovers: 0 });
      await until('the cancelled drill namespace to go', async () => JSON.stringify(await objectList('secondary')) === JSON.stringify(before), 60_000, 500);
    } finally {
      await kubectl('primary', 'delete', 'namespace', big, '--wait=false').catch(() => undefined);
    }
  }, 180_000);

  it('drills a Velero backup: Velero restores it into a drill namespace, and the drill judges and removes it', async () => {
    const velero = bed.velero;
    await ensureVeleroBucket(bed.moto);
    await until(`Velero's BackupStorageLocation to be Available (log: ${velero.logFile})`, async () => (await veleroLocationPhase(bed.clusters.primary)) === 'Available', 60_000, 1000);
    const backupName = `ph-it-drills-${RUN}`;
    await apply('primary', [{ apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: backupName, namespace: velero.namespace }, spec: { includedNamespaces: [NS], snapshotVolumes: false, storageLocation: velero.location, ttl: '2h0m0s' } }]);
    await until(
      `Velero Backup ${backupName} to complete (log: ${velero.logFile})`,
      async () => (await kubectl('primary', 'get', 'backups.velero.io', backupName, '-n', velero.namespace, '-o', 'jsonpath={.status.phase}')) === 'Completed',
      120_000,
      1000,
    );
    const overview = await succeed('drills.velero', { connectionId: ids.primary });
    expect(overview.installed && overview.backups.find((b) => b.name === backupName)).toMatchObject({ phase: 'Completed', namespaces: [NS] });
    expect(await succeed('drills.velero', { connectionId: ids.secondary })).toEqual({ installed: false });
    // Velero restores into its own cluster only.
    const source = { kind: 'velero' as const, connectionId: ids.primary, backupName, veleroNamespace: velero.namespace };
    expect(await result('drills.start', { source, namespace: NS, targetConnectionId: ids.secondary })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const before = await objectList('primary');
    const { taskId, drillId } = await succeed('drills.start', { source, namespace: NS, targetConnectionId: ids.primary });
    const task = await finishedTask(taskId);
    expect(task.status, task.error?.message).toBe('succeeded');
    const drill = await succeed('drills.get', { id: drillId });
    expect(drill, JSON.stringify(drill.checks)).toMatchObject({ outcome: 'passed', source, kept: false, leftovers: 0 });
    expect(drill.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['Workloads ready', 'Velero restore', 'Deployment web ≥ 2 ready']));
    expect(drill.timeline.map((e) => e.message).join('\n')).toMatch(/Velero Restore .* ended Completed/);
    expect(drill.rpoMs).toBeGreaterThanOrEqual(0);
    await until('the Velero drill namespace to go', async () => JSON.stringify(await objectList('primary')) === JSON.stringify(before), 60_000, 500);
  }, 240_000);
});
