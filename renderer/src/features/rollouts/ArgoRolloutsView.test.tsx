import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ArgoRollout, ArgoRollouts, ConnectionSummary } from '../../../../shared/contract';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';

/** A canary paused at its first pause step (index 1 of 4), a quarter of its pods on the new image. */
const paused = (more: Partial<ArgoRollout> = {}): ArgoRollout => ({
  name: 'ranker',
  namespace: 'ml',
  strategy: 'canary',
  steps: [
    { kind: 'setWeight', value: '25' },
    { kind: 'pause', value: 'indefinite' },
    { kind: 'setWeight', value: '75' },
    { kind: 'pause', value: 'indefinite' },
  ],
  currentStepIndex: 1,
  phase: 'Paused',
  message: 'CanaryPauseStep',
  aborted: false,
  paused: false,
  fullyPromoted: false,
  setWeight: 25,
  actualWeight: 25,
  replicas: { desired: 4, current: 4, updated: 1, ready: 4, available: 4 },
  images: { stable: ['app=ranker:1'], canary: ['app=ranker:2'] },
  templateImages: ['app=ranker:2'],
  revisions: [
    { revision: 2, replicaSet: 'ranker-bbb', images: ['app=ranker:2'], replicas: 1, available: 1, role: 'canary' },
    { revision: 1, replicaSet: 'ranker-aaa', images: ['app=ranker:1'], replicas: 3, available: 3, role: 'stable' },
  ],
  generation: 2,
  ...more,
});

function bed(answer: ArgoRollouts, connection: ConnectionSummary = kubeConnection()) {
  return createFakeBridge({
    'connections.list': () => ok([connection]),
    'rollouts.argoRollouts': () => ok(answer),
    'rollouts.argoPromote': () => ok({ taskId: 't1' }),
    'rollouts.argoAbort': () => ok({ taskId: 't2' }),
    'rollouts.argoRetry': () => ok({ taskId: 't3' }),
    'rollouts.argoUndo': () => ok({ taskId: 't4' }),
  });
}

async function openTab(fake: ReturnType<typeof bed>, id = 'k-prod') {
  const user = userEvent.setup();
  renderApp(fake, '#/rollouts');
  await waitFor(() => expect(useConnections.getState().connections).toHaveLength(1));
  act(() => useConnections.getState().select(id));
  await user.click(await screen.findByRole('tab', { name: 'Argo Rollouts' }));
  return user;
}

const staging = kubeConnection({ id: 'k-staging', name: 'staging', labels: {} });
const at = { connectionId: 'k-staging', namespace: 'ml', name: 'ranker', ifGeneration: 2 };

