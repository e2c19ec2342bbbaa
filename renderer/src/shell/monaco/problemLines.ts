import type { SpecProblem } from '../../../../shared/contract';

/**
 * Where each line of `about` is in `now`, the same text after edits: lines
 * before and after the edited stretch move with the lines added or removed
 * there; a line inside it (changed, or gone) has no place, so nothing said
 * about it is put on another line.
 */
export function lineMapping(about: string, now: string): (line: number) => number | undefined {
  if (about === now) return (line) => line;
  const before = about.split('\n');
  const after = now.split('\n');
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  // Lines head+1 … lastEdited of `about` were edited (none when lines were only added).
  const lastEdited = before.length - tail;
  const shift = after.length - before.length;
  return (line) => (line <= head ? line : line > lastEdited ? line + shift : undefined);
}

/** `problems`, found in text `about`, on their lines of `now`; those on edited lines are left out. */
export function problemsOnText(problems: readonly SpecProblem[], about: string, now: string): SpecProblem[] {
  const at = lineMapping(about, now);
  return problems.flatMap((p) => {
    const line = at(p.line);
    return line === undefined ? [] : [line === p.line ? p : { ...p, line }];
  });
}
