import { useEffect } from 'react';
import { create } from 'zustand';
import type { PortForward } from '../../../../../shared/contract';
import { call, getBridge } from '../../../api/client';
import { describeError, type ErrorView } from '../../../shell/errorActions';

interface PortForwardsState {
  /** Every active forward, of every connection. */
  forwards: PortForward[];
  /** Why the last load failed; cleared by the next list or event. */
  error?: ErrorView;
  load(): Promise<void>;
  /** A forward this window just started, shown before its `portForwards.changed` arrives. */
  add(forward: PortForward): void;
  /** A forward this window just stopped. */
  remove(id: string): void;
}

/** Bumped by every change that is newer than a list request in flight, so the stale answer is dropped. */
let changes = 0;

/** The active port-forwards, as `portForwards.list` and `portForwards.changed` last said. */
export const usePortForwards = create<PortForwardsState>()((set) => ({
  forwards: [],
  async load() {
    const asked = changes;
    try {
      const forwards = await call('portForwards.list', {});
      if (asked === changes) set({ forwards, error: undefined });
    } catch (err) {
      if (asked === changes) set({ error: describeError(err) });
    }
  },
  add(forward) {
    changes++;
    set((s) => ({ forwards: [...s.forwards.filter((f) => f.id !== forward.id), forward] }));
  },
  remove(id) {
    changes++;
    set((s) => ({ forwards: s.forwards.filter((f) => f.id !== id) }));
  },
}));

/** Loads the list and keeps it current from `portForwards.changed`, reloading after missed events. */
export function useLivePortForwards(): void {
  useEffect(() => {
    const { load } = usePortForwards.getState();
    void load();
    const bridge = getBridge();
    const offChanged = bridge.events['portForwards.changed'](({ forwards }) => {
      changes++;
      usePortForwards.setState({ forwards, error: undefined });
    });
    const offResync = bridge.onResync(() => void load());
    return () => {
      offChanged();
      offResync();
    };
  }, []);
}

/** Where a forward listens: always the loopback address. */
export const localAddress = (forward: Pick<PortForward, 'localPort'>): string => `127.0.0.1:${forward.localPort}`;
