import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiResource, ObjectDetail, ParamsIn, Revision, Row } from '../../../../../shared/contract';
import { createFakeMonaco } from '../../../shell/monaco/fakeMonaco';
import { useTheme } from '../../../shell/theme';
import { fail, ok, type FakeBridge } from '../../../test/fakeBridge';
import { useInspector } from '../inspectorStore';
import { discovery, emitRows, grid, podRow, renderInspector, watchCalls, watchId } from '../testKit';

const monaco = vi.hoisted(() => ({ current: undefined as ReturnType<typeof createFakeMonaco> | undefined }));
vi.mock('../../../shell/monaco/loadMonaco', () => ({ loadMonaco: () => Promise.resolve(monaco.current!.monaco) }));

type Ref = ParamsIn<'kube.get'>;

const POD_YAML = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: default\n';

function podDetail(overrides: Partial<ObjectDetail> = {}): ObjectDetail {
  return {
    uid: 'uid-default-web-1',
    kind: 'Pod',
    apiVersion: 'v1',
    name: 'web-1',
    namespace: 'default',
    resourceVersion: '42',
    labels: { app: 'web' },
    annotations: { 'team.example/owner': 'sre' },
    yaml: POD_YAML,
    owners: [],
    containers: [{ name: 'app', kind: 'main', image: 'nginx:1.27', ready: true, restartCount: 2, state: 'running', hasPrevious: true, ports: [] }],
    nodeName: 'gpu-1',
    ...overrides,
  };
}

const secretsApi: ApiResource = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true, verbs: ['list', 'watch'], builtin: true };
const objectRow = (name: string, namespace = 'default'): Row => ({ uid: `uid-${namespace}-${name}`, name, namespace, cells: [] });

/** The Pods view with `web-1` in it, its detail open. */
async function openPod(fake: FakeBridge, user: ReturnType<typeof userEvent.setup>) {
  const id = await watchId(fake);
  emitRows(fake, id, { reset: true, upserts: [podRow('web-1'), podRow('web-2')] });
  await user.click(within(grid('Pods')).getByText('web-1'));
  return screen.getByRole('complementary', { name: 'pod details' });
}

/** The Deployments view with `web`'s History tab open, its history answered with `revisions`; `configure` fakes more first. */
async function openHistory(revisions: Revision[], configure?: (fake: FakeBridge) => void, historyLimit = 10) {
  const user = userEvent.setup();
  const { fake } = renderInspector({}, 'apps/deployments');
  fake.handle('kube.get', (ref: Ref) => ok(podDetail({ kind: 'Deployment', name: ref.name })));
  fake.handle('rollouts.history', () => ok({ kind: 'Deployment', historyLimit, revisions }));
  configure?.(fake);
  emitRows(fake, await watchId(fake), { reset: true, upserts: [objectRow('web')] });
  await user.click(within(grid('Deployments')).getByText('web'));
  await user.keyboard('h');
  return { user, fake };
}

const panel = () => screen.getByRole('tabpanel');
const selectedTab = () => screen.getAllByRole('tab').find((t) => t.getAttribute('aria-selected') === 'true')?.textContent;

