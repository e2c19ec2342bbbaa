import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskSummary } from '../../../../shared/contract';
import { setBridge } from '../../api/client';
import { Toasts } from '../../shell/Toasts';
import { useToasts } from '../../shell/toastStore';
import { createFakeBridge, fail, ok } from '../../test/fakeBridge';
import { TasksButton } from './TasksButton';
import { resetTasks } from './tasksStore';

const NOW = Date.parse('2025-01-01T10:01:05Z');

function task(id: string, overrides: Partial<TaskSummary> = {}): TaskSummary {
  return {
    id,
    kind: 'connections.import',
    title: `Import contexts ${id}`,
    target: 'prod.yaml',
    actor: 'me@laptop',
    status: 'running',
    phases: [
      { name: 'parse', state: 'done', startedAt: '2025-01-01T10:00:00Z', finishedAt: '2025-01-01T10:00:02Z' },
      { name: 'seal', state: 'running', startedAt: '2025-01-01T10:00:02Z' },
      { name: 'save', state: 'pending' },
    ],
    phase: 'seal',
    progress: { done: 250, total: 1000, unit: 'contexts' },
    cancellable: true,
    startedAt: '2025-01-01T10:00:00Z',
    message: 'sealing ctx-250',
    auditId: 7,
    dismissed: false,
    ...overrides,
  };
}

const finished = (id: string, overrides: Partial<TaskSummary>) =>
  task(id, { finishedAt: '2025-01-01T10:00:30Z', cancellable: false, phases: task(id).phases.map((p) => ({ ...p, state: 'done' as const })), ...overrides });

type Handlers = Parameters<typeof createFakeBridge>[0];

/** The tray against a fake bridge whose `tasks.list` answers running tasks from `running` and the rest from `recent`. */
function renderTray(lists: { running?: TaskSummary[]; recent?: TaskSummary[] } = {}, handlers: Handlers = {}) {
  const fake = createFakeBridge({
    'tasks.list': (q) => ok({ tasks: q.status ? (lists.running ?? []) : (lists.recent ?? lists.running ?? []), hasMore: false }),
    ...handlers,
  });
  setBridge(fake.bridge);
  render(
    <>
      <TasksButton />
      <Toasts />
    </>,
  );
  return fake;
}

