import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ParamsIn } from '../../../../shared/contract';
import { createFakeBridge, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useRunbooks } from './runbooksStore';
import { hit, runbook } from './testKit';

const palette = () => screen.getByRole('dialog', { name: 'Command palette' });

beforeEach(() => useRunbooks.setState({ selectedId: null, draft: null }));

describe('palette: runbooks', () => {
  it('searches the library for the typed text and opens the runbook chosen', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'runbooks.search': (p: ParamsIn<'runbooks.search'>) => ok({ hits: p.query === 'drain gpu' ? [hit()] : [], total: 1, tags: [] }),
      'runbooks.get': () => ok(runbook()),
      'runbooks.uses': () => ok([]),
    });
    renderApp(fake, '#/connections');
    await user.keyboard('{Control>}k{/Control}');
    await user.type(within(palette()).getByRole('combobox', { name: 'Search commands' }), 'drain gpu');
    const group = await screen.findByRole('group', { name: 'Runbooks' });
    await waitFor(() => expect(within(group).getAllByRole('option').map((o) => o.querySelector('.palette-title')?.textContent)).toEqual(['Drain a GPU node']));
    expect(fake.method('runbooks.search')).toHaveBeenLastCalledWith({ query: 'drain gpu', limit: 8 });
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location.hash).toBe('#/runbooks'));
    expect(await screen.findByRole('heading', { name: 'Drain a GPU node', level: 2 })).toBeTruthy();
  });

  it('has New runbook and Import runbooks… commands', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({ 'runbooks.search': () => ok({ hits: [], total: 0, tags: [] }) });
    renderApp(fake, '#/connections');
    await user.keyboard('{Control>}k{/Control}');
    await user.type(within(palette()).getByRole('combobox', { name: 'Search commands' }), 'Import runbooks');
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('dialog', { name: 'Import runbooks' })).toBeTruthy();
    await user.keyboard('{Escape}');

    await user.keyboard('{Control>}k{/Control}');
    await user.type(within(palette()).getByRole('combobox', { name: 'Search commands' }), 'New runbook');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location.hash).toBe('#/runbooks'));
    expect(await screen.findByRole('heading', { name: 'New runbook', level: 2 })).toBeTruthy();
  });
});
