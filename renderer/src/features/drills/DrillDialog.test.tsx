import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../api/client';
import { createFakeBridge, ok } from '../../test/fakeBridge';
import { resetStores } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { DrillDialog, type DrillDialogInitial } from './DrillDialog';
import { backup, drillDetail, prod, staging, startedTask } from './testKit';

const PHASES = ['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report'];

function open(initial: DrillDialogInitial, drillGet = () => ok(drillDetail({ id: 'd-2', outcome: 'running', finishedAt: undefined }))) {
  const task = startedTask('drills.drill', PHASES);
  const fake = createFakeBridge({
    'drills.get': drillGet,
    'drills.backups': () => ok([backup(), backup({ id: 'b-prod', connectionId: 'k-prod', connectionName: 'prod-eu', namespaces: ['payments', 'ledger'] })]),
    'drills.start': () => ok({ taskId: task.id, drillId: 'd-2', task }),
    'tasks.get': () => ok(task),
    'tasks.cancel': () => ok({ ...task, status: 'cancelling' }),
  });
  setBridge(fake.bridge);
  act(() => useConnections.setState({ connections: [staging, prod], status: 'ready' }));
  const onChanged = vi.fn();
  render(<DrillDialog initial={initial} clusters={[staging, prod]} onClose={() => {}} onChanged={onChanged} />);
  return { fake, task, onChanged };
}

beforeEach(() => {
  localStorage.clear();
  resetStores();
});

