import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { auditEntry, createFakeBridge, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

const bodyRows = async () => within((await screen.findByRole('table', { name: 'Audit log' })).querySelector('tbody')!).getAllByRole('row');

describe('audit page', () => {
  it('shows entries, prepends live ones and updates a row when its status changes', async () => {
    const fake = createFakeBridge({
      'audit.list': () => ok({ entries: [auditEntry(2, { error: 'boom', status: 'failed' }), auditEntry(1, { before: 'old', after: 'new', connectionName: 'prod-eu' })], hasMore: false }),
    });
    renderApp(fake, '#/audit');
    const rows = await bodyRows();
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('failed').className).toContain('status-failed');
    expect(rows[0].textContent).toContain('boom');
    expect(rows[1].textContent).toContain('old → new');
    expect(rows[1].textContent).toContain('prod-eu');

    fake.emit('audit.appended', auditEntry(3, { status: 'pending', action: 'connections.delete' }));
    await waitFor(async () => expect((await bodyRows())[0].textContent).toContain('pending'));
    fake.emit('audit.appended', auditEntry(3, { status: 'succeeded', action: 'connections.delete' }));
    await waitFor(async () => expect((await bodyRows())[0].textContent).toContain('succeeded'));
    expect(await bodyRows()).toHaveLength(3);
  });

  it('undoes an entry after asking what the undo does; the list shows what undid what', async () => {
    const user = userEvent.setup();
    const scaled = auditEntry(7, { action: 'kube.scale', target: 'prod/a/deployments/web', connectionName: 'prod', before: 'replicas: 3', after: 'replicas: 5', undo: { label: 'Scale back to 3 replicas' } });
    const fake = createFakeBridge({
      'audit.list': () => ok({ entries: [scaled, auditEntry(6, { action: 'kube.delete' })], hasMore: false }),
      'audit.undo': () => ok(auditEntry(8, { action: 'kube.scale', before: 'replicas: 5', after: 'replicas: 3', undoOf: 7 })),
    });
    renderApp(fake, '#/audit');
    const rows = await bodyRows();
    // A delete cannot be undone: no button.
    expect(within(rows[1]).queryByRole('button', { name: /^Undo/ })).toBeNull();
    await user.click(within(rows[0]).getByRole('button', { name: 'Undo #7: Scale back to 3 replicas' }));
    const dialog = screen.getByRole('dialog', { name: 'Undo #7' });
    expect(dialog.textContent).toContain('prod/a/deployments/web');
    expect(fake.method('audit.undo')).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Scale back to 3 replicas' }));
    expect(fake.method('audit.undo')).toHaveBeenCalledWith({ id: 7 });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText('Undid #7: scale back to 3 replicas')).toBeTruthy();

    // The answer is shown at once, before the services' events: Undo is not offered a moment longer.
    const [undoing, undone] = await bodyRows();
    expect(undoing.textContent).toContain('undoes #7');
    expect(undone.textContent).toContain('undone by #8');
    expect(within(undone).queryByRole('button', { name: /^Undo/ })).toBeNull();
    // Focus was lost with the dialog and its Undo button; the reference that replaced the button holds it now.
    expect(document.activeElement).toBe(within(undone).getByRole('button', { name: 'Show entry #8' }));

    // The services' events then say the same.
    fake.emit('audit.appended', auditEntry(8, { action: 'kube.scale', undoOf: 7, status: 'pending' }));
    fake.emit('audit.appended', auditEntry(8, { action: 'kube.scale', undoOf: 7 }));
    fake.emit('audit.appended', { ...scaled, undo: undefined, undoneBy: 8 });
    await waitFor(async () => expect((await bodyRows()).map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['#8', '#7', '#6']));
    expect(within((await bodyRows())[1]).queryByRole('button', { name: /^Undo/ })).toBeNull();
  });

  it('shows each entry\'s id, offers no Undo on an entry already undone, and follows "undoes #7" to its row', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'audit.list': () =>
        ok({
          entries: [
            auditEntry(9, { action: 'connections.importKubeconfig' }),
            auditEntry(8, { action: 'kube.scale', undoOf: 7, undo: { label: 'Scale back to 5 replicas' } }),
            // A stale copy that still carries its undo step must not offer it either.
            auditEntry(7, { action: 'kube.scale', undoneBy: 8, undo: { label: 'Scale back to 3 replicas' } }),
          ],
          hasMore: false,
        }),
    });
    renderApp(fake, '#/audit');
    const rows = await bodyRows();
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['#9', '#8', '#7']);
    // The action may wrap after its dots only.
    expect(within(rows[0]).getByText((_, el) => el?.tagName === 'TD' && el.textContent === 'connections.importKubeconfig').querySelectorAll('wbr')).toHaveLength(1);
    expect(rows[2].textContent).toContain('undone by #8');
    expect(within(rows[2]).queryByRole('button', { name: /^Undo/ })).toBeNull();
    expect(within(rows[1]).getByRole('button', { name: 'Undo #8: Scale back to 5 replicas' })).toBeTruthy();

    await user.click(within(rows[1]).getByRole('button', { name: 'Show entry #7' }));
    expect(document.activeElement).toBe(within(rows[2]).getByRole('rowheader'));
    expect(rows[2].className).toContain('shown');
    // Listed already: no new query.
    expect(fake.method('audit.list')).toHaveBeenCalledTimes(1);
  });

  it('follows a reference to an entry not listed by filtering the log to it and its undo', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'audit.list': ({ text }) =>
        ok(
          text === '#4'
            ? { entries: [auditEntry(120, { undoOf: 4 }), auditEntry(4, { undoneBy: 120 })], hasMore: false }
            : { entries: [auditEntry(120, { undoOf: 4 })], hasMore: true },
        ),
    });
    renderApp(fake, '#/audit');
    await user.click(within((await bodyRows())[0]).getByRole('button', { name: 'Show entry #4' }));
    expect(fake.method('audit.list')).toHaveBeenLastCalledWith({ limit: 100, text: '#4' });
    expect((screen.getByRole('searchbox', { name: 'Filter audit log' }) as HTMLInputElement).value).toBe('#4');
    await waitFor(async () => expect(await bodyRows()).toHaveLength(2));
    const target = (await bodyRows())[1];
    await waitFor(() => expect(document.activeElement).toBe(within(target).getByRole('rowheader', { name: '#4' })));
    expect(target.className).toContain('shown');
  });

  it('loads older pages with beforeId', async () => {
    const fake = createFakeBridge({
      'audit.list': ({ beforeId }) =>
        ok(beforeId ? { entries: [auditEntry(1)], hasMore: false } : { entries: [auditEntry(3), auditEntry(2)], hasMore: true }),
    });
    const user = userEvent.setup();
    renderApp(fake, '#/audit');
    await bodyRows();
    await user.click(screen.getByRole('button', { name: 'Load older' }));
    expect(fake.method('audit.list')).toHaveBeenLastCalledWith({ limit: 100, beforeId: 2 });
    await waitFor(async () => expect(await bodyRows()).toHaveLength(3));
    expect(screen.queryByRole('button', { name: 'Load older' })).toBeNull();
  });

  it('sends the filter text once typing pauses', async () => {
    const fake = createFakeBridge();
    const user = userEvent.setup();
    renderApp(fake, '#/audit');
    await screen.findByText(/No audited actions yet/);
    await user.type(screen.getByRole('searchbox', { name: 'Filter audit log' }), 'rename');
    await waitFor(() => expect(fake.method('audit.list')).toHaveBeenLastCalledWith({ limit: 100, text: 'rename' }));
    // One query for the page and one for the settled filter, not one per keystroke.
    expect(fake.method('audit.list')).toHaveBeenCalledTimes(2);
    expect(await screen.findByText('No audit entries match “rename”.')).toBeTruthy();
  });

  it('reloads after missed events', async () => {
    const fake = createFakeBridge();
    renderApp(fake, '#/audit');
    await screen.findByText(/No audited actions yet/);
    fake.handle('audit.list', () => ok({ entries: [auditEntry(7)], hasMore: false }));
    fake.resync();
    expect(await bodyRows()).toHaveLength(1);
  });
});
