import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { HelmRevision, HelmTool } from '../../../../shared/contract';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

const revision = (n: number, overrides: Partial<HelmRevision> = {}): HelmRevision => ({
  name: 'ranker',
  namespace: 'ml-serving',
  revision: n,
  status: 'superseded',
  chart: `ranker-0.${n}.0`,
  appVersion: `2.${n}`,
  updated: hoursAgo(10 - n),
  description: n === 1 ? 'Install complete' : 'Upgrade complete',
  ...overrides,
});

const manifest = (tag: string) => `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ranker\nspec:\n  template:\n    spec:\n      containers:\n        - image: ranker:${tag}\n`;

function helmBed(tool: HelmTool) {
  return createFakeBridge({
    'connections.list': () => ok([kubeConnection()]),
    'helm.tool': () => ok(tool),
    'helm.releases': () =>
      ok({
        releases: [revision(3, { status: 'deployed' }), { ...revision(1, { status: 'failed' }), name: 'feature-store', chart: 'feature-store-1.0.0' }],
        unreadable: [{ namespace: 'ml-serving', secret: 'sh.helm.release.v1.broken.v2', name: 'broken', revision: 2, error: 'Cannot read this release Secret: the release is not JSON' }],
      }),
    'helm.history': () => ok({ revisions: [revision(1), revision(2), revision(3, { status: 'deployed' })], unreadable: [] }),
    'helm.manifest': ({ revision: n }) => ok({ revision: n, manifest: manifest(`v${n}`), truncated: false }),
    'helm.rollback': () => ok({ taskId: 't1' }),
    'helm.setPath': ({ path }) => ok({ configuredPath: path ?? undefined, path: path ?? undefined, version: 'v3.22.0' }),
  });
}

/** The Rollouts page on its Helm tab, with the prod connection chosen. */
async function openHelmTab(fake: ReturnType<typeof helmBed>) {
  const user = userEvent.setup();
  renderApp(fake, '#/rollouts');
  await waitFor(() => expect(useConnections.getState().connections).toHaveLength(1));
  act(() => useConnections.getState().select('k-prod'));
  await user.click(await screen.findByRole('tab', { name: 'Helm releases' }));
  return user;
}

const rowsOf = async (name: string) => within(await screen.findByRole('table', { name })).getAllByRole('row').slice(1);

describe('Helm releases', () => {
  it('lists each release with chart, app version, revision, status and age, and a Secret it could not read as a row saying why', async () => {
    const fake = helmBed({ path: '/usr/local/bin/helm', version: 'v3.22.0+g1234' });
    await openHelmTab(fake);
    const rows = await rowsOf('Helm releases');
    expect(rows.map((r) => r.textContent)).toEqual([
      'ml-serving/rankerranker-0.3.02.33deployed7h ago',
      'ml-serving/feature-storefeature-store-1.0.02.11failed9h ago',
      'ml-serving/broken · revision 2sh.helm.release.v1.broken.v2: Cannot read this release Secret: the release is not JSON',
    ]);
    expect(within(rows[1]).getByText('failed').className).toContain('tone-bad');
    expect(screen.getByText(/Rollbacks run/).textContent).toBe('Rollbacks run /usr/local/bin/helm (v3.22.0+g1234), found on PATH.');
    expect(fake.method('helm.releases')).toHaveBeenCalledWith({ connectionId: 'k-prod' });
  });

  it('shows a release\'s history newest first and diffs the manifests of the two revisions chosen', async () => {
    const fake = helmBed({ path: '/usr/local/bin/helm', version: 'v3.22.0' });
    const user = await openHelmTab(fake);
    await user.click(await screen.findByRole('button', { name: 'Show release ml-serving/ranker' }));
    const history = await rowsOf('Revisions');
    expect(history.map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual(['3', '2', '1']);
    expect(history[0].getAttribute('aria-current')).toBe('true');
    expect(within(history[0]).queryByRole('button')).toBeNull();
    expect(history[2].textContent).toContain('Install complete');
    expect(fake.method('helm.history')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'ml-serving', name: 'ranker' });

    const diff = await screen.findByRole('figure', { name: 'Changes from revision 2 to revision 3' });
    expect(diff.textContent).toContain('ranker:v2');
    expect(diff.textContent).toContain('ranker:v3');
    await user.selectOptions(screen.getByRole('combobox', { name: 'From' }), '1');
    expect(await screen.findByRole('figure', { name: 'Changes from revision 1 to revision 3' })).toBeTruthy();
    await user.selectOptions(screen.getByRole('combobox', { name: 'To' }), '1');
    expect(await screen.findByText('The two revisions rendered the same manifest.')).toBeTruthy();
  });

  it('rolls back through helm after the release name is typed on a production connection, held to the revision the dialog showed running', async () => {
    const fake = helmBed({ path: '/usr/local/bin/helm', version: 'v3.22.0' });
    const user = await openHelmTab(fake);
    await user.click(await screen.findByRole('button', { name: 'Show release ml-serving/ranker' }));
    await user.click(await screen.findByRole('button', { name: 'Roll back to 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll back Helm release ranker' });
    expect(dialog.textContent).toContain('revision 3: ranker-0.3.0, app 2.3 (deployed)');
    expect(dialog.textContent).toContain('a copy of revision 1: ranker-0.1.0, app 2.1 (superseded)');
    const go = within(dialog).getByRole('button', { name: 'Roll back to revision 1' }) as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox'), 'ranker');
    await user.click(go);
    await waitFor(() => expect(fake.method('helm.rollback')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'ml-serving', name: 'ranker', revision: 1, ifCurrentRevision: 3 }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('keeps Roll back visible but disabled when helm is absent, says why, and takes a path for it', async () => {
    const fake = helmBed({ problem: 'helm not found on PATH — set its path' });
    const user = await openHelmTab(fake);
    expect((await screen.findByRole('status')).textContent).toBe('helm not found on PATH — set its path. Rollbacks run the helm binary; listing needs none.');
    await user.click(await screen.findByRole('button', { name: 'Show release ml-serving/ranker' }));
    const back = (await screen.findByRole('button', { name: 'Roll back to 2' })) as HTMLButtonElement;
    expect(back.disabled).toBe(true);
    expect(back.title).toBe('helm not found on PATH — set its path');
    expect(screen.getByText('Roll back is off: helm not found on PATH — set its path.')).toBeTruthy();

    fake.handle('helm.tool', () => ok({ configuredPath: '/opt/helm/helm', path: '/opt/helm/helm', version: 'v3.22.0' }));
    await user.click(screen.getByRole('button', { name: 'Set helm path…' }));
    await user.type(screen.getByRole('textbox', { name: 'Helm path' }), '/opt/helm/helm');
    expect(screen.getByText(/^Saving runs/).textContent).toBe(
      'Saving runs /opt/helm/helm version --short at once to check it is helm; every rollback then runs it with the connection’s credentials. The change is in the audit log.',
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(fake.method('helm.setPath')).toHaveBeenCalledWith({ path: '/opt/helm/helm' });
    await waitFor(() => expect(((screen.getByRole('button', { name: 'Roll back to 2' })) as HTMLButtonElement).disabled).toBe(false));
    expect(screen.getByText(/Rollbacks run/).textContent).toBe('Rollbacks run /opt/helm/helm (v3.22.0).');
  });
});
