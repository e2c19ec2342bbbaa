import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpecMeta, SpecProblem } from '../../../../shared/contract';
import { createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { NEW_SPEC, usePipelines } from './pipelinesStore';
import { spec, specApply, specMeta, specVersion, TRAIN_TEXT } from './testKit';

// Monaco cannot run in jsdom: the editor is a text area with the same props, the problems it was given beside it.
vi.mock('../../shell/monaco/YamlSpecEditor', () => ({
  YamlSpecEditor: ({ value, onChange, ariaLabel, problems }: { value: string; onChange(v: string): void; ariaLabel: string; problems?: SpecProblem[] }) => (
    <>
      <textarea aria-label={ariaLabel} value={value} onChange={(e) => onChange(e.target.value)} />
      <output aria-label="Editor markers">{(problems ?? []).map((p) => `${p.line}:${p.message}`).join('|')}</output>
    </>
  ),
}));
vi.mock('../../shell/monaco/DiffView', () => ({
  DiffView: ({ original, modified, originalLabel, modifiedLabel }: { original: string; modified: string; originalLabel: string; modifiedLabel: string }) => (
    <figure aria-label={`${originalLabel} and ${modifiedLabel}`}>
      <pre>{original}</pre>
      <pre>{modified}</pre>
    </figure>
  ),
}));
vi.mock('./runs/RunsView', () => ({ RunsView: () => <p>The runs on the selected connection</p> }));
vi.mock('./ApplyReviewDialog', () => ({
  ApplyReviewDialog: (p: { connectionName: string; text: string; specId?: string; specVersion?: number; production: boolean }) => (
    <div role="dialog" aria-label="Review and apply">
      {`${p.connectionName} ${p.specId} v${p.specVersion} production=${p.production}`}
      <pre>{p.text}</pre>
    </div>
  ),
}));

const library = () =>
  createFakeBridge({
    'connections.list': () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev', labels: {} })]),
    'pipelines.specs': () => ok([specMeta(), specMeta({ id: 'sp-etl', name: 'etl-cron', kinds: ['batch/v1 CronJob'], documents: 1, version: 1, connectionId: undefined, namespace: undefined })]),
    'pipelines.spec': ({ id }) => ok(id === 'sp-train' ? spec() : spec({ id: 'sp-etl', name: 'etl-cron', text: 'kind: CronJob\n', version: 1, connectionId: undefined, namespace: undefined })),
  });

const render = (fake = library()) => renderApp(fake, '#/pipelines');
const specs = () => screen.getByRole('listbox', { name: 'Pipeline specs' });
const editor = () => screen.getByRole('textbox', { name: 'Spec YAML' }) as HTMLTextAreaElement;
const openTrain = async (user: ReturnType<typeof userEvent.setup>) => {
  await user.click(await within(specs()).findByText('nightly-train'));
  await waitFor(() => expect(editor().value).toBe(TRAIN_TEXT));
};

beforeEach(() => {
  usePipelines.setState({ selectedId: null, draft: null, dialog: null, tab: 'specs', history: false, pending: null });
});

describe('Pipelines page: library', () => {
  it('lists each spec with its kinds, documents, target and version, filtered as you type', async () => {
    const user = userEvent.setup();
    render();
    const train = await within(specs()).findByRole('option', { name: /nightly-train/ });
    await waitFor(() => expect(train.textContent).toContain('prod-eu / ml-jobs'));
    expect(train.textContent).toContain('batch/v1 Job, batch/v1 CronJob · 2 documents');
    expect(train.textContent).toContain('v3');
    expect(within(specs()).getByRole('option', { name: /etl-cron/ }).textContent).toContain('No target connection');
    expect(screen.getByText('2 specs')).toBeTruthy();

    await user.type(screen.getByRole('combobox', { name: 'Filter' }), 'cronjob etl');
    expect(within(specs()).getAllByRole('option').map((o) => o.textContent)).toEqual([expect.stringContaining('etl-cron')]);
    expect(screen.getByText('1 of 2 specs')).toBeTruthy();
  });

  it('shows the runs as a tab beside the specs, and goes back to the specs for a new one', async () => {
    const user = userEvent.setup();
    render();
    await user.click(await screen.findByRole('tab', { name: 'Runs' }));
    expect(screen.getByText('The runs on the selected connection')).toBeTruthy();
    expect(screen.queryByRole('listbox', { name: 'Pipeline specs' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'New' }));
    expect(screen.getByRole('tab', { name: 'Specs' }).getAttribute('aria-selected')).toBe('true');
    expect(editor().value).toBe(NEW_SPEC);
  });

  it('asks again when the library changes', async () => {
    const fake = library();
    render(fake);
    await within(specs()).findAllByRole('option');
    const before = fake.method('pipelines.specs').mock.calls.length;
    act(() => fake.emit('pipelines.changed', { ids: ['sp-train'] }));
    await waitFor(() => expect(fake.method('pipelines.specs').mock.calls.length).toBeGreaterThan(before));
  });

  it('offers a new spec or an import when the library is empty, and says why when it cannot be listed', async () => {
    const fake = library();
    fake.handle('pipelines.specs', () => ok([]));
    render(fake);
    expect(await screen.findByText('The library has no pipeline specs yet.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Import files…' })).toBeTruthy();

    fake.handle('pipelines.specs', () => fail('INTERNAL', 'The spec library could not be read'));
    act(() => fake.emit('pipelines.changed', {}));
    expect(await screen.findByText('The spec library could not be read')).toBeTruthy();
  });
});

