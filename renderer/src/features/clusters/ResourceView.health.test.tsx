import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../../../shared/contract';
import { ok } from '../../test/fakeBridge';
import { emitRows, grid, renderInspector, rowNames, watchId } from './testKit';

const deploymentColumns: Column[] = [
  { id: 'status', title: 'Status', kind: 'status' },
  { id: 'ready', title: 'Ready', kind: 'text' },
  { id: 'available', title: 'Available', kind: 'number' },
];
const deployment = (name: string, status: string, ready: string, available: number): Row => ({ uid: `uid-${name}`, name, namespace: 'shop', cells: [status, ready, available] });

describe('workload health at a glance', () => {
  it('a deployment short of replicas or stalled stands out, and sorting by Status brings it to the top', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector({ 'kube.watch': () => ok({ watchId: 'w-deployments', columns: deploymentColumns, namespaced: true }) }, 'apps/deployments');
    const id = await watchId(fake);
    emitRows(fake, id, {
      reset: true,
      upserts: [
        deployment('api', 'Available', '3/3', 3),
        deployment('checkout', 'ProgressDeadlineExceeded', '2/3', 2),
        deployment('search', '2/3 available', '2/3', 2),
        deployment('worker', 'Scaled to 0', '0/0', 0),
      ],
    });

    const badges = Object.fromEntries([...grid('Deployments').querySelectorAll('.badge')].map((b) => [b.textContent, b.className]));
    expect(badges).toEqual({
      Available: 'badge tone-ok',
      ProgressDeadlineExceeded: 'badge tone-bad',
      '2/3 available': 'badge tone-warn',
      'Scaled to 0': 'badge tone-neutral',
    });

    await user.click(screen.getByRole('button', { name: 'Sort by Status' }));
    expect(rowNames('Deployments')).toEqual(['checkout', 'search', 'worker', 'api']);
  });
});
