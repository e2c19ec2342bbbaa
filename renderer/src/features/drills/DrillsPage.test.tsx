import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DrillsOverview, TaskSummary, VeleroOverview } from '../../../../shared/contract';
import { createFakeBridge, ok, type FakeHandler } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { backup, destination, drill, namespaceStatus, prod, schedule, staging, startedTask } from './testKit';

const overview = (more: Partial<DrillsOverview> = {}): DrillsOverview => ({
  namespaces: [
    namespaceStatus(),
    namespaceStatus({
      connectionId: 'k-prod',
      connectionName: 'prod-eu',
      namespace: 'payments',
      lastDrill: drill({ outcome: 'failed', rtoMs: 420_000, sourceNamespace: 'payments', error: 'Deployment api never became ready' }),
      nextDrillDueAt: '2026-11-20T10:00:00Z',
      overdue: true,
    }),
  ],
  destinations: [destination()],
  schedules: [schedule()],
  ...more,
});

function open(handlers: { [M in 'drills.overview' | 'drills.velero' | 'drills.startBackup' | 'tasks.get' | 'drills.backups']?: FakeHandler<M> } = {}) {
  const fake = createFakeBridge({
    'connections.list': () => ok([staging, prod]),
    'drills.overview': () => ok(overview()),
    'drills.backups': () => ok([backup()]),
    'drills.list': () => ok([drill()]),
    ...handlers,
  });
  renderApp(fake, '#/drills');
  return fake;
}

const rowOf = (table: HTMLElement, text: string) => within(table).getAllByRole('row').find((r) => r.textContent?.includes(text))!;

