import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DrillTarget } from '../../../../shared/contract';
import { setBridge } from '../../api/client';
import { createFakeBridge, ok } from '../../test/fakeBridge';
import { resetStores } from '../../test/renderApp';
import { TargetsDialog } from './TargetsDialog';
import { namespaceStatus, prod, staging } from './testKit';

beforeEach(() => {
  localStorage.clear();
  resetStores();
});

function open(initial: Parameters<typeof TargetsDialog>[0]['initial']) {
  const fake = createFakeBridge({ 'drills.saveTarget': (p) => ok(DrillTarget.parse(p)) });
  setBridge(fake.bridge);
  const onSaved = vi.fn();
  const onClose = vi.fn();
  render(<TargetsDialog initial={initial} connections={[staging, prod]} onClose={onClose} onSaved={onSaved} />);
  return { fake, onSaved, onClose, dialog: screen.getByRole('dialog') };
}

describe('the drill targets dialog', () => {
  it('checks every field against the contract’s schema before sending, saying under each what is wrong', async () => {
    const user = userEvent.setup();
    const { fake, onSaved, dialog } = open({ connectionId: 'k-staging', namespace: '' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Namespace' }), 'Team_A');
    await user.clear(within(dialog).getByRole('spinbutton', { name: 'RTO target (restore start → all ready) amount' }));
    const every = within(dialog).getByRole('spinbutton', { name: 'A drill every (days)' });
    await user.clear(every);
    await user.type(every, '400');
    await user.click(within(dialog).getByRole('button', { name: 'Add check' }));
    const check = within(dialog).getByRole('listitem', { name: 'Check 1' });
    await user.selectOptions(within(check).getByRole('combobox', { name: 'Check 1' }), 'HTTP GET answers');
    await user.type(within(check).getByRole('textbox', { name: 'Service' }), 'web');
    const port = within(check).getByRole('spinbutton', { name: 'Port' });
    await user.clear(port);
    await user.type(port, '70000');
    const path = within(check).getByRole('textbox', { name: 'Path' });
    await user.clear(path);
    await user.type(path, 'healthz');
    await user.click(within(dialog).getByRole('button', { name: 'Save targets' }));

    expect(fake.method('drills.saveTarget')).not.toHaveBeenCalled();
    expect(within(dialog).getByRole('alert').textContent).toContain('Check the highlighted fields');
    expect(within(dialog).getByText('A namespace is lower-case letters, digits and "-"')).toBeTruthy();
    expect(within(dialog).getByText('Enter a whole number')).toBeTruthy();
    expect(within(dialog).getByText('At most 366')).toBeTruthy();
    expect(within(check).getByText('At most 65535')).toBeTruthy();
    expect(within(check).getByText('A path starts with "/" and has no spaces')).toBeTruthy();
    expect(path.getAttribute('aria-invalid')).toBe('true');

    const namespace = within(dialog).getByRole('textbox', { name: 'Namespace' });
    await user.clear(namespace);
    await user.type(namespace, 'team-a');
    await user.type(within(dialog).getByRole('spinbutton', { name: 'RTO target (restore start → all ready) amount' }), '10');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'RTO target (restore start → all ready) unit' }), 'minutes');
    await user.clear(every);
    await user.type(every, '14');
    await user.clear(port);
    await user.type(port, '8080');
    await user.clear(path);
    await user.type(path, '/healthz');
    await user.click(within(dialog).getByRole('button', { name: 'Add check' }));
    const second = within(dialog).getByRole('listitem', { name: 'Check 2' });
    await user.selectOptions(within(second).getByRole('combobox', { name: 'Check 2' }), 'Ready replicas');
    await user.type(within(second).getByRole('textbox', { name: 'Name' }), 'web');
    const min = within(second).getByRole('spinbutton', { name: 'At least ready' });
    await user.clear(min);
    await user.type(min, '2');
    await user.click(within(dialog).getByRole('button', { name: 'Save targets' }));

    expect(fake.method('drills.saveTarget')).toHaveBeenCalledWith({
      connectionId: 'k-staging',
      namespace: 'team-a',
      rtoSeconds: 600,
      rpoSeconds: 86_400,
      everyDays: 14,
      checks: [
        { kind: 'httpGet', service: 'web', port: 8080, path: '/healthz' },
        { kind: 'readyReplicas', objectKind: 'Deployment', name: 'web', min: 2 },
      ],
    });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
  });

  it('edits a namespace’s targets as they stand, in their own units, and removes a check', async () => {
    const user = userEvent.setup();
    const status = namespaceStatus();
    const target = { ...status.target!, rtoSeconds: 7200, checks: [{ kind: 'exists' as const, objectKind: 'ConfigMap', name: 'app-config' }, { kind: 'readyReplicas' as const, objectKind: 'StatefulSet' as const, name: 'db', min: 3 }] };
    const { fake, dialog } = open({ connectionId: 'k-staging', namespace: 'team-a', target });
    expect(within(dialog).getByRole('heading', { name: 'Drill targets of team-a' })).toBeTruthy();
    expect(within(dialog).queryByRole('textbox', { name: 'Namespace' })).toBeNull();
    expect((within(dialog).getByRole('spinbutton', { name: 'RTO target (restore start → all ready) amount' }) as HTMLInputElement).value).toBe('2');
    expect((within(dialog).getByRole('combobox', { name: 'RTO target (restore start → all ready) unit' }) as HTMLSelectElement).value).toBe('hours');
    expect((within(dialog).getByRole('combobox', { name: 'RPO target (drill time − backup time) unit' }) as HTMLSelectElement).value).toBe('days');
    await user.click(within(dialog).getByRole('button', { name: 'Remove check 1' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save targets' }));
    expect(fake.method('drills.saveTarget')).toHaveBeenCalledWith({ ...target, checks: [{ kind: 'readyReplicas', objectKind: 'StatefulSet', name: 'db', min: 3 }] });
  });

  it('removes a namespace’s targets once asked twice', async () => {
    const user = userEvent.setup();
    const { fake, onSaved, dialog } = open({ connectionId: 'k-staging', namespace: 'team-a', target: namespaceStatus().target });
    fake.handle('drills.deleteTarget', () => ok({}));
    await user.click(within(dialog).getByRole('button', { name: 'Remove these targets…' }));
    await user.click(within(dialog).getByRole('button', { name: 'Keep them' }));
    expect(fake.method('drills.deleteTarget')).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Remove these targets…' }));
    await user.click(within(within(dialog).getByRole('group', { name: 'Remove targets' })).getByRole('button', { name: 'Remove targets' }));
    expect(fake.method('drills.deleteTarget')).toHaveBeenCalledWith({ connectionId: 'k-staging', namespace: 'team-a' });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
  });

  it('asks before Esc or Cancel throws typed targets away, and closes at once when nothing was typed', async () => {
    const user = userEvent.setup();
    const { onClose, dialog } = open({ connectionId: 'k-staging', namespace: 'team-a', target: namespaceStatus().target });
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledOnce();
    onClose.mockClear();

    await user.click(within(dialog).getByRole('button', { name: 'Add check' }));
    await user.type(within(within(dialog).getByRole('listitem', { name: 'Check 1' })).getByRole('textbox', { name: 'Name' }), 'app-config');
    await user.keyboard('{Escape}');
    const ask = await screen.findByRole('dialog', { name: 'Discard changes' });
    expect(onClose).not.toHaveBeenCalled();
    await user.click(within(ask).getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('dialog', { name: 'Discard changes' })).toBeNull();
    expect((within(dialog).getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('app-config');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Discard changes' })).getByRole('button', { name: 'Discard changes' }));
    expect(onClose).toHaveBeenCalledOnce();
  });
});
