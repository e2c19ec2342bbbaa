import { useMemo, useState } from 'react';
import type { Row } from '../../../../shared/contract';
import type { RowStore } from './rowStore';

/** The rows of a table chosen for a bulk action, by uid. */
export interface RowSelection {
  /** The chosen rows the view shows, in its order: a deleted row, or one the filter hides, is not among them. */
  rows: readonly Row[];
  /** The uids of `rows`. */
  uids: ReadonlySet<string>;
  /**
   * Chooses a row, or no longer. While none is chosen, the focused row counts
   * as selected: `focused` is chosen with it, as it looked.
   */
  toggle(uid: string, focused: string | null): void;
  /** Adds the rows shown from `from` (the focused row) through `uid`. */
  extendTo(uid: string, from: string | null): void;
  /** Chooses every row shown, and no row the filter hides. */
  selectAll(): void;
  clear(): void;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Rows chosen by uid, so the choice follows each object through re-sorts,
 * updates and relists. Only the rows shown count: an action must never
 * reach a row the user cannot see. `version` is the store's.
 */
export function useRowSelection(store: RowStore, version: number): RowSelection {
  const [chosen, setChosen] = useState(NONE);
  // Recomputed on every store change: a row deleted or filtered out leaves `rows`.
  const rows = useMemo(() => (chosen.size ? store.view().filter((r) => chosen.has(r.uid)) : []), [chosen, store, version]);
  const uids = useMemo(() => new Set(rows.map((r) => r.uid)), [rows]);
  // Stable, for memoised rows and effects.
  const change = useMemo(
    () => ({
      toggle(uid: string, focused: string | null) {
        setChosen((before) => {
          const next = new Set(before);
          if (!next.size && focused !== null && focused !== uid && store.indexOf(focused) >= 0) next.add(focused);
          if (!next.delete(uid)) next.add(uid);
          return next;
        });
      },
      extendTo(uid: string, from: string | null) {
        setChosen((before) => {
          const to = store.indexOf(uid);
          if (to < 0) return before;
          const at = from === null ? -1 : store.indexOf(from);
          const start = at < 0 ? to : at;
          const view = store.view();
          const next = new Set(before);
          for (let i = Math.min(start, to); i <= Math.max(start, to); i++) next.add(view[i].uid);
          return next;
        });
      },
      selectAll() {
        setChosen(new Set(store.view().map((r) => r.uid)));
      },
      clear() {
        setChosen(NONE);
      },
    }),
    [store],
  );
  return { rows, uids, ...change };
}
