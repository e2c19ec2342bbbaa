import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES, type KubeconfigPreview } from '../../../../shared/contract';
import { browserInfo, createFakeBridge, fail, kubeConnection, ok } from '../../test/fakeBridge';
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
      source: 'pasted text',
      line: 12,
      suggestedName: 'prod-eu',
      existingConnectionId: 'k-prod',
    },
    { contextName: 'dev', clusterName: 'kind-dev', userName: 'dev', server: 'https://127.0.0.1:6443', namespace: 'ml', authKind: 'token', source: 'pasted text', line: 30, suggestedName: 'dev' },
  ],
  rejected: [{ name: 'ci', reason: 'user "ci" has no credentials', source: 'pasted text', line: 44 }],
};

function setup() {
  const fake = createFakeBridge({
    'connections.list': () => ok([kubeConnection()]),
    'connections.previewKubeconfig': () => ok(preview),
    'connections.importKubeconfig': () => ok({ imported: [], rejected: [] }),
  });
  const user = userEvent.setup();
  renderApp(fake);
  return { fake, user };
}

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
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Import kubeconfig' })).toBeNull());
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

  it('refuses an upload over 10 MiB before reading it, and sends a small one as text', async () => {
    const { fake, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Import kubeconfig' }));
    const dialog = screen.getByRole('dialog', { name: 'Import kubeconfig' });
    await user.click(within(dialog).getByRole('radio', { name: 'Upload file' }));
    const input = within(dialog).getByLabelText('Kubeconfig file');

    await user.upload(input, new File([new Uint8Array(MAX_IMPORT_BYTES + 1)], 'huge.yaml'));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('huge.yaml (uploaded) is 10.0 MB; kubeconfigs and AWS files over 10 MB are refused');

    await user.upload(input, new File([KUBECONFIG], 'kc.yaml'));
    await within(dialog).findByText('Read kc.yaml');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(fake.method('connections.previewKubeconfig')).toHaveBeenCalledWith({ source: { kind: 'text', text: KUBECONFIG, fileName: 'kc.yaml' } });
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
