/**
 * Readiness rules on workloads as the test bed's apiserver wrote them
 * (fixtures recorded with `kubectl get -o json` in a namespace holding a
 * Deployment `web` (2 replicas), a never-ready Deployment `never`, a
 * StatefulSet `db` (2), a DaemonSet `agent`, a Job `migrate` that completes,
 * a Job `broken` that fails, and a PVC `data` with no provisioner:
 * `settled` some seconds after creation, `early` right after it).
 */
import { describe, expect, it, vi } from 'vitest';
import { kubeRequest } from '../../kube/client/kubeHttp';
import type { KubeObject } from '../../kube/model/kubeObject';
import { scriptKubeRequest, type KubeRoute } from '../../../../test/support/scriptedKube';
import { KubeConfig } from '@kubernetes/client-node';
import earlyJson from './fixtures/workloads-early.json';
import settledJson from './fixtures/workloads-settled.json';
import { isWaitedFor, waitReady, workloadReadiness, type WorkloadKind } from './waitReady';

vi.mock('../../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }));

type Fixture = Record<string, KubeObject[]>;
const early = earlyJson as unknown as Fixture;
const settled = settledJson as unknown as Fixture;
const find = (f: Fixture, kind: WorkloadKind, name: string) => {
  const found = f[kind].find((o) => o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the fixture`);
  return found;
};
const readiness = (f: Fixture, kind: WorkloadKind, name: string) => workloadReadiness(kind, find(f, kind, name));

describe('workloadReadiness on objects the server wrote', () => {
  it('a Deployment is ready once updated, ready and available replicas equal spec.replicas, not before', () => {
    expect(readiness(settled, 'Deployment', 'web')).toEqual({ ready: true, reason: '2/2 ready' });
    expect(readiness(early, 'Deployment', 'web')).toMatchObject({ ready: false });
    expect(readiness(settled, 'Deployment', 'never')).toMatchObject({ ready: false, reason: expect.stringContaining('0/1 ready') });
  });

  it('a Deployment whose controller has not seen its generation is not ready, whatever its counts say', () => {
    const web = structuredClone(find(settled, 'Deployment', 'web'));
    web.metadata!.generation = 2;
    expect(workloadReadiness('Deployment', web)).toEqual({ ready: false, reason: 'not yet seen by its controller' });
  });

  it('a Deployment past its progress deadline can no longer become ready', () => {
    const never = structuredClone(find(settled, 'Deployment', 'never')) as KubeObject & { status: { conditions: object[] } };
    never.status.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }];
    expect(workloadReadiness('Deployment', never)).toMatchObject({ ready: false, final: true });
  });

  it('a StatefulSet is ready when all its replicas are, not while one of two is', () => {
    expect(readiness(settled, 'StatefulSet', 'db')).toEqual({ ready: true, reason: '2/2 ready' });
    expect(readiness(early, 'StatefulSet', 'db')).toMatchObject({ ready: false, reason: expect.stringContaining('1/2 ready') });
  });

  it('a DaemonSet is ready when every desired pod is ready, updated and available', () => {
    expect(readiness(settled, 'DaemonSet', 'agent')).toMatchObject({ ready: true });
    const agent = structuredClone(find(settled, 'DaemonSet', 'agent')) as KubeObject & { status: { numberReady: number } };
    agent.status.numberReady -= 1;
    expect(workloadReadiness('DaemonSet', agent)).toMatchObject({ ready: false });
  });

  it('a Job is ready once complete; a failed one never is', () => {
    expect(readiness(settled, 'Job', 'migrate')).toEqual({ ready: true, reason: 'complete' });
    expect(readiness(settled, 'Job', 'broken')).toEqual({ ready: false, reason: 'failed: BackoffLimitExceeded', final: true });
  });

  it('a running Job counts as ready once one of its pods is', () => {
    const running = { metadata: { name: 'worker' }, spec: {}, status: { active: 1, ready: 0 } };
    expect(workloadReadiness('Job', running)).toMatchObject({ ready: false });
    expect(workloadReadiness('Job', { ...running, status: { active: 1, ready: 1 } })).toEqual({ ready: true, reason: 'running, 1 ready' });
  });

  it('a PVC is ready when Bound; one no volume binds stays Pending', () => {
    expect(readiness(settled, 'PersistentVolumeClaim', 'data')).toEqual({ ready: false, reason: 'Pending' });
    const bound = structuredClone(find(settled, 'PersistentVolumeClaim', 'data')) as KubeObject & { status: { phase: string } };
    bound.status.phase = 'Bound';
    expect(workloadReadiness('PersistentVolumeClaim', bound)).toEqual({ ready: true, reason: 'Bound' });
  });

  it("ReplicaSets a Deployment owns are left to it; a bare one is waited for", () => {
    const owned = find(settled, 'ReplicaSet', settled.ReplicaSet.find((r) => r.metadata?.name?.startsWith('web-'))!.metadata!.name!);
    expect(isWaitedFor('ReplicaSet', owned)).toBe(false);
    expect(isWaitedFor('ReplicaSet', { metadata: { name: 'bare' } })).toBe(true);
    expect(workloadReadiness('ReplicaSet', owned)).toMatchObject({ ready: true });
  });
});

describe('bare Pods', () => {
  const pod = (status: object, owned = false): KubeObject => ({ metadata: { name: 'p', ...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true }] } : {}) }, status });

  it('a bare Pod is waited for until Ready (or Succeeded); one Failed can no longer be; one a controller owns is left to it', () => {
    expect(isWaitedFor('Pod', pod({}))).toBe(true);
    expect(isWaitedFor('Pod', pod({}, true))).toBe(false);
    expect(workloadReadiness('Pod', pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }))).toEqual({ ready: true, reason: 'Ready' });
    expect(workloadReadiness('Pod', pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] }))).toEqual({ ready: false, reason: 'Running, not ready: ContainersNotReady' });
    expect(workloadReadiness('Pod', pod({ phase: 'Pending' }))).toEqual({ ready: false, reason: 'Pending, not ready' });
    expect(workloadReadiness('Pod', pod({ phase: 'Succeeded' }))).toEqual({ ready: true, reason: 'completed' });
    expect(workloadReadiness('Pod', pod({ phase: 'Failed', reason: 'Evicted' }))).toEqual({ ready: false, reason: 'failed: Evicted', final: true });
  });
});

describe('waitReady', () => {
  const kc = new KubeConfig();
  const list = (kind: string, items: KubeObject[]) => () => ({ status: 200, body: { kind: `${kind}List`, items } });
  const routeAll = (routes: Record<string, KubeRoute>, f: Partial<Fixture>) => {
    routes['GET /apis/apps/v1/namespaces/ns/deployments'] = list('Deployment', f.Deployment ?? []);
    routes['GET /apis/apps/v1/namespaces/ns/statefulsets'] = list('StatefulSet', f.StatefulSet ?? []);
    routes['GET /apis/apps/v1/namespaces/ns/daemonsets'] = list('DaemonSet', f.DaemonSet ?? []);
    routes['GET /apis/apps/v1/namespaces/ns/replicasets'] = list('ReplicaSet', f.ReplicaSet ?? []);
    routes['GET /apis/batch/v1/namespaces/ns/jobs'] = list('Job', f.Job ?? []);
    routes['GET /api/v1/namespaces/ns/persistentvolumeclaims'] = list('PersistentVolumeClaim', f.PersistentVolumeClaim ?? []);
    routes['GET /api/v1/namespaces/ns/pods'] = list('Pod', f.Pod ?? []);
  };

  it('returns when everything is ready, with the poll at which it was', async () => {
    const { routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    let clock = 1000;
    let polls = 0;
    routeAll(routes, { Deployment: early.Deployment.filter((d) => d.metadata?.name === 'web'), StatefulSet: early.StatefulSet });
    const ready = { Deployment: settled.Deployment.filter((d) => d.metadata?.name === 'web'), StatefulSet: settled.StatefulSet };
    const seen: number[] = [];
    const result = await waitReady(kc, 'ns', {
      timeoutMs: 60_000,
      intervalMs: 1,
      now: () => clock,
      onProgress: (r) => {
        seen.push(r);
        // The second poll finds them ready, 500 ms later.
        if (++polls === 1) {
          clock += 500;
          routeAll(routes, ready);
        }
      },
    });
    expect(seen).toEqual([0, 2]);
    expect(result).toMatchObject({ allReady: true, allReadyAt: 1500, notReady: [], summary: 'All 2 workloads ready' });
    expect(result.workloads.map((w) => w.readyAt)).toEqual([1500, 1500]);
  });

  it('stops early when what is not ready can no longer be, naming it', async () => {
    const { routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    routeAll(routes, { Job: settled.Job });
    const result = await waitReady(kc, 'ns', { timeoutMs: 60_000, intervalMs: 1 });
    expect(result.allReady).toBe(false);
    expect(result.notReady).toEqual([{ kind: 'Job', name: 'broken', ready: false, reason: 'failed: BackoffLimitExceeded' }]);
    expect(result.summary).toContain('cannot become ready: Job broken (failed: BackoffLimitExceeded)');
  });

  it('ends at the timeout with a result naming what never became ready, not an exception', async () => {
    const { routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    routeAll(routes, { Deployment: settled.Deployment });
    let clock = 0;
    const result = await waitReady(kc, 'ns', { timeoutMs: 3000, intervalMs: 10, now: () => (clock += 1000) });
    expect(result.allReady).toBe(false);
    expect(result.allReadyAt).toBeUndefined();
    expect(result.notReady.map((w) => w.name)).toEqual(['never']);
    expect(result.summary).toMatch(/^1 of 2 workloads not ready after 3 s: Deployment never \(0\/1 ready/);
  });

  it('waits for a restored bare Pod: one never ready keeps the namespace from being ready', async () => {
    const { routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    routeAll(routes, { Pod: [{ metadata: { name: 'worker' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] } }] });
    let clock = 0;
    const result = await waitReady(kc, 'ns', { timeoutMs: 3000, intervalMs: 10, now: () => (clock += 1000) });
    expect(result.allReady).toBe(false);
    expect(result.notReady).toEqual([{ kind: 'Pod', name: 'worker', ready: false, reason: 'Running, not ready: ContainersNotReady' }]);
  });

  it('keeps polling through a failed list and names the failure if the wait ends on it', async () => {
    const { routes } = scriptKubeRequest(vi.mocked(kubeRequest));
    routeAll(routes, {});
    routes['GET /apis/batch/v1/namespaces/ns/jobs'] = () => ({ status: 503, body: { kind: 'Status', message: 'etcd is down' } });
    let clock = 0;
    const result = await waitReady(kc, 'ns', { timeoutMs: 2000, intervalMs: 10, now: () => (clock += 1000) });
    expect(result.allReady).toBe(false);
    expect(result.summary).toContain('etcd is down');
  });
});
