import { act, render, screen, waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import userEvent from '@testing-library/user-event';
import type uPlot from 'uplot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seriesColor } from './chartTheme';
import { barPad, TimeSeriesChart } from './TimeSeriesChart';
import type { TimeSeriesData } from './timeSeries';

// jsdom has no 2D canvas: uPlot is replaced by a recorder, so these tests check
// how the chart drives it (create once, setData, zoom, legend), not pixels.
const { plots, barsOpts, FakePlot } = vi.hoisted(() => {
  const plots: FakePlot[] = [];
  const barsOpts: uPlot.Series.BarsPathBuilderOpts[] = [];
  class FakePlot {
    opts: uPlot.Options;
    data: uPlot.AlignedData;
    destroyed = false;
    setDataCalls: [uPlot.AlignedData, boolean | undefined][] = [];
    scales: Record<string, { min?: number; max?: number }> = { x: {} };
    cursor: { idx?: number | null } = {};
    select = { left: 0, width: 0, top: 0, height: 0 };
    series: unknown[];
    ctx = { canvas: document.createElement('canvas') };
    constructor(opts: uPlot.Options, data: uPlot.AlignedData) {
      this.opts = opts;
      this.data = data;
      this.series = opts.series;
      this.scales.x = { min: data[0][0], max: data[0][data[0].length - 1] };
      plots.push(this);
    }
    hook<K extends keyof uPlot.Hooks.Defs>(name: K, ...args: unknown[]) {
      const hooks = this.opts.hooks?.[name] as ((...a: unknown[]) => void)[] | undefined;
      hooks?.forEach((h) => h(this, ...args));
    }
    setData(data: uPlot.AlignedData, reset?: boolean) {
      this.data = data;
      this.setDataCalls.push([data, reset]);
    }
    setScale(key: string, scale: { min: number; max: number }) {
      this.scales[key] = scale;
      this.hook('setScale', key);
    }
    setSize() {}
    setSelect(select: { left: number; width: number; top: number; height: number }) {
      this.select = select;
    }
    posToVal(px: number) {
      return px * 10;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return { plots, barsOpts, FakePlot };
});
type FakePlot = InstanceType<typeof FakePlot>;
const { savePng } = vi.hoisted(() => ({ savePng: vi.fn((_source: unknown, _style: unknown) => Promise.resolve()) }));
vi.mock('./png', () => ({ savePng }));
vi.mock('uplot', () => ({
  default: Object.assign(FakePlot, {
    paths: {
      bars: (o: uPlot.Series.BarsPathBuilderOpts) => {
        barsOpts.push(o);
        return () => null;
      },
    },
    tzDate: (date: Date, tz: string) => Object.assign(new Date(date), { tz }),
  }),
}));

const series = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ key: `gpu-${i}`, label: `node-${i >> 3} / GPU ${i % 8}`, values: [i + offset, i * 2 + offset] }));
const data = (n: number, offset = 0): TimeSeriesData => ({ times: [1000, 1060], series: series(n, offset) });

beforeEach(() => {
  plots.length = 0;
  barsOpts.length = 0;
});

/** Renders a chart and waits for its plot: uPlot is loaded on first use. */
async function renderChart(ui: ReactElement) {
  const before = plots.length;
  const result = render(ui);
  await waitFor(() => expect(plots.length).toBe(before + 1));
  return result;
}
afterEach(() => vi.restoreAllMocks());

