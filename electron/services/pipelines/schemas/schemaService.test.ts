import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/result';
import { createLogger } from '../../logging/logger';
import { migration013 } from '../../store/migrations/013_pipeline_specs';
import type { FetchDocument, FetchLimits } from './fetchDocument';
import { createSchemaParsePool, parseOnThisThread, type SchemaParser } from './schemaParser';
import { createSchemaService, parseIndex, type SchemaLimits } from './schemaService';

/** Recorded from the test bed (see scripts/bundle-core-schemas.mjs --fixtures). */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const index = JSON.parse(fixture('index.json')) as { paths: Record<string, { serverRelativeURL: string }> };
const urlOf = (gv: string) => index.paths[gv].serverRelativeURL;

const ROLE = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' };
const PROJECT = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

/**
 * A cluster answering from the fixtures: the index, and each group-version's
 * document at the URL the index gives it. `answers` overrides a path (text,
 * or an error to throw); `asked` lists every path requested, in order.
 */
function fakeCluster(answers: Record<string, string | Error> = {}) {
  const asked: string[] = [];
  const limits: FetchLimits[] = [];
  const documents: Record<string, string> = {
    '/openapi/v3': JSON.stringify(index),
    [urlOf('apis/rbac.authorization.k8s.io/v1')]: fixture('rbac-v1.json'),
    [urlOf('apis/argoproj.io/v1alpha1')]: fixture('argoproj-v1alpha1.json'),
  };
  const fetchDocument: FetchDocument = async (_connectionId, path, l) => {
    asked.push(path);
    limits.push(l);
    const answer = answers[path] ?? documents[path];
    if (answer instanceof Error) throw answer;
    if (answer === undefined) throw new AppError('NOT_FOUND', `Not found (404) while reading ${path}`);
    return answer;
  };
  return { asked, limits, fetchDocument, answers };
}

function setup(cluster = fakeCluster(), limits: Partial<SchemaLimits> = {}, db = dataFile(), parser: SchemaParser = parseOnThisThread) {
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l) });
  const service = createSchemaService({ db, access: { config: () => Promise.reject(new Error('not used')) }, log, fetchDocument: cluster.fetchDocument, limits, parser });
  return { service, cluster, db, lines };
}

function dataFile() {
  const db = new Database(':memory:');
  migration013.up(db);
  return db;
}

const offline = () => new AppError('UNREACHABLE', 'https://127.0.0.1:6443 refused the connection: is the apiserver running and the address right?');

