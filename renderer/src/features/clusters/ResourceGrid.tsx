import { useMemo, type ReactNode } from 'react';
import type { Row } from '../../../../shared/contract';
import { VirtualGrid, type GridColumn, type GridSelection, type RowClick, type SortSpec } from '../../ui/VirtualGrid';
import type { VirtualWindow } from '../../ui/useVirtualWindow';
import { CellValue, ObjectName } from './CellValue';
import { gridTemplate, NAME_KEY, type ColumnWidths, type TableColumn } from './tableColumns';

interface ResourceGridProps {
  /** The resource's display name: the grid's accessible name. */
  label: string;
  /** The sorted, filtered rows (the store's view). */
  rows: readonly Row[];
  columns: readonly TableColumn[];
  /** The widths (px) the user gave columns, by key. */
  widths: ColumnWidths;
  /** The user sized a column: a width, or null for its automatic one. */
  onResize(key: string, width: number | null, passing?: boolean): void;
  sort: SortSpec;
  onSort(key: string): void;
  selectedUid: string | null;
  onRowClick(uid: string, how: RowClick): void;
  /** The rows chosen for a bulk action, the select-all check box and the rows' context menu. */
  selection: GridSelection;
  win: VirtualWindow;
  /** Prefix of row element ids, for `aria-activedescendant`. */
  idPrefix: string;
  busy: boolean;
  /** Shown in place of rows when there are none. */
  empty: ReactNode;
}

const uidOf = (row: Row) => row.uid;

/**
 * The rows of one watch in a virtualised grid, each cell shown by its column's
 * kind; a leading name stays in view when the grid scrolls sideways.
 */
export function ResourceGrid({ columns, widths, onResize, selectedUid, ...rest }: ResourceGridProps) {
  // Stable while the columns are, so unchanged rows are not rendered again.
  const gridColumns = useMemo(
    () =>
      columns.map(
        (c, i): GridColumn<Row> => ({
          key: c.key,
          title: c.title,
          className: `kind-${c.kind}`,
          pinned: i === 0 && c.key === NAME_KEY,
          cell: (row) => (c.key === NAME_KEY ? <ObjectName name={row.name} /> : <CellValue kind={c.kind} value={c.value(row)} />),
          // The whole text of what may be shortened: a name, a message, a badge in a column the user narrowed.
          tooltip: (row) => {
            const value = c.value(row);
            return (c.kind === 'text' || c.kind === 'message' || c.kind === 'status') && typeof value === 'string' ? value : undefined;
          },
        }),
      ),
    [columns],
  );
  // Every render: the rows change in place, and a status column follows its longest badge (one pass, no layout read).
  const layout = gridTemplate(columns, rest.rows, widths);
  const sizing = { widths, fallback: (key: string) => layout.autoMin.get(key) ?? 0, onResize };
  return <VirtualGrid {...rest} rowKey={uidOf} columns={gridColumns} layout={layout} sizing={sizing} selectedKey={selectedUid} />;
}
