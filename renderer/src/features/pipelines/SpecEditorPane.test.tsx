import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DryRunResult, SpecMeta } from '../../../../shared/contract';
import { createFakeMonaco } from '../../shell/monaco/fakeMonaco';
import { DRY_RUN_OWNER } from '../../shell/monaco/YamlSpecEditor';
import { createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { usePipelines } from './pipelinesStore';
import { spec, specMeta, TRAIN_TEXT } from './testKit';

// The spec editor with Monaco's fake behind it: answers that arrive after the user typed or moved on.
const monaco = vi.hoisted(() => ({ current: undefined as ReturnType<typeof createFakeMonaco> | undefined }));
vi.mock('../../shell/monaco/loadMonaco', () => ({ loadMonaco: () => Promise.resolve(monaco.current!.monaco) }));
vi.mock('./runs/RunsView', () => ({ RunsView: () => <p>runs</p> }));

const library = () =>
  createFakeBridge({
    'connections.list': () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev', labels: {} })]),
    'pipelines.specs': () => ok([specMeta(), specMeta({ id: 'sp-etl', name: 'etl-cron', kinds: ['batch/v1 CronJob'], documents: 1, version: 1, connectionId: undefined, namespace: undefined })]),
    'pipelines.spec': ({ id }) => ok(id === 'sp-train' ? spec() : spec({ id: 'sp-etl', name: 'etl-cron', text: 'kind: CronJob\n', version: 1, connectionId: undefined, namespace: undefined })),
    'pipelines.schema': (p) => ok({ schema: {}, kinds: p.kinds.map((k) => ({ ...k, source: 'bundled' as const })) }),
  });

const specs = () => screen.getByRole('listbox', { name: 'Pipeline specs' });
const liveEditor = () => monaco.current!.editors.at(-1)!;
const typeAt = (line: number, text: string) => act(() => liveEditor().model.edit({ startLineNumber: line, startColumn: 1, endLineNumber: line, endColumn: 1 }, text));

beforeEach(() => {
  monaco.current = createFakeMonaco();
  usePipelines.setState({ selectedId: null, draft: null, dialog: null, tab: 'specs', history: false, pending: null });
});

async function openTrain(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await within(specs()).findByText('nightly-train'));
  await waitFor(() => expect(liveEditor().value()).toBe(TRAIN_TEXT));
  await waitFor(() => expect(liveEditor().host.hidden).toBe(false));
}

/** The image line of TRAIN_TEXT (11) is refused. */
const imageRefused = (): DryRunResult => ({
  problems: [],
  documents: [
    { index: 0, line: 1, apiVersion: 'batch/v1', kind: 'Job', name: 'train', namespace: 'ml-jobs', outcome: 'error', conflicts: [], problems: [{ line: 11, column: 18, field: 'image', message: 'Required value', severity: 'error' }] },
  ],
});

