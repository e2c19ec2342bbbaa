import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';
import type { TerminalOutput, TerminalSession } from '../../../../shared/contract';
import type { AppErrorShape } from '../../../../shared/result';
import { getBridge } from '../../api/client';
import { overlayOpen } from '../../shell/keyScope';
import { effectiveTheme, useTheme } from '../../shell/theme';
import { useResizeEffect } from '../../ui/useResizeEffect';
import { createInputSender } from './inputQueue';
import { handleTerminalLink } from './terminalLinks';
import { terminalShortcut } from './terminalKeys';
import { useTerminals } from './terminalStore';

/** The shell hears of a new size once the pane has stopped changing for this long (ms): a window drag is one resize. */
export const RESIZE_DEBOUNCE_MS = 120;

/** How this view reads its session's output. */
type Link =
  | { state: 'attaching' }
  | { state: 'attached' }
  /** Its stream ended after the shell did. */
  | { state: 'ended' }
  /** Another window attached and took the output. */
  | { state: 'elsewhere' }
  /** The connection to the services was lost: attach again when it is back. */
  | { state: 'lost' }
  | { state: 'failed'; error: AppErrorShape };

/** Colours from the app's theme, so the terminal matches light and dark. */
function themeNow() {
  const css = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    theme: { background: read('--surface', '#161c24'), foreground: read('--text', '#e4e9f0'), cursor: read('--accent', '#4c8dff'), selectionBackground: '#4c8dff55' },
    fontFamily: read('--mono', 'monospace'),
  };
}

/** Copies the terminal's selection: the copy event xterm answers with it, else the async clipboard. */
function copySelection(term: Terminal): void {
  if (!term.hasSelection()) return;
  const text = term.getSelection();
  // execCommand runs inside the key press's user gesture, where Electron's permission handler does not apply.
  if (!document.execCommand?.('copy')) void navigator.clipboard?.writeText(text).catch(() => undefined);
}

interface XtermViewProps {
  session: TerminalSession;
  /** This pane has the keyboard: the terminal takes focus. */
  focused: boolean;
  /** The user clicked or tabbed into the terminal. */
  onFocus(): void;
}

/**
 * One xterm.js terminal showing one session: attaches on mount (taking the
 * output over from any other window, starting with its recent output),
 * writes what arrives with flow control (a message is acknowledged once xterm
 * has rendered it, so the services hold the shell back while this view is
 * behind), sends keystrokes and resizes. Unmounting detaches: the session
 * goes on until `terminal.close`.
 */
