import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setBridge } from '../../api/client';
import { App } from '../../shell/App';
import { kubeConnection, ok, type FakeBridge } from '../../test/fakeBridge';
import { resetStores } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { useInspector } from './inspectorStore';
import { emitRows, podRow, renderInspector, rowNames, statusText, watchCalls, watchId } from './testKit';

/** Closes the app and opens it again on `picked`, keeping what it stored, as a relaunch does. */
function relaunch(fake: FakeBridge, picked: string) {
  cleanup();
  resetStores();
  setBridge(fake.bridge);
  useInspector.setState({ picked, discoveries: {} });
  render(<App />);
  act(() => useConnections.getState().select('k-prod'));
}

const pick = (user: ReturnType<typeof userEvent.setup>, label: string) => user.click(within(screen.getByRole('navigation', { name: 'Resources' })).getByRole('button', { name: label }));

const forbiddenAcrossAll = { phase: 'forbidden' as const, rows: 0, message: 'pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope' };

/** prod-eu, whose kubeconfig context names the namespace team-a. */
const withContextNamespace = { 'connections.list': () => ok([kubeConnection({ kube: { ...kubeConnection().kube!, namespace: 'team-a' } })]) };

describe('the namespace choice of a connection', () => {
  it('keeps the namespace filter from Deployments to Pods and across a relaunch; cluster-scoped kinds show every row', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector({}, 'apps/deployments');
    emitRows(fake, await watchId(fake), { reset: true, upserts: [podRow('api', { namespace: 'shop' }), podRow('trainer', { namespace: 'ml' })] });
    await user.click(screen.getByRole('button', { name: /Namespaces: all/ }));
    await user.click(within(screen.getByRole('group', { name: 'Namespaces' })).getByRole('checkbox', { name: /ml/ }));
    await waitFor(() => expect(rowNames('Deployments')).toEqual(['trainer']));

    await pick(user, 'Pods');
    const pods = await watchId(fake, 2);
    // Still all namespaces watched: the filter only picks among them.
    expect(watchCalls(fake)[1].namespace).toBeUndefined();
    emitRows(fake, pods, { reset: true, upserts: [podRow('web', { namespace: 'shop' }), podRow('train-0', { namespace: 'ml' })] });
    await waitFor(() => expect(rowNames('Pods')).toEqual(['train-0']));
    expect(screen.getByRole('button', { name: /Namespace: ml/ })).toBeTruthy();
    expect(statusText()).toBe('1 of 2 pods · live');

    await pick(user, 'Nodes');
    emitRows(fake, await watchId(fake, 3), { reset: true, upserts: [{ uid: 'n1', name: 'gpu-1', cells: [] }] });
    expect(rowNames('Nodes')).toEqual(['gpu-1']);
    expect(watchCalls(fake)[2].namespace).toBeUndefined();
    expect(screen.queryByRole('button', { name: /^Namespaces?: / })).toBeNull();

    relaunch(fake, '/pods');
    emitRows(fake, await watchId(fake, 4), { reset: true, upserts: [podRow('web', { namespace: 'shop' }), podRow('train-0', { namespace: 'ml' })] });
    await waitFor(() => expect(rowNames('Pods')).toEqual(['train-0']));
  });

  it('starts a user who may not list across all namespaces in the context’s namespace, for every kind and after a relaunch', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector(withContextNamespace);
    const acrossAll = await watchId(fake);
    expect(watchCalls(fake)[0].namespace).toBeUndefined();
    emitRows(fake, acrossAll, { reset: true, state: forbiddenAcrossAll });

    const inTeamA = await watchId(fake, 2);
    expect(watchCalls(fake)[1]).toMatchObject({ resource: { resource: 'pods' }, namespace: 'team-a' });
    expect(fake.method('kube.unwatch')).toHaveBeenCalledWith({ watchId: acrossAll });
    emitRows(fake, inTeamA, { reset: true, upserts: [podRow('api', { namespace: 'team-a' })] });
    expect(statusText()).toBe('1 pod in team-a · live');
    expect(screen.getByText(/your kubeconfig context’s: listing across all namespaces was refused/)).toBeTruthy();

    // The next kind asks for team-a at once: no second refusal.
    await pick(user, 'Deployments');
    await watchId(fake, 3);
    expect(watchCalls(fake)).toHaveLength(3);
    expect(watchCalls(fake)[2]).toMatchObject({ resource: { resource: 'deployments' }, namespace: 'team-a' });

    relaunch(fake, '/pods');
    await watchId(fake, 4);
    expect(watchCalls(fake)[3]).toMatchObject({ resource: { resource: 'pods' }, namespace: 'team-a' });
  });

  it('narrows nothing when only another kind is refused (a role that may list pods everywhere but not deployments)', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector(withContextNamespace, 'apps/deployments');
    const message = 'deployments.apps is forbidden: User "dev" cannot list resource "deployments" in API group "apps" at the cluster scope';
    emitRows(fake, await watchId(fake), { reset: true, state: { ...forbiddenAcrossAll, message } });
    await waitFor(() => expect(statusText()).toMatch(/deployments · forbidden/));
    await new Promise((r) => setTimeout(r, 50));
    // No fall-back watch of the context's namespace: the user is asked which namespace to watch for this kind.
    expect(watchCalls(fake)).toHaveLength(1);

    await pick(user, 'Pods');
    await watchId(fake, 2);
    expect(watchCalls(fake)[1]).toMatchObject({ resource: { resource: 'pods' } });
    expect(watchCalls(fake)[1].namespace).toBeUndefined();
  });

  it('asks, instead of falling back, once the user asked for all namespaces, and keeps the namespace typed for the next kind', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector(withContextNamespace);
    emitRows(fake, await watchId(fake), { reset: true, state: forbiddenAcrossAll });
    emitRows(fake, await watchId(fake, 2), { reset: true, upserts: [podRow('api', { namespace: 'team-a' })] });

    await user.click(screen.getByRole('button', { name: 'All namespaces' }));
    const again = await watchId(fake, 3);
    expect(watchCalls(fake)[2].namespace).toBeUndefined();
    emitRows(fake, again, { reset: true, state: forbiddenAcrossAll });
    const input = await screen.findByRole('combobox', { name: 'Watch one namespace' });
    expect(watchCalls(fake)).toHaveLength(3);

    await user.clear(input);
    await user.type(input, 'team-b');
    await user.click(screen.getByRole('button', { name: 'Watch' }));
    await watchId(fake, 4);
    expect(watchCalls(fake)[3].namespace).toBe('team-b');
    expect(screen.queryByText(/your kubeconfig context’s/)).toBeNull();

    await pick(user, 'Deployments');
    await watchId(fake, 5);
    expect(watchCalls(fake)[4]).toMatchObject({ resource: { resource: 'deployments' }, namespace: 'team-b' });
  });

  it('asks which namespace to watch when the context names none, and ignores a stored choice it cannot read', async () => {
    const { fake } = renderInspector();
    emitRows(fake, await watchId(fake), { reset: true, state: forbiddenAcrossAll });
    expect(await screen.findByRole('combobox', { name: 'Watch one namespace' })).toBeTruthy();
    expect(watchCalls(fake)).toHaveLength(1);

    localStorage.setItem('pilothouse.clusters.namespaces.k-prod', '{"scope":"Not A Namespace!","shown":[]}');
    relaunch(fake, '/pods');
    await watchId(fake, 2);
    expect(watchCalls(fake)[1].namespace).toBeUndefined();
  });

  it('goes with its connection: a deleted connection\'s choice is dropped once the list has loaded, others stay', async () => {
    const { fake } = renderInspector();
    await watchId(fake);
    localStorage.setItem('pilothouse.clusters.namespaces.k-prod', '{"scope":"team-a","origin":"user","shown":[]}');
    localStorage.setItem('pilothouse.clusters.namespaces.k-deleted', '{"scope":"team-b","origin":"user","shown":[]}');
    relaunch(fake, '/pods');
    await watchId(fake, 2);
    expect(watchCalls(fake)[1].namespace).toBe('team-a');
    await waitFor(() => expect(localStorage.getItem('pilothouse.clusters.namespaces.k-deleted')).toBeNull());
    expect(localStorage.getItem('pilothouse.clusters.namespaces.k-prod')).not.toBeNull();
  });
});
