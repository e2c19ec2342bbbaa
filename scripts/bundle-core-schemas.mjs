// Makes the schemas the pipeline editor falls back on before a cluster was
// ever reached (resources/schemas/kubernetes-<major.minor>-core.json.gz), and
// the unit tests' fixtures (electron/services/pipelines/schemas/fixtures/),
// from a running cluster's /openapi/v3: by default the test bed's primary
// cluster (`npm run testbed:up` first).
//
//   node scripts/bundle-core-schemas.mjs [--kubeconfig FILE] [--kubectl BIN] [--fixtures]
//
// The bundle is one cut-down OpenAPI v3 document: the schemas of the core
// kinds below and every schema they reference, as the cluster served them
// (electron/services/pipelines/schemas/openapiSchema.ts converts them at run
// time, as it does a cluster's), with the server version it came from.
// Run it again when the bed's Kubernetes version moves, and delete the old file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bed = join(homedir(), '.cache/pilothouse/testbed');

/** The kinds people put in pipeline specs. */
const CORE_KINDS = [
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'ServiceAccount'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'Namespace'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ['policy/v1', 'PodDisruptionBudget'],
];

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback() : process.argv[at + 1];
}

const kubectl = option('--kubectl', () => {
  const dir = readdirSync(bed).find((d) => d.startsWith('k8s-v'));
  if (!dir) throw new Error(`no k8s-v* build under ${bed}: run npm run testbed:prereqs, or pass --kubectl`);
  return join(bed, dir, 'bin/kubectl');
});
const kubeconfig = option('--kubeconfig', () => join(bed, 'run/pilothouse-primary/admin.kubeconfig'));

const raw = (path) => JSON.parse(execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', path], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }));
const gvPath = (apiVersion) => (apiVersion.includes('/') ? `apis/${apiVersion}` : `api/${apiVersion}`);
const REF = '#/components/schemas/';

/** The schema name of each kind a document serves. */
function kindsOf(doc) {
  const byKind = new Map();
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      const key = `${gvk.group ? `${gvk.group}/` : ''}${gvk.version} ${gvk.kind}`;
      if (!byKind.has(key)) byKind.set(key, name);
    }
  }
  return byKind;
}

/** `names` and every schema they reference, as the document has them. */
function closure(doc, names) {
  const out = {};
  const queue = [...names];
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string' && node.$ref.startsWith(REF)) queue.push(node.$ref.slice(REF.length));
      Object.values(node).forEach(walk);
    }
  };
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (out[name] || !doc.components.schemas[name]) continue;
    out[name] = doc.components.schemas[name];
    walk(out[name]);
  }
  return out;
}

/** A document of `gv` holding only what `kinds` reach. */
function cutDown(gv, kinds) {
  const doc = raw(`/openapi/v3/${gv}`);
  const byKind = kindsOf(doc);
  const names = kinds.map(([apiVersion, kind]) => {
    const name = byKind.get(`${apiVersion} ${kind}`);
    if (!name) throw new Error(`${gv} serves no ${kind}`);
    return name;
  });
  return { openapi: doc.openapi, info: doc.info, components: { schemas: closure(doc, names) } };
}

const version = raw('/version');

if (process.argv.includes('--fixtures')) {
  const dir = join(root, 'electron/services/pipelines/schemas/fixtures');
  mkdirSync(dir, { recursive: true });
  const write = (name, value) => {
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 1)}\n`);
    console.log(`wrote ${name}`);
  };
  const index = raw('/openapi/v3');
  const kept = ['api/v1', 'apis/apps/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/argoproj.io/v1alpha1'];
  write('index.json', { paths: Object.fromEntries(kept.filter((gv) => index.paths[gv]).map((gv) => [gv, index.paths[gv]])) });
  write('rbac-v1.json', cutDown('apis/rbac.authorization.k8s.io/v1', [['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding']]));
  write('argoproj-v1alpha1.json', cutDown('apis/argoproj.io/v1alpha1', [['argoproj.io/v1alpha1', 'AppProject'], ['argoproj.io/v1alpha1', 'Workflow']]));
} else {
  const schemas = {};
  const byGv = new Map();
  for (const k of CORE_KINDS) byGv.set(gvPath(k[0]), [...(byGv.get(gvPath(k[0])) ?? []), k]);
  for (const [gv, kinds] of byGv) Object.assign(schemas, cutDown(gv, kinds).components.schemas);
  const minor = /^v(\d+\.\d+)/.exec(version.gitVersion)?.[1] ?? 'unknown';
  const file = join(root, `resources/schemas/kubernetes-${minor}-core.json.gz`);
  mkdirSync(dirname(file), { recursive: true });
  const bundle = {
    serverVersion: version.gitVersion,
    kinds: CORE_KINDS.map(([apiVersion, kind]) => ({ apiVersion, kind })),
    document: { openapi: '3.0.0', info: { title: 'Kubernetes core kinds', version: version.gitVersion }, components: { schemas } },
  };
  const body = gzipSync(JSON.stringify(bundle), { level: 9 });
  writeFileSync(file, body);
  console.log(`wrote ${file}: ${Object.keys(schemas).length} schemas of ${CORE_KINDS.length} kinds from Kubernetes ${version.gitVersion}, ${(body.length / 1024).toFixed(0)} KB`);
}
