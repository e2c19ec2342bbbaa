import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useProductionMarks } from './productionMarks';

async function openLabels() {
  useProductionMarks.getState().setMarked(new Set());
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

  it('marks any label as meaning production, kept once saved; env=prod always means it', async () => {
    const { user, dialog } = await openLabels();
    const builtin = within(dialog).getByRole('button', { name: 'env=prod means production' }) as HTMLButtonElement;
    expect(builtin.getAttribute('aria-pressed')).toBe('true');
    expect(builtin.disabled).toBe(true);

    await user.type(within(dialog).getByLabelText('Add label'), 'cluster-tier=critical{Enter}');
    const mark = within(dialog).getByRole('button', { name: 'cluster-tier=critical means production' });
    expect(mark.getAttribute('aria-pressed')).toBe('false');
    await user.click(mark);
    expect(mark.getAttribute('aria-pressed')).toBe('true');
    // Not kept until saved.
    expect(useProductionMarks.getState().marked.size).toBe(0);
    await user.click(within(dialog).getByRole('button', { name: 'Save labels' }));
    expect([...useProductionMarks.getState().marked]).toEqual(['cluster-tier=critical']);
    expect(JSON.parse(localStorage.getItem('pilothouse.productionLabels')!)).toEqual(['cluster-tier=critical']);
  });

  it('drops a mark on Cancel', async () => {
    const { user, dialog } = await openLabels();
    await user.type(within(dialog).getByLabelText('Add label'), 'cluster-tier=critical{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'cluster-tier=critical means production' }));
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(useProductionMarks.getState().marked.size).toBe(0);
  });
});
