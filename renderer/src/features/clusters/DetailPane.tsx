import { Fragment } from 'react';
import type { Row } from '../../../../shared/contract';
import { Age, CellValue } from './CellValue';
import type { ResourceEntry } from './resourceCatalog';
import { NAME_KEY, type TableColumn } from './tableColumns';

interface DetailPaneProps {
  entry: ResourceEntry;
  /** The selected row; undefined once it has been deleted from the cluster. */
  row: Row | undefined;
  /** Every column, hidden ones included. */
  columns: readonly TableColumn[];
  onClose(): void;
}

/** The selected row's facts: name, namespace, every cell, and its uid. */
export function DetailPane({ entry, row, columns, onClose }: DetailPaneProps) {
  return (
    <aside className="detail" aria-label={`${entry.one} details`}>
      <div className="detail-head">
        <h2 className="mono">{row?.name ?? `Deleted ${entry.one}`}</h2>
        <button type="button" onClick={onClose} aria-keyshortcuts="Escape">
          Close <kbd>Esc</kbd>
        </button>
      </div>
      {row ? (
        <dl className="facts">
          {columns
            .filter((c) => c.key !== NAME_KEY)
            .map((c) => {
              const value = c.value(row);
              return (
                <Fragment key={c.key}>
                  <dt>{c.title}</dt>
                  <dd>{c.kind === 'age' && typeof value === 'string' ? <Age iso={value} suffix=" ago" /> : <CellValue kind={c.kind} value={value} />}</dd>
                </Fragment>
              );
            })}
          <dt>UID</dt>
          <dd className="mono">{row.uid}</dd>
        </dl>
      ) : (
        <p className="muted">It is no longer in the cluster.</p>
      )}
    </aside>
  );
}
