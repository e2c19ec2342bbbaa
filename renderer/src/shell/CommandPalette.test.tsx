import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FoundObject, ParamsIn, ResultOf } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { useInspector } from '../features/clusters/inspectorStore';
import { discovery, emitRows, grid, podRow, renderInspector, watchCalls, watchId } from '../features/clusters/testKit';
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

describe("command palette: the selected cluster's kinds by kubectl's names", () => {
  it('finds a kind by its short name or a common alias, first among the commands', async () => {
    const user = userEvent.setup();
    const served = (group: string, version: string, resource: string, kind: string, shortNames?: string[], builtin = true) => ({ group, version, resource, kind, namespaced: true, verbs: ['list', 'watch'], builtin, shortNames });
    renderInspector({
      'kube.discover': () =>
        ok({
          ...discovery,
          resources: [
            ...discovery.resources,
            served('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', ['hpa']),
            served('', 'v1', 'persistentvolumes', 'PersistentVolume', ['pv']),
            served('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', ['pvc']),
            served('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', ['sc']),
            served('', 'v1', 'secrets', 'Secret'),
            served('', 'v1', 'services', 'Service', ['svc']),
            served('batch', 'v1', 'cronjobs', 'CronJob', ['cj']),
            // RBAC kinds have no kubectl short names: "cr" and "crb" are the catalog's.
            served('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole'),
            served('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding'),
            served('argoproj.io', 'v1alpha1', 'workflows', 'Workflow', ['wf'], false),
          ],
        }),
    });
    await waitFor(() => expect(useInspector.getState().discoveries['k-prod']?.value).toBeDefined());
    await user.keyboard('{Control>}k{/Control}');
    const input = screen.getByRole('combobox', { name: 'Search commands' });
    const firstFor = async (text: string) => {
      await user.clear(input);
      await user.type(input, text);
      return selectedOption()?.querySelector('.palette-title')?.textContent;
    };
    expect(await firstFor('hpa')).toBe('Go to HPAs');
    expect(await firstFor('pv')).toBe('Go to PersistentVolumes');
    expect(await firstFor('pvc')).toBe('Go to PVCs');
    expect(await firstFor('sc')).toBe('Go to StorageClasses');
    expect(await firstFor('cr')).toBe('Go to ClusterRoles');
    expect(await firstFor('crb')).toBe('Go to ClusterRoleBindings');
    // A CRD's short name comes from discovery.
    expect(await firstFor('wf')).toBe('Go to Workflow');
    await user.keyboard('{Enter}');
    expect(useInspector.getState().picked).toBe('argoproj.io/workflows');
  });
});

const pods = { group: '', version: 'v1', resource: 'pods' };
const found = (name: string, overrides: Partial<FoundObject> = {}): FoundObject => ({ resource: pods, kind: 'Pod', uid: `uid-team-a-${name}`, name, namespace: 'team-a', ...overrides });
type FindAnswer = Result<ResultOf<'kube.find'>>;
const findTexts = (fake: ReturnType<typeof renderInspector>['fake']) => fake.method('kube.find').mock.calls.map(([p]) => (p as ParamsIn<'kube.find'>).text);

