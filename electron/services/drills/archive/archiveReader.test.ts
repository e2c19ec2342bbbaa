import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ARCHIVE_FORMAT } from '../../../../shared/contract/drills';
import { AppError } from '../../../../shared/result';
import { madeTempDir } from '../../../../test/support/tempDirs';
import { createHash } from 'node:crypto';
import { readArchive, verifyArchive } from './archiveReader';
import { createFolderStore, type ArchiveStore } from './archiveStores';
import type { ArchiveManifest } from './archiveTypes';
import { countKinds, objectYaml, writeArchive, type ObjectToArchive } from './archiveWriter';
import { dataHash } from './dataHash';
import type { DrillKey } from './secretCrypto';

const NAME = 'pilothouse-team-a-20261204T101500Z';
const CM = 'objects/team-a/core/configmaps/app.yaml';
const SECRET = 'objects/team-a/core/secrets/db.yaml';
const DEPLOY = 'objects/team-a/apps/deployments/web.yaml';
const VALUE = Buffer.from('hunter2-value').toString('base64');

const key: DrillKey = { id: 'key-1', key: randomBytes(32) };
const keys = { byId: (id: string) => (id === key.id ? key : (() => { throw new AppError('NOT_FOUND', "The key this archive was encrypted with is not in this Pilothouse's store"); })()) };

function objects(): ObjectToArchive[] {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'team-a' }, data: { mode: '0777', 'a.json': '{"x": 1}' } };
  const secret = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'db', namespace: 'team-a' }, data: { password: VALUE } };
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } } };
  return [
    { apiVersion: 'v1', kind: 'Namespace', group: '', resource: 'namespaces', name: 'team-a', order: 1, object: ns },
    { apiVersion: 'v1', kind: 'ConfigMap', group: '', resource: 'configmaps', namespace: 'team-a', name: 'app', order: 4, dataSha256: dataHash(cm), object: cm },
    { apiVersion: 'v1', kind: 'Secret', group: '', resource: 'secrets', namespace: 'team-a', name: 'db', order: 4, dataSha256: dataHash(secret), object: secret },
    { apiVersion: 'apps/v1', kind: 'Deployment', group: 'apps', resource: 'deployments', namespace: 'team-a', name: 'web', order: 8, object: deploy },
  ];
}

let dir: string;
let store: ArchiveStore;
let manifestSha256: string;
const file = (path: string) => join(dir, NAME, path);
const manifest = () => JSON.parse(readFileSync(file('manifest.json'), 'utf8')) as ArchiveManifest;
/** Rewrites the manifest (the backup's record then no longer matches it: tests pass no recorded sha unless they mean to). */
const rewrite = (change: (m: ArchiveManifest) => void) => {
  const m = manifest();
  change(m);
  writeFileSync(file('manifest.json'), JSON.stringify(m));
};
const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
/** Writes `text` at `path` and records its hash and size in the manifest, as someone covering their tracks would. */
const forge = (path: string, text: string) => {
  writeFileSync(file(path), text);
  rewrite((m) => {
    const entry = m.objects.find((e) => e.path === path)!;
    entry.sha256 = sha(text);
    entry.bytes = Buffer.byteLength(text);
  });
};

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('it was not refused');
}

beforeEach(async () => {
  dir = madeTempDir('ph-archive-');
  store = createFolderStore(dir);
  const written = await writeArchive(store, NAME, { id: 'b1', takenAt: '2026-12-04T10:15:00.000Z', source: { connectionName: 'prod', server: 'https://k8s' }, namespaces: ['team-a'], skipped: [] }, objects(), {
    key,
    now: () => new Date('2026-12-04T10:15:02.000Z'),
  });
  manifestSha256 = written.manifestSha256;
});

