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