describe('the DR drills page', () => {
  it('lists namespaces against their targets across every cluster, the overdue one first and flagged', async () => {
    const fake = open();
    const table = await screen.findByRole('table', { name: 'Namespaces' });
    expect(fake.method('drills.overview')).toHaveBeenCalledWith({});
    expect(screen.getByRole('tab', { name: 'Namespaces', selected: true })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('1 of 2 namespaces are overdue for a drill.');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual(['paymentsoverdue', 'team-a']);
    expect(rows[0].className).toBe('drills-overdue');
    expect(within(rows[0]).getByText('failed').getAttribute('title')).toBe('Deployment api never became ready');
    expect(within(rows[0]).getByText('none has passed')).toBeTruthy();
    // 7 minutes against a 5-minute target: missed, said in words as well as colour.
    expect(within(rows[0]).getByText(/7m 00s of 5m 00s/).textContent).toBe('7m 00s of 5m 00s (missed)');
    expect(within(rowOf(table, 'team-a')).getByText('1m 35s of 5m 00s')).toBeTruthy();
    expect(within(rowOf(table, 'team-a')).queryByText('overdue')).toBeNull();
  });

  it('asks again for one cluster when it is picked, and again on drills.changed', async () => {
    const user = userEvent.setup();
    const fake = open();
    await screen.findByRole('table', { name: 'Namespaces' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Connection' }), 'staging');
    await waitFor(() => expect(fake.method('drills.overview')).toHaveBeenLastCalledWith({ connectionId: 'k-staging' }));
    const asked = fake.method('drills.overview').mock.calls.length;
    fake.emit('drills.changed', {});
    await waitFor(() => expect(fake.method('drills.overview').mock.calls.length).toBe(asked + 1));
  });

  it('asks for a cluster first, and reads the overview once the first one is added', async () => {
    const fake = createFakeBridge({ 'drills.overview': () => ok(overview({ namespaces: [] })) });
    renderApp(fake, '#/drills');
    expect(await screen.findByRole('heading', { name: 'Add a cluster first' })).toBeTruthy();
    expect(fake.method('drills.overview')).not.toHaveBeenCalled();
    fake.handle('connections.list', () => ok([staging]));
    fake.emit('connections.changed', { ids: ['k-staging'] });
    expect(await screen.findByRole('heading', { name: 'No namespace is backed up or drilled yet' })).toBeTruthy();
  });

  it('says what to do when nothing is backed up yet', async () => {
    open({ 'drills.overview': () => ok(overview({ namespaces: [], schedules: [] })) });
    expect(await screen.findByRole('heading', { name: 'No namespace is backed up or drilled yet' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back up now…' })).toBeTruthy();
  });

  it('backs a namespace up now and follows the task phase by phase, reading the page again when it ends', async () => {
    const user = userEvent.setup();
    let task: TaskSummary = startedTask('drills.backup', ['Discover', 'Read', 'Write', 'Verify']);
    const fake = open({ 'drills.startBackup': () => ok({ taskId: task.id, backupId: 'b-2', task }), 'tasks.get': () => ok(task) });
    const table = await screen.findByRole('table', { name: 'Namespaces' });
    await user.click(within(rowOf(table, 'team-a')).getByRole('button', { name: 'Back up now…' }));
    const dialog = screen.getByRole('dialog', { name: 'Back up now' });
    expect((within(dialog).getByRole('textbox', { name: /Namespaces/ }) as HTMLInputElement).value).toBe('team-a');
    await user.click(within(dialog).getByRole('button', { name: 'Start backup' }));
    expect(fake.method('drills.startBackup')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespaces: ['team-a'], destinationId: 'dest-1' });
    const bar = await within(dialog).findByRole('progressbar');
    expect(bar.getAttribute('aria-valuetext')).toBe('3 / 10 objects');
    const phases = within(within(dialog).getByRole('list', { name: 'Phases' })).getAllByRole('listitem');
    expect(phases.map((p) => p.textContent)).toEqual(['Discoverrunning', 'Readto do', 'Writeto do', 'Verifyto do']);
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeTruthy();

    const asked = fake.method('drills.overview').mock.calls.length;
    task = { ...task, status: 'succeeded', phases: task.phases.map((p) => ({ ...p, state: 'done' })), finishedAt: '2026-12-04T11:00:05Z' };
    fake.emit('tasks.changed', { tasks: [task] });
    expect(await within(dialog).findByText(/succeeded/)).toBeTruthy();
    await waitFor(() => expect(fake.method('drills.overview').mock.calls.length).toBeGreaterThan(asked));
  });

  it('refuses a backup of a namespace name the cluster would refuse, before asking', async () => {
    const user = userEvent.setup();
    const fake = open();
    await screen.findByRole('table', { name: 'Namespaces' });
    await user.click(screen.getByRole('tab', { name: 'Backups' }));
    await user.click(await screen.findByRole('button', { name: 'Back up now…' }));
    const dialog = screen.getByRole('dialog', { name: 'Back up now' });
    await user.type(within(dialog).getByRole('textbox', { name: /Namespaces/ }), 'Team_A');
    await user.click(within(dialog).getByRole('button', { name: 'Start backup' }));
    expect(within(dialog).getByText(/“Team_A” is not a namespace name/)).toBeTruthy();
    expect(fake.method('drills.startBackup')).not.toHaveBeenCalled();
  });

  it('adds, edits and deletes backup schedules', async () => {
    const user = userEvent.setup();
    const fake = open();
    fake.handle('drills.saveSchedule', (p) => ok({ ...schedule(), ...p, id: p.id ?? 's-2' }));
    fake.handle('drills.deleteSchedule', () => ok({}));
    await screen.findByRole('table', { name: 'Namespaces' });
    await user.click(screen.getByRole('tab', { name: 'Schedules' }));
    const table = await screen.findByRole('table', { name: 'Schedules' });
    expect(within(rowOf(table, 'team-a')).getByText('24 hours')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Add schedule…' }));
    let dialog = screen.getByRole('dialog', { name: 'Add backup schedule' });
    await user.type(within(dialog).getByRole('textbox', { name: /Namespaces/ }), 'team-b team-c');
    const every = within(dialog).getByRole('spinbutton', { name: 'Every (hours)' });
    await user.clear(every);
    await user.type(every, '0');
    await user.click(within(dialog).getByRole('button', { name: 'Add schedule' }));
    expect(within(dialog).getByText('At least 1')).toBeTruthy();
    expect(fake.method('drills.saveSchedule')).not.toHaveBeenCalled();
    await user.clear(every);
    await user.type(every, '6');
    await user.click(within(dialog).getByRole('button', { name: 'Add schedule' }));
    expect(fake.method('drills.saveSchedule')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespaces: ['team-b', 'team-c'], destinationId: 'dest-1', everyHours: 6, keep: 7, paused: false });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await user.click(within(rowOf(table, 'team-a')).getByRole('button', { name: 'Edit…' }));
    dialog = screen.getByRole('dialog', { name: 'Edit backup schedule' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Paused' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
    expect(fake.method('drills.saveSchedule')).toHaveBeenLastCalledWith({ id: 's-1', connectionId: 'k-staging', namespaces: ['team-a'], destinationId: 'dest-1', everyHours: 24, keep: 7, paused: true });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await user.click(within(rowOf(table, 'team-a')).getByRole('button', { name: 'Delete…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete backup schedule' })).getByRole('button', { name: 'Delete schedule' }));
    expect(fake.method('drills.deleteSchedule')).toHaveBeenCalledWith({ id: 's-1' });
  });

  it('flags an overdue schedule', async () => {
    const user = userEvent.setup();
    open({ 'drills.overview': () => ok(overview({ schedules: [schedule({ overdue: true, nextDueAt: '2026-12-01T10:00:00Z' })] })) });
    await screen.findByRole('table', { name: 'Namespaces' });
    await user.click(screen.getByRole('tab', { name: 'Schedules' }));
    const table = await screen.findByRole('table', { name: 'Schedules' });
    expect(within(rowOf(table, 'team-a')).getByText('overdue')).toBeTruthy();
  });

  it('says plainly when Velero is not installed, and asks for one cluster first', async () => {
    const user = userEvent.setup();
    const fake = open({ 'drills.velero': () => ok({ installed: false }) });
    await screen.findByRole('table', { name: 'Namespaces' });
    await user.click(screen.getByRole('tab', { name: 'Velero' }));
    expect(screen.getByText(/Velero is read on one cluster/)).toBeTruthy();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Connection' }), 'staging');
    expect(await screen.findByRole('heading', { name: 'Velero is not installed on staging' })).toBeTruthy();
    expect(fake.method('drills.velero')).toHaveBeenCalledWith({ connectionId: 'k-staging' });
  });

  it('drills from a Velero backup, restoring on Velero’s own cluster', async () => {
    const user = userEvent.setup();
    const velero: VeleroOverview = {
      installed: true,
      backups: [{ name: 'nightly-20261204', namespace: 'velero-system', phase: 'Completed', namespaces: ['team-a'], createdAt: '2026-12-04T02:00:00Z', errors: 0, warnings: 1 }],
      schedules: [{ name: 'nightly', namespace: 'velero', phase: 'Enabled', namespaces: ['*'], detail: '0 2 * * *' }],
      restores: [],
    };
    const task = startedTask('drills.drill', ['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report']);
    const fake = open({ 'drills.velero': () => ok(velero), 'tasks.get': () => ok(task) });
    fake.handle('drills.start', () => ok({ taskId: task.id, drillId: 'd-2', task }));
    await screen.findByRole('table', { name: 'Namespaces' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Connection' }), 'staging');
    await user.click(screen.getByRole('tab', { name: 'Velero' }));
    expect(within(await screen.findByRole('table', { name: 'Velero schedules' })).getByText('0 2 * * *')).toBeTruthy();
    expect(screen.getByText('No restores.')).toBeTruthy();
    await user.click(within(screen.getByRole('table', { name: 'Velero backups' })).getByRole('button', { name: 'Drill from this backup…' }));
    const dialog = screen.getByRole('dialog', { name: 'Start a drill' });
    expect((within(dialog).getByRole('radio', { name: 'A Velero backup' }) as HTMLInputElement).checked).toBe(true);
    expect((within(dialog).getByRole('combobox', { name: /Restore on/ }) as HTMLSelectElement).disabled).toBe(true);
    await user.click(within(dialog).getByRole('button', { name: 'Start drill' }));
    expect(fake.method('drills.start')).toHaveBeenCalledWith({
      source: { kind: 'velero', connectionId: 'k-staging', backupName: 'nightly-20261204', veleroNamespace: 'velero-system' },
      namespace: 'team-a',
      targetConnectionId: 'k-staging',
      allowExistingNamespace: false,
      keep: false,
    });
    const running = await screen.findByRole('dialog', { name: 'Drill' });
    expect(within(within(running).getByRole('list', { name: 'Phases' })).getAllByRole('listitem').map((li) => li.firstChild?.textContent)).toEqual(['Check', 'Restore', 'Wait ready', 'Verify', 'Clean up', 'Report']);
  });

  it('lists a thousand backups a page at a time and says when older ones are left out', async () => {
    const user = userEvent.setup();
    const many = Array.from({ length: 1000 }, (_, i) => backup({ id: `b-${i}`, name: `pilothouse-team-a-${i}`, takenAt: new Date(Date.parse('2026-12-04T10:00:00Z') - i * 3_600_000).toISOString() }));
    const fake = open({ 'drills.backups': () => ok(many) });
    await user.click(await screen.findByRole('tab', { name: 'Backups' }));
    const table = await screen.findByRole('table', { name: 'Backups' });
    expect(fake.method('drills.backups')).toHaveBeenLastCalledWith(expect.objectContaining({ limit: 1000 }));
    expect(screen.getByText(/newest 1,000 backups/)).toBeTruthy();
    expect(within(table).getAllByRole('row')).toHaveLength(101);
    await user.click(screen.getByRole('button', { name: /Show 100 more/ }));
    expect(within(table).getAllByRole('row')).toHaveLength(201);
  });

  it('reads again at most once a second while a drill announces its every step', async () => {
    const fake = open();
    await screen.findByRole('table', { name: 'Namespaces' });
    await waitFor(() => expect(fake.method('drills.overview')).toHaveBeenCalled());
    const asked = fake.method('drills.overview').mock.calls.length;
    // A drill restoring announces drills.changed up to five times a second.
    for (let i = 0; i < 5; i++) {
      fake.emit('drills.changed', {});
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const reads = fake.method('drills.overview').mock.calls.length - asked;
    // The first at once, then the last one after its second: nothing announced is missed.
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(2);
  });
});
