import { expect, it } from 'vitest';
import { countQuantity } from './quantities';

it('count quantities', () => {
  expect([countQuantity('8'), countQuantity('2k'), countQuantity(undefined), countQuantity('100m'), countQuantity(4)]).toEqual([8, 2000, 0, 0, 4]);
});
