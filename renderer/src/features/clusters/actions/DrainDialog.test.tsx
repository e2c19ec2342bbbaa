import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ConnectionSummary, DrainPod, ObjectDetail, ParamsIn, Permission } from '../../../../../shared/contract';
import { setBridge } from '../../../api/client';
import { KeyScope } from '../../../shell/keyScope';
import { Toasts } from '../../../shell/Toasts';
import { useToasts } from '../../../shell/toastStore';
import { createFakeBridge, fail, kubeConnection, ok, type FakeBridge } from '../../../test/fakeBridge';
import { resourceEntries } from '../resourceCatalog';
import { ObjectActions } from './ObjectActions';

const nodes = resourceEntries().find((e) => e.key === '/nodes')!;
const node: ObjectDetail = { uid: 'uid-n', kind: 'Node', apiVersion: 'v1', name: 'kwok-1', resourceVersion: '1', labels: {}, annotations: {}, yaml: '', owners: [], unschedulable: false };
const pod = (namespace: string, name: string, facts: Partial<DrainPod> = {}): DrainPod => ({
  namespace,
  name,
  uid: `uid-${name}`,
  controller: 'ReplicaSet',
  mirror: false,
  emptyDir: false,
  finished: false,
  ...facts,
});

function renderNode(pods: DrainPod[], connection: ConnectionSummary = kubeConnection({ labels: {} }), denied: Partial<Record<string, string>> = {}) {
  const fake = createFakeBridge({
    'kube.permissions': (p) =>
      ok(Object.fromEntries(p.actions.map((a): [string, Permission] => [a, denied[a] ? { allowed: false, reason: denied[a] } : { allowed: true }]))),
    'kube.drainPlan': () => ok({ pods }),
    'kube.drain': () => ok({ taskId: 'task-1' }),
  });
  setBridge(fake.bridge);
  useToasts.setState({ toasts: [] });
  render(
    <>
      <KeyScope keys={{}} page>
        <ObjectActions connection={connection} entry={nodes} row={{ uid: 'uid-n', name: 'kwok-1', cells: [] }} detail={node} />
      </KeyScope>
      <Toasts />
    </>,
  );
  return fake;
}

async function openDrain({ listed = true } = {}) {
  const user = userEvent.setup();
  await waitFor(() => expect(screen.queryByText('Checking permissions…')).toBeNull());
  const buttons = within(screen.getByRole('group', { name: /^Actions on/ }));
  expect(buttons.getAllByRole('button').map((b) => b.firstChild?.textContent)).toEqual(['Cordon', 'Drain', 'Delete']);
  await user.click(buttons.getByRole('button', { name: 'Drain' }));
  const dialog = screen.getByRole('dialog', { name: 'Drain node kwok-1' });
  if (listed) await waitFor(() => expect(within(dialog).queryByText(/Listing the pods on the node/)).toBeNull());
  return { user, dialog };
}

const lastDrain = (fake: FakeBridge) => fake.method('kube.drain').mock.calls.at(-1)?.[0] as ParamsIn<'kube.drain'>;

