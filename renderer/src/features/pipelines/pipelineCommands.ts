import { useMemo } from 'react';
import type { PaletteCommand, PaletteSearch } from '../../shell/feature';
import { fuzzyScore } from '../../shell/fuzzy';
import { useQuery } from '../../ui/useQuery';
import { openSpec } from './pipelinesStore';

const MIN_CHARS = 2;
const LIMIT = 8;
const PREFIX = 'Open spec ';

/** Finds specs by name for the palette's text ("Open spec nightly-train"); the library is asked once while the palette is open. */
export function useSpecSearch(text: string): PaletteSearch {
  const wanted = text.trim();
  const active = wanted.length >= MIN_CHARS;
  const specs = useQuery('pipelines.specs', active ? {} : null, { keepPrevious: true });
  const list = specs.value;
  const commands = useMemo(() => {
    if (!active || !list) return [];
    return list
      .map((s) => ({ s, score: fuzzyScore(wanted, s.name) }))
      .filter((m): m is { s: (typeof list)[number]; score: number } => m.score !== null)
      .sort((a, b) => b.score - a.score)
      .slice(0, LIMIT)
      .map(({ s }): PaletteCommand => ({ id: `spec:${s.id}`, title: `${PREFIX}${s.name}`, hint: s.kinds.slice(0, 2).join(', ') || 'Pipeline spec', keywords: s.kinds, section: 'go', run: () => openSpec(s.id) }));
  }, [active, list, wanted]);
  return {
    label: 'Pipeline specs',
    noun: 'spec',
    available: true,
    active,
    commands,
    searching: active && !list && specs.error === undefined,
    error: active ? specs.error : undefined,
    // The name decides, not the words in front of it.
    scoreText: (c) => c.title.slice(PREFIX.length),
  };
}
