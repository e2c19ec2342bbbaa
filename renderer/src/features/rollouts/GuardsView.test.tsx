import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RolloutGuard } from '../../../../shared/contract';
import { createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useToasts } from '../../shell/toastStore';
import { useConnections } from '../connections/connectionsStore';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const guard = (name: string, more: Partial<RolloutGuard> = {}): RolloutGuard => ({
  connectionId: 'k-prod',
  namespace: 'shop',
  name,
  minAvailablePercent: 75,
  graceSeconds: 30,
  createdBy: 'ann (desktop)',
  createdAt: minutesAgo(60),
  stableRevision: 4,
  state: 'watching',
  message: 'revision 4 complete: 3 of 3 updated, 3 ready, 3 available',
  ...more,
});

const guards = [
  guard('web', {
    state: 'watching',
    stableRevision: 6,
    message: 'revision 6 complete: 3 of 3 updated, 3 ready, 3 available',
    lastTrip: { at: minutesAgo(5), fromRevision: 5, toRevision: 4, reason: 'exceeded its progress deadline: ReplicaSet "web-5" has timed out progressing.', taskId: 't1', outcome: { status: 'succeeded' } },
  }),
  guard('api', {
    state: 'rollout',
    message: 'revision 9 rolls back to the template of revision 7: 1 of 2 updated',
    lastTrip: { at: minutesAgo(2), fromRevision: 8, toRevision: 7, reason: 'kept only 1 of 4 available (fewer than 3, 75%) for 31 s', taskId: 't2', outcome: { status: 'failed', message: 'its rollout exceeded its progress deadline' } },
  }),
  guard('ranker', { state: 'unreadable', message: 'prod-eu: could not reach https://10.0.0.1:6443', stale: true, readAt: minutesAgo(3) }),
];

/** The Guards tab's services; the connection is not production unless `labels` make it so. */
function bed(labels: Record<string, string> = {}) {
  return createFakeBridge({
    'connections.list': () => ok([kubeConnection({ labels })]),
    'rollouts.guards': () => ok({ guards }),
    'rollouts.addGuard': (p) => (p.name === 'nope' ? fail('NOT_FOUND', 'deployment "nope" in shop is not there (any more)') : ok(guard(p.name, { namespace: p.namespace ?? 'default' }))),
    'rollouts.removeGuard': () => ok({ removed: true }),
  });
}

async function openTab(fake: ReturnType<typeof bed>) {
  const user = userEvent.setup();
  renderApp(fake, '#/rollouts');
  await waitFor(() => expect(useConnections.getState().connections).toHaveLength(1));
  act(() => useConnections.getState().select('k-prod'));
  await user.click(await screen.findByRole('tab', { name: 'Guards' }));
  return user;
}

const rows = async () => within(await screen.findByRole('table', { name: 'Guarded Deployments' })).getAllByRole('row').slice(1);

