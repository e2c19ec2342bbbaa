import { useDeferredValue, useLayoutEffect, useMemo, useState } from 'react';
import type { SortSpec } from '../../ui/VirtualGrid';
import { rowMatcher, searchTextOf } from './rowFilter';
import { rowComparator } from './rowOrder';
import type { RowStore } from './rowStore';
import { NAME_KEY, type TableColumn } from './tableColumns';

/**
 * The sort (starting at `initialSort`) and text filter of one table, and the
 * namespaces it shows (the connection's choice, empty for all), applied to
 * its store. The filter text is deferred so typing stays responsive while
 * 10,000 rows are re-filtered.
 */
export function useTableQuery(store: RowStore, columns: readonly TableColumn[], initialSort: SortSpec, namespaces: ReadonlySet<string>) {
  const [sort, setSort] = useState(initialSort);
  const [text, setText] = useState('');
  const deferredText = useDeferredValue(text);

  // Until the watch has said its columns, a sort by one of them falls back to the name.
  const sortColumn = columns.find((c) => c.key === sort.key) ?? columns.find((c) => c.key === NAME_KEY) ?? columns[0];
  useLayoutEffect(() => store.setOrder(rowComparator(sortColumn, sort.dir)), [store, sortColumn, sort.dir]);

  const textOf = useMemo(() => searchTextOf(columns), [columns]);
  useLayoutEffect(() => store.setFilter(rowMatcher(deferredText, namespaces, textOf)), [store, deferredText, namespaces, textOf]);

  return {
    sort,
    /** Sorts by `key` ascending, or flips the direction when already sorted by it. */
    toggleSort: (key: string) => setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' })),
    text,
    setText,
    filtering: text.trim() !== '' || namespaces.size > 0,
  };
}
