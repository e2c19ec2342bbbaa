/**
 * The detail view's services against the real test bed: one object with its
 * owner chain, Secrets that never show a value until revealed (audited),
 * events, related pods, permissions for an admin and a restricted user, and
 * the palette's name search.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Services } from '../../electron/services/app/createServices';
import { ListWatchKubeInspector } from '../../electron/services/kube/watch/kubeInspector';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { KWOK_TOLERATION } from '../testbed';
import { contractClient, until } from '../support/contract';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);

const PODS = { group: '', version: 'v1', resource: 'pods' };
const NODES = { group: '', version: 'v1', resource: 'nodes' };
const SECRETS = { group: '', version: 'v1', resource: 'secrets' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };
const PVCS = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };
const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' };
const CRONJOBS = { group: 'batch', version: 'v1', resource: 'cronjobs' };
const SERVICES = { group: '', version: 'v1', resource: 'services' };

/** This file's namespace, named per run since deleting one takes a while. */
const NS = `ph-it-objects-${Date.now().toString(36)}`;
const ADMIN_NAME = 'kwok-admin';
const RESTRICTED_NAME = 'kwok-restricted';
const REJECTED_NAME = 'kwok-rejected-token';
/** A value that must never appear outside `kube.revealSecret`. */
const SECRET_VALUE = `canary-${randomBytes(12).toString('hex')}`;
const BINARY_VALUE = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x01]);

let services: Services;
let admin = '';
let restricted = '';

const { call, failure } = contractClient(() => services, { actor: 'it-objects', session: 'it-objects' });

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

