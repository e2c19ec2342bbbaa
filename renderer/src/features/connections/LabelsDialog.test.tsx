import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

async function openLabels() {
  const fake = createFakeBridge({
    'connections.list': () => ok([kubeConnection()]),
    'connections.setLabels': ({ labels }) => ok(kubeConnection({ labels })),
  });
  const user = userEvent.setup();
  renderApp(fake);
  await user.click(await screen.findByRole('button', { name: 'Labels of prod-eu' }));
  return { fake, user, dialog: screen.getByRole('dialog', { name: 'Labels of prod-eu' }) };
}

describe('labels dialog', () => {
  it('refuses a label the contract refuses, with its message', async () => {
    const { fake, user, dialog } = await openLabels();
    const input = within(dialog).getByLabelText('Add label');
    await user.type(input, '-team=ml{Enter}');
    expect(within(dialog).getByText('"-team": Label keys look like "env" or "team.example.com/owner"')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');

    await user.clear(input);
    await user.type(input, 'tier=gpu!');
    await user.click(within(dialog).getByRole('button', { name: 'Save labels' }));
    expect(within(dialog).getByText('Label values are letters, digits, "-", "_" and "."')).toBeTruthy();
    expect(fake.method('connections.setLabels')).not.toHaveBeenCalled();
  });

  it('adds and removes chips, then saves the result', async () => {
    const { fake, user, dialog } = await openLabels();
    await user.type(within(dialog).getByLabelText('Add label'), 'team=ml-platform{Enter}');
    expect(within(dialog).getByRole('list', { name: 'Current labels' }).textContent).toContain('team=ml-platform');
    await user.click(within(dialog).getByRole('button', { name: 'Remove env=prod' }));
    await user.type(within(dialog).getByLabelText('Add label'), 'tier=gpu');
    await user.click(within(dialog).getByRole('button', { name: 'Save labels' }));
    expect(fake.method('connections.setLabels')).toHaveBeenCalledWith({ id: 'k-prod', labels: { team: 'ml-platform', tier: 'gpu' } });
  });
});
