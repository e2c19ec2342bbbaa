import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { MAX_IMPORT_BYTES, type KubeconfigPreview, type TaskSummary } from '../../../../shared/contract';
import { browserInfo, createFakeBridge, fail, importTask, kubeConnection, ok, type FakeBridge } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\n';

const preview: KubeconfigPreview = {
  sourceLabel: 'pasted text',
  currentContext: 'dev',
  contexts: [
    {
      contextName: 'prod-eu',
      clusterName: 'prod-eu',
      userName: 'admin',
      server: 'https://10.0.0.1:6443',
      authKind: 'exec',
      execCommand: 'aws',
      commands: [],
      localFiles: [],
      settings: [],
      confirmRequired: false,
      source: 'pasted text',
      line: 12,
      suggestedName: 'prod-eu',
      existingConnectionId: 'k-prod',
    },
    {
      contextName: 'dev',
      clusterName: 'kind-dev',
      userName: 'dev',
      server: 'https://127.0.0.1:6443',
      namespace: 'ml',
      authKind: 'token',
      commands: [],
      localFiles: [],
      settings: [],
      confirmRequired: false,
      source: 'pasted text',
      line: 30,
      suggestedName: 'dev',
    },
  ],
  rejected: [{ name: 'ci', reason: 'user "ci" has no credentials', source: 'pasted text', line: 44 }],
};

function setup() {
  const fake = createFakeBridge({
    'connections.list': () => ok([kubeConnection()]),
    'connections.previewKubeconfig': () => ok(preview),
    'connections.importKubeconfig': () => ok({ taskId: 't-import', task: importTask() }),
    'tasks.get': () => ok(importTask()),
  });
  const user = userEvent.setup();
  renderApp(fake);
  return { fake, user };
}

/** The services' side of the started import: what `tasks.get` answers, and the events that move it on. */
function importRuns(fake: FakeBridge) {
  let current = importTask();
  fake.handle('tasks.get', () => ok(current));
  return {
    moves(patch: Partial<TaskSummary>) {
      current = { ...current, ...patch };
      act(() => fake.emit('tasks.changed', { tasks: [{ ...current, report: undefined }] }));
    },
  };
}

/** Imports "dev" alone ("prod-eu" would clash with a stored connection). */
async function importDev(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement) {
  await user.click(within(dialog).getByRole('checkbox', { name: /Import prod-eu/ }));
  await user.click(within(dialog).getByRole('button', { name: 'Import' }));
}

const ended = (state: 'done' | 'failed' | 'skipped', at: string) =>
  importTask().phases.map((p) => ({ ...p, state: p.name === at ? state : p.name < at ? ('done' as const) : ('skipped' as const) }));

async function pasteAndPreview(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Import kubeconfig' }));
  const dialog = screen.getByRole('dialog', { name: 'Import kubeconfig' });
  await user.click(within(dialog).getByRole('radio', { name: 'Paste' }));
  await user.click(within(dialog).getByLabelText('Kubeconfig text'));
  await user.paste(KUBECONFIG);
  await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
  await within(dialog).findByRole('list', { name: 'Contexts' });
  return dialog;
}

