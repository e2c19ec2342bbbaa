import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../../../shared/contract';
import { awsConnection, createFakeBridge, fail, kubeConnection, ok, type FakeBridge } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.canary-token-body.signature';

function promConnection(overrides: Partial<ConnectionSummary> = {}): ConnectionSummary {
  return {
    id: 'p-prod',
    kind: 'prometheus',
    name: 'prom-prod',
    labels: {},
    source: 'typed in',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    health: { status: 'unknown' },
    prometheus: { url: 'https://prom.example.com', auth: 'bearer', clusterConnectionId: 'k-prod' },
    ...overrides,
  };
}

const rowOf = (name: string) => screen.getByRole('rowheader', { name }).closest('tr')!;

async function openAdd(fake: FakeBridge) {
  const user = userEvent.setup();
  renderApp(fake);
  await user.click(await screen.findByRole('button', { name: 'Add Prometheus' }));
  return { user, dialog: screen.getByRole('dialog', { name: 'Add Prometheus endpoint' }) };
}

describe('Prometheus endpoints on the connections page', () => {
  it('adds one with a bearer token, linked to a cluster picked from the Kubernetes connections, and clears the token', async () => {
    const fake = createFakeBridge({
      'connections.list': () => ok([kubeConnection(), awsConnection()]),
      'connections.addPrometheus': () => fail('UNREACHABLE', 'nothing answers'),
    });
    const { user, dialog } = await openAdd(fake);
    const cluster = within(dialog).getByLabelText<HTMLSelectElement>(/Cluster/);
    // Only Kubernetes connections can be linked.
    expect([...cluster.options].map((o) => o.text)).toEqual(['None', 'prod-eu']);
    await user.type(within(dialog).getByLabelText('Name'), 'prom-prod');
    await user.type(within(dialog).getByLabelText(/^URL/), 'https://prom.example.com/');
    await user.click(within(dialog).getByRole('radio', { name: 'Bearer token' }));
    const token = within(dialog).getByLabelText<HTMLInputElement>('Token');
    expect(token.type).toBe('password');
    await user.type(token, TOKEN);
    await user.selectOptions(cluster, 'prod-eu');
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(fake.method('connections.addPrometheus')).toHaveBeenCalledWith({
      name: 'prom-prod',
      url: 'https://prom.example.com/',
      auth: 'bearer',
      token: TOKEN,
      clusterConnectionId: 'k-prod',
      onConflict: 'fail',
    });
    await within(dialog).findByRole('alert');
    await waitFor(() => expect(token.value).toBe(''));
  });

  it('adds one with basic auth and no cluster, then closes', async () => {
    const fake = createFakeBridge({ 'connections.addPrometheus': () => ok(promConnection()) });
    const { user, dialog } = await openAdd(fake);
    await user.type(within(dialog).getByLabelText('Name'), 'prom-basic');
    await user.type(within(dialog).getByLabelText(/^URL/), 'http://10.0.0.5:9090');
    await user.click(within(dialog).getByRole('radio', { name: 'User name and password' }));
    await user.type(within(dialog).getByLabelText('User name'), 'grafana');
    await user.type(within(dialog).getByLabelText('Password'), 'hunter22');
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(fake.method('connections.addPrometheus')).toHaveBeenCalledWith({ name: 'prom-basic', url: 'http://10.0.0.5:9090', auth: 'basic', username: 'grafana', password: 'hunter22', onConflict: 'fail' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Add Prometheus endpoint' })).toBeNull());
  });

  it('says what is wrong before calling: credentials in the URL, another scheme, a missing token', async () => {
    const fake = createFakeBridge();
    const { user, dialog } = await openAdd(fake);
    await user.type(within(dialog).getByLabelText('Name'), 'p');
    const url = within(dialog).getByLabelText(/^URL/);
    await user.type(url, 'https://admin:hunter22@prom.example.com');
    await user.click(within(dialog).getByRole('radio', { name: 'Bearer token' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(within(dialog).getByText('Put the user name and password in the auth fields, not in the URL')).toBeTruthy();
    expect(within(dialog).getByText('Type the token')).toBeTruthy();
    expect(url.getAttribute('aria-invalid')).toBe('true');

    await user.clear(url);
    await user.type(url, 'javascript:alert(1)');
    await user.type(within(dialog).getByLabelText(/^Token/), 'abc def');
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(within(dialog).getByText('Prometheus URLs start with http:// or https://')).toBeTruthy();
    expect(within(dialog).getByText('Tokens are printable ASCII characters without spaces or line breaks')).toBeTruthy();
    expect(fake.method('connections.addPrometheus')).not.toHaveBeenCalled();
  });

  it('lists one with its kind, URL, auth and linked cluster, and a link to a deleted cluster as such', async () => {
    renderApp(
      createFakeBridge({
        'connections.list': () =>
          ok([
            kubeConnection(),
            promConnection(),
            promConnection({ id: 'p-old', name: 'prom-old', prometheus: { url: 'http://old:9090', auth: 'basic', username: 'grafana', clusterConnectionId: 'k-gone' } }),
            promConnection({ id: 'p-none', name: 'prom-none', prometheus: { url: 'http://none:9090', auth: 'none' } }),
          ]),
      }),
    );
    await screen.findByRole('table', { name: 'Connections' });
    const row = rowOf('prom-prod');
    expect(within(row).getByText('Prometheus')).toBeTruthy();
    expect(row.textContent).toContain('https://prom.example.com');
    expect(row.textContent).toContain('for cluster prod-eu');
    expect(row.textContent).toContain('bearer');
    expect(rowOf('prom-old').textContent).toContain('for cluster a deleted connection');
    expect(rowOf('prom-old').textContent).toContain('basic (user grafana)');
    expect(rowOf('prom-none').textContent).not.toContain('for cluster');
    // Only Prometheus endpoints are edited in place.
    expect(screen.queryByRole('button', { name: 'Edit prod-eu' })).toBeNull();
  });

  it('edits the URL and link, keeping the stored token when none is typed', async () => {
    const fake = createFakeBridge({
      'connections.list': () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev' }), promConnection()]),
      'connections.editPrometheus': () => ok(promConnection()),
    });
    const user = userEvent.setup();
    renderApp(fake);
    await screen.findByRole('table', { name: 'Connections' });
    await user.click(screen.getByRole('button', { name: 'Edit prom-prod' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit prom-prod' });
    expect(within(dialog).queryByLabelText('Name')).toBeNull();
    const url = within(dialog).getByLabelText<HTMLInputElement>(/^URL/);
    expect(url.value).toBe('https://prom.example.com');
    expect(within(dialog).getByRole<HTMLInputElement>('radio', { name: 'Bearer token' }).checked).toBe(true);
    expect(within(dialog).getByText('(leave blank to keep the stored one)')).toBeTruthy();
    expect(within(dialog).getByLabelText<HTMLSelectElement>(/Cluster/).value).toBe('k-prod');
    await user.clear(url);
    await user.type(url, 'https://prom.example.com/prometheus');
    await user.selectOptions(within(dialog).getByLabelText(/Cluster/), 'dev');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(fake.method('connections.editPrometheus')).toHaveBeenCalledWith({ id: 'p-prod', url: 'https://prom.example.com/prometheus', auth: 'bearer', clusterConnectionId: 'k-dev' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit prom-prod' })).toBeNull());
  });

  it('shows why an edit was refused, and offers no stale link to a deleted cluster', async () => {
    const fake = createFakeBridge({
      'connections.list': () => ok([promConnection({ prometheus: { url: 'https://prom.example.com', auth: 'bearer', clusterConnectionId: 'k-gone' } })]),
      'connections.editPrometheus': () => fail('VALIDATION', 'Type the token again: the URL now points at another server than https://prom.example.com, which the stored one was typed for'),
    });
    const user = userEvent.setup();
    renderApp(fake);
    await screen.findByRole('table', { name: 'Connections' });
    await user.click(screen.getByRole('button', { name: 'Edit prom-prod' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit prom-prod' });
    expect(within(dialog).getByText(/The cluster it was linked to has been deleted/)).toBeTruthy();
    expect(within(dialog).getByLabelText<HTMLSelectElement>(/Cluster/).value).toBe('');
    const url = within(dialog).getByLabelText(/^URL/);
    await user.clear(url);
    await user.type(url, 'https://elsewhere.example.net');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(fake.method('connections.editPrometheus')).toHaveBeenCalledWith({ id: 'p-prod', url: 'https://elsewhere.example.net', auth: 'bearer' });
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Type the token again');
  });

  it('tests one like any connection, and offers to edit credentials the server refused', async () => {
    const fake = createFakeBridge({
      'connections.list': () => ok([promConnection()]),
      'connections.test': () => ok({ status: 'unauthorized' as const, checkedAt: '2025-01-01T00:00:00Z', message: 'Prometheus at https://prom.example.com refused the credentials (HTTP 401)' }),
    });
    const user = userEvent.setup();
    renderApp(fake);
    await screen.findByRole('table', { name: 'Connections' });
    await user.click(screen.getByRole('button', { name: 'Test prom-prod' }));
    expect(fake.method('connections.test')).toHaveBeenCalledWith({ id: 'p-prod' });
    expect(await screen.findByText('Prometheus at https://prom.example.com refused the credentials (HTTP 401)')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Edit credentials' }));
    expect(screen.getByRole('dialog', { name: 'Edit prom-prod' })).toBeTruthy();
  });

  it('shows the version a healthy Test found', async () => {
    renderApp(
      createFakeBridge({
        'connections.list': () => ok([promConnection({ health: { status: 'ok', checkedAt: '2025-01-01T00:00:00Z', latencyMs: 12, serverVersion: '2.42.0', message: 'Prometheus 2.42.0 answers queries' } })]),
      }),
    );
    await screen.findByRole('table', { name: 'Connections' });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Details of prom-prod' }));
    expect(screen.getByText('2.42.0')).toBeTruthy();
  });

  it('is named as a Prometheus endpoint in the connection switcher', async () => {
    const user = userEvent.setup();
    renderApp(createFakeBridge({ 'connections.list': () => ok([kubeConnection(), promConnection()]) }));
    await screen.findByRole('table', { name: 'Connections' });
    await user.click(screen.getByRole('button', { name: 'Connection: none selected' }));
    const options = within(screen.getByRole('listbox', { name: 'Connections' })).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining('prod-euKubernetes'), expect.stringContaining('prom-prodPrometheus')]);
  });
});
