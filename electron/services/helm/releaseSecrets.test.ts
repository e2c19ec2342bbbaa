import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HELM_MANIFEST_MAX } from '../../../shared/contract';
import {
  decodeReleaseData,
  latestSecrets,
  manifestOf,
  maskManifestSecrets,
  newestPerRelease,
  readReleaseSecret,
  RELEASE_DECOMPRESSED_MAX,
  releaseSecretName,
  type ReleaseSecret,
} from './releaseSecrets';

const MANIFEST = '---\n# Source: web/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  tag: "1.1"\n';

/** A release record as helm 3 writes it (storage/driver/util.go: JSON, gzip, base64). */
function releaseJson(revision: number, overrides: Record<string, unknown> = {}) {
  return {
    name: 'web',
    info: {
      first_deployed: '2026-12-01T10:00:00.123456789Z',
      last_deployed: `2026-12-0${revision}T10:00:00.987654321Z`,
      deleted: '',
      description: revision === 1 ? 'Install complete' : 'Upgrade complete',
      status: 'deployed',
      notes: '',
    },
    chart: { metadata: { name: 'web', version: `0.${revision}.0`, appVersion: `1.${revision}`, apiVersion: 'v2', type: 'application' }, templates: [], values: { tag: '1.0' } },
    config: { tag: `1.${revision}` },
    manifest: MANIFEST,
    version: revision,
    namespace: 'apps',
    ...overrides,
  };
}

/** What the apiserver sends as the Secret's `data.release`: base64 of helm's own base64. */
const doubleBase64 = (inner: Buffer | string) => Buffer.from(Buffer.from(inner).toString('base64')).toString('base64');
const encode = (record: unknown) => doubleBase64(gzipSync(JSON.stringify(record)));

function secret(revision: number, release: unknown, labels: Record<string, string> = {}): ReleaseSecret {
  return {
    metadata: { name: releaseSecretName('web', revision), namespace: 'apps', labels: { owner: 'helm', name: 'web', version: String(revision), status: 'deployed', ...labels } },
    type: 'helm.sh/release.v1',
    data: { release },
  };
}

describe('decodeReleaseData', () => {
  it('reads base64(base64(gzip(json))) as the apiserver sends it', async () => {
    const record = await decodeReleaseData(encode(releaseJson(2)));
    expect(record).toMatchObject({ name: 'web', version: 2, manifest: MANIFEST });
  });

  it('reads a release helm stored without gzip, as its decoder allows', async () => {
    expect(await decodeReleaseData(doubleBase64(JSON.stringify(releaseJson(1))))).toMatchObject({ version: 1 });
  });

  it('refuses bad base64 in either layer rather than decoding garbage', async () => {
    await expect(decodeReleaseData('not base64!!')).rejects.toThrow(/"release" data is not base64/);
    await expect(decodeReleaseData(Buffer.from('%%%%').toString('base64'))).rejects.toThrow(/release inside it is not base64/);
    await expect(decodeReleaseData(undefined)).rejects.toThrow(/no "release" data/);
  });

  it('refuses a gzip bomb: inflating stops at the cap', async () => {
    const bomb = gzipSync(Buffer.alloc(RELEASE_DECOMPRESSED_MAX + 1024, 0x20));
    await expect(decodeReleaseData(doubleBase64(bomb))).rejects.toThrow(/more than 64 MiB: not read \(a gzip bomb\?\)/);
  });

  it('says so when the gzip stream or the JSON is broken, or the JSON is no release', async () => {
    const cut = gzipSync(JSON.stringify(releaseJson(1))).subarray(0, 20);
    await expect(decodeReleaseData(doubleBase64(cut))).rejects.toThrow(/not valid gzip/);
    await expect(decodeReleaseData(doubleBase64(gzipSync('{"name": "web",')))).rejects.toThrow(/not JSON/);
    await expect(decodeReleaseData(doubleBase64(gzipSync('[1, 2]')))).rejects.toThrow(/not a Helm release record/);
  });
});

