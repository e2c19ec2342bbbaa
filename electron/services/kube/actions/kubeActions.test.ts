import { expect, it } from 'vitest';
import { objectLabel, rfc3339, schedulability } from './kubeActions';

it('stamps restarts in RFC 3339 to the second, as kubectl does', () => {
  expect(rfc3339(new Date('2026-11-27T11:30:20.123Z'))).toBe('2026-11-27T11:30:20Z');
});

it('names objects as kubectl does, with their namespace when they have one', () => {
  expect(objectLabel({ resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'team-a', name: 'web' })).toBe('deployments.apps "web" in team-a');
  expect(objectLabel({ resource: { group: '', version: 'v1', resource: 'nodes' }, name: 'gpu-1' })).toBe('nodes "gpu-1"');
});

it('says whether a node takes new pods', () => {
  expect(schedulability({ spec: { unschedulable: true } })).toBe('cordoned');
  expect(schedulability({ spec: {} })).toBe('schedulable');
});
