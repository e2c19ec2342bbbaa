/**
 * Backup archives in S3, against the bed's moto: a destination checked with
 * HeadBucket (a missing bucket named), an archive of 1,050 objects written
 * under a prefix (so listing and removal go past one 1,000-key page), read
 * back whole with its Secret decrypted, a prefix without its manifest not
 * taken for an archive, an object changed in the bucket refused with its
 * file named, and removal leaving no key behind; then a backup of the
 * seeded namespace team-a read from the primary cluster (as cluster-admin,
 * and as the restricted user, whose forbidden kinds are skipped) into that
 * bucket and read back. Buckets are this file's own (`h1-…`), removed after;
 * the cluster is only read.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { CreateBucketCommand, DeleteBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppError } from '../../shared/result';
import { credentialProvider } from '../../electron/services/aws/awsCredentials';
import type { AwsAccess } from '../../electron/services/connections/providers/provider';
import { readArchive, verifyArchive } from '../../electron/services/drills/archive/archiveReader';
import { checkDestination, createS3Client, createS3Store, type ArchiveStore } from '../../electron/services/drills/archive/archiveStores';
import { writeArchive, type ObjectToArchive } from '../../electron/services/drills/archive/archiveWriter';
import { dataHash } from '../../electron/services/drills/archive/dataHash';
import { createDrillKeys, type DrillKey } from '../../electron/services/drills/archive/secretCrypto';
import { BACKUP_PHASES, backupCleanup, backupName, runBackup } from '../../electron/services/drills/backup/backupRun';
import { discoverResources } from '../../electron/services/kube/client/discovery';
import { objectPath } from '../../electron/services/kube/client/kubeAccess';
import { kubeRequest } from '../../electron/services/kube/client/kubeHttp';
import type { KubeObject } from '../../electron/services/kube/model/kubeObject';
import { AesGcmSecretBox } from '../../electron/services/secrets/aesGcmSecretBox';
import { openDatabase } from '../../electron/services/store/database';
import type { TaskContext } from '../../electron/services/tasks/taskRunner';
import { madeTempDir } from '../support/tempDirs';

const bed = inject('testbed');
const moto = bed.moto;
const access: AwsAccess = {
  credentials: credentialProvider({ kind: 'static', accessKeyId: moto.accessKeyId, secretAccessKey: moto.secretAccessKey }, moto.region, moto.endpoint),
  region: moto.region,
  endpoint: moto.endpoint,
};
const connections = { awsAccessOf: () => access };
const bucket = `h1-archive-${randomBytes(4).toString('hex')}`;
const PREFIX = 'team/backups';
const NAME = 'pilothouse-team-a-20261204T101500Z';
const key: DrillKey = { id: 'key-1', key: randomBytes(32) };
const keys = { byId: () => key };
let client: S3Client;
let store: ArchiveStore;

function objects(): ObjectToArchive[] {
  const configMaps = Array.from({ length: 1049 }, (_, i): ObjectToArchive => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'team-a' }, data: { i: String(i) } };
    return { apiVersion: 'v1', kind: 'ConfigMap', group: '', resource: 'configmaps', namespace: 'team-a', name: `cm-${i}`, order: 4, dataSha256: dataHash(object), object };
  });
  const secret = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'db', namespace: 'team-a' }, data: { password: 'aHVudGVyMg==' } };
  return [...configMaps, { apiVersion: 'v1', kind: 'Secret', group: '', resource: 'secrets', namespace: 'team-a', name: 'db', order: 4, dataSha256: dataHash(secret), object: secret }];
}

/** Every key of the bucket. */
async function bucketKeys(): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) found.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

beforeAll(async () => {
  client = createS3Client(access);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  store = createS3Store({ kind: 's3', awsConnectionId: 'aws', bucket, prefix: `${PREFIX}/` }, access);
});

afterAll(async () => {
  await store.remove(NAME).catch(() => undefined);
  await store.remove('pilothouse-partial').catch(() => undefined);
  await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  store.close();
  client.destroy();
});

