import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionSummary, ContainerInfo, ObjectAction, ObjectDetail, ParamsIn, Permission, RollbackPreview, Row } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { KeyScope, type KeyBindings } from '../../../shell/keyScope';
import { Toasts } from '../../../shell/Toasts';
import { useToasts } from '../../../shell/toastStore';
import { useUi } from '../../../shell/uiStore';
import { createFakeBridge, fail, kubeConnection, ok, type FakeBridge, type FakeHandler } from '../../../test/fakeBridge';
import { resourceEntries, type Discovery } from '../resourceCatalog';
import { ObjectActions } from './ObjectActions';
import { usePortForwards } from './portForwardsStore';

/** What the cluster serves besides the built-ins: a custom resource. */
const discovery: Discovery = {
  serverVersion: 'v1.34.4',
  discoveredAt: new Date().toISOString(),
  resources: [{ group: 'argoproj.io', version: 'v1alpha1', resource: 'rollouts', kind: 'Rollout', namespaced: true, verbs: ['list', 'watch', 'delete'], builtin: false }],
};
const entryOf = (key: string) => resourceEntries(discovery).find((e) => e.key === key) ?? resourceEntries().find((e) => e.key === key)!;
const row = (name: string, namespace?: string): Row => ({ uid: `uid-${name}`, name, ...(namespace ? { namespace } : {}), cells: [] });

function detailOf(kind: string, name: string, extra: Partial<ObjectDetail> = {}): ObjectDetail {
  return { uid: `uid-${name}`, kind, apiVersion: 'v1', name, resourceVersion: '1', labels: {}, annotations: {}, yaml: '', owners: [], ...extra };
}

function container(name: string, ports: ContainerInfo['ports']): ContainerInfo {
  return { name, kind: 'main', image: 'nginx', ready: true, restartCount: 0, state: 'running', hasPrevious: false, ports };
}

/** A permissions answer: every action asked for applies; `denied` ones are refused with their reason, `absent` ones do not apply. */
function permissionsAnswer(denied: Partial<Record<ObjectAction, string>> = {}, absent: ObjectAction[] = []): FakeHandler<'kube.permissions'> {
  return (p) =>
    ok(
      Object.fromEntries(
        p.actions.filter((a) => !absent.includes(a)).map((a): [string, Permission] => [a, denied[a] ? { allowed: false, reason: denied[a] } : { allowed: true }]),
      ),
    );
}

interface Setup {
  key: string;
  row: Row;
  detail?: ObjectDetail;
  handlers?: Parameters<typeof createFakeBridge>[0];
  /** Extra content rendered beside the actions, e.g. a text field. */
  beside?: ReactNode;
  /** The keys of the part around the actions (the table's, in the inspector). */
  keys?: KeyBindings;
  /** Not labelled production unless a test says so: production asks for typed names (#16). */
  connection?: ConnectionSummary;
}

const production = () => kubeConnection({ labels: { env: 'prod' } });

function renderActions({ key, row, detail, handlers = {}, beside, keys = {}, connection = kubeConnection({ labels: {} }) }: Setup) {
  const fake = createFakeBridge({ 'kube.permissions': permissionsAnswer(), ...handlers });
  setBridge(fake.bridge);
  useToasts.setState({ toasts: [] });
  useUi.setState({ dialog: null, paletteOpen: false });
  const view = render(
    <>
      <KeyScope keys={keys} page>
        {beside}
        <ObjectActions connection={connection} entry={entryOf(key)} row={row} detail={detail} />
      </KeyScope>
      <Toasts />
    </>,
  );
  return { fake, ...view };
}

const group = () => screen.getByRole('group', { name: /^Actions on/ });
/** The buttons' labels, without their shortcut hints. */
const buttonNames = () =>
  within(group())
    .getAllByRole('button')
    .map((b) => b.firstChild?.textContent);
const actionButton = (name: string) => within(group()).getByRole('button', { name });
const ready = () => waitFor(() => expect(screen.queryByText('Checking permissions…')).toBeNull());
const description = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent)
    .join(' ');
