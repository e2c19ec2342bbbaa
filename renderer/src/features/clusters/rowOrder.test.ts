import { describe, expect, it } from 'vitest';
import type { Row } from '../../../../shared/contract';
import { naturalCompare, rowComparator } from './rowOrder';
import { tableColumns } from './tableColumns';

const columns = tableColumns(
  [
    { id: 'age', title: 'Age', kind: 'age' },
    { id: 'cpu', title: 'CPU', kind: 'quantity' },
    { id: 'ready', title: 'Ready', kind: 'number' },
    { id: 'status', title: 'Status', kind: 'status' },
  ],
  true,
);
const byKey = (key: string) => columns.find((c) => c.key === key)!;
const row = (name: string, cells: Row['cells'], namespace = 'default'): Row => ({ uid: `${namespace}/${name}`, name, namespace, cells });
const sorted = (rows: Row[], key: string, dir: 'asc' | 'desc') => [...rows].sort(rowComparator(byKey(key), dir)).map((r) => r.name);

describe('row order', () => {
  it('compares text naturally and case-insensitively', () => {
    const names = ['pod-10', 'Pod-9', 'pod-2', 'pod-02b', 'pod-1a', 'alpha'];
    expect([...names].sort(naturalCompare)).toEqual(['alpha', 'pod-1a', 'pod-2', 'pod-02b', 'Pod-9', 'pod-10']);
    expect(naturalCompare('node-007', 'node-7')).toBe(0);
  });

  it('sorts by name numerically, with namespace and uid breaking ties', () => {
    const rows = [row('web-10', []), row('web-9', []), row('web-9', [], 'a-team')];
    expect(sorted(rows, 'name', 'asc')).toEqual(['web-9', 'web-9', 'web-10']);
    expect([...rows].sort(rowComparator(byKey('name'), 'asc'))[0].namespace).toBe('a-team');
    expect(sorted(rows, 'name', 'desc')).toEqual(['web-10', 'web-9', 'web-9']);
  });

  it('sorts ages youngest first, quantities by amount, numbers by value, empty cells last either way', () => {
    const rows = [
      row('old', ['2024-01-01T00:00:00Z', '2', 10]),
      row('new', ['2025-06-01T00:00:00Z', '500m', 9]),
      row('mid', ['2025-01-01T00:00:00Z', '1Gi', null]),
      row('none', [null, null, 100]),
    ];
    expect(sorted(rows, 'cell:age', 'asc')).toEqual(['new', 'mid', 'old', 'none']);
    expect(sorted(rows, 'cell:age', 'desc')).toEqual(['old', 'mid', 'new', 'none']);
    expect(sorted(rows, 'cell:cpu', 'asc')).toEqual(['new', 'old', 'mid', 'none']);
    expect(sorted(rows, 'cell:ready', 'asc')).toEqual(['new', 'old', 'none', 'mid']);
    expect(sorted(rows, 'cell:ready', 'desc')).toEqual(['none', 'old', 'new', 'mid']);
  });

  it('sorts statuses by what needs attention first, then by text', () => {
    const rows = ['Available', '2/3 available', 'Scaled to 0', 'ProgressDeadlineExceeded', 'Progressing', 'Unavailable'].map((status, i) => row(`d${i}`, [null, null, null, status]));
    const statuses = (dir: 'asc' | 'desc') => [...rows].sort(rowComparator(byKey('cell:status'), dir)).map((r) => r.cells[3]);
    expect(statuses('asc')).toEqual(['ProgressDeadlineExceeded', 'Unavailable', '2/3 available', 'Progressing', 'Scaled to 0', 'Available']);
    expect(statuses('desc')[0]).toBe('Available');
  });
});
