import { memo, type CSSProperties, type MouseEvent, type ReactNode } from 'react';
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

/** How a row was clicked: plainly, with Ctrl/Cmd or on its check box (toggle), or with Shift (range). */
export type RowClick = 'plain' | 'toggle' | 'range';

/** Where a context menu was asked for, in viewport pixels. */
export interface MenuPoint {
  x: number;
  y: number;
}

/** Rows can be chosen several at a time: a check box column, and the handlers of a row's clicks and context menu. */
export interface GridSelection {
  /** Keys of the chosen rows, all among the rows shown. */
  keys: ReadonlySet<string>;
  /** The header's check box: every row shown, or none. */
  onToggleAll(): void;
  onRowMenu(key: string, at: MenuPoint): void;
}

const clickKind = (e: MouseEvent): RowClick =>
  e.shiftKey ? 'range' : e.ctrlKey || e.metaKey || (e.target instanceof Element && e.target.closest('.vt-select')) ? 'toggle' : 'plain';

/** Width (px) of the check box column of a grid with a {@link GridSelection}. */
const SELECT_WIDTH = 32;

interface GridRowProps<R> {
  row: R;
  rowKey: string;
  columns: readonly GridColumn<R>[];
  /** Position in the whole view, 0-based. */
  index: number;
  selected: boolean;
  /** The focused row (the grid's active descendant). */
  current: boolean;
  id: string;
  onClick(key: string, how: RowClick): void;
  /** Given when the grid has a check box column. */
  onMenu?: GridSelection['onRowMenu'];
}

/** One row; memoised, so a new event re-renders only the rows whose object (or position) changed. Give it stable columns. */
const GridRow = memo(function GridRow<R>({ row, rowKey, columns, index, selected, current, id, onClick, onMenu }: GridRowProps<R>) {
  const first = onMenu ? 2 : 1;
  return (
    <div
      role="row"
      id={id}
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={['vt-row', selected && 'selected', current && 'current'].filter(Boolean).join(' ')}
      // Shift extends a range: keep the browser from selecting the text between the clicks.
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={(e) => onClick(rowKey, clickKind(e))}
      onContextMenu={
        onMenu &&
        ((e) => {
          e.preventDefault();
          onMenu(rowKey, { x: e.clientX, y: e.clientY });
        })
      }
    >
      {onMenu && (
        <div role="gridcell" aria-colindex={1} className="vt-cell vt-select">
          {/* Drawn, not an input: a click must not take focus from the grid, whose keys (Space) choose rows. */}
          <span className="vt-check" aria-hidden="true" />
        </div>
      )}
      {columns.map((c, i) => (
        <div key={c.key} role="gridcell" aria-colindex={i + first} className={cellClass(c)} title={c.tooltip?.(row)}>
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
  onResize(key: string, width: number | null, passing?: boolean): void;
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
  /** The focused row: the active descendant, and the selected row while no row is chosen in `selection`. */
  selectedKey: string | null;
  onRowClick(key: string, how: RowClick): void;
  /** Lets rows be chosen several at a time. */
  selection?: GridSelection;
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
 * the rows in view rendered inside it. Focusable, with the focused row as its
 * active descendant; keys are the caller's to handle. With a `selection`,
 * rows can be chosen several at a time (aria-multiselectable).
 */
export function VirtualGrid<R>({ label, rows, rowKey, columns, layout, sort, onSort, selectedKey, onRowClick, selection, sizing, win, idPrefix, busy, empty }: VirtualGridProps<R>) {
  const chosen = selection?.keys;
  const template = selection ? `${SELECT_WIDTH}px ${layout.template}` : layout.template;
  const minWidth = selection ? layout.minWidth + SELECT_WIDTH : layout.minWidth;
  const first = selection ? 2 : 1;
  const allChosen = chosen !== undefined && rows.length > 0 && chosen.size === rows.length;
  const visible = rows.slice(win.start, win.end);
  const rowId = (key: string) => `${idPrefix}-${key}`;
  const activeShown = selectedKey !== null && visible.some((r) => rowKey(r) === selectedKey);
  return (
    <div
      ref={win.ref}
      className={chosen?.size ? 'vt choosing' : 'vt'}
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length + first - 1}
      aria-multiselectable={selection ? true : undefined}
      aria-busy={busy}
      aria-activedescendant={activeShown ? rowId(selectedKey) : undefined}
      tabIndex={0}
      onScroll={win.onScroll}
      // The Menu key and Shift+F10 also send the grid itself a contextmenu event: the caller's menu opens on the key, not the browser's.
      onContextMenu={selection && ((e) => e.target === e.currentTarget && e.preventDefault())}
      style={{ '--vt-cols': template } as CSSProperties}
    >
      <div role="rowgroup" className="vt-head" style={{ minWidth }}>
        <div role="row" aria-rowindex={1} className="vt-row">
          {selection && (
            <div role="columnheader" aria-label="Selection" aria-colindex={1} className="vt-cell vt-select">
              <input
                type="checkbox"
                aria-label="Select all shown"
                checked={allChosen}
                ref={(el) => {
                  if (el) el.indeterminate = !allChosen && selection.keys.size > 0;
                }}
                onChange={selection.onToggleAll}
              />
            </div>
          )}
          {columns.map((c, i) => (
            <div key={c.key} role="columnheader" aria-label={c.title} aria-colindex={i + first} aria-sort={sort.key === c.key ? ARIA_SORT[sort.dir] : undefined} className={cellClass(c)}>
              {/* "Sort by": a header named like a picker entry ("Pods" on Nodes) must not share its button name. */}
              <button type="button" className="vt-sort" aria-label={`Sort by ${c.title}`} onClick={() => onSort(c.key)}>
                {c.title}
                {sort.key === c.key && <span aria-hidden="true">{sort.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
              </button>
              {sizing && <ColumnResizer title={c.title} sized={sizing.widths[c.key]} fallback={sizing.fallback(c.key)} onResize={(width, passing) => sizing.onResize(c.key, width, passing)} />}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="vt-body" style={{ height: rows.length * ROW_HEIGHT, minWidth }}>
        <div role="presentation" style={{ transform: `translateY(${win.start * ROW_HEIGHT}px)` }}>
          {visible.map((row, k) => {
            const key = rowKey(row);
            // With none chosen, the focused row is the one selected: what the detail pane and its keys act on.
            const selected = chosen?.size ? chosen.has(key) : key === selectedKey;
            return (
              <GridRow
                key={key}
                row={row}
                rowKey={key}
                columns={columns}
                index={win.start + k}
                selected={selected}
                current={key === selectedKey}
                id={rowId(key)}
                onClick={onRowClick}
                onMenu={selection?.onRowMenu}
              />
            );
          })}
        </div>
      </div>
      {!rows.length && <div className="vt-empty">{empty}</div>}
    </div>
  );
}
