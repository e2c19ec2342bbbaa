import { expect, it } from 'vitest';
import { sameObject } from './actionCatalog';

it('holds a call to the object the row showed, unless the row’s uid was made up from its name (the object had none)', () => {
  expect(sameObject({ uid: '6f1c2a9e-0d3b-4c55-9a41-2b7f0e8d1c3a', name: 'web-0', namespace: 'shop', cells: [] })).toEqual({ ifUid: '6f1c2a9e-0d3b-4c55-9a41-2b7f0e8d1c3a' });
  expect(sameObject({ uid: 'shop/web-0', name: 'web-0', namespace: 'shop', cells: [] })).toEqual({});
  expect(sameObject({ uid: '/gpu-1', name: 'gpu-1', cells: [] })).toEqual({});
});
