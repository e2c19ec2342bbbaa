import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBridge } from '../../api/client';
import { useAppInfo } from '../../shell/appInfoStore';
import { browserInfo, createFakeBridge, ok } from '../../test/fakeBridge';
import { resetStores } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { HistoryView } from './HistoryView';
import { drill, drillDetail, prod, staging, startedTask } from './testKit';

// uPlot needs a 2D canvas, which jsdom lacks: the chart is replaced by its title and its series (lines marked).
vi.mock('../../shell/charts/TimeSeriesChart', () => ({
  TimeSeriesChart: ({ title, data, mode }: { title: string; mode?: string; data: { times: number[]; series: { label: string; line?: boolean; values: (number | null)[] }[] } }) => (
    <figure aria-label={title} data-mode={mode} data-times={data.times.join(',')}>
      {data.series.map((s) => `${s.label}${s.line ? ' (line)' : ''}: ${s.values.map((v) => v ?? '-').join('/')}`).join('; ')}
    </figure>
  ),
}));

const history = [
  drill({ id: 'd-old', startedAt: '2026-11-01T11:00:00Z', finishedAt: '2026-11-01T11:03:00Z', rtoMs: 120_000 }),
  drill({ id: 'd-new', startedAt: '2026-12-04T11:00:00Z', rtoMs: 95_000, checksPassed: 3, checksFailed: 1 }),
  // Its workloads never became ready: no RTO; it waited 10 minutes.
  drill({ id: 'd-failed', outcome: 'failed', startedAt: '2026-11-20T11:00:00Z', finishedAt: '2026-11-20T11:10:00Z', rtoMs: undefined, error: 'Deployment web never became ready', leftovers: 3, targetConnectionId: 'k-prod', targetConnectionName: 'prod-eu' }),
  drill({ id: 'd-cancelled', outcome: 'cancelled', startedAt: '2026-11-25T11:00:00Z', rtoMs: undefined }),
  drill({ id: 'd-other', sourceNamespace: 'payments', startedAt: '2026-11-30T11:00:00Z', rtoMs: 30_000, rtoTargetMs: 60_000 }),
];

function open(list = history) {
  const fake = createFakeBridge({
    'drills.list': () => ok(list),
    'drills.get': (p) => ok(drillDetail({ id: p.id })),
    'drills.report': (p) => ok(p.format === 'markdown' ? { fileName: 'drill-team-a.md', mimeType: 'text/markdown', text: '# Drill of team-a' } : { fileName: 'drill-team-a.html', mimeType: 'text/html', text: '<!doctype html><h1>Drill</h1>' }),
  });
  setBridge(fake.bridge);
  act(() => useConnections.setState({ connections: [staging, prod], status: 'ready' }));
  const onChanged = vi.fn();
  render(<HistoryView refreshKey="0" clusters={[staging, prod]} onChanged={onChanged} />);
  return { fake, onChanged };
}

