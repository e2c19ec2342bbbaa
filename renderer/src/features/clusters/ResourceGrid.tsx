import { useMemo, type ReactNode } from 'react';
import type { Row } from '../../../../shared/contract';
import { VirtualGrid, type GridColumn, type SortSpec } from '../../ui/VirtualGrid';
import type { VirtualWindow } from '../../ui/useVirtualWindow';
import { CellValue } from './CellValue';
import { gridTemplate, type TableColumn } from './tableColumns';

interface ResourceGridProps {
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

const uidOf = (row: Row) => row.uid;

/** The rows of one watch in a virtualised grid, each cell shown by its column's kind. */
export function ResourceGrid({ columns, selectedUid, ...rest }: ResourceGridProps) {
  // Stable while the columns are, so unchanged rows are not rendered again.
  const gridColumns = useMemo(
    () =>
      columns.map(
        (c): GridColumn<Row> => ({
          key: c.key,
          title: c.title,
          className: `kind-${c.kind}`,
          cell: (row) => <CellValue kind={c.kind} value={c.value(row)} />,
          tooltip: (row) => {
            const value = c.value(row);
            return (c.kind === 'text' || c.kind === 'message') && typeof value === 'string' ? value : undefined;
          },
        }),
      ),
    [columns],
  );
  const layout = useMemo(() => gridTemplate(columns), [columns]);
  return <VirtualGrid {...rest} rowKey={uidOf} columns={gridColumns} layout={layout} selectedKey={selectedUid} />;
}
