/**
 * Velero on the test bed: the real Velero server (v1.18.3) and its AWS
 * plugin (v1.14.3) running against the primary cluster, with moto's S3 as
 * the bucket. A real Backup of a namespace, then a drill's restore of it
 * through `startVeleroRestore`, mapped into another namespace, whose objects
 * are compared with the originals; the overview lists both, and says Velero
 * is not installed on the secondary cluster, which lacks its CRDs.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '../../shared/result';
import { createKubeAccess, type KubeAccess } from '../../electron/services/kube/client/kubeAccess';
import { createLogger } from '../../electron/services/logging/logger';
import { veleroOverview } from '../../electron/services/drills/velero/veleroOverview';
import { deleteVeleroRestore, startVeleroRestore, type VeleroRestoreResult } from '../../electron/services/drills/velero/veleroRestore';
import { RESTORE_NAME_LABEL } from '../../electron/services/drills/velero/veleroShapes';
import { until } from '../support/contract';
import { KWOK_TOLERATION } from '../testbed';
import { run } from '../testbed/proc';
import { ensureVeleroBucket, veleroLocationPhase } from '../testbed/velero';

const bed = inject('testbed');
const primary = bed.clusters.primary;

const velero = bed.velero;
const id = Date.now().toString(36);
const SOURCE = `h3-velero-${id}`;
const TARGET = `h3-drill-${id}`;
const BACKUP = `h3-velero-${id}`;
/** A Backup of a few objects takes seconds; the plugin's first start and S3 writes add a few more. */
const BACKUP_MS = 120_000;

const kubectl = async (...args: string[]) => (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json')) as T;

const kc = new KubeConfig();
kc.loadFromFile(primary.kubeconfigs.admin);
const kubeconfigs: Record<string, string> = { primary: primary.kubeconfigs.admin, secondary: bed.clusters.secondary.kubeconfigs.admin };
const access: KubeAccess = createKubeAccess({ kubeconfigOf: (connection) => readFileSync(kubeconfigs[connection], 'utf8') }, createLogger());

type Item = { metadata: { name: string; labels?: Record<string, string> }; data?: Record<string, string>; status?: { phase?: string; startTimestamp?: string; readyReplicas?: number } };

const applyList = (items: object[]) => run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, 'apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });

const source = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SOURCE } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: SOURCE }, data: { mode: 'drill', 'app.yaml': 'replicas: 1\nregion: us-east-1\n' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: SOURCE }, stringData: { token: `t-${id}` } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: SOURCE },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: SOURCE }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
];

let backupStartedAt = '';

beforeAll(async () => {
  // Every run's globalSetup resets moto, bucket included; Velero finds it again at its next check of the location (every 10 s).
  await ensureVeleroBucket(bed.moto);
  await until(`Velero's BackupStorageLocation to be Available (log: ${velero.logFile})`, async () => (await veleroLocationPhase(primary)) === 'Available', 60_000, 1000);
  await applyList(source);
  await until('the source Deployment to be ready', async () => ((await json<Item>('-n', SOURCE, 'get', 'deployment', 'web')).status?.readyReplicas ?? 0) >= 1, 60_000, 500);
  await applyList([
    {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name: BACKUP, namespace: velero.namespace },
      spec: { includedNamespaces: [SOURCE], snapshotVolumes: false, storageLocation: velero.location, ttl: '2h0m0s' },
    },
  ]);
  const backup = await until(
    `Velero Backup ${BACKUP} to complete (log: ${velero.logFile})`,
    async () => {
      const b = await json<Item>('-n', velero.namespace, 'get', 'backup', BACKUP);
      if (b.status?.phase === 'Failed' || b.status?.phase === 'FailedValidation' || b.status?.phase === 'PartiallyFailed') throw new Error(`Backup ${BACKUP} ended ${b.status.phase}`);
      return b.status?.phase === 'Completed' && b;
    },
    BACKUP_MS,
    1000,
  );
  backupStartedAt = backup.status?.startTimestamp ?? '';
}, BACKUP_MS + 90_000);

afterAll(async () => {
  await kubectl('delete', 'namespace', SOURCE, TARGET, '--ignore-not-found', '--wait=false');
  // A DeleteBackupRequest is how Velero removes a backup: its files in the bucket, the Backup and its Restores.
  await applyList([{ apiVersion: 'velero.io/v1', kind: 'DeleteBackupRequest', metadata: { name: `${BACKUP}-delete`, namespace: velero.namespace }, spec: { backupName: BACKUP } }]);
});

