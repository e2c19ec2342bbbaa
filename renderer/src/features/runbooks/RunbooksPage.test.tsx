import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParamsIn } from '../../../../shared/contract';
import { createFakeBridge, fail, ok, type FakeBridge } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useRunbooks } from './runbooksStore';
import { DRAIN_BODY, hit, runbook, use } from './testKit';

// Monaco cannot run in jsdom: the editor is a text area here, with the same props.
vi.mock('./MarkdownEditor', () => ({
  MarkdownEditor: ({ value, onChange, label }: { value: string; onChange(v: string): void; label: string }) => <textarea aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} />,
}));

type SearchParams = ParamsIn<'runbooks.search'>;

const library = () =>
  createFakeBridge({
    'runbooks.search': (p: SearchParams) =>
      ok({
        hits: p.query?.startsWith('drain')
          ? [hit({ titleHighlight: [{ text: 'Drain', hit: true }, { text: ' a GPU node', hit: false }], snippet: [{ text: '…then ', hit: false }, { text: '<b>drain</b>', hit: true }, { text: ' it', hit: false }] })]
          : [hit(), hit({ id: 'rb-rollback', title: 'Roll back a model server', tags: ['rollback'], severity: 'critical' })],
        total: 2,
        tags: [
          { tag: 'gpu', count: 1 },
          { tag: 'rollback', count: 1 },
        ],
      }),
    'runbooks.get': ({ id }) => ok(id === 'rb-drain' ? runbook() : runbook({ id: 'rb-rollback', title: 'Roll back a model server', body: '# Roll back\n' })),
    'runbooks.uses': () => ok([]),
  });

const searchBox = () => screen.getByRole('combobox');
const results = () => screen.getByRole('listbox', { name: 'Runbooks' });
const lastSearch = (fake: FakeBridge) => fake.method('runbooks.search').mock.calls.at(-1)![0] as SearchParams;

beforeEach(() => {
  useRunbooks.setState({ selectedId: null, draft: null });
});

describe('Runbooks page: search', () => {
  it('searches as you type and marks the matches as text, never as HTML', async () => {
    const user = userEvent.setup();
    const fake = library();
    renderApp(fake, '#/runbooks');
    expect(await within(results()).findAllByRole('option')).toHaveLength(2);
    await user.type(searchBox(), 'drain');
    await waitFor(() => expect(lastSearch(fake).query).toBe('drain'));
    const option = await within(results()).findByRole('option');
    expect([...option.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['Drain', '<b>drain</b>']);
    expect(option.querySelector('b')).toBeNull();
  });

  it('filters by tag chips with their counts, and by a resource', async () => {
    const user = userEvent.setup();
    const fake = library();
    renderApp(fake, '#/runbooks');
    const chips = await screen.findByRole('list', { name: 'Filter by tag' });
    const gpu = within(chips).getByRole('button', { name: 'gpu 1' });
    await user.click(gpu);
    await waitFor(() => expect(lastSearch(fake).tags).toEqual(['gpu']));
    expect(gpu.getAttribute('aria-pressed')).toBe('true');

    const resource = screen.getByRole('textbox', { name: 'Resource' });
    await user.type(resource, 'deployment');
    expect(screen.getByText(/A resource is kind\/name/)).toBeTruthy();
    expect(lastSearch(fake).resource).toBeUndefined();
    await user.type(resource, '/payments');
    await waitFor(() => expect(lastSearch(fake)).toMatchObject({ tags: ['gpu'], resource: 'deployment/payments' }));
  });

  it('moves through the results with the arrow keys, showing each runbook', async () => {
    const user = userEvent.setup();
    renderApp(library(), '#/runbooks');
    await within(results()).findAllByRole('option');
    searchBox().focus();
    await user.keyboard('{ArrowDown}');
    expect(await screen.findByRole('heading', { name: 'Drain a GPU node', level: 2 })).toBeTruthy();
    await user.keyboard('{ArrowDown}');
    expect(await screen.findByRole('heading', { name: 'Roll back a model server', level: 2 })).toBeTruthy();
    expect(within(results()).getAllByRole('option')[1].getAttribute('aria-selected')).toBe('true');
    expect(searchBox().getAttribute('aria-activedescendant')).toBe(within(results()).getAllByRole('option')[1].id);
  });

  it('asks again when the library changes', async () => {
    const fake = library();
    renderApp(fake, '#/runbooks');
    await within(results()).findAllByRole('option');
    const before = fake.method('runbooks.search').mock.calls.length;
    act(() => fake.emit('runbooks.changed', { ids: ['rb-drain'] }));
    await waitFor(() => expect(fake.method('runbooks.search').mock.calls.length).toBeGreaterThan(before));
  });

  it('offers the starter runbooks when the library is empty', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({ 'runbooks.search': () => ok({ hits: [], total: 0, tags: [] }), 'runbooks.addStarters': () => ok({ added: 5 }) });
    renderApp(fake, '#/runbooks');
    expect(await screen.findByText('The library has no runbooks yet.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Add the starter runbooks' }));
    expect(fake.method('runbooks.addStarters')).toHaveBeenCalledWith({});
    expect(await screen.findByText('Added 5 starter runbooks')).toBeTruthy();
  });

  it('shows the chosen runbook with its tags, resources, severity and version', async () => {
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(library(), '#/runbooks');
    const article = await screen.findByRole('article', { name: 'Drain a GPU node' });
    expect(within(article).getByRole('list', { name: 'Tags' }).textContent).toBe('gpunodes');
    expect(within(article).getByRole('list', { name: 'Resources' }).textContent).toBe('node/gpu-1');
    expect(within(article).getByText('high')).toBeTruthy();
    expect(article.textContent).toContain('3, saved');
    // The body, rendered: a link that opens only through the external path.
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    await userEvent.setup().click(within(article).getByRole('link', { name: 'the docs' }));
    expect(open).toHaveBeenCalledWith('https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/', '_blank', 'noopener,noreferrer');
  });
});