export function XtermView({ session, focused, onFocus }: XtermViewProps) {
  const { id } = session;
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const [link, setLink] = useState<Link>({ state: 'attaching' });
  const attachedRef = useRef(false);
  /** xterm is drawing the recent output a (re)attach replays: its answers to terminal queries in it (vim's, fish's) were given long ago. */
  const replayingRef = useRef(false);
  useEffect(() => {
    attachedRef.current = link.state === 'attached';
  }, [link.state]);
  const [attachCount, setAttachCount] = useState(0);
  const [searching, setSearching] = useState(false);
  const fontSize = useTerminals((s) => s.settings.fontSize);
  const scrollback = useTerminals((s) => s.settings.scrollback);

  // One Terminal for the life of the view (the view is keyed by session).
  useLayoutEffect(() => {
    const { settings, setLastSize } = useTerminals.getState();
    // The unicode addon's API is a proposed one.
    const term = new Terminal({ allowProposedApi: true, fontSize: settings.fontSize, scrollback: settings.scrollback, cursorBlink: true, ...themeNow() });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon((event, uri) => void handleTerminalLink(event, uri)));
    term.loadAddon(new Unicode11Addon());
    term.unicode.activeVersion = '11';
    term.open(hostRef.current!);
    termRef.current = term;
    fitRef.current = fit;
    searchRef.current = search;

    const input = createInputSender((data) => getBridge().methods['terminal.input']({ id, data }));
    // Keys typed while another window reads the session would go to a shell whose answer this one cannot see.
    const onData = term.onData((data) => attachedRef.current && !replayingRef.current && input.push(data));
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    const onResize = term.onResize(({ cols, rows }) => {
      setLastSize({ cols, rows });
      clearTimeout(resizeTimer);
      // Only the window that reads the session sizes it (attaching sends this window's size).
      resizeTimer = setTimeout(() => attachedRef.current && void getBridge().methods['terminal.resize']({ id, size: { cols, rows } }), RESIZE_DEBOUNCE_MS);
    });
    term.attachCustomKeyEventHandler((e) => {
      const shortcut = terminalShortcut(e);
      if (!shortcut) return true;
      if (e.type === 'keydown') {
        // Chromium's own meaning of these chords (the element inspector, search) must not run too.
        if (shortcut === 'copy' || shortcut === 'find') e.preventDefault();
        if (shortcut === 'copy') copySelection(term);
        else if (shortcut === 'find') setSearching(true);
        // Paste: Chromium pastes as plain text on this key, and xterm brackets the paste for the shell.
        // The page's own keys: the press goes on to the page, which acts on it.
      }
      // Not for the shell: Ctrl+Shift+C would otherwise reach it as Ctrl+C.
      return false;
    });
    return () => {
      clearTimeout(resizeTimer);
      input.dispose();
      onData.dispose();
      onResize.dispose();
      term.dispose();
      termRef.current = null;
      fitRef.current = null;
      searchRef.current = null;
    };
  }, [id]);

  useResizeEffect(hostRef, () => fitRef.current?.fit());

  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    term.options.fontSize = fontSize;
    term.options.scrollback = scrollback;
    fitRef.current?.fit();
  }, [fontSize, scrollback]);

  // The app's theme changed: take its colours once the page has them (the shell sets them in an effect after this one).
  const appTheme = useTheme(effectiveTheme);
  const firstTheme = useRef(appTheme);
  useEffect(() => {
    if (appTheme === firstTheme.current) return;
    firstTheme.current = appTheme;
    const frame = requestAnimationFrame(() => {
      if (termRef.current) termRef.current.options.theme = themeNow().theme;
    });
    return () => cancelAnimationFrame(frame);
  }, [appTheme]);

  // Attach: again after "Show here", or when the connection to the services is back.
  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    const { upsert } = useTerminals.getState();
    const bridge = getBridge();
    let gone = false;
    let exited = false;
    let stop: (() => void) | undefined;
    setLink({ state: 'attaching' });
    const write = (data: string) => new Promise<void>((resolve) => term.write(data, resolve));
    void bridge.methods['terminal.attach']({ id }).then((result) => {
      if (gone) {
        // Opened for nobody: close the stream rather than leave it paused.
        if (result.ok) bridge.stream('terminal.output', result.value.stream, { message: () => undefined, end: () => undefined })();
        return;
      }
      if (!result.ok) return setLink({ state: 'failed', error: result.error });
      upsert(result.value.session);
      setLink({ state: 'attached' });
      stop = bridge.stream('terminal.output', result.value.stream, {
        message(m: TerminalOutput) {
          if (m.t === 'exit') {
            exited = true;
            upsert(m.session);
            return;
          }
          if (m.t !== 'replay') return write(m.data);
          term.reset();
          replayingRef.current = true;
          return write(m.data).finally(() => (replayingRef.current = false));
        },
        end(error) {
          stop = undefined;
          if (gone) return;
          if (exited) setLink({ state: 'ended' });
          else if (error?.code === 'UNREACHABLE') setLink({ state: 'lost' });
          // The services end a reader's stream with CONFLICT when another window attaches.
          else if (!error || error.code === 'CONFLICT') setLink({ state: 'elsewhere' });
          else setLink({ state: 'failed', error });
        },
      });
      // The session may have another window's size, or the size it was opened with: give it this one's.
      const size = { cols: term.cols, rows: term.rows };
      useTerminals.getState().setLastSize(size);
      if (size.cols !== result.value.session.size.cols || size.rows !== result.value.session.size.rows) void bridge.methods['terminal.resize']({ id, size });
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, [id, attachCount]);

  const lost = link.state === 'lost';
  useEffect(() => (lost ? getBridge().onResync(() => setAttachCount((n) => n + 1)) : undefined), [lost]);

  // The focused pane's terminal takes the keyboard, unless a dialog or the palette has it.
  useEffect(() => {
    if (focused && !searching && !overlayOpen()) termRef.current?.focus();
  }, [focused, searching, link.state]);

  const closeSearch = () => {
    searchRef.current?.clearDecorations();
    setSearching(false);
    termRef.current?.focus();
  };

  return (
    <div className="xterm-view" onFocus={onFocus} onMouseDown={onFocus}>
      {searching && <SearchBar search={searchRef} onClose={closeSearch} />}
      {link.state !== 'attached' && link.state !== 'ended' && (
        <div className="terminal-bar" role="status">
          <span>{linkText(link)}</span>
          {(link.state === 'elsewhere' || link.state === 'failed') && (
            <button type="button" onClick={() => setAttachCount((n) => n + 1)}>
              Show here
            </button>
          )}
        </div>
      )}
      <div ref={hostRef} className="xterm-host" data-session={id} />
    </div>
  );
}

function linkText(link: Link): string {
  switch (link.state) {
    case 'attaching':
      return 'Attaching…';
    case 'elsewhere':
      return 'This terminal is shown in another window.';
    case 'lost':
      return 'Lost the connection to the Pilothouse services; this terminal attaches again when it is back.';
    case 'failed':
      return `Could not show this terminal: ${link.error.message}`;
    default:
      return '';
  }
}

function SearchBar({ search, onClose }: { search: RefObject<SearchAddon | null>; onClose(): void }) {
  const [text, setText] = useState('');
  const [missed, setMissed] = useState(false);
  const find = (backwards: boolean) => {
    if (!text) return;
    const found = backwards ? search.current?.findPrevious(text) : search.current?.findNext(text);
    setMissed(found === false);
  };
  const onKeyDown = (e: ReactKeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      find(e.shiftKey);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };
  return (
    <div className="terminal-search" role="search">
      <input
        type="search"
        autoFocus
        aria-label="Find in terminal"
        placeholder="Find (Enter: next, Shift+Enter: previous)"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setMissed(false);
        }}
        onKeyDown={onKeyDown}
      />
      {missed && <span className="muted">No match</span>}
      <button type="button" onClick={() => find(true)} aria-label="Previous match">
        ↑
      </button>
      <button type="button" onClick={() => find(false)} aria-label="Next match">
        ↓
      </button>
      <button type="button" onClick={onClose} aria-label="Close find" title="Esc">
        ×
      </button>
    </div>
  );
}
