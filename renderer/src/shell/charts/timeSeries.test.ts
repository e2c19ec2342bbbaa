import { describe, expect, it } from 'vitest';
import { alignedData, isZoomed, legendView, lineCount, seriesIndexOf, type TimeSeriesData } from './timeSeries';

const data: TimeSeriesData = {
  times: [100, 160, 220],
  series: [
    { key: 'a', label: 'A', values: [1, 5, 2] },
    { key: 'b', label: 'B', values: [3, null, 9] },
    { key: 'c', label: 'C', values: [2, 7, null] },
    { key: 'd', label: 'D', values: [0, 1, 4] },
  ],
};

describe('legendView', () => {
  it('lists the highest values at the last time when nothing is hovered, and counts the rest', () => {
    const view = legendView(data, null, null, 2);
    expect(view.time).toBe(220);
    expect(view.rows.map((r) => [r.key, r.value])).toEqual([
      ['b', 9],
      ['d', 4],
    ]);
    expect(view.hidden).toBe(2);
  });

  it('reads the values at the hovered time, missing ones last', () => {
    const view = legendView(data, 1, null, 4);
    expect(view.rows.map((r) => [r.key, r.value])).toEqual([
      ['c', 7],
      ['a', 5],
      ['d', 1],
      ['b', null],
    ]);
    expect(view.hidden).toBe(0);
  });

  it('puts the hovered series first, whatever its value', () => {
    const view = legendView(data, 2, 3, 2);
    expect(view.rows.map((r) => [r.key, r.focused])).toEqual([
      ['d', true],
      ['b', false],
    ]);
    expect(view.hidden).toBe(2);
  });

  it('falls back to the last time for an index out of range and has no rows without times', () => {
    expect(legendView(data, 99, null, 1).time).toBe(220);
    expect(legendView({ times: [], series: data.series }, null, null, 3)).toEqual({ rows: [], hidden: 4, time: null });
  });

  it('keeps a thousand series to the limit', () => {
    const many: TimeSeriesData = { times: [0], series: Array.from({ length: 1000 }, (_, i) => ({ key: `s${i}`, label: `S${i}`, values: [i % 97] })) };
    const view = legendView(many, null, 500, 8);
    expect(view.rows).toHaveLength(8);
    expect(view.rows[0].key).toBe('s500');
    expect(view.rows.slice(1).every((r) => r.value === 96)).toBe(true);
    expect(view.hidden).toBe(992);
  });
});

describe('alignedData', () => {
  it('passes lines through as columns', () => {
    expect(alignedData(data, false)).toEqual([data.times, [1, 5, 2], [3, null, 9], [2, 7, null], [0, 1, 4]]);
  });

  it('stacks bars as running sums, gaps as zero, last series first', () => {
    expect(alignedData(data, true)).toEqual([data.times, [6, 13, 15], [6, 12, 11], [4, 5, 11], [1, 5, 2]]);
  });

  it('maps plot series back to data series both ways of drawing', () => {
    expect(seriesIndexOf(1, 4, false)).toBe(0);
    expect(seriesIndexOf(4, 4, false)).toBe(3);
    expect(seriesIndexOf(1, 4, true)).toBe(3);
    expect(seriesIndexOf(4, 4, true)).toBe(0);
  });

  it('keeps a line over stacked bars out of the sums, after the bars, and maps it back', () => {
    const withBill = { times: data.times, series: [...data.series.slice(0, 2), { key: 'bill', label: 'Bill', values: [10, null, 20], line: true }] };
    expect(lineCount(withBill)).toBe(1);
    expect(alignedData(withBill, true)).toEqual([data.times, [4, 5, 11], [1, 5, 2], [10, null, 20]]);
    expect(alignedData(withBill, false)).toEqual([data.times, [1, 5, 2], [3, null, 9], [10, null, 20]]);
    expect([1, 2, 3].map((p) => seriesIndexOf(p, 3, true, 1))).toEqual([1, 0, 2]);
    expect([1, 2, 3].map((p) => seriesIndexOf(p, 3, false, 1))).toEqual([0, 1, 2]);
  });
});

describe('isZoomed', () => {
  it('is zoomed only when the scale leaves some times out', () => {
    expect(isZoomed(data.times, 100, 220)).toBe(false);
    expect(isZoomed(data.times, 90, 300)).toBe(false);
    expect(isZoomed(data.times, 120, 220)).toBe(true);
    expect(isZoomed(data.times, 100, 200)).toBe(true);
    expect(isZoomed(data.times, null, 200)).toBe(false);
    expect(isZoomed([], 1, 2)).toBe(false);
  });
});
