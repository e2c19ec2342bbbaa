import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it } from 'vitest';
import type { RolloutGuard } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { createFakeBridge, ok } from '../../../test/fakeBridge';
import { GuardToggle } from './GuardToggle';

const guardRef = { connectionId: 'k-prod', namespace: 'shop', name: 'web' };
const guard: RolloutGuard = {
  ...guardRef,
  minAvailablePercent: 75,
  graceSeconds: 30,
  createdBy: 'ann',
  createdAt: new Date().toISOString(),
  stableRevision: 4,
  state: 'watching',
  message: 'revision 4 complete: 3 of 3 updated, 3 ready, 3 available',
};

it('guards the Deployment with the default threshold, says what the guard sees, and stops guarding it', async () => {
  const user = userEvent.setup();
  let guards: RolloutGuard[] = [{ ...guard, name: 'other' }];
  const fake = createFakeBridge({
    'rollouts.guards': () => ok({ guards }),
    'rollouts.addGuard': () => {
      guards = [...guards, guard];
      return ok(guard);
    },
    'rollouts.removeGuard': () => {
      guards = guards.filter((g) => g.name !== 'web');
      return ok({ removed: true });
    },
  });
  setBridge(fake.bridge);
  render(<GuardToggle guardRef={guardRef} />);
  const box = await screen.findByRole('checkbox', { name: 'Guard rollouts' });
  expect(box).toHaveProperty('checked', false);
  expect(screen.getByText(/off: a failed rollout stays/)).toBeTruthy();

  await user.click(box);
  expect(fake.method('rollouts.addGuard')).toHaveBeenCalledWith({ ...guardRef, minAvailablePercent: 75, graceSeconds: 30 });
  await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Guard rollouts' })).toHaveProperty('checked', true));
  expect(screen.getByText(/below 75% available for 30 s or past its progress deadline; revision 4 complete/)).toBeTruthy();

  await user.click(screen.getByRole('checkbox', { name: 'Guard rollouts' }));
  expect(fake.method('rollouts.removeGuard')).toHaveBeenCalledWith(guardRef);
  await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Guard rollouts' })).toHaveProperty('checked', false));
});
