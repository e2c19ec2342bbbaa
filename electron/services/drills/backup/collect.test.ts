/**
 * The backup's read, on objects recorded from the test bed's apiserver
 * (fixtures/h1-backup-fixture.json: a namespace with a Deployment, a
 * StatefulSet, a CronJob and a Job it ran, a Job, a bare Pod, Services, a
 * claim, RBAC, a ConfigMap, Secrets and an Argo WorkflowTemplate), served by
 * the test kit's local apiserver, which pages lists as the apiserver does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataHash } from '../archive/dataHash';
import { backupResources, cleanObject, collectNamespaces, leftOutBecause } from './collect';
import { FIXTURE_NAMESPACE as NS, loadRecorded, startRecordedApiserver, type RecordedApiserver } from './testKit';

const recorded = loadRecorded();
let bed: RecordedApiserver;
beforeAll(async () => {
  bed = await startRecordedApiserver();
  bed.recorded.lists = recorded.lists;
});
afterAll(() => bed.close());

const collect = (namespaces = [NS]) => collectNamespaces(bed.access, 'c1', namespaces);

describe('what a backup lists', () => {
  it('is every namespaced listable resource, custom ones included, without what the cluster writes itself', () => {
    const listed = backupResources(recorded.resources).map((r) => `${r.group}/${r.resource}`);
    expect(listed).toEqual(expect.arrayContaining(['/configmaps', '/secrets', '/pods', 'apps/deployments', 'batch/cronjobs', 'argoproj.io/workflowtemplates', 'argoproj.io/rollouts', 'networking.k8s.io/ingresses']));
    for (const out of ['/events', '/endpoints', 'events.k8s.io/events', 'discovery.k8s.io/endpointslices', 'apps/controllerrevisions', 'coordination.k8s.io/leases', '/bindings', 'authorization.k8s.io/localsubjectaccessreviews', '/namespaces', '/nodes']) {
      expect(listed).not.toContain(out);
    }
  });
});

describe('a namespace read for a backup', () => {
  it('leaves out what the cluster recreates, and says why', async () => {
    bed.refused.clear();
    const { objects, leftOut } = await collect();
    const names = objects.map((o) => `${o.kind} ${o.name}`);
    expect(names).toEqual([
      'CustomResourceDefinition workflowtemplates.argoproj.io',
      'Namespace h1-backup-fixture',
      'ServiceAccount app',
      'Role reader:pods',
      'RoleBinding app-reader',
      'ConfigMap app',
      'Secret db',
      'LimitRange defaults',
      'ResourceQuota quota',
      'PersistentVolumeClaim data',
      'Service web',
      'Service web-headless',
      'CronJob nightly',
      'Deployment web',
      'Job migrate',
      'Pod debug',
      'StatefulSet db',
      'NetworkPolicy deny-all',
      'WorkflowTemplate hello',
    ]);
    expect(leftOut).toEqual(
      expect.arrayContaining([
        { kind: 'Pod', reason: 'its StatefulSet recreates it', count: 1 },
        { kind: 'Pod', reason: 'its ReplicaSet recreates it', count: 2 },
        { kind: 'Pod', reason: 'its Job recreates it', count: 2 },
        { kind: 'ReplicaSet', reason: 'its Deployment recreates it', count: 1 },
        { kind: 'Job', reason: "a past run of its CronJob: history, which the CronJob's next runs replace", count: 1 },
        { kind: 'ConfigMap', reason: 'the cluster puts it in every namespace', count: 1 },
        { kind: 'ServiceAccount', reason: 'the cluster puts it in every namespace', count: 1 },
        { kind: 'Secret', reason: "a service account's token, which the cluster issues again", count: 1 },
      ]),
    );
    // Lists were paged: the six pods came in three pages.
    expect(bed.requests.filter((r) => r.startsWith(`/api/v1/namespaces/${NS}/pods`))).toHaveLength(3);
  });

  it('cleans every object of what the server set, and types each', async () => {
    const { objects } = await collect();
    for (const { object, apiVersion, kind } of objects) {
      expect(object).toMatchObject({ apiVersion, kind });
      expect(object.status).toBeUndefined();
      const meta = object.metadata as Record<string, unknown>;
      for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'ownerReferences']) expect(meta[field], `${kind} ${field}`).toBeUndefined();
      expect(JSON.stringify(meta)).not.toContain('last-applied-configuration');
    }
    /** The value at a dotted path of `o`. */
    const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
    const find = (kind: string, name: string, path: string) => at(objects.find((o) => o.kind === kind && o.name === name)!.object, path);
    // The recorded objects had what is removed: the test would pass on nothing otherwise.
    const raw = (key: string, name: string, path: string) => at(recorded.lists[key].find((o) => o.metadata?.name === name), path);
    expect(raw('/services', 'web', 'spec.ports.0.nodePort')).toBeGreaterThan(0);
    expect(find('Service', 'web', 'spec')).not.toHaveProperty('clusterIP');
    expect(find('Service', 'web', 'spec')).not.toHaveProperty('clusterIPs');
    expect(find('Service', 'web', 'spec.ports.0')).toEqual({ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 });
    expect(find('Service', 'web-headless', 'spec')).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
    expect(raw('batch/jobs', 'migrate', 'spec.selector')).toBeDefined();
    expect(find('Job', 'migrate', 'spec.selector')).toBeUndefined();
    expect(JSON.stringify(raw('batch/jobs', 'migrate', 'spec'))).toMatch(/controller-uid/);
    expect(JSON.stringify(find('Job', 'migrate', 'spec'))).not.toMatch(/controller-uid/);
    expect(find('Job', 'migrate', 'metadata.labels')).toEqual({ 'batch.kubernetes.io/job-name': 'migrate', 'job-name': 'migrate' });
    expect(find('Job', 'migrate', 'spec.template.metadata.labels')).toEqual({ 'batch.kubernetes.io/job-name': 'migrate', 'job-name': 'migrate' });
    expect(raw('/pods', 'debug', 'spec.nodeName')).toBeTruthy();
    expect(find('Pod', 'debug', 'spec.nodeName')).toBeUndefined();
    expect(raw('apps/deployments', 'web', 'metadata.annotations')).toHaveProperty(['kubectl.kubernetes.io/last-applied-configuration']);
    expect(find('Deployment', 'web', 'metadata.annotations')).toBeUndefined();
    expect(objects.find((o) => o.kind === 'Namespace')!.object).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS, team: 'sre' } } });
    expect(find('CustomResourceDefinition', 'workflowtemplates.argoproj.io', 'spec.group')).toBe('argoproj.io');
  });

  it('hashes ConfigMap and Secret data as the server returned it, Secrets before any encryption', async () => {
    const { objects } = await collect();
    const cm = objects.find((o) => o.kind === 'ConfigMap')!;
    const secret = objects.find((o) => o.kind === 'Secret')!;
    expect(cm.dataSha256).toBe(dataHash(recorded.lists['/configmaps'].find((o) => o.metadata?.name === 'app')!));
    expect(secret.dataSha256).toBe(dataHash(recorded.lists['/secrets'].find((o) => o.metadata?.name === 'db')!));
    expect((secret.object.data as Record<string, string>).password).toBe(Buffer.from('s3cr3t-fixture-value').toString('base64'));
    expect(objects.filter((o) => o.dataSha256).map((o) => o.kind)).toEqual(['ConfigMap', 'Secret']);
  });

  it('keeps an owner reference to an object in the backup and drops one to an object left out', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'kept', controller: true };
    const gone = { apiVersion: 'v1', kind: 'Pod', name: 'x', uid: 'gone' };
    const cleaned = cleanObject({ group: '', resource: 'configmaps' }, { metadata: { name: 'c', ownerReferences: [owner, gone] } }, new Set(['kept']));
    expect(cleaned.metadata?.ownerReferences).toEqual([owner]);
  });

  it('clears a claim of its binding to a volume and node', () => {
    const claim = {
      metadata: { name: 'data', annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/selected-node': 'n1', 'volume.kubernetes.io/storage-provisioner': 'ebs', keep: 'me' } },
      spec: { volumeName: 'pvc-123', resources: { requests: { storage: '1Gi' } } },
    };
    expect(cleanObject({ group: '', resource: 'persistentvolumeclaims' }, claim, new Set())).toEqual({ metadata: { name: 'data', annotations: { keep: 'me' } }, spec: { resources: { requests: { storage: '1Gi' } } } });
  });

  it('clears a bare Pod of its node and of the debug containers `kubectl debug` added, which the apiserver refuses on create', () => {
    const pod = { metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx' }], ephemeralContainers: [{ name: 'debugger-x', image: 'busybox' }] } };
    expect(cleanObject({ group: '', resource: 'pods' }, pod, new Set()).spec).toEqual({ containers: [{ name: 'app', image: 'nginx' }] });
  });

  it('keeps the selector of a Job whose selector was set by hand', () => {
    const job = { metadata: { name: 'j' }, spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } } } };
    expect(cleanObject({ group: 'batch', resource: 'jobs' }, job, new Set()).spec).toEqual(job.spec);
  });

  it('keeps a Pod and ReplicaSet of no controller, and a Job not made by a CronJob', () => {
    expect(leftOutBecause({ group: '', resource: 'pods' }, { metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u' }] } })).toBeUndefined();
    expect(leftOutBecause({ group: 'apps', resource: 'replicasets' }, { metadata: { name: 'r' } })).toBeUndefined();
    // The namespace's default ServiceAccount is the cluster's, unless it names pull secrets the pods need.
    expect(leftOutBecause({ group: '', resource: 'serviceaccounts' }, { metadata: { name: 'default' } })).toBe('the cluster puts it in every namespace');
    expect(leftOutBecause({ group: '', resource: 'serviceaccounts' }, { metadata: { name: 'default' }, imagePullSecrets: [] })).toBe('the cluster puts it in every namespace');
    expect(leftOutBecause({ group: '', resource: 'serviceaccounts' }, { metadata: { name: 'default' }, imagePullSecrets: [{ name: 'registry' }] })).toBeUndefined();
    expect(leftOutBecause({ group: 'batch', resource: 'jobs' }, { metadata: { name: 'j', ownerReferences: [{ apiVersion: 'x/v1', kind: 'Workflow', name: 'w', uid: 'u', controller: true }] } })).toBeUndefined();
  });

  it('skips a resource it may not list or whose API is down, and says so', async () => {
    bed.refused.set('networking.k8s.io/networkpolicies', 403);
    bed.refused.set('argoproj.io/workflowtemplates', 503);
    try {
      const { objects, skipped } = await collect();
      expect(skipped).toEqual([
        { resource: `networkpolicies.networking.k8s.io (${NS})`, reason: `No access (403) while listing networkpolicies.networking.k8s.io in ${NS}: networkpolicies is forbidden: User "ci" cannot list resource` },
        { resource: `workflowtemplates.argoproj.io (${NS})`, reason: `HTTP 503 while listing workflowtemplates.argoproj.io in ${NS}: the server is currently unable to handle the request` },
      ]);
      expect(objects.some((o) => o.kind === 'NetworkPolicy' || o.kind === 'WorkflowTemplate' || o.kind === 'CustomResourceDefinition')).toBe(false);
    } finally {
      bed.refused.clear();
    }
  });

  it('fails on a list the server refuses otherwise, and on a namespace that is not there', async () => {
    bed.refused.set('/configmaps', 500);
    try {
      await expect(collect()).rejects.toThrow(/HTTP 500 while listing configmaps in h1-backup-fixture/);
    } finally {
      bed.refused.clear();
    }
    await expect(collect(['missing'])).rejects.toThrow('There is no namespace missing on this cluster');
  });

  it('refuses a namespace it may not read and finds nothing in, rather than a complete backup of nothing (a typo, or a namespace gone)', async () => {
    const saved = bed.recorded.lists;
    bed.refused.set('/namespaces', 403);
    bed.recorded.lists = {};
    try {
      await expect(collect()).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(`may not read the namespace ${NS} and found nothing in it`) });
      // With objects in it, the namespace is rebuilt from its name and the backup goes on, as it says.
      bed.recorded.lists = saved;
      const { objects, skipped } = await collect();
      expect(objects.length).toBeGreaterThan(10);
      expect(skipped[0]).toMatchObject({ resource: `namespaces (${NS})` });
    } finally {
      bed.recorded.lists = saved;
      bed.refused.clear();
    }
  });

  it('refuses a namespace none of whose resources it may list, rather than a complete backup of its Namespace alone', async () => {
    for (const r of backupResources(recorded.resources)) bed.refused.set(`${r.group}/${r.resource}`, 403);
    try {
      await expect(collect()).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(`could list none of the resources of namespace ${NS}`) });
    } finally {
      bed.refused.clear();
    }
  });

  it('reads 1,000 objects in well under the 5 s a backup may take', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...recorded.lists['/configmaps'][0], metadata: { ...recorded.lists['/configmaps'][0].metadata, name: `cm-${i}`, uid: `u${i}` } }));
    const saved = recorded.lists['/configmaps'];
    recorded.lists['/configmaps'] = many;
    bed.pageSize = 500;
    try {
      const started = performance.now();
      const { objects } = await collect();
      expect(objects.filter((o) => o.kind === 'ConfigMap')).toHaveLength(1000);
      // 302 ms on an idle two-core machine; the bound leaves room for a loaded one.
      expect(performance.now() - started).toBeLessThan(2500);
    } finally {
      bed.pageSize = 2;
      recorded.lists['/configmaps'] = saved;
    }
  });
});