describe('spec editor: answers that come late', () => {
  it('puts a dry run’s problems on their lines as the text is now, when the user typed while it ran', async () => {
    const user = userEvent.setup();
    const fake = library();
    let answer: (r: DryRunResult) => void = () => undefined;
    fake.handle('pipelines.dryRun', () => new Promise((resolve) => (answer = (r) => resolve(ok(r)))));
    renderApp(fake, '#/pipelines');
    await openTrain(user);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    // While the dry run is on its way, two comment lines are typed at the top.
    typeAt(1, '# a\n# b\n');
    act(() => answer(imageRefused()));
    const report = await screen.findByRole('region', { name: 'Dry run' });
    expect(monaco.current!.markers(liveEditor().model, DRY_RUN_OWNER).map((m) => m.startLineNumber)).toEqual([13]);
    expect(liveEditor().value().split('\n')[12]).toBe('          image: trainer:1.2');
    await user.click(within(report).getByRole('button', { name: /Line 13, column 18/ }));
    expect(liveEditor().cursor.revealed).toBe(13);

    // The refused line itself edited: its problem is no longer placed, nor a link to another line.
    typeAt(13, '# moved\n');
    typeAt(14, '#');
    expect(monaco.current!.markers(liveEditor().model, DRY_RUN_OWNER)).toEqual([]);
    expect(within(report).queryByRole('button', { name: /Line/ })).toBeNull();
    expect(report.textContent).toContain('the line was edited since');
  });

  it('puts a save’s answer only on the edit it was sent from: after a move to another spec, that one stays as it is', async () => {
    const user = userEvent.setup();
    const fake = library();
    let answer: (saved: SpecMeta) => void = () => undefined;
    fake.handle('pipelines.save', () => new Promise((resolve) => (answer = (saved) => resolve(ok(saved)))));
    renderApp(fake, '#/pipelines');
    await openTrain(user);
    typeAt(12, '# tuned');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await user.click(within(specs()).getByText('etl-cron'));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard changes' })).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(liveEditor().value()).toBe('kind: CronJob\n'));
    act(() => answer(specMeta({ version: 4 })));
    await act(async () => new Promise((r) => setTimeout(r, 20)));
    expect(screen.getByRole('heading', { name: 'etl-cron', level: 2 })).toBeTruthy();
    expect(screen.getByText('Version 1, saved')).toBeTruthy();
    expect(usePipelines.getState()).toMatchObject({ selectedId: 'sp-etl', draft: { id: 'sp-etl', baseVersion: 1, name: 'etl-cron' } });
  });

  it('leaves the saved version shown, not the old text as unsaved changes, when the draft is discarded during its save', async () => {
    const user = userEvent.setup();
    const fake = library();
    let answer: (saved: SpecMeta) => void = () => undefined;
    fake.handle('pipelines.save', () => new Promise((resolve) => (answer = (saved) => resolve(ok(saved)))));
    renderApp(fake, '#/pipelines');
    await openTrain(user);
    typeAt(12, '# tuned');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await user.click(screen.getByRole('button', { name: 'Discard changes…' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard changes' })).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => expect(liveEditor().value()).toBe(TRAIN_TEXT));
    // The save lands as version 4, and the library says so.
    fake.handle('pipelines.spec', () => ok(spec({ version: 4, text: `${TRAIN_TEXT}# tuned` })));
    act(() => answer(specMeta({ version: 4 })));
    act(() => fake.emit('pipelines.changed', { ids: ['sp-train'] }));
    await waitFor(() => expect(screen.getByText('Version 4, saved')).toBeTruthy());
    expect(liveEditor().value()).toBe(`${TRAIN_TEXT}# tuned`);
    expect(screen.queryByText(/Unsaved changes/)).toBeNull();
  });
});

describe('spec editor: what stays with the draft', () => {
  it('keeps the earlier text after a reload, the save message and the dry run through History and another page', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.save', () => fail('CONFLICT', 'Version 4 was saved meanwhile'));
    fake.handle('pipelines.versions', () => ok([]));
    fake.handle('pipelines.applies', () => ok([]));
    fake.handle('pipelines.dryRun', () => ok(imageRefused()));
    renderApp(fake, '#/pipelines');
    await openTrain(user);
    typeAt(12, '# my hour of work');
    fake.handle('pipelines.spec', () => ok(spec({ version: 4, text: TRAIN_TEXT })));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await user.click(await screen.findByRole('button', { name: 'Reload the current version' }));
    await waitFor(() => expect(liveEditor().value()).toBe(TRAIN_TEXT));
    await user.type(screen.getByRole('textbox', { name: 'Save message' }), 'redo my change');
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await screen.findByRole('region', { name: 'Dry run' });

    const stillThere = async () => {
      await waitFor(() => expect(liveEditor().value()).toBe(TRAIN_TEXT));
      expect(screen.getByRole('button', { name: 'Copy your earlier text' })).toBeTruthy();
      expect(screen.getByRole('textbox', { name: 'Save message' })).toHaveProperty('value', 'redo my change');
      expect(within(screen.getByRole('region', { name: 'Dry run' })).getByRole('button', { name: /Line 11, column 18/ })).toBeTruthy();
      await waitFor(() => expect(monaco.current!.markers(liveEditor().model, DRY_RUN_OWNER).map((m) => m.startLineNumber)).toEqual([11]));
    };
    await user.click(screen.getByRole('button', { name: 'History' }));
    await screen.findByRole('region', { name: /History of/ });
    await user.click(screen.getByRole('button', { name: 'History' }));
    await stillThere();
    expect(usePipelines.getState().draft?.earlier).toContain('my hour of work');

    act(() => void (location.hash = '#/connections'));
    await waitFor(() => expect(screen.queryByRole('listbox', { name: 'Pipeline specs' })).toBeNull());
    act(() => void (location.hash = '#/pipelines'));
    await stillThere();
  });

  it('guards an unsaved draft against closing the window wherever the user is, and not once it is saved', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('pipelines.save', () => ok(specMeta({ version: 4 })));
    renderApp(fake, '#/pipelines');
    await openTrain(user);
    const unload = () => {
      const e = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    };
    expect(unload()).toBe(false);
    typeAt(12, '# unsaved');
    expect(unload()).toBe(true);
    await user.click(screen.getByRole('tab', { name: 'Runs' }));
    expect(unload()).toBe(true);
    act(() => void (location.hash = '#/connections'));
    expect(unload()).toBe(true);
    act(() => void (location.hash = '#/pipelines'));
    await user.click(await screen.findByRole('tab', { name: 'Specs' }));
    await user.click(await screen.findByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByText('Version 4, saved')).toBeTruthy());
    expect(unload()).toBe(false);
  });
});
