import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HELM_DESCRIPTION_MAX, HELM_MANIFEST_MAX, HELM_TEXT_MAX, HelmRevision } from '../../../shared/contract';
import { kubeConfigFor } from '../../../test/support/localKube';
import {
  decodeReleaseData,
  latestSecrets,
  manifestOf,
  maskManifestSecrets,
  newestPerRelease,
  readReleaseSecret,
  RELEASE_DECOMPRESSED_MAX,
  createReleaseReader,
  releaseSecretName,
  type ReleaseSecret,
  UNREADABLE_DOCUMENT,
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
    metadata: {
      name: releaseSecretName('web', revision),
      namespace: 'apps',
      uid: `uid-web-${revision}`,
      resourceVersion: '1',
      labels: { owner: 'helm', name: 'web', version: String(revision), status: 'deployed', ...labels },
    },
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

  it('cuts what a hostile release record says to what the contract carries, saying so with "…"', async () => {
    const long = 'x'.repeat(100_000);
    const record = releaseJson(2, { chart: { metadata: { name: long, version: '1', appVersion: long } }, info: { status: long, description: long } });
    const read = await readReleaseSecret(secret(2, encode(record), { status: '' }));
    if ('error' in read) throw new Error(read.error);
    const { revision } = read;
    expect([revision.chart.length, revision.appVersion.length, revision.status.length, revision.description.length]).toEqual([HELM_TEXT_MAX, HELM_TEXT_MAX, HELM_TEXT_MAX, HELM_DESCRIPTION_MAX]);
    expect(revision.description.endsWith('x…')).toBe(true);
    expect(HelmRevision.safeParse(revision).success).toBe(true);
    expect(HelmRevision.safeParse({ ...revision, description: long }).success).toBe(false);
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

  it('hides the values of a Secret however its document is written: a comment after the kind, JSON, indented, flow style, in a List, merged in, as !!binary', () => {
    const head = '---\n# Source: c/templates/s.yaml\n';
    const written = [
      'apiVersion: v1\nkind: Secret # db creds\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n',
      '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"stringData":{"password":"hunter2"}}\n',
      '  apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db\n  stringData:\n    password: hunter2\n',
      '"kind": \'Secret\'\nstringData: {password: hunter2}\n',
      'kind: List\nitems:\n- kind: ConfigMap\n  data: {a: "1"}\n- kind: Secret\n  stringData:\n    password: hunter2\n',
      'x-base: &base\n  kind: Secret\n<<: *base\nstringData:\n  password: hunter2\n',
      'kind: !!binary U2VjcmV0\nstringData:\n  password: hunter2\n',
    ];
    for (const doc of written) {
      const shown = maskManifestSecrets(MANIFEST + head + doc);
      expect(shown, doc).not.toContain('hunter2');
      expect(shown, doc).toContain('password: "<hidden: 7 bytes>"');
      expect(shown.startsWith(`${MANIFEST}${head}`), doc).toBe(true);
    }
    expect(maskManifestSecrets(`--- {kind: Secret, data: {password: aHVudGVyMg==}}\n`)).toBe('---\nkind: Secret\ndata:\n  password: "<hidden: 7 bytes>"\nmetadata: {}\n');
  });

  it('shows nothing of a document it cannot parse, or whose kind is written twice, and nothing of a manifest past the YAML limits', () => {
    const broken = '---\n# Source: web/templates/secret.yaml\nkind: Secret\ndata:\n  password: [unclosed\n';
    expect(maskManifestSecrets(MANIFEST + broken)).toBe(`${MANIFEST}---\n# Source: web/templates/secret.yaml\n${UNREADABLE_DOCUMENT}`);
    const notSaid = '---\n{"kind": "Config", "stringData": {"password": "hunter2"}\n';
    expect(maskManifestSecrets(MANIFEST + notSaid)).toBe(`${MANIFEST}---\n${UNREADABLE_DOCUMENT}`);
    const unknownTag = '---\nkind: !secret Secret\nstringData:\n  password: hunter2\n';
    expect(maskManifestSecrets(MANIFEST + unknownTag)).toBe(`${MANIFEST}---\n${UNREADABLE_DOCUMENT}`);
    const twice = '---\nkind: Secret\nstringData:\n  password: hunter2\nkind: ConfigMap\n';
    expect(maskManifestSecrets(MANIFEST + twice)).toBe(`${MANIFEST}---\n${UNREADABLE_DOCUMENT}`);
    const bomb = `---\na: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`;
    expect(maskManifestSecrets(MANIFEST + bomb)).toBe(`${MANIFEST}---\n${UNREADABLE_DOCUMENT}`);
    expect(maskManifestSecrets(`${MANIFEST}---\nkind: Secret\ndata: ${'['.repeat(100)}\n`)).toMatch(/^# <hidden: The manifest line 11: the document is nested far deeper than a rendered chart; refusing to read it>\n$/);
  });
});

describe('releaseReader against an apiserver', () => {
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  /**
   * An apiserver holding `secrets`: lists answer two to a page, as metadata only when asked so;
   * GETs of one Secret are counted, and those named in `forbidden` are refused.
   */
  async function apiserver(secrets: ReleaseSecret[], forbidden: string[] = []) {
    const gets: string[] = [];
    const lists: URLSearchParams[] = [];
    const server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      const list = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/secrets$/.exec(url.pathname);
      if (list) {
        lists.push(url.searchParams);
        const wanted = Object.fromEntries(url.searchParams.get('labelSelector')!.split(',').map((kv) => kv.split('=')));
        const picked = secrets.filter((s) => (!list[1] || s.metadata?.namespace === list[1]) && Object.entries(wanted).every(([k, v]) => s.metadata?.labels?.[k] === v));
        const from = Number(url.searchParams.get('continue') ?? 0);
        const page = picked.slice(from, from + 2).map((s) => (req.headers.accept?.startsWith('application/json;as=PartialObjectMetadataList') ? { metadata: s.metadata } : s));
        return json(200, { items: page, metadata: from + 2 < picked.length ? { continue: String(from + 2) } : {} });
      }
      const one = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(url.pathname);
      if (one) {
        gets.push(one[2]);
        if (forbidden.includes(one[2])) return json(403, { kind: 'Status', message: `secrets "${one[2]}" is forbidden` });
        const found = secrets.find((s) => s.metadata?.namespace === one[1] && s.metadata?.name === one[2]);
        return found ? json(200, found) : json(404, { kind: 'Status', message: 'not found' });
      }
      json(500, { message: `unexpected ${req.url}` });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return { kc: kubeConfigFor(server), gets, lists };
  }

  const api = (revision: number) => {
    const s = secret(revision, encode({ ...releaseJson(revision), name: 'api' }));
    return { ...s, metadata: { ...s.metadata, name: releaseSecretName('api', revision), uid: `uid-api-${revision}`, labels: { ...s.metadata!.labels, name: 'api' } } };
  };

  it('lists releases from metadata, fetching only each newest revision, with unreadable Secrets as rows', async () => {
    const { kc, gets, lists } = await apiserver([secret(1, encode(releaseJson(1))), secret(2, encode(releaseJson(2))), api(1), api(2), api(3)], [releaseSecretName('api', 3)]);
    const releaseReader = createReleaseReader();
    const listed = await releaseReader.releases(kc, undefined);
    expect(listed.releases.map((r) => `${r.name}@${r.revision}`)).toEqual(['web@2']);
    expect(listed.unreadable).toEqual([{ namespace: 'apps', secret: 'sh.helm.release.v1.api.v3', name: 'api', revision: 3, error: 'No access (403) while reading release Secret sh.helm.release.v1.api.v3: secrets "sh.helm.release.v1.api.v3" is forbidden' }]);
    expect(gets.sort()).toEqual(['sh.helm.release.v1.api.v3', 'sh.helm.release.v1.web.v2']);
    expect(lists.map((q) => q.get('continue'))).toEqual([null, '2', '4']);
    expect(lists[0].get('fieldSelector')).toBe('type=helm.sh/release.v1');
    expect(lists[0].get('limit')).toBe('500');
  });

  it('decodes nothing again on a poll: a Secret is fetched and decoded only at a resourceVersion not decoded before', async () => {
    const web = [secret(1, encode(releaseJson(1))), secret(2, encode(releaseJson(2))), secret(3, encode(releaseJson(3)))];
    const { kc, gets } = await apiserver(web);
    const releaseReader = createReleaseReader();
    const first = await releaseReader.history(kc, 'apps', 'web');
    expect(gets.splice(0).sort()).toEqual(['sh.helm.release.v1.web.v1', 'sh.helm.release.v1.web.v2', 'sh.helm.release.v1.web.v3']);
    expect(await releaseReader.history(kc, 'apps', 'web')).toEqual(first);
    expect((await releaseReader.releases(kc, undefined)).releases.map((r) => `${r.name}@${r.revision}`)).toEqual(['web@3']);
    expect(gets).toEqual([]);

    // helm rewrites revision 3's Secret when it is superseded: that one, and only that one, is read again.
    web[2] = { ...secret(3, encode({ ...releaseJson(3), info: { ...releaseJson(3).info, status: 'superseded' } }), { status: 'superseded' }), metadata: { ...web[2].metadata, resourceVersion: '2', labels: { ...web[2].metadata!.labels, status: 'superseded' } } };
    expect((await releaseReader.history(kc, 'apps', 'web')).revisions.map((r) => `${r.revision} ${r.status}`)).toEqual(['1 deployed', '2 deployed', '3 superseded']);
    expect(gets).toEqual(['sh.helm.release.v1.web.v3']);
  });

  it('keeps only so many decoded rows, the least recently decoded or used going first', async () => {
    const { kc, gets } = await apiserver([secret(1, encode(releaseJson(1))), secret(2, encode(releaseJson(2)))]);
    const releaseReader = createReleaseReader({ kept: 1 });
    await releaseReader.history(kc, 'apps', 'web');
    expect((await releaseReader.history(kc, 'apps', 'web')).revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(gets).toEqual(['sh.helm.release.v1.web.v1', 'sh.helm.release.v1.web.v2', 'sh.helm.release.v1.web.v1']);
  });

  it('reads every revision of one release for its history, oldest first, and one revision\'s manifest', async () => {
    const { kc } = await apiserver([secret(3, encode(releaseJson(3))), secret(1, encode(releaseJson(1))), secret(2, 'garbage!'), api(1)]);
    const releaseReader = createReleaseReader();
    const history = await releaseReader.history(kc, 'apps', 'web');
    expect(history.revisions.map((r) => r.revision)).toEqual([1, 3]);
    expect(history.unreadable.map((u) => u.revision)).toEqual([2]);
    expect(await releaseReader.manifest(kc, 'apps', 'web', 3)).toEqual({ revision: 3, manifest: MANIFEST, truncated: false });
    await expect(releaseReader.manifest(kc, 'apps', 'web', 9)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Revision 9 of release "web" in apps is not kept (no Secret sh.helm.release.v1.web.v9)' });
    await expect(releaseReader.manifest(kc, 'apps', 'web', 2)).rejects.toMatchObject({ code: 'VALIDATION', message: 'Cannot read this release Secret: its "release" data is not base64' });
  });
});
