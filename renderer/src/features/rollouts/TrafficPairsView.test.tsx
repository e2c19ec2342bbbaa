import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { BlueGreenPair, CanaryPair, ConnectionSummary, PairSide, TrafficPairs } from '../../../../shared/contract';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';

const side = (deployment: string, value: string, more: Partial<PairSide> = {}): PairSide => ({
  deployment,
  value,
  images: [`web=registry.example/web:${value}`],
  replicas: 3,
  ready: 3,
  available: 3,
  paused: false,
  generation: 2,
  rollout: { state: 'complete', message: '3 of 3 updated, 3 ready, 3 available' },
  ...more,
});

const blueGreen = (more: Partial<BlueGreenPair> = {}): BlueGreenPair => ({
  kind: 'blueGreen',
  namespace: 'shop',
  service: 'web',
  slotKey: 'slot',
  live: 'blue',
  slots: [side('web-blue', 'blue'), side('web-green', 'green')],
  ...more,
});

const canary: CanaryPair = {
  kind: 'canary',
  namespace: 'shop',
  service: 'ranker',
  trackKey: 'track',
  stable: side('ranker', 'stable', { replicas: 3, ready: 3 }),
  canary: side('ranker-canary', 'canary', { replicas: 1, ready: 1 }),
  weight: 25,
};

function bed(answer: TrafficPairs, connection: ConnectionSummary = kubeConnection()) {
  return createFakeBridge({
    'connections.list': () => ok([connection]),
    'rollouts.trafficPairs': () => ok(answer),
    'rollouts.switchSlot': () => ok({ taskId: 't1' }),
    'rollouts.setCanaryWeight': () => ok({ taskId: 't2' }),
    'rollouts.promoteCanary': () => ok({ taskId: 't3' }),
    'rollouts.abortCanary': () => ok({ taskId: 't4' }),
  });
}

/** The Rollouts page on its blue/green & canary tab, with `id` chosen. */
async function openTab(fake: ReturnType<typeof bed>, id = 'k-prod') {
  const user = userEvent.setup();
  renderApp(fake, '#/rollouts');
  await waitFor(() => expect(useConnections.getState().connections).toHaveLength(1));
  act(() => useConnections.getState().select(id));
  await user.click(await screen.findByRole('tab', { name: 'Blue/green & canary' }));
  return user;
}

const staging = kubeConnection({ id: 'k-staging', name: 'staging', labels: {} });

