import { useMemo, useState, type ReactNode } from 'react';
import { CsvButton } from '../../shell/charts/CsvButton';
import type { CsvColumn } from '../../shell/charts/csv';
import { useVirtualWindow } from '../../ui/useVirtualWindow';
import { VirtualGrid, type GridColumn, type SortSpec } from '../../ui/VirtualGrid';
import { compareValues } from './gpuView';

/** A column of a {@link GpuTable}: shown by `cell`, sorted and exported by `value`. */
export interface TableColumn<R> extends Omit<GridColumn<R>, 'cell'> {
  /** The grid track: "120px", "minmax(160px, 2fr)". */
  width: string;
  /** What it sorts by and what the CSV holds. */
  value(row: R): string | number | null | undefined;
  /** What it shows; the value when not given. */
  cell?(row: R): ReactNode;
}

interface GpuTableProps<R> {
  /** The grid's accessible name and the CSV file's name. */
  title: string;
  rows: readonly R[];
  rowKey(row: R): string;
  columns: readonly TableColumn<R>[];
  /** The sort it starts with; the user's clicks on headers change it. */
  initialSort: SortSpec;
  /** The sort, when the caller sets it too (a "free GPUs first" button). */
  sort?: SortSpec;
  onSort?(sort: SortSpec): void;
  busy?: boolean;
  empty: ReactNode;
  /** Said beside the CSV button, e.g. "12 nodes". */
  summary?: ReactNode;
}

/** Widths in px of the tracks that give one, for the grid's minimum width. */
const minWidth = (tracks: readonly string[]) => tracks.reduce((sum, t) => sum + (Number(/(\d+)px/.exec(t)?.[1]) || 100), 0);

/**
 * A sortable, virtualised table with CSV export of the rows as sorted: the
 * GPU page's tables, from a handful of namespaces to ten thousand pods.
 */
export function GpuTable<R>({ title, rows, rowKey, columns, initialSort, sort: controlled, onSort, busy = false, empty, summary }: GpuTableProps<R>) {
  const [own, setOwn] = useState<SortSpec>(initialSort);
  const sort = controlled ?? own;
  const [selected, setSelected] = useState<string | null>(null);
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort.key);
    if (!column) return rows;
    // Each row's value read once, not once per compare.
    return rows
      .map((row) => ({ row, value: column.value(row) }))
      .sort((a, b) => compareValues(a.value, b.value, sort.dir))
      .map((r) => r.row);
  }, [rows, columns, sort]);
  const grid = useMemo<GridColumn<R>[]>(
    () => columns.map(({ width: _width, value, cell, ...c }) => ({ ...c, cell: cell ?? ((r: R) => value(r) ?? '–') })),
    [columns],
  );
  const csv = useMemo<CsvColumn<R>[]>(() => columns.map((c) => ({ title: c.title, value: c.value })), [columns]);
  const layout = useMemo(() => ({ template: columns.map((c) => c.width).join(' '), minWidth: minWidth(columns.map((c) => c.width)) }), [columns]);
  const win = useVirtualWindow(sorted.length);
  const choose = (key: string) => {
    const next: SortSpec = { key, dir: sort.key === key && sort.dir === 'desc' ? 'asc' : 'desc' };
    setOwn(next);
    onSort?.(next);
  };
  return (
    <div className="gpu-table">
      <div className="gpu-table-head">
        <span className="muted">{summary}</span>
        <CsvButton title={title} columns={csv} rows={sorted} />
      </div>
      <VirtualGrid
        label={title}
        rows={sorted}
        rowKey={rowKey}
        columns={grid}
        layout={layout}
        sort={sort}
        onSort={choose}
        selectedKey={selected}
        onRowClick={setSelected}
        win={win}
        idPrefix={`gpu-${title.replace(/\W+/g, '-').toLowerCase()}`}
        busy={busy}
        empty={empty}
      />
    </div>
  );
}
