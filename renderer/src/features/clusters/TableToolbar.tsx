import type { RefObject } from 'react';
import { ColumnChooser } from './ColumnChooser';
import { NamespaceFilter } from './NamespaceFilter';
import type { RowStore } from './rowStore';
import type { TableColumn } from './tableColumns';
import type { useTableQuery } from './useTableQuery';

interface TableToolbarProps {
  filterRef: RefObject<HTMLInputElement | null>;
  query: ReturnType<typeof useTableQuery>;
  store: RowStore;
  namespaced: boolean;
  /** The one namespace watched, when the user narrowed the watch. */
  scope?: string;
  onAllNamespaces(): void;
  columns: readonly TableColumn[];
  hidden: ReadonlySet<string>;
  onToggleColumn(key: string): void;
  /** Enter in the filter: back to the rows. */
  onFilterDone(): void;
}

/** Above the table: the text filter (`/`), the namespace filter or scope, and the column chooser. */
export function TableToolbar({ filterRef, query, store, namespaced, scope, onAllNamespaces, columns, hidden, onToggleColumn, onFilterDone }: TableToolbarProps) {
  return (
    <div className="toolbar">
      <input
        ref={filterRef}
        type="text"
        className="filter"
        aria-label="Filter"
        aria-keyshortcuts="/"
        placeholder="Filter  /"
        spellCheck={false}
        value={query.text}
        onChange={(e) => query.setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            onFilterDone();
          }
        }}
      />
      {namespaced &&
        (scope ? (
          <span className="scope">
            Namespace <strong>{scope}</strong>
            <button type="button" className="link" onClick={onAllNamespaces}>
              All namespaces
            </button>
          </span>
        ) : (
          <NamespaceFilter store={store} selected={query.namespaces} onChange={query.setNamespaces} />
        ))}
      <ColumnChooser columns={columns} hidden={hidden} onToggle={onToggleColumn} />
    </div>
  );
}
