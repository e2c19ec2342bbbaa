import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Health } from '../../../../shared/contract';
import { awsConnection, createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

const table = () => screen.findByRole('table', { name: 'Connections' });
const rowOf = (name: string) => screen.getByRole('rowheader', { name }).closest('tr')!;

describe('connections page', () => {
  it('says what to do when there are no connections', async () => {
    const user = userEvent.setup();
    renderApp();
    expect(await screen.findByRole('heading', { name: 'No connections yet' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Add AWS account' }));
    expect(screen.getByRole('dialog', { name: 'Add AWS account' })).toBeTruthy();
  });

  it('lists connections with kind, where, auth, labels, health and source', async () => {
    renderApp(
      createFakeBridge({
        'connections.list': () =>
          ok([kubeConnection({ health: { status: 'unreachable', message: 'connect ECONNREFUSED', checkedAt: '2025-01-01T00:00:00Z' } }), awsConnection()]),
      }),
    );
    await table();
    const kube = rowOf('prod-eu');
    expect(kube.textContent).toContain('https://10.0.0.1:6443');
    expect(within(kube).getByText('env=prod')).toBeTruthy();
    expect(within(kube).getByText('unreachable').getAttribute('title')).toContain('connect ECONNREFUSED');
    const aws = rowOf('ml-prod');
    expect(aws.textContent).toContain('eu-west-1');
    expect(aws.textContent).toContain('static (key …WXYZ)');
    expect(aws.textContent).toContain('typed keys');
  });

  it('opens a Kubernetes connection from its name: selects it and shows its inspector, by mouse or keyboard', async () => {
    const user = userEvent.setup();
    renderApp(createFakeBridge({ 'connections.list': () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev' })]) }));
    await table();
    await user.click(screen.getByRole('link', { name: 'prod-eu' }));
    await waitFor(() => expect(location.hash).toBe('#/clusters'));
    expect(screen.getByRole('button', { name: 'Connection: prod-eu' })).toBeTruthy();

    await user.click(screen.getByRole('link', { name: 'Connections' }));
    expect(screen.getByRole('link', { name: 'prod-eu' }).getAttribute('aria-current')).toBe('true');
    screen.getByRole('link', { name: 'dev' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location.hash).toBe('#/clusters'));
    expect(screen.getByRole('button', { name: 'Connection: dev' })).toBeTruthy();
  });

  it('selects an AWS connection from its name and stays on the page, as AWS accounts have no page of their own', async () => {
    const user = userEvent.setup();
    renderApp(createFakeBridge({ 'connections.list': () => ok([kubeConnection(), awsConnection()]) }));
    await table();
    const name = screen.getByRole('button', { name: 'ml-prod' });
    expect(name.getAttribute('aria-current')).toBeNull();
    name.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('button', { name: 'Connection: ml-prod' })).toBeTruthy();
    expect(name.getAttribute('aria-current')).toBe('true');
    expect(within(rowOf('ml-prod')).getByText('selected')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'prod-eu' }).getAttribute('aria-current')).toBeNull();
    expect(location.hash).toBe('#/connections');
  });

  it('refetches on connections.changed and after missed events', async () => {
    const fake = createFakeBridge({ 'connections.list': () => ok([kubeConnection()]) });
    renderApp(fake);
    await table();
    fake.handle('connections.list', () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev' })]));
    fake.emit('connections.changed', { ids: ['k-dev'] });
    expect(await screen.findByRole('rowheader', { name: 'dev' })).toBeTruthy();

    fake.handle('connections.list', () => ok([kubeConnection()]));
    fake.resync();
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: 'dev' })).toBeNull());
  });

  it('tests a connection: spinner while running, then the badge and permission results', async () => {
    let finish!: (h: Health) => void;
    const fake = createFakeBridge({
      'connections.list': () => ok([kubeConnection()]),
      'connections.test': () => new Promise((resolve) => (finish = (h) => resolve(ok(h)))),
    });
    const user = userEvent.setup();
    renderApp(fake);
    await table();
    await user.click(screen.getByRole('button', { name: 'Test prod-eu' }));
    const running = screen.getByRole('button', { name: 'Testing prod-eu' });
    expect(running).toHaveProperty('disabled', true);

    finish({
      status: 'limited',
      checkedAt: '2025-01-01T00:00:00Z',
      latencyMs: 42,
      serverVersion: 'v1.34.4',
      identity: 'admin',
      permissions: [
        { verb: 'list', resource: 'pods', allowed: true },
        { verb: 'patch', resource: 'rollouts', group: 'argoproj.io', namespace: 'ml', allowed: false },
      ],
    });
    const permissions = await screen.findByRole('table', { name: 'Permission checks' });
    expect(within(rowOf('prod-eu')).getByText('limited')).toBeTruthy();
    const rows = within(permissions).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['listpodsall namespaces✓ allowed', 'patchrollouts.argoproj.ioml✗ denied']);
    expect(screen.getByText('v1.34.4')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Details of prod-eu' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('renames after checking the name, and keeps the dialog on a clash', async () => {
    const fake = createFakeBridge({
      'connections.list': () => ok([kubeConnection()]),
      'connections.rename': () => fail('NAME_CONFLICT', '"dev" is already used by another connection'),
    });
    const user = userEvent.setup();
    renderApp(fake);
    await table();
    await user.click(screen.getByRole('button', { name: 'Rename prod-eu' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename prod-eu' });
    const name = within(dialog).getByLabelText('Name');
    await user.clear(name);
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    expect(within(dialog).getByText('A name is required')).toBeTruthy();
    expect(fake.method('connections.rename')).not.toHaveBeenCalled();

    await user.type(name, 'dev');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    const alert = await within(dialog).findByRole('alert');
    expect(fake.method('connections.rename')).toHaveBeenCalledWith({ id: 'k-prod', name: 'dev' });
    await user.click(within(alert).getByRole('button', { name: 'Choose another name' }));
    expect(document.activeElement).toBe(name);
  });

  it('deletes only after a confirmation that names the connection', async () => {
    const fake = createFakeBridge({ 'connections.list': () => ok([kubeConnection()]), 'connections.delete': () => ok({ deleted: true }) });
    const user = userEvent.setup();
    renderApp(fake);
    await table();
    await user.click(screen.getByRole('button', { name: 'Delete prod-eu' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete prod-eu' });
    expect(within(dialog).getByRole('heading').textContent).toBe('Delete “prod-eu”?');
    await user.keyboard('{Escape}');
    expect(fake.method('connections.delete')).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Delete prod-eu' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete prod-eu' })).getByRole('button', { name: 'Delete prod-eu' }));
    expect(fake.method('connections.delete')).toHaveBeenCalledWith({ id: 'k-prod' });
  });
});
