import { describe, expect, it } from 'vitest';
import type { ServiceObject } from '../model';
import { choosePod, compareForForwarding, podPortOfService, resourceOfTarget, selectorQuery, type CandidatePod } from './portForwardPods';

const T0 = '2026-01-10T08:00:00Z';
const T1 = '2026-01-10T09:00:00Z';

function pod(name: string, opts: { phase?: string; ready?: boolean; readySince?: string; restarts?: number; created?: string; deleting?: boolean } = {}): CandidatePod {
  return {
    metadata: { name, creationTimestamp: opts.created ?? T0, ...(opts.deleting ? { deletionTimestamp: T1 } : {}) },
    spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: opts.readySince ?? T0 }],
      containerStatuses: [{ name: 'app', restartCount: opts.restarts ?? 0 }],
    },
  };
}

const names = (pods: CandidatePod[]) => pods.map((p) => p.metadata?.name);

describe('choosing the pod behind a Service or workload (as kubectl port-forward)', () => {
  it('only Running pods that are not terminating qualify', () => {
    expect(choosePod([pod('pending', { phase: 'Pending' }), pod('done', { phase: 'Succeeded' })])).toBeUndefined();
    expect(choosePod([pod('going', { deleting: true }), pod('staying')])?.metadata?.name).toBe('staying');
    expect(choosePod([])).toBeUndefined();
  });

  it('prefers ready, then ready for longer, then fewer restarts, then older', () => {
    expect(choosePod([pod('unready', { ready: false }), pod('ready')])?.metadata?.name).toBe('ready');
    expect(choosePod([pod('recent', { readySince: T1 }), pod('settled', { readySince: T0 })])?.metadata?.name).toBe('settled');
    expect(choosePod([pod('flaky', { restarts: 4 }), pod('steady', { restarts: 1 })])?.metadata?.name).toBe('steady');
    expect(choosePod([pod('young', { created: T1 }), pod('old', { created: T0 })])?.metadata?.name).toBe('old');
  });

  it('falls back to a running pod that is not ready when none is (kubectl forwards to it too)', () => {
    expect(choosePod([pod('a', { ready: false, restarts: 2 }), pod('b', { ready: false })])?.metadata?.name).toBe('b');
  });

  it('orders a whole list by the same rules', () => {
    const pods = [pod('unready', { ready: false }), pod('young', { created: T1 }), pod('flaky', { restarts: 3 }), pod('best')];
    expect(names([...pods].sort(compareForForwarding))).toEqual(['best', 'young', 'flaky', 'unready']);
  });
});

describe('label selectors as query strings', () => {
  it('matchLabels and every matchExpressions operator', () => {
    expect(
      selectorQuery({
        matchLabels: { app: 'ranker', tier: 'web' },
        matchExpressions: [
          { key: 'track', operator: 'In', values: ['stable', 'canary'] },
          { key: 'zone', operator: 'NotIn', values: ['b'] },
          { key: 'gpu', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=ranker,tier=web,track in (stable,canary),zone notin (b),gpu,!legacy');
  });

  it('an empty selector is empty; an unknown operator is refused', () => {
    expect(selectorQuery({})).toBe('');
    expect(() => selectorQuery({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] })).toThrow(/Unknown label selector operator "Gt"/);
  });
});

describe('Service port to pod port', () => {
  const svc = (ports: NonNullable<ServiceObject['spec']>['ports'], clusterIP = '10.0.0.9'): ServiceObject => ({ metadata: { name: 'ranker' }, spec: { clusterIP, ports } });
  const target = pod('ranker-0');

  it('a numeric targetPort, an absent one (the port itself) and a numeric string', () => {
    expect(podPortOfService(svc([{ port: 80, targetPort: 8080 }]), target, 80)).toBe(8080);
    expect(podPortOfService(svc([{ port: 80 }]), target, 80)).toBe(80);
    expect(podPortOfService(svc([{ port: 80, targetPort: '8081' }]), target, 80)).toBe(8081);
  });

  it('a named targetPort is looked up in the pod’s containers', () => {
    expect(podPortOfService(svc([{ port: 80, targetPort: 'http' }, { port: 9000, targetPort: 'metrics' }]), target, 9000)).toBe(9090);
    expect(() => podPortOfService(svc([{ port: 80, targetPort: 'grpc' }]), target, 80)).toThrow('Pod ranker-0 has no port named "grpc", which port 80 of Service ranker targets');
  });

  it('a headless Service passes the port through', () => {
    expect(podPortOfService(svc([{ port: 80, targetPort: 8080 }], 'None'), target, 80)).toBe(80);
  });

  it('a port the Service does not have, or a UDP one, is refused with what it has', () => {
    expect(() => podPortOfService(svc([{ port: 80 }, { port: 53, protocol: 'UDP' }]), target, 443)).toThrow('Service ranker has no port 443 (its ports: 80/TCP, 53/UDP)');
    expect(() => podPortOfService(svc([{ port: 53, protocol: 'UDP' }]), target, 53)).toThrow(/UDP: port-forward carries TCP only/);
  });
});

it('target kinds are audited under their plural resource', () => {
  expect(['pod', 'service', 'deployment', 'statefulset', 'replicaset'].map((k) => resourceOfTarget(k as Parameters<typeof resourceOfTarget>[0]))).toEqual([
    'pods',
    'services',
    'deployments',
    'statefulsets',
    'replicasets',
  ]);
});
