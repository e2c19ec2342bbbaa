import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamReader } from '../../../../shared/bridge';
import type { TerminalOutput, TerminalSession } from '../../../../shared/contract';
import { CallError } from '../../api/client';
import { createFakeBridge, fail, kubeConnection, ok, type FakeBridge } from '../../test/fakeBridge';
import { renderApp } from '../../test/renderApp';
import { useTheme } from '../../shell/theme';
import { useConnections } from '../connections/connectionsStore';
import { LAYOUT_KEY, resetTerminals, useTerminals } from './terminalStore';
import { openTerminal } from './terminalNavigation';
import { RESIZE_DEBOUNCE_MS } from './XtermView';
import { Terminal } from './xtermFake';

vi.mock('@xterm/xterm', () => import('./xtermFake'));
vi.mock('@xterm/addon-fit', () => import('./xtermFake'));
vi.mock('@xterm/addon-search', () => import('./xtermFake'));
vi.mock('@xterm/addon-web-links', () => import('./xtermFake'));
vi.mock('@xterm/addon-unicode11', () => import('./xtermFake'));

const prod = kubeConnection();
const dev = kubeConnection({ id: 'k-dev', name: 'dev-eu', labels: { env: 'dev' } });

function session(id: string, over: Partial<TerminalSession> = {}): TerminalSession {
  return { id, kind: 'local', title: `zsh ${id}`, state: 'running', startedAt: '2026-12-04T08:00:00Z', attached: false, size: { cols: 120, rows: 32 }, ...over };
}

/** The fake services: `sessions` as `terminal.list` answers, one stream per attach. */
function services(sessions: TerminalSession[]) {
  let streams = 0;
  let opened = 100;
  const fake = createFakeBridge({
    'connections.list': () => ok([prod, dev]),
    'terminal.list': () => ok(sessions),
    'terminal.settings': () => ok({ settings: { fontSize: 13, scrollback: 5000 }, defaultShell: '/bin/zsh' }),
    'terminal.attach': ({ id }) => {
      const s = sessions.find((x) => x.id === id);
      return s ? ok({ stream: String(++streams), session: { ...s, attached: true } }) : fail('NOT_FOUND', `No terminal ${id}`);
    },
    'terminal.input': () => ok({}),
    'terminal.resize': () => ok({}),
    'terminal.close': ({ id }) => {
      sessions.splice(
        sessions.findIndex((s) => s.id === id),
        1,
      );
      return ok({});
    },
    'terminal.open': ({ target }) => {
      const s = session(`t${++opened}`, { kind: target.kind, ...(target.connectionId ? { connectionId: target.connectionId } : {}) });
      sessions.push(s);
      return ok(s);
    },
  });
  const readers: { stream: string; reader: StreamReader<TerminalOutput> }[] = [];
  const stream = fake.bridge.stream;
  fake.bridge.stream = ((name, id, reader) => {
    readers.push({ stream: id, reader: reader as StreamReader<TerminalOutput> });
    return stream(name, id, reader);
  }) as typeof stream;
  return { fake, readers, sessions };
}

function renderTerminals(sessions: TerminalSession[], hash = '#/terminal') {
  const s = services(sessions);
  const view = renderApp(s.fake, hash);
  act(() => useConnections.getState().select('k-prod'));
  return { ...s, ...view, user: userEvent.setup() };
}

/** As a window reload does: the page and its stores start afresh, sessionStorage stays. */
function reload(s: ReturnType<typeof renderTerminals>) {
  s.unmount();
  resetTerminals();
  Terminal.instances = [];
  const view = renderApp(s.fake, '#/terminal');
  return { ...s, ...view };
}

