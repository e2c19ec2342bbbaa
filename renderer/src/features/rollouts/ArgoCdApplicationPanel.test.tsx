import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ArgoCdApplication } from '../../../../shared/contract';
import { setBridge } from '../../api/client';
import { createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { resetStores } from '../../test/renderApp';
import { RollbackDialog } from '../clusters/detail/RollbackDialog';
import { ArgoCdApplicationPanel } from './ArgoCdApplicationPanel';

const application = (more: Partial<ArgoCdApplication> = {}): ArgoCdApplication => ({
  namespace: 'argocd',
  name: 'ranker',
  project: 'default',
  sources: [{ repoURL: 'https://github.com/acme/deploy.git', path: 'ranker', targetRevision: 'main' }],
  sync: { status: 'Synced', revision: '2c4e0d1' },
  health: 'Healthy',
  operationState: { phase: 'Succeeded', message: 'successfully synced', finishedAt: '2026-12-03T10:00:05Z' },
  history: [
    { id: 2, revision: '2c4e0d1', revisions: [], deployedAt: '2026-12-03T10:00:05Z', automated: true, sources: [] },
    { id: 1, revision: '9a1b2c3', revisions: [], deployedAt: '2026-12-01T09:00:00Z', initiatedBy: 'alice', automated: false, sources: [] },
  ],
  resourceVersion: '4711',
  ...more,
});

const staging = kubeConnection({ id: 'k-staging', name: 'staging', labels: {} });

function bed(app: ArgoCdApplication) {
  const fake = createFakeBridge({
    'rollouts.argoCdApplication': () => ok({ available: true, application: app }),
    'rollouts.argoCdSync': (p) => ok({ revision: p.revision, resourceVersion: '4712' }),
  });
  setBridge(fake.bridge);
  return fake;
}

beforeEach(() => {
  localStorage.clear();
  resetStores();
});

describe('the Argo CD Application of a workload', () => {
  it('shows sync, health, self-heal and the history newest first, reading the Application in the namespace its tracking id names', async () => {
    const fake = bed(application({ automated: { prune: true, selfHeal: true } }));
    render(<ArgoCdApplicationPanel connection={staging} trackedName="team-a_ranker" />);
    const table = await screen.findByRole('table', { name: 'Application history' });
    expect(fake.method('rollouts.argoCdApplication')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'team-a', name: 'ranker' });
    expect(within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual(['2', '1']);
    expect(screen.getByText(/self-heal on: Argo CD undoes changes made in the cluster/)).toBeTruthy();
    expect(screen.getByText('Healthy')).toBeTruthy();
  });

  it('requests the sync of a history row, held to the Application shown, and says Argo CD’s controller performs it', async () => {
    const fake = bed(application());
    const user = userEvent.setup();
    render(<ArgoCdApplicationPanel connection={staging} trackedName="ranker" />);
    const table = await screen.findByRole('table', { name: 'Application history' });
    await user.click(within(within(table).getAllByRole('row')[2]).getByRole('button', { name: 'Sync to this revision…' }));
    await user.click(within(screen.getByRole('group', { name: 'Confirm the sync' })).getByRole('button', { name: 'Request sync' }));
    await waitFor(() => expect(fake.method('rollouts.argoCdSync')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'argocd', name: 'ranker', revision: '9a1b2c3', ifResourceVersion: '4711' }));
    expect((await screen.findByRole('status')).textContent).toMatch(/Sync to 9a1b2c3 requested\. Argo CD’s controller performs it/);
  });

  it('holds the sync back while automated sync tracks another revision, and asks for the name on production', async () => {
    const fake = bed(application({ automated: { prune: false, selfHeal: false } }));
    const user = userEvent.setup();
    const { unmount } = render(<ArgoCdApplicationPanel connection={kubeConnection()} trackedName="ranker" />);
    const table = await screen.findByRole('table', { name: 'Application history' });
    await user.click(within(within(table).getAllByRole('row')[2]).getByRole('button', { name: 'Sync to this revision…' }));
    const confirm = screen.getByRole('group', { name: 'Confirm the sync' });
    expect(within(confirm).getByText(/Automated sync is on and tracks main/)).toBeTruthy();
    expect((within(confirm).getByRole('button', { name: 'Request sync' }) as HTMLButtonElement).disabled).toBe(true);

    unmount();
    fake.handle('rollouts.argoCdApplication', () => ok({ available: true, application: application() }));
    render(<ArgoCdApplicationPanel connection={kubeConnection()} trackedName="ranker" />);
    const manual = await screen.findByRole('table', { name: 'Application history' });
    await user.click(within(within(manual).getAllByRole('row')[2]).getByRole('button', { name: 'Sync to this revision…' }));
    const second = screen.getByRole('group', { name: 'Confirm the sync' });
    const request = within(second).getByRole('button', { name: 'Request sync' }) as HTMLButtonElement;
    expect(request.disabled).toBe(true);
    await user.type(within(second).getByRole('textbox'), 'ranker');
    expect(request.disabled).toBe(false);
  });

  it('shows a refused sync in place, and says when the cluster does not serve Applications', async () => {
    const fake = bed(application());
    fake.handle('rollouts.argoCdSync', () => fail('CONFLICT', 'Application ranker in argocd: an operation is Running'));
    const user = userEvent.setup();
    const { unmount } = render(<ArgoCdApplicationPanel connection={staging} trackedName="ranker" />);
    const table = await screen.findByRole('table', { name: 'Application history' });
    await user.click(within(within(table).getAllByRole('row')[2]).getByRole('button', { name: 'Sync to this revision…' }));
    await user.click(screen.getByRole('button', { name: 'Request sync' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/an operation is Running/);
    unmount();

    fake.handle('rollouts.argoCdApplication', () => ok({ available: false }));
    render(<ArgoCdApplicationPanel connection={staging} trackedName="ranker" />);
    expect(await screen.findByText(/does not serve Argo CD’s Application CRD/)).toBeTruthy();
  });

  it('opens from the rollback dialog of a workload Argo CD manages', async () => {
    const fake = bed(application());
    fake.handle('rollouts.history', () => ok({ kind: 'Deployment', historyLimit: 10, revisions: [] }));
    fake.handle('rollouts.rollbackPreview', () =>
      ok({ noop: false, managedBy: { tool: 'Argo CD', name: 'team-a_ranker', evidence: 'annotation argocd.argoproj.io/tracking-id', reverts: true }, dryRun: { ok: true } }),
    );
    const user = userEvent.setup();
    const ref = { connectionId: 'k-staging', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: 'ml-serving', name: 'ranker' };
    render(<RollbackDialog target={{ connection: staging, ref, entry: { one: 'deployment' }, row: { name: 'ranker', namespace: 'ml-serving' } }} onClose={() => {}} onForbidden={() => {}} />);
    await user.click(await screen.findByRole('button', { name: 'Show the Application…' }));
    expect(await screen.findByRole('table', { name: 'Application history' })).toBeTruthy();
    expect(fake.method('rollouts.argoCdApplication')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'team-a', name: 'ranker' });
  });
});