describe('Pipelines page: editing', () => {
  it('starts a new spec as a Job for the selected connection and saves it without an id or base version', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.save', (p) => ok(specMeta({ id: 'sp-new', name: p.name, connectionId: p.connectionId, namespace: p.namespace, version: 1, kinds: ['batch/v1 Job'], documents: 1 })));
    render(fake);
    act(() => useConnections.getState().select('k-prod'));
    await user.click(await screen.findByRole('button', { name: 'New' }));
    expect(editor().value).toBe(NEW_SPEC);
    expect(NEW_SPEC).toContain('kind: Job');
    expect((screen.getByRole('combobox', { name: 'Target connection' }) as HTMLSelectElement).value).toBe('k-prod');
    await user.clear(screen.getByRole('textbox', { name: 'Name' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'hello-job');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.method('pipelines.save')).toHaveBeenCalledWith({ name: 'hello-job', connectionId: 'k-prod', text: NEW_SPEC, message: '' }));
    expect(usePipelines.getState().selectedId).toBe('sp-new');
    expect(await screen.findByText('Version 1, saved')).toBeTruthy();
  });

  it('refuses a name with a slash before asking the services', async () => {
    const user = userEvent.setup();
    const fake = library();
    render(fake);
    await user.click(await screen.findByRole('button', { name: 'New' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), '/x');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('may not contain "/"');
    expect(fake.method('pipelines.save')).not.toHaveBeenCalled();
  });

  it('saves the edit with its message and the version it began from, on the button and on Ctrl+S', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.save', () => ok(specMeta({ version: 4 })));
    render(fake);
    await openTrain(user);
    expect(screen.getByRole('button', { name: 'Save' }).hasAttribute('disabled')).toBe(true);
    await user.type(editor(), '# tuned');
    await user.type(screen.getByRole('textbox', { name: 'Save message' }), 'bigger batch');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.method('pipelines.save')).toHaveBeenCalledWith({ id: 'sp-train', name: 'nightly-train', connectionId: 'k-prod', namespace: 'ml-jobs', text: `${TRAIN_TEXT}# tuned`, message: 'bigger batch', baseVersion: 3 }));
    expect(await screen.findByText('Version 4, saved')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Save message' }) as HTMLInputElement).value).toBe('');

    await user.type(editor(), '!');
    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(fake.method('pipelines.save')).toHaveBeenLastCalledWith(expect.objectContaining({ text: `${TRAIN_TEXT}# tuned!`, baseVersion: 4 })));
  });

  it('keeps what is typed while a save is on its way, unsaved', async () => {
    const user = userEvent.setup();
    const fake = library();
    let answer: (saved: SpecMeta) => void = () => undefined;
    fake.handle('pipelines.save', () => new Promise((resolve) => (answer = (saved) => resolve(ok(saved)))));
    render(fake);
    await openTrain(user);
    await user.type(editor(), '# one');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await user.type(editor(), '# two');
    act(() => answer(specMeta({ version: 4 })));
    expect(await screen.findByText('Unsaved changes to version 4')).toBeTruthy();
    expect(editor().value).toBe(`${TRAIN_TEXT}# one# two`);
  });

  it('says when someone saved meanwhile, keeps the text to copy, and reloads theirs on request', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.save', () => fail('CONFLICT', 'Version 4 was saved meanwhile'));
    render(fake);
    await openTrain(user);
    fake.handle('pipelines.spec', () => ok(spec({ version: 4, text: 'their text' })));
    await user.type(editor(), 'my change');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Someone saved this spec meanwhile');
    expect(within(alert).getByRole('button', { name: 'Copy your text' })).toBeTruthy();
    expect(editor().value).toBe(`${TRAIN_TEXT}my change`);

    await user.click(within(alert).getByRole('button', { name: 'Reload the current version' }));
    await waitFor(() => expect(editor().value).toBe('their text'));
    expect(screen.getByRole('button', { name: 'Copy your earlier text' })).toBeTruthy();
    fake.handle('pipelines.save', () => ok(specMeta({ version: 5 })));
    await user.type(editor(), '!');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.method('pipelines.save')).toHaveBeenLastCalledWith(expect.objectContaining({ text: 'their text!', baseVersion: 4 })));
  });

  it('shows a name clash as it is, not as a save made meanwhile', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.save', () => fail('CONFLICT', 'Another spec is named etl-cron'));
    render(fake);
    await openTrain(user);
    await user.clear(screen.getByRole('textbox', { name: 'Name' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'etl-cron');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Another spec is named etl-cron');
    expect(alert.textContent).toContain('Not saved');
    expect(alert.textContent).not.toContain('Someone saved this spec meanwhile');
  });

  it('asks before unsaved changes are dropped by choosing another spec', async () => {
    const user = userEvent.setup();
    render();
    await openTrain(user);
    await user.type(editor(), 'unsaved');
    await user.click(within(specs()).getByText('etl-cron'));
    const dialog = screen.getByRole('dialog', { name: 'Discard changes' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(editor().value).toContain('unsaved');

    // Leaving the page keeps the draft.
    act(() => void (location.hash = '#/connections'));
    act(() => void (location.hash = '#/pipelines'));
    expect(((await screen.findByRole('textbox', { name: 'Spec YAML' })) as HTMLTextAreaElement).value).toContain('unsaved');

    await user.click(within(specs()).getByText('etl-cron'));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard changes' })).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(editor().value).toBe('kind: CronJob\n'));
    expect(screen.getByRole('heading', { name: 'etl-cron', level: 2 })).toBeTruthy();
  });
});

it('deletes a spec only after confirming', async () => {
  const user = userEvent.setup();
  const fake = library();
  fake.handle('pipelines.delete', () => ok({}));
  render(fake);
  await openTrain(user);
  await user.click(screen.getByRole('button', { name: 'Delete…' }));
  expect(fake.method('pipelines.delete')).not.toHaveBeenCalled();
  await user.click(within(screen.getByRole('dialog', { name: 'Delete nightly-train' })).getByRole('button', { name: 'Delete' }));
  expect(fake.method('pipelines.delete')).toHaveBeenCalledWith({ id: 'sp-train' });
  await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Spec YAML' })).toBeNull());
  expect(usePipelines.getState().selectedId).toBeNull();
});

describe('Pipelines page: dry run and apply', () => {
  it('places the dry run’s problems in the editor and lists them by line', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.dryRun', () =>
      ok({
        problems: [],
        documents: [
          {
            index: 0,
            line: 1,
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: 'train',
            namespace: 'ml-jobs',
            outcome: 'error',
            problems: [{ line: 11, column: 18, field: 'spec.template.spec.containers[0].image', message: 'Required value', severity: 'error' }],
            conflicts: [],
          },
        ],
      }),
    );
    render(fake);
    await openTrain(user);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(fake.method('pipelines.dryRun')).toHaveBeenCalledWith({ connectionId: 'k-prod', namespace: 'ml-jobs', text: TRAIN_TEXT });
    const report = await screen.findByRole('region', { name: 'Dry run' });
    expect(within(report).getByRole('status').textContent).toContain('The cluster would refuse this: 1 error.');
    expect(within(report).getByText(/Job train in ml-jobs \(line 1\): refused/)).toBeTruthy();
    expect(within(within(report).getByRole('list', { name: 'Problems' })).getByRole('listitem').textContent).toBe('Line 11, column 18: spec.template.spec.containers[0].image: Required value');
    expect(screen.getByRole('status', { name: 'Editor markers' }).textContent).toBe('11:Required value');

    await user.type(editor(), '#');
    expect(within(report).getByRole('status').textContent).toContain('The text changed since');
  });

  it('asks for a target connection before a dry run', async () => {
    const user = userEvent.setup();
    const fake = library();
    render(fake);
    await user.click(await within(specs()).findByText('etl-cron'));
    await user.click(await screen.findByRole('button', { name: 'Dry run' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Choose a target connection');
    expect(fake.method('pipelines.dryRun')).not.toHaveBeenCalled();
  });

  it('applies only a saved version: unsaved changes are saved first, then reviewed', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.save', () => ok(specMeta({ version: 4 })));
    render(fake);
    await openTrain(user);
    await user.type(editor(), '# more');
    await user.click(screen.getByRole('button', { name: 'Review and apply…' }));
    expect(screen.queryByRole('dialog', { name: 'Review and apply' })).toBeNull();
    const ask = await screen.findByRole('alert');
    expect(ask.textContent).toContain('Save your changes first');
    await user.click(within(ask).getByRole('button', { name: 'Save, then review' }));
    const review = await screen.findByRole('dialog', { name: 'Review and apply' });
    expect(review.textContent).toContain('prod-eu sp-train v4 production=true');
    expect(within(review).getByText(`${TRAIN_TEXT}# more`, { normalizer: (s) => s })).toBeTruthy();
  });
});

it('saves a new spec before its first review', async () => {
  const user = userEvent.setup();
  const fake = library();
  fake.handle('pipelines.save', (p) => ok(specMeta({ id: 'sp-new', name: p.name, version: 1, connectionId: p.connectionId, namespace: p.namespace })));
  render(fake);
  act(() => useConnections.getState().select('k-dev'));
  await user.click(await screen.findByRole('button', { name: 'New' }));
  await user.click(screen.getByRole('button', { name: 'Review and apply…' }));
  const ask = await screen.findByRole('alert');
  expect(ask.textContent).toContain('Save the spec first');
  await user.click(within(ask).getByRole('button', { name: 'Save, then review' }));
  expect((await screen.findByRole('dialog', { name: 'Review and apply' })).textContent).toContain('dev sp-new v1 production=false');
});

describe('Pipelines page: history', () => {
  const withHistory = () => {
    const fake = library();
    fake.handle('pipelines.versions', () => ok([specVersion(3, { gitCommit: '0123456789abcdef0123' }), specVersion(2), specVersion(1, { message: '' })]));
    fake.handle('pipelines.version', ({ version }) => ok({ text: `text of version ${version}` }));
    fake.handle('pipelines.applies', () => ok([specApply()]));
    return fake;
  };

  it('lists versions and applies, and compares any two versions side by side', async () => {
    const user = userEvent.setup();
    const fake = withHistory();
    render(fake);
    await openTrain(user);
    await user.click(screen.getByRole('button', { name: 'History' }));
    const versions = await screen.findByRole('table', { name: 'Versions' });
    await waitFor(() => expect(within(versions).getAllByRole('row')).toHaveLength(4));
    expect(within(versions).getAllByRole('row')[1].textContent).toContain('0123456789ab');
    expect(within(versions).getAllByRole('row')[3].textContent).toContain('No message');
    const applies = await screen.findByRole('table', { name: 'Applies' });
    expect(within(applies).getAllByRole('row')[1].textContent).toContain('Partly applied');
    expect(within(applies).getAllByRole('row')[1].textContent).toContain('1 applied · 1 failed · 0 not attempted');

    await user.click(screen.getByRole('checkbox', { name: 'Choose version 2' }));
    await screen.findByRole('figure', { name: 'Version 2 and Version 3 (current)' });
    await user.click(screen.getByRole('checkbox', { name: 'Choose version 1' }));
    const diff = await screen.findByRole('figure', { name: 'Version 1 and Version 2' });
    expect(within(diff).getByText('text of version 1')).toBeTruthy();
    expect(within(diff).getByText('text of version 2')).toBeTruthy();
    expect(fake.method('pipelines.version')).toHaveBeenCalledWith({ id: 'sp-train', version: 1 });
  });

  it('reverts to a version only after confirming, and edits the new current version', async () => {
    const user = userEvent.setup();
    const fake = withHistory();
    fake.handle('pipelines.revert', () => ok(specMeta({ version: 4 })));
    render(fake);
    await openTrain(user);
    await user.click(screen.getByRole('button', { name: 'History' }));
    await user.click(await screen.findByRole('checkbox', { name: 'Choose version 1' }));
    fake.handle('pipelines.spec', () => ok(spec({ version: 4, text: 'text of version 1' })));
    await user.click(screen.getByRole('button', { name: 'Revert to this version' }));
    expect(fake.method('pipelines.revert')).not.toHaveBeenCalled();
    const dialog = screen.getByRole('dialog', { name: 'Revert nightly-train' });
    await user.click(within(dialog).getByRole('button', { name: 'Revert' }));
    expect(fake.method('pipelines.revert')).toHaveBeenCalledWith({ id: 'sp-train', version: 1, baseVersion: 3 });
    await waitFor(() => expect(editor().value).toBe('text of version 1'));
    expect(screen.getByText('Version 4, saved')).toBeTruthy();
  });

  it('opens an apply’s task from the history', async () => {
    const user = userEvent.setup();
    const fake = withHistory();
    const task = { id: 't-apply', kind: 'pipelines.apply', title: 'Apply nightly-train v2 to prod-eu', target: 'prod-eu/ml-jobs', actor: 'me', status: 'failed' as const, phases: [], progress: { done: 1, total: 2 }, cancellable: false, startedAt: '2026-12-02T11:00:00Z', dismissed: false, report: { summary: 'Applied 1 of 2 documents; Job train failed', phases: [], lines: [], linesDropped: 0 } };
    fake.handle('tasks.get', () => ok(task));
    render(fake);
    await openTrain(user);
    await user.click(screen.getByRole('button', { name: 'History' }));
    await user.click(await screen.findByRole('button', { name: /Show the task of the apply/ }));
    const dialog = screen.getByRole('dialog', { name: 'Apply task' });
    expect(await within(dialog).findByText('Applied 1 of 2 documents; Job train failed')).toBeTruthy();
    expect(fake.method('tasks.get')).toHaveBeenCalledWith({ id: 't-apply' });
  });
});

describe('Pipelines page: import and export', () => {
  it('refuses an empty or relative path, then imports the full path typed', async () => {
    const user = userEvent.setup();
    const fake = library();
    const task = { id: 't-imp', kind: 'pipelines.import', title: 'Import specs from /srv/specs', target: '/srv/specs', actor: 'me', status: 'running' as const, phases: [], progress: { done: 2, total: 5, unit: 'files' }, cancellable: true, startedAt: '2026-12-04T10:00:00Z', dismissed: false };
    fake.handle('pipelines.import', () => ok({ taskId: 't-imp', task }));
    fake.handle('tasks.get', () => ok(task));
    render(fake);
    await user.click(await screen.findByRole('button', { name: 'Import…' }));
    const dialog = screen.getByRole('dialog', { name: 'Import pipeline specs' });
    expect(within(dialog).queryByRole('button', { name: 'Choose files…' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('Type a file or folder');
    const path = within(dialog).getByRole('textbox', { name: 'File or folder (full path)' });
    await user.type(path, 'specs/train.yaml');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('is not a full path');
    expect(fake.method('pipelines.import')).not.toHaveBeenCalled();
    await user.clear(path);
    await user.type(path, '/srv/specs');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.method('pipelines.import')).toHaveBeenCalledWith({ path: '/srv/specs' });
    expect(await within(dialog).findByText('2 / 5 files')).toBeTruthy();
  });

  it('offers the native picker in the desktop app', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('app.info', () => ok({ version: '0.1.0', mode: 'desktop', platform: 'linux', secretStorage: 'safeStorage', capabilities: { nativeFileDialog: true } }));
    fake.handle('pipelines.import', () => fail('VALIDATION', 'Nothing was chosen, so nothing was imported'));
    render(fake);
    await user.click(await screen.findByRole('button', { name: 'Import…' }));
    const dialog = screen.getByRole('dialog', { name: 'Import pipeline specs' });
    await user.click(await within(dialog).findByRole('button', { name: 'Choose files…' }));
    expect(fake.method('pipelines.import')).toHaveBeenCalledWith({});
    expect(await within(dialog).findByText('Nothing was chosen, so nothing was imported')).toBeTruthy();
  });

  it('exports every spec, or only the one shown', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.export', () => fail('FORBIDDEN', 'The folder is not writable'));
    render(fake);
    await openTrain(user);
    await user.click(screen.getByRole('button', { name: 'Export…' }));
    const dialog = screen.getByRole('dialog', { name: 'Export pipeline specs' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Folder (full path)' }), '/srv/out');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Only “nightly-train”' }));
    await user.click(within(dialog).getByRole('button', { name: 'Export' }));
    expect(fake.method('pipelines.export')).toHaveBeenCalledWith({ folder: '/srv/out', ids: ['sp-train'] });
    expect(await within(dialog).findByText('The folder is not writable')).toBeTruthy();
  });
});

