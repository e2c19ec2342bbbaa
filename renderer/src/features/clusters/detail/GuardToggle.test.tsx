import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it } from 'vitest';
import type { RolloutGuard } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { createFakeBridge, kubeConnection, ok } from '../../../test/fakeBridge';
import { useConnections } from '../../connections/connectionsStore';
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

it('on a production connection, guards and stops guarding only once the Deployment’s name is typed', async () => {
  const user = userEvent.setup();
  let guards: RolloutGuard[] = [];
  const fake = createFakeBridge({
    'rollouts.guards': () => ok({ guards }),
    'rollouts.addGuard': () => {
      guards = [guard];
      return ok(guard);
    },
    'rollouts.removeGuard': () => {
      guards = [];
      return ok({ removed: true });
    },
  });
  setBridge(fake.bridge);
  useConnections.setState({ connections: [kubeConnection()] });
  render(<GuardToggle guardRef={guardRef} />);

  await user.click(await screen.findByRole('checkbox', { name: 'Guard rollouts' }));
  const dialog = await screen.findByRole('dialog', { name: 'Guard deployment web' });
  const confirm = within(dialog).getByRole('button', { name: 'Guard' });
  expect(confirm).toHaveProperty('disabled', true);
  await user.type(within(dialog).getByRole('textbox', { name: /Type web to confirm/ }), 'web');
  await user.click(confirm);
  await waitFor(() => expect(fake.method('rollouts.addGuard')).toHaveBeenCalledWith({ ...guardRef, minAvailablePercent: 75, graceSeconds: 30 }));
  await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Guard rollouts' })).toHaveProperty('checked', true));

  await user.click(screen.getByRole('checkbox', { name: 'Guard rollouts' }));
  const stop = await screen.findByRole('dialog', { name: 'Stop guarding deployment web' });
  expect(fake.method('rollouts.removeGuard')).not.toHaveBeenCalled();
  await user.type(within(stop).getByRole('textbox', { name: /Type web to confirm/ }), 'web');
  await user.click(within(stop).getByRole('button', { name: 'Stop guarding' }));
  await waitFor(() => expect(fake.method('rollouts.removeGuard')).toHaveBeenCalledWith(guardRef));
  useConnections.setState({ connections: [] });
});
