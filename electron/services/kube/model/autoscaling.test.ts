import { describe, expect, it } from 'vitest';
import { hpaReference, hpaTargets, type HpaObject } from './autoscaling';

const cpu80 = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };

describe('HPA targets as kubectl prints them', () => {
  it('a CPU target before the metrics pipeline has reported reads <unknown>', () => {
    // What the controller writes when there is no metrics server: currentMetrics absent.
    const hpa: HpaObject = { spec: { maxReplicas: 10, metrics: [cpu80] }, status: { currentReplicas: 0, desiredReplicas: 0 } };
    expect(hpaTargets(hpa)).toBe('cpu: <unknown>/80%');
    // Once it has tried, the controller writes an empty status for each metric it could not get.
    expect(hpaTargets({ ...hpa, status: { currentReplicas: 2, currentMetrics: [{ type: '' }] } })).toBe('cpu: <unknown>/80%');
  });

  it('measured values are paired with their metric by position', () => {
    const hpa: HpaObject = {
      spec: {
        metrics: [
          cpu80,
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } } },
        ],
      },
      status: {
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '210m' } } },
          { type: 'Resource', resource: { name: 'memory', current: { averageValue: '731Mi' } } },
        ],
      },
    };
    expect(hpaTargets(hpa)).toBe('cpu: 42%/80%, memory: 731Mi/1Gi');
  });

  it('pods, object and external metrics; a utilization target left to its default is <auto>', () => {
    const metric = (spec: HpaObject['spec'], status?: HpaObject['status']) => hpaTargets({ spec, status });
    expect(metric({ metrics: [{ type: 'Pods', pods: { target: { averageValue: '100' } } }] }, { currentMetrics: [{ type: 'Pods', pods: { current: { averageValue: '87' } } }] })).toBe('87/100');
    expect(metric({ metrics: [{ type: 'Object', object: { target: { value: '2k' } } }] })).toBe('<unknown>/2k');
    expect(metric({ metrics: [{ type: 'External', external: { target: { averageValue: '30' } } }] }, { currentMetrics: [{ type: 'External', external: { current: { averageValue: '12' } } }] })).toBe(
      '12/30 (avg)',
    );
    expect(metric({ metrics: [{ type: 'ContainerResource', containerResource: { name: 'cpu', target: {} } }] })).toBe('cpu: <unknown>/<auto>');
    expect(metric({ metrics: [{ type: 'Custom' }] })).toBe('<unknown type>');
  });

  it('two metrics, then how many more; none is an empty cell', () => {
    const three: HpaObject = { spec: { metrics: [cpu80, cpu80, cpu80] } };
    expect(hpaTargets(three)).toBe('cpu: <unknown>/80%, cpu: <unknown>/80% + 1 more...');
    expect(hpaTargets({ spec: { maxReplicas: 3 } })).toBeNull();
  });

  it('reference is Kind/name', () => {
    expect(hpaReference({ spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } })).toBe('Deployment/web');
    expect(hpaReference({})).toBeNull();
  });
});