describe('Pipelines page: git repository', () => {
  it('sets the repository to a full path typed, and says when a saved version could not be committed', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.gitRepository', () => ok({}));
    fake.handle('pipelines.setGitRepository', ({ path }) => (path === '/srv/repo' ? ok({ path }) : fail('VALIDATION', `${path} is not a git work tree`)));
    fake.handle('pipelines.save', () => ok({ ...specMeta({ version: 4 }), gitProblem: 'git commit failed: the work tree has a merge in progress' }));
    render(fake);
    await user.click(await screen.findByRole('button', { name: 'Git repository…' }));
    const dialog = screen.getByRole('dialog', { name: 'Git repository for specs' });
    expect(await within(dialog).findByText('No repository is set: versions are kept in Pilothouse only.')).toBeTruthy();
    const path = within(dialog).getByRole('textbox', { name: 'Work tree (full path)' });
    await user.type(path, 'repo');
    await user.click(within(dialog).getByRole('button', { name: 'Use this repository' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('is not a full path');
    await user.clear(path);
    await user.type(path, '/srv/nope');
    await user.click(within(dialog).getByRole('button', { name: 'Use this repository' }));
    expect(await within(dialog).findByText('/srv/nope is not a git work tree')).toBeTruthy();
    await user.clear(path);
    await user.type(path, '/srv/repo');
    await user.click(within(dialog).getByRole('button', { name: 'Use this repository' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Git repository for specs' })).toBeNull());
    expect(fake.method('pipelines.setGitRepository')).toHaveBeenLastCalledWith({ path: '/srv/repo' });

    await openTrain(user);
    await user.type(editor(), '#');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved “nightly-train”, but not committed to git')).toBeTruthy();
    expect(screen.getByText(/the work tree has a merge in progress/)).toBeTruthy();
  });
});