describe('readReleaseSecret', () => {
  it('gives the revision as helm history shows it', async () => {
    const read = await readReleaseSecret(secret(2, encode(releaseJson(2))));
    expect(read).toEqual({
      revision: { name: 'web', namespace: 'apps', revision: 2, status: 'deployed', chart: 'web-0.2.0', appVersion: '1.2', updated: '2026-12-02T10:00:00.987Z', description: 'Upgrade complete' },
      manifest: MANIFEST,
    });
  });

  it('falls back to the labels for missing fields and leaves the rest empty', async () => {
    const read = await readReleaseSecret(secret(3, encode({ manifest: 42, info: { last_deployed: '0001-01-01T00:00:00Z' } }), { status: 'failed' }));
    expect(read).toEqual({ revision: { name: 'web', namespace: 'apps', revision: 3, status: 'failed', chart: '', appVersion: '', description: '' }, manifest: '' });
  });

  it('turns an unreadable Secret into a row that says why, with what its labels tell', async () => {
    expect(await readReleaseSecret(secret(4, 'garbage!'))).toEqual({
      namespace: 'apps',
      secret: 'sh.helm.release.v1.web.v4',
      name: 'web',
      revision: 4,
      error: 'Cannot read this release Secret: its "release" data is not base64',
    });
    const nameless: ReleaseSecret = { metadata: { name: 'odd', namespace: 'apps', labels: { owner: 'helm' } }, data: { release: encode({ info: {} }) } };
    expect(await readReleaseSecret(nameless)).toEqual({ namespace: 'apps', secret: 'odd', error: 'Cannot read this release Secret: the release has no name or revision' });
  });
});

describe('which Secrets a release list reads', () => {
  it('decodes only the highest labelled revision of each release, and every unlabelled Secret', () => {
    const other = { ...secret(1, ''), metadata: { name: releaseSecretName('api', 1), namespace: 'apps', labels: { owner: 'helm', name: 'api', version: '1' } } };
    const elsewhere = { ...secret(7, ''), metadata: { ...secret(7, '').metadata, namespace: 'team-b' } };
    const unlabelled: ReleaseSecret = { metadata: { name: 'x', namespace: 'apps', labels: { owner: 'helm' } } };
    const picked = latestSecrets([secret(1, ''), secret(10, ''), secret(9, ''), other, elsewhere, unlabelled]).map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`);
    expect(picked).toEqual(['apps/sh.helm.release.v1.web.v10', 'apps/sh.helm.release.v1.api.v1', 'team-b/sh.helm.release.v1.web.v7', 'apps/x']);
  });

  it('keeps the newest revision per release, sorted by namespace then name', () => {
    const r = (namespace: string, name: string, revision: number) => ({ name, namespace, revision, status: 'deployed', chart: '', appVersion: '', description: '' });
    expect(newestPerRelease([r('b', 'web', 1), r('a', 'web', 2), r('a', 'web', 5), r('a', 'api', 1)]).map((x) => `${x.namespace}/${x.name}@${x.revision}`)).toEqual([
      'a/api@1',
      'a/web@5',
      'b/web@1',
    ]);
  });
});

describe('manifestOf', () => {
  it('cuts a manifest longer than the contract carries and says so', () => {
    expect(manifestOf(1, MANIFEST)).toEqual({ revision: 1, manifest: MANIFEST, truncated: false });
    const long = manifestOf(2, 'x'.repeat(HELM_MANIFEST_MAX + 5));
    expect(long.truncated).toBe(true);
    expect(long.manifest).toHaveLength(HELM_MANIFEST_MAX);
  });
});

describe('maskManifestSecrets', () => {
  const SECRET = '---\n# Source: web/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: web-db\n  annotations:\n    note: "pw is hunter2hunter2"\ntype: Opaque\ndata:\n  password: aHVudGVyMmh1bnRlcjI=\nstringData:\n  token: "abcd-efgh"\n';

  it('hides every Secret value (keys and sizes stay) and leaves the other documents as helm rendered them', () => {
    const shown = maskManifestSecrets(MANIFEST + SECRET);
    expect(shown.startsWith(MANIFEST)).toBe(true);
    expect(shown).toContain('# Source: web/templates/secret.yaml\n');
    expect(shown).toContain('password: "<hidden: 14 bytes>"');
    expect(shown).toContain('token: "<hidden: 9 bytes>"');
    expect(shown).not.toContain('aHVudGVyMmh1bnRlcjI=');
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('abcd-efgh');
    expect(manifestOf(1, MANIFEST + SECRET).manifest).toBe(shown);
  });

  it('shows nothing of a Secret document it cannot parse', () => {
    const broken = '---\n# Source: web/templates/secret.yaml\nkind: Secret\ndata:\n  password: [unclosed\n';
    expect(maskManifestSecrets(MANIFEST + broken)).toBe(`${MANIFEST}---\n# Source: web/templates/secret.yaml\n# <hidden: a Secret that could not be read>\n`);
  });
});
