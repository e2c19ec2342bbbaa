/**
 * A line diff of two texts for people to read (pod templates, Helm
 * manifests): jsdiff's Myers diff between the common head and tail, capped so
 * that two unrelated 5,000-line texts cost milliseconds, not seconds, and
 * folded into hunks with a few lines of context.
 */
import { diffArrays } from 'diff';

/** One line of a diff; `beforeNo`/`afterNo` are 1-based line numbers on the side(s) that have it. */
export type DiffLine =
  | { kind: 'same'; text: string; beforeNo: number; afterNo: number }
  | { kind: 'removed'; text: string; beforeNo: number }
  | { kind: 'added'; text: string; afterNo: number };

/** A line diff of two texts. */
export interface TextDiffResult {
  lines: DiffLine[];
  /** Whether any line was added or removed. */
  changed: boolean;
  /** The texts were too far apart to align within the edit cap: their differing middle is shown as removed, then added. */
  approximate: boolean;
  /** What differs that lines cannot show: line endings, a missing newline at the end. */
  notes: string[];
}

/** Past this many inserted plus deleted lines, Myers' O(N·D) work is not worth it for display: the middle is shown as replaced. */
export const DEFAULT_MAX_EDITS = 1000;

/** The lines of a text, whatever its line endings (`\r\n`, `\n`, lone `\r`); a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (/(\r\n|\n|\r)$/.test(text)) lines.pop();
  return lines;
}

const endsWithNewline = (text: string) => /(\r\n|\n|\r)$/.test(text);
const usesCrlf = (text: string) => text.includes('\r\n');

/** What the lines hide: line endings changed, a newline added or removed at the end. */
function layoutNotes(before: string, after: string): string[] {
  const notes: string[] = [];
  if (usesCrlf(before) !== usesCrlf(after)) notes.push(usesCrlf(before) ? 'Line endings changed from CRLF to LF.' : 'Line endings changed from LF to CRLF.');
  if (before !== '' && after !== '' && endsWithNewline(before) !== endsWithNewline(after)) {
    notes.push(endsWithNewline(before) ? 'The newline at the end was removed.' : 'A newline was added at the end.');
  }
  return notes;
}

/**
 * The line diff of `before` and `after`. Lines equal at both ends are matched
 * first; the rest goes to Myers' algorithm with at most `maxEdits` edits,
 * beyond which it is reported `approximate`, removed then added whole.
 */
export function diffTexts(before: string, after: string, maxEdits = DEFAULT_MAX_EDITS): TextDiffResult {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);

  const lines: DiffLine[] = [];
  let beforeNo = 1;
  let afterNo = 1;
  const same = (text: string) => lines.push({ kind: 'same', text, beforeNo: beforeNo++, afterNo: afterNo++ });
  const removed = (text: string) => lines.push({ kind: 'removed', text, beforeNo: beforeNo++ });
  const added = (text: string) => lines.push({ kind: 'added', text, afterNo: afterNo++ });

  a.slice(0, head).forEach(same);
  const changes = midA.length && midB.length ? diffArrays(midA, midB, { maxEditLength: maxEdits }) : undefined;
  const approximate = midA.length > 0 && midB.length > 0 && changes === undefined;
  if (changes) {
    for (const change of changes) change.value.forEach(change.removed ? removed : change.added ? added : same);
  } else {
    midA.forEach(removed);
    midB.forEach(added);
  }
  a.slice(a.length - tail).forEach(same);
  return { lines, changed: midA.length + midB.length > 0, approximate, notes: layoutNotes(before, after) };
}

/** A run of a diff: lines shown, or unchanged lines folded away. */
export type DiffHunk = { kind: 'shown'; lines: DiffLine[] } | { kind: 'folded'; lines: DiffLine[] };

/**
 * The diff as hunks: changed lines with `context` unchanged lines either
 * side shown, longer unchanged runs folded (a fold of fewer lines than it
 * would take to say so is shown instead).
 */
export function foldDiff(lines: readonly DiffLine[], context = 3): DiffHunk[] {
  const keep = new Uint8Array(lines.length);
  lines.forEach((line, i) => {
    if (line.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep[j] = 1;
  });
  const hunks: DiffHunk[] = [];
  let start = 0;
  while (start < lines.length) {
    let end = start;
    while (end < lines.length && keep[end] === keep[start]) end++;
    const run = lines.slice(start, end);
    const last = hunks.at(-1);
    if (keep[start] || run.length <= 1) {
      if (last?.kind === 'shown') last.lines.push(...run);
      else hunks.push({ kind: 'shown', lines: run });
    } else hunks.push({ kind: 'folded', lines: run });
    start = end;
  }
  return hunks;
}
