import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiffDocument, ParamsIn, SpecProblem, TaskSummary } from '../../../../shared/contract';
import { setBridge } from '../../api/client';
import { createFakeMonaco } from '../../shell/monaco/fakeMonaco';
import { createFakeBridge, fail, ok, type FakeBridge } from '../../test/fakeBridge';
import { ApplyReviewDialog } from './ApplyReviewDialog';

const monaco = vi.hoisted(() => ({ current: undefined as ReturnType<typeof createFakeMonaco> | undefined }));
vi.mock('../../shell/monaco/loadMonaco', () => ({ loadMonaco: () => Promise.resolve(monaco.current!.monaco) }));

const TEXT = 'apiVersion: apps/v1\nkind: Deployment\n# …\n---\napiVersion: v1\nkind: ConfigMap\n# …\n---\napiVersion: batch/v1\nkind: Job\n';

const doc = (overrides: Partial<DiffDocument>): DiffDocument => ({ index: 0, line: 1, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', problems: [], conflicts: [], ...overrides });

const DOCUMENTS: DiffDocument[] = [
  doc({ index: 0, line: 1, kind: 'ConfigMap', apiVersion: 'v1', name: 'settings', namespace: 'ml', live: 'data:\n  a: "1"\n', after: 'data:\n  a: "1"\n' }),
  doc({
    index: 1,
    line: 5,
    name: 'web',
    live: 'spec:\n  replicas: 2\n',
    after: 'spec:\n  replicas: 3\n',
    conflicts: [{ field: '.spec.replicas', manager: 'kube-controller-manager', message: 'conflict with "kube-controller-manager"' }],
  }),
  doc({ index: 2, line: 9, apiVersion: 'batch/v1', kind: 'Job', name: undefined, after: 'spec:\n  template: {}\n' }),
];

function applyTask(overrides: Partial<TaskSummary> = {}): TaskSummary {
  return {
    id: 't-apply',
    kind: 'pipelines.apply',
    title: 'Apply 3 documents to prod-eu',
    target: 'prod-eu',
    actor: 'me@laptop',
    status: 'running',
    phases: [{ name: 'apply', state: 'running' }],
    phase: 'apply',
    progress: { done: 1, total: 3, unit: 'documents' },
    cancellable: true,
    startedAt: '2026-12-04T10:00:00Z',
    dismissed: false,
    ...overrides,
  };
}

let fake: FakeBridge;

function renderDialog(props: Partial<Parameters<typeof ApplyReviewDialog>[0]> = {}, documents: DiffDocument[] | ((text: string) => DiffDocument[]) = DOCUMENTS, problems: SpecProblem[] = []) {
  fake = createFakeBridge({
    'pipelines.diff': ({ text }) => ok({ documents: typeof documents === 'function' ? documents(text) : documents, problems }),
    'pipelines.apply': () => ok({ taskId: 't-apply', task: applyTask() }),
    'tasks.get': () => ok(applyTask()),
  });
  setBridge(fake.bridge);
  const handlers = { onClose: vi.fn(), onApplied: vi.fn(), onReload: vi.fn() };
  const shown = (more: Partial<Parameters<typeof ApplyReviewDialog>[0]>) => (
    <ApplyReviewDialog connectionId="k-prod" connectionName="prod-eu" production={false} namespace="ml" text={TEXT} specId="sp-web" specVersion={4} {...handlers} {...more} />
  );
  const { rerender } = render(shown(props));
  return { ...handlers, rerender: (more: Partial<Parameters<typeof ApplyReviewDialog>[0]>) => rerender(shown({ ...props, ...more })), dialog: screen.getByRole('dialog', { name: 'Review and apply to prod-eu' }), user: userEvent.setup() };
}

const applyButton = () => screen.getByRole('button', { name: 'Apply' });

beforeEach(() => {
  monaco.current = createFakeMonaco();
});

describe('ApplyReviewDialog', () => {
  it('shows what each document would become, takes conflicting fields only when asked, and follows the apply to its report', async () => {
    const { user, dialog, onApplied } = renderDialog();
    const documents = await within(dialog).findByRole('list', { name: 'Documents' });
    expect(fake.method('pipelines.diff')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'ml', text: TEXT });
    expect(within(documents).getAllByRole('button').map((b) => b.textContent)).toEqual([
      'ConfigMap ml/settingsunchanged',
      'Deployment ml/webconflict',
      'Job ml/(name generated on create)create',
    ]);
    // The first document the apply would touch is shown.
    expect(within(documents).getByRole('button', { pressed: true }).textContent).toContain('Deployment');
    await waitFor(() => expect(monaco.current!.diffEditors).toHaveLength(1));
    const [diff] = monaco.current!.diffEditors;
    expect([diff.original(), diff.modified()]).toEqual(['spec:\n  replicas: 2\n', 'spec:\n  replicas: 3\n']);

    await user.click(within(documents).getByRole('button', { name: /^Job/ }));
    expect([diff.original(), diff.modified()]).toEqual(['', 'spec:\n  template: {}\n']);
    expect(within(dialog).getByText('Not in the cluster yet')).toBeTruthy();

    const conflicts = within(dialog).getByRole('region', { name: 'Conflicts' });
    expect(conflicts.textContent).toContain('.spec.replicas in Deployment ml/web: owned by kube-controller-manager');
    expect(applyButton()).toHaveProperty('disabled', true);
    await user.click(within(conflicts).getByRole('checkbox', { name: 'Take these fields (force)' }));
    expect(applyButton()).toHaveProperty('disabled', false);

    await user.click(applyButton());
    await waitFor(() => expect(fake.method('pipelines.apply')).toHaveBeenCalled());
    expect(fake.method('pipelines.apply').mock.calls[0][0]).toEqual({ connectionId: 'k-prod', namespace: 'ml', text: TEXT, force: true, specId: 'sp-web', specVersion: 4 } satisfies ParamsIn<'pipelines.apply'>);
    const progress = await within(dialog).findByRole('region', { name: 'Progress' });
    expect(within(progress).getByText('1 / 3 documents')).toBeTruthy();
    expect(onApplied).not.toHaveBeenCalled();

    const done = applyTask({ status: 'succeeded', progress: { done: 3, total: 3, unit: 'documents' }, report: { summary: 'Applied 3 documents.', phases: [], lines: ['applied Deployment ml/web'], linesDropped: 0 } });
    fake.handle('tasks.get', () => ok(done));
    act(() => fake.emit('tasks.changed', { tasks: [{ ...done, report: undefined }] }));
    const outcome = await within(dialog).findByRole('region', { name: 'Outcome' });
    expect(within(outcome).getByRole('status').textContent).toBe('Apply 3 documents to prod-eu: succeeded.');
    await waitFor(() => expect(within(outcome).getByText('applied Deployment ml/web')).toBeTruthy());
    expect(onApplied).toHaveBeenCalledWith('t-apply');
  });

  it('keeps Apply off while the cluster would refuse a document, and lists the problems by line', async () => {
    const refused = [doc({ index: 0, line: 1, live: 'a: 1\n', after: undefined, problems: [{ line: 6, field: 'spec.replicas', message: 'must be an integer', severity: 'error' }] })];
    const { dialog } = renderDialog({}, refused, [{ line: 2, message: 'duplicate key', severity: 'warning' }]);
    const problems = await within(dialog).findByRole('region', { name: 'Problems' });
    expect(within(problems).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Line 2: duplicate key', 'Line 6: spec.replicas: must be an integer']);
    expect(within(dialog).getByRole('button', { name: /^Deployment/ }).textContent).toContain('error');
    expect(applyButton()).toHaveProperty('disabled', true);
    expect(within(dialog).getByText('The cluster would refuse this: fix the problems first.')).toBeTruthy();
  });

  it("asks for the connection's name on production and sends it; a stale object's CONFLICT offers the reload", async () => {
    const { user, dialog, onReload } = renderDialog({ production: true }, [doc({ live: 'a: 1\n', after: 'a: 2\n' })]);
    await within(dialog).findByRole('list', { name: 'Documents' });
    expect(applyButton()).toHaveProperty('disabled', true);
    await user.type(within(dialog).getByRole('textbox', { name: /Type prod-eu to confirm/ }), 'prod-e');
    expect(applyButton()).toHaveProperty('disabled', true);
    await user.type(within(dialog).getByRole('textbox', { name: /Type prod-eu to confirm/ }), 'u');
    fake.handle('pipelines.apply', () => fail('CONFLICT', 'Deployment ml/web changed since you opened it'));
    await user.click(applyButton());
    expect(fake.method('pipelines.apply').mock.calls[0][0]).toMatchObject({ confirmName: 'prod-eu', force: false });
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('changed since you opened it');
    await user.click(within(alert).getByRole('button', { name: 'Refresh' }));
    expect(onReload).toHaveBeenCalled();
  });

  it('applies only what it showed: a version saved meanwhile is said, and reviewed afresh only when asked, force and the typed name cleared', async () => {
    const conflicting = (text: string) => [doc({ live: 'a: 1\n', after: text, conflicts: [{ field: '.spec.replicas', manager: 'hpa', message: 'x' }] })];
    const { user, dialog, rerender } = renderDialog({ production: true }, conflicting);
    const force = () => within(dialog).getByRole('checkbox', { name: /Take these fields/ }) as HTMLInputElement;
    await user.click(await within(dialog).findByRole('checkbox', { name: /Take these fields/ }));
    await user.type(within(dialog).getByRole('textbox', { name: /Type prod-eu to confirm/ }), 'prod-eu');
    // Someone else saves version 5 while the review of version 4 is open.
    rerender({ text: 'THEIR VERSION 5\n', specVersion: 5 });
    const said = within(dialog).getByRole('alert');
    expect(said.textContent).toContain('Version 5 was saved meanwhile; this review is of version 4');
    expect(fake.method('pipelines.diff')).toHaveBeenCalledTimes(1);
    // The diff still shows the version under review.
    await waitFor(() => expect(monaco.current!.diffEditors.at(-1)?.modified()).toBe(TEXT));

    await user.click(within(said).getByRole('button', { name: 'Review version 5 instead' }));
    await waitFor(() => expect(fake.method('pipelines.diff')).toHaveBeenLastCalledWith(expect.objectContaining({ text: 'THEIR VERSION 5\n' })));
    await within(dialog).findByRole('list', { name: 'Documents' });
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(force().checked).toBe(false);
    expect(within(dialog).getByRole('textbox', { name: /Type prod-eu to confirm/ })).toHaveProperty('value', '');
    expect(applyButton()).toHaveProperty('disabled', true);
    await user.click(force());
    await user.type(within(dialog).getByRole('textbox', { name: /Type prod-eu to confirm/ }), 'prod-eu');
    await user.click(applyButton());
    expect(fake.method('pipelines.apply')).toHaveBeenCalledWith(expect.objectContaining({ text: 'THEIR VERSION 5\n', specVersion: 5, force: true, confirmName: 'prod-eu' }));
  });

  it('applies the version reviewed when one saved meanwhile is not taken up', async () => {
    const { user, dialog, rerender } = renderDialog({}, [doc({ live: 'a: 1\n', after: 'a: 2\n' })]);
    await within(dialog).findByRole('list', { name: 'Documents' });
    rerender({ text: 'THEIR VERSION 5\n', specVersion: 5 });
    await user.click(applyButton());
    expect(fake.method('pipelines.apply')).toHaveBeenCalledWith(expect.objectContaining({ text: TEXT, specVersion: 4 }));
  });
});
