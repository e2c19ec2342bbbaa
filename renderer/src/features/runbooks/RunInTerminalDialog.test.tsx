import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TerminalSession } from '../../../../shared/contract';
import { CallError } from '../../api/client';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { useRunbooks } from './runbooksStore';
import { runbook } from './testKit';

const terminal = vi.hoisted(() => ({ openTerminal: vi.fn() }));
vi.mock('../terminal/terminalNavigation', () => terminal);

const session: TerminalSession = { id: 't7', kind: 'local', title: 'bash', connectionId: 'k-dev', connectionName: 'dev-eu', state: 'running', startedAt: '2026-12-04T10:00:00Z', attached: false, size: { cols: 120, rows: 32 } };
const BODY = '# Scale down\n\n```bash\nkubectl get deploy ranker\nkubectl scale deploy/ranker \\\n  --replicas=0\n```\n';
const COMMAND = 'kubectl get deploy ranker\nkubectl scale deploy/ranker \\\n  --replicas=0';

function setup(body = BODY) {
  const fake = createFakeBridge({
    'connections.list': () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev-eu', labels: { env: 'dev' } })]),
    'runbooks.search': () => ok({ hits: [], total: 1, tags: [] }),
    'runbooks.get': () => ok(runbook({ id: 'rb-scale', title: 'Scale down the ranker', body })),
    'runbooks.uses': () => ok([]),
    'terminal.run': () => ok({}),
  });
  useRunbooks.setState({ selectedId: 'rb-scale', draft: null });
  renderApp(fake, '#/runbooks');
  return fake;
}

async function openRunDialog(user: ReturnType<typeof userEvent.setup>, connectionId: string) {
  await waitFor(() => expect(useConnections.getState().status).toBe('ready'));
  act(() => useConnections.getState().select(connectionId));
  await user.click(await screen.findByRole('button', { name: 'Run in terminal…' }));
  return screen.getByRole('dialog', { name: 'Run in terminal' });
}

beforeEach(() => {
  terminal.openTerminal.mockReset();
  terminal.openTerminal.mockResolvedValue(session);
});

describe('Run in terminal', () => {
  it('shows the exact command with its destructive part marked, and runs it in a terminal on the chosen connection', async () => {
    const user = userEvent.setup();
    const fake = setup();
    const dialog = await openRunDialog(user, 'k-dev');
    expect(within(dialog).getByLabelText('Command').textContent).toBe(COMMAND);
    const marks = [...dialog.querySelectorAll('mark.runbook-destructive')];
    expect(marks.map((m) => m.textContent)).toEqual(['kubectl scale deploy/ranker \\\n  --replicas=0']);
    expect(within(dialog).getByRole('note', { name: 'Destructive commands' }).textContent).toContain('scales a workload to zero replicas');
    expect((within(dialog).getByRole('combobox', { name: 'Connection the terminal uses' }) as HTMLSelectElement).value).toBe('k-dev');

    await user.click(within(dialog).getByRole('button', { name: 'Run' }));
    expect(terminal.openTerminal).toHaveBeenCalledWith({ kind: 'local', connectionId: 'k-dev' });
    await waitFor(() => expect(fake.method('terminal.run')).toHaveBeenCalledWith({ id: 't7', command: COMMAND, runbook: { id: 'rb-scale', title: 'Scale down the ranker' } }));
  });

  it('will not type a block whose control characters would make the shell run something else than what is shown', async () => {
    const user = userEvent.setup();
    const fake = setup('# Looks harmless\n\n```bash\nkubectl get pods --all # delete\x17\x08\x1bb\x1bd\x19\n```\n');
    const dialog = await openRunDialog(user, 'k-dev');
    expect(dialog.textContent).toContain('U+0017, a control character');
    expect(within(dialog).getByRole('button', { name: 'Run' })).toHaveProperty('disabled', true);
    expect(terminal.openTerminal).not.toHaveBeenCalled();
    expect(fake.method('terminal.run')).not.toHaveBeenCalled();
  });

  it('asks for a production connection’s name to be typed before it runs', async () => {
    const user = userEvent.setup();
    const fake = setup();
    const dialog = await openRunDialog(user, 'k-prod');
    const select = within(dialog).getByRole('combobox', { name: 'Connection the terminal uses' });
    expect(select.className).toContain('runbook-production');
    expect(within(select).getByRole('option', { name: /prod-eu .*production \(env=prod\)/ })).toBeTruthy();
    const run = within(dialog).getByRole('button', { name: 'Run' }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    const typed = within(dialog).getByRole('textbox', { name: /Type prod-eu to confirm/ });
    await user.type(typed, 'prod-e');
    expect(run.disabled).toBe(true);
    await user.type(typed, 'u');
    expect(run.disabled).toBe(false);
    await user.click(run);
    expect(terminal.openTerminal).toHaveBeenCalledWith({ kind: 'local', connectionId: 'k-prod' });
    await waitFor(() => expect(fake.method('terminal.run')).toHaveBeenCalled());
  });

  it('runs nothing on Cancel, and no connection means the plain local shell', async () => {
    const user = userEvent.setup();
    setup();
    let dialog = await openRunDialog(user, 'k-dev');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(terminal.openTerminal).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Run in terminal…' }));
    dialog = screen.getByRole('dialog', { name: 'Run in terminal' });
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Connection the terminal uses' }), '');
    await user.click(within(dialog).getByRole('button', { name: 'Run' }));
    expect(terminal.openTerminal).toHaveBeenCalledWith({ kind: 'local' });
  });

  it('says why when the terminal cannot start, and runs nothing', async () => {
    const user = userEvent.setup();
    const fake = setup();
    terminal.openTerminal.mockRejectedValue(new CallError({ code: 'UNSUPPORTED', message: 'The pty host could not start: node-pty is missing' }));
    const dialog = await openRunDialog(user, 'k-dev');
    await user.click(within(dialog).getByRole('button', { name: 'Run' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('The terminal could not start');
    expect(alert.textContent).toContain('node-pty is missing');
    expect(fake.method('terminal.run')).not.toHaveBeenCalled();
  });

  it('marks nothing for a harmless command and leaves Run plain', async () => {
    const user = userEvent.setup();
    setup('```\nkubectl get pods | grep delete\n```\n');
    const dialog = await openRunDialog(user, 'k-dev');
    expect(dialog.querySelectorAll('mark')).toHaveLength(0);
    expect(within(dialog).queryByRole('note', { name: 'Destructive commands' })).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Run' }).className).toBe('primary');
  });
});