const lastParams = <M extends Parameters<FakeBridge['method']>[0]>(fake: FakeBridge, m: M) => fake.method(m).mock.calls.at(-1)?.[0] as ParamsIn<M>;

beforeEach(() => usePortForwards.setState({ forwards: [], error: undefined }));

describe('object actions', () => {
  it('offers the actions of each kind, asking the cluster which apply and are allowed', async () => {
    const cases: [string, Row, string[]][] = [
      ['/pods', row('web-1', 'shop'), ['Port-forward', 'Shell', 'Delete']],
      ['apps/deployments', row('web', 'shop'), ['Port-forward', 'Scale', 'Restart', 'Roll back…', 'Delete']],
      ['apps/statefulsets', row('db', 'shop'), ['Port-forward', 'Scale', 'Restart', 'Roll back…', 'Delete']],
      ['apps/daemonsets', row('agent', 'kube-system'), ['Restart', 'Roll back…', 'Delete']],
      ['/services', row('web', 'shop'), ['Port-forward', 'Delete']],
      ['/nodes', row('gpu-1'), ['Cordon', 'Drain', 'Delete']],
      ['/namespaces', row('shop'), ['Delete']],
      ['/configmaps', row('settings', 'shop'), ['Delete']],
    ];
    for (const [key, r, expected] of cases) {
      const { fake, unmount } = renderActions({ key, row: r, detail: detailOf('X', r.name, { unschedulable: false }) });
      await ready();
      expect(buttonNames(), key).toEqual(expected);
      const asked = lastParams(fake, 'kube.permissions');
      expect(asked).toEqual({ connectionId: 'k-prod', resource: entryOf(key).ref, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name, actions: expect.any(Array) });
      expect(fake.method('kube.permissions')).toHaveBeenCalledTimes(1);
      unmount();
    }
  });

  it('shows an action that does not apply nowhere, and keeps buttons disabled while permissions load', async () => {
    let answer!: () => void;
    renderActions({
      key: '/pods',
      row: row('web-1', 'shop'),
      handlers: {
        'kube.permissions': (p) => new Promise((resolve) => (answer = () => resolve(permissionsAnswer({}, ['portForward', 'exec'])(p) as never))),
      },
    });
    const checking = screen.getByText('Checking permissions…');
    for (const b of within(group()).getAllByRole('button')) {
      expect(b.getAttribute('aria-disabled')).toBe('true');
      expect(description(b)).toBe('Checking permissions…');
    }
    expect(checking).toBeTruthy();
    await act(async () => answer());
    await ready();
    expect(buttonNames()).toEqual(['Delete']);
    expect(actionButton('Delete').getAttribute('aria-disabled')).toBeNull();
  });

  it('offers Scale on a custom resource only when the cluster says it scales', async () => {
    let answer!: () => void;
    const first = renderActions({
      key: 'argoproj.io/rollouts',
      row: row('ranker', 'ml'),
      handlers: { 'kube.permissions': (p) => new Promise((resolve) => (answer = () => resolve(permissionsAnswer()(p) as never))) },
    });
    expect(buttonNames()).toEqual(['Delete']);
    await act(async () => answer());
    await ready();
    expect(buttonNames()).toEqual(['Scale', 'Delete']);
    expect(lastParams(first.fake, 'kube.permissions').actions).toEqual(['scale', 'delete']);
    first.unmount();

    renderActions({ key: 'argoproj.io/rollouts', row: row('ranker', 'ml'), handlers: { 'kube.permissions': permissionsAnswer({}, ['scale']) } });
    await ready();
    expect(buttonNames()).toEqual(['Delete']);
  });

  it('keeps a denied action visible but disabled, with the reason as its description', async () => {
    const user = userEvent.setup();
    const reason = 'team-a-reader may not delete pods in shop';
    const { fake } = renderActions({ key: '/pods', row: row('web-1', 'shop'), handlers: { 'kube.permissions': permissionsAnswer({ delete: reason }) } });
    await ready();
    const del = actionButton('Delete');
    expect(del.getAttribute('aria-disabled')).toBe('true');
    expect(del.getAttribute('title')).toBe(reason);
    expect(description(del)).toBe(`Delete: ${reason}`);
    // Visible too, not only to assistive technology.
    expect(group().nextElementSibling?.textContent).toBe(`Delete: ${reason}`);
    await user.click(del);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.method('kube.delete')).not.toHaveBeenCalled();
    expect(actionButton('Port-forward').getAttribute('aria-disabled')).toBeNull();
  });

  it('deletes a node only once its name is typed, then toasts and returns focus to the button', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({ key: '/nodes', row: row('gpu-1'), detail: detailOf('Node', 'gpu-1', { unschedulable: false }), handlers: { 'kube.delete': () => ok({}) } });
    await ready();
    await user.click(actionButton('Delete'));
    const dialog = screen.getByRole('dialog', { name: 'Delete node gpu-1' });
    expect(dialog.textContent).toContain('On cluster prod-eu (cluster-wide).');
    const confirm = within(dialog).getByRole('textbox', { name: /Type gpu-1 to confirm/ });
    expect(document.activeElement).toBe(confirm);

    const deleteButton = within(dialog).getByRole('button', { name: 'Delete node' }) as HTMLButtonElement;
    expect(deleteButton.disabled).toBe(true);
    await user.type(confirm, 'gpu-2');
    expect(deleteButton.disabled).toBe(true);
    await user.type(confirm, '{Enter}');
    expect(fake.method('kube.delete')).not.toHaveBeenCalled();

    await user.clear(confirm);
    await user.type(confirm, 'gpu-1');
    await user.click(within(dialog).getByRole('button', { name: 'Delete node' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(lastParams(fake, 'kube.delete')).toEqual({ connectionId: 'k-prod', resource: entryOf('/nodes').ref, name: 'gpu-1', ifUid: 'uid-gpu-1' });
    const toast = screen.getByText('Deleting node gpu-1').closest('li')!;
    expect(toast.textContent).toContain('Deleting node gpu-1');
    expect(toast.textContent).toContain('Recorded in the audit log.');
    await waitFor(() => expect(document.activeElement).toBe(actionButton('Delete')));
  });

  it('deletes a pod with a simple confirm, only the one the row showed, optionally forced with grace period 0', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({ key: '/pods', row: row('web-1', 'shop'), handlers: { 'kube.delete': () => ok({}) } });
    await ready();
    await user.click(actionButton('Delete'));
    let dialog = screen.getByRole('dialog', { name: 'Delete pod web-1' });
    expect(dialog.textContent).toContain('On cluster prod-eu, namespace shop.');
    expect(within(dialog).queryByRole('textbox')).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Delete pod' }));
    await waitFor(() => expect(fake.method('kube.delete')).toHaveBeenCalledTimes(1));
    expect(lastParams(fake, 'kube.delete')).toEqual({ connectionId: 'k-prod', resource: entryOf('/pods').ref, namespace: 'shop', name: 'web-1', ifUid: 'uid-web-1' });

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await user.click(actionButton('Delete'));
    dialog = screen.getByRole('dialog', { name: 'Delete pod web-1' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Force (grace period 0)' }));
    await user.click(within(dialog).getByRole('button', { name: 'Delete pod' }));
    await waitFor(() => expect(fake.method('kube.delete')).toHaveBeenCalledTimes(2));
    expect(lastParams(fake, 'kube.delete')).toMatchObject({ name: 'web-1', gracePeriodSeconds: 0 });
  });

  it('on a production connection, enables Delete only once the exact name is typed', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({ key: '/pods', row: row('web-1', 'shop'), connection: production(), handlers: { 'kube.delete': () => ok({}) } });
    await ready();
    await user.click(actionButton('Delete'));
    const dialog = screen.getByRole('dialog', { name: 'Delete pod web-1' });
    const confirm = within(dialog).getByRole('textbox', { name: /Type web-1 to confirm/ });
    expect(document.activeElement).toBe(confirm);
    const deleteButton = within(dialog).getByRole('button', { name: 'Delete pod' }) as HTMLButtonElement;
    expect(deleteButton.disabled).toBe(true);

    // A prefix, another case, surrounding spaces and a longer name are all other objects.
    for (const near of ['web-', 'WEB-1', ' web-1', 'web-1 ', 'web-10']) {
      await user.clear(confirm);
      await user.type(confirm, near);
      expect(deleteButton.disabled, `enabled by "${near}"`).toBe(true);
    }
    await user.type(confirm, '{Enter}');
    expect(fake.method('kube.delete')).not.toHaveBeenCalled();

    await user.clear(confirm);
    await user.type(confirm, 'web-1');
    expect(deleteButton.disabled).toBe(false);
    await user.click(deleteButton);
    await waitFor(() => expect(fake.method('kube.delete')).toHaveBeenCalledTimes(1));
    expect(lastParams(fake, 'kube.delete')).toEqual({ connectionId: 'k-prod', resource: entryOf('/pods').ref, namespace: 'shop', name: 'web-1', ifUid: 'uid-web-1' });
  });

  it.each<Record<string, string>>([{ env: 'Production' }, { environment: 'production' }, { TIER: 'prod' }])('asks for the typed name on a connection labelled %o too', async (labels) => {
    const user = userEvent.setup();
    renderActions({ key: 'apps/deployments', row: row('web', 'shop'), connection: kubeConnection({ labels }) });
    await ready();
    await user.click(actionButton('Delete'));
    const dialog = screen.getByRole('dialog', { name: 'Delete deployment web' });
    expect(within(dialog).getByRole('textbox', { name: /Type web to confirm/ })).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Delete deployment' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps actions the catalog does not mark destructive one click on production', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({ key: 'apps/deployments', row: row('web', 'shop'), connection: production(), handlers: { 'kube.restart': () => ok({ restartedAt: '2026-12-03T14:00:00Z' }) } });
    await ready();
    await user.click(actionButton('Restart'));
    const dialog = screen.getByRole('dialog', { name: 'Restart deployment web' });
    expect(within(dialog).queryByRole('textbox')).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Restart deployment' }));
    await waitFor(() => expect(fake.method('kube.restart')).toHaveBeenCalledTimes(1));
  });

  it('deletes a workload with the chosen propagation', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({ key: 'apps/deployments', row: row('web', 'shop'), handlers: { 'kube.delete': () => ok({}) } });
    await ready();
    await user.click(actionButton('Delete'));
    const dialog = screen.getByRole('dialog', { name: 'Delete deployment web' });
    expect((within(dialog).getByRole('radio', { name: /^Background/ }) as HTMLInputElement).checked).toBe(true);
    await user.click(within(dialog).getByRole('radio', { name: /^Orphan/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Delete deployment' }));
    await waitFor(() => expect(fake.method('kube.delete')).toHaveBeenCalled());
    expect(lastParams(fake, 'kube.delete')).toEqual({ connectionId: 'k-prod', resource: entryOf('apps/deployments').ref, namespace: 'shop', name: 'web', ifUid: 'uid-web', propagation: 'Orphan' });
  });

  it('scales to the replicas typed, starting from the current count, warning at 0', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({
      key: 'apps/deployments',
      row: row('web', 'shop'),
      detail: detailOf('Deployment', 'web', { replicas: 3 }),
      handlers: { 'kube.scale': (p) => ok({ before: 3, after: p.replicas }) },
    });
    await ready();
    await user.click(actionButton('Scale'));
    const dialog = screen.getByRole('dialog', { name: 'Scale deployment web' });
    const input = within(dialog).getByRole('spinbutton', { name: 'Replicas' }) as HTMLInputElement;
    expect(input.value).toBe('3');
    expect(dialog.textContent).toContain('It runs 3 replicas now.');

    await user.clear(input);
    await user.type(input, '0');
    expect(within(dialog).getByText(/Scaling to 0 stops every pod/)).toBeTruthy();
    await user.clear(input);
    await user.type(input, '5');
    expect(within(dialog).queryByText(/Scaling to 0 stops every pod/)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Scale' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(lastParams(fake, 'kube.scale')).toEqual({ connectionId: 'k-prod', resource: entryOf('apps/deployments').ref, namespace: 'shop', name: 'web', replicas: 5 });
    expect(screen.getByText('Scaled deployment web from 3 to 5 replicas')).toBeTruthy();
  });

  it('shows a FORBIDDEN answer as no access, keeps the dialog and checks permissions again', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({
      key: 'apps/deployments',
      row: row('web', 'shop'),
      detail: detailOf('Deployment', 'web', { replicas: 3 }),
      handlers: { 'kube.scale': () => fail('FORBIDDEN', 'alice may not patch deployments/scale in shop') },
    });
    await ready();
    await user.click(actionButton('Scale'));
    const dialog = screen.getByRole('dialog', { name: 'Scale deployment web' });
    fake.handle('kube.permissions', permissionsAnswer({ scale: 'alice may not patch deployments/scale in shop' }));
    await user.click(within(dialog).getByRole('button', { name: 'Scale' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('No access');
    expect(alert.textContent).toContain('alice may not patch deployments/scale in shop');
    expect(screen.getByRole('dialog', { name: 'Scale deployment web' })).toBe(dialog);
    expect(within(dialog).getByRole('button', { name: 'Scale' }).hasAttribute('disabled')).toBe(false);
    await waitFor(() => expect(fake.method('kube.permissions')).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(actionButton('Scale').getAttribute('aria-disabled')).toBe('true'));
    expect(useToasts.getState().toasts).toEqual([]);
  });

  it('labels cordon or uncordon by the node and sends the opposite state', async () => {
    const user = userEvent.setup();
    const first = renderActions({ key: '/nodes', row: row('gpu-1'), detail: detailOf('Node', 'gpu-1', { unschedulable: false }), handlers: { 'kube.cordon': () => ok({}) } });
    await ready();
    await user.click(actionButton('Cordon'));
    let dialog = screen.getByRole('dialog', { name: 'Cordon node gpu-1' });
    expect(dialog.textContent).toContain('No new pods will be scheduled on node gpu-1');
    await user.click(within(dialog).getByRole('button', { name: 'Cordon' }));
    await waitFor(() => expect(first.fake.method('kube.cordon')).toHaveBeenCalled());
    expect(lastParams(first.fake, 'kube.cordon')).toMatchObject({ name: 'gpu-1', unschedulable: true });
    first.unmount();

    const second = renderActions({ key: '/nodes', row: row('gpu-1'), detail: detailOf('Node', 'gpu-1', { unschedulable: true }), handlers: { 'kube.cordon': () => ok({}) } });
    await ready();
    expect(buttonNames()).toEqual(['Uncordon', 'Drain', 'Delete']);
    await user.click(actionButton('Uncordon'));
    dialog = screen.getByRole('dialog', { name: 'Uncordon node gpu-1' });
    expect(dialog.textContent).toContain('accepts new pods again');
    await user.click(within(dialog).getByRole('button', { name: 'Uncordon' }));
    await waitFor(() => expect(second.fake.method('kube.cordon')).toHaveBeenCalled());
    expect(lastParams(second.fake, 'kube.cordon')).toMatchObject({ name: 'gpu-1', unschedulable: false });
    expect(await screen.findByText('Uncordoned node gpu-1')).toBeTruthy();
  });

  it('waits for the node detail before offering cordon', async () => {
    renderActions({ key: '/nodes', row: row('gpu-1') });
    await ready();
    expect(actionButton('Cordon').getAttribute('aria-disabled')).toBe('true');
    expect(description(actionButton('Cordon'))).toBe('Cordon: Loading the node…');
  });

  it('offers the pod’s TCP container ports for port-forwarding and sends the chosen one', async () => {
    const user = userEvent.setup();
    const detail = detailOf('Pod', 'web-1', {
      containers: [
        container('web', [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
        ]),
        container('sidecar', [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }]),
      ],
    });
    const { fake } = renderActions({
      key: '/pods',
      row: row('web-1', 'shop'),
      detail,
      handlers: {
        'portForwards.start': (p) =>
          ok({ id: 'pf1', connectionId: 'k-prod', connectionName: 'prod-eu', namespace: 'shop', target: 'pod/web-1', pod: 'web-1', remotePort: p.remotePort, localPort: p.localPort ?? 40000, startedAt: '2025-01-01T00:00:00Z', activeConnections: 0, bytesIn: 0, bytesOut: 0 }),
      },
    });
    await ready();
    await user.click(actionButton('Port-forward'));
    const dialog = screen.getByRole('dialog', { name: 'Port-forward to pod web-1' });
    const ports = within(dialog).getByRole('group', { name: 'Remote port' });
    expect(within(ports).getAllByRole('radio').map((r) => r.closest('label')?.textContent)).toEqual(['8080 (http) · container web', '9090 (metrics) · container sidecar', 'Another port']);
    expect((within(ports).getByRole('radio', { name: /8080/ }) as HTMLInputElement).checked).toBe(true);
    expect(dialog.textContent).toContain('1 UDP port is not listed');

    await user.click(within(ports).getByRole('radio', { name: /9090/ }));
    await user.type(within(dialog).getByRole('spinbutton', { name: 'Local port' }), '18080');
    await user.click(within(dialog).getByRole('button', { name: 'Start forwarding' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(lastParams(fake, 'portForwards.start')).toEqual({ connectionId: 'k-prod', namespace: 'shop', kind: 'pod', name: 'web-1', remotePort: 9090, localPort: 18080 });
    expect(screen.getByText('Forwarding 127.0.0.1:18080 → pod/web-1:9090')).toBeTruthy();
    expect(usePortForwards.getState().forwards.map((f) => f.id)).toEqual(['pf1']);
  });

  it('port-forwards a service to a typed port, any free local port', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({ key: '/services', row: row('web', 'shop'), detail: detailOf('Service', 'web'), handlers: { 'portForwards.start': () => fail('UNREACHABLE', 'connect ECONNREFUSED 10.0.0.1:6443') } });
    await ready();
    await user.click(actionButton('Port-forward'));
    const dialog = screen.getByRole('dialog', { name: 'Port-forward to service web' });
    const remote = within(dialog).getByRole('spinbutton', { name: 'Service port' });
    expect(document.activeElement).toBe(remote);
    await user.click(within(dialog).getByRole('button', { name: 'Start forwarding' }));
    expect(within(dialog).getByText('Enter the service port, from 1 to 65535.')).toBeTruthy();
    await user.type(remote, '80');
    await user.click(within(dialog).getByRole('button', { name: 'Start forwarding' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Cannot reach the server');
    expect(within(alert).getByRole('button', { name: 'Test again' })).toBeTruthy();
    expect(lastParams(fake, 'portForwards.start')).toEqual({ connectionId: 'k-prod', namespace: 'shop', kind: 'service', name: 'web', remotePort: 80 });
  });
});

describe('rollback from the actions', () => {
  const history: FakeHandler<'rollouts.history'> = () =>
    ok({
      kind: 'StatefulSet',
      historyLimit: 10,
      revisions: [
        { revision: 1, name: 'db-5c8d', images: ['db=postgres:16.3'], current: false, changeCause: 'postgres 16.3' },
        { revision: 2, name: 'db-7f2a', images: ['db=postgres:16.4'], current: false },
        { revision: 3, name: 'db-9b1e', images: ['db=postgres:17.0'], current: true },
      ],
    });
  const template = (image: string) => `metadata:\n  labels:\n    app: db\nspec:\n  containers:\n    - name: db\n      image: ${image}\n`;
  const preview =
    (dryRun: RollbackPreview['dryRun']): FakeHandler<'rollouts.rollbackPreview'> =>
    (p) => {
      const to = p.toRevision || 2;
      return ok({ toRevision: to, currentRevision: 3, currentTemplate: template('postgres:17.0'), targetTemplate: template(to === 1 ? 'postgres:16.3' : 'postgres:16.4'), noop: false, dryRun });
    };

  it('opens on the previous revision with the diff and a passed dry run, lets another kept one be chosen, and rolls back held to what runs now', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({
      key: 'apps/statefulsets',
      row: row('db', 'shop'),
      handlers: { 'rollouts.history': history, 'rollouts.rollbackPreview': preview({ ok: true }), 'rollouts.rollback': () => ok({ taskId: 't-9' }) },
    });
    await ready();
    await user.click(actionButton('Roll back…'));
    const dialog = screen.getByRole('dialog', { name: 'Roll back stateful set db' });
    expect(lastParams(fake, 'rollouts.rollbackPreview')).toEqual({ connectionId: 'k-prod', resource: entryOf('apps/statefulsets').ref, namespace: 'shop', name: 'db', toRevision: 0 });
    expect(await within(dialog).findByText('Server-side dry run passed: the cluster accepts the rollback.')).toBeTruthy();
    expect(within(dialog).getByRole('heading').textContent).toBe('Roll back stateful set db to revision 2?');
    const diff = within(dialog).getByRole('figure', { name: 'Changes from revision 3 (runs now) to revision 2' });
    expect(within(diff).getByLabelText('removed').closest('tr')?.textContent).toContain('image: postgres:17.0');
    expect(within(diff).getByLabelText('added').closest('tr')?.textContent).toContain('image: postgres:16.4');

    const choice = within(dialog).getByRole('combobox', { name: 'Roll back to' }) as HTMLSelectElement;
    expect(Array.from(choice.options, (o) => [o.textContent, o.disabled])).toEqual([
      ['revision 3 (runs now)', true],
      ['revision 2', false],
      ['revision 1 — postgres 16.3', false],
    ]);
    await user.selectOptions(choice, '1');
    expect(await within(dialog).findByText('revision 1: db=postgres:16.3')).toBeTruthy();
    await within(dialog).findByText('Server-side dry run passed: the cluster accepts the rollback.');
    await user.click(within(dialog).getByRole('button', { name: 'Roll back to revision 1' }));
    await waitFor(() =>
      expect(lastParams(fake, 'rollouts.rollback')).toEqual({ connectionId: 'k-prod', resource: entryOf('apps/statefulsets').ref, namespace: 'shop', name: 'db', toRevision: 1, ifCurrentRevision: 3 }),
    );
  });

  it('shows why the dry run failed and keeps Roll back disabled', async () => {
    const user = userEvent.setup();
    const { fake } = renderActions({
      key: 'apps/statefulsets',
      row: row('db', 'shop'),
      handlers: { 'rollouts.history': history, 'rollouts.rollbackPreview': preview({ ok: false, message: 'admission webhook "freeze.example.com" denied the request: change freeze until Monday' }) },
    });
    await ready();
    await user.click(actionButton('Roll back…'));
    const dialog = screen.getByRole('dialog', { name: 'Roll back stateful set db' });
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe('It cannot roll back: admission webhook "freeze.example.com" denied the request: change freeze until Monday');
    const confirm = within(dialog).getByRole('button', { name: 'Roll back to revision 2' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.click(confirm);
    expect(fake.method('rollouts.rollback')).not.toHaveBeenCalled();
  });

  it('says a rollback to the template it runs would change nothing, and keeps Roll back disabled', async () => {
    renderActions({
      key: 'apps/statefulsets',
      row: row('db', 'shop'),
      handlers: {
        'rollouts.history': history,
        'rollouts.rollbackPreview': () => ok({ toRevision: 2, currentRevision: 3, currentTemplate: template('postgres:17.0'), targetTemplate: template('postgres:17.0'), noop: true, dryRun: { ok: true } }),
      },
    });
    await ready();
    await userEvent.setup().click(actionButton('Roll back…'));
    const dialog = screen.getByRole('dialog', { name: 'Roll back stateful set db' });
    expect(await within(dialog).findByText('It already runs revision 2’s pod template: rolling back would change nothing.')).toBeTruthy();
    expect(within(dialog).getByText('Same pod template: nothing would change.')).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Roll back to revision 2' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('object action shortcuts', () => {
  it('open the dialog of the key pressed, Ctrl+D for delete', async () => {
    const user = userEvent.setup();
    renderActions({ key: 'apps/deployments', row: row('web', 'shop'), detail: detailOf('Deployment', 'web', { replicas: 2 }) });
    await ready();
    expect(actionButton('Scale').getAttribute('aria-keyshortcuts')).toBe('S');
    expect(actionButton('Delete').getAttribute('aria-keyshortcuts')).toBe('Control+D');

    const cases: [string, string][] = [
      ['s', 'Scale deployment web'],
      ['r', 'Restart deployment web'],
      ['u', 'Roll back deployment web'],
      ['f', 'Port-forward to deployment web'],
      ['{Control>}d{/Control}', 'Delete deployment web'],
    ];
    for (const [keys, dialog] of cases) {
      await user.keyboard(keys);
      expect(screen.getByRole('dialog', { name: dialog })).toBeTruthy();
      // While a dialog is open, other shortcuts are its text.
      await user.keyboard('{Escape}');
      expect(screen.queryByRole('dialog')).toBeNull();
    }
    await user.keyboard('c');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('do nothing in a text field, on a focused button, while a dialog is open, or when the action is denied', async () => {
    const user = userEvent.setup();
    renderActions({
      key: 'apps/deployments',
      row: row('web', 'shop'),
      detail: detailOf('Deployment', 'web', { replicas: 2 }),
      handlers: { 'kube.permissions': permissionsAnswer({ restart: 'alice may not patch deployments in shop' }) },
      beside: <input aria-label="Filter" />,
    });
    await ready();
    await user.click(screen.getByRole('textbox', { name: 'Filter' }));
    await user.keyboard('s');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByRole('textbox', { name: 'Filter' }) as HTMLInputElement).value).toBe('s');

    // A stray letter on a button is not a command; a Ctrl chord still is.
    actionButton('Scale').focus();
    await user.keyboard('fsr');
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.keyboard('{Control>}d{/Control}');
    expect(screen.getByRole('dialog', { name: 'Delete deployment web' })).toBeTruthy();
    await user.keyboard('{Escape}');

    (document.activeElement as HTMLElement).blur();
    await user.keyboard('r');
    expect(screen.queryByRole('dialog')).toBeNull();

    await user.keyboard('s');
    const scale = screen.getByRole('dialog', { name: 'Scale deployment web' });
    await user.keyboard('f');
    expect(screen.getAllByRole('dialog')).toEqual([scale]);
  });
});

describe('inspector keys with an action dialog open', () => {
  it('j and k do nothing while the dialog is open, and work again after', async () => {
    const user = userEvent.setup();
    const move = vi.fn();
    renderActions({ key: '/pods', row: row('web-1', 'shop'), keys: { j: () => move(1), k: () => move(-1) } });
    await ready();
    await user.keyboard('j');
    expect(move).toHaveBeenCalledTimes(1);

    await user.click(actionButton('Delete'));
    expect(screen.getByRole('dialog', { name: 'Delete pod web-1' })).toBeTruthy();
    await user.keyboard('jk');
    expect(move).toHaveBeenCalledTimes(1);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    (document.activeElement as HTMLElement).blur();
    await user.keyboard('k');
    expect(move).toHaveBeenLastCalledWith(-1);
  });
});
