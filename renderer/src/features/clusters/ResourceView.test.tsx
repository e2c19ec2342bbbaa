import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../../../shared/contract';
import { ok } from '../../test/fakeBridge';
import { ROW_HEIGHT } from '../../ui/useVirtualWindow';
import { dataCells, discovery, podColumns, emitRows, grid, podRow, renderInspector, rowNames, statusText, watchCalls, watchId } from './testKit';

const selectedNames = () =>
  within(grid('Pods'))
    .getAllByRole('row')
    .filter((r) => r.getAttribute('aria-selected') === 'true')
    .map((r) => dataCells(r)[0].textContent);
const selectedName = () => selectedNames()[0];

describe('resource table', () => {
  it('watches the picked resource and applies reset, upserts and deletes', async () => {
    const { fake } = renderInspector();
    const id = await watchId(fake);
    expect(watchCalls(fake)[0]).toEqual({ connectionId: 'k-prod', resource: { group: '', version: 'v1', resource: 'pods' } });
    expect(statusText()).toBe('0 pods · opening…');

    emitRows(fake, id, { reset: true, upserts: [podRow('web-1'), podRow('web-2'), podRow('web-3')], state: { phase: 'listing', rows: 3 } });
    expect(rowNames('Pods')).toEqual(['web-1', 'web-2', 'web-3']);
    expect(statusText()).toBe('3 pods · listing…');
    expect(screen.getByRole('progressbar', { name: 'Loading pods' })).toBeTruthy();

    emitRows(fake, id, { upserts: [podRow('web-0'), podRow('web-2', { status: 'CrashLoopBackOff', restarts: 4 })], deletes: ['uid-default-web-3'] });
    expect(rowNames('Pods')).toEqual(['web-0', 'web-1', 'web-2']);
    const badge = within(grid('Pods')).getByText('CrashLoopBackOff');
    expect(badge.className).toContain('tone-bad');
    expect(statusText()).toBe('3 pods · live');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(within(grid('Pods')).getAllByText('5m')).toHaveLength(3);

    // Events of other watches are not ours.
    emitRows(fake, 'someone-else', { reset: true, upserts: [] });
    expect(rowNames('Pods')).toHaveLength(3);
  });

  it('renders only a window of 10,000 rows and follows the scroll position', async () => {
    const { fake } = renderInspector();
    const id = await watchId(fake);
    const pods = Array.from({ length: 10_000 }, (_, i) => podRow(`pod-${String(i).padStart(5, '0')}`));
    emitRows(fake, id, { reset: true, upserts: pods });

    expect(statusText()).toBe('10,000 pods · live');
    const table = grid('Pods');
    expect(table.getAttribute('aria-rowcount')).toBe('10001');
    expect(within(table).getAllByRole('row').length).toBeLessThan(60);
    expect(rowNames('Pods')[0]).toBe('pod-00000');

    table.scrollTop = 5000 * ROW_HEIGHT;
    fireEvent.scroll(table);
    const names = rowNames('Pods');
    expect(names).toContain('pod-05000');
    expect(names.length).toBeLessThan(60);
  });

  it('sorts by a header, numerically and by age, both ways', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, {
      reset: true,
      upserts: [podRow('pod-10', { restarts: 2, ageMinutes: 60 }), podRow('pod-9', { restarts: 12, ageMinutes: 1 }), podRow('pod-100', { restarts: 3, ageMinutes: 600 })],
    });
    expect(rowNames('Pods')).toEqual(['pod-9', 'pod-10', 'pod-100']);

    await user.click(screen.getByRole('button', { name: 'Sort by Restarts' }));
    expect(rowNames('Pods')).toEqual(['pod-10', 'pod-100', 'pod-9']);
    expect(screen.getByRole('columnheader', { name: 'Restarts' }).getAttribute('aria-sort')).toBe('ascending');
    await user.click(screen.getByRole('button', { name: 'Sort by Restarts' }));
    expect(rowNames('Pods')).toEqual(['pod-9', 'pod-100', 'pod-10']);

    await user.click(screen.getByRole('button', { name: 'Sort by Age' }));
    expect(rowNames('Pods')).toEqual(['pod-9', 'pod-10', 'pod-100']);

    // A live update lands in its sorted place.
    emitRows(fake, id, { upserts: [podRow('pod-1', { ageMinutes: 30 })] });
    expect(rowNames('Pods')).toEqual(['pod-9', 'pod-1', 'pod-10', 'pod-100']);
  });

  it('filters by text across cells and by namespace', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, {
      reset: true,
      upserts: [podRow('api', { namespace: 'shop' }), podRow('trainer', { namespace: 'ml', status: 'Pending' }), podRow('web', { namespace: 'shop', status: 'Pending' })],
    });

    await user.keyboard('/');
    const filter = screen.getByRole('textbox', { name: 'Filter' });
    expect(document.activeElement).toBe(filter);
    await user.keyboard('pend');
    await waitFor(() => expect(rowNames('Pods')).toEqual(['trainer', 'web']));
    expect(statusText()).toBe('2 of 3 pods · live');
    await user.type(filter, ' shop');
    await waitFor(() => expect(rowNames('Pods')).toEqual(['web']));
    await user.clear(filter);

    await user.click(screen.getByRole('button', { name: /Namespaces: all/ }));
    const panel = screen.getByRole('group', { name: 'Namespaces' });
    expect(within(panel).getAllByRole('checkbox').map((c) => c.parentElement?.textContent?.trim())).toEqual(['All namespaces', 'ml1', 'shop2']);
    await user.click(within(panel).getByRole('checkbox', { name: /ml/ }));
    await waitFor(() => expect(rowNames('Pods')).toEqual(['trainer']));
    expect(screen.getByRole('button', { name: /Namespace: ml/ })).toBeTruthy();
    await user.click(within(panel).getByRole('checkbox', { name: 'All namespaces' }));
    await waitFor(() => expect(rowNames('Pods')).toHaveLength(3));
  });

  it('moves with j/k and arrows, jumps with g/G, opens with Enter, closes with Esc', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, { reset: true, upserts: ['a', 'b', 'c', 'd'].map((n) => podRow(n, { restarts: 7 })) });

    // A single key on a button is the button's; picking the resource puts focus on its rows, where the keys work at once.
    screen.getByRole('button', { name: 'Pods' }).focus();
    await user.keyboard('j');
    expect(selectedName()).toBeUndefined();
    await user.click(screen.getByRole('button', { name: 'Pods' }));
    expect(document.activeElement).toBe(grid('Pods'));
    await user.keyboard('j');
    expect(selectedName()).toBe('a');
    await user.keyboard('jj{ArrowDown}');
    expect(selectedName()).toBe('d');
    await user.keyboard('j');
    expect(selectedName()).toBe('d');
    await user.keyboard('k{ArrowUp}');
    expect(selectedName()).toBe('b');
    await user.keyboard('G');
    expect(selectedName()).toBe('d');
    await user.keyboard('g');
    expect(selectedName()).toBe('a');

    await user.keyboard('{Enter}');
    const detail = screen.getByRole('complementary', { name: 'pod details' });
    expect(within(detail).getByRole('heading', { name: 'a' })).toBeTruthy();
    expect(within(detail).getByText('Restarts').nextElementSibling?.textContent).toBe('7');
    expect(within(detail).getByText('uid-default-a')).toBeTruthy();
    // The detail follows the selection.
    await user.keyboard('j');
    expect(within(detail).getByRole('heading', { name: 'b' })).toBeTruthy();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'pod details' })).toBeNull();

    // Esc in the filter leaves it for the grid, so the keys work again.
    await user.keyboard('/x{Escape}');
    expect(document.activeElement).toBe(grid('Pods'));
    expect(grid('Pods').getAttribute('aria-activedescendant')).toBeNull();
  });

  it('keeps the selection on the same object while rows re-sort and update', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    const id = await watchId(fake);
    emitRows(fake, id, { reset: true, upserts: [podRow('a'), podRow('b'), podRow('c')] });
    await user.click(within(grid('Pods')).getByText('b'));
    expect(selectedName()).toBe('b');
    expect(screen.getByRole('complementary', { name: 'pod details' })).toBeTruthy();

    emitRows(fake, id, { upserts: [podRow('a0'), podRow('aa'), podRow('b', { status: 'Failed' })] });
    expect(rowNames('Pods')).toEqual(['a', 'a0', 'aa', 'b', 'c']);
    expect(selectedName()).toBe('b');
    await user.keyboard('k');
    expect(selectedName()).toBe('aa');

    // A relist (reset) keeps it too: the uid is the same.
    emitRows(fake, id, { reset: true, upserts: [podRow('aa'), podRow('zz')] });
    expect(selectedName()).toBe('aa');

    emitRows(fake, id, { deletes: ['uid-default-aa'] });
    expect(selectedName()).toBeUndefined();
    expect(within(screen.getByRole('complementary', { name: 'pod details' })).getByText('It is no longer in the cluster.')).toBeTruthy();
  });

  it('hides and shows columns, remembering the choice per resource', async () => {
    const user = userEvent.setup();
    const { fake } = renderInspector();
    await watchId(fake);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sort by Restarts' })).toBeTruthy());

    await user.click(screen.getByRole('button', { name: /Columns/ }));
    const panel = screen.getByRole('group', { name: 'Columns' });
    expect((within(panel).getByRole('checkbox', { name: 'Name' }) as HTMLInputElement).disabled).toBe(true);
    await user.click(within(panel).getByRole('checkbox', { name: 'Restarts' }));
    expect(screen.queryByRole('button', { name: 'Sort by Restarts' })).toBeNull();
    expect(JSON.parse(localStorage.getItem('pilothouse.columns./pods')!)).toEqual(['cell:restarts']);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Columns' })).toBeNull();

    // Leave and come back: the table is built afresh from what was stored.
    await user.click(screen.getByRole('button', { name: 'Nodes' }));
    await waitFor(() => expect(grid('Nodes')).toBeTruthy());
    await user.click(screen.getByRole('button', { name: 'Pods' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sort by Age' })).toBeTruthy());
    expect(screen.queryByRole('button', { name: 'Sort by Restarts' })).toBeNull();
    expect(localStorage.getItem('pilothouse.columns./nodes')).toBeNull();
  });
});

describe('optional columns', () => {
  it('leave an optional column (a pod\'s Phase) out until the user turns it on, and remember that', async () => {
    const user = userEvent.setup();
    const columns: Column[] = [...podColumns, { id: 'phase', title: 'Phase', kind: 'text', optional: true }];
    const { fake } = renderInspector({ 'kube.watch': () => ok({ watchId: 'w1', columns, namespaced: true }) });
    await watchId(fake);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sort by Restarts' })).toBeTruthy());
    expect(screen.queryByRole('button', { name: 'Sort by Phase' })).toBeNull();

    await user.click(screen.getByRole('button', { name: /Columns/ }));
    const phase = within(screen.getByRole('group', { name: 'Columns' })).getByRole('checkbox', { name: 'Phase' }) as HTMLInputElement;
    expect(phase.checked).toBe(false);
    await user.click(phase);
    expect(screen.getByRole('button', { name: 'Sort by Phase' })).toBeTruthy();
    expect(JSON.parse(localStorage.getItem('pilothouse.columns./pods')!)).toEqual(['cell:phase']);
    await user.click(phase);
    expect(screen.queryByRole('button', { name: 'Sort by Phase' })).toBeNull();
    expect(localStorage.getItem('pilothouse.columns./pods')).toBeNull();
  });
});

describe('events table', () => {
  const eventColumns: Column[] = [
    { id: 'lastSeen', title: 'Last seen', kind: 'age' },
    { id: 'type', title: 'Type', kind: 'status' },
    { id: 'reason', title: 'Reason', kind: 'text' },
    { id: 'object', title: 'Object', kind: 'text' },
    { id: 'message', title: 'Message', kind: 'message' },
    { id: 'count', title: 'Count', kind: 'number' },
  ];
  const eventRow = (name: string, minutesAgo: number, type: string, reason: string, object: string): Row => ({
    uid: `uid-${name}`,
    name,
    namespace: 'shop',
    cells: [new Date(Date.now() - minutesAgo * 60_000).toISOString(), type, reason, object, `${reason} happened`, 1],
  });
  const renderEvents = () =>
    renderInspector(
      {
        'kube.discover': () => ok({ ...discovery, resources: [...discovery.resources, { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, verbs: ['list', 'watch'], builtin: true }] }),
        'kube.watch': () => ok({ watchId: 'w-events', columns: eventColumns, namespaced: true }),
      },
      '/events',
    );
  const cellsOf = (name: string) =>
    within(grid('Events'))
      .getAllByRole('row')
      .find((r) => r.textContent?.includes(name))!
      .querySelectorAll('[role=gridcell]:not(.vt-select)');

  it('opens newest first, with the event name last and warnings standing out', async () => {
    const { fake } = renderEvents();
    const id = await watchId(fake);
    emitRows(fake, id, {
      reset: true,
      upserts: [
        eventRow('web-1.17a3b0c1', 30, 'Normal', 'Pulled', 'pod/web-1'),
        eventRow('web-2.17a3b0c2', 2, 'Warning', 'BackOff', 'pod/web-2'),
        eventRow('api.17a3b0c3', 10, 'Normal', 'ScalingReplicaSet', 'deployment/api'),
      ],
    });

    const headers = within(grid('Events')).getAllByRole('columnheader').map((h) => h.getAttribute('aria-label'));
    expect(headers).toEqual(['Selection', 'Namespace', 'Last seen', 'Type', 'Reason', 'Object', 'Message', 'Count', 'Name']);
    expect(screen.getByRole('columnheader', { name: 'Last seen' }).getAttribute('aria-sort')).toBe('ascending');
    const objects = () => within(grid('Events')).getAllByRole('row').slice(1).map((r) => dataCells(r)[4].textContent);
    expect(objects()).toEqual(['pod/web-2', 'deployment/api', 'pod/web-1']);

    expect(within(grid('Events')).getByText('Warning').className).toContain('tone-warn');
    expect(within(grid('Events')).getAllByText('Normal')[0].className).toContain('tone-neutral');
    expect(cellsOf('web-2.17a3b0c2')[5].getAttribute('title')).toBe('BackOff happened');

    // A new event lands on top.
    emitRows(fake, id, { upserts: [eventRow('db.17a3b0c4', 0, 'Warning', 'FailedMount', 'pod/db-0')] });
    expect(objects()[0]).toBe('pod/db-0');
  });
});
