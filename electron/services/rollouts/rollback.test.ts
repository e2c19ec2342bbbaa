import { describe, expect, it } from 'vitest';
import { rollbackAnnotations, rollbackPatch, rollbackSource, rolloutProgress, sameJson, withoutHash } from './rollback';

const rs = (name: string, revision: string | undefined, image: string, annotations: Record<string, string> = {}) => ({
  metadata: { name, annotations: { ...(revision ? { 'deployment.kubernetes.io/revision': revision } : {}), ...annotations } },
  spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h-${name}` } }, spec: { containers: [{ name: 'web', image }] } } },
});

describe('which revision a rollback goes to, as kubectl picks it', () => {
  const sets = [rs('web-3', '3', 'web:3'), rs('web-1', '1', 'web:1'), rs('web-2', '2', 'web:2'), rs('stray', undefined, 'x')];

  it('the one before the latest by default, a given one when asked', () => {
    expect(rollbackSource('web', sets, 0)).toMatchObject({ revision: 2, rs: { metadata: { name: 'web-2' } } });
    expect(rollbackSource('web', sets, 1)).toMatchObject({ revision: 1, rs: { metadata: { name: 'web-1' } } });
  });

  it('says plainly when the revision is not kept, or when nothing before the latest is', () => {
    expect(() => rollbackSource('web', sets, 7)).toThrow('Revision 7 of deployment "web" is not kept');
    expect(() => rollbackSource('web', [rs('web-3', '3', 'web:3')], 0)).toThrow(/No rollout history found for deployment "web": no earlier revision is kept/);
    expect(() => rollbackSource('web', [], 0)).toThrow(/No rollout history/);
  });
});

describe('what a rollback writes', () => {
  const deployment = {
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
    expect(rollbackAnnotations(deployment, target)).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
      'kubernetes.io/change-cause': 'web 1',
    });
  });

  it('is a JSON patch that changes nothing unless the Deployment is still what was read', () => {
    const patch = rollbackPatch(deployment, target);
    expect(patch[0]).toEqual({ op: 'test', path: '/metadata/resourceVersion', value: '812' });
    expect(patch[1]).toEqual({ op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } });
    expect(patch[2]).toMatchObject({ op: 'replace', path: '/metadata/annotations' });
  });

  it('compares templates without the controller\'s hash label, whatever the key order', () => {
    expect(sameJson(withoutHash(rs('a', '1', 'web:3').spec.template), withoutHash(deployment.spec.template))).toBe(true);
    expect(sameJson(withoutHash(rs('a', '1', 'web:1').spec.template), withoutHash(deployment.spec.template))).toBe(false);
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
