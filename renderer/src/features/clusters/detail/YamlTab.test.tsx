import { useState } from 'react';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DryRunResult, ObjectDetail, ParamsIn, ResultOf, Row, TaskSummary } from '../../../../../shared/contract';
import type { Result } from '../../../../../shared/result';
import { setBridge } from '../../../api/client';
import { createFakeMonaco } from '../../../shell/monaco/fakeMonaco';
import { DRY_RUN_OWNER } from '../../../shell/monaco/YamlSpecEditor';
import { createFakeBridge, fail, kubeConnection, ok, type FakeBridge, type FakeHandler } from '../../../test/fakeBridge';
import type { Query } from '../../../ui/useQuery';
import { useConnections } from '../../connections/connectionsStore';
import { resourceEntries, type ResourceEntry } from '../resourceCatalog';
import { YamlTab } from './YamlTab';

const monaco = vi.hoisted(() => ({ current: undefined as ReturnType<typeof createFakeMonaco> | undefined }));
vi.mock('../../../shell/monaco/loadMonaco', () => ({ loadMonaco: () => Promise.resolve(monaco.current!.monaco) }));

const deployments = resourceEntries().find((e) => e.key === 'apps/deployments')!;
const secrets = resourceEntries().find((e) => e.key === '/secrets')!;
const row: Row = { uid: 'uid-web', name: 'web', namespace: 'ml', cells: [] };
const EDITABLE = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: ml', '  resourceVersion: "42"', 'spec:', '  replicas: 2', ''].join('\n');
const detailValue: ObjectDetail = { uid: 'uid-web', kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: 'ml', resourceVersion: '42', labels: {}, annotations: {}, yaml: EDITABLE, owners: [] };

const applyTask = (overrides: Partial<TaskSummary> = {}): TaskSummary => ({
  id: 't-apply',
  kind: 'pipelines.apply',
  title: 'Apply Deployment ml/web to prod-eu',
  target: 'prod-eu',
  actor: 'me@laptop',
  status: 'running',
  phases: [],
  progress: { done: 0, total: 1 },
  cancellable: false,
  startedAt: '2026-12-04T10:00:00Z',
  dismissed: false,
  ...overrides,
});

let fake: FakeBridge;

function renderTab(entry = deployments, labels: Record<string, string> = { env: 'dev' }, permissions: FakeHandler<'kube.permissions'> = () => ok({ edit: { allowed: true } })) {
  fake = createFakeBridge({
    'kube.permissions': permissions,
    'pipelines.editable': () => ok({ text: EDITABLE }),
    'pipelines.schema': (p) => ok({ schema: {}, kinds: p.kinds.map((k) => ({ ...k, source: 'cluster' as const })) }),
  });
  setBridge(fake.bridge);
  useConnections.setState({ connections: [kubeConnection({ labels })], selectedId: 'k-prod' });
  const detail: Query<ObjectDetail> = { value: detailValue, loading: false, refetch: vi.fn(), reset: vi.fn() };
  render(
    <div role="tabpanel">
      <EditingYamlTab entry={entry} detail={detail} />
    </div>,
  );
  return { detail, user: userEvent.setup() };
}

/** The tab with its edit held as the detail pane holds it. */
function EditingYamlTab({ entry, detail }: { entry: ResourceEntry; detail: Query<ObjectDetail> }) {
  const [editing, setEditing] = useState(false);
  return <YamlTab entry={entry} row={row} detail={detail} editing={editing} onEdit={(state) => setEditing(state !== undefined)} />;
}

/** Opens Edit and waits for a new editor of the object's text. */
async function startEditing(user: ReturnType<typeof userEvent.setup>) {
  const editing = () => monaco.current!.editors.filter((e) => e.options.ariaLabel === 'Edit the YAML of deployment web');
  const before = editing().length;
  // Usable once the permission check has answered.
  await waitFor(() => expect(screen.getByRole('button', { name: 'Edit' })).toHaveProperty('disabled', false));
  await user.click(screen.getByRole('button', { name: 'Edit' }));
  await waitFor(() => expect(editing()).toHaveLength(before + 1));
  // Shown once mounted, and listening to edits.
  await waitFor(() => expect(editing().at(-1)!.host.hidden).toBe(false));
  return editing().at(-1)!;
}

beforeEach(() => {
  monaco.current = createFakeMonaco();
});

