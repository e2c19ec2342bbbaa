/**
 * The traffic tasks against a scripted apiserver: what they read, the
 * guarded patches they send in which order, and what a change made by
 * someone else between the read and the patch (the server failing a `test`
 * op) leaves: CONFLICT, nothing more written, the audit saying what was done.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/result';
import type { Outcome } from '../audit/auditService';
import { scriptKubeRequest, type KubeRoute, type SentRequest } from '../../../test/support/scriptedKube';
import { kubeRequest } from '../kube/client/kubeHttp';
import { createLogger } from '../logging/logger';
import type { TaskContext, TaskRecord, TaskRunner } from '../tasks/taskRunner';
import { createBlueGreenSwitches } from './blueGreen';
import { createCanaries } from './canary';
import type { PairDeployment } from './trafficPairs';

vi.mock('../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }));

const NS = 'shop';
const at = { connectionId: 'c1', namespace: NS, service: 'web' };

let sent: SentRequest[];
let routes: Record<string, KubeRoute>;
beforeEach(() => void ({ sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest))));

/** Runs a task to its end: its error or value, the audit it recorded last and the phases it went through. */
function fakeRunner() {
  const ran: { done?: Promise<unknown>; audit?: Outcome; phases: string[] } = { phases: [] };
  const runner: Pick<TaskRunner, 'start'> = {
    start(spec, run) {
      const ctx: TaskContext = {
        id: 't1',
        signal: new AbortController().signal,
        phase: (name) => void ran.phases.push(name),
        progress: () => {},
        throwIfCancelled: () => {},
        log: () => {},
        record: (done: TaskRecord) => void (ran.audit = done.audit ?? ran.audit),
      };
      ran.phases.push(spec.phases[0]);
      ran.done = run(ctx).then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
      return { id: 't1', done: new Promise(() => {}) };
    },
  };
  return { runner, ran };
}

const deps = (runner: Pick<TaskRunner, 'start'>) => ({
  access: { config: async () => ({}) as KubeConfig },
  connections: { list: () => [{ id: 'c1', name: 'dev', kind: 'kubernetes' as const, labels: {} }] as never },
  runner,
  log: createLogger(),
  pollMs: 1,
});

function deployment(name: string, labels: Record<string, string>, replicas: number, more: { generation?: number; image?: string } = {}): PairDeployment {
  return {
    metadata: { name, namespace: NS, uid: `uid-${name}`, generation: more.generation ?? 1, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: more.image ?? 'web:1' }] } } },
    status: { observedGeneration: more.generation ?? 1, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas },
  };
}

