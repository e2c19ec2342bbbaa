import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { KubeNamespace } from '../../../../shared/contract';
import { readSetting, settingKeys, writeSetting } from '../../shell/storage';
import { useConnections } from '../connections/connectionsStore';

const NamespaceChoiceShape = z.object({
  /** The one namespace watched; unset watches all of them. */
  scope: KubeNamespace.optional(),
  /**
   * Who set the scope: the user (who may also have asked for all namespaces),
   * or the refusal to list across all namespaces, which fell back to the
   * kubeconfig context's namespace. Unset until either happens.
   */
  origin: z.enum(['user', 'refused']).optional(),
  /** Of an all-namespaces watch's rows, only those in these namespaces are shown; empty shows all. */
  shown: z.array(KubeNamespace).max(1000),
});

/** Which namespaces a connection's tables show: one choice for every namespaced kind, kept across launches. */
export type NamespaceChoice = Readonly<z.infer<typeof NamespaceChoiceShape>>;

/** Every namespace watched and shown, as before any choice. */
const NOTHING_CHOSEN: NamespaceChoice = { shown: [] };

const STORAGE_PREFIX = 'pilothouse.clusters.namespaces.';
const storageKey = (connectionId: string) => `${STORAGE_PREFIX}${connectionId}`;

/** Drops the choices of connections that no longer exist. */
export function forgetChoicesExcept(connectionIds: ReadonlySet<string>): void {
  for (const key of settingKeys(STORAGE_PREFIX)) if (!connectionIds.has(key.slice(STORAGE_PREFIX.length))) writeSetting(key, null);
}

/** An app effect: a deleted connection's namespace choice goes with it, once the list has loaded. */
export function useForgetChoicesOfDeleted(): void {
  const connections = useConnections((s) => (s.status === 'ready' ? s.connections : undefined));
  useEffect(() => {
    if (connections) forgetChoicesExcept(new Set(connections.map((c) => c.id)));
  }, [connections]);
}

/** The stored choice; anything unreadable (another version's, edited by hand) starts afresh. */
function readChoice(connectionId: string): NamespaceChoice {
  const text = readSetting(storageKey(connectionId));
  if (!text) return NOTHING_CHOSEN;
  try {
    return NamespaceChoiceShape.safeParse(JSON.parse(text)).data ?? NOTHING_CHOSEN;
  } catch {
    return NOTHING_CHOSEN;
  }
}

/**
 * The namespace choice of a connection's tables, read when a table opens:
 * moving from Deployments to Pods, or reopening the app, keeps it. Each
 * change is stored at once.
 */
export function useNamespaceChoice(connectionId: string) {
  const [choice, setChoice] = useState(() => readChoice(connectionId));
  // Changes made in one go (a link to another namespace also clears the filter) build on each other.
  const latest = useRef(choice);
  const change = (next: (current: NamespaceChoice) => NamespaceChoice) => {
    const value = next(latest.current);
    if (value === latest.current) return;
    latest.current = value;
    writeSetting(storageKey(connectionId), JSON.stringify(value));
    setChoice(value);
  };
  return {
    choice,
    /** Watch one namespace: typed after a refusal, or the namespace of an object the user went to. */
    watchOne: (namespace: string) => change(() => ({ scope: namespace, origin: 'user', shown: [] })),
    /** Watch every namespace again, as the user asked: a refusal now asks which one instead of falling back. */
    watchAll: () => change((c) => ({ origin: 'user', shown: c.shown })),
    /** Show only these namespaces' rows (all when empty). */
    showOnly: (namespaces: ReadonlySet<string>) => change((c) => ({ ...c, shown: [...namespaces] })),
    /**
     * Listing across all namespaces was refused: watch the kubeconfig
     * context's namespace, as kubectl would, unless the user asked for all
     * of them or the context names none (then the user is asked).
     */
    refusedAcrossAll: (contextNamespace: string | undefined) =>
      change((c) => (c.scope === undefined && c.origin !== 'user' && contextNamespace ? { scope: contextNamespace, origin: 'refused', shown: [] } : c)),
  };
}
