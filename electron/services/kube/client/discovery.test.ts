import { describe, expect, it } from 'vitest';
import { isBuiltinGroup, legacyGroupVersions, parseAggregated, parseResourceList } from './discovery';

// Trimmed from kube-apiserver v1.34 answers (Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList).
const aggregatedApis = {
  kind: 'APIGroupDiscoveryList',
  apiVersion: 'apidiscovery.k8s.io/v2',
  metadata: {},
  items: [
    {
      metadata: { name: 'apps', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'deployments',
              responseKind: { group: '', version: '', kind: 'Deployment' },
              scope: 'Namespaced',
              singularResource: 'deployment',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['deploy'],
              categories: ['all'],
              subresources: [{ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] }],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'autoscaling' },
      versions: [
        { version: 'v2', resources: [{ resource: 'horizontalpodautoscalers', responseKind: { kind: 'HorizontalPodAutoscaler' }, scope: 'Namespaced', verbs: ['list', 'watch'], shortNames: ['hpa'] }] },
        { version: 'v1', resources: [{ resource: 'horizontalpodautoscalers', responseKind: { kind: 'HorizontalPodAutoscaler' }, scope: 'Namespaced', verbs: ['list', 'watch'], shortNames: ['hpa'] }] },
      ],
    },
    {
      metadata: { name: 'ml.pilothouse.dev' },
      versions: [
        { version: 'v1alpha1', resources: [{ resource: 'trainingjobs', responseKind: { kind: 'TrainingJob' }, scope: 'Namespaced', singularResource: 'trainingjob', verbs: ['delete', 'get', 'list', 'watch'], shortNames: ['tj'] }], freshness: 'Current' },
      ],
    },
    {
      metadata: { name: 'rbac.authorization.k8s.io' },
      versions: [{ version: 'v1', resources: [{ resource: 'clusterroles', responseKind: { kind: 'ClusterRole' }, scope: 'Cluster', verbs: ['get', 'list', 'watch'] }] }],
    },
  ],
};

describe('aggregated discovery', () => {
  it('lists resources with kind, scope, verbs, short names; no subresources', () => {
    const resources = parseAggregated(aggregatedApis);
    expect(resources.find((r) => r.resource === 'deployments')).toEqual({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      builtin: true,
    });
    expect(resources.some((r) => r.resource.includes('/') || r.resource === 'scale')).toBe(false);
    expect(resources.find((r) => r.resource === 'clusterroles')).toMatchObject({ namespaced: false, builtin: true });
  });

  it('marks CRDs as not built in', () => {
    expect(parseAggregated(aggregatedApis).find((r) => r.resource === 'trainingjobs')).toMatchObject({ group: 'ml.pilothouse.dev', version: 'v1alpha1', kind: 'TrainingJob', builtin: false, shortNames: ['tj'] });
  });

  it('keeps the preferred (first) version of a resource served in several', () => {
    const hpas = parseAggregated(aggregatedApis).filter((r) => r.resource === 'horizontalpodautoscalers');
    expect(hpas.map((r) => r.version)).toEqual(['v2']);
  });

  it('the core group has an empty name', () => {
    const core = { kind: 'APIGroupDiscoveryList', items: [{ metadata: {}, versions: [{ version: 'v1', resources: [{ resource: 'pods', responseKind: { kind: 'Pod' }, scope: 'Namespaced', verbs: ['list', 'watch'], shortNames: ['po'] }] }] }] };
    expect(parseAggregated(core)).toEqual([{ group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, verbs: ['list', 'watch'], shortNames: ['po'], builtin: true }]);
  });
});

describe('legacy discovery', () => {
  it('reads an APIResourceList without subresources', () => {
    const list = {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'], categories: ['all'] },
        { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
        { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get', 'list', 'watch'], shortNames: ['no'] },
      ],
    };
    expect(parseResourceList('', 'v1', list).map((r) => [r.resource, r.namespaced])).toEqual([
      ['pods', true],
      ['nodes', false],
    ]);
  });

  it('visits the preferred version of each group first', () => {
    const groups = {
      kind: 'APIGroupList',
      groups: [{ name: 'autoscaling', versions: [{ groupVersion: 'autoscaling/v1', version: 'v1' }, { groupVersion: 'autoscaling/v2', version: 'v2' }], preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' } }],
    };
    expect(legacyGroupVersions(groups)).toEqual([
      { group: 'autoscaling', version: 'v2' },
      { group: 'autoscaling', version: 'v1' },
    ]);
  });
});

describe('built-in groups', () => {
  it('kube-apiserver groups are built in; CRD groups and aggregated APIs are not', () => {
    expect(['', 'apps', 'batch', 'networking.k8s.io', 'resource.k8s.io'].every(isBuiltinGroup)).toBe(true);
    expect(['ml.pilothouse.dev', 'metrics.k8s.io', 'gateway.networking.k8s.io', 'argoproj.io'].some(isBuiltinGroup)).toBe(false);
  });
});
