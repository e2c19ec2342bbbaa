/**
 * The kinds the inspector shows with kubectl's columns, against the real test
 * bed: an HPA and a PodDisruptionBudget created through the apiserver come
 * back as live rows whose columns and cells are what `kubectl get` prints for
 * them, and the headers of the other kinds match kubectl's too.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Column, KubeRowsEvent, ResourceRef, Row, WatchState } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import type { Subscription } from '../../electron/services/rpc/eventHub';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { contractClient, until } from '../support/contract';
import { KWOK_TOLERATION } from '../testbed';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);

const HPAS = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const PDBS = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };
/** This file's namespace, named per run since deleting one takes a while. */
const NS = `ph-it-kinds-${Date.now().toString(36)}`;

let services: Services;
let subscription: Subscription;
let connectionId = '';

const { call } = contractClient(() => services, { actor: 'it-kinds', session: 'it-kinds' });

/** Each watch's rows and state, built from the `kube.rows` events alone, as the UI builds them. */
const views = new Map<string, { rows: Map<string, Row>; state?: WatchState }>();
function apply(e: KubeRowsEvent): void {
  let v = views.get(e.watchId);
  if (!v) views.set(e.watchId, (v = { rows: new Map() }));
  if (e.reset) v.rows.clear();
  for (const r of e.upserts) v.rows.set(r.uid, r);
  for (const uid of e.deletes) v.rows.delete(uid);
  v.state = e.state;
}

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

