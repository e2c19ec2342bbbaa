import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useConnections } from '../connections/connectionsStore';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

describe('clusters page', () => {
  it('shows what the last Test of the selected cluster found, and tests it again', async () => {
    const tested = kubeConnection({
      health: { status: 'ok', checkedAt: '2025-01-01T00:00:00Z', latencyMs: 12.4, serverVersion: 'v1.34.4', identity: 'system:admin', permissions: [{ verb: 'list', resource: 'nodes', allowed: true }] },
    });
    const fake = createFakeBridge({ 'connections.list': () => ok([tested]), 'connections.test': () => ok({ ...tested.health, serverVersion: 'v1.35.0' }) });
    const user = userEvent.setup();
    renderApp(fake, '#/clusters');
    expect(await screen.findByText(/Choose a Kubernetes connection/)).toBeTruthy();

    useConnections.getState().select('k-prod');
    expect(await screen.findByText('v1.34.4')).toBeTruthy();
    expect(screen.getByText('system:admin')).toBeTruthy();
    expect(screen.getByText('12 ms')).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Permission checks' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Test' }));
    await waitFor(() => expect(screen.getByText('v1.35.0')).toBeTruthy());
  });
});