describe('TimeSeriesChart', () => {
  it('creates the plot once and hands new values of the same series to setData', async () => {
    const { rerender } = await renderChart(<TimeSeriesChart title="GPU utilisation" unit="%" data={data(3)} />);
    expect(plots).toHaveLength(1);
    expect(screen.getByRole('figure', { name: 'GPU utilisation' })).toBeTruthy();
    rerender(<TimeSeriesChart title="GPU utilisation" unit="%" data={data(3, 50)} />);
    rerender(<TimeSeriesChart title="GPU utilisation" unit="%" data={data(3, 60)} />);
    expect(plots).toHaveLength(1);
    expect(plots[0].setDataCalls).toHaveLength(2);
    expect(plots[0].setDataCalls[1][0][1]).toEqual([60, 60]);
    // Not zoomed: the scales follow the new data.
    expect(plots[0].setDataCalls[1][1]).toBe(true);
  });

  it('re-creates the plot when the series change, destroying the old one', async () => {
    const { rerender, unmount } = await renderChart(<TimeSeriesChart title="t" data={data(3)} />);
    rerender(<TimeSeriesChart title="t" data={data(4)} />);
    await waitFor(() => expect(plots).toHaveLength(2));
    expect(plots[0].destroyed).toBe(true);
    expect(plots[1].opts.series).toHaveLength(5);
    unmount();
    expect(plots[1].destroyed).toBe(true);
  });

  it('keeps a thousand series out of the DOM: a few legend rows and a count', async () => {
    await renderChart(<TimeSeriesChart title="t" data={data(1000)} legendRows={8} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(8);
    expect(screen.getByText(/\+992 more/)).toBeTruthy();
    // The highest value at the last time comes first.
    expect(screen.getAllByRole('listitem')[0].textContent).toContain('node-124 / GPU 7');
    expect(plots[0].opts.cursor?.points?.show).toBe(false);
    // No dimming redraw per hover at this size.
    expect(plots[0].opts.focus?.alpha).toBe(1);
  });

  it('shows the hovered series and time in the legend', async () => {
    await renderChart(<TimeSeriesChart title="t" data={data(20)} legendRows={3} unit="W" />);
    const plot = plots[0];
    plot.cursor.idx = 0;
    act(() => plot.hook('setCursor'));
    act(() => plot.hook('setSeries', 6, { focus: true }));
    const rows = screen.getAllByRole('listitem');
    expect(rows[0].className).toBe('focused');
    expect(rows[0].textContent).toContain('node-0 / GPU 5');
    expect(rows[0].textContent).toContain('5 W');
    expect(screen.getByText(new Date(1000_000).toLocaleString())).toBeTruthy();
    act(() => plot.hook('setSeries', null, { focus: false }));
    expect(screen.getAllByRole('listitem')[0].className).toBe('');
  });

  it('tells the caller the dragged range, offers a reset, and keeps the zoom when data arrives', async () => {
    const onZoom = vi.fn();
    const { rerender } = await renderChart(<TimeSeriesChart title="t" data={data(2)} onZoom={onZoom} />);
    const plot = plots[0];
    plot.select = { left: 101, width: 20, top: 0, height: 10 };
    act(() => plot.hook('setSelect'));
    expect(onZoom).toHaveBeenLastCalledWith({ start: 1010, end: 1210 });
    expect(plot.scales.x).toEqual({ min: 1010, max: 1210 });
    expect(plot.select.width).toBe(0);
    const reset = screen.getByRole('button', { name: 'Reset zoom' });
    rerender(<TimeSeriesChart title="t" data={data(2, 5)} onZoom={onZoom} />);
    expect(plot.setDataCalls.at(-1)?.[1]).toBe(false);
    await userEvent.click(reset);
    expect(plot.scales.x).toEqual({ min: 1000, max: 1060 });
    expect(onZoom).toHaveBeenLastCalledWith(null);
    expect(screen.queryByRole('button', { name: 'Reset zoom' })).toBeNull();
  });

  it('takes data for the dragged range as the new whole, without reporting a reset', async () => {
    const onZoom = vi.fn();
    const { rerender } = await renderChart(<TimeSeriesChart title="t" data={data(2)} onZoom={onZoom} />);
    const plot = plots[0];
    plot.select = { left: 101, width: 20, top: 0, height: 10 };
    act(() => plot.hook('setSelect'));
    onZoom.mockClear();
    // The caller fetched 1010–1030: uPlot's scales reset to it.
    const fetched = { times: [1010, 1030], series: series(2) };
    plot.setData = (d: uPlot.AlignedData, reset?: boolean) => {
      plot.setDataCalls.push([d, reset]);
      if (reset) plot.setScale('x', { min: 1010, max: 1030 });
    };
    rerender(<TimeSeriesChart title="t" data={fetched} onZoom={onZoom} />);
    expect(plot.setDataCalls.at(-1)?.[1]).toBe(true);
    expect(onZoom).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Reset zoom' })).toBeNull();
  });

  it('stacks bars and names the hovered bar by its own series', async () => {
    await renderChart(<TimeSeriesChart title="Spend" mode="bars" stacked data={data(3)} legendRows={3} />);
    const plot = plots[0];
    // In series order, each the end of its segment.
    expect(plot.data[1]).toEqual([0, 0]);
    expect(plot.data[3]).toEqual([3, 6]);
    act(() => plot.hook('setSeries', 1, { focus: true }));
    expect(screen.getAllByRole('listitem')[0].textContent).toContain('node-0 / GPU 0');
  });

  it('draws each stacked segment from its own base, a refund below zero', async () => {
    const bill: TimeSeriesData = {
      times: [0, 86_400],
      series: [
        { key: 'ec2', label: 'EC2', values: [100, 100] },
        { key: 'refund', label: 'Refund', values: [-40, 0] },
        { key: 'net', label: 'Net', values: [60, 100], line: true },
      ],
    };
    await renderChart(<TimeSeriesChart title="Spend" mode="bars" stacked data={bill} />);
    const plot = plots[0] as unknown as uPlot;
    const disp = barsOpts[0].disp!;
    expect(disp.y1!.values(plot, 1, 0, 1)).toEqual([100, 100]);
    expect(disp.y0!.values(plot, 1, 0, 1)).toEqual([0, 0]);
    // The refund spans 0 → −40, not hidden under EC2's bar; day two's zero refund sits on top.
    expect(disp.y1!.values(plot, 2, 0, 1)).toEqual([-40, 100]);
    expect(disp.y0!.values(plot, 2, 0, 1)).toEqual([0, 100]);
    // The net is a line, not a bar.
    expect(plots[0].opts.series[3].paths).toBeUndefined();
    const yRange = plots[0].opts.scales!.y.range as (u: uPlot, min: number, max: number) => [number, number];
    expect(yRange(plot, -40, 100)).toEqual([-40, 100]);
    expect(yRange(plot, -40, -10)).toEqual([-40, 0]);
  });

  it('pads bars by half a step of the latest data, not of the data the plot was made with', async () => {
    const { rerender } = await renderChart(<TimeSeriesChart title="Spend" mode="bars" data={{ times: [0, 86_400], series: series(1) }} />);
    rerender(<TimeSeriesChart title="Spend" mode="bars" data={{ times: [0, 3_600, 7_200], series: [{ key: 'gpu-0', label: 'node-0 / GPU 0', values: [1, 2, 3] }] }} />);
    expect(plots).toHaveLength(1);
    const xRange = plots[0].opts.scales!.x.range as (u: uPlot, min: number, max: number) => [number, number];
    expect(xRange(plots[0] as unknown as uPlot, 0, 7_200)).toEqual([-1_800, 9_000]);
  });

  it('shows UTC days as their dates west of UTC too', async () => {
    vi.stubEnv('TZ', 'America/Los_Angeles');
    try {
      const day = Date.UTC(2026, 10, 30) / 1000;
      await renderChart(<TimeSeriesChart title="Spend" mode="bars" timeZone="UTC" data={{ times: [day], series: series(1) }} />);
      const utcDate = new Date(day * 1000).toLocaleDateString(undefined, { timeZone: 'UTC' });
      expect(new Date(day * 1000).toLocaleDateString()).not.toBe(utcDate);
      expect(screen.getByText(utcDate)).toBeTruthy();
      expect(screen.getByRole('img').getAttribute('aria-label')).toContain(`from ${utcDate} to ${utcDate}`);
      const tzDate = plots[0].opts.tzDate!(day) as Date & { tz: string };
      expect(tzDate.tz).toBe('Etc/UTC');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('shows local times and leaves uPlot its local dates without a time zone', async () => {
    await renderChart(<TimeSeriesChart title="t" data={data(1)} />);
    expect(plots[0].opts.tzDate).toBeUndefined();
    expect(screen.getByText(new Date(1_060_000).toLocaleString())).toBeTruthy();
  });

  it('takes a drag shorter than a few pixels as a click, and zooms at least three steps', async () => {
    const onZoom = vi.fn();
    await renderChart(<TimeSeriesChart title="t" data={{ times: [1000, 1060, 1120, 1180, 1240], series: series(1).map((s) => ({ ...s, values: [1, 2, 3, 4, 5] })) }} onZoom={onZoom} />);
    const plot = plots[0];
    expect(plot.opts.cursor?.drag).toMatchObject({ dist: 8, setScale: false });
    plot.select = { left: 110, width: 1, top: 0, height: 10 };
    act(() => plot.hook('setSelect'));
    expect(onZoom).not.toHaveBeenCalled();
    // 110–120 px is 1100–1200 s: widened about its middle to 3 × 60 s.
    plot.select = { left: 110, width: 10, top: 0, height: 10 };
    act(() => plot.hook('setSelect'));
    expect(onZoom).toHaveBeenLastCalledWith({ start: 1060, end: 1240 });
    expect(plot.scales.x).toEqual({ min: 1060, max: 1240 });
  });

  it('saves a multi-series chart with the legend’s rows and a count of the rest, and a single series without', async () => {
    savePng.mockClear();
    const { unmount } = await renderChart(<TimeSeriesChart title="t" data={data(12)} legendRows={3} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save t as PNG' }));
    const style = savePng.mock.calls[0][1] as { legend: { rows: { label: string; color: string }[]; hidden: number } };
    expect(style.legend.rows.map((r) => r.label)).toEqual(['node-1 / GPU 3', 'node-1 / GPU 2', 'node-1 / GPU 1']);
    expect(style.legend.rows[0].color).toBe(seriesColor(11, 'light'));
    expect(style.legend.hidden).toBe(9);
    unmount();
    await renderChart(<TimeSeriesChart title="one" data={data(1)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save one as PNG' }));
    expect(savePng.mock.calls[1][1]).not.toHaveProperty('legend');
  });

  it('pads bars by half a step so the first and last are whole', () => {
    expect(barPad([0, 86_400, 172_800])).toBe(43_200);
    expect(barPad([0, 60, 180])).toBe(30);
    expect(barPad([100])).toBe(43_200);
    expect(barPad([])).toBe(43_200);
  });

  it('says there is nothing to draw instead of drawing an empty plot', () => {
    render(<TimeSeriesChart title="t" data={{ times: [], series: [] }} />);
    expect(plots).toHaveLength(0);
    expect(screen.getByText('No samples in this range.')).toBeTruthy();
  });
});
