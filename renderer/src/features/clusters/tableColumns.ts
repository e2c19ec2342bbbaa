import { useState } from 'react';
import type { Column, Row } from '../../../../shared/contract';
import { readSetting, writeSetting } from '../../shell/storage';

/** One column of the inspector table: the row's name and namespace, then the watch's own columns. */
export interface TableColumn {
  /** `name`, `namespace`, or `cell:<id>` for a column of the watch. */
  key: string;
  title: string;
  kind: Column['kind'];
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
  const cells = columns.map((c, i): TableColumn => ({ key: cellKey(c.id), title: c.title, kind: c.kind, value: (row) => row.cells[i] ?? null }));
  return nameLast ? [...namespace, ...cells, nameColumn] : [nameColumn, ...namespace, ...cells];
}

/** Minimum width (px) and share of the spare width, by what the column holds and where. */
function widthOf(column: TableColumn, index: number): [number, number] {
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
      return [150, 1];
    case 'message':
      return [260, 4];
    default:
      return [130, 1.5];
  }
}

/** A CSS grid template shared by the header and every row, so cells line up without a real table layout. */
export function gridTemplate(columns: readonly TableColumn[]): { template: string; minWidth: number } {
  const widths = columns.map((c, i) => widthOf(c, i));
  return {
    template: widths.map(([min, fr]) => `minmax(${min}px, ${fr}fr)`).join(' '),
    minWidth: widths.reduce((sum, [min]) => sum + min, 0),
  };
}

const hiddenKey = (resourceKey: string) => `pilothouse.columns.${resourceKey}`;

function readHidden(resourceKey: string): ReadonlySet<string> {
  try {
    const value: unknown = JSON.parse(readSetting(hiddenKey(resourceKey)) ?? '[]');
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  } catch {
    // A damaged preference only costs the user their column choice.
    return new Set();
  }
}

/**
 * The columns the user hid for one resource, kept in localStorage. Hidden
 * (rather than shown) keys are stored so columns the services add later appear.
 */
export function useHiddenColumns(resourceKey: string): [ReadonlySet<string>, (key: string) => void] {
  const [hidden, setHidden] = useState(() => readHidden(resourceKey));
  const toggle = (key: string) => {
    const next = new Set(hidden);
    if (!next.delete(key)) next.add(key);
    writeSetting(hiddenKey(resourceKey), next.size ? JSON.stringify([...next]) : null);
    setHidden(next);
  };
  return [hidden, toggle];
}
