import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Column, ObjectAction, ParamsIn, Permission, Row } from '../../../../shared/contract';
import { fail, ok, type FakeBridge, type FakeHandler } from '../../test/fakeBridge';
import { dataCells, emitRows, grid, podRow, renderInspector, rowNames, watchId } from './testKit';

/** Every action asked about is allowed but those `denied`. */
const permissions =
  (denied: Partial<Record<ObjectAction, string>> = {}): FakeHandler<'kube.permissions'> =>
  (p) =>
    ok(Object.fromEntries(p.actions.map((a): [string, Permission] => [a, denied[a] ? { allowed: false, reason: denied[a] } : { allowed: true }])));

const selectedNames = (label = 'Pods') =>
  within(grid(label))
    .getAllByRole('row')
    .filter((r) => r.getAttribute('aria-selected') === 'true')
    .map((r) => dataCells(r)[0].textContent);
const bar = () => screen.queryByRole('toolbar', { name: 'Selection' });
/** The bar's buttons once permissions are checked. */
const barButtons = () => {
  expect(within(bar()!).queryByText('Checking permissions…')).toBeNull();
  return within(bar()!)
    .getAllByRole('button')
    .map((b) => b.textContent);
};
const rowOf = (name: string, label = 'Pods') => within(grid(label)).getByText(name);
const deleted = (fake: FakeBridge) => fake.method('kube.delete').mock.calls.map(([p]) => (p as ParamsIn<'kube.delete'>).name);

/** The inspector on Pods with `names` listed and the actions allowed; focus on the rows. */
async function podsTable(names: string[], denied: Partial<Record<ObjectAction, string>> = {}) {
  const user = userEvent.setup();
  const view = renderInspector();
  view.fake.handle('kube.permissions', permissions(denied));
  view.fake.handle('kube.delete', () => ok({}));
  const id = await watchId(view.fake);
  emitRows(view.fake, id, { reset: true, upserts: names.map((n) => podRow(n)) });
  grid('Pods').focus();
  return { user, id, ...view };
}