describe('the YAML tab', () => {
  it('edits the object, marks what a dry run finds, and applies it after the review', async () => {
    const { user, detail } = renderTab();
    const editor = await startEditing(user);
    expect(fake.method('pipelines.editable')).toHaveBeenCalledWith({ connectionId: 'k-prod', resource: deployments.ref, namespace: 'ml', name: 'web' });
    expect(editor.value()).toBe(EDITABLE);
    // Nothing to apply until it changes.
    expect(screen.getByRole('button', { name: 'Review and apply' })).toHaveProperty('disabled', true);

    act(() => editor.type(EDITABLE.replace('replicas: 2', 'replicas: two')));
    const dryRun: DryRunResult = {
      problems: [],
      documents: [{ index: 0, line: 1, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'ml', outcome: 'error', conflicts: [], problems: [{ line: 8, field: 'spec.replicas', message: 'must be an integer', severity: 'error' }] }],
    };
    fake.handle('pipelines.dryRun', () => ok(dryRun));
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(fake.method('pipelines.dryRun').mock.calls[0][0]).toEqual({ connectionId: 'k-prod', namespace: 'ml', text: EDITABLE.replace('replicas: 2', 'replicas: two') } satisfies ParamsIn<'pipelines.dryRun'>);
    const report = await screen.findByRole('region', { name: 'Dry run' });
    expect(within(report).getByRole('listitem').textContent).toBe('Line 8: spec.replicas: must be an integer');
    await waitFor(() => expect(monaco.current!.markers(editor.model, DRY_RUN_OWNER)).toEqual([expect.objectContaining({ startLineNumber: 8, message: 'spec.replicas: must be an integer' })]));

    // Fixed: the marker goes with the change to its line.
    act(() => editor.type(EDITABLE.replace('replicas: 2', 'replicas: 3')));
    expect(monaco.current!.markers(editor.model, DRY_RUN_OWNER)).toEqual([]);
    expect(within(report).getByRole('status').textContent).toContain('The text changed since');

    fake.handle('pipelines.diff', (p) => ok({ problems: [], documents: [{ index: 0, line: 1, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'ml', live: 'spec:\n  replicas: 2\n', after: 'spec:\n  replicas: 3\n', problems: [], conflicts: [], ...(p.text.includes('replicas: 3') ? {} : { after: undefined }) }] }));
    fake.handle('pipelines.apply', () => ok({ taskId: 't-apply', task: applyTask() }));
    fake.handle('tasks.get', () => ok(applyTask()));
    await user.click(screen.getByRole('button', { name: 'Review and apply' }));
    const dialog = await screen.findByRole('dialog', { name: 'Review and apply to prod-eu' });
    await within(dialog).findByRole('list', { name: 'Documents' });
    await user.click(within(dialog).getByRole('button', { name: 'Apply' }));
    expect(fake.method('pipelines.apply').mock.calls[0][0]).toMatchObject({ connectionId: 'k-prod', namespace: 'ml', text: EDITABLE.replace('replicas: 2', 'replicas: 3'), force: false });
    expect(fake.method('pipelines.apply').mock.calls[0][0]).not.toHaveProperty('confirmName');

    const done = applyTask({ status: 'succeeded', report: { phases: [], lines: [], linesDropped: 0 } });
    fake.handle('tasks.get', () => ok(done));
    act(() => fake.emit('tasks.changed', { tasks: [done] }));
    // Applied: its report, then back to the read-only YAML, read again.
    await user.click(await within(dialog).findByRole('button', { name: 'Done' }));
    expect(detail.refetch).toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Edit' })).toBeTruthy();
  });

  it('puts a dry run answered after more typing on the lines as they are now, and names no line that was edited since', async () => {
    const { user } = renderTab();
    const editor = await startEditing(user);
    const sent = EDITABLE.replace('replicas: 2', 'replicas: two');
    act(() => editor.type(sent));
    let answer: (r: DryRunResult) => void = () => undefined;
    fake.handle('pipelines.dryRun', () => new Promise((resolve) => (answer = (r) => resolve(ok(r)))));
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    // Typed while the dry run runs: a comment line above the problem, and the name line changed.
    act(() => editor.model.edit({ startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 }, '# mine\n'));
    act(() => editor.model.edit({ startLineNumber: 5, startColumn: 9, endLineNumber: 5, endColumn: 12 }, 'web2'));
    act(() =>
      answer({
        problems: [],
        documents: [
          {
            index: 0,
            line: 1,
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'web',
            namespace: 'ml',
            outcome: 'error',
            conflicts: [],
            problems: [
              { line: 4, field: 'metadata.name', message: 'is immutable', severity: 'error' },
              { line: 8, field: 'spec.replicas', message: 'must be an integer', severity: 'error' },
            ],
          },
        ],
      }),
    );
    const report = await screen.findByRole('region', { name: 'Dry run' });
    expect(editor.value().split('\n')[8]).toBe('  replicas: two');
    await waitFor(() => expect(monaco.current!.markers(editor.model, DRY_RUN_OWNER).map((m) => m.startLineNumber)).toEqual([9]));
    expect(within(report).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Line 4: metadata.name: is immutable (the line was edited since)', 'Line 9: spec.replicas: must be an integer']);
  });

  it('offers to read the object again when it changed since it was opened, keeping the edits to copy', async () => {
    const { user } = renderTab(deployments, { env: 'prod' });
    const editor = await startEditing(user);
    act(() => editor.type(EDITABLE.replace('replicas: 2', 'replicas: 5')));
    fake.handle('pipelines.diff', () => ok({ problems: [], documents: [{ index: 0, line: 1, apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', live: 'a: 1\n', after: 'a: 2\n', problems: [], conflicts: [] }] }));
    fake.handle('pipelines.apply', () => fail('CONFLICT', 'Deployment ml/web changed since you opened it'));
    await user.click(screen.getByRole('button', { name: 'Review and apply' }));
    const dialog = await screen.findByRole('dialog', { name: 'Review and apply to prod-eu' });
    await within(dialog).findByRole('list', { name: 'Documents' });
    // A production connection: its name typed, and sent.
    await user.type(within(dialog).getByRole('textbox', { name: /Type prod-eu to confirm/ }), 'prod-eu');
    await user.click(within(dialog).getByRole('button', { name: 'Apply' }));
    expect(fake.method('pipelines.apply').mock.calls[0][0]).toMatchObject({ confirmName: 'prod-eu' });

    const newer = EDITABLE.replace('resourceVersion: "42"', 'resourceVersion: "43"');
    fake.handle('pipelines.editable', () => ok({ text: newer }));
    await user.click(within(await within(dialog).findByRole('alert')).getByRole('button', { name: 'Refresh' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(editor.value()).toBe(newer));
    expect(screen.getByText('Reloaded')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy your earlier edits' })).toBeTruthy();
  });

  it('asks before discarding changes on Cancel, and leaves at once without any', async () => {
    const { user } = renderTab();
    let editor = await startEditing(user);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Edit' })).toBeTruthy();

    editor = await startEditing(user);
    act(() => editor.type(`${EDITABLE}# mine\n`));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    const ask = screen.getByRole('dialog', { name: 'Discard your changes?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep editing' }));
    expect(editor.value()).toBe(`${EDITABLE}# mine\n`);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard your changes?' })).getByRole('button', { name: 'Discard' }));
    expect(screen.getByRole('button', { name: 'Edit' })).toBeTruthy();
    expect(editor.model.isDisposed()).toBe(true);
  });

  it('asks whether the object may be patched, and says why Edit is off while it is checked and when it is denied', async () => {
    let answer!: (result: Result<ResultOf<'kube.permissions'>>) => void;
    renderTab(deployments, { env: 'dev' }, () => new Promise((resolve) => (answer = resolve)));
    expect(fake.method('kube.permissions')).toHaveBeenCalledWith({ connectionId: 'k-prod', resource: deployments.ref, namespace: 'ml', name: 'web', actions: ['edit'] });
    const edit = screen.getByRole('button', { name: 'Edit' });
    expect(edit).toHaveProperty('disabled', true);
    expect(screen.getByRole('status').textContent).toBe('Checking permissions…');

    const reason = 'team-a-reader may not edit deployments.apps in ml';
    await act(async () => answer(ok({ edit: { allowed: false, reason } })));
    expect(edit).toHaveProperty('disabled', true);
    expect(edit.title).toBe(reason);
    expect(screen.getByRole('status').textContent).toBe(reason);
  });

  it('leaves Edit to the cluster when the check itself fails', async () => {
    renderTab(deployments, { env: 'dev' }, () => fail('UNREACHABLE', 'the cluster did not answer'));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Edit' })).toHaveProperty('disabled', false));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it("offers no Edit of a Secret, whose YAML here is masked", () => {
    renderTab(secrets);
    expect(fake.method('kube.permissions')).not.toHaveBeenCalled();
    const edit = screen.getByRole('button', { name: 'Edit' });
    expect(edit).toHaveProperty('disabled', true);
    expect(edit.title).toBe('Secrets are not edited here: their values are masked.');
  });
});