describe('blue/green and canary pairs', () => {
  it('shows the live slot, each slot’s Deployment, images and pods, the canary’s weight, and the Services that make no pair', async () => {
    const fake = bed({ pairs: [blueGreen(), canary], problems: [{ namespace: 'shop', service: 'api', message: '3 Deployments carry "slot" under this Service (a, b, c); a blue/green pair is two' }] });
    await openTab(fake);
    const pair = await screen.findByRole('region', { name: 'Blue/green shop/web' });
    expect(within(pair).getByText('Sends to slot blue.')).toBeTruthy();
    const rows = within(pair).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      'blue liveweb-blueweb=registry.example/web:blue3/3 ready, 3 available',
      'greenweb-greenweb=registry.example/web:green3/3 ready, 3 available',
    ]);
    expect(within(pair).getByRole('button', { name: 'Switch to green…' })).toHaveProperty('disabled', false);
    const canaryCard = screen.getByRole('region', { name: 'Canary shop/ranker' });
    expect(within(canaryCard).getByText('Canary weight 25%: 1 of 4 ready pods are the canary’s.')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Services that make no pair' })).getByRole('listitem').textContent).toBe(
      'shop/api: 3 Deployments carry "slot" under this Service (a, b, c); a blue/green pair is two',
    );
    expect(fake.method('rollouts.trafficPairs')).toHaveBeenCalledWith({ connectionId: 'k-prod' });
  });

  it('will not switch to a slot whose rollout is not complete (its old pods all available), and says why', async () => {
    const rolling = side('web-green', 'green', { rollout: { state: 'waiting', message: '1 of 3 updated, 3 ready, 3 available' } });
    await openTab(bed({ pairs: [blueGreen({ slots: [side('web-blue', 'blue'), rolling] })], problems: [] }));
    const button = await screen.findByRole('button', { name: 'Switch to green…' });
    expect(button).toHaveProperty('disabled', true);
    expect(button.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(button.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Deployment web-green is still rolling out (1 of 3 updated, 3 ready, 3 available): wait until it is complete',
    );
  });

  it('a Service sending to neither slot: the switch is held to that, and to the target as shown', async () => {
    const fake = bed({ pairs: [blueGreen({ live: undefined, slots: [side('web-blue', 'blue'), side('web-green', 'green', { generation: 7 })] })], problems: [] }, staging);
    const user = await openTab(fake, 'k-staging');
    await user.click(await screen.findByRole('button', { name: 'Switch to green…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Switch Service web' })).getByRole('button', { name: 'Switch to green' }));
    await waitFor(() =>
      expect(fake.method('rollouts.switchSlot')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'shop', service: 'web', toSlot: 'green', ifLiveSlot: '', ifTargetGeneration: 7 }),
    );
  });

  it('a canary at 0 replicas: promote and abort are off, and it says why', async () => {
    await openTab(bed({ pairs: [{ ...canary, canary: side('ranker-canary', 'canary', { replicas: 0, ready: 0, available: 0 }) }], problems: [] }));
    const why = 'Canary ranker-canary runs no replicas: set a weight to give it traffic before promoting it; with none, there is nothing to abort';
    for (const name of ['Promote…', 'Abort…']) {
      const button = await screen.findByRole('button', { name });
      expect(button).toHaveProperty('disabled', true);
      expect(button.getAttribute('title')).toBe(why);
      expect(document.getElementById(button.getAttribute('aria-describedby')!)?.textContent).toBe(why);
    }
    expect(screen.getByText(why)).toBeTruthy();
  });

  it('on a production connection the switch asks for the Service’s name, and is guarded by the slot shown', async () => {
    const fake = bed({ pairs: [blueGreen()], problems: [] });
    const user = await openTab(fake);
    await user.click(await screen.findByRole('button', { name: 'Switch to green…' }));
    const dialog = screen.getByRole('dialog', { name: 'Switch Service web' });
    const go = within(dialog).getByRole('button', { name: 'Switch to green' });
    expect(go).toHaveProperty('disabled', true);
    await user.type(within(dialog).getByRole('textbox'), 'web');
    await user.click(go);
    await waitFor(() => expect(fake.method('rollouts.switchSlot')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'shop', service: 'web', toSlot: 'green', ifLiveSlot: 'blue', ifTargetGeneration: 2 }));
    // No one-click way back on production: that goes through the dialog again.
    expect(await screen.findByText('Switching web to green')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Switch back to blue' })).toBeNull();
  });

  it('elsewhere the toast switches back in one click', async () => {
    const fake = bed({ pairs: [blueGreen()], problems: [] }, staging);
    const user = await openTab(fake, 'k-staging');
    await user.click(await screen.findByRole('button', { name: 'Switch to green…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Switch Service web' })).getByRole('button', { name: 'Switch to green' }));
    await user.click(await screen.findByRole('button', { name: 'Switch back to blue' }));
    await waitFor(() => expect(fake.method('rollouts.switchSlot')).toHaveBeenLastCalledWith({ connectionId: 'k-staging', namespace: 'shop', service: 'web', toSlot: 'blue', ifLiveSlot: 'green', ifTargetGeneration: 2 }));
  });

  it('sets a canary weight: the split is shown before it is made, and sent with the replicas shown', async () => {
    const fake = bed({ pairs: [canary], problems: [] }, staging);
    const user = await openTab(fake, 'k-staging');
    await user.click(await screen.findByRole('button', { name: 'Set weight…' }));
    const dialog = screen.getByRole('dialog', { name: 'Set the canary weight of ranker' });
    const weight = within(dialog).getByRole('spinbutton', { name: 'Canary weight (%)' });
    expect(weight).toHaveProperty('value', '25');
    await user.clear(weight);
    await user.type(weight, '50');
    expect(within(dialog).getByRole('status').textContent).toBe('ranker: 3 replicas → 2; ranker-canary: 1 replica → 2 (50% canary).');
    await user.clear(weight);
    await user.click(within(dialog).getByRole('button', { name: 'Set weight' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('A weight from 0 to 100');
    expect(fake.method('rollouts.setCanaryWeight')).not.toHaveBeenCalled();
    await user.type(weight, '50');
    await user.click(within(dialog).getByRole('button', { name: 'Set weight' }));
    await waitFor(() =>
      expect(fake.method('rollouts.setCanaryWeight')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'shop', service: 'ranker', weight: 50, total: 4, ifReplicas: { stable: 3, canary: 1 } }),
    );
  });

  it('promotes and aborts a canary, each confirmed, held to the replicas and the specs shown', async () => {
    const fake = bed({ pairs: [canary], problems: [] }, staging);
    const user = await openTab(fake, 'k-staging');
    await user.click(await screen.findByRole('button', { name: 'Promote…' }));
    const promote = screen.getByRole('dialog', { name: 'Promote canary ranker-canary' });
    expect(promote.textContent).toContain('web=registry.example/web:canary on 4 replicas');
    await user.click(within(promote).getByRole('button', { name: 'Promote' }));
    await waitFor(() => expect(fake.method('rollouts.promoteCanary')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'shop', service: 'ranker', ifReplicas: { stable: 3, canary: 1 }, ifGenerations: { stable: 2, canary: 2 } }));
    await user.click(await screen.findByRole('button', { name: 'Abort…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Abort canary ranker-canary' })).getByRole('button', { name: 'Abort canary' }));
    await waitFor(() => expect(fake.method('rollouts.abortCanary')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'shop', service: 'ranker', ifReplicas: { stable: 3, canary: 1 }, ifGenerations: { stable: 2, canary: 2 } }));
  });

  it('says so when there is no pair', async () => {
    await openTab(bed({ pairs: [], problems: [] }));
    expect(await screen.findByText('No blue/green or canary pair in every namespace.')).toBeTruthy();
  });
});
