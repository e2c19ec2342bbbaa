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

/** The items matching `query`, best first; ties keep their original order. */
export function fuzzyFilter<T>(items: readonly T[], query: string, textOf: (item: T) => string): T[] {
  if (!query.trim()) return [...items];
  return items
    .map((item, index) => ({ item, index, score: fuzzyScore(query, textOf(item)) }))
    .filter((m): m is { item: T; index: number; score: number } => m.score !== null)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((m) => m.item);
}
