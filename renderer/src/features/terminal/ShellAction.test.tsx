import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContainerInfo, ObjectAction, ObjectDetail, Permission, TerminalSession } from '../../../../shared/contract';
import { setBridge } from '../../api/client';
import { KeyScope } from '../../shell/keyScope';
import { useUi } from '../../shell/uiStore';
import { createFakeBridge, kubeConnection, ok, type FakeHandler } from '../../test/fakeBridge';
import { ObjectActions } from '../clusters/actions/ObjectActions';
import { resourceEntries } from '../clusters/resourceCatalog';
import { emitRows, grid, podRow, renderInspector, watchId } from '../clusters/testKit';
import { DEFAULT_CONTAINER_ANNOTATION } from './containerChoice';
import { resetTerminals } from './terminalStore';
import { Terminal } from './xtermFake';

vi.mock('@xterm/xterm', () => import('./xtermFake'));
vi.mock('@xterm/addon-fit', () => import('./xtermFake'));
vi.mock('@xterm/addon-search', () => import('./xtermFake'));
vi.mock('@xterm/addon-web-links', () => import('./xtermFake'));
vi.mock('@xterm/addon-unicode11', () => import('./xtermFake'));

const container = (name: string, kind: ContainerInfo['kind'] = 'main', state = 'running'): ContainerInfo => ({ name, kind, image: 'img', ready: true, restartCount: 0, state, hasPrevious: false, ports: [] });

function podDetail(name: string, containers: ContainerInfo[], annotations: Record<string, string> = {}): ObjectDetail {
  return { uid: `uid-default-${name}`, kind: 'Pod', apiVersion: 'v1', name, namespace: 'default', resourceVersion: '1', labels: {}, annotations, yaml: '', owners: [], containers };
}

const permissions =
  (denied: Partial<Record<ObjectAction, string>> = {}): FakeHandler<'kube.permissions'> =>
  (p) =>
    ok(Object.fromEntries(p.actions.map((a): [string, Permission] => [a, denied[a] ? { allowed: false, reason: denied[a] } : { allowed: true }])));

const execSession = (id: string, pod: string, c: string): TerminalSession => ({
  id,
  kind: 'exec',
  title: `${pod}/${c}`,
  connectionId: 'k-prod',
  connectionName: 'prod-eu',
  container: { namespace: 'default', pod, container: c },
  state: 'running',
  startedAt: '2026-12-04T09:00:00Z',
  attached: false,
  size: { cols: 120, rows: 32 },
});

beforeEach(() => {
  sessionStorage.clear();
  resetTerminals();
  Terminal.instances = [];
});