describe('Argo Rollouts tab', () => {
  it('says plainly when the cluster does not serve the CRD', async () => {
    await openTab(bed({ available: false, rollouts: [] }));
    expect(await screen.findByText('Argo Rollouts is not installed on this cluster: no rollouts.argoproj.io resource is served.')).toBeTruthy();
    expect(screen.queryByRole('region', { name: /^Rollout / })).toBeNull();
  });

  it('shows a paused canary: its steps with the current one marked, weights, status, images; Retry only once aborted', async () => {
    await openTab(bed({ available: true, rollouts: [paused()] }));
    const card = await screen.findByRole('region', { name: 'Rollout ml/ranker' });
    expect(within(card).getByText('Paused')).toBeTruthy();
    expect(within(card).getByText('CanaryPauseStep')).toBeTruthy();
    expect(within(card).getByText('Step 1 of 4')).toBeTruthy();
    const steps = within(card).getByRole('list', { name: 'Steps of ranker' });
    expect(within(steps).getAllByRole('listitem').map((li) => [li.textContent, li.getAttribute('aria-current')])).toEqual([
      ['setWeight 25', null],
      ['pause indefinite', 'step'],
      ['setWeight 75', null],
      ['pause indefinite', null],
    ]);
    expect(within(card).getByRole('img', { name: 'Set weight 25, actual weight 25' })).toBeTruthy();
    expect(within(card).getByText('app=ranker:1')).toBeTruthy();
    expect(within(card).getByText('app=ranker:2')).toBeTruthy();
    expect(within(card).queryByRole('button', { name: 'Retry…' })).toBeNull();
    expect(within(card).getByRole('button', { name: 'Promote…' })).toHaveProperty('disabled', false);
  });

  it('Promote, Promote full, Abort and Undo start their calls held to what the card showed', async () => {
    const fake = bed({ available: true, rollouts: [paused()] }, staging);
    const user = await openTab(fake, 'k-staging');
    const card = await screen.findByRole('region', { name: 'Rollout ml/ranker' });

    await user.click(within(card).getByRole('button', { name: 'Promote…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Promote Rollout ranker' })).getByRole('button', { name: 'Promote' }));
    await waitFor(() => expect(fake.method('rollouts.argoPromote')).toHaveBeenCalledWith({ ...at, full: false, ifCurrentStepIndex: 1 }));

    await user.click(within(card).getByRole('button', { name: 'Promote full…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Promote full Rollout ranker' })).getByRole('button', { name: 'Promote full' }));
    await waitFor(() => expect(fake.method('rollouts.argoPromote')).toHaveBeenLastCalledWith({ ...at, full: true, ifCurrentStepIndex: 1 }));

    await user.click(within(card).getByRole('button', { name: 'Abort…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Abort Rollout ranker' })).getByRole('button', { name: 'Abort' }));
    await waitFor(() => expect(fake.method('rollouts.argoAbort')).toHaveBeenCalledWith(at));

    await user.click(within(card).getByRole('button', { name: 'Undo…' }));
    const undo = screen.getByRole('dialog', { name: 'Undo Rollout ranker' });
    expect(within(undo).getByRole('combobox')).toHaveProperty('value', '1');
    await user.click(within(undo).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(fake.method('rollouts.argoUndo')).toHaveBeenCalledWith({ ...at, toRevision: 1 }));
  });

  it('an aborted Rollout offers Retry; on a production connection its name must be typed first', async () => {
    const fake = bed({ available: true, rollouts: [paused({ phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2', aborted: true, setWeight: 0, actualWeight: 0 })] });
    const user = await openTab(fake);
    const card = await screen.findByRole('region', { name: 'Rollout ml/ranker' });
    expect(within(card).getByText('aborted')).toBeTruthy();
    expect(within(card).queryByRole('button', { name: 'Abort…' })).toBeNull();
    await user.click(within(card).getByRole('button', { name: 'Retry…' }));
    const dialog = screen.getByRole('dialog', { name: 'Retry Rollout ranker' });
    const go = within(dialog).getByRole('button', { name: 'Retry' });
    expect(go).toHaveProperty('disabled', true);
    await user.type(within(dialog).getByRole('textbox'), 'ranker');
    await user.click(go);
    await waitFor(() => expect(fake.method('rollouts.argoRetry')).toHaveBeenCalledWith({ ...at, connectionId: 'k-prod' }));
  });

  it('a fully promoted Rollout, though Degraded, has nothing to abort: Abort is disabled and says why', async () => {
    await openTab(bed({ available: true, rollouts: [paused({ phase: 'Degraded', message: 'ProgressDeadlineExceeded: timed out', fullyPromoted: true })] }));
    const card = await screen.findByRole('region', { name: 'Rollout ml/ranker' });
    const abort = within(card).getByRole('button', { name: 'Abort…' });
    expect(abort).toHaveProperty('disabled', true);
    expect(abort.getAttribute('title')).toBe('Nothing to abort: it is fully promoted');
  });

  it('a Rollout that cannot be read is a row saying why, with no action, beside the others', async () => {
    const why = 'Rollout 42 in ml cannot be shown as the plugin reads it: name: Expected string';
    await openTab(bed({ available: true, rollouts: [paused({ name: '42', unreadable: why, steps: [], revisions: [] }), paused()] }));
    const card = await screen.findByRole('region', { name: 'Rollout ml/42' });
    expect(within(card).getByText(why)).toBeTruthy();
    expect(within(card).queryAllByRole('button')).toEqual([]);
    expect(screen.getByRole('region', { name: 'Rollout ml/ranker' })).toBeTruthy();
  });
});
