/**
 * Port-forwards against the real test bed, through the contract: kwok
 * answers every port-forward with the bed's "port-forward target" page, so
 * an HTTP GET through 127.0.0.1 proves the whole path (local server →
 * apiserver WebSocket → kubelet → pod port).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntry, PortForward } from '../../shared/contract';
import type { Services } from '../../electron/services/app/createServices';
import type { Subscription } from '../../electron/services/rpc/eventHub';
import { createTestServices, importKubeconfigAndWait } from '../support/services';
import { KWOK_TOLERATION } from '../testbed';
import { contractClient, until } from '../support/contract';
import { madeTempDir } from '../support/tempDirs';

const bed = inject('testbed');
const primary = bed.clusters.primary;
const run = promisify(execFile);
const RUN = Date.now().toString(36);
const NS = `ph-it-portforward-${RUN}`;
const PAGE = 'port-forward target';

let services: Services;
let subscription: Subscription;
let connectionId = '';
/** Every `portForwards.changed` payload, in order. */
const published: PortForward[][] = [];

async function kubectl(...args: string[]): Promise<string> {
  return (await run(bed.kubectl, ['--kubeconfig', primary.kubeconfigs.admin, ...args])).stdout;
}

async function apply(manifests: object[]): Promise<void> {
  const file = join(madeTempDir('ph-it-pf-'), 'manifest.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
  await kubectl('apply', '-f', file);
}

const { call: succeed, failure: fail } = contractClient(() => services, { actor: 'it', session: 'it' });

const listed = async (id: string) => (await succeed('portForwards.list', {})).find((f) => f.id === id);
const audited = (action: string, target: string): AuditEntry | undefined =>
  services.audit.list({ limit: 200 }).entries.find((e) => e.action === action && e.target === target);

/** GET / through the forward; resolves with the body, rejects with the socket error (ECONNREFUSED, ECONNRESET). */
function get(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
  });
}

const podSpec = { tolerations: [KWOK_TOLERATION], containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', ports: [{ name: 'http', containerPort: 8080 }] }] };
const runningPods = async (selector: string) =>
  (JSON.parse(await kubectl('get', 'pods', '-n', NS, '-l', selector, '-o', 'json')) as { items: { metadata: { name: string; deletionTimestamp?: string }; status: { phase: string } }[] }).items
    .filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name);

beforeAll(async () => {
  ({ services } = createTestServices());
  subscription = services.hub.subscribe((batch) => {
    for (const e of batch.events) if (e.name === 'portForwards.changed') published.push((e.payload as { forwards: PortForward[] }).forwards);
    subscription.ack(batch.seq);
  });
  const path = primary.kubeconfigs.admin;
  const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
  const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name: 'primary-admin', onConflict: 'replace' }], 'it');
  connectionId = imported[0].id;
  await kubectl('create', 'namespace', NS);
  await until('the default ServiceAccount', () => kubectl('get', 'serviceaccount', 'default', '-n', NS).then(() => true, () => false));
  await apply([
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'single', namespace: NS, labels: { app: 'single' } }, spec: podSpec },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: NS },
      spec: { replicas: 2, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: podSpec } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: NS },
      spec: { selector: { app: 'api' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] },
    },
  ]);
  await until('the pods running', async () => (await runningPods('app=single')).length === 1 && (await runningPods('app=api')).length === 2);
});

afterAll(async () => {
  services?.portForwards.closeAll();
  subscription?.close();
  services?.close();
  await kubectl('delete', 'namespace', NS, '--wait=false').catch(() => undefined);
});