describe('a drill restore through Velero', () => {
  let result: VeleroRestoreResult;
  const progress: string[] = [];
  let started = '';

  beforeAll(async () => {
    result = await startVeleroRestore(kc, {
      backupName: BACKUP,
      veleroNamespace: velero.namespace,
      sourceNamespace: SOURCE,
      targetNamespace: TARGET,
      labels: { 'pilothouse.dev/drill': id },
      onStarted: (name) => (started = name),
      onProgress: (done, total, phase) => progress.push(`${phase} ${done}/${total}`),
      pollMs: 250,
    });
  }, 120_000);

  it('ends Completed with Velero\'s counts, and the backup\'s time for the RPO', () => {
    expect(result).toMatchObject({ name: started, phase: 'Completed', errors: 0 });
    expect(result.totalItems).toBeGreaterThanOrEqual(5);
    expect(result.itemsRestored).toBe(result.totalItems);
    expect(result.backupTakenAt).toBe(backupStartedAt);
    expect(Date.parse(result.completedAt!)).toBeGreaterThanOrEqual(Date.parse(result.startedAt!));
    expect(progress.at(-1)).toBe(`Completed ${result.totalItems}/${result.totalItems}`);
    expect(started).toMatch(new RegExp(`^${TARGET}-[a-z0-9]{5}$`));
  });

  it('restores the namespace\'s objects into the drill namespace, labelled with the Restore', async () => {
    const [cmSource, cmTarget] = await Promise.all([json<Item>('-n', SOURCE, 'get', 'configmap', 'settings'), json<Item>('-n', TARGET, 'get', 'configmap', 'settings')]);
    expect(cmTarget.data).toEqual(cmSource.data);
    expect(cmTarget.metadata.labels?.[RESTORE_NAME_LABEL]).toBe(result.name);
    const secret = await json<Item>('-n', TARGET, 'get', 'secret', 'token');
    expect(Buffer.from(secret.data?.token ?? '', 'base64').toString()).toBe(`t-${id}`);
    await json<Item>('-n', TARGET, 'get', 'service', 'web');
    // The restored Deployment's pods are kwok's: they run, so it becomes ready as a real one would.
    await until('the restored Deployment to be ready', async () => ((await json<Item>('-n', TARGET, 'get', 'deployment', 'web')).status?.readyReplicas ?? 0) >= 1, 60_000, 500);
    const restore = await json<{ spec: { namespaceMapping: Record<string, string>; includedNamespaces: string[] }; metadata: { labels: Record<string, string> } }>('-n', velero.namespace, 'get', 'restore', result.name);
    expect(restore.spec).toMatchObject({ includedNamespaces: [SOURCE], namespaceMapping: { [SOURCE]: TARGET } });
    expect(restore.metadata.labels['pilothouse.dev/drill']).toBe(id);
  });

  it('refuses a namespace the backup does not hold, and a backup that does not exist, creating no Restore', async () => {
    const before = (await kubectl('-n', velero.namespace, 'get', 'restores', '-o', 'name')).split('\n').filter(Boolean).length;
    const options = { veleroNamespace: velero.namespace, sourceNamespace: SOURCE, targetNamespace: `${TARGET}-x` };
    await expect(startVeleroRestore(kc, { ...options, backupName: BACKUP, sourceNamespace: 'team-a' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('does not include namespace team-a') });
    const missing = await startVeleroRestore(kc, { ...options, backupName: `${BACKUP}-nope` }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    const after = (await kubectl('-n', velero.namespace, 'get', 'restores', '-o', 'name')).split('\n').filter(Boolean).length;
    expect(after).toBe(before);
  });

  it('lists the Backup and the Restore in the overview', async () => {
    const overview = await veleroOverview(access, 'primary');
    if (!overview.installed) throw new Error('Velero is not seen as installed on the primary cluster');
    expect(overview.backups.find((b) => b.name === BACKUP)).toMatchObject({ namespace: velero.namespace, phase: 'Completed', namespaces: [SOURCE], errors: 0 });
    expect(overview.restores.find((r) => r.name === result.name)).toMatchObject({ phase: 'Completed', detail: BACKUP, namespaces: [SOURCE] });
  });

  it('deletes the Restore (Velero lets it go once its results are removed from the bucket), and again is no error', async () => {
    await deleteVeleroRestore(kc, velero.namespace, result.name);
    await until(`Restore ${result.name} to be gone (log: ${velero.logFile})`, async () => !(await kubectl('-n', velero.namespace, 'get', 'restores', '-o', 'name')).split('\n').includes(`restore.velero.io/${result.name}`), 30_000, 500);
    await deleteVeleroRestore(kc, velero.namespace, result.name);
    // What it restored stays: the drill's cleanup removes the namespace.
    await json<Item>('-n', TARGET, 'get', 'configmap', 'settings');
  });
});

it('says Velero is not installed where its CRDs are not served', async () => {
  expect(await veleroOverview(access, 'secondary')).toEqual({ installed: false });
});