describe('an S3 destination', () => {
  it('is checked with HeadBucket; a missing bucket is named', async () => {
    await checkDestination({ kind: 's3', awsConnectionId: 'aws', bucket, prefix: '' }, connections);
    const missing = `h1-missing-${randomBytes(4).toString('hex')}`;
    const err = (await checkDestination({ kind: 's3', awsConnectionId: 'aws', bucket: missing, prefix: '' }, connections).catch((e: unknown) => e)) as AppError;
    expect([err.code, err.message]).toEqual(['NOT_FOUND', `There is no bucket ${missing} (or it is in another region than the connection's)`]);
  });

  it('takes an archive of 1,050 objects under its prefix and gives it back verified', async () => {
    const started = performance.now();
    const written = await writeArchive(store, NAME, { id: 'b1', takenAt: new Date().toISOString(), source: { connectionName: 'primary' }, namespaces: ['team-a'], skipped: [] }, objects(), { key });
    const writeMs = performance.now() - started;
    expect(written.location).toBe(`s3://${bucket}/${PREFIX}/${NAME}`);
    const stored = await bucketKeys();
    expect(stored).toHaveLength(1051);
    expect(stored.every((k) => k.startsWith(`${PREFIX}/${NAME}/`))).toBe(true);
    expect(stored).toContain(`${PREFIX}/${NAME}/manifest.json`);
    const read = await readArchive(store, NAME, { manifestSha256: written.manifestSha256, keys });
    expect(read.objects).toHaveLength(1050);
    expect(read.objects.find((o) => o.entry.kind === 'Secret')!.object.data).toEqual({ password: 'aHVudGVyMg==' });
    console.log(`S3 (moto): 1,051 files written in ${Math.round(writeMs)} ms, read and verified in ${Math.round(performance.now() - started - writeMs)} ms`);
  });

  it('does not take a prefix without its manifest for an archive', async () => {
    await store.write('pilothouse-partial', 'objects/team-a/core/configmaps/a.yaml', Buffer.from('a: 1\n'));
    expect(await verifyArchive(store, 'pilothouse-partial', { keys })).toEqual({
      ok: false,
      files: 0,
      problems: ['manifest.json is missing: this is not a Pilothouse archive, or its backup did not finish'],
    });
    await store.remove('pilothouse-partial');
    expect(await store.list('pilothouse-partial')).toEqual([]);
  });

  it('refuses an object changed in the bucket, naming its file', async () => {
    const path = 'objects/team-a/core/configmaps/cm-7.yaml';
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}/${NAME}/${path}`, Body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-7, namespace: team-a}\ndata: {i: "8"}\n' }));
    const err = (await readArchive(store, NAME, { keys }).catch((e: unknown) => e)) as AppError;
    expect(err.message).toMatch(new RegExp(`^${path} was changed after the backup: its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}$`));
  });

  it('removes every key of the archive, past one page of 1,000', async () => {
    await store.remove(NAME);
    expect(await bucketKeys()).toEqual([]);
    expect(await store.list(NAME)).toEqual([]);
  });
});

describe('a backup of the bed', () => {
  /** The primary cluster as `user` sees it, through the services' own client and discovery. */
  const clusterAs = (user: 'admin' | 'restricted') => {
    const kc = new KubeConfig();
    kc.loadFromFile(bed.clusters.primary.kubeconfigs[user]);
    return { kc, access: { config: async () => kc, discover: () => discoverResources(kc) } };
  };
  const keysOf = () => createDrillKeys(openDatabase({ file: join(madeTempDir('ph-drill-it-'), 'pilothouse.db') }), AesGcmSecretBox.fromKey(randomBytes(32), 'test'));
  const context = (phases: string[]): TaskContext => ({
    id: 't',
    signal: new AbortController().signal,
    phase: (p) => {
      if (phases.at(-1) !== p) phases.push(p);
    },
    progress: () => undefined,
    throwIfCancelled: () => undefined,
    log: () => undefined,
    record: () => undefined,
  });

  it('backs up team-a into S3, without what the cluster recreates, and reads it back with its Secrets as the cluster has them', async () => {
    const { kc, access: kube } = clusterAs('admin');
    const keys = keysOf();
    const phases: string[] = [];
    const name = backupName(['team-a'], new Date(), 'b-it');
    try {
      const result = await runBackup(context(phases), { access: kube, keys, store }, { id: 'b-it', name, connectionId: 'primary', connectionName: 'pilothouse-primary', namespaces: ['team-a'] });
      expect(phases).toEqual([...BACKUP_PHASES]);
      expect(result.skipped).toEqual([]);
      expect(result.manifest.source.server).toBe(kc.getCurrentCluster()!.server);
      const kinds = result.counts.map((c) => c.kind);
      expect(kinds).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Service', 'ConfigMap']));
      expect(kinds).not.toContain('ReplicaSet');
      expect(kinds).not.toContain('Endpoints');
      expect(kinds).not.toContain('EndpointSlice');
      expect(kinds).not.toContain('Event');
      expect(result.leftOut).toContainEqual(expect.objectContaining({ kind: 'ReplicaSet', reason: 'its Deployment recreates it' }));
      const read = await readArchive(store, name, { manifestSha256: result.manifestSha256, keys });
      expect(read.objects).toHaveLength(result.objectCount);
      expect(read.objects.map((o) => o.entry.order)).toEqual([...read.objects.map((o) => o.entry.order)].sort((a, b) => a - b));
      for (const { entry, object } of read.objects) {
        expect(object.metadata?.uid, entry.path).toBeUndefined();
        expect(object.status, entry.path).toBeUndefined();
        if (entry.kind === 'Pod') expect(object.metadata?.ownerReferences?.some((r) => r.controller), entry.path).toBeFalsy();
      }
      // Each Secret's data, decrypted, hashes as the live Secret's does (the seed does not change them).
      const secrets = read.objects.filter((o) => o.entry.kind === 'Secret');
      expect(result.secretCount).toBe(secrets.length);
      for (const { entry, object } of secrets) {
        const live = await kubeRequest<KubeObject>(kc, objectPath({ group: '', version: 'v1', resource: 'secrets' }, 'team-a', entry.name));
        expect(live.body.data).toEqual(object.data);
      }
    } finally {
      await backupCleanup(store, name)();
    }
    expect(await store.list(name)).toEqual([]);
  });

  it('as a user who may not list every kind, skips those and says why', async () => {
    const { access: kube } = clusterAs('restricted');
    const name = backupName(['team-a'], new Date(), 'b-it2');
    try {
      const result = await runBackup(context([]), { access: kube, keys: keysOf(), store }, { id: 'b-it2', name, connectionId: 'restricted', connectionName: 'restricted', namespaces: ['team-a'] });
      expect(result.skipped.length).toBeGreaterThan(0);
      for (const s of result.skipped) expect(s.reason).toMatch(/No access \(403\)/);
      expect((await verifyArchive(store, name, { manifestSha256: result.manifestSha256 })).ok).toBe(true);
    } finally {
      await backupCleanup(store, name)();
    }
  });
});