const blobs: Blob[] = [];
beforeEach(() => {
  localStorage.clear();
  resetStores();
  blobs.length = 0;
  // jsdom has no object URLs: record the blob each download is made from.
  URL.createObjectURL = vi.fn((blob: Blob) => {
    blobs.push(blob);
    return `blob:test/${blobs.length}`;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const rowOf = (table: HTMLElement, text: string) => within(table).getAllByRole('row').find((r) => r.textContent?.includes(text))!;

describe('the drill history', () => {
  it('lists drills newest first with their figures against the targets, checks and what they left', async () => {
    open();
    const table = await screen.findByRole('table', { name: 'Drills' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1].textContent)).toEqual(['passed', 'passed', 'cancelled', 'failed', 'passed']);
    expect(within(rows[0]).getByText('1m 35s of 5m 00s')).toBeTruthy();
    expect(rows[0].textContent).toContain('3 passed, 1 failed');
    const failed = rowOf(table, 'prod-eu');
    expect(within(failed).getByText('failed').getAttribute('title')).toBe('Deployment web never became ready');
    expect(within(failed).getByText(/not measured \(target 5m 00s\)/).className).toBe('tone-bad');
    expect(failed.textContent).toContain('3 objects');
  });

  it('draws the RTO trend of each namespace: passing drills, failed ones apart, and the target as a line', async () => {
    const user = userEvent.setup();
    open();
    const chart = await screen.findByRole('figure', { name: 'RTO of team-a on staging' });
    expect(chart.getAttribute('data-mode')).toBe('bars');
    // Oldest first; the cancelled drill measured nothing and is left out; the failed one is drawn at the 10 minutes it ran.
    expect(chart.getAttribute('data-times')).toBe(['2026-11-01T11:00:00Z', '2026-11-20T11:00:00Z', '2026-12-04T11:00:00Z'].map((t) => Date.parse(t) / 1000).join(','));
    expect(chart.textContent).toBe('RTO: 120/-/95; Failed drill: -/600/-; RTO target (line): 300/300/300');
    // What the failed drill's bar is, said plainly: how long the drill ran, not an RTO it was held to.
    expect(screen.getByText(/drawn at how long the whole drill ran.*not an RTO/)).toBeTruthy();
    expect(screen.queryByText(/its RTO was at least/)).toBeNull();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Namespace' }), 'payments on staging');
    expect(screen.getByRole('figure', { name: 'RTO of payments on staging' }).textContent).toBe('RTO: 30; Failed drill: -; RTO target (line): 60');
  });

  it('shows a drill’s report and exports it as Markdown and HTML files of their own type', async () => {
    const user = userEvent.setup();
    const { fake } = open();
    const table = await screen.findByRole('table', { name: 'Drills' });
    await user.click(within(within(table).getAllByRole('row')[1]).getByRole('button', { name: 'Report' }));
    const report = await screen.findByRole('region', { name: /drill-team-a-20261204t1100z/ });
    expect(fake.method('drills.get')).toHaveBeenCalledWith({ id: 'd-new' });
    expect(within(await within(report).findByRole('list', { name: 'Timeline' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Restore: Created 212 objects'),
      expect.stringContaining('Wait ready: Deployment web 2/2 ready'),
    ]);
    expect(within(rowOf(within(report).getByRole('table', { name: 'Checks' }), 'GET web')).getByText('expected 200, got 503')).toBeTruthy();
    // No PDF outside the desktop app.
    expect(within(report).queryByRole('button', { name: 'Save PDF…' })).toBeNull();

    await user.click(within(report).getByRole('button', { name: 'Export Markdown' }));
    await waitFor(() => expect(blobs).toHaveLength(1));
    expect(fake.method('drills.report')).toHaveBeenCalledWith({ id: 'd-new', format: 'markdown' });
    expect(blobs[0].type).toBe('text/markdown');
    expect(await blobs[0].text()).toBe('# Drill of team-a');
    expect(HTMLAnchorElement.prototype.click).toHaveBeenCalledOnce();

    await user.click(within(report).getByRole('button', { name: 'Export HTML' }));
    await waitFor(() => expect(blobs).toHaveLength(2));
    expect(blobs[1].type).toBe('text/html');
  });

  it('saves the report as PDF in the desktop app', async () => {
    const user = userEvent.setup();
    const { fake } = open();
    act(() => useAppInfo.setState({ info: { ...browserInfo, mode: 'desktop', capabilities: { nativeFileDialog: true, pdfExport: true } } }));
    fake.handle('drills.savePdf', () => ok({ path: '/home/me/drill-team-a.pdf' }));
    const table = await screen.findByRole('table', { name: 'Drills' });
    await user.click(within(within(table).getAllByRole('row')[1]).getByRole('button', { name: 'Report' }));
    const report = await screen.findByRole('region', { name: /drill-team-a-20261204t1100z/ });
    await within(report).findByRole('list', { name: 'Timeline' });
    await user.click(within(report).getByRole('button', { name: 'Save PDF…' }));
    expect(fake.method('drills.savePdf')).toHaveBeenCalledWith({ id: 'd-new' });
  });

  it('cleans up what a failed drill left on a production cluster once its name is typed, as a task', async () => {
    const user = userEvent.setup();
    const { fake, onChanged } = open();
    const task = startedTask('drills.cleanup', ['Delete', 'Confirm gone']);
    fake.handle('drills.cleanup', () => ok({ taskId: task.id, task }));
    fake.handle('tasks.get', () => ok(task));
    const table = await screen.findByRole('table', { name: 'Drills' });
    await user.click(within(rowOf(table, 'prod-eu')).getByRole('button', { name: 'Clean up…' }));
    const dialog = screen.getByRole('dialog', { name: 'Clean up drill-team-a-20261204t1100z' });
    expect(dialog.textContent).toContain('Deletes the 3 objects this drill created');
    const confirm = within(dialog).getByRole('button', { name: 'Clean up' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox'), 'prod-eu');
    await user.click(confirm);
    expect(fake.method('drills.cleanup')).toHaveBeenCalledWith({ id: 'd-failed', confirmName: 'prod-eu' });
    expect(await within(dialog).findByRole('progressbar')).toBeTruthy();
    fake.emit('tasks.changed', { tasks: [{ ...task, status: 'succeeded', finishedAt: '2026-12-04T12:00:00Z' }] });
    await waitFor(() => expect(onChanged).toHaveBeenCalledOnce());
  });

  it('says what to do when no drill has run', async () => {
    const fake = createFakeBridge({ 'drills.list': () => ok([]) });
    setBridge(fake.bridge);
    render(<HistoryView refreshKey="0" clusters={[staging]} onChanged={() => {}} />);
    expect(await screen.findByText(/No drill has run yet/)).toBeTruthy();
    expect(screen.queryByRole('figure')).toBeNull();
  });

  it('with a thousand drills, lists a page at a time, says the history is cut, and still finds an old drill that left objects behind', async () => {
    const user = userEvent.setup();
    const many = Array.from({ length: 1000 }, (_, i) =>
      drill({ id: `d-${i}`, startedAt: new Date(Date.parse('2026-12-04T11:00:00Z') - i * 3_600_000).toISOString(), ...(i === 900 ? { outcome: 'interrupted', rtoMs: undefined, leftovers: 12, kept: true, targetNamespace: 'drill-team-a-old' } : {}) }),
    );
    const { fake } = open(many);
    const table = await screen.findByRole('table', { name: 'Drills' });
    // The newest of what the services hold, and said so.
    expect(fake.method('drills.list')).toHaveBeenCalledWith({ limit: 1000 });
    expect(screen.getByText(/newest 1,000 drills/)).toBeTruthy();
    expect(within(table).getAllByRole('row')).toHaveLength(101);
    await user.click(screen.getByRole('button', { name: /Show 100 more/ }));
    expect(within(table).getAllByRole('row')).toHaveLength(201);
    // The old drill's leftovers are said above the table, and shown with their Clean up.
    expect(screen.getByText(/1 drill left objects behind/)).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: /Only drills that left objects behind/ }));
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0].textContent).toContain('drill-team-a-old');
    expect(within(rows[0]).getByRole('button', { name: 'Clean up…' })).toBeTruthy();
  });

  it('offers Clean up only for a drill whose objects are still there, and never says a drill still running or cancelled missed its RTO', async () => {
    open([
      drill({ id: 'd-kept-empty', kept: true, leftovers: 0, targetNamespace: 'drill-kept-empty' }),
      drill({ id: 'd-running', outcome: 'running', finishedAt: undefined, rtoMs: undefined, targetNamespace: 'drill-running' }),
      drill({ id: 'd-cancel', outcome: 'cancelled', rtoMs: undefined, targetNamespace: 'drill-cancelled' }),
    ]);
    const table = await screen.findByRole('table', { name: 'Drills' });
    expect(within(rowOf(table, 'drill-kept-empty')).queryByRole('button', { name: 'Clean up…' })).toBeNull();
    expect(screen.queryByText(/left objects behind/)).toBeNull();
    expect(rowOf(table, 'drill-running').textContent).toContain('measuring…');
    expect(rowOf(table, 'drill-running').textContent).not.toContain('missed');
    expect(rowOf(table, 'drill-cancelled').textContent).toContain('the drill was cancelled');
    expect(rowOf(table, 'drill-cancelled').textContent).not.toContain('missed');
  });
});
