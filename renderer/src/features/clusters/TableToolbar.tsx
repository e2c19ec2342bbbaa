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
  /** Of an all-namespaces watch, the namespaces shown (empty: all). */
  shownNamespaces: ReadonlySet<string>;
  onShowNamespaces(next: ReadonlySet<string>): void;
  /** The one namespace watched, when not all. */
  scope?: string;
  /** The scope is the kubeconfig context's namespace, because listing across all namespaces was refused. */
  scopeFromContext: boolean;
  onAllNamespaces(): void;
  columns: readonly TableColumn[];
  hidden: ReadonlySet<string>;
  onToggleColumn(key: string): void;
  /** Enter in the filter: back to the rows. */
  onFilterDone(): void;
}

/** Above the table: the text filter (`/`), the namespace filter or scope, and the column chooser. */
export function TableToolbar({ filterRef, query, store, namespaced, shownNamespaces, onShowNamespaces, scope, scopeFromContext, onAllNamespaces, columns, hidden, onToggleColumn, onFilterDone }: TableToolbarProps) {
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
            {scopeFromContext && <span className="muted"> (your kubeconfig context’s: listing across all namespaces was refused)</span>}
            <button type="button" className="link" onClick={onAllNamespaces}>
              All namespaces
            </button>
          </span>
        ) : (
          <NamespaceFilter store={store} selected={shownNamespaces} onChange={onShowNamespaces} />
        ))}
      <ColumnChooser columns={columns} hidden={hidden} onToggle={onToggleColumn} />
    </div>
  );
}
