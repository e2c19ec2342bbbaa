import { toCsv, type CsvColumn } from './csv';
import { exportFileName, saveBlob } from './download';

interface CsvButtonProps<R> {
  /** Names the file ("GPU inventory" → GPU-inventory-2026-12-04-12-40.csv) and the button's accessible name. */
  title: string;
  columns: readonly CsvColumn<R>[];
  /** The rows as the table shows them (filtered and sorted); read only on click. */
  rows: readonly R[];
  disabled?: boolean;
}

/** Saves a table's rows as a CSV file. A byte-order mark lets Excel read the UTF-8 as UTF-8. */
export function CsvButton<R>({ title, columns, rows, disabled }: CsvButtonProps<R>) {
  return (
    <button
      type="button"
      aria-label={`Export ${title} as CSV`}
      title={`Save the ${rows.length.toLocaleString()} rows shown as a CSV file`}
      disabled={disabled || !rows.length}
      onClick={() => saveBlob(exportFileName(title, 'csv'), new Blob(['\uFEFF', toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }))}
    >
      CSV
    </button>
  );
}
