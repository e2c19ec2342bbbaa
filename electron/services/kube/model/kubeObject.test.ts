import { expect, it } from 'vitest';
import { matchesLabelSelector, ownerToFollow } from './kubeObject';

it('follows the controller owner, else the first', () => {
  const a = { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1' };
  const b = { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true };
  expect(ownerToFollow({ metadata: { ownerReferences: [a, b] } })).toBe(b);
  expect(ownerToFollow({ metadata: { ownerReferences: [a] } })).toBe(a);
  expect(ownerToFollow({ metadata: {} })).toBeUndefined();
});

it('matches labels against a LabelSelector as the server does', () => {
  const labels = { app: 'web', slot: 'blue' };
  expect(matchesLabelSelector({ matchLabels: { app: 'web' } }, labels)).toBe(true);
  expect(matchesLabelSelector({ matchLabels: { app: 'web', slot: 'green' } }, labels)).toBe(false);
  expect(matchesLabelSelector({ matchExpressions: [{ key: 'slot', operator: 'In', values: ['blue', 'green'] }] }, labels)).toBe(true);
  expect(matchesLabelSelector({ matchExpressions: [{ key: 'slot', operator: 'NotIn', values: ['blue'] }] }, labels)).toBe(false);
  expect(matchesLabelSelector({ matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] }, labels)).toBe(true);
  expect(matchesLabelSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
  expect(matchesLabelSelector({ matchExpressions: [{ key: 'slot', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  expect(matchesLabelSelector({ matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, labels)).toBe(false);
  // An empty selector selects everything.
  expect(matchesLabelSelector({}, labels)).toBe(true);
});
