import Database from 'better-sqlite3';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isTaskFinished, type ConnectionSummary, type ParamsOf } from '../../../../shared/contract';
import { kubeConfigFor } from '../../../../test/support/localKube';
import { createAuditService } from '../../audit/auditService';
import { createLogger } from '../../logging/logger';
import type { EventHub } from '../../rpc/eventHub';
import { migrate } from '../../store/database';
import { migrations } from '../../store/migrations';
import { createTaskRunner, type TaskRunner } from '../../tasks/taskRunner';
import type { KubeAccess } from '../client/kubeAccess';
import type { PodObject } from '../model';
import { createNodeDrain, drainPodOf, evictionBody, MIRROR_ANNOTATION } from './nodeDrain';

const owned = (kind: string) => [{ apiVersion: 'apps/v1', kind, name: 'x', uid: 'o', controller: true }];

describe('a pod as a drain judges it', () => {
  it('reads its controller, mirror annotation, emptyDir volumes and whether it finished', () => {
    const pod: PodObject = {
      metadata: { namespace: 'team-a', name: 'web-1', uid: 'u1', ownerReferences: owned('ReplicaSet') },
      spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }, { name: 'scratch', emptyDir: {} }] },
      status: { phase: 'Running' },
    };
    expect(drainPodOf(pod)).toEqual({ namespace: 'team-a', name: 'web-1', uid: 'u1', controller: 'ReplicaSet', mirror: false, emptyDir: true, finished: false });
  });

  it('an owner that is not its controller does not count; a static pod’s mirror and a finished pod are told', () => {
    const orphan: PodObject = { metadata: { namespace: 'a', name: 'debug', uid: 'u', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'c' }] }, status: { phase: 'Succeeded' } };
    expect(drainPodOf(orphan)).toMatchObject({ mirror: false, emptyDir: false, finished: true });
    expect(drainPodOf(orphan).controller).toBeUndefined();
    const mirror: PodObject = { metadata: { namespace: 'kube-system', name: 'etcd-n1', uid: 'm', annotations: { [MIRROR_ANNOTATION]: 'abc' }, ownerReferences: owned('Node') } };
    expect(drainPodOf(mirror)).toMatchObject({ controller: 'Node', mirror: true });
  });
});

it('evicts only the pod that was listed, with the grace period asked for', () => {
  const pod = { namespace: 'team-a', name: 'web-1', uid: 'u1', mirror: false, emptyDir: false, finished: false };
  expect(evictionBody(pod, 30)).toEqual({
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name: 'web-1', namespace: 'team-a' },
    deleteOptions: { preconditions: { uid: 'u1' }, gracePeriodSeconds: 30 },
  });
  expect(evictionBody(pod, undefined)).toMatchObject({ deleteOptions: { preconditions: { uid: 'u1' } } });
  expect(evictionBody(pod, undefined)).not.toHaveProperty('deleteOptions.gracePeriodSeconds');
});

