import { describe, expect, it } from 'vitest';
import type { ResourceRef, Row } from '../../../../shared/contract';
import { cacheKey, crdPath, isForbiddenAcrossNamespaces, isNodes, mergeChangedNodes, searchCandidates } from './kubeInspector';

const pods: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
const deployments: ResourceRef = { group: 'apps', version: 'v1', resource: 'deployments' };
const row = (uid: string, name: string, namespace?: string): Row => ({ uid, name, ...(namespace ? { namespace } : {}), cells: [] });

describe('caches', () => {
  it('one per connection, resource version and namespace scope', () => {
    expect(cacheKey('c1', pods, 'team-a')).toBe('c1|/v1/pods|team-a');
    expect(cacheKey('c1', pods, undefined)).toBe('c1|/v1/pods|*');
    expect(cacheKey('c1', deployments, undefined)).not.toBe(cacheKey('c1', { ...deployments, version: 'v1beta2' }, undefined));
  });

  it("reads a custom resource's printer columns from its CRD", () => {
    expect(crdPath({ group: 'kubeflow.org', resource: 'pytorchjobs' })).toBe('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/pytorchjobs.kubeflow.org');
  });

  it('counts pods for core nodes only', () => {
    expect(isNodes({ group: '', resource: 'nodes' })).toBe(true);
    expect(isNodes({ group: 'metrics.k8s.io', resource: 'nodes' })).toBe(false);
  });
});

describe('search', () => {
  it('offers each object once, with its kind and resource, namespaced or not', () => {
    const found = searchCandidates([
      { resource: pods, kind: 'Pod', rows: [row('p1', 'web-1', 'shop'), row('p2', 'web-2', 'shop')] },
      // The context namespace's cache repeats what the all-namespaces cache holds.
      { resource: pods, kind: 'Pod', rows: [row('p2', 'web-2', 'shop')] },
      { resource: { group: '', version: 'v1', resource: 'nodes' }, kind: 'Node', rows: [row('n1', 'gpu-1')] },
    ]);
    expect(found).toEqual([
      { resource: pods, kind: 'Pod', uid: 'p1', name: 'web-1', namespace: 'shop' },
      { resource: pods, kind: 'Pod', uid: 'p2', name: 'web-2', namespace: 'shop' },
      { resource: { group: '', version: 'v1', resource: 'nodes' }, kind: 'Node', uid: 'n1', name: 'gpu-1' },
    ]);
  });

  it('narrows to the context namespace only where listing across namespaces is forbidden', () => {
    expect(isForbiddenAcrossNamespaces({ namespaced: true }, 'forbidden')).toBe(true);
    expect(isForbiddenAcrossNamespaces({ namespaced: true, namespace: 'shop' }, 'forbidden')).toBe(false);
    expect(isForbiddenAcrossNamespaces({ namespaced: false }, 'forbidden')).toBe(false);
    expect(isForbiddenAcrossNamespaces({ namespaced: true }, 'live')).toBe(false);
  });
});

describe('pod counts of nodes', () => {
  it('gathers the nodes whose counts changed until they go out', () => {
    expect(mergeChangedNodes(new Set(['a']), new Set(['b', 'a']))).toEqual(new Set(['a', 'b']));
    expect(mergeChangedNodes(new Set(['a']), 'all')).toBe('all');
    expect(mergeChangedNodes('all', new Set(['b']))).toBe('all');
  });
});
