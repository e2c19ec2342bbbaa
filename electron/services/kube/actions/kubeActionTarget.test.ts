import { describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../../shared/contract';
import { auditTarget, connectionNameOf } from './kubeActionTarget';

describe('audit targets', () => {
  it('connection/namespace/resource/name, without a namespace for cluster-scoped objects', () => {
    expect(auditTarget('prod-eu', 'ml-serving', 'deployments', 'ranker')).toBe('prod-eu/ml-serving/deployments/ranker');
    expect(auditTarget('prod-eu', undefined, 'nodes', 'gpu-1')).toBe('prod-eu/nodes/gpu-1');
  });

  it('names the connection; a deleted one or an AWS one is refused', () => {
    const list = () => [{ id: 'k', kind: 'kubernetes', name: 'prod-eu' }, { id: 'a', kind: 'aws', name: 'billing' }] as ConnectionSummary[];
    expect(connectionNameOf({ list }, 'k')).toBe('prod-eu');
    expect(() => connectionNameOf({ list }, 'gone')).toThrow(/No connection gone/);
    expect(() => connectionNameOf({ list }, 'a')).toThrow('billing is not a Kubernetes connection');
  });
});
