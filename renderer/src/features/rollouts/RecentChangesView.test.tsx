import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RecentChange, RecentChanges } from '../../../../shared/contract';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useInspector } from '../clusters/inspectorStore';
import { useConnections } from '../connections/connectionsStore';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const change = (name: string, overrides: Partial<RecentChange> = {}): RecentChange => ({
  connectionId: 'k-prod',
  kind: 'Deployment',
  namespace: 'ml-serving',
  name,
  changedAt: minutesAgo(10),
  created: false,
  revision: 4,
  revisions: 4,
  images: [`${name}=registry.example/${name}:v4`],
  state: 'complete',
  replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
  ...overrides,
});

const answer = (changes: RecentChange[], sources: RecentChanges['sources'] = [{ connectionId: 'k-prod', connectionName: 'prod-eu', workloads: 40 }]): RecentChanges => ({ since: minutesAgo(24 * 60), changes, sources });

const connections = [kubeConnection(), kubeConnection({ id: 'k-staging', name: 'staging-us', labels: {} })];

/** The services' answer to each connection's own call: its part of `all`. */
const byConnection =
  (all: RecentChanges) =>
  ({ connectionId }: { connectionId?: string }) =>
    ok({ since: all.since, changes: all.changes.filter((c) => c.connectionId === connectionId), sources: all.sources.filter((s) => s.connectionId === connectionId) });

const gridRows = async () => within(await screen.findByRole('grid', { name: 'Workloads changed in the last 24 hours' })).getAllByRole('row').slice(1);

