import { describe, expect, it } from 'vitest';
import { alignedData, isZoomed, legendView, lineCount, stackBases, zoomRange, type TimeSeriesData } from './timeSeries';

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

  it('stacks bars in series order, each segment from its base to its end, gaps as no segment', () => {
    const aligned = alignedData(data, true);
    expect(aligned).toEqual([data.times, [1, 5, 2], [4, null, 11], [6, 12, null], [6, 13, 15]]);
    expect(stackBases(aligned, 4)).toEqual([[], [0, 0, 0], [1, null, 2], [4, 5, null], [6, 12, 11]]);
  });

  it('hangs negative values (a refund) below zero and leaves the positive stack alone', () => {
    // EC2 100 and a Refund −40 on day one; a credit alone on day two.
    const bill: TimeSeriesData = {
      times: [0, 86_400],
      series: [
        { key: 'ec2', label: 'EC2', values: [100, 30] },
        { key: 'refund', label: 'Refund', values: [-40, null] },
        { key: 's3', label: 'S3', values: [5, 0] },
        { key: 'credit', label: 'Credit', values: [-10, -50] },
      ],
    };
    const aligned = alignedData(bill, true);
    expect(aligned).toEqual([bill.times, [100, 30], [-40, null], [105, 30], [-50, -50]]);
    const bases = stackBases(aligned, 4);
    // Each segment's extent is its own value: EC2 0→100, Refund 0→−40, S3 100→105, Credit −40→−50.
    const extents = [1, 2, 3, 4].map((s) => (aligned[s] as (number | null)[]).map((end, i) => (end === null ? null : end - bases[s][i]!)));
    expect(extents).toEqual([
      [100, 30],
      [-40, null],
      [5, 0],
      [-10, -50],
    ]);
  });

  it('keeps a line over stacked bars out of the stacks, after the bars', () => {
    const withBill = { times: data.times, series: [...data.series.slice(0, 2), { key: 'bill', label: 'Bill', values: [10, null, 20], line: true }] };
    expect(lineCount(withBill)).toBe(1);
    expect(alignedData(withBill, true)).toEqual([data.times, [1, 5, 2], [4, null, 11], [10, null, 20]]);
    expect(alignedData(withBill, false)).toEqual([data.times, [1, 5, 2], [3, null, 9], [10, null, 20]]);
    expect(stackBases(alignedData(withBill, true), 2)).toEqual([[], [0, 0, 0], [1, null, 2]]);
  });
});

describe('zoomRange', () => {
  const times = [0, 60, 120, 180, 240, 300, 360];

  it('keeps a drag wider than a few steps, in order', () => {
    expect(zoomRange(70, 300, times)).toEqual({ start: 70, end: 300 });
    expect(zoomRange(300, 70, times)).toEqual({ start: 70, end: 300 });
  });

  it('widens a short drag about its middle to three steps, inside the times', () => {
    expect(zoomRange(149, 151, times)).toEqual({ start: 60, end: 240 });
    expect(zoomRange(1, 2, times)).toEqual({ start: 0, end: 180 });
    expect(zoomRange(359, 360, times)).toEqual({ start: 180, end: 360 });
  });

  it('widens even when the times are fewer than three steps, and leaves a drag alone without a step', () => {
    expect(zoomRange(30, 31, [0, 60])).toEqual({ start: -59.5, end: 120.5 });
    expect(zoomRange(5, 6, [5])).toEqual({ start: 5, end: 6 });
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
