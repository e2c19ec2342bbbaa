import { memo, type CSSProperties, type ReactNode } from 'react';
import { ColumnResizer } from './ColumnResizer';
import { ROW_HEIGHT, type VirtualWindow } from './useVirtualWindow';

/** Which column a table is sorted by, and which way. */
export interface SortSpec {
  key: string;
  dir: 'asc' | 'desc';
}

/** One column of a {@link VirtualGrid}. */
export interface GridColumn<R> {
  key: string;
  title: string;
  /** Added to the class of its header and cells, e.g. to align numbers. */
  className?: string;
  /** Stays in view when the grid scrolls sideways; only for the first column. */
  pinned?: boolean;
  cell(row: R): ReactNode;
  /** The cell's tooltip, e.g. text that may not fit. */
  tooltip?(row: R): string | undefined;
}

interface GridRowProps<R> {
  row: R;
  rowKey: string;
  columns: readonly GridColumn<R>[];
  /** Position in the whole view, 0-based. */
  index: number;
  selected: boolean;
  id: string;
  onClick(key: string): void;
}

/** One row; memoised, so a new event re-renders only the rows whose object (or position) changed. Give it stable columns. */
const GridRow = memo(function GridRow<R>({ row, rowKey, columns, index, selected, id, onClick }: GridRowProps<R>) {
  return (
    <div role="row" id={id} aria-rowindex={index + 2} aria-selected={selected} className={selected ? 'vt-row selected' : 'vt-row'} onClick={() => onClick(rowKey)}>
      {columns.map((c, i) => (
        <div key={c.key} role="gridcell" aria-colindex={i + 1} className={cellClass(c)} title={c.tooltip?.(row)}>
          {c.cell(row)}
        </div>
      ))}
    </div>
  );
}) as <R>(props: GridRowProps<R>) => ReactNode;

const cellClass = (c: { className?: string; pinned?: boolean }) => ['vt-cell', c.pinned && 'vt-pinned', c.className].filter(Boolean).join(' ');

/** Columns the user sizes by dragging their headers' right edges, or with the arrow keys there. */
export interface GridSizing {
  /** The widths (px) the user gave columns, by key; `layout` already says them. */
  widths: Readonly<Record<string, number>>;
  /** A column's width where its header cannot be measured (no layout). */
  fallback(key: string): number;
  /** A width (px), or null for the column's automatic one. */
  onResize(key: string, width: number | null): void;
}

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;

interface VirtualGridProps<R> {
  /** The grid's accessible name. */
  label: string;
  /** The rows in the order shown. */
  rows: readonly R[];
  /** A row's unique, stable key. */
  rowKey(row: R): string;
  columns: readonly GridColumn<R>[];
  /** The CSS grid template shared by the header and every row, and the width below which the grid scrolls sideways. */
  layout: { template: string; minWidth: number };
  sort: SortSpec;
  onSort(key: string): void;
  selectedKey: string | null;
  onRowClick(key: string): void;
  /** Lets the user size columns. */
  sizing?: GridSizing;
  /** From {@link useVirtualWindow} over `rows.length`. */
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
 * active descendant; keys are the caller's to handle.
 */
export function VirtualGrid<R>({ label, rows, rowKey, columns, layout, sort, onSort, selectedKey, onRowClick, sizing, win, idPrefix, busy, empty }: VirtualGridProps<R>) {
  const { template, minWidth } = layout;
  const visible = rows.slice(win.start, win.end);
  const rowId = (key: string) => `${idPrefix}-${key}`;
  const activeShown = selectedKey !== null && visible.some((r) => rowKey(r) === selectedKey);
  return (
    <div
      ref={win.ref}
      className="vt"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-busy={busy}
      aria-activedescendant={activeShown ? rowId(selectedKey) : undefined}
      tabIndex={0}
      onScroll={win.onScroll}
      style={{ '--vt-cols': template } as CSSProperties}
    >
      <div role="rowgroup" className="vt-head" style={{ minWidth }}>
        <div role="row" aria-rowindex={1} className="vt-row">
          {columns.map((c, i) => (
            <div key={c.key} role="columnheader" aria-label={c.title} aria-colindex={i + 1} aria-sort={sort.key === c.key ? ARIA_SORT[sort.dir] : undefined} className={cellClass(c)}>
              {/* "Sort by": a header named like a picker entry ("Pods" on Nodes) must not share its button name. */}
              <button type="button" className="vt-sort" aria-label={`Sort by ${c.title}`} onClick={() => onSort(c.key)}>
                {c.title}
                {sort.key === c.key && <span aria-hidden="true">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
              </button>
              {sizing && <ColumnResizer title={c.title} sized={sizing.widths[c.key]} fallback={sizing.fallback(c.key)} onResize={(width) => sizing.onResize(c.key, width)} />}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="vt-body" style={{ height: rows.length * ROW_HEIGHT, minWidth }}>
        <div role="presentation" style={{ transform: `translateY(${win.start * ROW_HEIGHT}px)` }}>
          {visible.map((row, k) => {
            const key = rowKey(row);
            return <GridRow key={key} row={row} rowKey={key} columns={columns} index={win.start + k} selected={key === selectedKey} id={rowId(key)} onClick={onRowClick} />;
          })}
        </div>
      </div>
      {!rows.length && <div className="vt-empty">{empty}</div>}
    </div>
  );
}
