import type { Row } from '../../../../shared/contract';
import type { TableColumn } from './tableColumns';

/** Keeps the rows a view shows; null shows every row. */
export type RowMatcher = ((row: Row) => boolean) | null;

/**
 * The lower-cased text a row is searched in: name, namespace and every cell
 * except ages (an ISO timestamp is not what anyone types). Cached per row
 * object, so typing a filter over 10,000 rows builds each text once.
 */
export function searchTextOf(columns: readonly TableColumn[]): (row: Row) => string {
  const cache = new WeakMap<Row, string>();
  const searched = columns.filter((c) => c.kind !== 'age');
  return (row) => {
    let text = cache.get(row);
    if (text === undefined) {
      text = searched.map((c) => c.value(row) ?? '').join('\n').toLowerCase();
      cache.set(row, text);
    }
    return text;
  };
}

/**
 * Rows whose text contains every word of `query` (case-insensitive) and whose
 * namespace is one of `namespaces` (empty: any namespace).
 */
export function rowMatcher(query: string, namespaces: ReadonlySet<string>, textOf: (row: Row) => string): RowMatcher {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length && !namespaces.size) return null;
  return (row) => {
    if (namespaces.size && !namespaces.has(row.namespace ?? '')) return false;
    if (!words.length) return true;
    const text = textOf(row);
    return words.every((w) => text.includes(w));
  };
}