describe('import kubeconfig dialog', () => {
  it('previews pasted text, lists rejected contexts, and imports only once the name clash is resolved', async () => {
    const { fake, user } = setup();
    const dialog = await pasteAndPreview(user);
    expect(fake.method('connections.previewKubeconfig')).toHaveBeenCalledWith({ source: { kind: 'text', text: KUBECONFIG } });

    const rejected = within(dialog).getByRole('region', { name: 'Cannot be imported' });
    expect(rejected.textContent).toContain('user "ci" has no credentials');
    expect(rejected.textContent).toContain('line 44');
    expect(within(dialog).getByText('name already used')).toBeTruthy();

    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.method('connections.importKubeconfig')).not.toHaveBeenCalled();
    const prodName = within(dialog).getByLabelText('Connection name for prod-eu');
    expect(prodName.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(prodName));

    await user.click(within(dialog).getByLabelText('Replace existing connection for prod-eu'));
    const devName = within(dialog).getByLabelText('Connection name for dev');
    await user.clear(devName);
    await user.type(devName, 'dev-ml');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    expect(fake.method('connections.importKubeconfig')).toHaveBeenCalledWith({
      source: { kind: 'text', text: KUBECONFIG },
      selections: [
        { contextName: 'prod-eu', name: 'prod-eu', onConflict: 'replace' },
        { contextName: 'dev', name: 'dev-ml', onConflict: 'fail' },
      ],
    });
    expect(await within(dialog).findByRole('region', { name: 'Import progress' })).toBeTruthy();
  });

  it('shows the import task\'s phase and progress, then what it imported and what the file held that could not be', async () => {
    const { fake, user } = setup();
    const task = importRuns(fake);
    const dialog = await pasteAndPreview(user);
    await importDev(user, dialog);
    const progress = await within(dialog).findByRole('region', { name: 'Import progress' });
    expect(progress.textContent).toContain('Phase 1 of 4: read');
    expect(progress.textContent).toContain('Working…');

    task.moves({ phase: 'seal', progress: { done: 500, total: 1000, unit: 'contexts' } });
    await waitFor(() => expect(progress.textContent).toContain('Phase 3 of 4: seal'));
    const bar = within(progress).getByRole('progressbar', { name: 'Import 1,000 contexts from pasted text' });
    expect(bar.getAttribute('aria-valuetext')).toBe('500 / 1,000 contexts');
    expect(within(progress).getByRole('button', { name: 'Cancel import' }).getAttribute('aria-disabled')).toBe('false');

    task.moves({ phase: 'save', cancellable: false, progress: { done: 0, total: 0, unit: 'contexts' } });
    await waitFor(() => expect(within(progress).getByRole('button', { name: 'Cancel import' }).getAttribute('aria-disabled')).toBe('true'));
    expect(progress.textContent).toContain('it can no longer be cancelled');

    // Saved: the services say so to every window, and the connections page refetches.
    fake.handle('connections.list', () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev' })]));
    act(() => fake.emit('connections.changed', { ids: ['k-dev'] }));
    const summary = 'Imported 1,000 contexts from pasted text (2 replaced existing connections).\n1 entry in the file could not be imported:\n- "ci" (pasted text, line 44): user "ci" has no credentials';
    task.moves({
      status: 'succeeded',
      phases: ended('done', 'save'),
      finishedAt: '2025-01-01T10:00:09Z',
      result: { imported: 1000, replaced: 2, rejected: 1 },
      report: { summary, phases: [], lines: [], linesDropped: 0 },
    });
    const outcome = await within(dialog).findByRole('region', { name: 'Import outcome' });
    expect(within(outcome).getByRole('status').textContent).toBe('Imported 1,000 connections (2 replaced existing ones); 1 entry in the file could not be.');
    await waitFor(() => expect(outcome.textContent).toContain('- "ci" (pasted text, line 44): user "ci" has no credentials'));
    await user.click(within(outcome).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Import kubeconfig' })).toBeNull());
    expect(screen.getByRole('table', { name: 'Connections' }).textContent).toContain('dev');
  });

  it('cancels the import task, and goes back to the choices saying nothing was imported', async () => {
    const { fake, user } = setup();
    const task = importRuns(fake);
    fake.handle('tasks.cancel', () => ok(importTask({ status: 'cancelling', cancellable: false })));
    const dialog = await pasteAndPreview(user);
    await importDev(user, dialog);
    const progress = await within(dialog).findByRole('region', { name: 'Import progress' });
    await user.click(within(progress).getByRole('button', { name: 'Cancel import' }));
    expect(fake.method('tasks.cancel')).toHaveBeenCalledWith({ id: 't-import' });
    task.moves({ status: 'cancelled', phases: ended('skipped', 'seal'), message: 'Cancelled by me@laptop', finishedAt: '2025-01-01T10:00:03Z' });
    const outcome = await within(dialog).findByRole('region', { name: 'Import outcome' });
    expect(outcome.textContent).toContain('Nothing was imported. Cancelled by me@laptop.');
    await user.click(within(outcome).getByRole('button', { name: 'Back to the choices' }));
    expect(within(dialog).getByRole('list', { name: 'Contexts' })).toBeTruthy();
  });

  it('shows why an import failed at save, and "Choose another name" leads back to the name that clashes', async () => {
    const { fake, user } = setup();
    const task = importRuns(fake);
    const dialog = await pasteAndPreview(user);
    await importDev(user, dialog);
    await within(dialog).findByRole('region', { name: 'Import progress' });
    // Another window created "dev" while this import was sealing.
    fake.handle('connections.list', () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev' })]));
    task.moves({
      status: 'failed',
      phase: 'save',
      phases: ended('failed', 'save'),
      error: { code: 'NAME_CONFLICT', message: '"dev" is already used: choose another name or replace' },
      finishedAt: '2025-01-01T10:00:05Z',
    });
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Name already used');
    expect(within(dialog).getByRole('region', { name: 'Import outcome' }).textContent).toContain('Nothing was imported.');
    await user.click(within(alert).getByRole('button', { name: 'Choose another name' }));
    const devName = await within(dialog).findByLabelText('Connection name for dev');
    await waitFor(() => expect(document.activeElement).toBe(devName));
    expect(devName.getAttribute('aria-invalid')).toBe('true');
  });

  it('lets the dialog close while the import runs: it carries on in the Tasks tray', async () => {
    const { user } = setup();
    const dialog = await pasteAndPreview(user);
    await importDev(user, dialog);
    const progress = await within(dialog).findByRole('region', { name: 'Import progress' });
    expect(progress.textContent).toContain('the Tasks tray shows how it ends');
    await user.click(within(progress).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog', { name: 'Import kubeconfig' })).toBeNull();
  });

  it('imports only the ticked contexts', async () => {
    const { fake, user } = setup();
    const dialog = await pasteAndPreview(user);
    await user.click(within(dialog).getByRole('checkbox', { name: /Import prod-eu/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.method('connections.importKubeconfig')).toHaveBeenCalledWith(expect.objectContaining({ selections: [{ contextName: 'dev', name: 'dev', onConflict: 'fail' }] }));
  });

  it('keeps the dialog open on NAME_CONFLICT and highlights the clash after refetching', async () => {
    const { fake, user } = setup();
    const dialog = await pasteAndPreview(user);
    await user.click(within(dialog).getByRole('checkbox', { name: /Import prod-eu/ }));
    // Someone else created "dev" meanwhile.
    fake.handle('connections.importKubeconfig', () => fail('NAME_CONFLICT', '"dev" is already used: choose another name or replace'));
    fake.handle('connections.list', () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev' })]));
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Name already used');
    const devName = within(dialog).getByLabelText('Connection name for dev');
    await waitFor(() => expect(devName.getAttribute('aria-invalid')).toBe('true'));
    await user.click(within(alert).getByRole('button', { name: 'Choose another name' }));
    expect(document.activeElement).toBe(devName);
  });

  it('shows where a kubeconfig is invalid and goes back to choose another file', async () => {
    const { fake, user } = setup();
    fake.handle('connections.previewKubeconfig', () => fail('YAML_INVALID', 'Unexpected end of flow mapping', { file: '/home/me/kc.yaml', line: 3 }));
    await user.click(await screen.findByRole('button', { name: 'Import kubeconfig' }));
    const dialog = screen.getByRole('dialog', { name: 'Import kubeconfig' });
    await user.click(within(dialog).getByRole('radio', { name: 'File path' }));
    await user.type(within(dialog).getByLabelText('Kubeconfig path'), '/home/me/kc.yaml');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));

    expect(fake.method('connections.previewKubeconfig')).toHaveBeenCalledWith({ source: { kind: 'path', path: '/home/me/kc.yaml' } });
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Invalid YAML');
    expect(alert.textContent).toContain('/home/me/kc.yaml, line 3');
    await user.click(within(alert).getByRole('button', { name: 'Choose another file' }));
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Kubeconfig path'));
  });

  it('refuses an upload over the limit before reading it, and sends a small one as its bytes', async () => {
    const { fake, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Import kubeconfig' }));
    const dialog = screen.getByRole('dialog', { name: 'Import kubeconfig' });
    await user.click(within(dialog).getByRole('radio', { name: 'Upload file' }));
    const input = within(dialog).getByLabelText('Kubeconfig file');

    const huge = new File([new Uint8Array(68 * 1024 * 1024)], 'huge.yaml');
    const read = vi.spyOn(huge, 'arrayBuffer');
    await user.upload(input, huge);
    expect((await within(dialog).findByText(/^This kubeconfig is 68\.0 MB/)).textContent).toBe(
      'This kubeconfig is 68.0 MB; Pilothouse reads at most 10 MB. Import the contexts you need from a smaller file.',
    );
    expect(within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Preview' }).disabled).toBe(true);
    expect(read).not.toHaveBeenCalled();

    // UTF-16 bytes go as they are, so the services can say it isn't UTF-8 (as for a path).
    const utf16 = new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0x3a, 0x00]);
    await user.upload(input, new File([utf16], 'kc.yaml'));
    await within(dialog).findByText('Read kc.yaml');
    expect(within(dialog).queryByText(/^This kubeconfig is/)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(fake.method('connections.previewKubeconfig')).toHaveBeenCalledWith({ source: { kind: 'upload', fileName: 'kc.yaml', data: '//5hADoA' } });
  });

  it('refuses pasted text over the limit, counted in UTF-8 bytes, before sending it', async () => {
    const { fake, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Import kubeconfig' }));
    const dialog = screen.getByRole('dialog', { name: 'Import kubeconfig' });
    await user.click(within(dialog).getByRole('radio', { name: 'Paste' }));
    const text = within(dialog).getByLabelText('Kubeconfig text');
    // 5.5 Mi characters, 11 MiB of UTF-8.
    fireEvent.change(text, { target: { value: 'é'.repeat(5.5 * 1024 * 1024) } });
    const problem = await within(dialog).findByText(/^This kubeconfig is 11\.0 MB; Pilothouse reads at most 10 MB/);
    expect(text.getAttribute('aria-describedby')).toBe(problem.id);
    const preview = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Preview' });
    expect(preview.disabled).toBe(true);
    fireEvent.submit(preview.closest('form') as HTMLFormElement);
    expect(fake.method('connections.previewKubeconfig')).not.toHaveBeenCalled();

    fireEvent.change(text, { target: { value: 'é'.repeat(MAX_IMPORT_BYTES / 2) } });
    expect(within(dialog).queryByText(/^This kubeconfig is/)).toBeNull();
    expect(preview.disabled).toBe(false);
  });

  it('shows what a pasted context runs, reads and changes, and imports it only once confirmed', async () => {
    const { fake, user } = setup();
    const risky: KubeconfigPreview = {
      sourceLabel: 'pasted text',
      contexts: [
        {
          ...preview.contexts[1],
          contextName: 'eks\u202e',
          suggestedName: 'eks',
          authKind: 'exec',
          execCommand: 'aws',
          commands: [{ field: 'exec', command: '/some/dir/aws', args: ['eks', 'get-token', '--cluster-name', 'prod'], envNames: ['AWS_PROFILE'] }],
          localFiles: [{ field: 'client-key', path: '/home/me/.ssh/id_ed25519' }],
          settings: [
            { field: 'proxy-url', value: 'http://***@proxy.corp:3128' },
            { field: 'as', value: 'system:admin' },
          ],
          confirmRequired: true,
        },
        preview.contexts[1],
      ],
      rejected: [],
    };
    fake.handle('connections.previewKubeconfig', () => ok(risky));
    const dialog = await pasteAndPreview(user);
    const item = within(dialog).getAllByRole('listitem')[0];
    expect(item.textContent).toContain('eks⟨U+202E⟩');
    const runs = within(item).getByRole('region', { name: 'From pasted text: what eks⟨U+202E⟩ runs and reads on this computer' });
    expect(runs.textContent).toContain('/some/dir/aws eks get-token --cluster-name prod');
    expect(runs.textContent).toContain('AWS_PROFILE');
    expect(runs.textContent).toContain('client-key/home/me/.ssh/id_ed25519');
    expect(item.textContent).toContain('proxy-urlhttp://***@proxy.corp:3128');
    expect(item.textContent).toContain('assystem:admin');

    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.method('connections.importKubeconfig')).not.toHaveBeenCalled();
    const confirm = within(item).getByRole('checkbox', { name: 'Run this command and read this file whenever Pilothouse connects with eks⟨U+202E⟩' });
    expect(confirm.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(confirm));

    await user.click(confirm);
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(fake.method('connections.importKubeconfig')).toHaveBeenCalledWith({
      source: { kind: 'text', text: KUBECONFIG },
      selections: [
        { contextName: 'eks\u202e', name: 'eks', onConflict: 'fail', allowLocalAccess: true },
        { contextName: 'dev', name: 'dev', onConflict: 'fail' },
      ],
    });
  });

  it('offers the native file picker in the desktop app', async () => {
    const user = userEvent.setup();
    renderApp(
      createFakeBridge({
        'app.info': () => ok({ ...browserInfo, mode: 'desktop', capabilities: { nativeFileDialog: true } }),
        'connections.chooseKubeconfigFile': () => ok({ path: '/home/me/.kube/lab.yaml' }),
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Import kubeconfig' }));
    const dialog = screen.getByRole('dialog', { name: 'Import kubeconfig' });
    await user.click(within(dialog).getByRole('radio', { name: 'File path' }));
    await user.click(within(dialog).getByRole('button', { name: 'Browse…' }));
    await waitFor(() => expect(within(dialog).getByLabelText<HTMLInputElement>('Kubeconfig path').value).toBe('/home/me/.kube/lab.yaml'));
  });
});
