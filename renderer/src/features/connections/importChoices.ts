import { ConnectionName, MAX_IMPORT_SELECTIONS, type ConnectionSummary } from '../../../../shared/contract';
import type { ErrorView } from '../../shell/errorActions';

/** A kubeconfig context or AWS profile offered for import. */
export interface ImportCandidate {
  key: string;
  suggestedName: string;
  existingConnectionId?: string;
}

/** What the user chose for one candidate. */
export interface ImportChoice {
  include: boolean;
  name: string;
  /** Replace the stored connection that has this name; only ever set by the user. */
  replace: boolean;
}

export type ImportChoices = Record<string, ImportChoice>;

/** Where a choice stands: whether its name is taken, and what must change before importing. */
export interface ChoiceCheck {
  conflict: boolean;
  problem?: string;
}

/** Every candidate included, under its suggested name, replacing nothing. */
export function initialChoices(candidates: readonly ImportCandidate[]): ImportChoices {
  return Object.fromEntries(candidates.map((c) => [c.key, { include: true, name: c.suggestedName, replace: false }]));
}

const nameKey = (name: string) => name.trim().toLowerCase();

/** Names already stored, compared as the service does (case-insensitively). */
export function takenNames(connections: readonly ConnectionSummary[], candidates: readonly ImportCandidate[]): Set<string> {
  return new Set([...connections.map((c) => nameKey(c.name)), ...candidates.filter((c) => c.existingConnectionId).map((c) => nameKey(c.suggestedName))]);
}

/**
 * Checks each included choice: a valid name, not taken unless "replace" is
 * ticked, and not shared with another included choice.
 */
export function checkChoices(candidates: readonly ImportCandidate[], choices: ImportChoices, taken: ReadonlySet<string>): Record<string, ChoiceCheck> {
  const included = candidates.filter((c) => choices[c.key].include);
  const counts = new Map<string, number>();
  for (const c of included) counts.set(nameKey(choices[c.key].name), (counts.get(nameKey(choices[c.key].name)) ?? 0) + 1);
  return Object.fromEntries(
    candidates.map((c) => {
      const choice = choices[c.key];
      if (!choice.include) return [c.key, { conflict: false }];
      const parsed = ConnectionName.safeParse(choice.name);
      const conflict = taken.has(nameKey(choice.name));
      const problem = !parsed.success
        ? parsed.error.issues[0].message
        : conflict && !choice.replace
          ? 'Name already used: choose another name or tick "Replace existing"'
          : (counts.get(nameKey(choice.name)) ?? 0) > 1
            ? 'Another selected entry has this name'
            : undefined;
      return [c.key, problem ? { conflict, problem } : { conflict }];
    }),
  );
}

/** The included choices as the import call wants them; replacing only where the name is taken. */
export function chosenSelections(candidates: readonly ImportCandidate[], choices: ImportChoices, checks: Record<string, ChoiceCheck>) {
  return candidates
    .filter((c) => choices[c.key].include)
    .map((c) => ({
      key: c.key,
      name: choices[c.key].name.trim(),
      onConflict: choices[c.key].replace && checks[c.key].conflict ? ('replace' as const) : ('fail' as const),
    }));
}

/** Why `count` ticked entries can't go in one import, and what to do instead; said before anything is sent. */
export function tooManySelected(count: number, what: 'contexts' | 'profiles'): ErrorView {
  return {
    code: 'VALIDATION',
    title: 'Too many selected',
    message: `Pilothouse imports at most ${MAX_IMPORT_SELECTIONS.toLocaleString()} ${what} at once and ${count.toLocaleString()} are ticked: untick ${(count - MAX_IMPORT_SELECTIONS).toLocaleString()} and import them in a second pass.`,
  };
}
