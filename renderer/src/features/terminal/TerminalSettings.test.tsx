import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TerminalSession } from '../../../../shared/contract';
import { createFakeBridge, kubeConnection, ok } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useConnections } from '../connections/connectionsStore';
import { parseSettingsForm } from './TerminalSettingsDialog';
import { resetTerminals, useTerminals } from './terminalStore';
import { Terminal } from './xtermFake';

vi.mock('@xterm/xterm', () => import('./xtermFake'));
vi.mock('@xterm/addon-fit', () => import('./xtermFake'));
vi.mock('@xterm/addon-search', () => import('./xtermFake'));
vi.mock('@xterm/addon-web-links', () => import('./xtermFake'));
vi.mock('@xterm/addon-unicode11', () => import('./xtermFake'));

const running: TerminalSession = { id: 't1', kind: 'local', title: 'zsh', state: 'running', startedAt: '2026-12-04T08:00:00Z', attached: false, size: { cols: 100, rows: 30 } };

function fakeServices() {
  return createFakeBridge({
    'connections.list': () => ok([kubeConnection(), kubeConnection({ id: 'k-dev', name: 'dev-eu', labels: {} })]),
    'terminal.list': () => ok([running]),
    'terminal.settings': () => ok({ settings: { fontSize: 14, scrollback: 5000 }, defaultShell: '/usr/bin/fish' }),
    'terminal.saveSettings': (s) => ok({ settings: { fontSize: s.fontSize ?? 13, scrollback: s.scrollback ?? 5000, ...(s.shell ? { shell: s.shell } : {}) }, defaultShell: s.shell ?? '/usr/bin/fish' }),
    'terminal.attach': () => ok({ stream: '1', session: running }),
    'terminal.resize': () => ok({}),
    'terminal.open': ({ target }) => ok({ ...running, id: 't2', title: 'fish', ...(target.connectionId ? { connectionId: target.connectionId } : {}) }),
  });
}

beforeEach(() => {
  sessionStorage.clear();
  resetTerminals();
  Terminal.instances = [];
});

describe('terminal settings', () => {
  it('reads the form as the contract does: empty means the default, paths absolute, numbers whole and in range', () => {
    expect(parseSettingsForm({ shell: ' ', cwd: '', fontSize: '13', scrollback: '5000' })).toEqual({ ok: true, settings: { fontSize: 13, scrollback: 5000 } });
    expect(parseSettingsForm({ shell: '/bin/zsh', cwd: 'C:\\work', fontSize: ' 20 ', scrollback: '100000' })).toEqual({
      ok: true,
      settings: { shell: '/bin/zsh', cwd: 'C:\\work', fontSize: 20, scrollback: 100000 },
    });
    const bad = parseSettingsForm({ shell: 'zsh', cwd: '../etc', fontSize: '12.5', scrollback: '1e9' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && Object.keys(bad.problems).sort()).toEqual(['cwd', 'fontSize', 'scrollback', 'shell']);
    for (const [fontSize, scrollback] of [
      ['7', '5000'],
      ['33', '5000'],
      ['', '5000'],
      ['13', '99'],
      ['13', '-5'],
      ['0x10', '5000'],
    ])
      expect(parseSettingsForm({ shell: '', cwd: '', fontSize, scrollback }).ok).toBe(false);
    expect(parseSettingsForm({ shell: '/bin/sh\0evil', cwd: '', fontSize: '13', scrollback: '5000' }).ok).toBe(false);
    expect(parseSettingsForm({ shell: `/${'a'.repeat(5000)}`, cwd: '', fontSize: '13', scrollback: '5000' }).ok).toBe(false);
  });

  it('shows the default shell, says what is wrong, saves, and applies the font to open terminals', async () => {
    const user = userEvent.setup();
    const { fake } = renderApp(fakeServices(), '#/terminal');
    await waitFor(() => expect(Terminal.instances.some((t) => !t.disposed)).toBe(true));
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Terminal settings' });
    const shell = await within(dialog).findByRole('textbox', { name: 'Shell' });
    expect(shell.getAttribute('placeholder')).toBe('/usr/bin/fish');
    expect(dialog.textContent).toContain('Empty: /usr/bin/fish (the default)');
    await user.type(shell, 'zsh');
    const font = within(dialog).getByRole('textbox', { name: 'Font size' });
    await user.clear(font);
    await user.type(font, '40');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('The shell must be an absolute path, e.g. /bin/zsh.')).toBeTruthy();
    expect(within(dialog).getByText('The font size is a whole number from 8 to 32.')).toBeTruthy();
    expect(fake.method('terminal.saveSettings')).not.toHaveBeenCalled();

    await user.clear(shell);
    await user.type(shell, '/bin/zsh');
    await user.clear(font);
    await user.type(font, '16');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.method('terminal.saveSettings')).toHaveBeenCalledWith({ shell: '/bin/zsh', fontSize: 16, scrollback: 5000 }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(useTerminals.getState().settings.fontSize).toBe(16);
    const term = Terminal.instances.find((t) => !t.disposed)!;
    expect(term.options.fontSize).toBe(16);
  });

  it('offers New terminal, New terminal on each connection and the settings in the palette', async () => {
    const user = userEvent.setup();
    const { fake } = renderApp(fakeServices(), '#/connections');
    await waitFor(() => expect(useConnections.getState().status).toBe('ready'));
    await user.keyboard('{Control>}k{/Control}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'new terminal on dev');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(location.hash).toBe('#/terminal'));
    expect(fake.method('terminal.open').mock.calls[0][0]).toMatchObject({ target: { kind: 'local', connectionId: 'k-dev' } });

    await user.keyboard('{Control>}k{/Control}');
    await user.type(screen.getByRole('combobox', { name: 'Search commands' }), 'terminal settings');
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('dialog', { name: 'Terminal settings' })).toBeTruthy();
  });
});
