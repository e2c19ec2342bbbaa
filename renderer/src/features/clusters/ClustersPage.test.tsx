import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { awsConnection, createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { useInspector } from './inspectorStore';
import { discovery, emitRows, grid, podRow, renderInspector, rowNames, statusText, watchCalls, watchId } from './testKit';

describe('clusters page', () => {
  it('asks for a Kubernetes connection when an AWS one is selected', async () => {
    renderApp(createFakeBridge({ 'connections.list': () => ok([awsConnection()]) }), '#/clusters');
    act(() => useConnections.getState().select('a-ml'));
    expect(await screen.findByText(/Choose a Kubernetes connection/)).toBeTruthy();
  });

  it('shows the server version, the built-ins and the custom resources by group', async () => {
    renderInspector();
    expect(await screen.findByText('Kubernetes v1.34.4')).toBeTruthy();
    const picker = screen.getByRole('navigation', { name: 'Resources' });
    expect(within(picker).getByRole('button', { name: 'Pods' }).getAttribute('aria-current')).toBe('true');
    // Discovery found no StatefulSets on this cluster.
    expect((within(picker).getByRole('button', { name: 'StatefulSets' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(picker).getByText('argoproj.io')).toBeTruthy();
    expect(within(picker).getByRole('button', { name: 'Rollout', hidden: true })).toBeTruthy();
  });

  it('keeps the overview of the connection: its last Test and a way to test again', async () => {
    const tested = kubeConnection({
      health: { status: 'ok', checkedAt: '2025-01-01T00:00:00Z', latencyMs: 12.4, serverVersion: 'v1.34.4', identity: 'system:admin', permissions: [{ verb: 'list', resource: 'nodes', allowed: true }] },
    });
    const user = userEvent.setup();
    const { fake } = renderInspector({ 'connections.test': () => ok({ ...tested.health, serverVersion: 'v1.35.0' }) }, 'overview');
    fake.handle('connections.list', () => ok([tested]));
    await act(() => useConnections.getState().refresh());
    expect(await screen.findByText('system:admin')).toBeTruthy();
    expect(screen.getByText('12 ms')).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Permission checks' })).toBeTruthy();
    expect(fake.method('kube.watch')).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Test' }));
    await waitFor(() => expect(screen.getByText('v1.35.0')).toBeTruthy());
  });

  it('unwatches when switching resource and when leaving the page', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const pods = await watchId(fake);

    await user.click(screen.getByRole('button', { name: 'Nodes' }));
    const nodes = await watchId(fake, 2);
    expect(watchCalls(fake)[1].resource).toEqual({ group: '', version: 'v1', resource: 'nodes' });
    expect(fake.method('kube.unwatch')).toHaveBeenCalledWith({ watchId: pods });
    emitRows(fake, nodes, { reset: true, upserts: [{ uid: 'n1', name: 'gpu-node-1', cells: [] }] });
    expect(rowNames('Nodes')).toEqual(['gpu-node-1']);
    expect(statusText()).toBe('1 node · live');
    expect(screen.queryByRole('button', { name: /Namespaces: all/ })).toBeNull();

    act(() => {
      location.hash = '#/audit';
    });
    await waitFor(() => expect(fake.method('kube.unwatch')).toHaveBeenCalledWith({ watchId: nodes }));
  });

  it('unwatches a watch whose answer arrives after the user left', async () => {
    let answer!: () => void;
    const { fake } = renderInspector({
      'kube.watch': () => new Promise((resolve) => (answer = () => resolve(ok({ watchId: 'late', columns: [], namespaced: true })))),
    });
    await waitFor(() => expect(fake.method('kube.watch')).toHaveBeenCalled());
    act(() => useInspector.getState().pick('overview'));
    await act(async () => answer());
    await waitFor(() => expect(fake.method('kube.unwatch')).toHaveBeenCalledWith({ watchId: 'late' }));
  });

  it('re-opens the watch after missed events, keeping the rows until the new list arrives', async () => {
    const { fake } = renderInspector();
    const first = await watchId(fake);
    emitRows(fake, first, { reset: true, upserts: [podRow('a'), podRow('b')] });

    act(() => fake.resync());
    const second = await watchId(fake, 2);
    expect(fake.method('kube.unwatch')).toHaveBeenCalledWith({ watchId: first });
    expect(rowNames('Pods')).toEqual(['a', 'b']);
    expect(statusText()).toBe('2 pods · opening…');

    emitRows(fake, first, { upserts: [podRow('stale')] });
    emitRows(fake, second, { reset: true, upserts: [podRow('b'), podRow('c')] });
    expect(rowNames('Pods')).toEqual(['b', 'c']);
  });

  it('offers "Go to" a resource in the command palette while a cluster is selected', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector({}, 'overview');
    await screen.findByText('Kubernetes v1.34.4');
    act(() => {
      location.hash = '#/connections';
    });
    await user.keyboard('{Control>}k{/Control}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'go to deploym');
    expect(within(screen.getByRole('listbox', { name: 'Commands' })).getAllByRole('option')[0].textContent).toMatch(/^Go to Deployments/);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location.hash).toBe('#/clusters'));
    expect(await screen.findByRole('grid', { name: 'Deployments' })).toBeTruthy();
    expect(watchCalls(fake).at(-1)?.resource).toEqual({ group: 'apps', version: 'v1', resource: 'deployments' });

    await user.keyboard('{Control>}k{/Control}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'go to rollout');
    // The custom resource, not the Rollouts page: its hint names the API group.
    const options = within(screen.getByRole('listbox', { name: 'Commands' })).getAllByRole('option');
    await user.click(options.find((o) => o.textContent?.includes('argoproj.io'))!);
    expect(await screen.findByRole('grid', { name: 'Rollout' })).toBeTruthy();
  });
});

describe('watch status', () => {
  it('says when listing all namespaces is forbidden and lets the user watch one', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, { reset: true, state: { phase: 'forbidden', rows: 0, message: 'pods is forbidden: User "dev" cannot list resource "pods" at the cluster scope' } });
    expect(statusText()).toBe('0 pods · forbidden · Not permitted: pods is forbidden: User "dev" cannot list resource "pods" at the cluster scope');

    const input = screen.getByRole('combobox', { name: 'Watch one namespace' });
    await user.clear(input);
    await user.type(input, 'team-a');
    await user.click(screen.getByRole('button', { name: 'Watch' }));
    const scoped = await watchId(fake, 2);
    expect(watchCalls(fake)[1]).toMatchObject({ namespace: 'team-a' });
    expect(fake.method('kube.unwatch')).toHaveBeenCalledWith({ watchId: id });
    emitRows(fake, scoped, { reset: true, upserts: [podRow('api', { namespace: 'team-a' })] });
    expect(statusText()).toBe('1 pod in team-a · live');

    await user.click(screen.getByRole('button', { name: 'All namespaces' }));
    await watchId(fake, 3);
    expect(watchCalls(fake)[2].namespace).toBeUndefined();
  });

  it('says when the credentials were rejected and offers to re-import them', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, { reset: true, upserts: [podRow('a')], state: { phase: 'unauthorized', rows: 1, message: 'token expired' } });
    expect(statusText()).toBe('1 pod · unauthorized · Credentials rejected: token expired');
    expect(rowNames('Pods')).toEqual(['a']);

    await user.click(screen.getByRole('button', { name: 'Re-import credentials' }));
    expect(screen.getByRole('dialog', { name: 'Import kubeconfig' })).toBeTruthy();
    await user.keyboard('{Escape}');

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await watchId(fake, 2);
    expect(statusText()).toBe('1 pod · opening…');
  });

  it('says when the watch is reconnecting, keeps the rows, and tests the connection on request', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector({ 'connections.test': () => ok({ status: 'unreachable', checkedAt: '2025-01-01T00:00:00Z', message: 'connection refused' }) });
    const id = await watchId(fake);
    emitRows(fake, id, { reset: true, upserts: [podRow('a'), podRow('b')] });
    emitRows(fake, id, { state: { phase: 'reconnecting', rows: 2, message: 'dial tcp 10.0.0.1:6443: connection refused' } });
    expect(statusText()).toBe('2 pods · reconnecting · Cannot reach the server: dial tcp 10.0.0.1:6443: connection refused');
    expect(rowNames('Pods')).toEqual(['a', 'b']);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Test the connection' }));
    expect(fake.method('connections.test')).toHaveBeenCalledWith({ id: 'k-prod' });
    await waitFor(() => expect(screen.getAllByText('unreachable').length).toBeGreaterThan(0));
  });

  it('marks the rows stale while the server is silent, counting down to the real retry; the badge and banner follow and clear on recovery', async () => {
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, { reset: true, upserts: [podRow('a'), podRow('b')] });
    const since = new Date(Date.now() - 20_000);
    const retryAt = new Date(Date.now() + 8_000).toISOString();
    const silence = 'https://10.0.0.1:6443 did not answer within 5 s';
    emitRows(fake, id, { state: { phase: 'reconnecting', rows: 2, message: silence, staleSince: since.toISOString(), retryAt } });
    expect(statusText()).toMatch(new RegExp(`^2 pods · stale since ${since.toLocaleTimeString()} · reconnecting in [78] s · Cannot reach the server: ${silence}$`));
    expect(rowNames('Pods')).toEqual(['a', 'b']);

    // The services saw the silence too: the connection's health says so without a Test.
    const tested = kubeConnection({ health: { status: 'ok', checkedAt: new Date(Date.now() - 60_000).toISOString() } });
    const down = { reachable: false, at: new Date().toISOString(), since: since.toISOString(), retryAt, message: silence };
    const discoveries = fake.method('kube.discover').mock.calls.length;
    fake.handle('connections.list', () => ok([{ ...tested, health: { ...tested.health, live: down } }]));
    fake.emit('connections.changed', { ids: [tested.id], healthOnly: true });
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toMatch(new RegExp(`^No answer from the API server since ${since.toLocaleTimeString()}${silence}\\. The tables keep what it last sent, marked stale; trying again in [78] s\\.$`));
    expect(screen.getAllByText('unreachable').length).toBeGreaterThan(0);

    fake.handle('connections.list', () => ok([{ ...tested, health: { ...tested.health, live: { reachable: true, at: new Date().toISOString() } } }]));
    fake.emit('connections.changed', { ids: [tested.id], healthOnly: true });
    emitRows(fake, id, { state: { phase: 'live', rows: 2 } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(statusText()).toBe('2 pods · live');
    expect(screen.queryByText('unreachable')).toBeNull();
    expect(screen.getAllByText('ok').length).toBeGreaterThan(0);
    // A silent server is not asked again what it serves each time its live health changes.
    expect(fake.method('kube.discover').mock.calls.length).toBe(discoveries);
  });

  it('shows why kube.watch failed, with the fix, instead of an empty table', async () => {
    const user = userEvent.setup();
    let attempts = 0;
    const { fake } = renderInspector({
      'kube.watch': () => (++attempts === 1 ? fail('UNREACHABLE', 'connect ETIMEDOUT 10.0.0.1:6443') : ok({ watchId: 'w2', columns: [], namespaced: true })),
    });
    await waitFor(() => expect(statusText()).toBe('0 pods · error · Cannot reach the server: connect ETIMEDOUT 10.0.0.1:6443'));
    expect(screen.getByRole('button', { name: 'Test the connection' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(statusText()).toBe('0 pods · opening…'));
    emitRows(fake, 'w2', { reset: true, upserts: [] });
    expect(statusText()).toBe('0 pods · live');
    expect(within(grid('Pods')).getByText('No pods.')).toBeTruthy();
  });

  it('fills the picker from the discovery an earlier launch kept, then asks the server again as it is old', async () => {
    const kept = { ...discovery, discoveredAt: new Date(Date.now() - 10 * 60_000).toISOString(), resources: discovery.resources.filter((r) => r.builtin) };
    const { fake } = renderInspector({ 'kube.discover': (p) => ok(p.reuse ? kept : { ...discovery, discoveredAt: new Date().toISOString() }) });
    // The custom resource only the server's new answer lists.
    expect(await screen.findByRole('button', { name: 'Rollout' })).toBeTruthy();
    const asked = fake.method('kube.discover').mock.calls.map(([p]) => p);
    expect(asked[0]).toEqual({ connectionId: 'k-prod', reuse: true });
    expect(asked.at(-1)).toEqual({ connectionId: 'k-prod' });
  });

  it('does not ask the server again when the kept discovery is recent', async () => {
    const { fake } = renderInspector();
    await screen.findByRole('button', { name: 'Rollout' });
    await waitFor(() => expect(watchCalls(fake).length).toBeGreaterThan(0));
    expect(fake.method('kube.discover').mock.calls.every(([p]) => (p as { reuse?: boolean }).reuse === true)).toBe(true);
  });

  it('starts discovery as soon as a Kubernetes connection is selected, on any page', async () => {
    const fake = createFakeBridge({ 'connections.list': () => ok([kubeConnection()]), 'kube.discover': () => ok(discovery) });
    useInspector.setState({ discoveries: {} });
    renderApp(fake, '#/connections');
    await screen.findByRole('heading', { name: 'Connections' });
    act(() => useConnections.getState().select('k-prod'));
    await waitFor(() => expect(fake.method('kube.discover')).toHaveBeenCalledWith({ connectionId: 'k-prod', reuse: true }));
    await waitFor(() => expect(useInspector.getState().discoveries['k-prod']?.status).toBe('ready'));
  });

  it('shows a failed discovery with its fix and still lets the tables try', async () => {
    const user = userEvent.setup();
    let discoveries = 0;
    const { fake } = renderInspector({ 'kube.discover': () => (++discoveries === 1 ? fail('NOT_FOUND', 'the API server answered 404') : ok({ serverVersion: 'v1.34.4', resources: [], discoveredAt: new Date().toISOString() })) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the API server answered 404');
    expect(watchCalls(fake)[0].resource.version).toBe('v1');
    await user.click(within(alert).getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('Kubernetes v1.34.4')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
