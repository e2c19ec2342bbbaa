import type { Row } from '../../../../shared/contract';
import { parseQuantity, statusTone, type StatusTone } from './cellFormat';
import type { SortSpec } from '../../ui/VirtualGrid';
import type { TableColumn } from './tableColumns';

/** A total order on rows: no two distinct rows compare equal, so positions can be found by binary search. */
export type RowComparator = (a: Row, b: Row) => number;

const isDigit = (c: number) => c >= 48 && c <= 57;
const fold = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * Case-insensitive comparison that orders digit runs by value, so "pod-2"
 * sorts before "pod-10". Allocation-free: it runs ~140,000 times per sort of 10,000 rows.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      while (a.charCodeAt(i) === 48 && isDigit(a.charCodeAt(i + 1))) i++;
      while (b.charCodeAt(j) === 48 && isDigit(b.charCodeAt(j + 1))) j++;
      let ei = i;
      let ej = j;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      if (ei - i !== ej - j) return ei - i - (ej - j);
      for (; i < ei; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j);
        if (d) return d;
      }
      continue;
    }
    const d = fold(ca) - fold(cb);
    if (d) return d;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

type SortKey = number | string | null;

/** Ascending status order: what needs attention first. */
const SEVERITY: Record<StatusTone, number> = { bad: 0, warn: 1, neutral: 2, ok: 3 };

/**
 * What a cell sorts by: numbers by value, ages by time (youngest first),
 * quantities by amount, statuses worst first (then by text), the rest as text.
 */
export function sortKeyOf(kind: TableColumn['kind'], cell: Row['cells'][number]): SortKey {
  if (cell === null || cell === '') return null;
  if (typeof cell === 'number') return cell;
  switch (kind) {
    case 'age': {
      const at = Date.parse(cell);
      // Ascending age means youngest first, i.e. latest timestamp first.
      return Number.isNaN(at) ? null : -at;
    }
    case 'number': {
      const n = Number(cell);
      return Number.isNaN(n) ? cell : n;
    }
    case 'quantity':
      return parseQuantity(cell) ?? cell;
    case 'status':
      // The space keeps the rank its own digit run, so a status starting with a digit ("2/3 available") does not merge with it.
      return `${SEVERITY[statusTone(cell)]} ${cell}`;
    default:
      return cell;
  }
}

/** Numbers before text; null is handled by the caller (always last). */
function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  return typeof b === 'number' ? 1 : naturalCompare(a, b);
}

/** Ties fall back to name, namespace and uid, so the order is total and rows do not jump between updates. */
function tieBreak(a: Row, b: Row): number {
  return naturalCompare(a.name, b.name) || naturalCompare(a.namespace ?? '', b.namespace ?? '') || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

/**
 * Orders rows by one column. Rows are immutable (an update is a new object),
 * so each row's key is computed once per comparator and cached by identity.
 * Empty cells sort last in both directions.
 */
export function rowComparator(column: TableColumn, dir: SortSpec['dir']): RowComparator {
  const keys = new WeakMap<Row, SortKey>();
  const keyOf = (row: Row): SortKey => {
    let key = keys.get(row);
    if (key === undefined) {
      key = sortKeyOf(column.kind, column.value(row));
      keys.set(row, key);
    }
    return key;
  };
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (ka === null || kb === null) return ka === kb ? tieBreak(a, b) : ka === null ? 1 : -1;
    return sign * compareKeys(ka, kb) || tieBreak(a, b);
  };
}