describe('a drain as a task, against a fake apiserver', () => {
  const NODES = { group: '', version: 'v1', resource: 'nodes' };
  const uncordon = { method: 'kube.cordon' as const, params: { unschedulable: false }, label: 'Uncordon the node' };
  const podOn = (namespace: string, name: string, extra: Partial<PodObject> & { owner?: string } = {}): PodObject => ({
    metadata: { namespace, name, uid: `uid-${name}`, ...(extra.owner ? { ownerReferences: owned(extra.owner) } : {}), ...extra.metadata },
    spec: { nodeName: 'kwok-1', ...extra.spec },
    status: { phase: 'Running' },
  });

  /**
   * Serves the pods on node kwok-1; an eviction removes the pod unless `stay`
   * keeps it there (terminating for ever), and is refused in the `forbidden` namespaces.
   */
  async function cluster(pods: PodObject[], stay: string[] = [], forbidden: string[] = []) {
    const evictions: string[] = [];
    const present = new Set(pods.map((p) => p.metadata!.name!));
    const server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'GET' && url.pathname === '/api/v1/pods') {
        expect(url.searchParams.get('fieldSelector')).toBe('spec.nodeName=kwok-1');
        return json(200, { items: pods.filter((p) => present.has(p.metadata!.name!)), metadata: {} });
      }
      const evict = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(url.pathname);
      if (req.method === 'POST' && evict) {
        if (forbidden.includes(evict[1])) return json(403, { kind: 'Status', message: `pods "${evict[2]}" is forbidden: User "ci" cannot create resource "pods/eviction"` });
        evictions.push(`${evict[1]}/${evict[2]}`);
        if (!stay.includes(evict[2])) present.delete(evict[2]);
        return json(201, {});
      }
      // Every owner `owned` names is called x; any other DaemonSet is gone.
      const daemonSet = /^\/apis\/apps\/v1\/namespaces\/[^/]+\/daemonsets\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && daemonSet) return daemonSet[1] === 'x' ? json(200, { kind: 'DaemonSet' }) : json(404, { kind: 'Status', message: 'not found' });
      const one = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && one) {
        const pod = pods.find((p) => p.metadata!.name === one[2]);
        return present.has(one[2]) && pod ? json(200, pod) : json(404, { kind: 'Status', message: 'not found' });
      }
      json(500, { message: `unexpected ${req.method} ${url.pathname}` });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const db = new Database(':memory:');
    migrate(db, migrations);
    const log = createLogger();
    const hub = { publish: () => {} } as unknown as EventHub;
    const audit = createAuditService(db, hub, log);
    const runner = createTaskRunner({ db, audit, hub, log });
    const kc = kubeConfigFor(server);
    const drains = createNodeDrain({
      access: { config: async () => kc } as unknown as KubeAccess,
      actions: { cordonUnaudited: async () => ({ before: 'schedulable', after: 'cordoned', undo: uncordon }) },
      connections: { list: () => [{ id: 'k', kind: 'kubernetes', name: 'bed' }] as ConnectionSummary[] },
      runner: () => runner,
      log,
    });
    const drain = (options: Partial<ParamsOf<'kube.drain'>> = {}) =>
      drains.start({ connectionId: 'k', resource: NODES, name: 'kwok-1', timeoutSeconds: 30, deleteEmptyDirData: false, force: false, ignoreDaemonSets: true, ...options }, 'me');
    return { drains, drain, runner, audit, evictions };
  }

  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('evicts what a controller recreates, skips DaemonSet and static pods, and records one entry whose undo uncordons', async () => {
    const { drain, runner, audit, evictions } = await cluster([
      podOn('team-a', 'web-1', { owner: 'ReplicaSet' }),
      podOn('team-a', 'web-2', { owner: 'ReplicaSet' }),
      podOn('kube-system', 'agent-x', { owner: 'DaemonSet' }),
      podOn('kube-system', 'etcd-kwok-1', { owner: 'Node', metadata: { annotations: { [MIRROR_ANNOTATION]: 'h' } } }),
    ]);
    const { taskId } = drain();
    const final = await waitFor(runner, taskId);
    expect(final).toMatchObject({ kind: 'node.drain', status: 'succeeded', result: { evicted: 2, skipped: 2, cordoned: true } });
    expect(final.phases.map((p) => p.state)).toEqual(['done', 'done', 'done']);
    expect(evictions.sort()).toEqual(['team-a/web-1', 'team-a/web-2']);
    expect(final.report?.summary).toContain('- team-a/web-1: evicted, gone');
    expect(final.report?.summary).toContain('- kube-system/agent-x: skipped (DaemonSet)');
    expect(final.report?.summary).toContain('- kube-system/etcd-kwok-1: skipped (static pod)');
    const [entry] = audit.list({ limit: 5 }).entries;
    expect(entry).toMatchObject({ action: 'node.drain', target: 'bed/nodes/kwok-1', status: 'succeeded', before: 'schedulable', after: 'cordoned', undo: { label: 'Uncordon the node' } });
    expect(entry.detail).toMatch(/^Evicted 2 pods: team-a\/web-[12], team-a\/web-[12]$/);
  });

  it('refuses before evicting anything when a pod would lose emptyDir data or has no controller, naming them and the option', async () => {
    const { drain, runner, audit, evictions } = await cluster([
      podOn('team-a', 'web-1', { owner: 'ReplicaSet' }),
      podOn('team-a', 'cache-0', { owner: 'StatefulSet', spec: { volumes: [{ name: 'tmp', emptyDir: {} }] } }),
      podOn('default', 'debug'),
    ]);
    const final = await waitFor(runner, drain().taskId);
    expect(final.status).toBe('failed');
    expect(final.error?.message).toBe(
      'Nothing was evicted from node kwok-1: 1 pod has emptyDir data that would be lost (team-a/cache-0): choose "Delete emptyDir data" to drain anyway; ' +
        '1 pod has no controller: nothing would recreate it (default/debug): choose "Force" to drain anyway',
    );
    expect(evictions).toEqual([]);
    expect(final.report?.summary).toContain('Nothing was evicted. Node kwok-1 stays cordoned');
    // The cordon stays, and so does its undo.
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ status: 'failed', undo: { label: 'Uncordon the node' }, detail: 'Evicted no pod' });

    const forced = await waitFor(runner, drain({ deleteEmptyDirData: true, force: true }).taskId);
    expect(forced).toMatchObject({ status: 'succeeded', result: { evicted: 3 } });
  });

  it('a pod whose DaemonSet no longer exists stops the drain unless forced, as kubectl; forced, it is evicted and the report says why', async () => {
    const gone = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'old-agent', uid: 'o', controller: true }];
    const { drain, runner, evictions } = await cluster([
      podOn('team-a', 'web-1', { owner: 'ReplicaSet' }),
      podOn('kube-system', 'agent-x', { owner: 'DaemonSet' }),
      podOn('kube-system', 'old-agent-x', { metadata: { ownerReferences: gone } }),
    ]);
    const refused = await waitFor(runner, drain().taskId);
    expect(refused.error?.message).toBe(
      'Nothing was evicted from node kwok-1: 1 pod belongs to a DaemonSet that no longer exists: nothing would recreate it (kube-system/old-agent-x): choose "Force" to drain anyway',
    );
    expect(evictions).toEqual([]);

    const forced = await waitFor(runner, drain({ force: true }).taskId);
    expect(forced).toMatchObject({ status: 'succeeded', result: { evicted: 2, skipped: 1 } });
    expect(evictions.sort()).toEqual(['kube-system/old-agent-x', 'team-a/web-1']);
    expect(forced.report?.summary).toContain('- kube-system/old-agent-x: evicted, gone (its DaemonSet no longer exists: nothing recreates it)');
    expect(forced.report?.summary).toContain('- kube-system/agent-x: skipped (DaemonSet)');
  });

  it('a refused eviction fails the drain with who may not evict where, after evicting the rest', async () => {
    const { drain, runner, evictions } = await cluster([podOn('team-a', 'web-1', { owner: 'ReplicaSet' }), podOn('team-b', 'api-1', { owner: 'ReplicaSet' })], [], ['team-b']);
    const final = await waitFor(runner, drain().taskId);
    expect(final).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN', message: 'Node kwok-1 is not drained: 1 eviction failed (No access (403): bed may not evict pods in team-b). See the task\'s report for each pod.' } });
    expect(evictions).toEqual(['team-a/web-1']);
    expect(final.report?.summary).toContain('- team-a/web-1: evicted, gone');
    expect(final.report?.summary).toContain('- team-b/api-1: failed: No access (403): bed may not evict pods in team-b');
  });

  it('on cancel while pods are leaving: what was evicted stays evicted, the node stays cordoned, and the entry keeps the undo', async () => {
    const { drain, runner, audit } = await cluster([podOn('team-a', 'web-1', { owner: 'ReplicaSet' })], ['web-1']);
    const { taskId } = drain();
    await until(() => runner.get(taskId).phase === 'Wait for pods to leave');
    runner.cancel(taskId, 'me');
    const final = await waitFor(runner, taskId);
    expect(final.status).toBe('cancelled');
    expect(final.report?.summary).toContain('- team-a/web-1: evicted, still there');
    expect(final.report?.summary).toContain('Cancelled: Node kwok-1 stays cordoned');
    expect(audit.list({ limit: 1 }).entries[0]).toMatchObject({ status: 'failed', detail: 'Evicted 1 pod: team-a/web-1', undo: { label: 'Uncordon the node' } });
  });
});

async function until(check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The task once it has finished, with its report. */
async function waitFor(runner: TaskRunner, id: string) {
  await until(() => isTaskFinished(runner.get(id).status));
  return runner.get(id);
}
