/**
 * The shape of every audited change: prepare (read what is there) → act →
 * describe the outcome, with an undo where the change can be reversed.
 * Rollbacks, drills and cluster actions all take it, whatever they act on.
 */
import type { AuditIntent, AuditService, UndoStep } from './auditService';

/** How to carry out one audited change. */
export interface AuditedSteps<S, T> {
  /** Reads what the entry's `before` says, and the state `act` needs. */
  prepare: () => Promise<{ before: string; state: S }>;
  act: (state: S) => Promise<T>;
  /** The entry's `after`. */
  after: (value: T) => string;
  /** How to reverse it, when it can be. */
  undo?: (value: T) => UndoStep | undefined;
}

/**
 * Records one change and runs it. When `prepare` fails (no access, already
 * gone), the entry is written all the same and fails with its error, so every
 * attempt leaves a trace; `act` then never runs.
 */
export async function audited<S, T>(audit: Pick<AuditService, 'record'>, intent: Omit<AuditIntent, 'before'>, steps: AuditedSteps<S, T>): Promise<T> {
  const prepared = await steps.prepare().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return audit.record(
    { ...intent, before: prepared.value?.before },
    () => {
      if (!prepared.value) throw prepared.error;
      return steps.act(prepared.value.state);
    },
    (value) => ({ after: steps.after(value), undo: steps.undo?.(value) }),
  );
}
