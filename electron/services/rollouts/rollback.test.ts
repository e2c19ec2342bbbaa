import type { KubeConfig } from '@kubernetes/client-node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { UndoStep } from '../audit/auditService';
import { scriptKubeRequest, type KubeRoute, type SentRequest } from '../../../test/support/scriptedKube';
import { kubeRequest } from '../kube/client/kubeHttp';
import { createLogger } from '../logging/logger';
import type { TaskContext, TaskRecord, TaskRunner } from '../tasks/taskRunner';
import { sameJson } from '../kube/client/guardedPatch';
import { createRollbacks, daemonSetProgress, rollbackAnnotations, rollbackPatch, rollbackSource, rolloutProgress, statefulSetProgress } from './rollback';
import { keptRevisions, withoutHash, type ControllerRevisionObject, type HistoryOwner } from './rolloutHistory';

const OWNED = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }];
const deployment: HistoryOwner = { metadata: { name: 'web', uid: 'd1' } };
const rs = (name: string, revision: string | undefined, image: string, annotations: Record<string, string> = {}) => ({
  metadata: { name, annotations: { ...(revision ? { 'deployment.kubernetes.io/revision': revision } : {}), ...annotations } },
  spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h-${name}` } }, spec: { containers: [{ name: 'web', image }] } } },
});

describe('which revision a rollback goes to, as kubectl picks it', () => {
  const kept = (sets: ReturnType<typeof rs>[]) => keptRevisions('Deployment', deployment, sets.map((s) => ({ ...s, metadata: { ...s.metadata, ownerReferences: OWNED } })));
  const sets = kept([rs('web-3', '3', 'web:3'), rs('web-1', '1', 'web:1'), rs('web-2', '2', 'web:2'), rs('stray', undefined, 'x')]);

  it('the one before the latest by default, a given one when asked', () => {
    expect(rollbackSource('deployment "web"', sets, 0)).toMatchObject({ revision: 2, keeper: { metadata: { name: 'web-2' } } });
    expect(rollbackSource('deployment "web"', sets, 1)).toMatchObject({ revision: 1, keeper: { metadata: { name: 'web-1' } } });
  });

  it('says plainly when the revision is not kept, or when nothing before the latest is', () => {
    expect(() => rollbackSource('deployment "web"', sets, 7)).toThrow('Revision 7 of deployment "web" is not kept');
    expect(() => rollbackSource('deployment "web"', kept([rs('web-3', '3', 'web:3')]), 0)).toThrow(/No rollout history found for deployment "web": no earlier revision is kept/);
    expect(() => rollbackSource('daemonset "logs"', [], 0)).toThrow(/No rollout history found for daemonset "logs"/);
  });
});

describe('what a rollback writes', () => {
  const web = {
    metadata: {
      uid: 'd1',
      generation: 812,
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        'kubernetes.io/change-cause': 'web 3',
        'team.example.com/owner': 'ml',
      },
    },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:3' }] } } },
  };
  const target = rs('web-1', '1', 'web:1', { 'kubernetes.io/change-cause': 'web 1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });

  it('keeps the Deployment\'s own bookkeeping annotations and takes the revision\'s others, as kubectl does', () => {
    expect(rollbackAnnotations(web, target)).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
      'kubernetes.io/change-cause': 'web 1',
    });
  });

  it('is a JSON patch that changes nothing unless the Deployment is still what was read', () => {
    const [to] = keptRevisions('Deployment', deployment, [{ ...target, metadata: { ...target.metadata, ownerReferences: OWNED } }]);
    const patch = rollbackPatch('Deployment', web, to!);
    expect(patch.slice(0, 2)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'd1' },
      { op: 'test', path: '/metadata/generation', value: 812 },
    ]);
    expect(patch[2]).toEqual({ op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } });
    expect(patch[3]).toMatchObject({ op: 'replace', path: '/metadata/annotations' });
    expect(patch).toHaveLength(4);
  });

  it('puts a StatefulSet\'s or DaemonSet\'s ControllerRevision template back whole, as kubectl\'s $patch: replace does, and nothing else', () => {
    const db: HistoryOwner = { metadata: { name: 'db', uid: 's1', generation: 77, annotations: { 'kubernetes.io/change-cause': 'db 2' } } };
    const revision: ControllerRevisionObject = {
      metadata: { name: 'db-6d4f', annotations: { 'kubernetes.io/change-cause': 'db 1' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 's1', controller: true }] },
      revision: 1,
      data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } } },
    };
    const [to] = keptRevisions('StatefulSet', db, [revision]);
    expect(rollbackPatch('StatefulSet', db, to!)).toEqual([
      { op: 'test', path: '/metadata/uid', value: 's1' },
      { op: 'test', path: '/metadata/generation', value: 77 },
      { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } },
    ]);
    // Its template is a no-op against a StatefulSet that runs it.
    expect(sameJson(to!.template, withoutHash({ spec: { containers: [{ name: 'db', image: 'db:1' }] }, metadata: { labels: { app: 'db' } } }))).toBe(true);
  });

  it('compares templates without the controller\'s hash label, whatever the key order', () => {
    expect(sameJson(withoutHash(rs('a', '1', 'web:3').spec.template), withoutHash(web.spec.template))).toBe(true);
    expect(sameJson(withoutHash(rs('a', '1', 'web:1').spec.template), withoutHash(web.spec.template))).toBe(false);
    // The hash label alone leaves no empty labels behind, and the original is untouched.
    const hashOnly = { metadata: { labels: { 'pod-template-hash': 'x' } } };
    expect(withoutHash(hashOnly)).toEqual({ metadata: {} });
    expect(hashOnly.metadata.labels).toEqual({ 'pod-template-hash': 'x' });
  });
});

describe('the verdict on a rollout, as kubectl rollout status gives it', () => {
  const deployment = (status: Record<string, unknown>, generation = 4, replicas = 3) => ({ metadata: { generation }, spec: { replicas }, status: { observedGeneration: 4, ...status } });

  it('waits until every replica is updated and available and no old one is left', () => {
    expect(rolloutProgress(deployment({ replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 }))).toMatchObject({ state: 'waiting', message: '2 of 3 updated, 3 ready, 3 available' });
    expect(rolloutProgress(deployment({ replicas: 4, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 })).message).toContain('1 old replicas still terminating');
    expect(rolloutProgress(deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 })).state).toBe('waiting');
    expect(rolloutProgress(deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }))).toMatchObject({ state: 'complete', desired: 3, available: 3 });
  });

  it('does not judge numbers the controller has not yet recomputed for the new template', () => {
    expect(rolloutProgress(deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, 5)).state).toBe('waiting');
  });

  it('calls it stalled once the progress deadline is exceeded, with the controller\'s message', () => {
    const stalled = rolloutProgress(
      deployment({ replicas: 3, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-7f9" has timed out progressing.' }] }),
    );
    expect(stalled).toMatchObject({ state: 'stalled', message: 'exceeded its progress deadline: ReplicaSet "web-7f9" has timed out progressing.' });
  });
});

describe('the verdict on a StatefulSet\'s rollout, as kubectl rollout status gives it', () => {
  const sts = (status: Record<string, unknown>, updateStrategy: Record<string, unknown> = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, generation = 2) => ({
    metadata: { generation },
    spec: { replicas: 3, updateStrategy },
    status: { observedGeneration: 2, ...status },
  });

  it('waits for the controller, then for every pod ready, then for the pods up to the partition updated', () => {
    expect(statefulSetProgress(sts({ readyReplicas: 3, updatedReplicas: 3 }, undefined, 3)).state).toBe('waiting');
    expect(statefulSetProgress(sts({ readyReplicas: 2, updatedReplicas: 1 }))).toMatchObject({ state: 'waiting', message: '1 of 3 pods not ready yet, 1 updated' });
    expect(statefulSetProgress(sts({ readyReplicas: 3, updatedReplicas: 2 }))).toMatchObject({ state: 'waiting', message: '2 of 3 pods updated' });
    expect(statefulSetProgress(sts({ readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 }))).toMatchObject({ state: 'complete', updated: 3, available: 3 });
  });

  it('counts a partitioned update complete once the pods at or above the partition are updated, and says which keep the old template', () => {
    const partitioned = sts({ readyReplicas: 3, updatedReplicas: 1 }, { type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    expect(statefulSetProgress(partitioned)).toMatchObject({ state: 'complete', message: '1 pods updated, 3 of 3 ready; pods below ordinal 2 keep their template (partition 2)' });
  });

  it('without rolling-update settings, waits until the current revision is the update revision', () => {
    expect(statefulSetProgress(sts({ readyReplicas: 3, updatedReplicas: 3, currentRevision: 'db-1', updateRevision: 'db-2' }, { type: 'RollingUpdate' })).state).toBe('waiting');
    expect(statefulSetProgress(sts({ readyReplicas: 3, currentReplicas: 3, currentRevision: 'db-2', updateRevision: 'db-2' }, { type: 'RollingUpdate' }))).toMatchObject({
      state: 'complete',
      message: '3 pods at revision db-2',
    });
  });

  it('says plainly that an OnDelete StatefulSet has no rollout to wait for', () => {
    expect(statefulSetProgress(sts({}, { type: 'OnDelete' }))).toMatchObject({ state: 'unwatched', message: expect.stringContaining('its update strategy is OnDelete') });
  });
});

describe('the verdict on a DaemonSet\'s rollout, as kubectl rollout status gives it', () => {
  const ds = (status: Record<string, unknown>, type = 'RollingUpdate', generation = 5) => ({ metadata: { generation }, spec: { updateStrategy: { type } }, status: { observedGeneration: 5, desiredNumberScheduled: 4, ...status } });

  it('waits until every scheduled pod is updated and available', () => {
    expect(daemonSetProgress(ds({ updatedNumberScheduled: 4, numberAvailable: 4 }, 'RollingUpdate', 6)).state).toBe('waiting');
    expect(daemonSetProgress(ds({ updatedNumberScheduled: 2, numberAvailable: 4 }))).toMatchObject({ state: 'waiting', message: '2 of 4 pods updated, 4 available' });
    expect(daemonSetProgress(ds({ updatedNumberScheduled: 4, numberAvailable: 3 })).state).toBe('waiting');
    expect(daemonSetProgress(ds({ updatedNumberScheduled: 4, numberAvailable: 4, numberReady: 4 }))).toMatchObject({ state: 'complete', desired: 4, updated: 4, ready: 4 });
  });

  it('says plainly that an OnDelete DaemonSet has no rollout to wait for', () => {
    expect(daemonSetProgress(ds({}, 'OnDelete')).state).toBe('unwatched');
  });
});

vi.mock('../kube/client/kubeHttp', () => ({ kubeRequest: vi.fn() }));

describe('the preview and the task, against a scripted apiserver', () => {
  const NS = 'shop';
  const DS_PATH = `/apis/apps/v1/namespaces/${NS}/daemonsets/agent`;
  const CR_PATH = `/apis/apps/v1/namespaces/${NS}/controllerrevisions`;
  const DEPLOY_PATH = `/apis/apps/v1/namespaces/${NS}/deployments/web`;
  const RS_PATH = `/apis/apps/v1/namespaces/${NS}/replicasets`;
  const template = (image: string) => ({ metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } });
  const ownedBy = (kind: string, uid: string) => [{ apiVersion: 'apps/v1', kind, name: 'x', uid, controller: true }];
  const daemonSet = (resourceVersion: string, strategy = 'RollingUpdate', status: Record<string, number> = {}, generation = 3) => ({
    metadata: { name: 'agent', uid: 'ds1', resourceVersion, generation },
    spec: { selector: { matchLabels: { app: 'agent' } }, updateStrategy: { type: strategy }, template: template('agent:2') },
    status: { observedGeneration: 3, desiredNumberScheduled: 2, ...status },
  });
  const revisions = {
    items: [1, 2].map((revision) => ({
      metadata: { name: `agent-${revision}`, ownerReferences: ownedBy('DaemonSet', 'ds1') },
      revision,
      data: { spec: { template: { ...template(`agent:${revision}`), $patch: 'replace' } } },
    })),
  };

  const access = { config: async () => ({}) as KubeConfig };
  const connections = { list: () => [{ id: 'c1', name: 'dev', kind: 'kubernetes' as const, labels: {} }] as never };
  const ref = (resource: string, name: string) => ({ connectionId: 'c1', resource: { group: 'apps', version: 'v1', resource }, namespace: NS, name });

  let sent: SentRequest[];
  let routes: Record<string, KubeRoute>;
  beforeEach(() => void ({ sent, routes } = scriptKubeRequest(vi.mocked(kubeRequest))));
  /** Answers in turn, the last one again after that. */
  const inTurn =
    (...answers: { status: number; body?: unknown }[]): KubeRoute =>
    () =>
      answers.length > 1 ? answers.shift()! : answers[0]!;

  function rollbacks(runner: Pick<TaskRunner, 'start'> = { start: () => ({ id: 't1', done: new Promise(() => {}) }) }) {
    return createRollbacks({ access, connections, runner, log: createLogger(), pollMs: 1 });
  }

  it('previews a DaemonSet rollback: both templates, and the admission refusal of its dry run, without the real patch', async () => {
    routes[`GET ${DS_PATH}`] = inTurn({ status: 200, body: daemonSet('10') });
    routes[`GET ${CR_PATH}`] = inTurn({ status: 200, body: revisions });
    routes[`PATCH ${DS_PATH}`] = inTurn({ status: 422, body: { kind: 'Status', reason: 'Invalid', message: "daemonsets.apps \"agent\" is forbidden: ValidatingAdmissionPolicy 'freeze' denied request: agent 1 is frozen" } });
    const preview = await rollbacks().preview({ ...ref('daemonsets', 'agent'), toRevision: 0 });
    expect(preview).toMatchObject({ toRevision: 1, currentRevision: 2, noop: false, dryRun: { ok: false, message: expect.stringContaining('agent 1 is frozen') } });
    expect(preview.currentTemplate).toContain('image: agent:2');
    expect(preview.targetTemplate).toContain('image: agent:1');
    expect(preview.targetTemplate).not.toContain('$patch');
    const patches = sent.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual([`${DS_PATH}?dryRun=All`]);
    expect(patches[0]!.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'ds1' },
      { op: 'test', path: '/metadata/generation', value: 3 },
      { op: 'replace', path: '/spec/template', value: template('agent:1') },
    ]);
  });

  it('calls a refused dry run a conflict when the workload’s spec moved on since it was read', async () => {
    routes[`GET ${DS_PATH}`] = inTurn({ status: 200, body: daemonSet('10') }, { status: 200, body: daemonSet('11', 'RollingUpdate', {}, 4) });
    routes[`GET ${CR_PATH}`] = inTurn({ status: 200, body: revisions });
    routes[`PATCH ${DS_PATH}`] = inTurn({ status: 422, body: { kind: 'Status', message: 'the server rejected our request due to an error in our request' } });
    const preview = await rollbacks().preview({ ...ref('daemonsets', 'agent'), toRevision: 1 });
    expect(preview.dryRun).toEqual({ ok: false, message: 'daemonset "agent" in shop was changed while the rollback was prepared: nothing was changed. Look again and retry' });
  });

  it('is not stopped by the status moving on (pods crash-looping): only a change to the spec is a conflict', async () => {
    // The DaemonSet's status changed after the read (resourceVersion 10 → 11), its spec did not (generation 3).
    routes[`GET ${DS_PATH}`] = inTurn({ status: 200, body: daemonSet('10') }, { status: 200, body: daemonSet('11', 'RollingUpdate', { numberReady: 1 }) });
    routes[`GET ${CR_PATH}`] = inTurn({ status: 200, body: revisions });
    routes[`PATCH ${DS_PATH}`] = inTurn({ status: 200, body: {} });
    expect((await rollbacks().preview({ ...ref('daemonsets', 'agent'), toRevision: 1 })).dryRun).toEqual({ ok: true });
  });

  it('says a paused Deployment cannot roll back, and a rollback to what runs is a no-op, trying nothing', async () => {
    const rs = (revision: number, image: string) => ({
      metadata: { name: `web-${revision}`, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, ownerReferences: ownedBy('Deployment', 'd1') },
      spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h${revision}` } }, spec: { containers: [{ name: 'web', image }] } } },
    });
    const deployment = (paused: boolean) => ({
      metadata: { name: 'web', uid: 'd1', resourceVersion: '5', annotations: { 'deployment.kubernetes.io/revision': '2' } },
      spec: { paused, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    });
    routes[`GET ${RS_PATH}`] = inTurn({ status: 200, body: { items: [rs(1, 'web:1'), rs(2, 'web:2')] } });
    routes[`GET ${DEPLOY_PATH}`] = inTurn({ status: 200, body: deployment(true) });
    expect(await rollbacks().preview({ ...ref('deployments', 'web'), toRevision: 0 })).toMatchObject({
      toRevision: 1,
      dryRun: { ok: false, message: 'deployment "web" in shop is paused: resume it first (kubectl rollout resume) and try again' },
    });
    routes[`GET ${DEPLOY_PATH}`] = inTurn({ status: 200, body: deployment(false) });
    expect(await rollbacks().preview({ ...ref('deployments', 'web'), toRevision: 2 })).toMatchObject({ toRevision: 2, noop: true, dryRun: { ok: true } });
    expect(await rollbacks().preview({ ...ref('deployments', 'web'), toRevision: 7 })).toMatchObject({ noop: false, dryRun: { ok: false, message: expect.stringContaining('Revision 7 of deployment "web" is not kept') } });
    expect(sent.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('rolls an OnDelete DaemonSet back, dry run first, with an undo held to the renumbered revision, and says there is no rollout to wait for', async () => {
    routes[`GET ${DS_PATH}`] = inTurn({ status: 200, body: daemonSet('10', 'OnDelete') });
    routes[`GET ${CR_PATH}`] = inTurn({ status: 200, body: revisions });
    routes[`PATCH ${DS_PATH}`] = inTurn({ status: 200 });
    let done: Promise<unknown> | undefined;
    const records: TaskRecord[] = [];
    const runner: Pick<TaskRunner, 'start'> = {
      start(_spec, run) {
        const ctx = { id: 't1', signal: new AbortController().signal, phase: () => {}, progress: () => {}, throwIfCancelled: () => {}, log: () => {}, record: (r: TaskRecord) => void records.push(r) } as TaskContext;
        done = run(ctx);
        return { id: 't1', done: new Promise(() => {}) };
      },
    };
    rollbacks(runner).start({ ...ref('daemonsets', 'agent'), toRevision: 0 }, 'alice');
    expect(await done).toMatchObject({ skipped: false, toRevision: 1, verdict: expect.stringContaining('its update strategy is OnDelete') });
    expect(sent.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`${DS_PATH}?dryRun=All`, DS_PATH]);
    const undo = records.at(-1)?.audit?.undo as UndoStep;
    expect(undo).toMatchObject({ method: 'rollouts.rollback', params: { ...ref('daemonsets', 'agent'), toRevision: 2, ifCurrentRevision: 3 }, label: 'Roll back to revision 2' });
  });
});
