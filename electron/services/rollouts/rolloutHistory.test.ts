import { describe, expect, it } from 'vitest';
import { controllerRevisions, deploymentRevisions, keptRevisions, templateImages, templateYaml, type ControllerRevisionObject, type HistoryOwner, type ReplicaSetObject } from './rolloutHistory';

const owner = (uid: string, name = 'web') => [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid, controller: true }];
const template = (image: string) => ({ spec: { initContainers: [{ name: 'migrate', image: 'migrate:1' }], containers: [{ name: 'web', image }] } });

const deployment: HistoryOwner = { metadata: { name: 'web', uid: 'd1', annotations: { 'deployment.kubernetes.io/revision': '3' } } };
const replicaSet = (name: string, revision: string | undefined, image: string, extra: Partial<ReplicaSetObject['metadata']> = {}, status = { replicas: 0, readyReplicas: 0 }): ReplicaSetObject => ({
  metadata: { name, uid: `u-${name}`, creationTimestamp: '2026-12-01T10:00:00Z', ownerReferences: owner('d1'), annotations: revision === undefined ? {} : { 'deployment.kubernetes.io/revision': revision }, ...extra },
  spec: { template: template(image) },
  status,
});

describe('a Deployment\'s history', () => {
  it('lists the ReplicaSets it controls by revision, oldest first, marking the one it runs, with change-cause and images', () => {
    const revisions = deploymentRevisions(deployment, [
      replicaSet('web-c', '3', 'web:3', {}, { replicas: 2, readyReplicas: 1 }),
      replicaSet('web-a', '1', 'web:1', { annotations: { 'deployment.kubernetes.io/revision': '1', 'kubernetes.io/change-cause': 'kubectl set image deployment/web web=web:1' } }),
      replicaSet('web-b', '2', 'web:2'),
    ]);
    expect(revisions.map((r) => [r.revision, r.name, r.current])).toEqual([
      [1, 'web-a', false],
      [2, 'web-b', false],
      [3, 'web-c', true],
    ]);
    expect(revisions[0]).toMatchObject({ changeCause: 'kubectl set image deployment/web web=web:1', createdAt: '2026-12-01T10:00:00Z', images: ['migrate=migrate:1', 'web=web:1'] });
    expect(revisions[1].changeCause).toBeUndefined();
    expect(revisions[2].pods).toEqual({ replicas: 2, ready: 1 });
  });

  it('leaves out ReplicaSets it does not control (another owner, an adopted-away one) and those without a whole-number revision', () => {
    const revisions = deploymentRevisions(deployment, [
      replicaSet('web-a', '1', 'web:1'),
      replicaSet('other', '2', 'other:1', { ownerReferences: owner('d2', 'other') }),
      replicaSet('orphan', '4', 'web:4', { ownerReferences: [] }),
      replicaSet('owned-not-controlled', '5', 'web:5', { ownerReferences: [{ ...owner('d1')[0], controller: false }] }),
      replicaSet('no-revision', undefined, 'web:6'),
      replicaSet('bad-revision', '2a', 'web:7'),
      replicaSet('huge', '99999999999999999999', 'web:8'),
    ]);
    expect(revisions.map((r) => r.name)).toEqual(['web-a']);
  });

  it('is empty when no revision is kept (revisionHistoryLimit 0 and nothing rolled out yet)', () => {
    expect(deploymentRevisions(deployment, [])).toEqual([]);
  });
});

describe('a StatefulSet\'s or DaemonSet\'s history', () => {
  const sts: HistoryOwner = { metadata: { name: 'db', uid: 's1' }, status: { currentRevision: 'db-1', updateRevision: 'db-2' } };
  const revision = (name: string, n: number, image: string, uid = 's1'): ControllerRevisionObject => ({
    metadata: { name, creationTimestamp: '2026-12-01T10:00:00Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid, controller: true }] },
    revision: n,
    data: { spec: { template: { spec: { containers: [{ name: 'db', image }] } } } },
  });

  it('lists its ControllerRevisions by number, the one its pods are being brought to marked current', () => {
    const revisions = controllerRevisions(sts, [revision('db-2', 2, 'db:2'), revision('db-1', 1, 'db:1'), revision('other-1', 1, 'x', 's2')]);
    expect(revisions).toEqual([
      { revision: 1, name: 'db-1', createdAt: '2026-12-01T10:00:00Z', images: ['db=db:1'], current: false },
      { revision: 2, name: 'db-2', createdAt: '2026-12-01T10:00:00Z', images: ['db=db:2'], current: true },
    ]);
  });

  it('marks the newest current when the status names none it keeps (a DaemonSet has no updateRevision)', () => {
    const ds: HistoryOwner = { metadata: { name: 'agent', uid: 's1' } };
    expect(controllerRevisions(ds, [revision('a-1', 1, 'a:1'), revision('a-3', 3, 'a:3')]).map((r) => r.current)).toEqual([false, true]);
  });
});

describe('the template a revision restores', () => {
  it('is a ReplicaSet\'s without the hash label, and a ControllerRevision\'s patch without its $patch directive, as YAML', () => {
    const sts: HistoryOwner = { metadata: { name: 'db', uid: 's1' } };
    const [kept] = keptRevisions('StatefulSet', sts, [
      {
        metadata: { name: 'db-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 's1', controller: true }] },
        revision: 1,
        data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } } },
      } as ControllerRevisionObject,
    ]);
    expect(kept!.template).toEqual({ metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } });
    expect(templateYaml(kept!.template)).toBe('metadata:\n  labels:\n    app: db\nspec:\n  containers:\n    - name: db\n      image: db:1\n');

    const [rs] = keptRevisions('Deployment', deployment, [replicaSet('web-a', '1', 'web:1')]);
    const labelled = keptRevisions('Deployment', deployment, [{ ...replicaSet('web-b', '2', 'web:2'), spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } } } }]);
    expect(rs!.template).toEqual(template('web:1'));
    expect(labelled[0]!.template).toEqual({ metadata: { labels: { app: 'web' } } });
  });
});

describe('template images', () => {
  it('says which image each container runs, and "?" where none is given', () => {
    expect(templateImages({ spec: { containers: [{ name: 'c' }] } })).toEqual(['c=?']);
    expect(templateImages(undefined)).toEqual([]);
  });
});
