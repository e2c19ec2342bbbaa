import { expect, it } from 'vitest';
import { NewestKept } from './runLists';

it('keeps the newest of a long list and counts the older ones it left out', () => {
  const kept = new NewestKept<{ name: string; createdAt?: string }>(3);
  const at = (day: number) => `2026-12-${String(day).padStart(2, '0')}T00:00:00Z`;
  // Out of order, as the server pages by name; more than twice the bound, so it trims along the way too.
  for (const day of [5, 1, 9, 3, 7, 2, 8, 6, 4]) kept.add({ name: `job-${day}`, createdAt: at(day) });
  kept.add({ name: 'no-time' });
  expect(kept.result()).toEqual({ items: [9, 8, 7].map((d) => ({ name: `job-${d}`, createdAt: at(d) })), leftOut: 7 });
});

it('leaves nothing out of a list within the bound', () => {
  const kept = new NewestKept<{ name: string; createdAt?: string }>(3);
  kept.add({ name: 'b', createdAt: '2026-12-01T00:00:00Z' });
  kept.add({ name: 'a', createdAt: '2026-12-01T00:00:00Z' });
  expect(kept.result()).toEqual({ items: [{ name: 'a', createdAt: '2026-12-01T00:00:00Z' }, { name: 'b', createdAt: '2026-12-01T00:00:00Z' }], leftOut: 0 });
});