describe('an archive written', () => {
  it('holds one YAML per object where the format puts it, and a manifest with each file hash', async () => {
    const m = manifest();
    expect(m).toMatchObject({ format: ARCHIVE_FORMAT, id: 'b1', name: NAME, keyId: 'key-1', finishedAt: '2026-12-04T10:15:02.000Z', namespaces: ['team-a'] });
    expect(m.objects.map((e) => e.path)).toEqual(['objects/_cluster/core/namespaces/team-a.yaml', CM, SECRET, DEPLOY]);
    for (const e of m.objects) expect(sha(readFileSync(file(e.path)))).toBe(e.sha256);
    expect(m.counts).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', count: 1 },
      { apiVersion: 'apps/v1', kind: 'Deployment', count: 1 },
      { apiVersion: 'v1', kind: 'Namespace', count: 1 },
      { apiVersion: 'v1', kind: 'Secret', count: 1 },
    ]);
    expect(readFileSync(file(SECRET), 'utf8')).not.toContain(VALUE);
    expect(readFileSync(file(SECRET), 'utf8')).toContain('pilothouseEncrypted:');
    expect(m.objects.find((e) => e.path === SECRET)).toMatchObject({ encrypted: true });
  });

  it('keeps a Secret\'s data hash out of the manifest, which is in clear: an unsalted hash of a short password would give it away to a guess', async () => {
    const entry = manifest().objects.find((e) => e.path === SECRET)!;
    expect(entry.dataSha256).toBeUndefined();
    expect(readFileSync(file('manifest.json'), 'utf8')).not.toContain(dataHash(objects()[2].object));
    // Read back, the entry has it again, from the values the key opened: a drill compares the restored Secret with it.
    const read = await readArchive(store, NAME, { manifestSha256, keys });
    expect(read.objects.find((o) => o.entry.path === SECRET)!.entry.dataSha256).toBe(dataHash(objects()[2].object));
    expect(read.objects.find((o) => o.entry.path === CM)!.entry.dataSha256).toBe(dataHash(objects()[1].object));
  });

  it('reads back whole: every file checked, Secrets decrypted, objects as backed up in restore order', async () => {
    const read = await readArchive(store, NAME, { manifestSha256, keys });
    expect(read.manifestSha256).toBe(manifestSha256);
    expect(read.objects.map((o) => o.object)).toEqual(objects().map((o) => o.object));
    expect(await verifyArchive(store, NAME, { manifestSha256, keys })).toEqual({ ok: true, files: 5, problems: [] });
  });
});

