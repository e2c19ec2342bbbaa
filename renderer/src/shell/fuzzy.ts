const WORD_START = /[\s\-_/.:=]/;

/**
 * Scores how well `query` matches `text` as a case-insensitive subsequence:
 * consecutive letters and letters at word starts score higher, so "imk"
 * ranks "Import kubeconfig" above "Add AWS account". Null when it does not match.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return 0;
  const t = text.toLowerCase();
  let score = 0;
  let from = 0;
  let previous = -2;
  for (const ch of q) {
    const at = t.indexOf(ch, from);
    if (at < 0) return null;
    score += 1;
    if (at === previous + 1) score += 3;
    if (at === 0 || WORD_START.test(t[at - 1])) score += 2;
    score -= Math.min(at - from, 3) * 0.1;
    previous = at;
    from = at + 1;
  }
  return score;
}

/**
 * Scores `query` against a text and other names of the same thing (e.g.
 * kubectl's short names): the best fuzzy score among them, except that a
 * query that is one of `names` whole scores above anything a fuzzy match can
 * ("pv" puts PersistentVolumes above "Go to PVCs"). Null when none matches.
 */
export function fuzzyScoreNamed(query: string, text: string, names: readonly string[] = []): number | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  // No text scores more than the query itself does.
  if (q && names.some((n) => n.toLowerCase() === q)) return (fuzzyScore(q, q) ?? 0) + 1;
  let best = fuzzyScore(query, text);
  for (const name of names) {
    const score = fuzzyScore(query, name);
    if (score !== null && (best === null || score > best)) best = score;
  }
  return best;
}

/** The items matching `query` by their text or other names, best first; ties keep their original order. */
export function fuzzyFilter<T>(items: readonly T[], query: string, textOf: (item: T) => string, namesOf?: (item: T) => readonly string[] | undefined): T[] {
  if (!query.trim()) return [...items];
  return items
    .map((item, index) => ({ item, index, score: fuzzyScoreNamed(query, textOf(item), namesOf?.(item)) }))
    .filter((m): m is { item: T; index: number; score: number } => m.score !== null)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((m) => m.item);
}
