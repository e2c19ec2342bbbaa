import { useMemo, useState } from 'react';
import type { Column, Row } from '../../../../shared/contract';
import { readSetting, writeSetting } from '../../shell/storage';

/** One column of the inspector table: the row's name and namespace, then the watch's own columns. */
export interface TableColumn {
  /** `name`, `namespace`, or `cell:<id>` for a column of the watch. */
  key: string;
  title: string;
  kind: Column['kind'];
  /** Hidden until the user turns it on. */
  optional?: boolean;
  value(row: Row): Row['cells'][number];
}

/** The name column; always shown, so the table never loses what a row is. */
export const NAME_KEY = 'name';

/** The key of the column showing the services' cell `id`. */
export const cellKey = (id: string): string => `cell:${id}`;

const nameColumn: TableColumn = { key: NAME_KEY, title: 'Name', kind: 'text', value: (row) => row.name };
const namespaceColumn: TableColumn = { key: 'namespace', title: 'Namespace', kind: 'text', value: (row) => row.namespace ?? null };

/**
 * The table's columns: Name, Namespace (for namespaced resources), then one
 * per cell the services send; with `nameLast`, Name moves to the end.
 */
export function tableColumns(columns: readonly Column[], namespaced: boolean, nameLast = false): TableColumn[] {
  const namespace = namespaced ? [namespaceColumn] : [];
  const cells = columns.map((c, i): TableColumn => ({ key: cellKey(c.id), title: c.title, kind: c.kind, ...(c.optional ? { optional: true } : {}), value: (row) => row.cells[i] ?? null }));
  return nameLast ? [...namespace, ...cells, nameColumn] : [nameColumn, ...namespace, ...cells];
}

/**
 * Width of a status badge's text per character (px), for the 11.5px semibold of `.vt-cell .badge` in styles.css:
 * Chromium's default sans measures 7.1–7.7 on real statuses; the rest is room for other platforms' fonts.
 */
const BADGE_CHAR_WIDTH = 8;
/** A badge's padding and borders, and the cell's padding around it (px). */
const BADGE_CHROME = 14 + 20;
/** The most a status column takes unasked: room for Init:CreateContainerConfigError, not for a paragraph. */
export const STATUS_MAX_WIDTH = 300;

/**
 * The width (px) in which the longest status of `rows` shows whole, estimated
 * from its length, not measured: one pass over the values, no layout read.
 */
function statusFit(column: TableColumn, rows: readonly Row[]): number {
  let longest = 0;
  for (const row of rows) {
    const value = column.value(row);
    if (typeof value === 'string' && value.length > longest) longest = value.length;
  }
  return Math.ceil(longest * BADGE_CHAR_WIDTH) + BADGE_CHROME;
}

/**
 * Minimum width (px) and share of the spare width of a column the user has
 * not sized, by what it holds and where. A status column is at least as wide
 * as its longest badge among `rows`, so "CrashLoopBackOff" or
 * "Running (0/1 ready)" is never cut.
 */
function autoWidth(column: TableColumn, index: number, rows: readonly Row[]): [number, number] {
  // A leading name says what the row is; a trailing one (an event's) is only a reference.
  if (column.key === NAME_KEY) return index === 0 ? [220, 3] : [120, 0.5];
  switch (column.kind) {
    case 'number':
      return [72, 0.6];
    case 'age':
      return [64, 0.5];
    case 'quantity':
      return [90, 0.8];
    case 'status':
      // Capped: a CRD's Status may hold a whole condition message, which the cell ellipsises (its title has it all).
      return [Math.min(STATUS_MAX_WIDTH, Math.max(96, statusFit(column, rows))), 1];
    case 'message':
      return [260, 4];
    default:
      return [130, 1.5];
  }
}

/**
 * A CSS grid template shared by the header and every row, so cells line up
 * without a real table layout: the user's width for a column they sized, else
 * its automatic one (`autoMin` says each column's least).
 */
export function gridTemplate(
  columns: readonly TableColumn[],
  rows: readonly Row[],
  widths: ColumnWidths,
): { template: string; minWidth: number; autoMin: ReadonlyMap<string, number> } {
  const autoMin = new Map<string, number>();
  const tracks = columns.map((c, i) => {
    const [min, grow] = autoWidth(c, i, rows);
    autoMin.set(c.key, min);
    const sized = widths[c.key];
    return sized ? ([`${sized}px`, sized] as const) : ([`minmax(${min}px, ${grow}fr)`, min] as const);
  });
  return { template: tracks.map(([track]) => track).join(' '), minWidth: tracks.reduce((sum, [, least]) => sum + least, 0), autoMin };
}

/** Reads a JSON preference; a damaged one reads as missing, which only costs the user that choice. */
function readJsonSetting(key: string): unknown {
  try {
    return JSON.parse(readSetting(key) ?? 'null');
  } catch {
    return null;
  }
}

const hiddenKey = (resourceKey: string) => `pilothouse.columns.${resourceKey}`;

/** Keys of the columns the user turned away from their default: off for most, on for optional ones. */
function readToggled(resourceKey: string): ReadonlySet<string> {
  const value = readJsonSetting(hiddenKey(resourceKey));
  return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
}

/**
 * The columns hidden in one resource's table: those the user turned off, and
 * optional ones not turned on. What differs from each column's default is
 * kept in localStorage, so columns the services add later appear (or, if
 * optional, stay out of the way).
 */
export function useHiddenColumns(resourceKey: string, columns: readonly TableColumn[]): [ReadonlySet<string>, (key: string) => void] {
  const [toggled, setToggled] = useState(() => readToggled(resourceKey));
  const hidden = useMemo(() => new Set(columns.filter((c) => Boolean(c.optional) !== toggled.has(c.key)).map((c) => c.key)), [columns, toggled]);
  const toggle = (key: string) => {
    const next = new Set(toggled);
    if (!next.delete(key)) next.add(key);
    writeSetting(hiddenKey(resourceKey), next.size ? JSON.stringify([...next]) : null);
    setToggled(next);
  };
  return [hidden, toggle];
}

/** Column widths (px) by column key. */
export type ColumnWidths = Readonly<Record<string, number>>;

const widthsKey = (resourceKey: string) => `pilothouse.columnWidths.${resourceKey}`;

function readWidths(resourceKey: string): ColumnWidths {
  const value = readJsonSetting(widthsKey(resourceKey));
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0));
}

/**
 * The widths the user gave columns of one resource, kept in localStorage, and
 * how to change one: a width, or null to go back to the automatic width.
 */
export function useColumnWidths(resourceKey: string): [ColumnWidths, (key: string, width: number | null, passing?: boolean) => void] {
  const [widths, setWidths] = useState(() => readWidths(resourceKey));
  const resize = (key: string, width: number | null, passing = false) => {
    const { [key]: _old, ...others } = widths;
    const next = width === null ? others : { ...others, [key]: width };
    // A drag's passing widths are shown only; where it ends is kept.
    if (!passing) writeSetting(widthsKey(resourceKey), Object.keys(next).length ? JSON.stringify(next) : null);
    setWidths(next);
  };
  return [widths, resize];
}