describe('Runbooks page: editing', () => {
  it('keeps the text and says why when the front matter is refused', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.save', () => fail('VALIDATION', 'front matter line 2: tags must be a list', { file: 'front matter', line: 2 }));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const editor = screen.getByRole('textbox', { name: 'Markdown of Drain a GPU node' });
    await user.clear(editor);
    await user.type(editor, '---{Enter}tags: gpu{Enter}---{Enter}# Mine');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not saved: fix the runbook');
    expect(alert.textContent).toContain('tags must be a list');
    expect(alert.textContent).toContain('line 2');
    expect((screen.getByRole('textbox', { name: 'Markdown of Drain a GPU node' }) as HTMLTextAreaElement).value).toBe('---\ntags: gpu\n---\n# Mine');
    expect(fake.method('runbooks.save')).toHaveBeenCalledWith({ id: 'rb-drain', source: '---\ntags: gpu\n---\n# Mine', baseVersion: 3 });
  });

  it('says when someone saved meanwhile, keeps the text to copy, and reloads theirs on request', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.save', () => fail('CONFLICT', 'Version 4 was saved meanwhile'));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const editor = screen.getByRole('textbox', { name: 'Markdown of Drain a GPU node' });
    await user.type(editor, 'my change');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Someone saved this runbook meanwhile');
    expect(within(alert).getByRole('button', { name: 'Copy your text' })).toBeTruthy();
    expect((editor as HTMLTextAreaElement).value).toContain('my change');

    fake.handle('runbooks.get', () => ok(runbook({ version: 4, source: 'their text' })));
    await user.click(within(alert).getByRole('button', { name: 'Reload the current version' }));
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Markdown of Drain a GPU node' }) as HTMLTextAreaElement).value).toBe('their text'));
    expect(screen.getByRole('button', { name: 'Copy your earlier text' })).toBeTruthy();
    fake.handle('runbooks.save', () => ok(runbook({ version: 5 })));
    await user.type(screen.getByRole('textbox', { name: 'Markdown of Drain a GPU node' }), '!');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.method('runbooks.save')).toHaveBeenLastCalledWith({ id: 'rb-drain', source: 'their text!', baseVersion: 4 }));
  });

  it('asks before unsaved changes are dropped by choosing another runbook', async () => {
    const user = userEvent.setup();
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(library(), '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    await user.type(screen.getByRole('textbox', { name: 'Markdown of Drain a GPU node' }), 'unsaved');
    await user.click(within(results()).getByText('Roll back a model server'));
    const dialog = screen.getByRole('dialog', { name: 'Discard changes' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect((screen.getByRole('textbox', { name: 'Markdown of Drain a GPU node' }) as HTMLTextAreaElement).value).toContain('unsaved');

    // Leaving the page keeps the draft: it is there on coming back.
    act(() => void (location.hash = '#/connections'));
    act(() => void (location.hash = '#/runbooks'));
    expect((await screen.findByRole('textbox', { name: 'Markdown of Drain a GPU node' }) as HTMLTextAreaElement).value).toContain('unsaved');

    await user.click(within(results()).getByText('Roll back a model server'));
    await user.click(within(screen.getByRole('dialog', { name: 'Discard changes' })).getByRole('button', { name: 'Discard changes' }));
    expect(await screen.findByRole('heading', { name: 'Roll back a model server', level: 2 })).toBeTruthy();
  });

  it('creates a new runbook without an id or base version', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.save', () => ok(runbook({ id: 'rb-new', title: 'New runbook', version: 1 })));
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'New' }));
    await user.type(screen.getByRole('textbox', { name: 'Markdown of the new runbook' }), 'x');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.method('runbooks.save')).toHaveBeenCalledWith({ source: expect.stringContaining('title: New runbook') }));
    expect(useRunbooks.getState().selectedId).toBe('rb-new');
  });

  it('lists versions and shows what changed since one', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.versions', () =>
      ok([
        { version: 3, title: 'Drain a GPU node', savedAt: '2026-12-01T10:00:00Z', savedBy: 'me@laptop', bytes: 300 },
        { version: 2, title: 'Drain a node', savedAt: '2026-11-01T10:00:00Z', savedBy: 'ana@desk', bytes: 280 },
      ]),
    );
    fake.handle('runbooks.version', () => ok({ source: runbook().source.replace('Drain it', 'Evict it') }));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Versions' }));
    const dialog = screen.getByRole('dialog', { name: 'Versions of Drain a GPU node' });
    await user.click(await within(dialog).findByRole('button', { name: /Version 2/ }));
    const diff = await within(dialog).findByRole('figure', { name: 'Changes from version 2 to version 3 (current)' });
    expect(within(diff).getByText('- [ ] Evict it')).toBeTruthy();
    expect(within(diff).getByText('- [ ] Drain it')).toBeTruthy();
    expect(fake.method('runbooks.version')).toHaveBeenCalledWith({ id: 'rb-drain', version: 2 });
  });

  it('compares any two versions', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.versions', () =>
      ok([
        { version: 3, title: 'Drain a GPU node', savedAt: '2026-12-01T10:00:00Z', savedBy: 'me@laptop', bytes: 300 },
        { version: 2, title: 'Drain a node', savedAt: '2026-11-01T10:00:00Z', savedBy: 'ana@desk', bytes: 280 },
        { version: 1, title: 'Drain a node', savedAt: '2026-10-01T10:00:00Z', savedBy: 'ana@desk', bytes: 20 },
      ]),
    );
    fake.handle('runbooks.version', ({ version }) => ok({ source: `step of version ${version}` }));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Versions' }));
    const dialog = screen.getByRole('dialog', { name: 'Versions of Drain a GPU node' });
    await user.click(await within(dialog).findByRole('button', { name: /Version 1/ }));
    await within(dialog).findByRole('figure', { name: 'Changes from version 1 to version 3 (current)' });
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Compare with' }), 'Version 2');
    const diff = await within(dialog).findByRole('figure', { name: 'Changes from version 1 to version 2' });
    expect(within(diff).getByText('step of version 1')).toBeTruthy();
    expect(within(diff).getByText('step of version 2')).toBeTruthy();
    expect(fake.method('runbooks.version')).toHaveBeenCalledWith({ id: 'rb-drain', version: 2 });
  });

  it('deletes a runbook only after confirming', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.delete', () => ok({}));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Delete…' }));
    expect(fake.method('runbooks.delete')).not.toHaveBeenCalled();
    await user.click(within(screen.getByRole('dialog', { name: 'Delete Drain a GPU node' })).getByRole('button', { name: 'Delete' }));
    expect(fake.method('runbooks.delete')).toHaveBeenCalledWith({ id: 'rb-drain' });
    await waitFor(() => expect(useRunbooks.getState().selectedId).toBeNull());
  });
});

