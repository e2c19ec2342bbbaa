import { useMemo } from 'react';
import type { PaletteCommand, PaletteSearch } from '../../shell/feature';
import { useDebouncedValue } from '../../shell/useDebouncedValue';
import { useQuery } from '../../ui/useQuery';
import { openRunbook } from './runbooksStore';

const SEARCH_DEBOUNCE_MS = 120;
const MIN_CHARS = 2;
const LIMIT = 8;

/** Searches the runbook library (`runbooks.search`) for the palette's text; choosing one opens it on the Runbooks page. */
export function useRunbookSearch(text: string): PaletteSearch {
  const wanted = text.trim();
  const settled = useDebouncedValue(wanted, SEARCH_DEBOUNCE_MS);
  const active = wanted.length >= MIN_CHARS;
  const search = useQuery('runbooks.search', settled.length >= MIN_CHARS ? { query: settled, limit: LIMIT } : null, { keepPrevious: true });
  const answeredText = search.answered?.query;
  const hits = active ? search.value?.hits : undefined;
  const commands = useMemo(
    () =>
      (hits ?? []).map(
        (h): PaletteCommand => ({
          id: `runbook:${h.id}`,
          title: h.title,
          hint: h.tags.slice(0, 3).join(', ') || 'Runbook',
          keywords: h.tags,
          section: 'go',
          run: () => openRunbook(h.id),
        }),
      ),
    [hits],
  );
  return {
    label: 'Runbooks',
    noun: 'runbook',
    available: true,
    active,
    commands,
    searching: active && (settled !== wanted || answeredText !== wanted || search.loading),
    error: active && answeredText === wanted ? search.error : undefined,
  };
}
