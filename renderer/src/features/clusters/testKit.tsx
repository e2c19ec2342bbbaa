import { act, screen, waitFor, within } from '@testing-library/react';
import { expect } from 'vitest';
import type { ApiResource, Column, KubeRowsEvent, ParamsIn, Row } from '../../../../shared/contract';
import { createFakeBridge, kubeConnection, ok, type FakeBridge, type FakeHandler } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { useInspector } from './inspectorStore';
import type { Discovery } from './resourceCatalog';

/** Test helpers for the cluster inspector: a fake cluster behind the fake bridge. */

export const podColumns: Column[] = [
  { id: 'status', title: 'Status', kind: 'status' },
  { id: 'restarts', title: 'Restarts', kind: 'number' },
  { id: 'age', title: 'Age', kind: 'age' },
];

const api = (group: string, version: string, resource: string, kind: string, extra: Partial<ApiResource> = {}): ApiResource => ({
  group,
  version,
  resource,
  kind,
  namespaced: true,
  verbs: ['list', 'watch'],
  builtin: true,
  ...extra,
});

export const discovery: Discovery = {
  serverVersion: 'v1.34.4',
  discoveredAt: new Date().toISOString(),
  resources: [
    api('', 'v1', 'pods', 'Pod'),
    api('', 'v1', 'nodes', 'Node', { namespaced: false }),
    api('apps', 'v1', 'deployments', 'Deployment'),
    api('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', { builtin: false }),
  ],
};

/** A pod row: Status, Restarts, Age (created `ageMinutes` ago; the half minute absorbs the shared clock's few seconds of lag). */
export function podRow(name: string, { namespace = 'default', status = 'Running', restarts = 0, ageMinutes = 5.5 } = {}): Row {
  return { uid: `uid-${namespace}-${name}`, name, namespace, cells: [status, restarts, new Date(Date.now() - ageMinutes * 60_000).toISOString()] };
}

type WatchParams = ParamsIn<'kube.watch'>;

/** Renders the app on the Clusters page with the "prod-eu" Kubernetes connection selected and `picked` open. */
export function renderInspector(handlers: { [M in 'kube.watch' | 'kube.discover' | 'kube.unwatch' | 'kube.overview' | 'connections.test' | 'connections.list']?: FakeHandler<M> } = {}, picked = '/pods') {
  let watches = 0;
  const fake = createFakeBridge({
    'connections.list': () => ok([kubeConnection()]),
    'kube.discover': () => ok(discovery),
    'kube.watch': (p: WatchParams) => ok({ watchId: `w${++watches}`, columns: p.resource.resource === 'pods' ? podColumns : [], namespaced: p.resource.resource !== 'nodes' }),
    'kube.unwatch': () => ok({}),
    ...handlers,
  });
  useInspector.setState({ picked, discoveries: {} });
  const view = renderApp(fake, '#/clusters');
  act(() => useConnections.getState().select('k-prod'));
  return view;
}

/** The parameters of every `kube.watch` call so far. */
export const watchCalls = (fake: FakeBridge) => fake.method('kube.watch').mock.calls.map(([p]) => p as WatchParams);

/** The id of the `n`-th watch opened (1-based; default the latest), once its answer has arrived. */
export async function watchId(fake: FakeBridge, n?: number): Promise<string> {
  await waitFor(() => expect(fake.method('kube.watch')).toHaveBeenCalled());
  const results = fake.method('kube.watch').mock.results;
  const result = await results[(n ?? results.length) - 1].value;
  if (!result.ok) throw new Error('kube.watch failed in the fake');
  return (result.value as { watchId: string }).watchId;
}

/** Delivers one `kube.rows` event, live unless `state` says otherwise. */
export function emitRows(fake: FakeBridge, id: string, event: Partial<Omit<KubeRowsEvent, 'watchId'>>) {
  act(() => fake.emit('kube.rows', { upserts: [], deletes: [], state: { phase: 'live', rows: 0 }, ...event, watchId: id }));
}

/** The grid of a resource, by its display name. */
export const grid = (label: string) => screen.getByRole('grid', { name: label });

/** A row's cells after its check box. */
export const dataCells = (row: HTMLElement) => within(row).getAllByRole('gridcell').filter((c) => !c.classList.contains('vt-select'));

/** The names of the rendered data rows, in order. */
export const rowNames = (label: string) =>
  within(grid(label))
    .getAllByRole('row')
    .slice(1)
    .map((r) => dataCells(r)[0].textContent);

/** The status bar's text. */
export const statusText = () => screen.getByRole('status').textContent;