describe('Runbooks page: checklists', () => {
  it('ticking with no use starts one named by the date, then ticks are kept for it', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.startUse', () => ok(use({ label: '2026-12-04' })));
    fake.handle('runbooks.check', ({ item, checked }) => ok(use({ label: '2026-12-04', checked: checked ? [item] : [] })));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    const drain = await screen.findByRole('checkbox', { name: 'Drain it' });
    await user.click(drain);
    await waitFor(() => expect(fake.method('runbooks.check')).toHaveBeenCalledWith({ useId: 'use-1', item: 1, checked: true }));
    expect(fake.method('runbooks.startUse')).toHaveBeenCalledWith({ id: 'rb-drain' });
    await waitFor(() => expect((screen.getByRole('checkbox', { name: 'Drain it' }) as HTMLInputElement).checked).toBe(true));
    expect((screen.getByRole('checkbox', { name: 'Cordon it' }) as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText('1 of 2 ticked for “2026-12-04”.')).toBeTruthy();
  });

  it('shows the ticks of the use chosen, and starts a labelled use', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.uses', () => ok([use({ id: 'use-9', label: 'incident 4711', checked: [0] })]));
    fake.handle('runbooks.startUse', ({ label }) => ok(use({ id: 'use-10', label: label ?? '?' })));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    const select = await screen.findByRole('combobox', { name: 'Checklist for' });
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(2));
    await user.selectOptions(select, 'use-9');
    await waitFor(() => expect((screen.getByRole('checkbox', { name: 'Cordon it' }) as HTMLInputElement).checked).toBe(true));

    await user.type(screen.getByRole('textbox', { name: 'New use' }), 'drill 12');
    await user.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(fake.method('runbooks.startUse')).toHaveBeenCalledWith({ id: 'rb-drain', label: 'drill 12' }));
    await waitFor(() => expect((screen.getByRole('checkbox', { name: 'Cordon it' }) as HTMLInputElement).checked).toBe(false));
  });

  it('shows a use started on an older version with that version’s checklist, and says so', async () => {
    const user = userEvent.setup();
    const fake = library();
    // Version 3 put a new first item; the use was started on version 2, where "Drain it" was item 1.
    fake.handle('runbooks.get', () => ok(runbook({ version: 3, body: '# Drain a GPU node\n\n- [ ] Page the owners\n- [ ] Cordon it\n- [ ] Drain it\n' })));
    fake.handle('runbooks.uses', () => ok([use({ id: 'use-2', version: 2, label: 'incident 4711', checked: [1] })]));
    fake.handle('runbooks.version', ({ version }) => ok({ source: `---\ntitle: Drain a GPU node\n---\n# Drain, version ${version}\n\n- [ ] Cordon it\n- [ ] Drain it\n` }));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    const select = await screen.findByRole('combobox', { name: 'Checklist for' });
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(2));
    await user.selectOptions(select, 'use-2');
    await waitFor(() => expect((screen.getByRole('checkbox', { name: 'Drain it' }) as HTMLInputElement).checked).toBe(true));
    expect(screen.queryByRole('checkbox', { name: 'Page the owners' })).toBeNull();
    expect(screen.getByRole('note').textContent).toContain('was started on version 2; the runbook is at version 3 now');
    expect(fake.method('runbooks.version')).toHaveBeenCalledWith({ id: 'rb-drain', version: 2 });
  });

  it('puts a tick back and says why when it could not be saved', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('runbooks.uses', () => ok([use({ checked: [] })]));
    fake.handle('runbooks.check', () => fail('NOT_FOUND', 'That use was deleted'));
    useRunbooks.setState({ selectedId: 'rb-drain' });
    renderApp(fake, '#/runbooks');
    const select = await screen.findByRole('combobox', { name: 'Checklist for' });
    await waitFor(() => expect(within(select).getAllByRole('option')).toHaveLength(2));
    await user.selectOptions(select, 'use-1');
    await user.click(screen.getByRole('checkbox', { name: 'Cordon it' }));
    expect(await screen.findByText('That use was deleted')).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: 'Cordon it' }) as HTMLInputElement).checked).toBe(false);
  });
});

