import { describe, expect, it } from 'vitest';
import { objectPath } from '../client/kubeAccess';
import { backoffDelay, failureOf, isExpired, listQuery, parseWatchEvent, scopeLabel, watchQuery } from './listWatch';

const pods = { group: '', version: 'v1', resource: 'pods' };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

describe('paths and queries', () => {
  it('core and group collections, namespaced or not', () => {
    expect(objectPath(pods)).toBe('/api/v1/pods');
    expect(objectPath(pods, 'team-a')).toBe('/api/v1/namespaces/team-a/pods');
    expect(objectPath(deployments, 'ml-serving')).toBe('/apis/apps/v1/namespaces/ml-serving/deployments');
  });

  it('objects and subresources, each segment encoded; "." and ".." refused whatever the caller checked', () => {
    expect(objectPath(pods, 'team-a', 'web 1', 'log')).toBe('/api/v1/namespaces/team-a/pods/web%201/log');
    expect(objectPath({ group: '', version: 'v1', resource: 'nodes' }, undefined, 'gpu-1')).toBe('/api/v1/nodes/gpu-1');
    expect(() => objectPath(pods, 'team-a', '..')).toThrow(/not a valid name/);
    expect(() => objectPath(pods, '.', 'x')).toThrow(/not a valid namespace/);
    expect(() => objectPath({ ...pods, version: '..' })).toThrow(/not a valid API version/);
    expect(objectPath(pods, 'a', 'x/../y')).toBe('/api/v1/namespaces/a/pods/x%2F..%2Fy');
  });

  it('list pages and watches', () => {
    expect(listQuery(500)).toBe('?limit=500');
    expect(listQuery(5000, 'eyJ2Ijo+/=')).toBe('?limit=5000&continue=eyJ2Ijo%2B%2F%3D');
    expect(watchQuery('12345', 300)).toBe('?watch=1&allowWatchBookmarks=true&resourceVersion=12345&timeoutSeconds=300');
  });

  it('scope labels for messages', () => {
    expect(scopeLabel(pods, true)).toBe('pods in all namespaces');
    expect(scopeLabel(pods, true, 'team-b')).toBe('pods in namespace team-b');
    expect(scopeLabel({ group: 'ml.pilothouse.dev', version: 'v1alpha1', resource: 'trainingjobs' }, true)).toBe('trainingjobs.ml.pilothouse.dev in all namespaces');
    expect(scopeLabel({ group: '', version: 'v1', resource: 'nodes' }, false)).toBe('nodes');
  });
});

describe('backoff', () => {
  it('doubles from 0.5 s up to a 30 s cap, with half of each step random', () => {
    const low = [0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, () => 0));
    const high = [0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, () => 1));
    expect(high).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(low).toEqual(high.map((h) => h / 2));
  });

  it('stays within bounds for huge attempt numbers', () => {
    expect(backoffDelay(10_000, () => 0.5)).toBe(22500);
  });
});

// Bodies as kube-apiserver v1.34 sends them.
const expiredWatchEvent =
  '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (508)","reason":"Expired","code":410}}';
const expiredContinue = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  reason: 'Expired',
  code: 410,
};
const forbidden = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'pods is forbidden: User "system:serviceaccount:pilothouse-testbed:restricted-user" cannot list resource "pods" in API group "" at the cluster scope',
  reason: 'Forbidden',
  details: { kind: 'pods' },
  code: 403,
};

describe('judging answers', () => {
  it('410 in every form is "expired"', () => {
    const event = parseWatchEvent(expiredWatchEvent);
    expect(event).toMatchObject({ type: 'ERROR', code: 410 });
    if (event?.type !== 'ERROR') throw new Error('not an error event');
    expect(failureOf(event.code, event.status, 'pods in all namespaces').kind).toBe('expired');
    expect(failureOf(410, expiredContinue, 'pods').kind).toBe('expired');
    expect(isExpired(410, undefined)).toBe(true);
    expect(isExpired(500, { message: 'too old resource version: 5 (9)' })).toBe(true);
    expect(isExpired(200, { reason: 'Gone' })).toBe(true);
    expect(isExpired(500, { message: 'etcdserver: request timed out' })).toBe(false);
  });

  it('401 asks for new credentials', () => {
    const f = failureOf(401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' }, 'pods in all namespaces');
    expect(f.kind).toBe('unauthorized');
    expect(f.message).toMatch(/re-import the kubeconfig or renew the token/);
  });

  it('403 names what may not be listed, and where', () => {
    const f = failureOf(403, forbidden, 'pods in all namespaces');
    expect(f.kind).toBe('forbidden');
    expect(f.message).toMatch(/^No access to list pods in all namespaces \(403 Forbidden\): pods is forbidden/);
    expect(failureOf(403, 'not json', 'pods in namespace team-b').message).toBe('No access to list pods in namespace team-b (403 Forbidden)');
  });

  it('server trouble is transient; a missing resource is not', () => {
    expect(failureOf(503, { message: 'service unavailable' }, 'x').kind).toBe('transient');
    expect(failureOf(429, { message: 'Too many requests, please try again later.' }, 'x').kind).toBe('transient');
    expect(failureOf(404, { reason: 'NotFound' }, 'trainingjobs.ml.pilothouse.dev in all namespaces')).toEqual({
      kind: 'rejected',
      message: 'The server does not serve trainingjobs.ml.pilothouse.dev in all namespaces (404): was its API or CRD removed?',
    });
    expect(failureOf(400, { message: 'bad selector' }, 'x').kind).toBe('rejected');
  });
});

describe('watch lines', () => {
  it('object events, bookmarks and junk', () => {
    const added = parseWatchEvent('{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","uid":"u","resourceVersion":"7"}}}');
    expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { uid: 'u' } } });
    expect(parseWatchEvent('{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"9120","annotations":{"k8s.io/initial-events-end":"true"}}}}')).toEqual({
      type: 'BOOKMARK',
      resourceVersion: '9120',
    });
    expect(parseWatchEvent('{"type":"BOOKMARK","object":{"metadata":{}}}')).toBeUndefined();
    expect(parseWatchEvent('not json')).toBeUndefined();
    expect(parseWatchEvent('{"type":"ADDED"}')).toBeUndefined();
    expect(parseWatchEvent('{"type":"SOMETHING","object":{}}')).toBeUndefined();
  });
});