describe('a forward to a pod', () => {
  it('serves the pod port on 127.0.0.1, counts connections and bytes, publishes the list, and stops', async () => {
    const forward = await succeed('portForwards.start', { connectionId, namespace: NS, name: 'single', remotePort: 8080 });
    expect(forward).toMatchObject({ connectionName: 'primary-admin', namespace: NS, target: 'pod/single', pod: 'single', remotePort: 8080, activeConnections: 0, bytesIn: 0, bytesOut: 0 });
    expect(forward.localPort).toBeGreaterThan(0);

    expect(await get(forward.localPort)).toContain(PAGE);
    // Bound to 127.0.0.1 alone: another loopback address (or any other interface) is refused.
    await expect(get(forward.localPort, '127.0.0.2')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // A connection held open shows in the list while it lasts.
    const socket = net.connect(forward.localPort, '127.0.0.1');
    await until('one active connection', async () => (await listed(forward.id))?.activeConnections === 1);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.write('GET / HTTP/1.0\r\n\r\n');
    await until('the page over the raw socket', () => answer.includes(PAGE));
    socket.destroy();
    const after = await until('no active connection', async () => {
      const f = await listed(forward.id);
      return f?.activeConnections === 0 && f;
    });
    expect(after.bytesOut).toBeGreaterThan(2 * 'GET / HTTP/1.0\r\n\r\n'.length - 1);
    expect(after.bytesIn).toBeGreaterThan(2 * PAGE.length);
    expect(after.lastError).toBeUndefined();
    await until('the counters published', () => published.some((list) => list.some((f) => f.id === forward.id && f.bytesIn === after.bytesIn)));

    await succeed('portForwards.stop', { id: forward.id });
    await expect(get(forward.localPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await listed(forward.id)).toBeUndefined();
    await until('the stop published', () => published.at(-1)?.every((f) => f.id !== forward.id));

    const target = `primary-admin/${NS}/pods/single`;
    expect(audited('portForward.start', target)).toMatchObject({ actor: 'it', status: 'succeeded', after: `127.0.0.1:${forward.localPort} → pod/single:8080` });
    expect(audited('portForward.stop', target)).toMatchObject({ status: 'succeeded', after: 'stopped' });
    expect(await fail('portForwards.stop', { id: forward.id })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the pod going away leaves the forward listed with the error', async () => {
    await apply([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed', namespace: NS }, spec: podSpec }]);
    await until('doomed running', async () => (await kubectl('get', 'pod', 'doomed', '-n', NS, '-o', 'jsonpath={.status.phase}')) === 'Running');
    const forward = await succeed('portForwards.start', { connectionId, namespace: NS, name: 'doomed', remotePort: 8080 });
    expect(await get(forward.localPort)).toContain(PAGE);
    await kubectl('delete', 'pod', 'doomed', '-n', NS, '--grace-period=0', '--force');
    await until('doomed gone', () => kubectl('get', 'pod', 'doomed', '-n', NS).then(() => false, () => true));

    await expect(get(forward.localPort)).rejects.toBeInstanceOf(Error);
    const f = await until('the error listed', async () => {
      const found = await listed(forward.id);
      return found?.lastError ? found : undefined;
    });
    expect(f.lastError).toMatch(/Not found \(404\).*pods "doomed" not found/);
    expect(f.activeConnections).toBe(0);
    await succeed('portForwards.stop', { id: forward.id });
  });
});

describe('a forward to a Service', () => {
  it('reaches a ready pod behind it through the named targetPort, and follows a new pod when that one goes', async () => {
    const forward = await succeed('portForwards.start', { connectionId, namespace: NS, kind: 'service', name: 'api', remotePort: 80 });
    expect(forward).toMatchObject({ target: 'service/api', remotePort: 80 });
    expect(await runningPods('app=api')).toContain(forward.pod);
    expect(await get(forward.localPort)).toContain(PAGE);
    expect(audited('portForward.start', `primary-admin/${NS}/services/api`)?.after).toBe(`127.0.0.1:${forward.localPort} → pod/${forward.pod}:8080`);

    await kubectl('delete', 'pod', forward.pod, '-n', NS, '--grace-period=0', '--force');
    await until('the pod gone', () => kubectl('get', 'pod', forward.pod, '-n', NS).then(() => false, () => true));
    // The next connection finds another pod of the Service.
    expect(await get(forward.localPort)).toContain(PAGE);
    const moved = await listed(forward.id);
    expect(moved?.pod).not.toBe(forward.pod);
    expect(await runningPods('app=api')).toContain(moved?.pod);
    await succeed('portForwards.stop', { id: forward.id });
  });

  it('a Service port it does not have is refused at start', async () => {
    expect(await fail('portForwards.start', { connectionId, namespace: NS, kind: 'service', name: 'api', remotePort: 443 })).toEqual({
      code: 'VALIDATION',
      message: 'Service api has no port 443 (its ports: 80/TCP)',
    });
  });
});

describe('refused at start', () => {
  it('a local port already in use gets a clear error, audited as failed', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const error = await fail('portForwards.start', { connectionId, namespace: NS, name: 'single', remotePort: 8080, localPort: port });
      expect(error).toEqual({ code: 'VALIDATION', message: `port ${port} is already in use on 127.0.0.1: choose another or leave it empty for any free port` });
      expect(audited('portForward.start', `primary-admin/${NS}/pods/single`)).toMatchObject({ status: 'failed', error: error.message });
    } finally {
      taken.close();
    }
  });

  it('a user without access to the namespace gets FORBIDDEN', async () => {
    const path = primary.kubeconfigs.restricted;
    const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
    const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name: 'primary-restricted', onConflict: 'replace' }], 'it');
    const error = await fail('portForwards.start', { connectionId: imported[0].id, namespace: NS, name: 'single', remotePort: 8080 });
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/^No access \(403\)/) });
    expect(audited('portForward.start', `primary-restricted/${NS}/pods/single`)).toMatchObject({ status: 'failed', error: error.message });
  });

  it('a missing pod, and a Deployment with no running pod, say so', async () => {
    expect(await fail('portForwards.start', { connectionId, namespace: NS, name: 'nope', remotePort: 80 })).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('pods "nope" not found'),
    });
    await apply([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'nowhere', namespace: NS },
        // No toleration: the pod stays Pending, since every node is tainted.
        spec: { replicas: 1, selector: { matchLabels: { app: 'nowhere' } }, template: { metadata: { labels: { app: 'nowhere' } }, spec: { containers: podSpec.containers } } },
      },
    ]);
    await until('the pending pod', async () => (await kubectl('get', 'pods', '-n', NS, '-l', 'app=nowhere', '-o', 'name')).trim() !== '');
    expect(await fail('portForwards.start', { connectionId, namespace: NS, kind: 'deployment', name: 'nowhere', remotePort: 8080 })).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/^No running pod behind deployment\/nowhere: nowhere-\S+ is not running \(status: Pending\)$/),
    });
  });
});