beforeEach(() => {
  monaco.current = createFakeMonaco();
  useInspector.setState({ focus: null });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('detail pane', () => {
  it('offers its views as tabs, by click, by arrow keys and by letter', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail()));
    fake.handle('kube.events', () => ok({ events: [] }));
    const detail = await openPod(fake, user);

    const tablist = within(detail).getByRole('tablist');
    expect(within(tablist).getAllByRole('tab').map((t) => t.textContent)).toEqual(['Overviewo', 'YAMLy', 'Eventse', 'Relatedp', 'Logsl']);
    expect(selectedTab()).toBe('Overviewo');
    expect(panel().getAttribute('aria-labelledby')).toBe(within(tablist).getByRole('tab', { name: 'Overview' }).id);
    expect(await within(panel()).findByText('app=web')).toBeTruthy();

    // Letters switch tabs while focus is on the grid, and j/k still move the selection.
    await user.keyboard('y');
    expect(selectedTab()).toBe('YAMLy');
    await user.keyboard('e');
    expect(selectedTab()).toBe('Eventse');
    await user.keyboard('j');
    expect(within(detail).getByRole('heading', { name: 'web-2' })).toBeTruthy();
    expect(selectedTab()).toBe('Eventse');
    await user.keyboard('l');
    expect(selectedTab()).toBe('Logsl');
    // The log view gets the selected pod and the containers kube.get reported.
    await waitFor(() => expect(fake.method('kube.openLogs')).toHaveBeenCalled());
    expect(fake.method('kube.openLogs').mock.calls[0][0]).toMatchObject({ connectionId: 'k-prod', namespace: 'default', pod: 'web-2', container: 'app' });
    await user.keyboard('o');
    expect(selectedTab()).toBe('Overviewo');

    // Arrows move between tabs, wrapping, and focus follows.
    await user.click(within(tablist).getByRole('tab', { name: 'Overview' }));
    await user.keyboard('{ArrowLeft}');
    expect(selectedTab()).toBe('Logsl');
    expect(document.activeElement).toBe(within(tablist).getByRole('tab', { name: 'Logs' }));
    await user.keyboard('{ArrowRight}');
    expect(selectedTab()).toBe('Overviewo');
    expect(within(tablist).getByRole('tab', { name: 'Overview' }).tabIndex).toBe(0);
    expect(within(tablist).getByRole('tab', { name: 'YAML' }).tabIndex).toBe(-1);

    // Typed into a field, the letters stay there.
    await user.click(screen.getByRole('textbox', { name: 'Filter' }));
    await user.keyboard('y');
    expect(screen.getByRole('textbox', { name: 'Filter' })).toHaveProperty('value', 'y');
    expect(selectedTab()).toBe('Overviewo');

    await user.keyboard('{Escape}{Escape}');
    expect(screen.queryByRole('complementary', { name: 'pod details' })).toBeNull();
  });

  it('stays usable when kube.get fails: the row’s facts, and why the rest is missing', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const detail = await openPod(fake, user);
    expect(within(detail).getByText('uid-default-web-1')).toBeTruthy();
    expect(within(panel()).getByRole('alert').textContent).toContain('kube.get is not faked');
    await user.keyboard('y');
    expect(within(panel()).getAllByRole('alert')).toHaveLength(1);
    expect(monaco.current!.editor.create).not.toHaveBeenCalled();
  });

  it('shows the YAML read-only in the editor, follows the theme, and reloads when the row changes', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    let version = 1;
    fake.handle('kube.get', () => ok(podDetail({ yaml: `${POD_YAML}# v${version}\n` })));
    const detail = await openPod(fake, user);
    await user.click(within(detail).getByRole('tab', { name: 'YAML' }));

    await waitFor(() => expect(monaco.current!.editors).toHaveLength(1));
    const [editor] = monaco.current!.editors;
    expect(editor.options).toMatchObject({ value: `${POD_YAML}# v1\n`, language: 'yaml', readOnly: true, ariaLabel: 'YAML of pod web-1' });
    expect(panel().textContent).toContain('name: web-1');
    expect(monaco.current!.editor.setTheme).toHaveBeenLastCalledWith('pilothouse-light');
    act(() => useTheme.getState().toggle());
    expect(monaco.current!.editor.setTheme).toHaveBeenLastCalledWith('pilothouse-dark');

    // The pod changed: its row's cells did, so the object is read again, into the same editor.
    version = 2;
    emitRows(fake, await watchId(fake), { upserts: [podRow('web-1', { restarts: 1 })] });
    await waitFor(() => expect(editor.value()).toBe(`${POD_YAML}# v2\n`));
    expect(monaco.current!.editors).toHaveLength(1);

    await user.click(within(panel()).getByRole('button', { name: 'Copy YAML' }));
    expect(await navigator.clipboard.readText()).toBe(`${POD_YAML}# v2\n`);
    expect(within(panel()).getByRole('button', { name: 'Copy YAML' }).textContent).toBe('Copied');

    const gets = fake.method('kube.get').mock.calls.length;
    await user.click(within(panel()).getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(fake.method('kube.get').mock.calls.length).toBe(gets + 1));
    expect(fake.method('kube.get').mock.calls[0][0]).toEqual({ connectionId: 'k-prod', resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'default', name: 'web-1' });
  });

  it('lists the events, asks again every few seconds while shown, and says "No access" when forbidden', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail()));
    fake.handle('kube.events', () =>
      ok({
        events: [
          { uid: 'e2', type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container app', count: 7, lastSeen: new Date(Date.now() - 150_000).toISOString() },
          { uid: 'e1', type: 'Normal', reason: 'Pulled', message: 'Container image "nginx:1.27" already present', count: 1, source: 'kubelet gpu-1' },
        ],
      }),
    );
    await openPod(fake, user);
    expect(fake.method('kube.events')).not.toHaveBeenCalled();

    // Fake timeouts from here, so the 5 s poll can be stepped through. user-event and findBy wait on
    // timeouts themselves: keys go by fireEvent, and answers are awaited by advancing the fake clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      fireEvent.keyDown(document.activeElement!, { key: 'e' });
      await act(() => vi.advanceTimersByTimeAsync(0));
      const list = within(panel()).getByRole('list', { name: 'Events' });
      const items = within(list).getAllByRole('listitem');
      expect(items.map((i) => within(i).getByText(/BackOff|Pulled/).textContent)).toEqual(['BackOff', 'Pulled']);
      expect(items[0].textContent).toContain('×7');
      expect(items[0].textContent).toContain('2m ago');
      expect(within(items[0]).getByText('Warning').className).toContain('tone-warn');
      expect(items[1].textContent).toContain('kubelet gpu-1');
      expect(fake.method('kube.events')).toHaveBeenCalledTimes(1);

      await act(() => vi.advanceTimersByTimeAsync(5000));
      expect(fake.method('kube.events')).toHaveBeenCalledTimes(2);
      fake.handle('kube.events', () => fail('FORBIDDEN', 'events is forbidden: User "dev" cannot list resource "events" in the namespace "default"'));
      await act(() => vi.advanceTimersByTimeAsync(5000));
      const status = within(panel()).getByRole('status');
      expect(status.textContent).toContain('No access');
      expect(status.textContent).toContain('cannot list resource "events"');
      expect(within(panel()).queryByRole('alert')).toBeNull();

      // Leaving the tab stops the polling.
      fireEvent.keyDown(document.activeElement!, { key: 'o' });
      await act(() => vi.advanceTimersByTimeAsync(20_000));
      expect(fake.method('kube.events')).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('opens an owner from the chain: switches resource and selects it; unresolved owners are not links', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };
    fake.handle('kube.get', (ref: Ref) =>
      ref.resource.resource === 'pods'
        ? ok(
            podDetail({
              owners: [
                { kind: 'ReplicaSet', name: 'web-7d9f', uid: 'uid-rs', namespace: 'default', resource: { group: 'apps', version: 'v1', resource: 'replicasets' } },
                { kind: 'Deployment', name: 'web', uid: 'uid-default-web', namespace: 'default', resource: deployments },
                { kind: 'Rollout', name: 'web-canary', uid: 'uid-gone', namespace: 'default', unresolved: 'missing' },
              ],
            }),
          )
        : ok(podDetail({ kind: 'Deployment', name: 'web', uid: 'uid-default-web', yaml: 'kind: Deployment\n', containers: undefined })),
    );
    await openPod(fake, user);
    const chain = await within(panel()).findByRole('list', { name: 'Owner chain' });
    const owners = within(chain).getAllByRole('listitem');
    // The fake cluster serves no ReplicaSets, and a missing owner cannot be opened.
    expect(within(owners[0]).queryByRole('button')).toBeNull();
    expect(owners[2].textContent).toBe('Rollout web-canarymissing');
    expect(within(owners[2]).queryByRole('button')).toBeNull();

    await user.click(within(owners[1]).getByRole('button', { name: 'web' }));
    expect(await screen.findByRole('grid', { name: 'Deployments' })).toBeTruthy();
    expect(watchCalls(fake).at(-1)?.resource).toEqual(deployments);
    expect(screen.queryByRole('complementary')).toBeNull();

    emitRows(fake, await watchId(fake), { reset: true, upserts: [objectRow('api'), objectRow('web')], state: { phase: 'live', rows: 2 } });
    const detail = screen.getByRole('complementary', { name: 'deployment details' });
    expect(within(detail).getByRole('heading', { name: 'web' })).toBeTruthy();
    const selected = within(grid('Deployments')).getAllByRole('row').find((r) => r.getAttribute('aria-selected') === 'true');
    expect(selected?.textContent).toContain('web');
    expect(document.activeElement).toBe(grid('Deployments'));
    expect(useInspector.getState().focus).toBeNull();
    // A deployment has History and no Logs tab.
    expect(within(detail).getAllByRole('tab').map((t) => t.textContent)).toEqual(['Overviewo', 'YAMLy', 'Eventse', 'Relatedp', 'Historyh']);
  });

  it('lists a workload’s pods under Related, each opening the pod', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector({}, 'apps/deployments');
    fake.handle('kube.get', (ref: Ref) => ok(podDetail({ kind: ref.resource.resource === 'pods' ? 'Pod' : 'Deployment', name: ref.name })));
    fake.handle('kube.related', () =>
      ok({
        selector: 'app=web',
        truncated: true,
        pods: [
          { uid: 'uid-default-web-1', name: 'web-1', namespace: 'default', status: 'Running', ready: '1/1', restarts: 0, node: 'gpu-1' },
          { uid: 'uid-default-web-2', name: 'web-2', namespace: 'default', status: 'CrashLoopBackOff', ready: '0/1', restarts: 9 },
        ],
      }),
    );
    emitRows(fake, await watchId(fake), { reset: true, upserts: [objectRow('web')] });
    await user.click(within(grid('Deployments')).getByText('web'));
    await user.keyboard('p');

    const table = await within(panel()).findByRole('table', { name: 'Related pods' });
    expect(within(panel()).getByText('app=web')).toBeTruthy();
    expect(within(panel()).getByText('More pods match than are shown.')).toBeTruthy();
    expect(within(table).getByText('CrashLoopBackOff').className).toContain('tone-bad');
    expect(fake.method('kube.related').mock.calls[0][0]).toEqual({ connectionId: 'k-prod', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'default', name: 'web' });

    await user.click(within(table).getByRole('button', { name: 'web-2' }));
    expect(await screen.findByRole('grid', { name: 'Pods' })).toBeTruthy();
    emitRows(fake, await watchId(fake), { reset: true, upserts: [podRow('web-1'), podRow('web-2')] });
    expect(within(screen.getByRole('complementary', { name: 'pod details' })).getByRole('heading', { name: 'web-2' })).toBeTruthy();
  });

  it('shows a Deployment’s kept revisions under History (h), newest first, the current one marked', async () => {
    const { fake } = await openHistory([
      { revision: 1, name: 'web-6d4cf56db6', createdAt: new Date(Date.now() - 3_600_000).toISOString(), images: ['web=ranker:1.4'], current: false, pods: { replicas: 0, ready: 0 } },
      { revision: 2, name: 'web-7f9b8c5d4', changeCause: 'ranker 1.5 for the latency fix', images: ['migrate=db:2', 'web=ranker:1.5'], current: true, pods: { replicas: 3, ready: 2 } },
    ]);
    expect(selectedTab()).toBe('Historyh');
    const table = await within(panel()).findByRole('table', { name: 'Revisions' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('aria-current'))).toEqual(['true', null]);
    expect(rows[0].textContent).toContain('2current');
    expect(rows[0].textContent).toContain('ranker 1.5 for the latency fix');
    expect(rows[0].textContent).toContain('web=ranker:1.5');
    expect(rows[0].textContent).toContain('2/3');
    expect(rows[1].textContent).toContain('1h ago');
    expect(fake.method('rollouts.history').mock.calls[0][0]).toEqual({ connectionId: 'k-prod', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'default', name: 'web' });
  });

  it('rolls a Deployment back to a kept revision from History, after a confirmation saying what runs now and what will', async () => {
    const { user, fake } = await openHistory(
      [
        { revision: 1, name: 'web-1', images: ['web=ranker:1.4'], current: false, changeCause: 'ranker 1.4' },
        { revision: 2, name: 'web-2', images: ['web=ranker:1.5'], current: true },
      ],
      (fake) => {
        fake.handle('rollouts.rollbackPreview', () => ok({ toRevision: 1, currentRevision: 2, currentTemplate: 'image: ranker:1.5\n', targetTemplate: 'image: ranker:1.4\n', noop: false, dryRun: { ok: true } }));
        fake.handle('rollouts.revisionTemplate', (p) => ok({ revision: p.revision, yaml: `image: ranker:1.${p.revision + 3}\n` }));
        fake.handle('rollouts.rollback', () => ok({ taskId: 't-1' }));
      },
    );
    const table = await within(panel()).findByRole('table', { name: 'Revisions' });
    // No button to roll back to what already runs.
    expect(within(table).getAllByRole('button').map((b) => b.textContent)).toEqual(['Compare with current', 'Roll back to 1']);
    await user.click(within(table).getByRole('button', { name: 'Roll back to 1' }));
    const dialog = screen.getByRole('dialog', { name: 'Roll back deployment web' });
    await within(dialog).findByText('Server-side dry run passed: the cluster accepts the rollback.');
    expect(dialog.textContent).toContain('revision 2: web=ranker:1.5');
    expect(dialog.textContent).toContain('revision 1: web=ranker:1.4');
    expect(dialog.textContent).toContain('ranker 1.4');
    expect(fake.method('rollouts.rollbackPreview').mock.calls[0][0]).toMatchObject({ name: 'web', toRevision: 1 });
    // prod-eu is labelled env=prod: the Deployment's name is typed first.
    const confirm = within(dialog).getByRole('button', { name: 'Roll back to revision 1' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: /Type web to confirm/ }), 'web');
    await user.click(confirm);
    await waitFor(() =>
      expect(fake.method('rollouts.rollback')).toHaveBeenCalledWith({ connectionId: 'k-prod', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'default', name: 'web', toRevision: 1, ifCurrentRevision: 2 }),
    );
  });

  it('diffs the pod templates of two revisions under History: the newest old one against the current, or any two chosen', async () => {
    const yaml = (revision: number) => `spec:\n  containers:\n    - name: web\n      image: ranker:1.${revision}\n${revision > 1 ? '      args: [--fast]\n' : ''}`;
    const { user, fake } = await openHistory(
      [1, 2, 3].map((revision) => ({ revision, name: `web-${revision}`, images: [`web=ranker:1.${revision}`], current: revision === 3 })),
      (fake) => fake.handle('rollouts.revisionTemplate', (p) => ok({ revision: p.revision, yaml: yaml(p.revision) })),
    );

    const section = await within(panel()).findByRole('region', { name: 'Pod template diff' });
    const diff = await within(section).findByRole('figure', { name: 'Changes from revision 2 to revision 3 (current)' });
    const changed = () => within(screen.getByRole('figure')).getAllByLabelText(/removed|added/).map((sign) => sign.closest('tr')!.lastElementChild!.textContent);
    expect(changed()).toEqual(['      image: ranker:1.2', '      image: ranker:1.3']);
    expect(diff).toBeTruthy();

    await user.click(within(within(panel()).getByRole('table', { name: 'Revisions' })).getAllByRole('button', { name: 'Compare with current' })[1]!);
    await within(section).findByRole('figure', { name: 'Changes from revision 1 to revision 3 (current)' });
    expect(changed()).toEqual(['      image: ranker:1.1', '      image: ranker:1.3', '      args: [--fast]']);

    await user.selectOptions(within(section).getByRole('combobox', { name: 'Compare to revision' }), '2');
    await within(section).findByRole('figure', { name: 'Changes from revision 1 to revision 2' });
    expect(fake.method('rollouts.revisionTemplate').mock.calls.map(([p]) => (p as ParamsIn<'rollouts.revisionTemplate'>).revision)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(fake.method('rollouts.revisionTemplate').mock.calls[0][0]).toMatchObject({ connectionId: 'k-prod', namespace: 'default', name: 'web' });

    await user.selectOptions(within(section).getByRole('combobox', { name: 'Compare from revision' }), '2');
    expect(await within(section).findByText('Same pod template.')).toBeTruthy();
  });

  it('says when no revision is kept because the history limit is 0', async () => {
    await openHistory([], undefined, 0);
    expect(await within(panel()).findByText('No revision is kept: its revisionHistoryLimit is 0, so there is nothing to roll back to.')).toBeTruthy();
  });

  it('for a pod, Related shows the owner chain and the node as links', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail({ owners: [{ kind: 'Deployment', name: 'web', uid: 'uid-d', namespace: 'default', unresolved: 'forbidden' }] })));
    await openPod(fake, user);
    await user.keyboard('p');
    const chain = await within(panel()).findByRole('list', { name: 'Owner chain' });
    expect(chain.textContent).toBe('Deployment webno access');
    expect(fake.method('kube.related')).not.toHaveBeenCalled();

    await user.click(within(panel()).getByRole('button', { name: 'gpu-1' }));
    expect(await screen.findByRole('grid', { name: 'Nodes' })).toBeTruthy();
    emitRows(fake, await watchId(fake), { reset: true, upserts: [{ uid: 'uid-node-gpu-1', name: 'gpu-1', cells: [] }, { uid: 'uid-node-gpu-2', name: 'gpu-2', cells: [] }] });
    expect(within(screen.getByRole('complementary', { name: 'node details' })).getByRole('heading', { name: 'gpu-1' })).toBeTruthy();
  });

  it('reveals a Secret’s values only on request, hides them again, and never logs or stores them', async () => {
    const user = userEvent.setup();
    const logged = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const { fake } = renderInspector({ 'kube.discover': () => ok({ ...discovery, resources: [...discovery.resources, secretsApi] }) }, '/secrets');
    fake.handle('kube.get', (ref: Ref) =>
      ok(podDetail({ kind: 'Secret', name: ref.name, yaml: 'kind: Secret\ndata:\n  password: <hidden: 11 bytes>\n', containers: undefined, secretKeys: [{ key: 'password', bytes: 11 }, { key: 'user', bytes: 5 }] })),
    );
    fake.handle('kube.revealSecret', (ref: Ref) =>
      ok({ values: [{ key: 'password', value: `hunter2-${ref.name}`, encoding: 'utf8' as const }, { key: 'user', value: 'admin', encoding: 'utf8' as const }] }),
    );
    emitRows(fake, await watchId(fake), { reset: true, upserts: [objectRow('db-creds'), objectRow('tls')] });
    await user.click(within(grid('Secrets')).getByText('db-creds'));

    expect(await within(panel()).findByText('11 bytes, hidden')).toBeTruthy();
    await user.keyboard('y');
    expect(within(panel()).getByText('Values are masked: Overview reveals them.')).toBeTruthy();
    await user.keyboard('o');
    expect(fake.method('kube.revealSecret')).not.toHaveBeenCalled();

    await user.click(within(panel()).getByRole('button', { name: 'Reveal values' }));
    expect(await within(panel()).findByText('hunter2-db-creds')).toBeTruthy();
    expect(fake.method('kube.revealSecret')).toHaveBeenCalledTimes(1);
    expect(fake.method('kube.revealSecret').mock.calls[0][0]).toEqual({ connectionId: 'k-prod', resource: { group: '', version: 'v1', resource: 'secrets' }, namespace: 'default', name: 'db-creds' });
    await user.click(within(panel()).getByRole('button', { name: 'Copy password' }));
    expect(await navigator.clipboard.readText()).toBe('hunter2-db-creds');

    // Hide.
    await user.click(within(panel()).getByRole('button', { name: 'Hide values' }));
    expect(within(panel()).queryByText('hunter2-db-creds')).toBeNull();

    // Another object, and back: hidden.
    await user.click(within(panel()).getByRole('button', { name: 'Reveal values' }));
    expect(await within(panel()).findByText('hunter2-db-creds')).toBeTruthy();
    await user.click(within(grid('Secrets')).getByText('tls'));
    expect(within(screen.getByRole('complementary')).getByRole('heading', { name: 'tls' })).toBeTruthy();
    expect(screen.queryByText(/hunter2/)).toBeNull();
    await user.keyboard('k');
    expect(await within(panel()).findByText('11 bytes, hidden')).toBeTruthy();
    expect(screen.queryByText(/hunter2/)).toBeNull();

    // Closing the pane hides them too.
    await user.click(within(panel()).getByRole('button', { name: 'Reveal values' }));
    expect(await within(panel()).findByText('hunter2-db-creds')).toBeTruthy();
    await user.keyboard('{Escape}');
    await user.keyboard('{Enter}');
    expect(await within(panel()).findByText('11 bytes, hidden')).toBeTruthy();
    expect(screen.queryByText(/hunter2/)).toBeNull();
    expect(fake.method('kube.revealSecret')).toHaveBeenCalledTimes(3);

    for (const spy of logged) expect(JSON.stringify(spy.mock.calls)).not.toContain('hunter2');
    const stored = [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => s.getItem(k)));
    expect(stored.join('\n')).not.toContain('hunter2');
  });

  it('says "No access" when revealing is forbidden', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector({ 'kube.discover': () => ok({ ...discovery, resources: [...discovery.resources, secretsApi] }) }, '/secrets');
    fake.handle('kube.get', () => ok(podDetail({ kind: 'Secret', name: 'db-creds', containers: undefined, secretKeys: [{ key: 'password', bytes: 11 }] })));
    fake.handle('kube.revealSecret', () => fail('FORBIDDEN', 'secrets "db-creds" is forbidden: User "dev" cannot get resource "secrets"'));
    emitRows(fake, await watchId(fake), { reset: true, upserts: [objectRow('db-creds')] });
    await user.click(within(grid('Secrets')).getByText('db-creds'));
    await user.click(await within(panel()).findByRole('button', { name: 'Reveal values' }));
    const status = await within(panel()).findByRole('status');
    expect(status.textContent).toContain('No access');
    expect(status.textContent).toContain('You may not read the values of this secret.');
  });

  it('keeps saying "Deleted" when the object goes away', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail()));
    const detail = await openPod(fake, user);
    await user.keyboard('y');
    emitRows(fake, await watchId(fake), { deletes: ['uid-default-web-1'] });
    expect(within(detail).getByRole('heading', { name: 'Deleted pod' })).toBeTruthy();
    expect(within(detail).getByText('It is no longer in the cluster.')).toBeTruthy();
    expect(within(detail).queryByRole('tablist')).toBeNull();
  });

  it('keeps focus in the pane when the focused control goes with the object', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail()));
    const detail = await openPod(fake, user);
    within(detail).getByRole('tab', { name: /Events/ }).focus();
    emitRows(fake, await watchId(fake), { deletes: ['uid-default-web-1'] });
    expect(document.activeElement).toBe(within(detail).getByRole('button', { name: /Close/ }));
  });
});