describe('the rollouts cockpit', () => {
  it('lists every cluster\'s changed workloads newest first, with who changed them, how their rollout stands and what could not be read', async () => {
    const fake = createFakeBridge({
      'connections.list': () => ok([...connections, kubeConnection({ id: 'k-down', name: 'lab', labels: {} })]),
      'rollouts.recentChanges': byConnection(
          answer(
            [
              change('ranker', { changedAt: minutesAgo(3), by: 'ana@laptop', auditId: 12, state: 'progressing', replicas: { desired: 3, updated: 2, ready: 2, available: 2 } }),
              change('embedder', { connectionId: 'k-staging', changedAt: minutesAgo(30), by: 'argocd-controller', managedBy: { tool: 'Argo CD', name: 'embedder-staging', evidence: 'annotation argocd.argoproj.io/tracking-id', reverts: true } }),
              change('feature-store', { kind: 'StatefulSet', changedAt: minutesAgo(90), created: true, revision: undefined, revisions: 1, by: 'helm', state: 'failed' }),
            ],
            [
              { connectionId: 'k-prod', connectionName: 'prod-eu', workloads: 40 },
              { connectionId: 'k-staging', connectionName: 'staging-us', workloads: 12 },
              { connectionId: 'k-down', connectionName: 'lab', workloads: 0, error: 'Could not reach https://10.9.9.9:6443: connection refused' },
            ],
          ),
      ),
    });
    renderApp(fake, '#/rollouts');
    await screen.findByText(/3 of 52 workloads on 2 of 3 clusters changed since/);
    const rows = await gridRows();
    expect(rows.map((r) => within(r).getAllByRole('gridcell')[1].textContent)).toEqual(['Deployment · ml-serving/ranker', 'Deployment · ml-serving/embedderArgo CD', 'StatefulSet · ml-serving/feature-store']);
    expect(rows[0].textContent).toContain('ana@laptop · audit #12');
    expect(rows[0].textContent).toContain('progressing 2/3 available');
    expect(rows[1].textContent).toContain('staging-us');
    expect(rows[1].textContent).toContain('argocd-controller');
    expect(within(rows[1]).getAllByRole('gridcell')[1].title).toContain('managed by Argo CD (embedder-staging): it puts back what it holds, undoing a rollback made here');
    expect(rows[2].textContent).toContain('created helm');
    expect(within(rows[2]).getByText('failed').className).toContain('tone-bad');
    expect(screen.getByRole('alert').textContent).toBe('lab: Could not reach https://10.9.9.9:6443: connection refused');
    // Each cluster is asked on its own: a slow one holds back only its own rows.
    expect(fake.method('rollouts.recentChanges').mock.calls.map(([p]) => p)).toEqual(expect.arrayContaining([{ hours: 24, connectionId: 'k-prod' }, { hours: 24, connectionId: 'k-staging' }, { hours: 24, connectionId: 'k-down' }]));
  });

  it('filters by any word shown and sorts by a column, then opens a workload in the inspector on its own connection', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'connections.list': () => ok(connections),
      'rollouts.recentChanges': byConnection(answer([change('ranker', { changedAt: minutesAgo(3), by: 'ana' }), change('embedder', { connectionId: 'k-staging', changedAt: minutesAgo(30), by: 'bob' })])),
    });
    renderApp(fake, '#/rollouts');
    await gridRows();
    await user.type(screen.getByRole('searchbox', { name: 'Filter changes' }), 'staging bob');
    await waitFor(async () => expect(await gridRows()).toHaveLength(1));
    await user.clear(screen.getByRole('searchbox', { name: 'Filter changes' }));
    await user.click(screen.getByRole('button', { name: 'Sort by Changed' }));
    await waitFor(async () => expect((await gridRows())[0].textContent).toContain('embedder'));

    await user.click(screen.getByRole('button', { name: /ml-serving\/embedder$/ }));
    await waitFor(() => expect(window.location.hash).toBe('#/clusters'));
    expect(useConnections.getState().selectedId).toBe('k-staging');
    expect(useInspector.getState().focus).toMatchObject({ connectionId: 'k-staging', key: 'apps/deployments', namespace: 'ml-serving', name: 'embedder' });
  });

  it('rolls a changed workload back from its row, after the diff and the dry run, on its own connection; one with no earlier revision cannot', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'connections.list': () => ok(connections),
      'rollouts.recentChanges': byConnection(answer([change('ranker', { revision: 5, revisions: 2 }), change('embedder', { connectionId: 'k-staging', kind: 'StatefulSet', revision: undefined, revisions: 2, changedAt: minutesAgo(20) }), change('fresh', { revisions: 1, changedAt: minutesAgo(30) })])),
      'rollouts.history': () => ok({ kind: 'StatefulSet', historyLimit: 10, revisions: [] }),
      'rollouts.rollbackPreview': () => ok({ toRevision: 1, currentRevision: 2, currentTemplate: 'image: e:2\n', targetTemplate: 'image: e:1\n', noop: false, managedBy: { tool: 'Argo CD', name: 'embedder-prod', evidence: 'annotation argocd.argoproj.io/tracking-id', reverts: true }, dryRun: { ok: true } }),
      'rollouts.rollback': () => ok({ taskId: 't-1' }),
    });
    renderApp(fake, '#/rollouts');
    const rows = await gridRows();
    const fresh = within(rows[2]).getByRole('button', { name: 'Roll back…' }) as HTMLButtonElement;
    expect(fresh.disabled).toBe(true);
    expect(fresh.title).toBe('No earlier revision is kept to roll back to');

    await user.click(within(rows[1]).getByRole('button', { name: 'Roll back…' }));
    const dialog = screen.getByRole('dialog', { name: 'Roll back statefulset embedder' });
    await within(dialog).findByText('Server-side dry run passed: the cluster accepts the rollback.');
    // Argo CD syncs it: the dialog says so before the click, with what to do instead.
    expect(within(dialog).getByRole('note').textContent).toBe(
      'Managed by Argo CD (Application embedder-prod) (annotation argocd.argoproj.io/tracking-id)If its Application syncs automatically with self-heal, Argo CD puts back what Git holds and undoes this rollback. Revert the change in Git, or turn off auto-sync first.',
    );
    // staging-us is not production: no name to type.
    await user.click(within(dialog).getByRole('button', { name: 'Roll back to revision 1' }));
    const ref = { connectionId: 'k-staging', resource: { group: 'apps', version: 'v1', resource: 'statefulsets' }, namespace: 'ml-serving', name: 'embedder' };
    await waitFor(() => expect(fake.method('rollouts.rollback')).toHaveBeenCalledWith({ ...ref, toRevision: 1, ifCurrentRevision: 2 }));
    expect(fake.method('rollouts.rollbackPreview')).toHaveBeenCalledWith({ ...ref, toRevision: 0 });
  });

  it('says when nothing changed, shows a cluster whose read failed beside the others, and reads again on Refresh', async () => {
    const user = userEvent.setup();
    let stagingCalls = 0;
    const fake = createFakeBridge({
      'connections.list': () => ok(connections),
      'rollouts.recentChanges': (p) =>
        p.connectionId === 'k-staging' && ++stagingCalls === 1
          ? { ok: false, error: { code: 'INTERNAL', message: 'services restarting' } }
          : byConnection(answer([], [{ connectionId: 'k-prod', connectionName: 'prod-eu', workloads: 40 }, { connectionId: 'k-staging', connectionName: 'staging-us', workloads: 7 }]))(p),
    });
    renderApp(fake, '#/rollouts');
    expect((await screen.findByRole('alert')).textContent).toBe('staging-us: services restarting');
    expect(screen.getByText(/0 of 40 workloads on 1 of 2 clusters changed since/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText(/0 of 47 workloads on 2 of 2 clusters changed since/)).toBeTruthy();
    expect(screen.getByText('Nothing changed in the last 24 hours.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('drops a cluster’s rows once a later read of it fails, saying why, and counts only what is shown', async () => {
    const user = userEvent.setup();
    let down = false;
    const all = answer([change('ranker'), change('embedder', { connectionId: 'k-staging' })], [{ connectionId: 'k-prod', connectionName: 'prod-eu', workloads: 40 }, { connectionId: 'k-staging', connectionName: 'staging-us', workloads: 7 }]);
    const fake = createFakeBridge({
      'connections.list': () => ok(connections),
      'rollouts.recentChanges': (p) => (down && p.connectionId === 'k-staging' ? { ok: false, error: { code: 'UNREACHABLE', message: 'https://10.0.0.2:6443 refused the connection' } } : byConnection(all)(p)),
    });
    renderApp(fake, '#/rollouts');
    await waitFor(async () => expect(await gridRows()).toHaveLength(2));
    down = true;
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect((await screen.findByRole('alert')).textContent).toBe('staging-us: https://10.0.0.2:6443 refused the connection');
    expect((await gridRows()).map((r) => r.textContent)).toEqual([expect.stringContaining('ranker')]);
    expect(screen.getByText(/1 of 40 workloads on 1 of 2 clusters changed since/)).toBeTruthy();
  });

  it('shows the clusters that answered while another is still being read, saying so', async () => {
    let answerStaging: (() => void) | undefined;
    const all = answer([change('ranker'), change('embedder', { connectionId: 'k-staging' })], [{ connectionId: 'k-prod', connectionName: 'prod-eu', workloads: 40 }, { connectionId: 'k-staging', connectionName: 'staging-us', workloads: 7 }]);
    const fake = createFakeBridge({
      'connections.list': () => ok(connections),
      'rollouts.recentChanges': (p) => (p.connectionId === 'k-staging' ? new Promise((resolve) => (answerStaging = () => resolve(byConnection(all)(p)))) : byConnection(all)(p)),
    });
    renderApp(fake, '#/rollouts');
    expect(await screen.findByText(/1 of 40 workloads on 1 of 1 clusters changed since .*; reading 1 more…/)).toBeTruthy();
    expect(await gridRows()).toHaveLength(1);
    answerStaging!();
    await waitFor(async () => expect(await gridRows()).toHaveLength(2));
    expect(screen.getByText(/2 of 47 workloads on 2 of 2 clusters changed since/).textContent).not.toContain('reading');
  });
});