describe('a deleted connection', () => {
  it('stops its forwards at the next local connection: the port freed, the list published, the stop audited', async () => {
    const path = primary.kubeconfigs.admin;
    const preview = await services.connections.previewKubeconfig({ kind: 'path', path });
    const { imported } = await importKubeconfigAndWait(services, { kind: 'path', path }, [{ contextName: preview.contexts[0].contextName, name: 'primary-deleted', onConflict: 'replace' }], 'it');
    const deleted = imported[0].id;
    const forward = await succeed('portForwards.start', { connectionId: deleted, namespace: NS, name: 'single', remotePort: 8080 });
    expect(await get(forward.localPort)).toContain(PAGE);

    await succeed('connections.delete', { id: deleted });
    // The local connection that finds the connection gone is refused, and the forward stops with it.
    await expect(get(forward.localPort)).rejects.toBeInstanceOf(Error);
    expect(await listed(forward.id)).toBeUndefined();
    await until('the stop published', () => published.at(-1)?.every((f) => f.id !== forward.id));
    await expect(get(forward.localPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const stop = await until('the stop audited', () => {
      const entry = audited('portForward.stop', `primary-deleted/${NS}/pods/single`);
      return entry?.status === 'succeeded' && entry;
    });
    expect(stop).toMatchObject({ actor: 'pilothouse (automatic)', connectionId: deleted, detail: 'connection deleted', after: 'stopped' });
    expect(await fail('portForwards.stop', { id: forward.id })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

it('closeAll at shutdown closes every forward', async () => {
  const a = await succeed('portForwards.start', { connectionId, namespace: NS, name: 'single', remotePort: 8080 });
  const b = await succeed('portForwards.start', { connectionId, namespace: NS, kind: 'deployment', name: 'api', remotePort: 8080 });
  expect(await get(b.localPort)).toContain(PAGE);
  services.portForwards.closeAll();
  expect(services.portForwards.list()).toEqual([]);
  await expect(get(a.localPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  await expect(get(b.localPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
