import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useConnections } from '../features/connections/connectionsStore';
import { createFakeBridge, kubeConnection, ok } from '../test/fakeBridge';
import { renderApp } from '../test/renderApp';

const options = () => within(screen.getByRole('listbox', { name: 'Commands' })).getAllByRole('option');
const selectedOption = () => options().find((o) => o.getAttribute('aria-selected') === 'true');

describe('command palette', () => {
  it('opens on Ctrl+K, filters fuzzily and runs the highlighted command with Enter', async () => {
    const user = userEvent.setup();
    renderApp();
    await user.keyboard('{Control>}k{/Control}');
    const dialog = screen.getByRole('dialog', { name: 'Command palette' });
    const input = within(dialog).getByRole('combobox', { name: 'Search commands' });
    expect(document.activeElement).toBe(input);

    await user.type(input, 'gtaud');
    expect(options().map((o) => o.textContent)).toEqual(['Go to Audit']);
    await user.keyboard('{Enter}');

    expect(screen.queryByRole('dialog', { name: 'Command palette' })).toBeNull();
    await waitFor(() => expect(location.hash).toBe('#/audit'));
    expect(await screen.findByRole('heading', { name: 'Audit' })).toBeTruthy();
  });

  it('moves the highlight with the arrow keys, wrapping around', async () => {
    const user = userEvent.setup();
    renderApp();
    await user.keyboard('{Meta>}k{/Meta}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'go to c');
    expect(selectedOption()?.textContent).toBe('Go to Connections');
    await user.keyboard('{ArrowDown}');
    expect(selectedOption()?.textContent).toBe('Go to Clusters');
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(selectedOption()).toBe(options().at(-1));
  });

  it('switches connection and opens dialogs', async () => {
    const user = userEvent.setup();
    const { fake } = renderApp(createFakeBridge({ 'connections.list': () => ok([kubeConnection()]) }));
    await waitFor(() => expect(useConnections.getState().status).toBe('ready'));

    await user.keyboard('{Control>}k{/Control}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'switch prod');
    await user.keyboard('{Enter}');
    expect(useConnections.getState().selectedId).toBe('k-prod');
    expect(localStorage.getItem('pilothouse.connection')).toBe('k-prod');
    expect(screen.getByRole('button', { name: 'Connection: prod-eu' })).toBeTruthy();

    fake.emit('app.command', { command: 'open-palette' });
    await user.type(await screen.findByRole('combobox', { name: 'Search commands' }), 'import kube');
    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog', { name: 'Import kubeconfig' })).toBeTruthy();
  });

  it('closes on Esc and gives focus back', async () => {
    const user = userEvent.setup();
    renderApp();
    const opener = screen.getByRole('button', { name: /Commands/ });
    await user.click(opener);
    expect(screen.getByRole('dialog', { name: 'Command palette' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Command palette' })).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
