import { useMemo } from 'react';
import type { FoundObject, ResultOf } from '../../../../shared/contract';
import { fuzzyFilter } from '../../shell/fuzzy';
import type { PaletteCommand, PaletteSearch } from '../../shell/feature';
import { navigate } from '../../shell/routes';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { useQuery, type QueryOutcome } from '../../ui/useQuery';
import { selectedConnection, useConnections } from '../connections/connectionsStore';
import { useInspector, useOpenableKey } from './inspectorStore';
import { resourceEntries } from './resourceCatalog';

/**
 * "Go to Pods" and the like, for the command palette: one per resource the
 * picker offers for the selected Kubernetes connection (none otherwise),
 * found by kubectl's names for it too ("po", "hpa", "crb").
 */
export function useClusterCommands(): readonly PaletteCommand[] {
  const connection = useConnections(selectedConnection);
  const isKube = connection?.kind === 'kubernetes';
  const discovery = useInspector((s) => (isKube ? s.discoveries[connection.id]?.value : undefined));
  return useMemo(() => {
    if (!isKube) return [];
    return resourceEntries(discovery)
      .filter((e) => e.served)
      .map((e) => ({
        id: `resource:${e.key}`,
        title: `Go to ${e.label}`,
        hint: e.builtin ? connection.name : `${e.ref.group} · ${connection.name}`,
        keywords: e.aliases,
        section: 'go' as const,
        run: () => {
          useInspector.getState().pick(e.key);
          navigate('clusters');
        },
      }));
  }, [isKube, discovery, connection?.name]);
}

/** The palette searches objects from this many characters on. */
export const FIND_MIN_CHARS = 2;
/** Typing pauses this long (ms) before the palette asks. */
export const FIND_DEBOUNCE_MS = 150;
/** While some resources are still being listed the answer is partial: ask again this often (ms). */
export const FIND_RETRY_MS = 500;

/** Objects are scored by namespace/name alone, without the kind in front. */
const objectName = (c: PaletteCommand) => c.title.slice(c.title.indexOf(' · ') + 3);

/** A partial answer (resources still being listed) is asked for again; a failure is not. */
const retryWhilePartial = (outcome: QueryOutcome<ResultOf<'kube.find'>>) => (outcome.ok && !outcome.value.complete ? FIND_RETRY_MS : undefined);

interface FindAnswer {
  connectionId: string;
  text: string;
  matches: FoundObject[];
  complete: boolean;
  error?: unknown;
}

/**
 * Searches the selected cluster's objects by name (`kube.find`) as the palette
 * text changes: after a short pause, dropping answers to older text (the last
 * one is shown until the new text is answered), and asking again while the
 * services are still listing. Only objects the inspector can
 * show are offered; choosing one opens the Clusters page with it selected.
 */
export function useObjectSearch(text: string): PaletteSearch {
  const connection = useConnections(selectedConnection);
  const connectionId = connection?.kind === 'kubernetes' ? connection.id : undefined;
  const openableKey = useOpenableKey(connectionId);
  const wanted = text.trim();
  const settled = useDebouncedValue(wanted, FIND_DEBOUNCE_MS);
  const active = connectionId !== undefined && wanted.length >= FIND_MIN_CHARS;
  const query = useQuery('kube.find', connectionId !== undefined && settled.length >= FIND_MIN_CHARS ? { connectionId, text: settled } : null, {
    keepPrevious: true,
    pollMs: retryWhilePartial,
  });
  const { answered, value, error } = query;
  const answer = useMemo((): FindAnswer | null => {
    if (!answered) return null;
    if (error !== undefined) return { ...answered, matches: [], complete: true, error };
    return value ? { ...answered, ...value } : null;
  }, [answered, value, error]);

  const usable = active && answer?.connectionId === connectionId ? answer : null;
  const commands = useMemo(() => {
    if (!usable || connectionId === undefined) return [];
    // An answer to shorter text may still be shown while typing on: keep what the current text matches.
    const needle = wanted.toLowerCase();
    const openable = usable.matches.flatMap((m) => {
      const key = openableKey(m.resource);
      return key && m.name.toLowerCase().includes(needle) ? [{ m, key }] : [];
    });
    return fuzzyFilter(openable, wanted, ({ m }) => m.name).map(
      ({ m, key }): PaletteCommand => ({
        id: `object:${m.uid}`,
        title: `${m.kind} · ${m.namespace ? `${m.namespace}/` : ''}${m.name}`,
        run: () => {
          navigate('clusters');
          useInspector.getState().focusObject({ connectionId, key, namespace: m.namespace, name: m.name, uid: m.uid });
        },
      }),
    );
  }, [usable, connectionId, wanted, openableKey]);

  return {
    label: 'Objects',
    noun: 'object',
    scoreText: objectName,
    available: connectionId !== undefined,
    active,
    commands,
    searching: active && (settled !== wanted || usable?.text !== wanted || !usable.complete),
    error: usable?.text === wanted ? usable.error : undefined,
  };
}
