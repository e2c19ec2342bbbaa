import { useCallback, useMemo, useRef, useState } from 'react';
import type { RunbookUse } from '../../../../shared/contract';
import { call } from '../../api/client';
import { notifyError, notifySuccess } from '../../shell/toastStore';
import { useQuery } from '../../ui/useQuery';

/** A runbook's checklist as one use of it has it. */
export interface Checklist {
  /** The times this runbook was followed, newest first. */
  uses: RunbookUse[];
  /** Why they could not be listed. */
  error?: unknown;
  /** The use whose ticks are shown; null: none chosen yet. */
  current: RunbookUse | null;
  checked: ReadonlySet<number>;
  choose(useId: string | null): void;
  /** Starts a use; without a label the services name it by the date. */
  start(label?: string): Promise<void>;
  /** Ticks or unticks an item; with no use chosen, starts one first (named by the date). */
  toggle(item: number, checked: boolean): void;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * The checklist state of runbook `runbookId`: its uses, the one chosen, and
 * ticking, shown at once and saved one change after another (so answers
 * cannot land out of order); a failed tick goes back and says why.
 */
export function useChecklist(runbookId: string): Checklist {
  const uses = useQuery('runbooks.uses', { id: runbookId });
  const [current, setCurrent] = useState<RunbookUse | null>(null);
  const currentRef = useRef<RunbookUse | null>(null);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const show = useCallback((use: RunbookUse | null) => {
    currentRef.current = use;
    setCurrent(use);
  }, []);

  const startNow = useCallback(
    async (label?: string) => {
      const use = await call('runbooks.startUse', { id: runbookId, ...(label?.trim() ? { label: label.trim() } : {}) });
      show(use);
      uses.refetch();
      return use;
    },
    [runbookId, show, uses],
  );

  const start = useCallback(
    (label?: string) => {
      const next = chain.current.then(() => startNow(label)).then(
        () => undefined,
        (err: unknown) => notifyError(err),
      );
      chain.current = next;
      return next;
    },
    [startNow],
  );

  const toggle = useCallback(
    (item: number, checked: boolean) => {
      const before = currentRef.current;
      if (before) show({ ...before, checked: checked ? [...new Set([...before.checked, item])] : before.checked.filter((i) => i !== item) });
      chain.current = chain.current.then(async () => {
        let use = currentRef.current;
        try {
          if (!use) {
            use = await startNow();
            notifySuccess(`Started a checklist: ${use.label}`, 'Ticks are kept for this use of the runbook; choose or start another above the checklist.');
          }
          show(await call('runbooks.check', { useId: use.id, item, checked }));
        } catch (err) {
          if (before) show(before);
          notifyError(err);
        }
      });
    },
    [show, startNow],
  );

  const choose = useCallback((useId: string | null) => show(uses.value?.find((u) => u.id === useId) ?? null), [show, uses.value]);
  const checked = useMemo(() => (current ? new Set(current.checked) : NONE), [current]);
  return { uses: uses.value ?? [], error: uses.error, current, checked, choose, start, toggle };
}