describe('choosing rows', () => {
  it('chooses three pods with Space and Shift-click and deletes them in one confirmation, one call each, each only if still the object listed', async () => {
    const { user, fake, id } = await podsTable(['a', 'b', 'c', 'd']);
    await user.keyboard('j ');
    expect(selectedNames()).toEqual(['a']);
    expect(bar()?.textContent).toContain('1 pod selected');
    // Space toggles: the choice goes, and with it the bar.
    await user.keyboard(' ');
    expect(bar()).toBeNull();
    await user.keyboard(' ');
    await user.keyboard('{Shift>}');
    await user.click(rowOf('c'));
    await user.keyboard('{/Shift}');
    expect(selectedNames()).toEqual(['a', 'b', 'c']);
    expect(grid('Pods').getAttribute('aria-multiselectable')).toBe('true');
    expect(bar()?.textContent).toContain('3 pods selected');
    await waitFor(() => expect(barButtons()).toEqual(['Delete', 'Clear']));

    await user.click(within(bar()!).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete 3 pods' });
    const list = within(dialog).getByRole('list', { name: 'pods to delete' });
    expect(within(list).getAllByRole('listitem').map((li) => li.firstChild?.textContent)).toEqual(['default/a', 'default/b', 'default/c']);
    // prod-eu is production: the number of objects is typed first.
    const go = within(dialog).getByRole('button', { name: 'Delete 3 pods' }) as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: 'Type 3 to confirm' }), '3');
    await user.click(go);

    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('3 deleted.'));
    expect(deleted(fake)).toEqual(['a', 'b', 'c']);
    expect(fake.method('kube.delete').mock.calls[0][0]).toEqual({ connectionId: 'k-prod', resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'default', name: 'a', ifUid: 'uid-default-a' });
    expect(within(list).getAllByText('✓ Deleted')).toHaveLength(3);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(document.activeElement).toBe(grid('Pods'));

    // The deleted objects leave the table, and the choice with them.
    emitRows(fake, id, { deletes: ['uid-default-a', 'uid-default-b', 'uid-default-c'] });
    expect(rowNames('Pods')).toEqual(['d']);
    expect(bar()).toBeNull();
  });

  it('runs four calls at a time, goes on past a failure and lists it with its reason', async () => {
    const names = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const { user, fake } = await podsTable(names);
    const waiting: (() => void)[] = [];
    fake.handle(
      'kube.delete',
      (p) =>
        new Promise((resolve) =>
          waiting.push(() => resolve(p.name === 'p2' ? fail('CONFLICT', 'pod p2 is being replaced') : ok({}))),
        ),
    );
    await user.keyboard('{Control>}a{/Control}');
    expect(selectedNames()).toEqual(names);
    await waitFor(() => expect(barButtons()).toEqual(['Delete', 'Clear']));
    await user.click(within(bar()!).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete 6 pods' });
    await user.type(within(dialog).getByRole('textbox'), '6');
    await user.click(within(dialog).getByRole('button', { name: 'Delete 6 pods' }));

    await waitFor(() => expect(deleted(fake)).toHaveLength(4));
    expect(within(dialog).getByRole('status').textContent).toContain('Deleting 1 of 6…');
    while (waiting.length) {
      waiting.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    await waitFor(() => expect(deleted(fake)).toHaveLength(6));
    while (waiting.length) {
      waiting.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('5 deleted, 1 failed.'));
    const item = (name: string) => within(dialog).getByText(`default/${name}`).parentElement!;
    expect(item('p2').textContent).toContain('Failed: pod p2 is being replaced');
    for (const name of names.filter((n) => n !== 'p2')) expect(item(name).textContent).toContain('✓ Deleted');
  });

  it('selects all rows the filter shows and none it hides, by Ctrl+A and by the header check box; Esc lets go', async () => {
    const { user } = await podsTable(['api', 'web-1', 'web-2']);
    await user.keyboard('/web');
    await waitFor(() => expect(rowNames('Pods')).toEqual(['web-1', 'web-2']));
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(grid('Pods'));
    await user.keyboard('{Control>}a{/Control}');
    expect(selectedNames()).toEqual(['web-1', 'web-2']);
    expect(bar()?.textContent).toContain('2 pods selected');
    await user.keyboard('{Escape}');
    expect(bar()).toBeNull();

    const all = screen.getByRole('checkbox', { name: 'Select all shown' }) as HTMLInputElement;
    await user.click(all);
    expect(all.checked).toBe(true);
    expect(bar()?.textContent).toContain('2 pods selected');
    await user.clear(screen.getByRole('textbox', { name: 'Filter' }));
    await waitFor(() => expect(rowNames('Pods')).toEqual(['api', 'web-1', 'web-2']));
    expect(selectedNames()).toEqual(['web-1', 'web-2']);
    expect(all.checked).toBe(false);
    expect(all.indeterminate).toBe(true);
    await user.click(within(bar()!).getByRole('button', { name: 'Clear' }));
    expect(bar()).toBeNull();
  });

  it('keeps the choice by uid through updates, and lets go of it in another namespace', async () => {
    const { user, fake, id } = await podsTable(['a', 'b', 'c']);
    await user.click(rowOf('a'));
    await user.keyboard('{Control>}');
    await user.click(rowOf('c'));
    await user.keyboard('{/Control}');
    // Ctrl-click keeps the row that looked selected, as a file manager does.
    expect(selectedNames()).toEqual(['a', 'c']);
    emitRows(fake, id, { upserts: [podRow('a0'), podRow('c', { status: 'Failed' })] });
    expect(selectedNames()).toEqual(['a', 'c']);
    emitRows(fake, id, { reset: true, upserts: [podRow('a'), podRow('b'), podRow('c')] });
    expect(selectedNames()).toEqual(['a', 'c']);
    emitRows(fake, id, { deletes: ['uid-default-c'] });
    expect(selectedNames()).toEqual(['a']);
    expect(bar()?.textContent).toContain('1 pod selected');

    emitRows(fake, id, { upserts: [podRow('x', { namespace: 'shop' })] });
    await user.click(screen.getByRole('button', { name: /Namespaces: all/ }));
    await user.click(within(screen.getByRole('group', { name: 'Namespaces' })).getByRole('checkbox', { name: /default/ }));
    await waitFor(() => expect(bar()).toBeNull());
  });

  it('gives the action keys to the chosen rows, not to the row the detail pane shows', async () => {
    const { user } = await podsTable(['a', 'b', 'c']);
    await user.click(rowOf('a'));
    expect(screen.getByRole('complementary', { name: 'pod details' })).toBeTruthy();
    await user.keyboard('{Control>}a{/Control}');
    await waitFor(() => expect(barButtons()).toEqual(['Delete', 'Clear']));
    await user.keyboard('{Control>}d{/Control}');
    expect(screen.getByRole('dialog', { name: 'Delete 3 pods' })).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: 'Delete pod a' })).toBeNull();
  });

  it('keeps a bulk action’s key from the detail pane’s row while rows are chosen and the action is not offered, saying why', async () => {
    const { user, fake } = await podsTable(['a', 'b']);
    // Each pod may be deleted on its own, but not every pod of the namespace: the bulk Delete is not offered.
    fake.handle('kube.permissions', (p) => ok(Object.fromEntries(p.actions.map((a): [string, Permission] => [a, p.name || a !== 'delete' ? { allowed: true } : { allowed: false, reason: 'prod-eu may not delete pods in default.' }]))));
    await user.click(rowOf('a'));
    const pane = screen.getByRole('complementary', { name: 'pod details' });
    await waitFor(() => expect(within(pane).getByRole('button', { name: /^Delete/ }).getAttribute('aria-disabled')).toBeNull());
    grid('Pods').focus();
    await user.keyboard('{Control>}a{/Control}');
    await waitFor(() => expect(barButtons()).toEqual(['Clear']));
    await user.keyboard('{Control>}d{/Control}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(within(bar()!).getByRole('status').textContent).toBe('Delete: prod-eu may not delete pods in default.');
  });

  it('offers only the bulk actions of the kind that the user may take', async () => {
    const user = userEvent.setup();
    const columns: Column[] = [{ id: 'status', title: 'Status', kind: 'status' }];
    const { fake } = renderInspector({ 'kube.watch': () => ok({ watchId: 'w-deployments', columns, namespaced: true }) }, 'apps/deployments');
    fake.handle('kube.permissions', permissions({ delete: 'prod-eu may not delete deployments in shop.' }));
    fake.handle('kube.restart', () => ok({ restartedAt: new Date().toISOString() }));
    const id = await watchId(fake);
    const deployment = (name: string): Row => ({ uid: `uid-${name}`, name, namespace: 'shop', cells: ['Available'] });
    emitRows(fake, id, { reset: true, upserts: [deployment('api'), deployment('web')] });
    grid('Deployments').focus();
    await user.keyboard('{Control>}a{/Control}');
    await waitFor(() => expect(barButtons()).toEqual(['Restart', 'Clear']));
    expect(fake.method('kube.permissions').mock.calls.at(-1)?.[0]).toEqual({
      connectionId: 'k-prod',
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      namespace: 'shop',
      actions: ['restart', 'delete'],
    });

    // Restart needs no typing, even in production: it replaces pods, it does not destroy.
    await user.click(within(bar()!).getByRole('button', { name: 'Restart' }));
    const dialog = screen.getByRole('dialog', { name: 'Restart 2 deployments' });
    expect(dialog.textContent).toContain('The pods of each are replaced gradually');
    await user.click(within(dialog).getByRole('button', { name: 'Restart 2 deployments' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('2 restarted.'));
    expect(fake.method('kube.restart').mock.calls.map(([p]) => (p as ParamsIn<'kube.restart'>).name)).toEqual(['api', 'web']);
  });

  it('cordons the schedulable nodes and uncordons the cordoned ones', async () => {
    const user = userEvent.setup();
    const columns: Column[] = [{ id: 'status', title: 'Status', kind: 'status' }];
    const { fake } = renderInspector({ 'kube.watch': () => ok({ watchId: 'w-nodes', columns, namespaced: false }) }, '/nodes');
    fake.handle('kube.permissions', permissions());
    fake.handle('kube.cordon', () => ok({}));
    const id = await watchId(fake);
    const node = (name: string, status: string): Row => ({ uid: `uid-${name}`, name, cells: [status] });
    emitRows(fake, id, { reset: true, upserts: [node('n1', 'Ready'), node('n2', 'Ready,SchedulingDisabled'), node('n3', 'Ready')] });
    grid('Nodes').focus();
    await user.keyboard('{Control>}a{/Control}');
    await waitFor(() => expect(barButtons()).toEqual(['Cordon 2', 'Uncordon 1', 'Delete', 'Clear']));
    await user.click(within(bar()!).getByRole('button', { name: 'Cordon 2' }));
    const dialog = screen.getByRole('dialog', { name: 'Cordon 2 nodes' });
    await user.click(within(dialog).getByRole('button', { name: 'Cordon 2 nodes' }));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('2 cordoned.'));
    expect(fake.method('kube.cordon').mock.calls.map(([p]) => p)).toEqual([
      { connectionId: 'k-prod', resource: { group: '', version: 'v1', resource: 'nodes' }, name: 'n1', unschedulable: true },
      { connectionId: 'k-prod', resource: { group: '', version: 'v1', resource: 'nodes' }, name: 'n3', unschedulable: true },
    ]);
  });
});