describe('the drill dialog', () => {
  it('restores into a namespace that exists only when allowed, kept, with a ready timeout, and follows the drill by the phases its task names', async () => {
    const user = userEvent.setup();
    const { fake, task, onChanged } = open({ connectionId: 'k-staging', namespace: 'team-a' });
    const dialog = screen.getByRole('dialog', { name: 'Start a drill' });
    // The namespace's newest backup is chosen, and the default target namespace is shown.
    await waitFor(() => expect((within(dialog).getByRole('combobox', { name: 'Backup' }) as HTMLSelectElement).value).toBe('b-1'));
    // Its backups are asked for, not the newest of every namespace, among which its own may not be.
    expect(fake.method('drills.backups')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'team-a', limit: 1000 });
    expect(within(dialog).getByRole('textbox', { name: /Restore into namespace/ }).getAttribute('placeholder')).toBe('drill-team-a-<time>');
    expect(within(dialog).getByRole('checkbox', { name: 'Allow a namespace that exists' }).getAttribute('aria-describedby')).toBeTruthy();
    expect(within(dialog).getByText(/never mixes with or overwrites objects it did not create/)).toBeTruthy();
    // Staging is not production: nothing to type.
    expect(within(dialog).queryByText(/to confirm/)).toBeNull();

    await user.type(within(dialog).getByRole('textbox', { name: /Restore into namespace/ }), 'drills-scratch');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Allow a namespace that exists' }));
    await user.click(within(dialog).getByRole('checkbox', { name: /Keep the restored namespace/ }));
    await user.type(within(dialog).getByRole('spinbutton', { name: 'Wait for ready at most amount' }), '15');
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    expect(fake.method('drills.start')).toHaveBeenCalledWith({
      source: { kind: 'archive', backupId: 'b-1' },
      namespace: 'team-a',
      targetConnectionId: 'k-staging',
      targetNamespace: 'drills-scratch',
      allowExistingNamespace: true,
      keep: true,
      readyTimeoutSeconds: 900,
    });

    const running = await screen.findByRole('dialog', { name: 'Drill' });
    const phases = within(within(running).getByRole('list', { name: 'Phases' })).getAllByRole('listitem');
    expect(phases.map((p) => p.firstChild?.textContent)).toEqual(PHASES);
    expect(phases[0].getAttribute('aria-current')).toBe('step');
    expect(within(running).getByRole('progressbar')).toBeTruthy();
    await user.click(within(running).getByRole('button', { name: 'Cancel' }));
    expect(fake.method('tasks.cancel')).toHaveBeenCalledWith({ id: task.id });

    expect(onChanged).not.toHaveBeenCalled();
    fake.emit('tasks.changed', { tasks: [{ ...task, status: 'failed', error: { code: 'TIMEOUT', message: 'Deployment web never became ready' }, finishedAt: '2026-12-04T11:10:00Z' }] });
    expect(await within(running).findByText('Deployment web never became ready')).toBeTruthy();
    expect(onChanged).toHaveBeenCalledOnce();
  });

  it('needs the production target’s name typed before it starts, and sends it', async () => {
    const user = userEvent.setup();
    const { fake } = open({ source: { kind: 'archive', backupId: 'b-1' }, connectionId: 'k-staging', namespace: 'team-a' });
    const dialog = screen.getByRole('dialog', { name: 'Start a drill' });
    await waitFor(() => expect((within(dialog).getByRole('combobox', { name: 'Backup' }) as HTMLSelectElement).value).toBe('b-1'));
    // Restoring staging's backup on another cluster, which is production.
    await user.selectOptions(within(dialog).getByRole('combobox', { name: /Restore on/ }), 'prod-eu');
    const start = within(dialog).getByRole('button', { name: 'Start drill' }) as HTMLButtonElement;
    expect(within(dialog).getByText(/prod-eu is a production cluster/)).toBeTruthy();
    expect(start.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: /to confirm/ }), 'prod-e');
    expect(start.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: /to confirm/ }), 'u');
    expect(start.disabled).toBe(false);
    await user.click(start);
    expect(fake.method('drills.start')).toHaveBeenCalledWith(expect.objectContaining({ targetConnectionId: 'k-prod', confirmName: 'prod-eu' }));
  });

  it('asks which namespace of a backup holding several, and refuses a bad target namespace before sending', async () => {
    const user = userEvent.setup();
    const { fake } = open({ source: { kind: 'archive', backupId: 'b-prod' }, connectionId: 'k-prod' });
    const dialog = screen.getByRole('dialog', { name: 'Start a drill' });
    const which = await within(dialog).findByRole('combobox', { name: 'Namespace to restore' });
    expect([...(which as HTMLSelectElement).options].map((o) => o.text)).toEqual(['Choose…', 'payments', 'ledger']);
    await user.type(within(dialog).getByRole('textbox', { name: /to confirm/ }), 'prod-eu');
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    expect(within(dialog).getByText('A namespace is lower-case letters, digits and "-"')).toBeTruthy();
    await user.selectOptions(which, 'ledger');
    await user.type(within(dialog).getByRole('textbox', { name: /Restore into namespace/ }), 'Drill_Ledger');
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    expect(within(within(dialog).getByRole('textbox', { name: /Restore into namespace/ }).closest('.field') as HTMLElement).getByText('A namespace is lower-case letters, digits and "-"')).toBeTruthy();
    expect(fake.method('drills.start')).not.toHaveBeenCalled();
    await user.clear(within(dialog).getByRole('textbox', { name: /Restore into namespace/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    expect(fake.method('drills.start')).toHaveBeenCalledWith(expect.objectContaining({ source: { kind: 'archive', backupId: 'b-prod' }, namespace: 'ledger', targetConnectionId: 'k-prod' }));
  });

  it('says how the drill itself went once its task ends, never "succeeded" for a drill that failed its checks or targets', async () => {
    const user = userEvent.setup();
    const failed = drillDetail({ id: 'd-2', outcome: 'failed', error: 'RTO 7m 30s is over its target of 5m; check GET web:80/healthz failed', rtoMs: 450_000, checksPassed: 3, checksFailed: 1, leftovers: 2, kept: true });
    const { fake, task } = open({ source: { kind: 'archive', backupId: 'b-1' }, connectionId: 'k-staging', namespace: 'team-a' }, () => ok(failed));
    const dialog = screen.getByRole('dialog', { name: 'Start a drill' });
    await waitFor(() => expect((within(dialog).getByRole('combobox', { name: 'Backup' }) as HTMLSelectElement).value).toBe('b-1'));
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    const running = await screen.findByRole('dialog', { name: 'Drill' });
    // The drill ran to its end, so its task succeeded; the drill did not pass.
    const ended = { ...task, status: 'succeeded' as const, phases: task.phases.map((p) => ({ ...p, state: 'done' as const })), finishedAt: '2026-12-04T11:08:00Z', result: { outcome: 'failed', checksPassed: 3, checksFailed: 1, leftovers: 2 } };
    fake.emit('tasks.changed', { tasks: [ended] });
    const status = await within(running).findByText(/The drill failed/);
    expect(status.closest('[role="status"]')).toBeTruthy();
    expect(within(running).queryByText(/succeeded/i)).toBeNull();
    expect(within(running).getByText(failed.error!)).toBeTruthy();
    expect(within(running).getByText(/7m 30s of 5m/)).toBeTruthy();
    expect(within(running).getByText(/1 failed/)).toBeTruthy();
    expect(within(running).getByText(/2 objects .*left/)).toBeTruthy();
    expect(fake.method('drills.get')).toHaveBeenCalledWith({ id: 'd-2' });
  });

  it('says a drill passed only when its record says so', async () => {
    const user = userEvent.setup();
    const passed = drillDetail({ id: 'd-2', outcome: 'passed' });
    const { fake, task } = open({ source: { kind: 'archive', backupId: 'b-1' }, connectionId: 'k-staging', namespace: 'team-a' }, () => ok(passed));
    const dialog = screen.getByRole('dialog', { name: 'Start a drill' });
    await waitFor(() => expect((within(dialog).getByRole('combobox', { name: 'Backup' }) as HTMLSelectElement).value).toBe('b-1'));
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    const running = await screen.findByRole('dialog', { name: 'Drill' });
    fake.emit('tasks.changed', { tasks: [{ ...task, status: 'succeeded', finishedAt: '2026-12-04T11:08:00Z', result: { outcome: 'passed' } }] });
    expect(await within(running).findByText(/The drill passed/)).toBeTruthy();
    expect(within(running).getByText(/1m 35s of 5m/)).toBeTruthy();
  });

  it('gives focus back to the button that opened it once the drill it started is closed', async () => {
    const user = userEvent.setup();
    const task = startedTask('drills.drill', PHASES);
    setBridge(
      createFakeBridge({
        'drills.backups': () => ok([backup()]),
        'drills.start': () => ok({ taskId: task.id, drillId: 'd-2', task }),
        'tasks.get': () => ok(task),
      }).bridge,
    );
    act(() => useConnections.setState({ connections: [staging, prod], status: 'ready' }));
    function Opener() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>
            Drill now…
          </button>
          {open && <DrillDialog initial={{ connectionId: 'k-staging', namespace: 'team-a' }} clusters={[staging, prod]} onClose={() => setOpen(false)} onChanged={() => {}} />}
        </>
      );
    }
    render(<Opener />);
    const opener = screen.getByRole('button', { name: 'Drill now…' });
    await user.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Start a drill' });
    await waitFor(() => expect((within(dialog).getByRole('combobox', { name: 'Backup' }) as HTMLSelectElement).value).toBe('b-1'));
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    const running = await screen.findByRole('dialog', { name: 'Drill' });
    await user.click(within(running).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