const tabNames = () => screen.queryAllByRole('tab').map((t) => t.querySelector('.terminal-tab-title')?.textContent);
const tab = (title: string) => screen.getByRole('tab', { name: new RegExp(`^${title}(?!\\d)`) });
const attached = (fake: FakeBridge) => fake.method('terminal.attach').mock.calls.map(([p]) => (p as { id: string }).id);
/** The live (not disposed) fake terminal showing `id`. */
const termOf = (id: string) => {
  const host = document.querySelector(`[data-session="${id}"]`);
  const term = Terminal.instances.find((t) => !t.disposed && t.element === host);
  if (!term) throw new Error(`no terminal shows ${id}`);
  return term;
};
const tick = () => act(() => new Promise((r) => setTimeout(r, 0)));

beforeEach(() => {
  sessionStorage.clear();
  resetTerminals();
  Terminal.instances = [];
  Terminal.writesFinish = true;
});

describe('Terminal page', () => {
  it('lists the sessions as tabs: the bound connection, production in the warning colour, and how an ended one ended', async () => {
    const { fake } = renderTerminals([
      session('t1', { connectionId: 'k-prod', connectionName: 'prod-eu' }),
      session('t2', { kind: 'exec', title: 'payments-7d9f/app', connectionId: 'k-dev', connectionName: 'dev-eu', container: { namespace: 'shop', pod: 'payments-7d9f', container: 'app' } }),
      session('t3', { state: 'exited', exitCode: 3, endedAt: '2026-12-04T08:10:00Z' }),
      session('t4', { state: 'exited', signal: 'SIGKILL' }),
      session('t5', { state: 'failed', error: 'pods "x" not found' }),
    ]);
    await waitFor(() => expect(tabNames()).toEqual(['zsh t1', 'payments-7d9f/app', 'zsh t3', 'zsh t4', 'zsh t5']));
    const prodBadge = within(tab('zsh t1')).getByText('prod-eu').closest('.badge')!;
    expect(prodBadge.className).toContain('terminal-conn-production');
    expect(prodBadge.getAttribute('title')).toContain('production connection (env=prod)');
    expect(within(tab('payments-7d9f/app')).getByText('dev-eu').className).not.toContain('production');
    expect(tab('zsh t3').textContent).toContain('exited with code 3');
    expect(tab('zsh t4').textContent).toContain('ended by SIGKILL');
    expect(tab('zsh t5').textContent).toContain('failed: pods "x" not found');
    // The first tab is shown, and only it is attached.
    expect(tab('zsh t1').getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(attached(fake)).toEqual(['t1']));
  });

  it('shows an ended session’s exit code over its terminal, with Close and Start again in its place', async () => {
    const { fake, user, sessions } = renderTerminals([session('t1'), session('t2', { connectionId: 'k-prod', connectionName: 'prod-eu', state: 'exited', exitCode: 130 }), session('t3')]);
    await user.click(await screen.findByRole('tab', { name: /^zsh t2/ }));
    const bar = await screen.findByText((_, el) => el?.classList.contains('terminal-ended') === true && el.textContent!.includes('exited with code 130'));
    await user.click(within(bar).getByRole('button', { name: 'Start again' }));
    await waitFor(() => expect(fake.method('terminal.open')).toHaveBeenCalledWith({ target: { kind: 'local', connectionId: 'k-prod' }, size: { cols: 100, rows: 30 } }));
    await waitFor(() => expect(fake.method('terminal.close')).toHaveBeenCalledWith({ id: 't2' }));
    act(() => fake.emit('terminal.changed', { sessions: [...sessions] }));
    // The new session takes the ended one's place, shown.
    await waitFor(() => expect(tabNames()).toEqual(['zsh t1', 'zsh t101', 'zsh t3']));
    expect(tab('zsh t101').getAttribute('aria-selected')).toBe('true');

    await user.click(tab('zsh t3'));
    act(() => fake.emit('terminal.changed', { sessions: sessions.map((s) => (s.id === 't3' ? { ...s, state: 'exited', exitCode: 0 } : s)) }));
    const closeBar = await screen.findByText((_, el) => el?.classList.contains('terminal-ended') === true && el.textContent!.includes('exited with code 0'));
    await user.click(within(closeBar).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(fake.method('terminal.close')).toHaveBeenCalledWith({ id: 't3' }));
    await waitFor(() => expect(tabNames()).toEqual(['zsh t1', 'zsh t101']));
  });

  it('writes the recent output after a reset, then the output, and acknowledges a message only once xterm has written it', async () => {
    const { readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    const term = termOf('t1');
    // Wide characters measured as Unicode 11 has them, which xterm offers as a proposed API.
    expect(term.unicode.activeVersion).toBe('11');
    expect(term.options).toMatchObject({ allowProposedApi: true, fontSize: 13, scrollback: 5000 });
    const { reader } = readers[0];
    Terminal.writesFinish = false;
    let taken = false;
    const replay = reader.message({ t: 'replay', data: '$ ls\r\n' });
    void Promise.resolve(replay).then(() => (taken = true));
    await tick();
    expect(term.written).toEqual(['<reset>', '$ ls\r\n']);
    expect(taken).toBe(false);
    term.finishWrites();
    await tick();
    expect(taken).toBe(true);
    await act(async () => {
      const data = reader.message({ t: 'data', data: 'a.txt\r\n' });
      term.finishWrites();
      await data;
    });
    expect(term.written.at(-1)).toBe('a.txt\r\n');
  });

  it('shows the exit code when the shell ends while shown', async () => {
    const { readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    act(() => void readers[0].reader.message({ t: 'exit', session: session('t1', { state: 'exited', exitCode: 2 }) }));
    expect(await screen.findByText(/exited with code 2/, { selector: '.terminal-ended span' })).toBeTruthy();
    expect(tab('zsh t1').textContent).toContain('exited with code 2');
  });

  it('sends the keystrokes of a frame as one call, and the new size once resizing stops', async () => {
    const { fake, readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    const term = termOf('t1');
    act(() => {
      term.type('l');
      term.type('s');
      term.type('\r');
    });
    await waitFor(() => expect(fake.method('terminal.input')).toHaveBeenCalledWith({ id: 't1', data: 'ls\r' }));
    expect(fake.method('terminal.input')).toHaveBeenCalledTimes(1);

    vi.useFakeTimers();
    try {
      fake.method('terminal.resize').mockClear();
      act(() => {
        term.resize(90, 20);
        term.resize(91, 21);
      });
      act(() => vi.advanceTimersByTime(RESIZE_DEBOUNCE_MS - 1));
      expect(fake.method('terminal.resize')).not.toHaveBeenCalled();
      act(() => vi.advanceTimersByTime(1));
      expect(fake.method('terminal.resize').mock.calls).toEqual([[{ id: 't1', size: { cols: 91, rows: 21 } }]]);
    } finally {
      vi.useRealTimers();
    }
    // A new terminal starts at that size.
    expect(useTerminals.getState().lastSize).toEqual({ cols: 91, rows: 21 });
  });

  it('takes the app’s colours again when the theme changes', async () => {
    const { readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    const term = termOf('t1');
    const before = term.options.theme;
    expect(before).toMatchObject({ background: expect.any(String), foreground: expect.any(String) });
    act(() => useTheme.getState().toggle());
    await waitFor(() => expect(term.options.theme).not.toBe(before));
  });

  it('tells the session its size on attach when it was opened at another', async () => {
    const { fake, readers } = renderTerminals([session('t1', { size: { cols: 80, rows: 24 } })]);
    await waitFor(() => expect(readers).toHaveLength(1));
    await waitFor(() => expect(fake.method('terminal.resize')).toHaveBeenCalledWith({ id: 't1', size: { cols: 100, rows: 30 } }));
  });

  it('keeps Ctrl+Shift chords from the shell, copies the selection with Ctrl+Shift+C and finds with Ctrl+Shift+F', async () => {
    const { readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    const term = termOf('t1');
    const key = (k: string, mods: KeyboardEventInit = { ctrlKey: true, shiftKey: true }) => term.keyHandler!(new KeyboardEvent('keydown', { key: k, ...mods }));
    expect(key('c', { ctrlKey: true })).toBe(true);
    expect(key('k', { ctrlKey: true })).toBe(true);
    term.selection = 'kubectl get pods';
    const exec = vi.fn(() => true);
    document.execCommand = exec;
    expect(key('C')).toBe(false);
    expect(exec).toHaveBeenCalledWith('copy');
    const copyPress = new KeyboardEvent('keydown', { key: 'C', ctrlKey: true, shiftKey: true, cancelable: true });
    term.keyHandler!(copyPress);
    expect(copyPress.defaultPrevented).toBe(true);
    // Paste is left to the browser's paste, which xterm brackets for the shell.
    const pastePress = new KeyboardEvent('keydown', { key: 'V', ctrlKey: true, shiftKey: true, cancelable: true });
    expect(term.keyHandler!(pastePress)).toBe(false);
    expect(pastePress.defaultPrevented).toBe(false);
    expect(key('V')).toBe(false);
    expect(key('X')).toBe(false);
    act(() => void key('F'));
    const find = await screen.findByRole('searchbox', { name: 'Find in terminal' });
    await userEvent.type(find, 'error{Enter}');
    expect(term.search()!.found).toEqual(['error']);
    await userEvent.type(find, '{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}absent{Enter}');
    expect(screen.getByText('No match')).toBeTruthy();
    // In the find field Ctrl+Shift+← selects a word: it does not change the tab.
    const layout = useTerminals.getState().layout;
    fireEvent.keyDown(find, { key: 'ArrowLeft', ctrlKey: true, shiftKey: true });
    expect(useTerminals.getState().layout).toBe(layout);
    await userEvent.type(find, '{Escape}');
    expect(screen.queryByRole('searchbox')).toBeNull();
  });

  it('hands a clicked link to the safe opener, and only an http(s) one', async () => {
    const { readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const handler = termOf('t1').linkHandler()!;
    handler(new MouseEvent('mousemove'), 'https://example.com/');
    handler(new MouseEvent('mouseup'), 'javascript:alert(1)');
    expect(open).not.toHaveBeenCalled();
    handler(new MouseEvent('mouseup'), 'https://example.com/');
    expect(open).toHaveBeenCalledWith('https://example.com/', '_blank', 'noopener,noreferrer');
    open.mockRestore();
  });

  it('splits into two panes, each with its own session, the focus moving by click and by key', async () => {
    const { fake, user } = renderTerminals([session('t1'), session('t2'), session('t3')]);
    await waitFor(() => expect(attached(fake)).toEqual(['t1']));
    await user.click(screen.getByRole('button', { name: 'Split' }));
    expect(screen.getByRole('region', { name: 'Left pane: zsh t1' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Right pane: zsh t2' })).toBeTruthy();
    await waitFor(() => expect(attached(fake)).toEqual(['t1', 't2']));
    // The right pane has focus: a tab goes there.
    await user.click(tab('zsh t3'));
    expect(screen.getByRole('region', { name: 'Right pane: zsh t3' })).toBeTruthy();
    // A tab the other pane shows moves the focus there instead of showing it twice.
    await user.click(tab('zsh t1'));
    expect(useTerminals.getState().layout.focused).toBe(0);
    expect(screen.getByRole('region', { name: 'Right pane: zsh t3' })).toBeTruthy();
    // Ctrl+Shift+O: the other pane; Ctrl+Shift+→: its next tab, skipping the one the left pane shows.
    const page = screen.getByRole('region', { name: 'Left pane: zsh t1' });
    fireEvent.keyDown(page, { key: 'O', ctrlKey: true, shiftKey: true });
    expect(useTerminals.getState().layout.focused).toBe(1);
    fireEvent.keyDown(page, { key: 'ArrowRight', ctrlKey: true, shiftKey: true });
    expect(screen.getByRole('region', { name: 'Right pane: zsh t2' })).toBeTruthy();
    // A click in a pane gives it the focus.
    fireEvent.mouseDown(screen.getByRole('region', { name: 'Left pane: zsh t1' }));
    expect(useTerminals.getState().layout.focused).toBe(0);
    fireEvent.keyDown(page, { key: 'D', ctrlKey: true, shiftKey: true });
    expect(screen.queryByRole('region', { name: /Right pane/ })).toBeNull();
    expect(screen.getByRole('region', { name: 'Terminal: zsh t1' })).toBeTruthy();
  });

  it('keeps its tabs, their order, the shown ones and the split across a reload, and attaches again to the sessions that remain', async () => {
    const first = renderTerminals([session('t1'), session('t2'), session('t3'), session('t4')]);
    await waitFor(() => expect(tabNames()).toHaveLength(4));
    await first.user.click(screen.getByRole('button', { name: 'Split' }));
    await first.user.click(tab('zsh t4'));
    fireEvent.keyDown(screen.getByRole('region', { name: /Left pane/ }), { key: 'O', ctrlKey: true, shiftKey: true });
    await first.user.click(tab('zsh t3'));
    expect(JSON.parse(sessionStorage.getItem(LAYOUT_KEY)!)).toEqual({ tabs: ['t1', 't2', 't3', 't4'], panes: ['t3', 't4'], split: true, focused: 0 });
    // t4 ended and was closed elsewhere meanwhile.
    first.sessions.splice(3, 1);
    first.fake.method('terminal.attach').mockClear();

    const second = reload(first);
    await waitFor(() => expect(screen.getByRole('region', { name: 'Left pane: zsh t3' })).toBeTruthy());
    expect(screen.getByRole('region', { name: 'Right pane: zsh t2' })).toBeTruthy();
    expect(tabNames()).toEqual(['zsh t1', 'zsh t2', 'zsh t3']);
    await waitFor(() => expect(attached(second.fake).sort()).toEqual(['t2', 't3']));
  });

  it('says when another window took the terminal over, and takes it back on Show here', async () => {
    const { fake, readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    act(() => fake.streamEnd(readers[0].stream, { code: 'CONFLICT', message: 'This terminal is now shown in another window' }));
    const bar = await screen.findByText('This terminal is shown in another window.');
    // Keys typed meanwhile would go to a shell whose answer this window cannot see.
    act(() => termOf('t1').type('rm -rf tmp\r'));
    await tick();
    await tick();
    expect(fake.method('terminal.input')).not.toHaveBeenCalled();
    await userEvent.click(within(bar.parentElement!).getByRole('button', { name: 'Show here' }));
    await waitFor(() => expect(attached(fake)).toEqual(['t1', 't1']));
    expect(screen.queryByText('This terminal is shown in another window.')).toBeNull();
  });

  it('says why the output stopped when its stream failed, and offers to show it again', async () => {
    const { fake, readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    act(() => fake.streamEnd(readers[0].stream, { code: 'INTERNAL', message: 'The pty host stopped' }));
    const bar = await screen.findByText('Could not show this terminal: The pty host stopped');
    await userEvent.click(within(bar.parentElement!).getByRole('button', { name: 'Show here' }));
    await waitFor(() => expect(attached(fake)).toEqual(['t1', 't1']));
  });

  it('attaches again when the connection to the services comes back', async () => {
    const { fake, readers } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    act(() => fake.streamEnd(readers[0].stream, { code: 'UNREACHABLE', message: 'lost' }));
    expect(await screen.findByText(/attaches again when it is back/)).toBeTruthy();
    act(() => fake.resync());
    await waitFor(() => expect(attached(fake)).toEqual(['t1', 't1']));
  });

  it('detaches without closing when the page goes, and disposes its terminal', async () => {
    const { fake, readers, unmount } = renderTerminals([session('t1')]);
    await waitFor(() => expect(readers).toHaveLength(1));
    const term = termOf('t1');
    unmount();
    expect(term.disposed).toBe(true);
    expect(fake.cancelledStreams()).toEqual([readers[0].stream]);
    expect(fake.method('terminal.close')).not.toHaveBeenCalled();
  });

  it('opens a new tab on the selected connection, another on a chosen one, and closes tabs by key', async () => {
    const { fake, user } = renderTerminals([session('t1')]);
    await waitFor(() => expect(tabNames()).toEqual(['zsh t1']));
    expect(document.querySelector('.terminal-keys')?.textContent).toContain('New Ctrl+Shift+Enter · Close Ctrl+Shift+X');
    const newButton = screen.getByRole('button', { name: /^\+ New/ });
    expect(newButton.getAttribute('title')).toBe('New terminal on prod-eu (Ctrl+Shift+Enter)');
    fireEvent.keyDown(newButton, { key: 'Enter', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(tabNames()).toEqual(['zsh t1', 'zsh t101']));
    expect(fake.method('terminal.open').mock.calls[0][0]).toMatchObject({ target: { kind: 'local', connectionId: 'k-prod' } });
    await user.click(screen.getByRole('button', { name: 'New terminal on…' }));
    await user.click(screen.getByRole('menuitem', { name: /Local shell, no connection/ }));
    await waitFor(() => expect(tabNames()).toEqual(['zsh t1', 'zsh t101', 'zsh t102']));
    expect(fake.method('terminal.open').mock.calls[1][0]).toMatchObject({ target: { kind: 'local' } });
    expect(tab('zsh t102').getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('region', { name: /^Terminal: / }), { key: 'X', ctrlKey: true, shiftKey: true });
    // It still runs: asked first, and Cancel keeps it.
    let confirm = await screen.findByRole('dialog', { name: 'Close zsh t102' });
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(fake.method('terminal.close')).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Close zsh t102' }));
    confirm = await screen.findByRole('dialog', { name: 'Close zsh t102' });
    await user.click(within(confirm).getByRole('button', { name: 'Close terminal' }));
    await waitFor(() => expect(fake.method('terminal.close')).toHaveBeenCalledWith({ id: 't102' }));
    expect(tabNames()).toEqual(['zsh t1', 'zsh t101']);
    fireEvent.keyDown(screen.getByRole('region', { name: /^Terminal: / }), { key: 'ArrowLeft', ctrlKey: true, shiftKey: true });
    expect(tab('zsh t1').getAttribute('aria-selected')).toBe('true');
  });

  it('says why a new terminal could not start', async () => {
    const { fake, user } = renderTerminals([]);
    fake.handle('terminal.open', () => fail('VALIDATION', 'The shell /bin/nope does not exist'));
    await user.click(await screen.findByRole('button', { name: 'New terminal' }));
    expect(await screen.findByText('The shell /bin/nope does not exist')).toBeTruthy();
    expect(tabNames()).toEqual([]);
  });
});

describe('openTerminal', () => {
  it('opens a session, makes it the active tab and shows the Terminal page', async () => {
    const { fake } = renderTerminals([session('t1')], '#/connections');
    const opened = await act(() => openTerminal({ kind: 'local', connectionId: 'k-dev' }));
    expect(opened.id).toBe('t101');
    expect(location.hash).toBe('#/terminal');
    expect(fake.method('terminal.open')).toHaveBeenCalledWith({ target: { kind: 'local', connectionId: 'k-dev' }, size: { cols: 120, rows: 32 } });
    await waitFor(() => expect(tab('zsh t101').getAttribute('aria-selected')).toBe('true'));
    await waitFor(() => expect(attached(fake)).toEqual(['t101']));
  });

  it('rejects with the services’ error when the session cannot start, and shows nothing new', async () => {
    const { fake } = renderTerminals([], '#/connections');
    fake.handle('terminal.open', () => fail('NOT_FOUND', 'Connection k-gone no longer exists'));
    const failed = await act(() => openTerminal({ kind: 'local', connectionId: 'k-gone' }).catch((e: unknown) => e));
    expect(failed).toBeInstanceOf(CallError);
    expect((failed as CallError).error).toEqual({ code: 'NOT_FOUND', message: 'Connection k-gone no longer exists' });
    expect(location.hash).toBe('#/connections');
    expect(useTerminals.getState().layout.tabs).toEqual([]);
  });
});
