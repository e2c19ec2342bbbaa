import { expect, it } from 'vitest';
import { isBuiltinScalable, isRestartable, rollsBack } from './kubeKinds';

const apps = (resource: string) => ({ group: 'apps', resource });

it('knows which built-in kinds scale', () => {
  expect(['deployments', 'statefulsets', 'replicasets'].map((r) => isBuiltinScalable(apps(r)))).toEqual([true, true, true]);
  expect(isBuiltinScalable({ group: '', resource: 'replicationcontrollers' })).toBe(true);
  expect(isBuiltinScalable(apps('daemonsets'))).toBe(false);
  expect(isBuiltinScalable({ group: '', resource: 'pods' })).toBe(false);
});

it('knows which kinds a rollout restart works on', () => {
  expect(['deployments', 'statefulsets', 'daemonsets'].map((r) => isRestartable(apps(r)))).toEqual([true, true, true]);
  expect(isRestartable(apps('replicasets'))).toBe(false);
});

it('knows which kinds keep revisions to roll back to', () => {
  expect(['deployments', 'statefulsets', 'daemonsets'].map((r) => rollsBack(apps(r)))).toEqual([true, true, true]);
  expect(rollsBack(apps('replicasets'))).toBe(false);
  expect(rollsBack({ group: 'example.com', resource: 'deployments' })).toBe(false);
});

it('matches by group as well as name', () => {
  expect(isRestartable({ group: 'example.com', resource: 'deployments' })).toBe(false);
  expect(isBuiltinScalable({ group: '', resource: 'deployments' })).toBe(false);
});
