import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { bindsTerminal, type TerminalSession } from '../../../../shared/contract';
import { DialogFooter } from '../../shell/DialogFooter';
import { describeError } from '../../shell/errorActions';
import { isTextEntry } from '../../shell/keyScope';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { Modal } from '../../shell/Modal';
import { useUi } from '../../shell/uiStore';
import { ContextMenu } from '../../ui/ContextMenu';
import { useQuery } from '../../ui/useQuery';
import type { MenuPoint } from '../../ui/VirtualGrid';
import { kindLabel } from '../connections/connectionKinds';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { closeTerminal, localTarget, newDefaultTerminal, startAgain, startTerminal, terminalConnections } from './terminalActions';
import { endText, hasEnded } from './terminalFormat';
import { isPageShortcut, SHORTCUTS, terminalShortcut, type PageShortcut } from './terminalKeys';
import { cycle, focusOther, focusPane, show, toggleSplit, type PaneIndex, type TerminalLayout } from './terminalLayout';
import { TerminalTabs } from './TerminalTabs';
import { useLiveTerminals, useTerminals } from './terminalStore';
import { XtermView } from './XtermView';
import './terminal.css';

const UNBOUND = 'local';

/** The page's keys, shown under the panes: all Ctrl+Shift chords, so the shell keeps its own. */
const KEYS_HELP = (
  [
    ['New', SHORTCUTS.newTab],
    ['Close', SHORTCUTS.closeTab],
    ['Next', SHORTCUTS.nextTab],
    ['Previous', SHORTCUTS.previousTab],
    ['Split', SHORTCUTS.split],
    ['Other pane', SHORTCUTS.otherPane],
    ['Copy', SHORTCUTS.copy],
    ['Paste', SHORTCUTS.paste],
    ['Find', SHORTCUTS.find],
  ] as const
)
  .map(([what, key]) => `${what} ${key.hint}`)
  .join(' · ');