/** The apiserver's answer (v1.34) to a JSON patch whose `test` op failed: a bare 422, as for an invalid change; only reading the object again tells them apart. */
const testFailed = { status: 422, body: { kind: 'Status', status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', code: 422 } };

const failedWith = (code: string) => ({ ok: false, error: expect.objectContaining({ code }) as AppError });

describe('blue/green switch', () => {
  const service = { metadata: { name: 'web', namespace: NS, uid: 'svc-1' }, spec: { selector: { app: 'web', slot: 'blue' } } };
  const blue = deployment('web-blue', { app: 'web', slot: 'blue' }, 2);

  function serve(green: PairDeployment) {
    routes[`GET /api/v1/namespaces/${NS}/services/web`] = () => ({ status: 200, body: service });
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments`] = () => ({ status: 200, body: { items: [blue, green] } });
  }

  it('a change to the Service between the read and the patch fails the test op: CONFLICT, no undo offered, endpoints never read', async () => {
    serve(deployment('web-green', { app: 'web', slot: 'green' }, 2));
    // Someone switches the Service after it was read: the patch's test fails, and reading it again shows why.
    routes[`PATCH /api/v1/namespaces/${NS}/services/web`] = () => {
      routes[`GET /api/v1/namespaces/${NS}/services/web`] = () => ({ status: 200, body: { ...service, spec: { selector: { app: 'web', slot: 'green' } } } });
      return testFailed;
    };
    const { runner, ran } = fakeRunner();
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'green', ifLiveSlot: 'blue' }, 'ana');
    expect(await ran.done).toEqual(failedWith('CONFLICT'));
    expect(sent.filter((s) => s.method === 'PATCH')).toEqual([
      {
        method: 'PATCH',
        path: `/api/v1/namespaces/${NS}/services/web`,
        body: [
          { op: 'test', path: '/metadata/uid', value: 'svc-1' },
          { op: 'test', path: '/spec/selector/slot', value: 'blue' },
          { op: 'replace', path: '/spec/selector/slot', value: 'green' },
        ],
      },
    ]);
    expect(ran.audit).toEqual({ before: 'slot blue (web-blue)' });
    expect(sent.some((s) => s.path.includes('endpointslices'))).toBe(false);
  });

  it('the slot the user saw is no longer live: CONFLICT before any write', async () => {
    serve(deployment('web-green', { app: 'web', slot: 'green' }, 2));
    const { runner, ran } = fakeRunner();
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'blue', ifLiveSlot: 'green' }, 'ana');
    expect(await ran.done).toEqual(failedWith('CONFLICT'));
    expect(sent.every((s) => s.method === 'GET')).toBe(true);
  });

  it('refuses a target slot not fully available, writing nothing', async () => {
    const green = deployment('web-green', { app: 'web', slot: 'green' }, 2);
    green.status!.availableReplicas = 1;
    serve(green);
    const { runner, ran } = fakeRunner();
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'green' }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('is still rolling out (2 of 2 updated, 2 ready, 1 available)') }) });
    expect(sent.every((s) => s.method === 'GET')).toBe(true);
  });

  it('refuses a target whose rollout to a new template is under way or stuck, though all its old pods are still available', async () => {
    // A new (crashing) image with maxUnavailable 0: the old pods stay available, none of the new ones is.
    const midway = deployment('web-green', { app: 'web', slot: 'green' }, 2, { generation: 3 });
    midway.status = { ...midway.status, replicas: 3, updatedReplicas: 1 };
    serve(midway);
    let { runner, ran } = fakeRunner();
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'green', ifLiveSlot: 'blue' }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('is still rolling out (1 of 2 updated') }) });

    const stuck = { ...midway, status: { ...midway.status, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-green-2" has timed out progressing.' }] } };
    serve(stuck);
    ({ runner, ran } = fakeRunner());
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'green', ifLiveSlot: 'blue' }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('rollout is stuck (exceeded its progress deadline') }) });
    expect(sent.every((s) => s.method === 'GET')).toBe(true);
  });

  it('a target changed since the user saw it (another generation) is CONFLICT before any write', async () => {
    serve(deployment('web-green', { app: 'web', slot: 'green' }, 2, { generation: 2, image: 'web:3' }));
    const { runner, ran } = fakeRunner();
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'green', ifLiveSlot: 'blue', ifTargetGeneration: 1 }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('web-green (slot green) was changed since you looked') }) });
    expect(sent.every((s) => s.method === 'GET')).toBe(true);
  });

  it('a Service the user saw sending to neither slot, switched since: CONFLICT', async () => {
    serve(deployment('web-green', { app: 'web', slot: 'green' }, 2));
    const { runner, ran } = fakeRunner();
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'green', ifLiveSlot: '' }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('sends to slot blue now, not neither slot') }) });
    expect(sent.every((s) => s.method === 'GET')).toBe(true);
  });

  it('switches, waits until the endpoints are the target’s pods only, and offers the switch back', async () => {
    serve(deployment('web-green', { app: 'web', slot: 'green' }, 2));
    routes[`PATCH /api/v1/namespaces/${NS}/services/web`] = () => ({ status: 200, body: service });
    let reads = 0;
    const endpoint = (pod: string) => ({ conditions: { ready: true }, targetRef: { kind: 'Pod', name: pod } });
    routes[`GET /apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`] = () => ({
      status: 200,
      body: { items: [{ endpoints: ++reads === 1 ? [endpoint('blue-1'), endpoint('green-1')] : [endpoint('green-1'), endpoint('green-2')] }] },
    });
    routes[`GET /api/v1/namespaces/${NS}/pods`] = () => ({
      status: 200,
      body: { items: ['blue-1', 'green-1', 'green-2'].map((name) => ({ metadata: { name, labels: { app: 'web', slot: name.split('-')[0] } } })) },
    });
    const { runner, ran } = fakeRunner();
    createBlueGreenSwitches(deps(runner)).start({ ...at, toSlot: 'green', ifLiveSlot: 'blue' }, 'ana');
    expect(await ran.done).toEqual({ ok: true, value: { skipped: false, verdict: expect.stringContaining('2 ready endpoints, all pods of green') } });
    expect(reads).toBe(2);
    expect(ran.phases).toEqual(['Check the target', 'Switch', 'Verify endpoints']);
    expect(ran.audit).toEqual({
      before: 'slot blue (web-blue)',
      after: 'slot green (web-green)',
      undo: { method: 'rollouts.switchSlot', params: { ...at, toSlot: 'blue', ifLiveSlot: 'green', ifTargetGeneration: 1 }, label: 'Switch back to slot blue' },
    });
    // The pods are read by the Service's selector without its slot, so both slots' pods are known.
    expect(sent.find((s) => s.path.includes('/pods'))?.path).toContain(`labelSelector=${encodeURIComponent('app=web')}`);
  });
});

describe('canary', () => {
  const service = { metadata: { name: 'web', namespace: NS, uid: 'svc-1' }, spec: { selector: { app: 'web' } } };
  const stable = deployment('web', { app: 'web', track: 'stable' }, 3, { generation: 4 });
  const canary = deployment('web-canary', { app: 'web', track: 'canary' }, 1, { image: 'web:2' });
  const scalePath = (name: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${name}/scale`;

  beforeEach(() => {
    routes[`GET /api/v1/namespaces/${NS}/services/web`] = () => ({ status: 200, body: service });
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments`] = () => ({ status: 200, body: { items: [stable, canary] } });
  });

  it('a weight up scales the canary first; someone scaling stable meanwhile is CONFLICT, and the undo puts back the canary alone', async () => {
    routes[`PATCH ${scalePath('web-canary')}`] = () => ({ status: 200 });
    routes[`PATCH ${scalePath('web')}`] = () => testFailed;
    routes[`GET ${scalePath('web')}`] = () => ({ status: 200, body: { metadata: { uid: 'uid-web' }, spec: { replicas: 5 } } });
    const { runner, ran } = fakeRunner();
    createCanaries(deps(runner)).setWeight({ ...at, weight: 50, total: 4, ifReplicas: { stable: 3, canary: 1 } }, 'ana');
    expect(await ran.done).toEqual(failedWith('CONFLICT'));
    expect(sent.filter((s) => s.method === 'PATCH')).toEqual([
      {
        method: 'PATCH',
        path: scalePath('web-canary'),
        body: [
          { op: 'test', path: '/metadata/uid', value: 'uid-web-canary' },
          { op: 'test', path: '/spec/replicas', value: 1 },
          { op: 'replace', path: '/spec/replicas', value: 2 },
        ],
      },
      { method: 'PATCH', path: scalePath('web'), body: expect.arrayContaining([{ op: 'test', path: '/spec/replicas', value: 3 }]) },
    ]);
    expect(ran.audit).toEqual({
      before: 'stable web 3 replicas, canary web-canary 1 replica (25% canary)',
      after: 'stable web 3 replicas, canary web-canary 2 replicas (40% canary)',
      undo: { method: 'rollouts.setCanaryWeight', params: { ...at, weight: 25, total: 4, ifReplicas: { stable: 3, canary: 2 } }, label: 'Back to stable web 3 replicas, canary web-canary 1 replica (25% canary)' },
    });
  });

  it('replicas other than those the user saw: CONFLICT before any write', async () => {
    const { runner, ran } = fakeRunner();
    createCanaries(deps(runner)).abort({ ...at, ifReplicas: { stable: 2, canary: 2 } }, 'ana');
    expect(await ran.done).toEqual(failedWith('CONFLICT'));
    expect(sent.every((s) => s.method === 'GET')).toBe(true);
  });

  it('a promotion of a canary changed since the user saw it (a new image pushed) is CONFLICT before any write', async () => {
    const { runner, ran } = fakeRunner();
    createCanaries(deps(runner)).promote({ ...at, ifReplicas: { stable: 3, canary: 1 }, ifGenerations: { stable: 4, canary: 0 } }, 'ana');
    expect(await ran.done).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('canary Deployment web-canary behind Service "web" in shop was changed since you looked') }),
    });
    expect(sent.every((s) => s.method === 'GET')).toBe(true);
  });

  it('abort grows stable before the canary goes to 0, then waits for the pods', async () => {
    routes[`PATCH ${scalePath('web')}`] = () => ({ status: 200 });
    routes[`PATCH ${scalePath('web-canary')}`] = () => ({ status: 200 });
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments/web`] = () => ({ status: 200, body: deployment('web', { app: 'web', track: 'stable' }, 4) });
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments/web-canary`] = () => ({ status: 200, body: deployment('web-canary', { app: 'web', track: 'canary' }, 0) });
    const { runner, ran } = fakeRunner();
    createCanaries(deps(runner)).abort({ ...at, ifReplicas: { stable: 3, canary: 1 } }, 'ana');
    expect(await ran.done).toEqual({ ok: true, value: { verdict: expect.stringContaining('Canary web-canary aborted: stable web 4 replicas, canary web-canary 0 replicas (0% canary)') } });
    expect(sent.filter((s) => s.method === 'PATCH').map((s) => s.path)).toEqual([scalePath('web'), scalePath('web-canary')]);
    expect(ran.audit?.undo).toEqual({ method: 'rollouts.setCanaryWeight', params: { ...at, weight: 25, total: 4, ifReplicas: { stable: 4, canary: 0 } }, label: expect.any(String) });
  });

  it('a promotion’s undo rolls stable’s template back and says the split stays as the promotion left it', async () => {
    routes[`PATCH /apis/apps/v1/namespaces/${NS}/deployments/web`] = () => ({ status: 200, body: stable });
    const promoted = deployment('web', { app: 'web', track: 'stable' }, 4, { generation: 5, image: 'web:2' });
    promoted.metadata!.annotations = { 'deployment.kubernetes.io/revision': '2' };
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments/web`] = () => ({ status: 200, body: promoted });
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments/web-canary`] = () => ({ status: 200, body: canary });
    routes[`PATCH ${scalePath('web-canary')}`] = () => ({ status: 200 });
    const { runner, ran } = fakeRunner();
    createCanaries(deps(runner)).promote({ ...at, ifReplicas: { stable: 3, canary: 1 }, ifGenerations: { stable: 4, canary: 1 } }, 'ana');
    expect(await ran.done).toEqual({ ok: true, value: { verdict: expect.stringContaining('Promoted canary web-canary') } });
    expect(ran.audit?.undo).toEqual({
      method: 'rollouts.rollback',
      params: { connectionId: 'c1', namespace: NS, resource: { group: 'apps', version: 'v1', resource: 'deployments' }, name: 'web', toRevision: 1, ifCurrentRevision: 2 },
      label: 'Roll web back to revision 1 (the split stays stable 4, canary 0)',
    });
  });

  it('a promotion the server finds invalid says why, as a refusal, not a conflict', async () => {
    const invalid = 'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`';
    routes[`PATCH /apis/apps/v1/namespaces/${NS}/deployments/web`] = () => ({ status: 422, body: { kind: 'Status', status: 'Failure', reason: 'Invalid', message: invalid, code: 422 } });
    // Read again, stable is as it was: every test holds, so the 422 is the server's refusal.
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments/web`] = () => ({ status: 200, body: stable });
    const { runner, ran } = fakeRunner();
    createCanaries(deps(runner)).promote({ ...at }, 'ana');
    expect(await ran.done).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('`selector` does not match template `labels`') }) });
  });

  it('a promotion whose stable was changed meanwhile is CONFLICT: the canary is left as it is', async () => {
    routes[`PATCH /apis/apps/v1/namespaces/${NS}/deployments/web`] = () => testFailed;
    routes[`GET /apis/apps/v1/namespaces/${NS}/deployments/web`] = () => ({ status: 200, body: deployment('web', { app: 'web', track: 'stable' }, 3, { generation: 5 }) });
    const { runner, ran } = fakeRunner();
    createCanaries(deps(runner)).promote({ ...at }, 'ana');
    expect(await ran.done).toEqual(failedWith('CONFLICT'));
    const [patch] = sent.filter((s) => s.method === 'PATCH');
    expect(patch.body).toEqual(
      expect.arrayContaining([
        { op: 'test', path: '/metadata/generation', value: 4 },
        { op: 'replace', path: '/spec/replicas', value: 4 },
      ]),
    );
    expect(sent.some((s) => s.path.includes('web-canary'))).toBe(false);
  });
});
