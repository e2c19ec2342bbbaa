import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { awsConnection, createFakeBridge, kubeConnection, ok } from '../test/fakeBridge';
import { renderApp } from '../test/renderApp';

describe('app frame', () => {
  it('navigates with the main navigation and marks the current page', async () => {
    const user = userEvent.setup();
    renderApp();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual([
      'Connections',
      'Clusters',
      'Rollouts',
      'Pipelines',
      'DR drills',
      'GPUs',
      'Alerts',
      'Spend',
      'Terminal',
      'Runbooks',
      'Audit',
    ]);
    await user.click(within(nav).getByRole('link', { name: 'Audit' }));
    expect(await screen.findByRole('heading', { name: 'Audit' })).toBeTruthy();
    expect(within(nav).getByRole('link', { name: 'Audit' }).getAttribute('aria-current')).toBe('page');
  });

  it('performs menu commands', async () => {
    const fake = createFakeBridge();
    renderApp(fake);
    fake.emit('app.command', { command: 'go-audit' });
    expect(await screen.findByRole('heading', { name: 'Audit' })).toBeTruthy();
    fake.emit('app.command', { command: 'go-connections' });
    expect(await screen.findByRole('heading', { name: 'Connections' })).toBeTruthy();
    fake.emit('app.command', { command: 'import-kubeconfig' });
    expect(await screen.findByRole('dialog', { name: 'Import kubeconfig' })).toBeTruthy();
  });

  it('asks for a cluster first on a page that needs one, and shows the page once there is one', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge();
    renderApp(fake, '#/drills');
    expect(await screen.findByRole('heading', { name: 'Add a cluster first' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Import kubeconfig' }));
    expect(screen.getByRole('dialog', { name: 'Import kubeconfig' })).toBeTruthy();
    await user.keyboard('{Escape}');

    fake.handle('connections.list', () => ok([kubeConnection()]));
    fake.handle('drills.overview', () => ok({ namespaces: [], destinations: [], schedules: [] }));
    fake.emit('connections.changed', { ids: ['k-prod'] });
    expect(await screen.findByRole('heading', { name: 'No namespace is backed up or drilled yet' })).toBeTruthy();
  });

  it('switches connection from the top bar, showing health and labels', async () => {
    const user = userEvent.setup();
    renderApp(createFakeBridge({ 'connections.list': () => ok([kubeConnection({ health: { status: 'ok', checkedAt: '2025-01-01T00:00:00Z' } }), awsConnection()]) }));
    const switcher = screen.getByRole('button', { name: 'Connection: none selected' });
    await waitFor(() => expect(screen.getByRole('table', { name: 'Connections' })).toBeTruthy());
    await user.click(switcher);
    const list = screen.getByRole('listbox', { name: 'Connections' });
    const [prod] = within(list).getAllByRole('option');
    expect(within(prod).getByRole('img', { name: 'health ok' })).toBeTruthy();
    expect(within(prod).getByText('env=prod')).toBeTruthy();
    await user.keyboard('{ArrowDown}{Enter}');
    expect(screen.getByRole('button', { name: 'Connection: ml-prod' })).toBeTruthy();
    expect(localStorage.getItem('pilothouse.connection')).toBe('a-ml');
  });
});