describe('the drain dialog', () => {
  it('says how many pods it evicts and which it leaves, starts the drain as a task, and says where to follow it', async () => {
    const fake = renderNode([
      pod('team-a', 'web-1'),
      pod('team-a', 'web-2'),
      pod('kube-system', 'agent-x', { controller: 'DaemonSet' }),
      pod('kube-system', 'etcd-kwok-1', { controller: 'Node', mirror: true }),
    ]);
    const { user, dialog } = await openDrain();
    expect(within(dialog).getByRole('status').textContent).toBe(
      '2 pods to evict. 1 DaemonSet pod skipped: its DaemonSet keeps it on the node. 1 static pod skipped: the kubelet runs it.',
    );
    expect(fake.method('kube.drainPlan')).toHaveBeenCalledWith({ connectionId: 'k-prod', resource: nodes.ref, name: 'kwok-1' });

    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(lastDrain(fake)).toEqual({
      connectionId: 'k-prod',
      resource: nodes.ref,
      name: 'kwok-1',
      deleteEmptyDirData: false,
      force: false,
      ignoreDaemonSets: true,
      timeoutSeconds: 300,
    });
    expect(screen.getByText('Draining node kwok-1').closest('li')?.textContent).toContain('Follow it in the Tasks tray');
  });

  it('holds the drain while a pod would be refused, naming it and the option, until that option is chosen', async () => {
    const fake = renderNode([pod('team-a', 'web-1'), pod('team-a', 'cache-0', { emptyDir: true })]);
    const { user, dialog } = await openDrain();
    const emptyDir = within(dialog).getByRole('checkbox', { name: /Delete emptyDir data/ });
    expect(within(dialog).getByText(/Drain stays off until these pods may go/).textContent).toContain(
      '1 pod has emptyDir data that would be lost (team-a/cache-0): choose "Delete emptyDir data" to drain anyway',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    expect(fake.method('kube.drain')).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(emptyDir);

    await user.click(emptyDir);
    expect(within(dialog).queryByText(/Drain stays off/)).toBeNull();
    expect(within(dialog).getByRole('status').textContent).toBe('2 pods to evict.');
    const timeout = within(dialog).getByRole('spinbutton', { name: 'Timeout (seconds)' });
    await user.clear(timeout);
    await user.type(timeout, '60');
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    await waitFor(() => expect(fake.method('kube.drain')).toHaveBeenCalled());
    expect(lastDrain(fake)).toMatchObject({ deleteEmptyDirData: true, force: false, timeoutSeconds: 60 });
  });

  it('keeps Drain off while the pods are being listed: it would cordon the node before knowing what it may evict', async () => {
    const fake = renderNode([]);
    let listed!: () => void;
    fake.handle('kube.drainPlan', () => new Promise((resolve) => (listed = () => resolve(ok({ pods: [pod('team-a', 'web-1')] })))));
    const { user, dialog } = await openDrain({ listed: false });
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('Listing the pods on the node… Drain stays off until they are listed.'));
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    expect(fake.method('kube.drain')).not.toHaveBeenCalled();

    listed();
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('1 pod to evict.'));
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    await waitFor(() => expect(fake.method('kube.drain')).toHaveBeenCalledTimes(1));
  });

  it('when the pods could not be listed, says why and keeps Drain off until trying again lists them', async () => {
    const fake = renderNode([]);
    fake.handle('kube.drainPlan', () => fail('UNREACHABLE', 'https://k8s:6443 did not answer within 30 s'));
    const { user, dialog } = await openDrain({ listed: false });
    const problem = await within(dialog).findByText(/Drain stays off: the pods on the node could not be listed/);
    expect(problem.textContent).toContain('https://k8s:6443 did not answer within 30 s');
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    expect(fake.method('kube.drain')).not.toHaveBeenCalled();
    const retry = within(dialog).getByRole('button', { name: 'Try again' });
    expect(document.activeElement).toBe(retry);

    fake.handle('kube.drainPlan', () => ok({ pods: [pod('team-a', 'web-1')] }));
    await user.click(retry);
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('1 pod to evict.'));
    expect(within(dialog).queryByText(/could not be listed/)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    await waitFor(() => expect(fake.method('kube.drain')).toHaveBeenCalledTimes(1));
  });

  it('asks for a timeout when there is none', async () => {
    const fake = renderNode([pod('team-a', 'web-1')]);
    const { user, dialog } = await openDrain();
    const timeout = within(dialog).getByRole('spinbutton', { name: 'Timeout (seconds)' });
    await user.clear(timeout);
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    expect(within(dialog).getByText('Enter a whole number of seconds from 1 to 3,600.')).toBeTruthy();
    expect(fake.method('kube.drain')).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(timeout);
  });

  it('is offered only to whoever may cordon the node as well as evict its pods', async () => {
    renderNode([], kubeConnection({ labels: {} }), { cordon: 'prod-eu may not cordon nodes' });
    await waitFor(() => expect(screen.queryByText('Checking permissions…')).toBeNull());
    const button = within(screen.getByRole('group', { name: /^Actions on/ })).getByRole('button', { name: 'Drain' });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.title).toBe('A drain cordons the node first, and prod-eu may not cordon nodes.');
  });

  it('on a production connection, starts only once the node’s name is typed', async () => {
    const fake = renderNode([pod('team-a', 'web-1')], kubeConnection({ labels: { env: 'prod' } }));
    const { user, dialog } = await openDrain();
    const drain = within(dialog).getByRole('button', { name: 'Drain' }) as HTMLButtonElement;
    expect(drain.disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: /Type kwok-1 to confirm/ }), 'kwok-1');
    expect(drain.disabled).toBe(false);
    await user.click(drain);
    await waitFor(() => expect(fake.method('kube.drain')).toHaveBeenCalledTimes(1));
  });
});
