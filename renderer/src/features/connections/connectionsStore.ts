import { useEffect } from 'react';
import { create } from 'zustand';
import type { ConnectionSummary, Health } from '../../../../shared/contract';
import type { AppErrorShape } from '../../../../shared/result';
import { call, getBridge } from '../../api/client';
import { toErrorShape } from '../../shell/errorActions';
import { readSetting, writeSetting } from '../../shell/storage';

const SELECTED_KEY = 'pilothouse.connection';

interface ConnectionsState {
  connections: ConnectionSummary[];
  /** `idle` until the first load starts; pages wait for `ready` before calling the list empty. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Why the last refresh failed; the list keeps what was last loaded. */
  error: AppErrorShape | null;
  /** The connection the switcher points at; kept across launches. */
  selectedId: string | null;
  refresh(): Promise<void>;
  select(id: string | null): void;
  /** Shows a Test result at once, before the `connections.changed` refetch arrives. */
  applyHealth(id: string, health: Health): void;
}

/** Requests finish out of order; only the newest one may write the list. */
let latestRequest = 0;

/** Stored connections, as `connections.list` last returned them, and the selected one. */
export const useConnections = create<ConnectionsState>()((set) => ({
  connections: [],
  status: 'idle',
  error: null,
  selectedId: readSetting(SELECTED_KEY),
  async refresh() {
    const request = ++latestRequest;
    set((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    try {
      const connections = await call('connections.list', {});
      if (request === latestRequest) set({ connections, status: 'ready', error: null });
    } catch (err) {
      if (request === latestRequest) set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: toErrorShape(err) }));
    }
  },
  select(id) {
    writeSetting(SELECTED_KEY, id);
    set({ selectedId: id });
  },
  applyHealth: (id, health) => set((s) => ({ connections: s.connections.map((c) => (c.id === id ? { ...c, health } : c)) })),
}));

/** The selected connection, if it still exists. */
export const selectedConnection = (s: Pick<ConnectionsState, 'connections' | 'selectedId'>): ConnectionSummary | undefined =>
  s.connections.find((c) => c.id === s.selectedId);

/** Loads the list and keeps it current: refetches on `connections.changed` and after missed events. */
export function useLiveConnections(): void {
  useEffect(() => {
    const { refresh } = useConnections.getState();
    void refresh();
    const bridge = getBridge();
    const offChanged = bridge.events['connections.changed'](() => void refresh());
    const offResync = bridge.onResync(() => void refresh());
    return () => {
      offChanged();
      offResync();
    };
  }, []);
}
