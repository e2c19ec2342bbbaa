import { describe, expect, it } from 'vitest';
import { daemonSetProgress, rollbackAnnotations, rollbackPatch, rollbackSource, rolloutProgress, sameJson, statefulSetProgress } from './rollback';
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
      resourceVersion: '812',
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
    expect(patch[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '812' });
    expect(patch[1]).toEqual({ op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } });
    expect(patch[2]).toMatchObject({ op: 'replace', path: '/metadata/annotations' });
    expect(patch).toHaveLength(3);
  });

  it('puts a StatefulSet\'s or DaemonSet\'s ControllerRevision template back whole, as kubectl\'s $patch: replace does, and nothing else', () => {
    const db: HistoryOwner = { metadata: { name: 'db', uid: 's1', resourceVersion: '77', annotations: { 'kubernetes.io/change-cause': 'db 2' } } };
    const revision: ControllerRevisionObject = {
      metadata: { name: 'db-6d4f', annotations: { 'kubernetes.io/change-cause': 'db 1' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 's1', controller: true }] },
      revision: 1,
      data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } } },
    };
    const [to] = keptRevisions('StatefulSet', db, [revision]);
    expect(rollbackPatch('StatefulSet', db, to!)).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '77' },
      { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } },
    ]);
    // Its template is a no-op against a StatefulSet that runs it.
    expect(sameJson(to!.template, withoutHash({ spec: { containers: [{ name: 'db', image: 'db:1' }] }, metadata: { labels: { app: 'db' } } }))).toBe(true);
  });

  it('compares templates without the controller\'s hash label, whatever the key order', () => {
    expect(sameJson(withoutHash(rs('a', '1', 'web:3').spec.template), withoutHash(web.spec.template))).toBe(true);
    expect(sameJson(withoutHash(rs('a', '1', 'web:1').spec.template), withoutHash(web.spec.template))).toBe(false);
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
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
