import { memo, type CSSProperties, type ReactNode } from 'react';
import type { Row } from '../../../../shared/contract';
import { CellValue } from './CellValue';
import type { SortSpec } from './rowOrder';
import { gridTemplate, type TableColumn } from './tableColumns';
import { ROW_HEIGHT, type VirtualWindow } from './useVirtualWindow';

interface GridRowProps {
  row: Row;
  columns: readonly TableColumn[];
  /** Position in the whole view, 0-based. */
  index: number;
  selected: boolean;
  id: string;
  onClick(uid: string): void;
}

/** One row; memoised, so a new event re-renders only the rows whose object (or position) changed. */
const GridRow = memo(function GridRow({ row, columns, index, selected, id, onClick }: GridRowProps) {
  return (
    <div role="row" id={id} aria-rowindex={index + 2} aria-selected={selected} className={selected ? 'vt-row selected' : 'vt-row'} onClick={() => onClick(row.uid)}>
      {columns.map((c, i) => {
        const value = c.value(row);
        return (
          <div key={c.key} role="gridcell" aria-colindex={i + 1} className={`vt-cell kind-${c.kind}`} title={c.kind === 'text' && typeof value === 'string' ? value : undefined}>
            <CellValue kind={c.kind} value={value} />
          </div>
        );
      })}
    </div>
  );
});

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;

interface ResourceTableProps {
  /** The resource's display name: the grid's accessible name. */
  label: string;
  /** The sorted, filtered rows (the store's view). */
  rows: readonly Row[];
  columns: readonly TableColumn[];
  sort: SortSpec;
  onSort(key: string): void;
  selectedUid: string | null;
  onRowClick(uid: string): void;
  win: VirtualWindow;
  /** Prefix of row element ids, for `aria-activedescendant`. */
  idPrefix: string;
  busy: boolean;
  /** Shown in place of rows when there are none. */
  empty: ReactNode;
}

/**
 * A virtualised grid: a sticky header, a body as tall as every row, and only
 * the rows in view rendered inside it. Focusable, with the selected row as its
 * active descendant; keys are handled by the inspector.
 */
export function ResourceTable({ label, rows, columns, sort, onSort, selectedUid, onRowClick, win, idPrefix, busy, empty }: ResourceTableProps) {
  const { template, minWidth } = gridTemplate(columns);
  const visible = rows.slice(win.start, win.end);
  const rowId = (uid: string) => `${idPrefix}-${uid}`;
  const activeShown = selectedUid !== null && visible.some((r) => r.uid === selectedUid);
  return (
    <div
      ref={win.ref}
      className="vt"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-busy={busy}
      aria-activedescendant={activeShown ? rowId(selectedUid) : undefined}
      tabIndex={0}
      onScroll={win.onScroll}
      style={{ '--vt-cols': template } as CSSProperties}
    >
      <div role="rowgroup" className="vt-head" style={{ minWidth }}>
        <div role="row" aria-rowindex={1} className="vt-row">
          {columns.map((c, i) => (
            <div key={c.key} role="columnheader" aria-label={c.title} aria-colindex={i + 1} aria-sort={sort.key === c.key ? ARIA_SORT[sort.dir] : undefined} className={`vt-cell kind-${c.kind}`}>
              {/* "Sort by": a header named like a picker entry ("Pods" on Nodes) must not share its button name. */}
              <button type="button" className="vt-sort" aria-label={`Sort by ${c.title}`} onClick={() => onSort(c.key)}>
                {c.title}
                {sort.key === c.key && <span aria-hidden="true">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
              </button>
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="vt-body" style={{ height: rows.length * ROW_HEIGHT, minWidth }}>
        <div role="presentation" style={{ transform: `translateY(${win.start * ROW_HEIGHT}px)` }}>
          {visible.map((row, k) => (
            <GridRow key={row.uid} row={row} columns={columns} index={win.start + k} selected={row.uid === selectedUid} id={rowId(row.uid)} onClick={onRowClick} />
          ))}
        </div>
      </div>
      {!rows.length && <div className="vt-empty">{empty}</div>}
    </div>
  );
}