describe('Shell on a pod', () => {
  it('opens from a row’s menu: the container chosen in a dialog, then the Terminal page shows pod/container', async () => {
    const user = userEvent.setup();
    const view = renderInspector();
    const sessions: TerminalSession[] = [];
    view.fake.handle('kube.permissions', permissions());
    view.fake.handle('kube.get', () =>
      ok(
        podDetail('web-1', [container('migrate', 'init', 'terminated: Completed (exit 0)'), container('istio-proxy'), container('app'), container('dbg', 'ephemeral')], {
          [DEFAULT_CONTAINER_ANNOTATION]: 'app',
        }),
      ),
    );
    view.fake.handle('terminal.open', ({ target }) => {
      if (target.kind !== 'exec') throw new Error('expected exec');
      const s = execSession('t7', target.pod, target.container);
      sessions.push(s);
      return ok(s);
    });
    view.fake.handle('terminal.list', () => ok(sessions));
    view.fake.handle('terminal.settings', () => ok({ settings: { fontSize: 13, scrollback: 5000 }, defaultShell: '/bin/zsh' }));
    view.fake.handle('terminal.attach', ({ id }) => ok({ stream: '1', session: sessions.find((s) => s.id === id)! }));
    view.fake.handle('terminal.resize', () => ok({}));
    const id = await watchId(view.fake);
    emitRows(view.fake, id, { reset: true, upserts: [podRow('web-1'), podRow('done', { status: 'Completed' })] });

    // A pod that is not running: Shell is there, disabled, with the reason.
    await user.pointer({ keys: '[MouseRight]', target: within(grid('Pods')).getByText('done') });
    let menu = screen.getByRole('menu', { name: 'Actions on pod done' });
    const disabled = await within(menu).findByRole('menuitem', { name: /Shell/ });
    await waitFor(() => expect(disabled.getAttribute('aria-disabled')).toBe('true'));
    expect(disabled.getAttribute('title')).toBe('The pod is Completed: a shell needs a running container.');
    await user.keyboard('{Escape}');

    await user.pointer({ keys: '[MouseRight]', target: within(grid('Pods')).getByText('web-1') });
    menu = screen.getByRole('menu', { name: 'Actions on pod web-1' });
    const shell = await within(menu).findByRole('menuitem', { name: /Shell/ });
    await waitFor(() => expect(shell.getAttribute('aria-disabled')).toBeNull());
    await user.click(shell);

    const dialog = await screen.findByRole('dialog', { name: 'Shell in web-1' });
    const radios = await within(dialog).findAllByRole('radio');
    // The finished init container is not offered; the ephemeral one is; the annotation picks app.
    expect(radios.map((r) => (r as HTMLInputElement).value)).toEqual(['istio-proxy', 'app', 'dbg']);
    expect((within(dialog).getByRole('radio', { name: /^app/ }) as HTMLInputElement).checked).toBe(true);
    expect(within(dialog).getByText('(ephemeral)')).toBeTruthy();
    await user.click(within(dialog).getByRole('radio', { name: /istio-proxy/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Open shell' }));

    await waitFor(() => expect(location.hash).toBe('#/terminal'));
    expect(view.fake.method('terminal.open').mock.calls[0][0]).toMatchObject({ target: { kind: 'exec', connectionId: 'k-prod', namespace: 'default', pod: 'web-1', container: 'istio-proxy' } });
    expect(await screen.findByRole('tab', { name: /^web-1\/istio-proxy/ })).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says why the shell could not open, in the dialog', async () => {
    const user = userEvent.setup();
    const fake = createFakeBridge({
      'kube.permissions': permissions(),
      'terminal.open': () => ({ ok: false, error: { code: 'FORBIDDEN', message: 'alice may not create pods/exec in default' } }),
    });
    setBridge(fake.bridge);
    useUi.setState({ dialog: null, paletteOpen: false });
    const entry = resourceEntries().find((e) => e.key === '/pods')!;
    render(
      <KeyScope keys={{}} page>
        <ObjectActions connection={kubeConnection()} entry={entry} row={podRow('web-1')} detail={podDetail('web-1', [container('app')])} />
      </KeyScope>,
    );
    const button = await screen.findByRole('button', { name: /^Shell/ });
    await waitFor(() => expect(button.getAttribute('aria-disabled')).toBeNull());
    expect(button.getAttribute('aria-keyshortcuts')).toBe('X');
    // x, as in k9s's shell key.
    await user.keyboard('x');
    const dialog = screen.getByRole('dialog', { name: 'Shell in web-1' });
    await user.click(within(dialog).getByRole('button', { name: 'Open shell' }));
    expect(await within(dialog).findByText('alice may not create pods/exec in default')).toBeTruthy();
  });

  it('is disabled with the reason when the user may not exec, or when no container runs', async () => {
    const entry = resourceEntries().find((e) => e.key === '/pods')!;
    const renderPod = (denied: Partial<Record<ObjectAction, string>>, containers: ContainerInfo[]) => {
      const fake = createFakeBridge({ 'kube.permissions': permissions(denied) });
      setBridge(fake.bridge);
      return render(
        <KeyScope keys={{}} page>
          <ObjectActions connection={kubeConnection()} entry={entry} row={podRow('web-1')} detail={podDetail('web-1', containers)} />
        </KeyScope>,
      );
    };
    const denied = renderPod({ exec: 'bob may not create pods/exec in default' }, [container('app')]);
    await waitFor(() => expect(screen.getByRole('button', { name: /^Shell/ }).getAttribute('title')).toBe('bob may not create pods/exec in default'));
    expect(screen.getByRole('button', { name: /^Shell/ }).getAttribute('aria-disabled')).toBe('true');
    await userEvent.keyboard('x');
    expect(screen.queryByRole('dialog')).toBeNull();
    denied.unmount();

    renderPod({}, [container('app', 'main', 'waiting: CrashLoopBackOff')]);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: /^Shell/ }).getAttribute('title')).toBe('No container is running (app waiting: CrashLoopBackOff): a shell needs a running container.'),
    );
    expect(screen.getByRole('button', { name: /^Shell/ }).getAttribute('aria-disabled')).toBe('true');
  });
});
