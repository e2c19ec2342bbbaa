import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ObjectDetail } from '../../../../shared/contract';
import { fail, ok } from '../../test/fakeBridge';
import { emitRows, grid, podRow, renderInspector, watchId } from '../clusters/testKit';
import { useInspector } from '../clusters/inspectorStore';
import { useRunbooks } from './runbooksStore';
import { runbook, runbookMeta } from './testKit';

const detail: ObjectDetail = { uid: 'uid-default-web-1', kind: 'Pod', apiVersion: 'v1', name: 'web-1', namespace: 'default', resourceVersion: '1', labels: {}, annotations: {}, yaml: '', owners: [] };

/** The Pods view with `web-1`'s detail pane open. */
async function openPod(configure: Parameters<typeof renderInspector>[0] = {}) {
  const user = userEvent.setup();
  const { fake } = renderInspector(configure);
  fake.handle('kube.get', () => ok(detail));
  fake.handle('runbooks.get', () => ok(runbook({ id: 'rb-web', title: 'Web pods crash-looping' })));
  fake.handle('runbooks.uses', () => ok([]));
  fake.handle('runbooks.search', () => ok({ hits: [], total: 0, tags: [] }));
  return { user, fake, open: async () => {
    emitRows(fake, await watchId(fake), { reset: true, upserts: [podRow('web-1')] });
    await user.click(within(grid('Pods')).getByText('web-1'));
    return screen.getByRole('complementary', { name: 'pod details' });
  } };
}

beforeEach(() => {
  useInspector.setState({ focus: null });
  useRunbooks.setState({ selectedId: null, draft: null });
});

describe('detail pane: Runbooks', () => {
  it('lists the runbooks that name the object and opens one on the Runbooks page', async () => {
    const { user, fake, open } = await openPod();
    fake.handle('runbooks.forResource', () => ok([runbookMeta({ id: 'rb-web', title: 'Web pods crash-looping', severity: 'critical', tags: ['web'] })]));
    const pane = await open();
    const section = await within(pane).findByRole('region', { name: 'Runbooks' });
    await waitFor(() => expect(fake.method('runbooks.forResource')).toHaveBeenCalledWith({ kind: 'pods', namespace: 'default', name: 'web-1' }));
    await user.click(await within(section).findByRole('button', { name: 'Web pods crash-looping' }));
    await waitFor(() => expect(location.hash).toBe('#/runbooks'));
    expect(await screen.findByRole('heading', { name: 'Web pods crash-looping', level: 2 })).toBeTruthy();
  });

  it('says when none does, and why when they could not be listed', async () => {
    const { fake, open } = await openPod();
    fake.handle('runbooks.forResource', () => ok([]));
    const pane = await open();
    expect(await within(pane).findByText('No runbook names this pod, its kind or its namespace.')).toBeTruthy();

    fake.handle('runbooks.forResource', () => fail('INTERNAL', 'the library is unreadable'));
    await userEvent.setup().click(within(pane).getByRole('tab', { name: /YAML/ }));
    await userEvent.setup().click(within(pane).getByRole('tab', { name: /Overview/ }));
    expect(await within(pane).findByText(/Runbooks could not be listed: the library is unreadable/)).toBeTruthy();
    // The pane's own alerts stay about the object.
    expect(within(pane).queryByRole('alert')).toBeNull();
  });
});
