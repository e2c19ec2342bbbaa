import { create } from 'zustand';
import type { AppErrorShape } from '../../../../shared/result';
import { call } from '../../api/client';
import { toErrorShape } from '../../shell/errorActions';
import { readSetting, writeSetting } from '../../shell/storage';
import { resourceKey, type Discovery } from './resourceCatalog';

const PICKED_KEY = 'pilothouse.clusters.resource';

/** The picker entry that shows the cluster's connection details instead of a table. */
export const OVERVIEW = 'overview';

/** Pods first, as in k9s: what an SRE looks at most. */
const DEFAULT_PICK = resourceKey({ group: '', resource: 'pods' });

/** Discovery of one connection; the last answer is kept while a newer one loads. */
export interface DiscoveryState {
  status: 'loading' | 'ready' | 'error';
  value?: Discovery;
  error?: AppErrorShape;
}

interface InspectorState {
  /** The resource key the inspector shows (or {@link OVERVIEW}); kept across launches. */
  picked: string;
  /** By connection id. */
  discoveries: Record<string, DiscoveryState>;
  pick(key: string): void;
  discover(connectionId: string): Promise<void>;
}

/** Requests finish out of order; only the newest per connection may write. */
const latest = new Map<string, number>();
let requests = 0;

/** What the cluster inspector shows, and what each cluster serves (for the picker and the palette). */
export const useInspector = create<InspectorState>()((set) => ({
  picked: readSetting(PICKED_KEY) ?? DEFAULT_PICK,
  discoveries: {},
  pick(key) {
    writeSetting(PICKED_KEY, key);
    set({ picked: key });
  },
  async discover(connectionId) {
    const request = ++requests;
    latest.set(connectionId, request);
    const update = (next: DiscoveryState) =>
      set((s) => ({ discoveries: { ...s.discoveries, [connectionId]: { ...next, value: next.value ?? s.discoveries[connectionId]?.value } } }));
    update({ status: 'loading' });
    try {
      const value = await call('kube.discover', { connectionId });
      if (latest.get(connectionId) === request) update({ status: 'ready', value });
    } catch (err) {
      if (latest.get(connectionId) === request) update({ status: 'error', error: toErrorShape(err) });
    }
  },
}));
