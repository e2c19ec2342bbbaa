import { describe, expect, it } from 'vitest';
import { labelSelectorString, mapSelectorString, mountsClaim, relatedPodOf } from './objectRelations';

describe('label selectors as query strings', () => {
  it('joins matchLabels and every matchExpressions operator', () => {
    expect(
      labelSelectorString({
        matchLabels: { app: 'web', tier: 'frontend' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'canary'] },
          { key: 'track', operator: 'NotIn', values: ['beta'] },
          { key: 'owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,tier=frontend,env in (canary,prod),track notin (beta),owner,!legacy');
  });

  it('selects nothing when a selector is absent, empty or unreadable, rather than every pod', () => {
    expect(labelSelectorString(undefined)).toBeUndefined();
    expect(labelSelectorString({})).toBeUndefined();
    expect(labelSelectorString({ matchLabels: {} })).toBeUndefined();
    expect(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toBeUndefined();
    expect(mapSelectorString(undefined)).toBeUndefined();
    expect(mapSelectorString({})).toBeUndefined();
    expect(mapSelectorString({ app: 'checkout' })).toBe('app=checkout');
  });
});

describe('pods and claims', () => {
  it('finds claims mounted directly and generic ephemeral volumes', () => {
    const pod = {
      metadata: { name: 'trainer-0' },
      spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'datasets' } }, { name: 'scratch', ephemeral: {} }, { name: 'cfg' }] },
    };
    expect(mountsClaim(pod, 'datasets')).toBe(true);
    expect(mountsClaim(pod, 'trainer-0-scratch')).toBe(true);
    expect(mountsClaim(pod, 'trainer-0-cfg')).toBe(false);
    expect(mountsClaim({ metadata: { name: 'x' } }, 'datasets')).toBe(false);
  });

  it("shows a related pod with kubectl's STATUS, READY and RESTARTS", () => {
    const pod = {
      metadata: { uid: 'u1', name: 'payments-worker-1', namespace: 'team-b', creationTimestamp: '2026-01-10T08:00:00Z' },
      spec: { nodeName: 'cpu-1', containers: [{ name: 'app' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 6, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    };
    expect(relatedPodOf(pod)).toEqual({
      uid: 'u1',
      name: 'payments-worker-1',
      namespace: 'team-b',
      status: 'CrashLoopBackOff',
      ready: '0/1',
      restarts: 6,
      node: 'cpu-1',
      created: '2026-01-10T08:00:00Z',
    });
  });

  it('a related pod running but not ready says so, as in the Pods table', () => {
    const pod = { metadata: { name: 'web-1' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, state: { running: {} } }] } };
    expect(relatedPodOf(pod).status).toBe('Running (0/1 ready)');
  });
});
