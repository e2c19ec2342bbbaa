import { useEffect } from 'react';
import { create } from 'zustand';
import type { TerminalSession, TerminalSettings, TerminalSize } from '../../../../shared/contract';
import type { AppErrorShape } from '../../../../shared/result';
import { call, getBridge } from '../../api/client';
import { toErrorShape } from '../../shell/errorActions';
import { addTab, EMPTY_LAYOUT, parseLayout, reconcile, type TerminalLayout } from './terminalLayout';

/** Where this window keeps its tab layout: sessionStorage, so it survives a reload and each window keeps its own. */
export const LAYOUT_KEY = 'pilothouse.terminal.layout';

function readLayout(): TerminalLayout {
  try {
    return parseLayout(sessionStorage.getItem(LAYOUT_KEY));
  } catch {
    return EMPTY_LAYOUT;
  }
}

function writeLayout(layout: TerminalLayout): void {
  try {
    sessionStorage.setItem(LAYOUT_KEY, JSON.stringify(layout));
  } catch {
    // Storage can be unavailable: the layout is a convenience.
  }
}

/** The size a new session starts at: the last size a terminal was fitted to, else this. */
export const DEFAULT_SIZE: TerminalSize = { cols: 120, rows: 32 };

/** Until the services answer, terminals draw with the contract's defaults. */
export const DEFAULT_SETTINGS: TerminalSettings = { fontSize: 13, scrollback: 5000 };

interface TerminalState {
  sessions: TerminalSession[];
  /** `ready` once `terminal.list` answered: before that the stored layout is kept as it is. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: AppErrorShape | null;
  layout: TerminalLayout;
  /** The last size a terminal of this window was fitted to. */
  lastSize: TerminalSize | null;
  settings: TerminalSettings;
  refresh(): Promise<void>;
  /** The services' list of every session, as `terminal.list` or `terminal.changed` tells it. */
  applySessions(sessions: TerminalSession[]): void;
  /** One session as a call answered it (opened, attached, ended). */
  upsert(session: TerminalSession): void;
  /** A new session: its tab, shown in the focused pane. */
  opened(session: TerminalSession, after?: string): void;
  setLayout(change: (layout: TerminalLayout) => TerminalLayout): void;
  setLastSize(size: TerminalSize): void;
  setSettings(settings: TerminalSettings): void;
}

let latestRequest = 0;

/** This window's terminal sessions, its tab layout (kept across reloads) and the terminal settings. */
export const useTerminals = create<TerminalState>()((set, get) => {
  const arrange = (layout: TerminalLayout) => {
    writeLayout(layout);
    return layout;
  };
  return {
    sessions: [],
    status: 'idle',
    error: null,
    layout: readLayout(),
    lastSize: null,
    settings: DEFAULT_SETTINGS,
    async refresh() {
      const request = ++latestRequest;
      set((s) => (s.status === 'ready' ? s : { status: 'loading' }));
      try {
        const sessions = await call('terminal.list', {});
        if (request === latestRequest) get().applySessions(sessions);
      } catch (err) {
        if (request === latestRequest) set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: toErrorShape(err) }));
      }
    },
    applySessions(sessions) {
      set((s) => {
        // Read by a window, and not one of this window's panes: another window shows it.
        const shownElsewhere = new Set(sessions.filter((x) => x.attached && !s.layout.panes.includes(x.id)).map((x) => x.id));
        return { sessions, status: 'ready', error: null, layout: arrange(reconcile(s.layout, sessions.map((x) => x.id), shownElsewhere)) };
      });
    },
    upsert(session) {
      set((s) => {
        const known = s.sessions.some((x) => x.id === session.id);
        return { sessions: known ? s.sessions.map((x) => (x.id === session.id ? session : x)) : [...s.sessions, session] };
      });
    },
    opened(session, after) {
      get().upsert(session);
      set((s) => ({ layout: arrange(addTab(s.layout, session.id, after)) }));
    },
    setLayout(change) {
      set((s) => ({ layout: arrange(change(s.layout)) }));
    },
    setLastSize: (lastSize) => set({ lastSize }),
    setSettings: (settings) => set({ settings }),
  };
});

/** Loads the sessions and keeps them current: refetches on `terminal.changed`'s list and after missed events. */
export function useLiveTerminals(): void {
  useEffect(() => {
    const { refresh, applySessions } = useTerminals.getState();
    void refresh();
    const bridge = getBridge();
    const offChanged = bridge.events['terminal.changed'](({ sessions }) => applySessions(sessions));
    const offResync = bridge.onResync(() => void refresh());
    return () => {
      offChanged();
      offResync();
    };
  }, []);
}

/** Puts the store back to how a fresh window finds it (tests). */
export function resetTerminals(): void {
  latestRequest++;
  useTerminals.setState({ sessions: [], status: 'idle', error: null, layout: readLayout(), lastSize: null, settings: DEFAULT_SETTINGS });
}