describe('the Guards tab', () => {
  it('lists the guarded Deployments with their threshold, state and last trip, and removes one', async () => {
    const fake = bed();
    const user = await openTab(fake);
    const [web, api, ranker] = await rows();
    expect(web.textContent).toContain('below 75% available for 30 s, or past its progress deadline');
    expect(web.textContent).toContain('watching revision 6 complete');
    expect(web.textContent).toMatch(/Tripped 5m ago on revision 5, rolled back to revision 4exceeded its progress deadline/);
    expect(api.textContent).toContain('rollout in progress');
    expect(within(api).getByText(/rollback to revision 7 failed: its rollout exceeded its progress deadline/).className).toBe('guard-trip-failed');
    expect(ranker.textContent).toContain('cannot read prod-eu: could not reach https://10.0.0.1:6443');
    expect(ranker.textContent).toContain('not read since 3m ago');
    expect(web.textContent).not.toContain('not read since');
    expect(ranker.textContent).toContain('never');
    expect(fake.method('rollouts.guards')).toHaveBeenCalledWith({ connectionId: 'k-prod' });

    await user.click(within(ranker).getByRole('button', { name: 'Stop guarding shop/ranker' }));
    expect(fake.method('rollouts.removeGuard')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'shop', name: 'ranker' });
  });

  it('guards a Deployment by namespace and name with the default threshold, and says why one cannot be guarded', async () => {
    const fake = bed();
    const user = await openTab(fake);
    const form = await screen.findByRole('form', { name: 'Guard a Deployment' });
    const namespace = within(form).getByRole('textbox', { name: 'Namespace' });
    await user.clear(namespace);
    await user.type(namespace, 'shop');
    await user.type(within(form).getByRole('textbox', { name: 'Deployment' }), 'nope');
    await user.click(within(form).getByRole('button', { name: 'Guard' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('deployment "nope" in shop is not there (any more)');

    const name = within(form).getByRole('textbox', { name: 'Deployment' });
    await user.clear(name);
    await user.type(name, 'checkout');
    await user.click(within(form).getByRole('button', { name: 'Guard' }));
    await waitFor(() => expect(within(form).queryByRole('alert')).toBeNull());
    expect(fake.method('rollouts.addGuard')).toHaveBeenLastCalledWith({ connectionId: 'k-prod', namespace: 'shop', name: 'checkout', minAvailablePercent: 75, graceSeconds: 30 });
  });

  it('on a production connection, guards and stops guarding only once the Deployment’s name is typed', async () => {
    const fake = bed({ env: 'prod' });
    const user = await openTab(fake);
    const form = await screen.findByRole('form', { name: 'Guard a Deployment' });
    const namespace = within(form).getByRole('textbox', { name: 'Namespace' });
    await user.clear(namespace);
    await user.type(namespace, 'shop');
    await user.type(within(form).getByRole('textbox', { name: 'Deployment' }), 'checkout');
    await user.click(within(form).getByRole('button', { name: 'Guard' }));
    const dialog = await screen.findByRole('dialog', { name: 'Guard deployment checkout' });
    expect(within(dialog).getByRole('button', { name: 'Guard' })).toHaveProperty('disabled', true);
    expect(fake.method('rollouts.addGuard')).not.toHaveBeenCalled();
    await user.type(within(dialog).getByRole('textbox', { name: /Type checkout to confirm/ }), 'checkout');
    await user.click(within(dialog).getByRole('button', { name: 'Guard' }));
    await waitFor(() => expect(fake.method('rollouts.addGuard')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'shop', name: 'checkout', minAvailablePercent: 75, graceSeconds: 30 }));

    const [, , ranker] = await rows();
    await user.click(within(ranker).getByRole('button', { name: 'Stop guarding shop/ranker' }));
    const stop = await screen.findByRole('dialog', { name: 'Stop guarding deployment ranker' });
    expect(fake.method('rollouts.removeGuard')).not.toHaveBeenCalled();
    await user.type(within(stop).getByRole('textbox', { name: /Type ranker to confirm/ }), 'ranker');
    await user.click(within(stop).getByRole('button', { name: 'Stop guarding' }));
    await waitFor(() => expect(fake.method('rollouts.removeGuard')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'shop', name: 'ranker' }));
  });

  it('shows a guard’s trip, and its failed rollback, as toasts wherever the app is', async () => {
    const fake = bed();
    renderApp(fake, '#/clusters');
    const trip = { connectionId: 'k-prod', connectionName: 'prod-eu', namespace: 'shop', name: 'web', fromRevision: 5, reason: 'exceeded its progress deadline', taskId: 't1' };
    act(() => fake.emit('rollouts.guardTripped', { ...trip, rollback: 'started' }));
    await waitFor(() => expect(useToasts.getState().toasts.map((t) => t.title)).toContain('Guard rolled back prod-eu/shop/web'));
    expect(useToasts.getState().toasts.at(-1)).toMatchObject({ tone: 'error', message: 'Revision 5 exceeded its progress deadline. Rolling back to the revision before it: follow it in the task tray.' });
    act(() => fake.emit('rollouts.guardTripped', { ...trip, rollback: 'failed', message: 'The automatic rollback of revision 5 to revision 4 failed: its rollout exceeded its progress deadline' }));
    await waitFor(() => expect(useToasts.getState().toasts.at(-1)).toMatchObject({ title: 'Automatic rollback of prod-eu/shop/web failed', message: expect.stringMatching(/failed: its rollout exceeded/) }));
  });
});