describe('parseIndex', () => {
  it('maps each group-version to its URL and hash', () => {
    const parsed = parseIndex(fixture('index.json'));
    const apps = parsed.get('apis/apps/v1')!;
    expect(apps.url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
    expect(apps.hash).toBe(new URL(apps.url, 'http://x').searchParams.get('hash'));
    expect(parsed.has('api/v1')).toBe(true);
  });

  it('leaves out what is not a group-version, URLs outside /openapi/v3/, and refuses what is not an index', () => {
    const parsed = parseIndex(
      JSON.stringify({
        paths: {
          'apis/evil/v1': { serverRelativeURL: 'https://elsewhere.example/x' },
          // Resolved, these climb out of /openapi/v3 (and out of a proxy's /k8s/clusters/<id> prefix) with the user's credentials.
          'apis/climb/v1': { serverRelativeURL: '/openapi/v3/../../../v3/users?hash=1' },
          'apis/encoded/v1': { serverRelativeURL: '/openapi/v3/%2E%2e/%2e%2E/v3/users?hash=1' },
          'apis/dot/v1': { serverRelativeURL: '/openapi/v3/./apis/dot/v1?hash=1' },
          'apis/odd/v1': {},
          'api/v1': { serverRelativeURL: '/openapi/v3/api/v1' },
          '.well-known/openid-configuration': { serverRelativeURL: '/openapi/v3/.well-known/openid-configuration?hash=1' },
          apis: { serverRelativeURL: '/openapi/v3/apis?hash=2' },
          version: { serverRelativeURL: '/openapi/v3/version?hash=3' },
        },
      }),
    );
    expect([...parsed.keys()]).toEqual(['api/v1']);
    expect(parsed.get('api/v1')!.hash).toBe('/openapi/v3/api/v1');
    expect(() => parseIndex('[]')).toThrow(/paths/);
    expect(() => parseIndex('<html>')).toThrow();
  });
});

describe('createSchemaService', () => {
  it('fetches the index and only the group-versions of the kinds asked, and says the schema is the cluster\'s', async () => {
    const { service, cluster } = setup();
    const result = await service.schemaFor('c1', [ROLE]);
    expect(cluster.asked).toEqual(['/openapi/v3', urlOf('apis/rbac.authorization.k8s.io/v1')]);
    expect(result.kinds).toEqual([{ ...ROLE, source: 'cluster', fetchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(result.schema.allOf).toEqual([
      { if: { properties: { apiVersion: { const: ROLE.apiVersion }, kind: { const: 'Role' } }, required: ['apiVersion', 'kind'] }, then: { $ref: expect.stringMatching(/^#\/definitions\/io\.k8s\.api\.rbac\.v1\.Role@/) } },
    ]);
    // The index answers at once or the cluster counts as offline; a document may take a while, and is capped.
    expect(cluster.limits[0].deadlineMs).toBeLessThanOrEqual(5_000);
    expect(cluster.limits[1].maxChars).toBe(64 * 1024 * 1024);
  });

  it('reuses a cached document whose hash the index still gives, and answers again from memory', async () => {
    const db = dataFile();
    await setup(fakeCluster(), {}, db).service.schemaFor('c1', [ROLE]);
    const stored = db.prepare('SELECT group_version, hash, length(body_gzip) AS bytes FROM openapi_documents').all() as { group_version: string; hash: string; bytes: number }[];
    expect(stored).toEqual([{ group_version: 'apis/rbac.authorization.k8s.io/v1', hash: parseIndex(fixture('index.json')).get('apis/rbac.authorization.k8s.io/v1')!.hash, bytes: expect.any(Number) }]);
    expect(stored[0].bytes).toBeLessThan(fixture('rbac-v1.json').length / 3);

    // A new launch: the index is asked, the document is not.
    const { service, cluster } = setup(fakeCluster(), {}, db);
    const first = await service.schemaFor('c1', [ROLE, ROLE]);
    expect(cluster.asked).toEqual(['/openapi/v3']);
    expect(first.kinds).toEqual([{ ...ROLE, source: 'cluster', fetchedAt: expect.any(String) }]);
    // Within the index's time to live, nothing is asked at all.
    const started = performance.now();
    const again = await service.schemaFor('c1', [ROLE]);
    expect(performance.now() - started).toBeLessThan(50);
    expect(cluster.asked).toEqual(['/openapi/v3']);
    expect(again.schema).toEqual(first.schema);
  });

  it('fetches a document again when its hash changed', async () => {
    const db = dataFile();
    await setup(fakeCluster(), {}, db).service.schemaFor('c1', [ROLE]);
    const changed = structuredClone(index);
    const gv = 'apis/rbac.authorization.k8s.io/v1';
    changed.paths[gv].serverRelativeURL = `/openapi/v3/${gv}?hash=0123ABCD`;
    const cluster = fakeCluster({ '/openapi/v3': JSON.stringify(changed), [`/openapi/v3/${gv}?hash=0123ABCD`]: fixture('rbac-v1.json') });
    const { service } = setup(cluster, {}, db);
    expect((await service.schemaFor('c1', [ROLE])).kinds[0].source).toBe('cluster');
    expect(cluster.asked).toEqual(['/openapi/v3', `/openapi/v3/${gv}?hash=0123ABCD`]);
    expect(db.prepare('SELECT hash FROM openapi_documents').pluck().all()).toEqual(['0123ABCD']);
  });

  it('offline, serves the cache as of when it was fetched, then the bundled core kinds, then none, each saying so', async () => {
    const db = dataFile();
    const fetched = await setup(fakeCluster(), {}, db).service.schemaFor('c1', [ROLE]);
    const { service } = setup(fakeCluster({ '/openapi/v3': offline() }), {}, db);
    const result = await service.schemaFor('c1', [ROLE, DEPLOYMENT, PROJECT]);
    expect(result.kinds).toEqual([
      { ...ROLE, source: 'cache', fetchedAt: fetched.kinds[0].fetchedAt },
      { ...DEPLOYMENT, source: 'bundled', notice: expect.stringMatching(/could not be asked \(.*refused the connection.*\).*never cached: using the schema bundled with Pilothouse \(Kubernetes v1\.34\.\d+\)/) },
      { ...PROJECT, source: 'none', notice: expect.stringMatching(/never cached, and no schema of AppProject is bundled/) },
    ]);
    const branches = (result.schema.allOf as { if: { properties: { kind: { const: string } } } }[]).map((b) => b.if.properties.kind.const);
    expect(branches).toEqual(['Role', 'Deployment']);
  });

  it('offline, does not wait out the index\'s deadline on every call', async () => {
    const cluster = fakeCluster({ '/openapi/v3': offline() });
    const { service } = setup(cluster, { offlineRetryMs: 60_000 });
    await service.schemaFor('c1', [DEPLOYMENT]);
    await service.schemaFor('c1', [DEPLOYMENT]);
    expect(cluster.asked).toEqual(['/openapi/v3']);
    // A refresh asks anyway.
    await expect(service.refresh('c1')).rejects.toMatchObject({ code: 'UNREACHABLE' });
    expect(cluster.asked).toEqual(['/openapi/v3', '/openapi/v3']);
  });

  it('without a connection, serves the bundled core kinds', async () => {
    const { service, cluster } = setup();
    const result = await service.schemaFor(undefined, [DEPLOYMENT, { apiVersion: 'v1', kind: 'ConfigMap' }, PROJECT]);
    expect(cluster.asked).toEqual([]);
    expect(result.kinds.map((k) => k.source)).toEqual(['bundled', 'bundled', 'none']);
    expect(result.kinds[2].notice).toMatch(/No connection is chosen/);
  });

  it('reads a CRD\'s kind from the cluster', async () => {
    const { service } = setup();
    const result = await service.schemaFor('c1', [PROJECT]);
    expect(result.kinds).toEqual([{ ...PROJECT, source: 'cluster', fetchedAt: expect.any(String) }]);
    const definitions = result.schema.definitions as Record<string, { properties?: Record<string, unknown> }>;
    const root = Object.entries(definitions).find(([name]) => name.includes('@'))![1];
    expect(root.properties).toMatchObject({ kind: { const: 'AppProject' }, spec: expect.any(Object) });
  });

  it('says which kinds the cluster does not serve', async () => {
    const { service } = setup();
    const result = await service.schemaFor('c1', [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Sensor' }, { apiVersion: 'tekton.dev/v1', kind: 'Pipeline' }]);
    expect(result.kinds).toEqual([
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Sensor', source: 'none', notice: 'The cluster serves no kind Sensor in argoproj.io/v1alpha1' },
      { apiVersion: 'tekton.dev/v1', kind: 'Pipeline', source: 'none', notice: 'The cluster serves no tekton.dev/v1' },
    ]);
    expect(result.schema.allOf).toEqual([]);
  });

  it('keeps no malformed document, and says why the kind has no schema', async () => {
    const gv = 'apis/rbac.authorization.k8s.io/v1';
    for (const body of ['{"openapi":"3.0.0","paths":{}}', '{"components":{"schemas":', '<html>proxy error</html>']) {
      const { service, db } = setup(fakeCluster({ [urlOf(gv)]: body }));
      const result = await service.schemaFor('c1', [ROLE]);
      expect(result.kinds).toEqual([{ ...ROLE, source: 'bundled', notice: expect.stringMatching(/API schema for apis\/rbac.authorization.k8s.io\/v1 cannot be read/) }]);
      expect(db.prepare('SELECT count(*) FROM openapi_documents').pluck().get()).toBe(0);
    }
  });

  it('keeps the cached document when the newer one is too large, and says so', async () => {
    const db = dataFile();
    await setup(fakeCluster(), {}, db).service.schemaFor('c1', [ROLE]);
    const changed = structuredClone(index);
    const gv = 'apis/rbac.authorization.k8s.io/v1';
    changed.paths[gv].serverRelativeURL = `/openapi/v3/${gv}?hash=FFFF`;
    const tooLarge = new AppError('FILE_TOO_LARGE', `The cluster's API schema /openapi/v3/${gv} is over 64 MB, more than Pilothouse reads; its kinds edit without a schema`);
    const { service } = setup(fakeCluster({ '/openapi/v3': JSON.stringify(changed), [`/openapi/v3/${gv}?hash=FFFF`]: tooLarge }), {}, db);
    const result = await service.schemaFor('c1', [ROLE]);
    expect(result.kinds).toEqual([{ ...ROLE, source: 'cache', fetchedAt: expect.any(String), notice: expect.stringMatching(/newest schema .* could not be read \(.*over 64 MB.*\); using the one cached/) }]);
    expect(db.prepare('SELECT hash FROM openapi_documents').pluck().all()).not.toEqual(['FFFF']);
  });

  it('refresh fetches every group-version that changed, drops those no longer served, and forget drops all', async () => {
    const db = dataFile();
    db.prepare(`INSERT INTO openapi_documents VALUES ('c1', 'apis/gone.example/v1', 'X', x'00', '2026-01-01T00:00:00Z')`).run();
    const trimmed = { paths: Object.fromEntries(Object.entries(index.paths).filter(([gv]) => gv !== 'api/v1' && gv !== 'apis/apps/v1')) };
    const cluster = fakeCluster({ '/openapi/v3': JSON.stringify(trimmed) });
    const { service } = setup(cluster, {}, db);
    expect(await service.refresh('c1')).toEqual({ groupVersions: 2, fetched: 2 });
    expect(db.prepare('SELECT group_version FROM openapi_documents ORDER BY 1').pluck().all()).toEqual(['apis/argoproj.io/v1alpha1', 'apis/rbac.authorization.k8s.io/v1']);
    expect(await service.refresh('c1')).toEqual({ groupVersions: 2, fetched: 0 });
    service.forget('c1');
    expect(db.prepare('SELECT count(*) FROM openapi_documents').pluck().get()).toBe(0);
  });

  it('refresh rejects when the cluster cannot be asked', async () => {
    const { service } = setup(fakeCluster({ '/openapi/v3': offline() }));
    await expect(service.refresh('c1')).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });

  it('asks one cluster once for a document many callers want at the same time', async () => {
    const { service, cluster } = setup();
    await Promise.all([service.schemaFor('c1', [ROLE]), service.schemaFor('c1', [{ ...ROLE, kind: 'RoleBinding' }])]);
    expect(cluster.asked).toEqual(['/openapi/v3', urlOf('apis/rbac.authorization.k8s.io/v1')]);
  });

  it('parses in a worker thread, as the app does', async () => {
    const parser = createSchemaParsePool(createLogger());
    try {
      const db = dataFile();
      const { service } = setup(fakeCluster(), {}, db, parser);
      const result = await service.schemaFor('c1', [ROLE, PROJECT]);
      expect(result.kinds.map((k) => k.source)).toEqual(['cluster', 'cluster']);
      const inProcess = await setup(fakeCluster(), {}, dataFile()).service.schemaFor('c1', [ROLE, PROJECT]);
      expect(result.schema).toEqual(inProcess.schema);
      const bad = setup(fakeCluster({ [urlOf('apis/rbac.authorization.k8s.io/v1')]: '{"paths":{}}' }), {}, dataFile(), parser);
      expect((await bad.service.schemaFor('c1', [ROLE])).kinds[0].notice).toMatch(/cannot be read \(it has no components.schemas\)/);
    } finally {
      await parser.close();
    }
  });
});
