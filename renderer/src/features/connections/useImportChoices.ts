import { useMemo, useState } from 'react';
import { useConnections } from './connectionsStore';
import { checkChoices, chosenSelections, initialChoices, takenNames, type ImportCandidate, type ImportChoice } from './importChoices';

/**
 * The user's choices for a previewed import, checked against the stored
 * connections as they are now (so a refetch after NAME_CONFLICT highlights
 * the clash). Problems show once an import was attempted.
 */
export function useImportChoices(candidates: readonly ImportCandidate[]) {
  const connections = useConnections((s) => s.connections);
  const [choices, setChoices] = useState(() => initialChoices(candidates));
  const [attempted, setAttempted] = useState(false);
  const checks = useMemo(() => checkChoices(candidates, choices, takenNames(connections, candidates)), [candidates, choices, connections]);

  const update = (key: string, patch: Partial<ImportChoice>) => setChoices((c) => ({ ...c, [key]: { ...c[key], ...patch } }));

  /** The selections to import, or undefined when something must change first (now shown). */
  const attempt = () => {
    setAttempted(true);
    return Object.values(checks).some((c) => c.problem) ? undefined : chosenSelections(candidates, choices, checks);
  };

  return { choices, checks, attempted, update, attempt };
}

/** Focuses the first field marked invalid inside `root`, so "Choose another name" lands where the clash is. */
export function focusFirstInvalid(root: HTMLElement | null): void {
  root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
