import { expect, it } from 'vitest';
import { humanDuration } from './durations';

it('durations as kubectl prints them', () => {
  expect([45e3, 135e3, 30 * 60e3, 4 * 3600e3 + 5 * 60e3, 30 * 3600e3, 3 * 86400e3 + 2 * 3600e3, 30 * 86400e3].map(humanDuration)).toEqual([
    '45s',
    '2m15s',
    '30m',
    '4h5m',
    '30h',
    '3d2h',
    '30d',
  ]);
});