describe('an archive refused', () => {
  const refusedWith = async (message: RegExp | string, options: { manifestSha256?: string } = {}) => {
    const err = await refusal(readArchive(store, NAME, { ...options, keys }));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('ARCHIVE_INVALID');
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
    expect(err.message).not.toContain(VALUE);
    return err;
  };

  it('names a file changed after the backup, with both hashes', async () => {
    const before = manifest().objects.find((e) => e.path === CM)!.sha256;
    writeFileSync(file(CM), readFileSync(file(CM), 'utf8').replace('0777', '0700'));
    const err = await refusedWith(`${CM} was changed after the backup: its sha256 is ${sha(readFileSync(file(CM)))}, the manifest says ${before}`, { manifestSha256 });
    expect(err.location).toEqual({ file: CM });
  });

  it('refuses a manifest swapped since the backup, even when every file matches it', async () => {
    forge(CM, readFileSync(file(CM), 'utf8').replace('0777', '0700'));
    await refusedWith(/^manifest\.json was changed after the backup: its sha256 is [0-9a-f]{64}, the backup's record says [0-9a-f]{64}$/, { manifestSha256 });
  });

  it('names a missing file, and an archive without its manifest', async () => {
    unlinkSync(file(DEPLOY));
    await refusedWith(`${DEPLOY} is missing from the archive`, { manifestSha256 });
    unlinkSync(file('manifest.json'));
    await refusedWith(/manifest\.json is missing: this is not a Pilothouse archive, or its backup did not finish/);
  });

  it('refuses an unknown format', async () => {
    rewrite((m) => (m.format = 'velero/v1'));
    await refusedWith(/declares the format "velero\/v1"; this Pilothouse reads pilothouse\.backup\/v1 archives only/);
  });

  it.each([
    ['a ".." segment', '../../etc/passwd.yaml'],
    ['a ".." segment inside', 'objects/team-a/../../../x.yaml'],
    ['an absolute path', '/etc/passwd'],
    ['a backslash', 'objects\\team-a\\x.yaml'],
    ['a NUL', 'objects/team-a/core/configmaps/app\0.yaml'],
  ])('refuses a manifest path with %s before reading anything', async (_what, path) => {
    rewrite((m) => (m.objects[1].path = path));
    const err = await refusedWith(/escapes the archive/);
    expect(err.message).toContain(path.replace('\0', '?'));
  });

  it('refuses a symbolic link anywhere in the folder, named', async () => {
    const outside = join(madeTempDir('ph-outside-'), 'app.yaml');
    renameSync(file(CM), outside);
    symlinkSync(outside, file(CM));
    await refusedWith(`${CM} is a symbolic link or not a regular file; an archive holds only files, and links are never followed`, { manifestSha256 });
  });

  it('refuses a linked folder holding the files the manifest names', async () => {
    const outside = madeTempDir('ph-outside-');
    renameSync(join(dir, NAME, 'objects', 'team-a', 'apps'), join(outside, 'apps'));
    symlinkSync(join(outside, 'apps'), join(dir, NAME, 'objects', 'team-a', 'apps'));
    await refusedWith('objects/team-a/apps is a symbolic link or not a regular file; an archive holds only files, and links are never followed', { manifestSha256 });
  });

  it('refuses a file holding another object than its entry says', async () => {
    const other = objectYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'kube-system' }, data: {} });
    forge(CM, other);
    await refusedWith(`${CM} holds ConfigMap kube-system/other (v1), but the manifest says it is ConfigMap team-a/app (v1)`);
  });

  it('refuses an entry whose API group is not its apiVersion\'s', async () => {
    rewrite((m) => {
      m.objects[3].group = 'batch';
      m.objects[3].path = DEPLOY.replace('/apps/', '/batch/');
    });
    renameSync(join(dir, NAME, 'objects', 'team-a', 'apps'), join(dir, NAME, 'objects', 'team-a', 'batch'));
    await refusedWith(`${DEPLOY.replace('/apps/', '/batch/')}: the manifest files Deployment team-a/web of apps/v1 under the API group "batch"`);
  });

  it('refuses an entry filed where another object\'s file goes', async () => {
    rewrite((m) => (m.objects[1].name = 'other'));
    await refusedWith(`The manifest files ConfigMap team-a/other at ${CM}, where objects/team-a/core/configmaps/other.yaml was expected`);
  });

  it('refuses an object of a namespace the backup did not take, which a restore of that namespace would write', async () => {
    const other = objectYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'kube-system' }, data: {} });
    const path = 'objects/kube-system/core/configmaps/app.yaml';
    mkdirSync(join(dir, NAME, 'objects', 'kube-system', 'core', 'configmaps'), { recursive: true });
    writeFileSync(file(path), other);
    rewrite((m) => {
      m.objects.push({ ...m.objects[1], path, namespace: 'kube-system', sha256: sha(other), bytes: Buffer.byteLength(other), dataSha256: dataHash({ data: {} }) });
      m.counts = countKinds(m.objects);
    });
    await refusedWith(`${path}: the manifest lists ConfigMap kube-system/app of namespace kube-system, which the backup did not take (it took team-a)`);
  });

  it('refuses a cluster-scoped entry other than a CRD or a namespace the backup took', async () => {
    const crb = objectYaml({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'own' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } });
    const path = 'objects/_cluster/rbac.authorization.k8s.io/clusterrolebindings/own.yaml';
    mkdirSync(join(dir, NAME, 'objects', '_cluster', 'rbac.authorization.k8s.io', 'clusterrolebindings'), { recursive: true });
    writeFileSync(file(path), crb);
    rewrite((m) => {
      m.objects.push({ path, apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', name: 'own', sha256: sha(crb), bytes: Buffer.byteLength(crb), encrypted: false, order: 0 });
      m.counts = countKinds(m.objects);
    });
    await refusedWith(`${path}: the manifest lists ClusterRoleBinding own, a cluster-scoped object; an archive holds only the CRDs its custom resources need and the Namespaces it took`);
  });

  it('refuses a key written twice, which would make the file read as another object', async () => {
    forge(CM, `${readFileSync(file(CM), 'utf8')}kind: Secret\n`);
    await refusedWith(/app\.yaml line \d+: kind appears twice/);
  });

  it('refuses YAML aliases, which a Pilothouse archive never holds', async () => {
    forge(CM, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: team-a}\ndata: &d {a: b}\nbinaryData: *d\n');
    await refusedWith(/more than 0 YAML aliases/);
  });

  it('refuses a path listed twice', async () => {
    rewrite((m) => m.objects.push({ ...m.objects[1] }));
    await refusedWith(`${CM} is listed twice in the manifest`);
  });

  it('refuses a file not in the manifest', async () => {
    writeFileSync(join(dir, NAME, 'objects', 'team-a', 'extra.yaml'), 'a: 1');
    await refusedWith('objects/team-a/extra.yaml is in the archive but not in its manifest', { manifestSha256 });
  });

  it('refuses a Secret whose ciphertext was changed, even with its hash updated', async () => {
    const text = readFileSync(file(SECRET), 'utf8');
    const ciphertext = /ciphertext: (\S+)/.exec(text)![1];
    const flipped = Buffer.from(ciphertext, 'base64');
    flipped[0] ^= 1;
    forge(SECRET, text.replace(ciphertext, flipped.toString('base64')));
    await refusedWith(`${SECRET}: Secret team-a/db: its encrypted values do not open with the archive's key; the file was changed after the backup (or the Secret renamed in it), so it is refused`);
  });

  it('refuses a Secret written in clear', async () => {
    forge(SECRET, objectYaml(objects()[2].object));
    await refusedWith(`${SECRET} holds a Secret that is not encrypted as Pilothouse writes them`);
  });

  it('refuses data that does not match the hash taken at backup', async () => {
    rewrite((m) => (m.objects[1].dataSha256 = 'f'.repeat(64)));
    await refusedWith(`${CM}: the data of ConfigMap team-a/app does not match the hash the backup recorded`);
  });

  it('says the key is not in this store', async () => {
    const err = await refusal(readArchive(store, NAME, { manifestSha256, keys: { byId: () => keys.byId('gone') } }));
    expect([err.code, err.message]).toEqual(['NOT_FOUND', "The key this archive was encrypted with is not in this Pilothouse's store"]);
  });

  it('says when there is no archive', async () => {
    rmSync(join(dir, NAME), { recursive: true });
    expect((await refusal(readArchive(store, NAME, { keys }))).code).toBe('NOT_FOUND');
  });
});

describe('verifying an archive', () => {
  it('lists every problem, each naming its file, rather than stopping at the first', async () => {
    writeFileSync(file(CM), 'changed');
    unlinkSync(file(DEPLOY));
    const outside = join(madeTempDir('ph-outside-'), 'x');
    writeFileSync(outside, 'x');
    symlinkSync(outside, join(dir, NAME, 'objects', 'team-a', 'link.yaml'));
    const result = await verifyArchive(store, NAME, { manifestSha256, keys });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'objects/team-a/link.yaml is a symbolic link or not a regular file; an archive holds only files, and links are never followed',
      `${DEPLOY} is missing from the archive`,
      expect.stringMatching(new RegExp(`^${CM} was changed after the backup`)),
    ]);
  });

  it('reports a key not held here as a problem, and checks the rest without it', async () => {
    const result = await verifyArchive(store, NAME, { manifestSha256, keys: { byId: () => keys.byId('gone') } });
    expect(result).toEqual({ ok: false, files: 5, problems: ["The key this archive was encrypted with is not in this Pilothouse's store"] });
    expect(await verifyArchive(store, NAME, { manifestSha256 })).toEqual({ ok: true, files: 5, problems: [] });
  });
});