/** The Terminal page: tabs of sessions, one or two panes, new terminals bound to a connection, and the settings. */
export function TerminalPage() {
  useLiveTerminals();
  const sessions = useTerminals((s) => s.sessions);
  const status = useTerminals((s) => s.status);
  const error = useTerminals((s) => s.error);
  const layout = useTerminals((s) => s.layout);
  const setLayout = useTerminals((s) => s.setLayout);
  const connections = terminalConnections(useConnections((s) => s.connections));
  const chosen = useConnections(selectedConnection);
  const selected = chosen && bindsTerminal(chosen.kind) ? chosen : undefined;
  const [menuAt, setMenuAt] = useState<MenuPoint | null>(null);
  const [closing, setClosing] = useState<TerminalSession | null>(null);
  // A shell that still runs may hold work (an editor, a port-forward, a long apply): ask before hanging up on it.
  const requestClose = (id: string) => {
    const session = sessions.find((s) => s.id === id);
    if (session && !hasEnded(session)) setClosing(session);
    else void closeTerminal(id);
  };
  const menuButton = useRef<HTMLButtonElement>(null);

  const settings = useQuery('terminal.settings', {});
  useEffect(() => {
    if (settings.value) useTerminals.getState().setSettings(settings.value.settings);
  }, [settings.value]);

  const act = (shortcut: PageShortcut) => {
    const focusedId = layout.panes[layout.focused];
    switch (shortcut) {
      case 'newTab':
        return newDefaultTerminal();
      case 'closeTab':
        return focusedId && requestClose(focusedId);
      case 'nextTab':
        return setLayout((l) => cycle(l, 1));
      case 'previousTab':
        return setLayout((l) => cycle(l, -1));
      case 'split':
        return setLayout(toggleSplit);
      case 'otherPane':
        return setLayout(focusOther);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const shortcut = terminalShortcut(e.nativeEvent);
    if (!isPageShortcut(shortcut) || e.nativeEvent.repeat) return;
    // In a text field (the find bar, a dialog's), Ctrl+Shift+arrows select words: only xterm's own input is not one.
    if (isTextEntry(e.target) && !(e.target instanceof Element && e.target.closest('.xterm'))) return;
    e.preventDefault();
    act(shortcut);
  };

  const bound = selected ? ` on ${selected.name}` : '';
  const openMenu = () => {
    const r = menuButton.current?.getBoundingClientRect();
    setMenuAt({ x: r?.left ?? 0, y: r?.bottom ?? 0 });
  };

  return (
    <section className="page-body terminal-page" aria-labelledby="page-title" onKeyDown={onKeyDown}>
      <div className="page-header">
        <h1 id="page-title">Terminal</h1>
        <div className="page-header-actions">
          <button type="button" onClick={newDefaultTerminal} title={`New terminal${bound} (${SHORTCUTS.newTab.hint})`} aria-keyshortcuts={SHORTCUTS.newTab.aria}>
            + New{bound && <span className="visually-hidden">{bound}</span>}
          </button>
          <button ref={menuButton} type="button" aria-haspopup="menu" aria-label="New terminal on…" title="New terminal on a chosen connection, or unbound" onClick={openMenu}>
            ▾
          </button>
          <button
            type="button"
            aria-pressed={layout.split}
            onClick={() => setLayout(toggleSplit)}
            title={`Split into two panes (${SHORTCUTS.split.hint}; other pane ${SHORTCUTS.otherPane.hint})`}
            aria-keyshortcuts={SHORTCUTS.split.aria}
          >
            Split
          </button>
          <button type="button" onClick={() => useUi.getState().openDialog('terminal-settings')} title="Shell, working directory, font size and scrollback">
            Settings
          </button>
        </div>
      </div>
      <TerminalTabs sessions={sessions} layout={layout} onShow={(id) => setLayout((l) => show(l, id))} onClose={requestClose} />
      {menuAt && (
        <ContextMenu
          label="New terminal on"
          at={menuAt}
          entries={[
            { id: UNBOUND, label: 'Local shell, no connection' },
            ...connections.map((c) => ({ id: c.id, label: c.name, hint: kindLabel(c.kind) })),
          ]}
          onPick={(id) => {
            setMenuAt(null);
            startTerminal(localTarget(id === UNBOUND ? undefined : id));
          }}
          onClose={() => setMenuAt(null)}
        />
      )}
      {error && status === 'error' && <ErrorNotice error={describeError(error)} />}
      <div className={`terminal-panes${layout.split ? ' split' : ''}`}>
        <TerminalPane index={0} layout={layout} sessions={sessions} loading={status !== 'ready'} />
        {layout.split && <TerminalPane index={1} layout={layout} sessions={sessions} loading={status !== 'ready'} />}
      </div>
      <p className="muted terminal-keys">{KEYS_HELP}</p>
      {closing && <CloseDialog session={closing} onClose={() => setClosing(null)} />}
    </section>
  );
}

interface TerminalPaneProps {
  index: PaneIndex;
  layout: TerminalLayout;
  sessions: readonly TerminalSession[];
  loading: boolean;
}

/** One pane: its session's terminal, with a bar over it once the shell has ended. */
function TerminalPane({ index, layout, sessions, loading }: TerminalPaneProps) {
  const setLayout = useTerminals((s) => s.setLayout);
  const id = layout.panes[index];
  const session = sessions.find((s) => s.id === id);
  const focused = layout.focused === index;
  const focus = () => {
    if (!focused) setLayout((l) => focusPane(l, index));
  };
  const name = layout.split ? (index === 0 ? 'Left pane' : 'Right pane') : 'Terminal';
  return (
    <section className={`terminal-pane${focused && layout.split ? ' focused' : ''}`} aria-label={session ? `${name}: ${session.title}` : name} onMouseDown={focus}>
      {!session ? (
        <div className="terminal-empty">
          <p className="muted">{loading && id ? 'Loading terminals…' : layout.tabs.length ? 'Choose a tab to show here.' : 'No terminal is open.'}</p>
          <button type="button" className="primary" onClick={newDefaultTerminal}>
            New terminal
          </button>
        </div>
      ) : (
        <>
          {hasEnded(session) && (
            <div className="terminal-bar terminal-ended" role="status">
              <span>
                <strong className="mono">{session.title}</strong> {endText(session)}
              </span>
              <button type="button" onClick={() => void closeTerminal(session.id)}>
                Close
              </button>
              <button
                type="button"
                onClick={() => {
                  setLayout((l) => focusPane(l, index));
                  void startAgain(session);
                }}
              >
                Start again
              </button>
            </div>
          )}
          <XtermView key={session.id} session={session} focused={focused} onFocus={focus} />
        </>
      )}
    </section>
  );
}

/** Asks before ending a shell that still runs. */
function CloseDialog({ session, onClose }: { session: TerminalSession; onClose(): void }) {
  const where = session.connectionName ? ` on ${session.connectionName}` : '';
  return (
    <Modal label={`Close ${session.title}`} onClose={onClose}>
      <h2>
        Close <span className="mono">{session.title}</span>
        {where}?
      </h2>
      <p>The shell ends, and anything still running in it.</p>
      <DialogFooter
        dismiss={{ label: 'Cancel', onClick: onClose, autoFocus: true }}
        action={{
          label: 'Close terminal',
          busyLabel: 'Closing…',
          busy: false,
          danger: true,
          onClick: () => {
            onClose();
            void closeTerminal(session.id);
          },
        }}
      />
    </Modal>
  );
}
