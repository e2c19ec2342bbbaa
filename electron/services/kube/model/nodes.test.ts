import { expect, it } from 'vitest';
import { nodeRoles, nodeStatus } from './nodes';

it('node status: NotReady, Unknown, SchedulingDisabled', () => {
  expect(nodeStatus({ status: { conditions: [{ type: 'Ready', status: 'False' }] } })).toBe('NotReady');
  expect(nodeStatus({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toBe('NotReady');
  expect(nodeStatus({})).toBe('Unknown');
  expect(nodeStatus({ spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toBe('Ready,SchedulingDisabled');
});

it('node roles from both label forms', () => {
  expect(nodeRoles({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/worker': 'true' })).toEqual(['control-plane', 'master', 'worker']);
});
