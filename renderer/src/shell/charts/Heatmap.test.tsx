import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heatmap } from './Heatmap';
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

  it('says when there is nothing to draw', () => {
    render(<Heatmap title="Utilisation" valueLabel="GPU utilisation" data={{ rows: [], start: 0, step: 60, values: new Uint8Array(0) }} />);
    expect(screen.getByText('No samples in this range.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save Utilisation as PNG' })).toHaveProperty('disabled', true);
  });
});