/** `kubectl apply` of objects given as JSON, so they carry the last-applied annotation as applied objects do. */
async function apply(...objects: object[]): Promise<void> {
  const child = execFile(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, 'apply', '-f', '-']);
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl apply failed: ${stderr}`))));
  });
  child.stdin?.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  await done;
}

/** name → uid of pods matching a kubectl query. */
async function kubectlPods(...query: string[]): Promise<Map<string, string>> {
  const list = JSON.parse(await kubectl('get', 'pods', ...query, '-o', 'json')) as { items: { metadata: { uid: string; name: string } }[] };
  return new Map(list.items.map((p) => [p.metadata.name, p.metadata.uid]));
}

async function importOne(path: string, name: string): Promise<string> {
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name, onConflict: 'replace' }], 'it');
  return imported[0].id;
}

const podSpec = (extra: object = {}) => ({ tolerations: [KWOK_TOLERATION], containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }], ...extra });
const pod = (name: string, extra: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { app: name } }, spec: podSpec(extra) });

beforeAll(async () => {
  ({ services } = createTestServices());
  admin = await importOne(primary.kubeconfigs.admin, ADMIN_NAME);
  restricted = await importOne(primary.kubeconfigs.restricted, RESTRICTED_NAME);
  await kubectl('create', 'namespace', NS);
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
});

afterAll(async () => {
  services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('kube.get', () => {
  it("a seeded Deployment's pod: containers, node, and the owner chain Pod → ReplicaSet → Deployment", async () => {
    const related = await call('kube.related', { connectionId: admin, resource: DEPLOYMENTS, namespace: 'team-a', name: 'web-frontend' });
    const pod = related.pods.find((p) => p.status === 'Running');
    if (!pod) throw new Error('web-frontend has no running pod');
    const detail = await call('kube.get', { connectionId: admin, resource: PODS, namespace: 'team-a', name: pod.name });

    expect(detail).toMatchObject({ kind: 'Pod', apiVersion: 'v1', name: pod.name, namespace: 'team-a', uid: pod.uid, nodeName: pod.node });
    expect(detail.yaml).toContain(`name: ${pod.name}`);
    expect(detail.yaml).not.toContain('managedFields');
    expect(detail.containers).toEqual([expect.objectContaining({ name: 'web-frontend', kind: 'main', ready: true, restartCount: 0, state: 'running', hasPrevious: false, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] })]);

    expect(detail.owners.map((o) => [o.kind, o.resource?.resource, o.unresolved])).toEqual([
      ['ReplicaSet', 'replicasets', undefined],
      ['Deployment', 'deployments', undefined],
    ]);
    expect(detail.owners[1]).toMatchObject({ name: 'web-frontend', namespace: 'team-a', resource: DEPLOYMENTS });
    const rs = JSON.parse(await kubectl('get', 'replicaset', detail.owners[0].name, '-n', 'team-a', '-o', 'json')) as { metadata: { uid: string } };
    expect(detail.owners[0].uid).toBe(rs.metadata.uid);

    const deployment = await call('kube.get', { connectionId: admin, resource: DEPLOYMENTS, namespace: 'team-a', name: 'web-frontend' });
    expect(deployment).toMatchObject({ kind: 'Deployment', replicas: 3, owners: [] });
  });

  it('a node: cordon state, no namespace, its GPUs, conditions, taints and the pods it holds', async () => {
    const node = await call('kube.get', { connectionId: admin, resource: NODES, name: 'gpu-h200-0' });
    expect(node).toMatchObject({ kind: 'Node', name: 'gpu-h200-0', unschedulable: false });
    expect(node.namespace).toBeUndefined();
    expect(node.labels['nvidia.com/gpu.product']).toBe('NVIDIA-H200');
    expect(node.node?.resources.slice(0, 3).map((r) => r.name)).toEqual(['cpu', 'memory', 'pods']);
    expect(node.node?.resources.find((r) => r.name === 'nvidia.com/gpu')).toEqual({ name: 'nvidia.com/gpu', capacity: '8', allocatable: '8' });
    expect(node.node?.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.node?.taints).toContainEqual({ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' });
    const onNode = await call('kube.related', { connectionId: admin, resource: NODES, name: 'gpu-h200-0' });
    const unfinished = onNode.pods.filter((p) => p.status !== 'Completed' && p.status !== 'Error').length;
    expect(node.node?.pods).toEqual({ assigned: onNode.pods.length, unfinished });
    expect(unfinished).toBeGreaterThan(0);
  });

  it('an owner whose kind the cluster does not serve is marked missing', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'orphan', namespace: NS, ownerReferences: [{ apiVersion: 'ghosts.pilothouse.dev/v1', kind: 'Ghost', name: 'gone', uid: '5b0c5c8e-0000-4000-8000-000000000000', controller: true }] },
      data: { a: 'b' },
    });
    const detail = await call('kube.get', { connectionId: admin, resource: CONFIGMAPS, namespace: NS, name: 'orphan' });
    expect(detail.owners).toEqual([{ kind: 'Ghost', name: 'gone', uid: '5b0c5c8e-0000-4000-8000-000000000000', unresolved: 'missing' }]);
  });

  it('says what is wrong: a missing object, a missing namespace, no access', async () => {
    expect(await failure('kube.get', { connectionId: admin, resource: PODS, namespace: NS, name: 'no-such-pod' })).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`pods ${NS}/no-such-pod`) });
    expect(await failure('kube.get', { connectionId: admin, resource: PODS, name: 'x' })).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('namespace') });
    expect(await failure('kube.get', { connectionId: restricted, resource: DEPLOYMENTS, namespace: 'team-b', name: 'api-gateway' })).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('Secrets', () => {
  beforeAll(async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Secret',
      // As OpenShift writes a service-account token Secret: the token again, in clear, in an annotation.
      metadata: { name: 'db-credentials', namespace: NS, annotations: { 'openshift.io/token-secret.value': SECRET_VALUE } },
      type: 'Opaque',
      data: { password: Buffer.from(SECRET_VALUE).toString('base64'), keystore: BINARY_VALUE.toString('base64') },
    });
  });

  it('kube.get shows keys and sizes, and no value anywhere (the last-applied and OpenShift token annotations included)', async () => {
    const raw = await kubectl('get', 'secret', 'db-credentials', '-n', NS, '-o', 'json');
    // The check below is only worth something if kubectl apply did store the values in the annotation.
    expect(raw).toContain('last-applied-configuration');

    const detail = await call('kube.get', { connectionId: admin, resource: SECRETS, namespace: NS, name: 'db-credentials' });
    const everything = JSON.stringify(detail);
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    expect(everything).not.toContain(BINARY_VALUE.toString('base64'));
    expect(detail.secretKeys).toEqual([
      { key: 'keystore', bytes: BINARY_VALUE.length },
      { key: 'password', bytes: SECRET_VALUE.length },
    ]);
    expect(detail.yaml).toContain(`password: "<hidden: ${SECRET_VALUE.length} bytes>"`);
    expect(detail.annotations['kubectl.kubernetes.io/last-applied-configuration']).toMatch(/^<hidden/);
    expect(detail.annotations['openshift.io/token-secret.value']).toMatch(/^<hidden/);
  });

  it('kube.revealSecret returns the values, audits the keys without them, and teaches the log redactor', async () => {
    const revealed = await call('kube.revealSecret', { connectionId: admin, resource: SECRETS, namespace: NS, name: 'db-credentials' });
    expect(revealed.values).toEqual([
      { key: 'keystore', value: BINARY_VALUE.toString('base64'), encoding: 'base64' },
      { key: 'password', value: SECRET_VALUE, encoding: 'utf8' },
    ]);

    const { entries } = await call('audit.list', { limit: 20 });
    const entry = entries.find((e) => e.action === 'secret.reveal' && e.target === `${ADMIN_NAME}/${NS}/secrets/db-credentials`);
    expect(entry).toMatchObject({ actor: 'it-objects', status: 'succeeded', connectionId: admin, connectionName: ADMIN_NAME });
    expect(entry?.detail).toContain('password');
    expect(entry?.detail).toContain('keystore');
    expect(JSON.stringify(entries)).not.toContain(SECRET_VALUE);
    expect(services.log.redactor.redact(`leaked ${SECRET_VALUE}`)).not.toContain(SECRET_VALUE);
  });

  it('a reveal without access fails, and the attempt is audited', async () => {
    const error = await failure('kube.revealSecret', { connectionId: restricted, resource: SECRETS, namespace: 'team-b', name: 'checkout-stripe' });
    expect(error.code).toBe('FORBIDDEN');
    const { entries } = await call('audit.list', { limit: 20 });
    expect(entries.find((e) => e.target === `${RESTRICTED_NAME}/team-b/secrets/checkout-stripe`)).toMatchObject({ action: 'secret.reveal', status: 'failed' });
    expect(await failure('kube.revealSecret', { connectionId: admin, resource: CONFIGMAPS, namespace: NS, name: 'orphan' })).toMatchObject({ code: 'VALIDATION' });
  });

  it('a reveal refused before the Secret is read (the token rejected while finding secrets) is audited too', async () => {
    const text = readFileSync(primary.kubeconfigs.restricted, 'utf8').replace(/token: \S+/, `token: rejected-${randomBytes(16).toString('hex')}`);
    const preview = await services.connections.previewKubeconfig({ kind: 'text', text });
    const { imported } = await importKubeconfigAndWait(services, { kind: 'text', text }, [{ contextName: preview.contexts[0].contextName, name: REJECTED_NAME, onConflict: 'replace' }], 'it');
    const error = await failure('kube.revealSecret', { connectionId: imported[0].id, resource: SECRETS, namespace: 'team-a', name: 'web-frontend-db' });
    expect(error.code).toBe('UNAUTHORIZED');
    const { entries } = await call('audit.list', { limit: 20 });
    expect(entries.find((e) => e.target === `${REJECTED_NAME}/team-a/secrets/web-frontend-db`)).toMatchObject({ action: 'secret.reveal', actor: 'it-objects', status: 'failed', error: error.message });
  });
});

describe('kube.events', () => {
  it('events of a pod this test creates, newest first', async () => {
    await apply(pod('eventful'));
    const events = await until('the Scheduled event', async () => {
      const { events } = await call('kube.events', { connectionId: admin, resource: PODS, namespace: NS, name: 'eventful' });
      return events.some((e) => e.reason === 'Scheduled') && events;
    });
    const scheduled = events.find((e) => e.reason === 'Scheduled');
    expect(scheduled).toMatchObject({ type: 'Normal', count: 1, source: expect.stringContaining('scheduler') });
    expect(scheduled?.message).toContain(`${NS}/eventful`);
    const times = events.map((e) => Date.parse(e.lastSeen ?? ''));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('events of a node, which live in another namespace than the node (it has none)', async () => {
    // Reported as a kubelet reports about its node: into `default`, the node's name standing in for its uid.
    // Written here, since the bed's own RegisteredNode events expire an hour after it starts.
    const reason = `PilothouseProbe${Date.now().toString(36)}`;
    const now = new Date().toISOString();
    await apply({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `cpu-0.${reason.toLowerCase()}`, namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'cpu-0', uid: 'cpu-0' },
      reason,
      message: 'Node cpu-0 status is now: NodeReady',
      type: 'Normal',
      source: { component: 'kubelet', host: 'cpu-0' },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    });
    const { events } = await call('kube.events', { connectionId: admin, resource: NODES, name: 'cpu-0' });
    expect(events.some((e) => e.reason === reason && e.message.includes('cpu-0'))).toBe(true);
    await kubectl('delete', 'event', '-n', 'default', `cpu-0.${reason.toLowerCase()}`);
  });

  it('no access to team-b is FORBIDDEN for the restricted user, not a crash', async () => {
    const error = await failure('kube.events', { connectionId: restricted, resource: DEPLOYMENTS, namespace: 'team-b', name: 'api-gateway' });
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('team-b');
  });
});

describe('kube.related', () => {
  it('pods of a Deployment: exactly those its selector matches', async () => {
    const related = await call('kube.related', { connectionId: admin, resource: DEPLOYMENTS, namespace: 'team-b', name: 'checkout-canary' });
    expect(related.selector).toBe('app=checkout,track=canary');
    expect(related.truncated).toBe(false);
    const expected = await kubectlPods('-n', 'team-b', '-l', 'app=checkout,track=canary');
    expect(new Map(related.pods.map((p) => [p.name, p.uid]))).toEqual(expected);
    expect(related.pods[0]).toMatchObject({ namespace: 'team-b', status: 'Running', ready: '1/1', restarts: 0 });
  });

  it('pods of a Service: stable and canary behind one selector', async () => {
    const related = await call('kube.related', { connectionId: admin, resource: SERVICES, namespace: 'team-b', name: 'checkout' });
    expect(related.selector).toBe('app=checkout');
    expect(related.pods.map((p) => p.name).sort()).toEqual([...(await kubectlPods('-n', 'team-b', '-l', 'app=checkout')).keys()].sort());
    expect(related.pods.length).toBe(5);
  });

  it('pods on a node, across namespaces', async () => {
    const related = await call('kube.related', { connectionId: admin, resource: NODES, name: 'gpu-h200-0' });
    expect(related.selector).toBe('on node gpu-h200-0');
    const expected = await kubectlPods('-A', '--field-selector', 'spec.nodeName=gpu-h200-0');
    expect(related.pods.map((p) => p.name).sort()).toEqual([...expected.keys()].sort());
    expect(related.pods.some((p) => p.namespace === 'ml-training' && p.name.startsWith('llm-pretrain'))).toBe(true);
    expect(related.pods.every((p) => p.node === 'gpu-h200-0')).toBe(true);
  });

  it('pods of a CronJob (through its Jobs) and of a claim; none for a pod', async () => {
    await apply(
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: NS }, spec: { schedule: '0 0 1 1 *', jobTemplate: { spec: { template: { metadata: { labels: { app: 'report' } }, spec: podSpec({ restartPolicy: 'Never' }) } } } } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'datasets', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      pod('reader', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'datasets' } }] }),
    );
    await kubectl('create', 'job', 'report-manual', '--from=cronjob/report', '-n', NS);
    const cron = await until('the manual job’s pod', async () => {
      const r = await call('kube.related', { connectionId: admin, resource: CRONJOBS, namespace: NS, name: 'report' });
      return r.pods.length > 0 && r;
    });
    expect(cron.selector).toBe('pods of job report-manual');
    expect(cron.pods[0].name).toMatch(/^report-manual-/);

    const claim = await call('kube.related', { connectionId: admin, resource: PVCS, namespace: NS, name: 'datasets' });
    expect(claim).toMatchObject({ selector: 'mounting claim datasets', truncated: false });
    expect(claim.pods.map((p) => p.name)).toEqual(['reader']);

    expect(await call('kube.related', { connectionId: admin, resource: PODS, namespace: NS, name: 'reader' })).toEqual({ pods: [], truncated: false });
  });
});

describe('kube.permissions', () => {
  const ALL = ['delete', 'scale', 'restart', 'cordon', 'portForward', 'logs', 'reveal', 'exec'] as const;

  it('the admin may do everything that applies, and only what applies is answered', async () => {
    const pod = await call('kube.permissions', { connectionId: admin, resource: PODS, namespace: 'team-b', name: 'anything', actions: [...ALL] });
    expect(pod).toEqual({ delete: { allowed: true }, portForward: { allowed: true }, logs: { allowed: true }, exec: { allowed: true } });
    const deployment = await call('kube.permissions', { connectionId: admin, resource: DEPLOYMENTS, namespace: 'team-b', name: 'api-gateway', actions: [...ALL] });
    expect(deployment).toEqual({ delete: { allowed: true }, scale: { allowed: true }, restart: { allowed: true }, portForward: { allowed: true } });
    const node = await call('kube.permissions', { connectionId: admin, resource: NODES, name: 'cpu-0', actions: ['cordon', 'delete', 'logs'] });
    expect(node).toEqual({ cordon: { allowed: true }, delete: { allowed: true } });
    const secret = await call('kube.permissions', { connectionId: admin, resource: SECRETS, namespace: 'team-a', name: 'web-frontend-db', actions: ['reveal', 'scale'] });
    expect(secret).toEqual({ reveal: { allowed: true } });
    // The seeded CRD has no scale subresource (its group's discovery says so): scale does not apply.
    const crd = await call('kube.permissions', { connectionId: admin, resource: { group: 'ml.pilothouse.dev', version: 'v1alpha1', resource: 'trainingjobs' }, namespace: 'ml-training', actions: ['scale', 'delete'] });
    expect(crd).toEqual({ delete: { allowed: true } });
  });

  it('the restricted user: allowed in team-a, denied in team-b and on nodes, with the reason in words', async () => {
    const teamA = await call('kube.permissions', { connectionId: restricted, resource: DEPLOYMENTS, namespace: 'team-a', name: 'web-frontend', actions: ['delete', 'scale', 'restart'] });
    expect(teamA).toEqual({ delete: { allowed: true }, scale: { allowed: true }, restart: { allowed: true } });

    const teamB = await call('kube.permissions', { connectionId: restricted, resource: PODS, namespace: 'team-b', name: 'x', actions: ['delete', 'logs'] });
    expect(teamB.delete).toEqual({ allowed: false, reason: `${RESTRICTED_NAME} may not delete pods in team-b` });
    expect(teamB.logs).toEqual({ allowed: false, reason: `${RESTRICTED_NAME} may not read logs of pods in team-b` });

    const node = await call('kube.permissions', { connectionId: restricted, resource: NODES, name: 'cpu-0', actions: ['cordon'] });
    expect(node).toEqual({ cordon: { allowed: false, reason: `${RESTRICTED_NAME} may not cordon nodes` } });

    const secret = await call('kube.permissions', { connectionId: restricted, resource: SECRETS, namespace: 'team-b', name: 'checkout-stripe', actions: ['reveal'] });
    expect(secret.reveal.allowed).toBe(false);
  });
});

describe('kube.find', () => {
  it('finds a seeded Deployment by a fragment of its name, once the palette’s caches have listed', async () => {
    const result = await until('a complete search', async () => {
      const r = await call('kube.find', { connectionId: admin, text: 'GATEWAY' });
      return r.complete && r;
    });
    expect(result.matches).toContainEqual({ resource: DEPLOYMENTS, kind: 'Deployment', uid: expect.any(String), name: 'api-gateway', namespace: 'team-b' });
    expect(result.matches.every((m) => m.name.includes('gateway'))).toBe(true);
    // The shortest names (the Deployment and its Service) come before its pods.
    expect(new Set(result.matches.slice(0, 2).map((m) => `${m.kind}/${m.name}`))).toEqual(new Set(['Deployment/api-gateway', 'Service/api-gateway']));

    const nodes = await call('kube.find', { connectionId: admin, text: 'gpu-h200', limit: 4 });
    expect(nodes.matches.map((m) => m.name)).toEqual(['gpu-h200-0', 'gpu-h200-1', 'gpu-h200-2', 'gpu-h200-3']);
    expect(nodes.matches[0]).toMatchObject({ kind: 'Node', resource: NODES });
    expect(nodes.matches[0].namespace).toBeUndefined();
  });

  it('for the restricted user, forbidden resources count as searched, and its context namespace is searched instead', async () => {
    // The restricted kubeconfig's context namespace is team-a; listing across namespaces is forbidden.
    const result = await until('a complete search', async () => {
      const r = await call('kube.find', { connectionId: restricted, text: 'web-front' });
      return r.complete && r.matches.length > 0 && r;
    });
    expect(result.matches).toContainEqual(expect.objectContaining({ kind: 'Deployment', name: 'web-frontend', namespace: 'team-a' }));
    // Nothing from namespaces it may not read.
    expect(result.matches.every((m) => m.namespace === 'team-a')).toBe(true);
  });

  it('holds its caches while searching and lets go of them after the last search, and on close', async () => {
    const inspector = new ListWatchKubeInspector({ connections: services.connections, hub: services.hub, log: services.log }, { finderIdleMs: 400, graceMs: 100 });
    try {
      await inspector.find({ connectionId: admin, text: 'redis', limit: 10 });
      const held = inspector.cacheInfo();
      expect(held.map((c) => c.key.split('|')[1]).sort()).toEqual(
        [
          'apps/v1/daemonsets',
          'apps/v1/deployments',
          'apps/v1/statefulsets',
          'batch/v1/cronjobs',
          'batch/v1/jobs',
          'networking.k8s.io/v1/ingresses',
          '/v1/configmaps',
          '/v1/namespaces',
          '/v1/nodes',
          '/v1/persistentvolumeclaims',
          '/v1/pods',
          '/v1/secrets',
          '/v1/services',
        ].sort(),
      );
      expect(held.every((c) => c.watchers === 1 && c.key.endsWith('|*'))).toBe(true);
      const found = await until('redis found', async () => {
        const r = await inspector.find({ connectionId: admin, text: 'redis', limit: 10 });
        return r.complete && r;
      });
      expect(found.matches[0]).toMatchObject({ name: 'redis', namespace: 'platform' });
      // A second search joins the same caches rather than opening more.
      expect(inspector.cacheInfo().every((c) => c.watchers === 1)).toBe(true);
      await until('the caches to be released', () => inspector.cacheInfo().length === 0, 5000);

      await inspector.find({ connectionId: admin, text: 'redis', limit: 10 });
      expect(inspector.cacheInfo().length).toBe(13);
      inspector.close();
      expect(inspector.cacheInfo()).toEqual([]);
    } finally {
      inspector.close();
    }
  });
});
