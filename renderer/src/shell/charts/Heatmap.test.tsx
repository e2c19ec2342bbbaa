import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heatmap, MAX_VISIBLE_HEIGHT } from './Heatmap';
import { NO_DATA_COLOR } from './chartTheme';
import { NO_DATA, parseHex, type HeatmapData } from './heatmapData';

// jsdom has no 2D canvas (getContext gives null): these tests check what the
// heatmap computes from the mouse (cells, tooltip, zoom), not what it paints.
const WIDTH = 370; // 170 px of labels, 200 px of cells (less a 4 px margin: 196)

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(WIDTH);
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({ left: 0, top: 0, right: WIDTH, bottom: 100, width: WIDTH, height: 100, x: 0, y: 0, toJSON: () => ({}) });
});
afterEach(() => vi.restoreAllMocks());

/** Two GPUs × 98 minutes from t = 6000 s: row 0 counts up, row 1 has no data in its first half. */
const data = (): HeatmapData => {
  const columns = 98;
  const values = new Uint8Array(2 * columns);
  for (let c = 0; c < columns; c++) {
    values[c] = c;
    values[columns + c] = c < 49 ? NO_DATA : 100;
  }
  return { rows: ['node-a / GPU 0', 'node-a / GPU 1'], start: 6000, step: 60, values };
};

const canvas = () => screen.getByRole('img');
// Cells start at x = 170 and y = 22; rows are 18 px tall; each column is 2 px wide.
const at = (column: number, row: number) => ({ clientX: 170 + column * 2 + 1, clientY: 22 + row * 18 + 5 });

describe('Heatmap', () => {
  it('names the row, time and value under the mouse', () => {
    render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={data()} />);
    expect(screen.getByRole('figure', { name: 'Utilisation' })).toBeTruthy();
    fireEvent.mouseMove(canvas(), at(10, 0));
    const tip = screen.getByRole('tooltip');
    expect(tip.textContent).toContain('node-a / GPU 0');
    expect(tip.textContent).toContain(new Date((6000 + 600) * 1000).toLocaleString());
    expect(tip.textContent).toContain('GPU utilisation: 10%');
    fireEvent.mouseMove(canvas(), at(3, 1));
    expect(screen.getByRole('tooltip').textContent).toContain('GPU utilisation: no data');
    fireEvent.mouseMove(canvas(), { clientX: 20, clientY: 30 });
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('zooms in on the columns dragged over and resets to the whole range', async () => {
    const onZoom = vi.fn();
    render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={data()} onZoom={onZoom} />);
    fireEvent.mouseDown(canvas(), { ...at(20, 0), button: 0 });
    fireEvent.mouseMove(canvas(), at(39, 1));
    fireEvent.mouseUp(canvas(), at(39, 1));
    expect(onZoom).toHaveBeenLastCalledWith({ start: 6000 + 20 * 60, end: 6000 + 40 * 60 });
    // The view now spans columns 20–39: the cell at the left edge is column 20.
    fireEvent.mouseMove(canvas(), { clientX: 171, clientY: 27 });
    expect(screen.getByRole('tooltip').textContent).toContain('GPU utilisation: 20%');
    await userEvent.click(screen.getByRole('button', { name: 'Reset zoom' }));
    expect(onZoom).toHaveBeenLastCalledWith(null);
    expect(screen.queryByRole('button', { name: 'Reset zoom' })).toBeNull();
  });

  it('takes a click for a click, not a zoom', () => {
    const onZoom = vi.fn();
    render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={data()} onZoom={onZoom} />);
    fireEvent.mouseDown(canvas(), { ...at(20, 0), button: 0 });
    fireEvent.mouseUp(canvas(), at(20, 0));
    expect(onZoom).not.toHaveBeenCalled();
  });

  it('shows new data whole, dropping the zoom of the old', () => {
    const onZoom = vi.fn();
    const { rerender } = render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={data()} onZoom={onZoom} />);
    fireEvent.mouseDown(canvas(), { ...at(20, 0), button: 0 });
    fireEvent.mouseUp(canvas(), at(39, 0));
    expect(screen.getByRole('button', { name: 'Reset zoom' })).toBeTruthy();
    rerender(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={data()} onZoom={onZoom} />);
    expect(screen.queryByRole('button', { name: 'Reset zoom' })).toBeNull();
  });

  it('gives the legend’s no-data swatch the colour the cells are painted with', () => {
    const { container } = render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={data()} />);
    const [r, g, b] = parseHex(NO_DATA_COLOR);
    expect((container.querySelector('.heatmap-nodata') as HTMLElement).style.background).toBe(`rgb(${r}, ${g}, ${b})`);
  });

  it('keeps the canvas to the visible height for ten thousand GPUs and reads the scrolled rows under the mouse', async () => {
    vi.spyOn(window, 'devicePixelRatio', 'get').mockReturnValue(2);
    const rows = Array.from({ length: 10_000 }, (_, i) => `node-${i >> 3} / GPU ${i % 8}`);
    const values = new Uint8Array(rows.length * 2).map((_, i) => (i >> 1) % 100);
    const { container } = render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={{ rows, start: 6000, step: 60, values }} />);
    // Two pixels a row: 20,022 px of rows scroll in a body; the canvas is the visible part only.
    expect((container.querySelector('.heatmap-rows') as HTMLElement).style.height).toBe('20022px');
    expect(canvas().style.height).toBe(`${MAX_VISIBLE_HEIGHT}px`);
    await waitFor(() => expect((canvas() as HTMLCanvasElement).height).toBe(MAX_VISIBLE_HEIGHT * 2));
    const body = container.querySelector('.heatmap-body') as HTMLElement;
    fireEvent.scroll(body, { target: { scrollTop: 10_000 } });
    // 30 px down the canvas is 8 px into the rows, plus 10,000 scrolled: row 5,004.
    fireEvent.mouseMove(canvas(), { clientX: 171, clientY: 30 });
    expect(screen.getByRole('tooltip').textContent).toContain(rows[5004]);
    expect(screen.getByRole('tooltip').textContent).toContain(`GPU utilisation: ${5004 % 100}%`);
    // The time axis at the canvas top stays an axis, not a row.
    fireEvent.mouseMove(canvas(), { clientX: 171, clientY: 10 });
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('says when there is nothing to draw', () => {
    render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={{ rows: [], start: 0, step: 60, values: new Uint8Array(0) }} />);
    expect(screen.getByText('No samples in this range.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save Utilisation as PNG' })).toHaveProperty('disabled', true);
  });
});
