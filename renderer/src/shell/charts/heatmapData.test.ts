import { describe, expect, it } from 'vitest';
import { buildPalette, cellAt, columnsOf, decodeBase64, dragColumns, NO_DATA, paintPixels, rowHeightFor, scaleColor, timeTicks, visibleRows, type HeatmapLayout } from './heatmapData';

const layout: HeatmapLayout = { left: 100, top: 20, width: 200, rowHeight: 10, rows: 3, view: { first: 0, end: 100 } };

describe('decodeBase64', () => {
  it('decodes bytes, 255 included', () => {
    expect([...decodeBase64(btoa(String.fromCharCode(0, 50, 100, 255)))]).toEqual([0, 50, 100, 255]);
    expect(decodeBase64('')).toHaveLength(0);
  });

  it('says so for text that is not base64', () => {
    expect(() => decodeBase64('not base64!')).toThrow(/not valid base64/);
  });
});

describe('columnsOf', () => {
  it('divides the values into whole rows', () => {
    expect(columnsOf({ rows: ['a', 'b'], start: 0, step: 60, values: new Uint8Array(6) })).toBe(3);
    expect(columnsOf({ rows: [], start: 0, step: 60, values: new Uint8Array(0) })).toBe(0);
  });

  it('refuses values that do not fill whole rows', () => {
    expect(() => columnsOf({ rows: ['a', 'b'], start: 0, step: 60, values: new Uint8Array(5) })).toThrow(/5 values for 2 rows/);
  });
});

describe('palette and pixels', () => {
  it('runs from the dark end to the bright end and paints no data in the empty colour', () => {
    const palette = buildPalette([1, 2, 3]);
    const values = new Uint8Array([0, 100, NO_DATA, 180]);
    const pixels = new Uint8ClampedArray(values.length * 4);
    paintPixels(values, palette, pixels);
    expect([...pixels.slice(0, 4)]).toEqual([68, 1, 84, 255]);
    expect([...pixels.slice(4, 8)]).toEqual([253, 231, 37, 255]);
    expect([...pixels.slice(8, 12)]).toEqual([1, 2, 3, 255]);
    // Out of range: treated as no data rather than as a colour.
    expect([...pixels.slice(12, 16)]).toEqual([1, 2, 3, 255]);
  });

  it('interpolates between stops and clamps outside 0–100', () => {
    expect(scaleColor(12.5)).toEqual([64, 42, 112]);
    expect(scaleColor(-5)).toEqual(scaleColor(0));
    expect(scaleColor(500)).toEqual(scaleColor(100));
  });

  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => paintPixels(new Uint8Array(2), buildPalette([0, 0, 0]), new Uint8ClampedArray(4))).toThrow();
  });
});

describe('cells under the mouse', () => {
  it('finds the row and column, none outside the cells', () => {
    expect(cellAt(100, 20, layout)).toEqual({ row: 0, column: 0 });
    expect(cellAt(299, 49, layout)).toEqual({ row: 2, column: 99 });
    expect(cellAt(200, 35, layout)).toEqual({ row: 1, column: 50 });
    expect(cellAt(99, 25, layout)).toBeNull();
    expect(cellAt(300, 25, layout)).toBeNull();
    expect(cellAt(150, 10, layout)).toBeNull();
    expect(cellAt(150, 50, layout)).toBeNull();
  });

  it('maps x into the zoomed view', () => {
    expect(cellAt(200, 25, { ...layout, view: { first: 40, end: 60 } })).toEqual({ row: 0, column: 50 });
  });

  it('turns a drag either way into the columns it covers, clamped to the cells', () => {
    expect(dragColumns(150, 250, layout)).toEqual({ first: 25, end: 76 });
    expect(dragColumns(250, 150, layout)).toEqual({ first: 25, end: 76 });
    expect(dragColumns(0, 1000, layout)).toEqual({ first: 0, end: 100 });
    expect(dragColumns(150, 152, layout)).toBeNull();
  });
});

describe('visibleRows', () => {
  it('takes the rows at least partly in view, inside the data', () => {
    expect(visibleRows(0, 618, 2, 10_000)).toEqual({ first: 0, end: 309 });
    expect(visibleRows(10_001, 618, 2, 10_000)).toEqual({ first: 5000, end: 5310 });
    expect(visibleRows(19_900, 618, 2, 10_000)).toEqual({ first: 9950, end: 10_000 });
    expect(visibleRows(0, 618, 18, 3)).toEqual({ first: 0, end: 3 });
    expect(visibleRows(50_000, 618, 2, 10)).toEqual({ first: 10, end: 10 });
  });
});

describe('layout and ticks', () => {
  it('draws a few rows tall and a thousand thin', () => {
    expect(rowHeightFor(8)).toBe(18);
    expect(rowHeightFor(100)).toBe(5);
    expect(rowHeightFor(1000)).toBe(2);
  });

  it('puts at most the asked number of ticks on round steps inside the span', () => {
    const start = 1_764_000_000;
    const ticks = timeTicks(start, start + 86400, 8);
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.length).toBeLessThanOrEqual(9);
    expect(ticks.every((t) => t >= start && t <= start + 86400)).toBe(true);
    const step = ticks[1] - ticks[0];
    expect(step % 3600).toBe(0);
    expect(timeTicks(start, start, 8)).toEqual([]);
    expect(timeTicks(start, start - 10, 8)).toEqual([]);
  });
});