describe('row context menu', () => {
  it('opens on right-click with the detail pane’s actions, moves with arrows and runs one with Enter', async () => {
    const { user, fake } = await podsTable(['a', 'b']);
    await user.pointer({ keys: '[MouseRight]', target: rowOf('b') });
    const menu = screen.getByRole('menu', { name: 'Actions on pod b' });
    await waitFor(() => expect(within(menu).getAllByRole('menuitem').map((m) => m.firstChild?.textContent)).toEqual(['Port-forward', 'Shell', 'Delete']));
    expect(selectedNames()).toEqual(['b']);
    expect(document.activeElement).toBe(menu);
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(screen.queryByRole('menu')).toBeNull();

    const dialog = screen.getByRole('dialog', { name: 'Delete pod b' });
    await user.type(within(dialog).getByRole('textbox'), 'b');
    await user.click(within(dialog).getByRole('button', { name: 'Delete pod' }));
    await waitFor(() => expect(deleted(fake)).toEqual(['b']));
  });

  it('opens on the focused row with Shift+F10 and the Menu key, acts on the chosen rows, and closes with Esc or a click elsewhere', async () => {
    const { user, fake } = await podsTable(['a', 'b', 'c']);
    await user.keyboard('{Shift>}{F10}{/Shift}');
    expect(screen.queryByRole('menu')).toBeNull();
    await user.keyboard('j{Shift>}{F10}{/Shift}');
    expect(screen.getByRole('menu', { name: 'Actions on pod a' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(grid('Pods'));

    await user.keyboard('{ContextMenu}');
    expect(screen.getByRole('menu', { name: 'Actions on pod a' })).toBeTruthy();
    // The contextmenu event the key also sends the grid opens no browser menu over ours.
    expect(fireEvent.contextMenu(grid('Pods'))).toBe(false);
    await user.click(screen.getByRole('textbox', { name: 'Filter' }));
    expect(screen.queryByRole('menu')).toBeNull();

    grid('Pods').focus();
    await user.keyboard(' j ');
    expect(selectedNames()).toEqual(['a', 'b']);
    await user.keyboard('{Shift>}{F10}{/Shift}');
    const menu = screen.getByRole('menu', { name: 'Actions on 2 pods' });
    await waitFor(() => expect(within(menu).getByRole('menuitem', { name: 'Delete 2 pods' }).getAttribute('aria-disabled')).toBeNull());
    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Delete 2 pods' });
    await user.type(within(dialog).getByRole('textbox'), '2');
    await user.click(within(dialog).getByRole('button', { name: 'Delete 2 pods' }));
    await waitFor(() => expect(deleted(fake)).toEqual(['a', 'b']));
  });
});
