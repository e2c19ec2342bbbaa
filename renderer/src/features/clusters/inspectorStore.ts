import { useEffect, useMemo } from 'react';
import { create } from 'zustand';
import type { ResourceRef } from '../../../../shared/contract';
import type { AppErrorShape } from '../../../../shared/result';
import { call } from '../../api/client';
import { toErrorShape } from '../../shell/errorActions';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { readSetting, writeSetting } from '../../shell/storage';
import { resourceEntries, resourceKey, type Discovery } from './resourceCatalog';

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

/** An object to show: its resource's view selects it, scrolls to it and opens its detail once its row has arrived. */
export interface FocusRequest {
  connectionId: string;
  /** The resource key, as in {@link resourceKey}. */
  key: string;
  namespace?: string;
  name: string;
  /** Known when the object came from the services (owner links, related pods, search); found by name otherwise. */
  uid?: string;
}

interface InspectorState {
  /** The resource key the inspector shows (or {@link OVERVIEW}); kept across launches. */
  picked: string;
  /** By connection id. */
  discoveries: Record<string, DiscoveryState>;
  /** The object a link or the palette asked to show, until its view has shown it (or found it gone). */
  focus: FocusRequest | null;
  pick(key: string): void;
  /** What the cluster serves: the last answer first when there is one, asked again when old; `fresh` asks the server now. */
  discover(connectionId: string, options?: { fresh?: boolean }): Promise<void>;
  /** Switches to the object's resource and asks its view to select the object. */
  focusObject(request: FocusRequest): void;
  /** The view has handled `request`; a newer request is kept. */
  focusDone(request: FocusRequest): void;
}

/** A kept discovery older than this is asked again once shown. */
const REVALIDATE_AFTER_MS = 60_000;

/** Requests finish out of order; only the newest per connection may write. */
const latest = new Map<string, number>();
let requests = 0;

/** What the cluster inspector shows, and what each cluster serves (for the picker and the palette). */
export const useInspector = create<InspectorState>()((set) => ({
  picked: readSetting(PICKED_KEY) ?? DEFAULT_PICK,
  discoveries: {},
  focus: null,
  pick(key) {
    writeSetting(PICKED_KEY, key);
    set({ picked: key });
  },
  focusObject(request) {
    writeSetting(PICKED_KEY, request.key);
    set({ picked: request.key, focus: request });
  },
  focusDone: (request) => set((s) => (s.focus === request ? { focus: null } : s)),
  async discover(connectionId, { fresh = false } = {}) {
    const request = ++requests;
    latest.set(connectionId, request);
    const update = (next: DiscoveryState) =>
      set((s) => ({ discoveries: { ...s.discoveries, [connectionId]: { ...next, value: next.value ?? s.discoveries[connectionId]?.value } } }));
    update({ status: 'loading' });
    try {
      // The last answer (one kept from an earlier launch too) fills the picker at once; an old one is then asked again.
      let value = await call('kube.discover', { connectionId, reuse: !fresh });
      if (latest.get(connectionId) !== request) return;
      update({ status: 'ready', value });
      if (fresh || Date.now() - Date.parse(value.discoveredAt) < REVALIDATE_AFTER_MS) return;
      value = await call('kube.discover', { connectionId });
      if (latest.get(connectionId) === request) update({ status: 'ready', value });
    } catch (err) {
      if (latest.get(connectionId) === request) update({ status: 'error', error: toErrorShape(err) });
    }
  },
}));

/**
 * The key under which the inspector can show a resource of this connection
 * (one the picker offers and the cluster serves), or undefined: links to
 * objects of other resources (ReplicaSets, say) cannot open them.
 */
export function useOpenableKey(connectionId: string | undefined): (resource: ResourceRef) => string | undefined {
  const discovery = useInspector((s) => (connectionId ? s.discoveries[connectionId]?.value : undefined));
  return useMemo(() => {
    const served = new Set(resourceEntries(discovery).filter((e) => e.served).map((e) => e.key));
    return (resource) => (served.has(resourceKey(resource)) ? resourceKey(resource) : undefined);
  }, [discovery]);
}

/**
 * Selecting a Kubernetes connection starts finding out what its cluster
 * serves (or reads what an earlier launch found), so opening its inspector
 * does not wait for that. An app effect: it runs on every page.
 */
export function usePrefetchDiscovery(): void {
  const selected = useConnections(selectedConnection);
  const connectionId = selected?.kind === 'kubernetes' ? selected.id : undefined;
  const discover = useInspector((s) => s.discover);
  useEffect(() => {
    if (connectionId && !useInspector.getState().discoveries[connectionId]) void discover(connectionId);
  }, [connectionId, discover]);
}