/** `kubectl apply` of objects given as JSON, through the apiserver as a user would. */
async function kubectlApply(...objects: object[]): Promise<void> {
  const child = execFile(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, 'apply', '-f', '-']);
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl apply failed: ${stderr}`))));
  });
  child.stdin?.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  await done;
}

/** `kubectl get`'s table, header and rows split into cells (kubectl pads columns with at least three spaces). */
async function kubectlTable(...args: string[]): Promise<{ header: string[]; rows: string[][] }> {
  const [header, ...rows] = (await kubectl('get', ...args)).trimEnd().split('\n').map((line) => line.trim().split(/\s{2,}/));
  return { header, rows };
}

/** The header kubectl prints for the inspector's columns: NAME first (the row's own name), then each title upper-cased. */
const asKubectlHeader = (columns: Column[]) => ['NAME', ...columns.map((c) => c.title.toUpperCase())];

/** Opens a watch and waits until it is live; `until` then reads its rows. */
async function watch(resource: ResourceRef, namespace?: string) {
  const opened = await call('kube.watch', { connectionId, resource, ...(namespace ? { namespace } : {}) });
  await until(`the ${resource.resource} watch to be live`, () => views.get(opened.watchId)?.state?.phase === 'live');
  const rowNamed = (name: string) => [...(views.get(opened.watchId)?.rows.values() ?? [])].find((r) => r.name === name);
  return { ...opened, rowNamed, close: () => call('kube.unwatch', { watchId: opened.watchId }) };
}

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

beforeAll(async () => {
  ({ services } = createTestServices());
  subscription = services.hub.subscribe((batch) => {
    for (const e of batch.events) if (e.name === 'kube.rows') apply(e.payload as KubeRowsEvent);
    subscription.ack(batch.seq);
  });
  const path = primary.kubeconfigs.admin;
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name: 'primary-admin', onConflict: 'replace' }], 'it');
  connectionId = imported[0].id;

  await kubectl('create', 'namespace', NS);
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
  await kubectlApply(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { tolerations: [KWOK_TOLERATION], containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m' } } }] },
        },
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: NS },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: NS }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
  );
});

afterAll(async () => {
  subscription?.close();
  services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('discovery', () => {
  it('serves HPAs as autoscaling/v2 first (the version the picker opens) and the short names the palette knows', async () => {
    const { resources } = await call('kube.discover', { connectionId });
    const first = (group: string, resource: string) => resources.find((r) => r.group === group && r.resource === resource);
    expect(first('autoscaling', 'horizontalpodautoscalers')).toMatchObject({ version: 'v2', shortNames: ['hpa'] });
    expect(first('policy', 'poddisruptionbudgets')).toMatchObject({ version: 'v1', shortNames: ['pdb'] });
    expect(first('', 'serviceaccounts')?.shortNames).toEqual(['sa']);
    expect(first('networking.k8s.io', 'networkpolicies')?.shortNames).toEqual(['netpol']);
  });
});

describe("live rows with kubectl's columns", () => {
  it('an HPA with no metrics server: Reference, Targets "cpu: <unknown>/80%", MinPods, MaxPods, Replicas, as kubectl prints them', async () => {
    const hpas = await watch(HPAS, NS);
    expect(hpas.columns.map((c) => c.title)).toEqual(['Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
    const row = await until('the HPA row', () => hpas.rowNamed('web'));
    expect(row.cells).toEqual(['Deployment/web', 'cpu: <unknown>/80%', 2, 10, expect.any(Number), ISO]);

    expect((await kubectlTable('hpa', 'web', '-n', NS)).header).toEqual(asKubectlHeader(hpas.columns));
    // The controller writes Replicas when it gets to the HPA: compare with kubectl until both say the same.
    await until(
      'the HPA row to agree with kubectl get hpa',
      async () => {
        const [name, reference, targets, minPods, maxPods, replicas] = (await kubectlTable('hpa', 'web', '-n', NS)).rows[0];
        const cells = hpas.rowNamed('web')?.cells ?? [];
        return name === 'web' && [reference, targets, Number(minPods), Number(maxPods), Number(replicas)].join('|') === cells.slice(0, 5).join('|');
      },
      60_000,
      500,
    );

    // Live: a change made with kubectl reaches the row.
    await kubectl('patch', 'hpa', 'web', '-n', NS, '--type=merge', '-p', JSON.stringify({ spec: { maxReplicas: 5 } }));
    await until('MaxPods to follow the patch', () => hpas.rowNamed('web')?.cells[3] === 5);
    await hpas.close();
  });

  it('a PDB: Min Available, Max Unavailable (empty where kubectl says N/A), Allowed Disruptions once both pods are healthy', async () => {
    const pdbs = await watch(PDBS, NS);
    expect(pdbs.columns.map((c) => c.title)).toEqual(['Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    // Two healthy pods, one must stay: one may be disrupted.
    const row = await until('the PDB to allow one disruption', () => pdbs.rowNamed('web')?.cells[2] === 1 && pdbs.rowNamed('web'), 60_000);
    expect(row.cells).toEqual(['1', null, 1, ISO]);

    const table = await kubectlTable('pdb', 'web', '-n', NS);
    expect(table.header).toEqual(asKubectlHeader(pdbs.columns));
    expect(table.rows[0].slice(0, 4)).toEqual(['web', '1', 'N/A', '1']);
    await pdbs.close();
  });

  it("the namespace's default ServiceAccount, and ClusterRole admin with kubectl's CREATED AT", async () => {
    const accounts = await watch({ group: '', version: 'v1', resource: 'serviceaccounts' }, NS);
    expect((await until('the default ServiceAccount row', () => accounts.rowNamed('default'))).cells).toEqual([0, ISO]);
    expect((await kubectlTable('serviceaccounts', '-n', NS)).header).toEqual(asKubectlHeader(accounts.columns));
    await accounts.close();

    const roles = await watch({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' });
    const admin = await until('ClusterRole admin', () => roles.rowNamed('admin'));
    const table = await kubectlTable('clusterrole', 'admin');
    expect(table.header).toEqual(asKubectlHeader(roles.columns));
    expect(table.rows[0]).toEqual(['admin', admin.cells[0]]);
    await roles.close();
  });

  it("the headers of the other kinds, where the bed has an object to print, are kubectl's", async () => {
    const kinds: { resource: ResourceRef; kubectl: string; namespace?: string }[] = [
      { resource: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings' }, kubectl: 'clusterrolebindings' },
      { resource: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings' }, kubectl: 'rolebindings', namespace: 'kube-system' },
      { resource: { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles' }, kubectl: 'roles', namespace: 'kube-system' },
      { resource: { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, kubectl: 'priorityclasses' },
      { resource: { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, kubectl: 'endpointslices', namespace: 'default' },
    ];
    for (const kind of kinds) {
      const opened = await call('kube.watch', { connectionId, resource: kind.resource, ...(kind.namespace ? { namespace: kind.namespace } : {}) });
      const { header } = await kubectlTable(kind.kubectl, ...(kind.namespace ? ['-n', kind.namespace] : []));
      expect(header, kind.kubectl).toEqual(asKubectlHeader(opened.columns));
      await call('kube.unwatch', { watchId: opened.watchId });
    }
  });
});
