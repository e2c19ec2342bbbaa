import { expect, it } from 'vitest';
import { ownerToFollow } from './kubeObject';

it('follows the controller owner, else the first', () => {
  const a = { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1' };
  const b = { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true };
  expect(ownerToFollow({ metadata: { ownerReferences: [a, b] } })).toBe(b);
  expect(ownerToFollow({ metadata: { ownerReferences: [a] } })).toBe(a);
  expect(ownerToFollow({ metadata: {} })).toBeUndefined();
});
