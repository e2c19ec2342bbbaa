/** One column of a CSV export: its header and how a row gives its cell. */
export interface CsvColumn<R> {
  title: string;
  /** A number is written as it is; text is quoted as needed and defused when a spreadsheet would run it. */
  value(row: R): string | number | boolean | null | undefined;
}

/** Text a spreadsheet reads as a formula (or as DDE) when a cell starts with it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: numbers as they are (NaN and infinities left empty), text
 * prefixed with `'` when it starts like a formula (a pod named "=HYPERLINK(…)"
 * must not run in the reader's spreadsheet), then quoted per RFC 4180 when it
 * holds a comma, a quote or a line break.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as RFC 4180 CSV: a header line, CRLF line ends, a CRLF after the last line. */
export function toCsv<R>(columns: readonly CsvColumn<R>[], rows: Iterable<R>): string {
  const lines = [columns.map((c) => csvCell(c.title)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