describe('an edit in the YAML tab', () => {
  const mine = `${POD_YAML}# mine\n`;

  /** `web-1`'s YAML being edited, with `mine` typed in it. */
  async function editPod() {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', (ref: Ref) => ok(podDetail({ uid: `uid-default-${ref.name}`, name: ref.name })));
    fake.handle('kube.events', () => ok({ events: [] }));
    fake.handle('kube.permissions', () => ok({ edit: { allowed: true } }));
    fake.handle('pipelines.editable', () => ok({ text: POD_YAML }));
    fake.handle('pipelines.schema', (p) => ok({ schema: {}, kinds: p.kinds.map((k) => ({ ...k, source: 'cluster' as const })) }));
    const detail = await openPod(fake, user);
    await user.click(within(detail).getByRole('tab', { name: 'YAML' }));
    await waitFor(() => expect(within(panel()).getByRole('button', { name: 'Edit' })).toHaveProperty('disabled', false));
    await user.click(within(panel()).getByRole('button', { name: 'Edit' }));
    const editing = () => monaco.current!.editors.filter((e) => e.options.ariaLabel === 'Edit the YAML of pod web-1');
    await waitFor(() => expect(editing()).toHaveLength(1));
    const [editor] = editing();
    await waitFor(() => expect(editor.host.hidden).toBe(false));
    act(() => editor.type(mine));
    return { user, fake, editor, detail };
  }

  const question = () => screen.queryByRole('dialog', { name: 'Discard your changes?' });

  it('keeps the draft across a switch of tab, without asking', async () => {
    const { user, editor, detail } = await editPod();
    await user.click(within(detail).getByRole('tab', { name: 'Events' }));
    expect(question()).toBeNull();
    expect(within(panel()).queryByRole('button', { name: 'Review and apply' })).toBeNull();
    await user.click(within(detail).getByRole('tab', { name: /YAML/ }));
    expect(editor.model.isDisposed()).toBe(false);
    expect(editor.value()).toBe(mine);
    expect(within(panel()).getByRole('button', { name: 'Review and apply' })).toHaveProperty('disabled', false);
  });

  it('asks before another row takes the draft away: Keep editing goes back to it, Discard lets it go', async () => {
    const { user, editor } = await editPod();
    await user.click(within(grid('Pods')).getByText('web-2'));
    const ask = screen.getByRole('dialog', { name: 'Discard your changes?' });
    expect(ask.textContent).toContain('Your edits to pod web-1 have not been applied');

    await user.click(within(ask).getByRole('button', { name: 'Keep editing' }));
    await waitFor(() => expect(within(screen.getByRole('complementary', { name: 'pod details' })).getByRole('heading', { name: 'web-1' })).toBeTruthy());
    expect(question()).toBeNull();
    expect(selectedTab()).toBe('YAMLy');
    expect(editor.value()).toBe(mine);

    await user.click(within(grid('Pods')).getByText('web-2'));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Discard' }));
    expect(within(screen.getByRole('complementary', { name: 'pod details' })).getByRole('heading', { name: 'web-2' })).toBeTruthy();
    expect(editor.model.isDisposed()).toBe(true);
    // web-2's own YAML, read-only, with its Edit.
    expect(within(panel()).getByRole('button', { name: 'Edit' })).toBeTruthy();
  });

  it('asks before Close drops the draft; an edit without changes leaves at once', async () => {
    const { user, editor, detail } = await editPod();
    await user.click(within(detail).getByRole('button', { name: /Close/ }));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Keep editing' }));
    expect(editor.value()).toBe(mine);
    await user.click(within(detail).getByRole('button', { name: /Close/ }));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Discard' }));
    expect(screen.queryByRole('complementary', { name: 'pod details' })).toBeNull();
    expect(editor.model.isDisposed()).toBe(true);

    // Unchanged: another row just ends the edit.
    await user.click(within(grid('Pods')).getByText('web-1'));
    await user.click(screen.getByRole('tab', { name: /YAML/ }));
    await user.click(within(panel()).getByRole('button', { name: 'Edit' }));
    await user.click(within(grid('Pods')).getByText('web-2'));
    expect(question()).toBeNull();
    await user.click(within(grid('Pods')).getByText('web-1'));
    expect(within(panel()).getByRole('button', { name: 'Edit' })).toBeTruthy();
  });
  it('asks before Esc from inside the pane drops the draft, as Close does', async () => {
    const { user, editor, detail } = await editPod();
    await waitFor(() => expect(within(panel()).getByRole('button', { name: 'Review and apply' })).toHaveProperty('disabled', false));
    // Focus on the pane's Dry run button (as after a dry run), then Esc.
    within(panel()).getByRole('button', { name: 'Dry run' }).focus();
    await user.keyboard('{Escape}');
    await user.click(within(screen.getByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Keep editing' }));
    expect(screen.getByRole('complementary', { name: 'pod details' })).toBe(detail);
    expect(editor.model.isDisposed()).toBe(false);
    expect(editor.value()).toBe(mine);
    within(panel()).getByRole('button', { name: 'Dry run' }).focus();
    await user.keyboard('{Escape}');
    await user.click(within(screen.getByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Discard' }));
    expect(screen.queryByRole('complementary', { name: 'pod details' })).toBeNull();
    expect(editor.model.isDisposed()).toBe(true);
  });
});

describe('focusing an object', () => {
  it('clears the table filter when it hides the object, and says when the object is gone', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, { reset: true, upserts: [podRow('api'), podRow('web-1')] });
    await user.type(screen.getByRole('textbox', { name: 'Filter' }), 'api');
    await waitFor(() => expect(within(grid('Pods')).queryByText('web-1')).toBeNull());

    act(() => useInspector.getState().focusObject({ connectionId: 'k-prod', key: '/pods', namespace: 'default', name: 'web-1' }));
    await waitFor(() => expect(screen.getByRole('complementary', { name: 'pod details' })).toBeTruthy());
    expect(screen.getByRole('textbox', { name: 'Filter' })).toHaveProperty('value', '');
    expect(within(screen.getByRole('complementary')).getByRole('heading', { name: 'web-1' })).toBeTruthy();

    act(() => useInspector.getState().focusObject({ connectionId: 'k-prod', key: '/pods', namespace: 'default', name: 'gone-1', uid: 'uid-gone' }));
    expect(await screen.findByText('The pod default/gone-1 is no longer in the cluster.')).toBeTruthy();
    expect(useInspector.getState().focus).toBeNull();
  });
});

describe('keys belong to the focused part', () => {
  const filter = () => screen.getByRole('textbox', { name: 'Filter' }) as HTMLInputElement;
  const logSearch = () => screen.getByRole('searchbox', { name: 'Search the log' }) as HTMLInputElement;

  it('takes l into the pod’s log, where / searches the log, not the table; Esc leaves the search, then the pane', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail()));
    fake.handle('kube.openLogs', () => ok({ streamId: 's1' }));
    await openPod(fake, user);
    expect(document.activeElement).toBe(grid('Pods'));

    await user.keyboard('l');
    expect(selectedTab()).toBe('Logsl');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('log')));
    await user.keyboard('/err');
    expect(document.activeElement).toBe(logSearch());
    expect(logSearch().value).toBe('err');
    expect(filter().value).toBe('');

    // j and k scroll the log, not the pods; the pane's letters still work from the log.
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(screen.getByRole('log'));
    await user.keyboard('j');
    expect(within(screen.getByRole('complementary')).getByRole('heading', { name: 'web-1' })).toBeTruthy();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'pod details' })).toBeNull();
    expect(document.activeElement).toBe(grid('Pods'));
    expect(filter().value).toBe('');
  });

  it('gives the log its keys after a click anywhere in it, and the table its own after a click on a row', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail()));
    fake.handle('kube.openLogs', () => ok({ streamId: 's1' }));
    await openPod(fake, user);
    await user.click(screen.getByRole('tab', { name: 'Logs' }));
    await user.click(await screen.findByRole('status', { name: 'Log stream' }));
    await user.keyboard('/');
    expect(document.activeElement).toBe(logSearch());

    await user.click(within(grid('Pods')).getByText('web-2'));
    await user.keyboard('/');
    expect(document.activeElement).toBe(filter());
  });

  it('leaves single keys to a focused button in the pane: a stray f, s, j, / or y does nothing', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    fake.handle('kube.get', () => ok(podDetail({ containers: [{ name: 'app', kind: 'main', image: 'nginx', ready: true, restartCount: 0, state: 'running', hasPrevious: false, ports: [{ containerPort: 8080, protocol: 'TCP' }] }] })));
    fake.handle('kube.permissions', (p) => ok(Object.fromEntries(p.actions.map((a) => [a, { allowed: true }]))));
    const detail = await openPod(fake, user);
    const forward = await within(detail).findByRole('button', { name: /Port-forward/ });
    await waitFor(() => expect(forward.getAttribute('aria-disabled')).toBeNull());

    for (const control of [forward, within(detail).getByRole('button', { name: /Close/ }), within(detail).getByRole('tab', { name: /Events/ })]) {
      control.focus();
      await user.keyboard('fsj/y');
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(within(detail).getByRole('heading', { name: 'web-1' })).toBeTruthy();
      expect(document.activeElement).toBe(control);
      expect(selectedTab()).toBe('Overviewo');
    }

    // From the pane's plain parts its keys work, and Esc on a control goes back to the rows.
    panel().focus();
    await user.keyboard('f');
    expect(screen.getByRole('dialog', { name: /Port-forward to pod web-1/ })).toBeTruthy();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(document.activeElement).toBe(panel()));
    forward.focus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'pod details' })).toBeNull();
    expect(document.activeElement).toBe(grid('Pods'));
  });
});