describe('Runbooks page: import', () => {
  it('imports a typed folder in the browser and follows the task to its report', async () => {
    const user = userEvent.setup();
    const fake = library();
    const task = { id: 't-rb', kind: 'runbooks.import', title: 'Import runbooks from /srv/runbooks', target: '/srv/runbooks', actor: 'me', status: 'running' as const, phases: [{ name: 'read', state: 'running' as const }], phase: 'read', progress: { done: 3, total: 10, unit: 'files' }, cancellable: true, startedAt: '2026-12-04T10:00:00Z', dismissed: false };
    fake.handle('runbooks.import', () => ok({ taskId: 't-rb', task }));
    fake.handle('tasks.get', () => ok(task));
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Import folder…' }));
    const dialog = screen.getByRole('dialog', { name: 'Import runbooks' });
    expect(within(dialog).queryByRole('button', { name: 'Choose a folder…' })).toBeNull();
    await user.type(within(dialog).getByRole('textbox', { name: 'Folder (full path)' }), '/srv/runbooks');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.method('runbooks.import')).toHaveBeenCalledWith({ folder: '/srv/runbooks' });
    expect(await within(dialog).findByText('3 / 10 files')).toBeTruthy();

    const done = { ...task, status: 'succeeded' as const, progress: { done: 10, total: 10, unit: 'files' }, report: { summary: 'Added 9 runbooks; 1 file refused', phases: [], lines: [], linesDropped: 0 } };
    fake.handle('tasks.get', () => ok(done));
    act(() => fake.emit('tasks.changed', { tasks: [{ ...done, report: undefined }] }));
    expect(await within(dialog).findByText('Added 9 runbooks; 1 file refused')).toBeTruthy();
  });

  it('offers the native folder picker in the desktop app', async () => {
    const user = userEvent.setup();
    const fake = library();
    fake.handle('app.info', () => ok({ version: '0.1.0', mode: 'desktop', platform: 'linux', secretStorage: 'safeStorage', capabilities: { nativeFileDialog: true } }));
    fake.handle('runbooks.import', () => fail('VALIDATION', 'No folder was chosen, so nothing was imported'));
    renderApp(fake, '#/runbooks');
    await user.click(await screen.findByRole('button', { name: 'Import folder…' }));
    const dialog = screen.getByRole('dialog', { name: 'Import runbooks' });
    await user.click(await within(dialog).findByRole('button', { name: 'Choose a folder…' }));
    expect(fake.method('runbooks.import')).toHaveBeenCalledWith({});
    expect(await within(dialog).findByText('No folder was chosen, so nothing was imported')).toBeTruthy();
  });
});

// The body the page renders is checked in the renderer's own tests; here, only that it is the runbook's.
it('renders the runbook body from its Markdown', async () => {
  useRunbooks.setState({ selectedId: 'rb-drain' });
  renderApp(library(), '#/runbooks');
  const article = await screen.findByRole('article', { name: 'Drain a GPU node' });
  await waitFor(() => expect(article.querySelector('.runbook-body pre code')?.textContent).toBe(DRAIN_BODY.split('```bash\n')[1].split('```')[0]));
});