describe('command palette: objects of the selected cluster', () => {
  beforeEach(() => useInspector.setState({ focus: null }));

  it('shows the objects found by name beside the commands, and Enter opens one in the inspector', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.find', () =>
      ok({
        complete: true,
        matches: [
          found('web-frontend-7d9f'),
          found('web-frontend', { kind: 'Deployment', uid: 'uid-d', resource: { group: 'apps', version: 'v1', resource: 'deployments' } }),
          // The inspector has no ReplicaSets view: not offered.
          found('web-frontend-7d9', { kind: 'ReplicaSet', uid: 'uid-rs', resource: { group: 'apps', version: 'v1', resource: 'replicasets' } }),
        ],
      }),
    );
    await watchId(fake);
    act(() => {
      location.hash = '#/connections';
    });

    await user.keyboard('{Control>}k{/Control}');
    const input = screen.getByRole('combobox', { name: 'Search commands' });
    await user.type(input, 'w');
    expect(screen.queryByRole('group', { name: 'Objects' })).toBeNull();
    await user.type(input, 'eb-front');
    const objects = await screen.findByRole('group', { name: 'Objects' });
    expect(within(objects).getAllByRole('option').map((o) => o.textContent)).toEqual(['Pod · team-a/web-frontend-7d9f', 'Deployment · team-a/web-frontend']);
    expect(findTexts(fake).every((t) => t.length >= 2)).toBe(true);
    expect(fake.method('kube.find')).toHaveBeenLastCalledWith({ connectionId: 'k-prod', text: 'web-front' });

    // The highlight is on the best match, and the combobox points at it.
    const first = within(objects).getAllByRole('option')[0];
    expect(first.getAttribute('aria-selected')).toBe('true');
    expect(input.getAttribute('aria-activedescendant')).toBe(first.id);
    await user.keyboard('{ArrowDown}');
    expect(input.getAttribute('aria-activedescendant')).toBe(within(objects).getAllByRole('option')[1].id);
    await user.keyboard('{ArrowUp}{Enter}');

    expect(screen.queryByRole('dialog', { name: 'Command palette' })).toBeNull();
    await waitFor(() => expect(location.hash).toBe('#/clusters'));
    await waitFor(() => expect(watchCalls(fake)).toHaveLength(2));
    emitRows(fake, await watchId(fake), { reset: true, upserts: [podRow('api', { namespace: 'team-a' }), podRow('web-frontend-7d9f', { namespace: 'team-a' })] });
    const detail = screen.getByRole('complementary', { name: 'pod details' });
    expect(within(detail).getByRole('heading', { name: 'web-frontend-7d9f' })).toBeTruthy();
    expect(within(grid('Pods')).getAllByRole('row').find((r) => r.getAttribute('aria-selected') === 'true')?.textContent).toContain('web-frontend-7d9f');
  });

  it('ignores an answer to older text that arrives late', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    let answerOld: (answer: FindAnswer) => void = () => undefined;
    fake.handle('kube.find', ({ text }) =>
      text === 'ng' ? new Promise<FindAnswer>((resolve) => (answerOld = resolve)) : ok({ complete: true, matches: [found('nginx-new')] }),
    );
    await user.keyboard('{Control>}k{/Control}');
    const input = screen.getByRole('combobox', { name: 'Search commands' });
    await user.type(input, 'ng');
    await waitFor(() => expect(findTexts(fake)).toEqual(['ng']));
    await user.type(input, 'inx');
    const objects = await screen.findByRole('group', { name: 'Objects' });
    expect(within(objects).getAllByRole('option').map((o) => o.textContent)).toEqual(['Pod · team-a/nginx-new']);

    await act(async () => answerOld(ok({ complete: true, matches: [found('nginx-old'), found('nginx-new')] })));
    expect(within(screen.getByRole('group', { name: 'Objects' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['Pod · team-a/nginx-new']);
  });

  it('asks again while the services are still listing, and says so', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    let asked = 0;
    fake.handle('kube.find', () => (++asked === 1 ? ok({ complete: false, matches: [found('ranker-1')] }) : ok({ complete: true, matches: [found('ranker-1'), found('ranker-2')] })));
    await user.keyboard('{Control>}k{/Control}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'ranker');

    await screen.findByRole('option', { name: 'Pod · team-a/ranker-1' });
    // One status line per palette search (objects, then runbooks): the objects' is first.
    const status = () => within(screen.getByRole('dialog', { name: 'Command palette' })).getAllByRole('status')[0];
    expect(status().textContent).toBe('Searching objects…');
    expect(await screen.findByRole('option', { name: 'Pod · team-a/ranker-2' })).toBeTruthy();
    expect(status().textContent).toBe('');
    expect(findTexts(fake)).toEqual(['ranker', 'ranker']);
  });
});