const panel = () => screen.getByRole('group', { name: 'Tasks' });
const item = (title: string) => within(panel()).getByRole('listitem', { name: title });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  resetTasks();
  useToasts.setState({ toasts: [] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('task tray', () => {
  it('stays findable with no tasks, and says what shows there', async () => {
    const user = userEvent.setup();
    const fake = renderTray();
    await waitFor(() => expect(fake.method('tasks.list')).toHaveBeenCalledTimes(2));
    // Running tasks are asked for apart, so one that runs long is never pushed out by newer finished ones.
    expect(fake.method('tasks.list')).toHaveBeenCalledWith({ status: ['running', 'cancelling'], limit: 500 });
    await user.click(screen.getByRole('button', { name: 'Tasks' }));
    expect(panel().textContent).toContain('No tasks.');
  });

  it('shows the running tasks the services have (as after a reload): phase, a real progress bar, done/total and elapsed time', async () => {
    const user = userEvent.setup();
    renderTray({ running: [task('t1')], recent: [task('t1'), finished('t0', { title: 'Restore drill', status: 'succeeded' })] });
    const button = await screen.findByRole('button', { name: 'Tasks · 1 running' });
    await user.click(button);
    const running = item('Import contexts t1');
    expect(running.textContent).toContain('prod.yaml · Phase 2 of 3: seal');
    const bar = within(running).getByRole('progressbar', { name: 'Progress of Import contexts t1' }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([250, 1000]);
    expect(bar.getAttribute('aria-valuetext')).toBe(`250 / ${(1000).toLocaleString()} contexts`);
    expect(running.textContent).toContain('sealing ctx-250');
    expect(running.textContent).toContain('Elapsed 1m 05s');
    expect(running.textContent).toContain('Running');
    // Running tasks come first; the finished one says how long it took.
    expect(within(panel()).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['Import contexts t1', 'Restore drill']);
    expect(item('Restore drill').textContent).toContain('Took 30s');
  });

  it('shows an indeterminate bar while the total is not known', async () => {
    const user = userEvent.setup();
    renderTray({ running: [task('t1', { progress: { done: 0, total: 0 }, message: undefined })] });
    await user.click(await screen.findByRole('button', { name: 'Tasks · 1 running' }));
    const bar = within(item('Import contexts t1')).getByRole('progressbar') as HTMLProgressElement;
    expect(bar.hasAttribute('value')).toBe(false);
    expect(item('Import contexts t1').textContent).toContain('Working…');
  });

  it('follows tasks.changed: progress, the final outcome, a new task, and a dismissal from another window', async () => {
    const user = userEvent.setup();
    const fake = renderTray({ running: [task('t1')] });
    const button = await screen.findByRole('button', { name: 'Tasks · 1 running' });
    await user.click(button);

    act(() => fake.emit('tasks.changed', { tasks: [task('t1', { progress: { done: 900, total: 1000, unit: 'contexts' } })] }));
    expect((within(item('Import contexts t1')).getByRole('progressbar') as HTMLProgressElement).value).toBe(900);

    act(() => fake.emit('tasks.changed', { tasks: [finished('t1', { status: 'succeeded', result: { imported: 998, skipped: 2 } }), task('t2', { title: 'Back up prod-eu' })] }));
    expect(button.textContent).toContain('Tasks · 1 running');
    const done = item('Import contexts t1');
    expect(done.textContent).toContain('Succeeded');
    expect(done.textContent).toContain('imported: 998 · skipped: 2');
    expect(within(done).queryByRole('progressbar')).toBeNull();
    expect(within(done).queryByRole('button', { name: 'Cancel Import contexts t1' })).toBeNull();

    act(() => fake.emit('tasks.changed', { tasks: [finished('t1', { status: 'succeeded', dismissed: true })] }));
    expect(within(panel()).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['Back up prod-eu']);
  });

  it('shows how a task ended: failed with its error, cancelled, interrupted', async () => {
    const user = userEvent.setup();
    renderTray({
      recent: [
        finished('f', { title: 'Failed import', status: 'failed', error: { code: 'SECRETS_UNAVAILABLE', message: 'The OS keychain is locked' } }),
        finished('c', { title: 'Cancelled import', status: 'cancelled', message: 'Cancelled by oncall@laptop' }),
        finished('i', { title: 'Interrupted import', status: 'interrupted', message: 'Pilothouse stopped while this task ran' }),
      ],
    });
    await user.click(await screen.findByRole('button', { name: 'Tasks' }));
    expect(item('Failed import').textContent).toContain('Failed');
    expect(item('Failed import').textContent).toContain('The OS keychain is locked');
    expect(item('Cancelled import').textContent).toContain('Cancelled by oncall@laptop');
    expect(item('Interrupted import').textContent).toContain('Interrupted');
    expect(item('Interrupted import').textContent).toContain('Pilothouse stopped while this task ran');
  });

  it('cancels with tasks.cancel and says cancelling… until the outcome arrives; the button keeps focus', async () => {
    const user = userEvent.setup();
    const fake = renderTray({ running: [task('t1')] }, { 'tasks.cancel': ({ id }) => ok(task(id, { status: 'cancelling', cancellable: false, message: 'Cancelling (asked by me@laptop)…' })) });
    await user.click(await screen.findByRole('button', { name: 'Tasks · 1 running' }));
    const cancel = within(item('Import contexts t1')).getByRole('button', { name: 'Cancel Import contexts t1' });
    await user.click(cancel);
    expect(fake.method('tasks.cancel')).toHaveBeenCalledWith({ id: 't1' });
    await waitFor(() => expect(cancel.textContent).toBe('Cancelling…'));
    expect(cancel.getAttribute('aria-disabled')).toBe('true');
    expect(item('Import contexts t1').textContent).toContain('Cancelling…');
    expect(document.activeElement).toBe(cancel);
    await user.click(cancel);
    expect(fake.method('tasks.cancel')).toHaveBeenCalledTimes(1);

    act(() => fake.emit('tasks.changed', { tasks: [finished('t1', { status: 'cancelled', message: 'Cancelled by me@laptop' })] }));
    expect(screen.getByRole('button', { name: 'Tasks' })).toBeTruthy();
    expect(item('Import contexts t1').textContent).toContain('Cancelled by me@laptop');
  });

  it('says why a task past its point of no return cannot be cancelled, and a refused cancel in a toast', async () => {
    const user = userEvent.setup();
    const fake = renderTray(
      { running: [task('t1', { phase: 'save', cancellable: false }), task('t2', { title: 'Drill' })] },
      { 'tasks.cancel': () => fail('CONFLICT', '"Drill" already ended (succeeded)') },
    );
    await user.click(await screen.findByRole('button', { name: 'Tasks · 2 running' }));
    const saving = within(item('Import contexts t1')).getByRole('button', { name: 'Cancel Import contexts t1' });
    expect(saving.getAttribute('aria-disabled')).toBe('true');
    expect(saving.getAttribute('aria-describedby') && document.getElementById(saving.getAttribute('aria-describedby')!)?.textContent).toContain('can no longer be cancelled');
    await user.click(saving);
    expect(fake.method('tasks.cancel')).not.toHaveBeenCalled();

    await user.click(within(item('Drill')).getByRole('button', { name: 'Cancel Drill' }));
    expect((await screen.findByRole('alert')).textContent).toContain('"Drill" already ended (succeeded)');
  });

  it('opens a task report from tasks.get: summary, phase durations and lines', async () => {
    const user = userEvent.setup();
    const fake = renderTray(
      { recent: [finished('t1', { status: 'succeeded' })] },
      {
        'tasks.get': ({ id }) =>
          ok({
            ...finished(id, { status: 'succeeded' }),
            report: {
              summary: 'Imported **998** contexts; 2 already existed.',
              phases: [
                { name: 'parse', state: 'done', durationMs: 2_000 },
                { name: 'seal', state: 'done', durationMs: 65_000 },
                { name: 'save', state: 'skipped' },
              ],
              lines: ['sealed 998 credentials', 'saved in one transaction'],
              linesDropped: 3,
            },
          }),
      },
    );
    await user.click(await screen.findByRole('button', { name: 'Tasks' }));
    const toggle = within(item('Import contexts t1')).getByRole('button', { name: 'Report of Import contexts t1' });
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(fake.method('tasks.get')).toHaveBeenCalledWith({ id: 't1' });
    const report = await screen.findByRole('region', { name: 'Report: Import contexts t1' });
    expect(toggle.getAttribute('aria-controls')).toBe(report.id);
    await waitFor(() => expect(report.textContent).toContain('Imported **998** contexts; 2 already existed.'));
    const rows = within(report).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows).toEqual(['parsedone2s', 'sealdone1m 05s', 'saveskipped—']);
    expect(report.textContent).toContain('3 earlier lines were not kept.');
    expect(report.textContent).toContain('sealed 998 credentials\nsaved in one transaction');
    await user.click(toggle);
    expect(screen.queryByRole('region', { name: 'Report: Import contexts t1' })).toBeNull();
  });

  it('dismisses a finished task with tasks.dismiss; focus stays in the panel', async () => {
    const user = userEvent.setup();
    const fake = renderTray(
      { recent: [finished('t1', { status: 'succeeded' }), finished('t2', { status: 'failed', title: 'Drill' })] },
      { 'tasks.dismiss': ({ id }) => ok(finished(id, { status: 'succeeded', dismissed: true })) },
    );
    await user.click(await screen.findByRole('button', { name: 'Tasks' }));
    await user.click(within(item('Import contexts t1')).getByRole('button', { name: 'Dismiss Import contexts t1' }));
    expect(fake.method('tasks.dismiss')).toHaveBeenCalledWith({ id: 't1' });
    await waitFor(() => expect(within(panel()).getAllByRole('listitem')).toHaveLength(1));
    expect(panel().contains(document.activeElement)).toBe(true);
  });

  it('loads again after missed events', async () => {
    const fake = renderTray();
    await waitFor(() => expect(fake.method('tasks.list')).toHaveBeenCalledTimes(2));
    fake.handle('tasks.list', () => ok({ tasks: [task('t9', { title: 'Rollback ranker' })], hasMore: false }));
    act(() => fake.resync());
    expect(await screen.findByRole('button', { name: 'Tasks · 1 running' })).toBeTruthy();
  });

  it('works from the keyboard: open, reach Cancel, close with Esc back on the button', async () => {
    const user = userEvent.setup();
    renderTray({ running: [task('t1')] }, { 'tasks.cancel': ({ id }) => ok(task(id, { status: 'cancelling', cancellable: false })) });
    const button = await screen.findByRole('button', { name: 'Tasks · 1 running' });
    button.focus();
    await user.keyboard('{Enter}');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    await user.tab();
    expect(document.activeElement).toBe(within(item('Import contexts t1')).getByRole('button', { name: 'Cancel Import contexts t1' }));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Cancelling…'));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Tasks' })).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('shows a failed list in the panel with a retry', async () => {
    const user = userEvent.setup();
    const fake = renderTray({}, { 'tasks.list': () => fail('INTERNAL', 'services not ready') });
    await waitFor(() => expect(fake.method('tasks.list')).toHaveBeenCalled());
    await user.click(screen.getByRole('button', { name: 'Tasks' }));
    expect(within(panel()).getByRole('alert').textContent).toContain('Could not list tasks');
    fake.handle('tasks.list', () => ok({ tasks: [task('t1')], hasMore: false }));
    await user.click(within(panel()).getByRole('button', { name: 'Try again' }));
    expect(await within(panel()).findByRole('listitem')).toBeTruthy();
    expect(within(panel()).queryByRole('alert')).toBeNull();
  });
});
