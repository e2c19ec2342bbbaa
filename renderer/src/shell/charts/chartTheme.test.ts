import { afterEach, describe, expect, it } from 'vitest';
import { chartColors } from './chartTheme';
import { parseHex, scaleColor } from './heatmapData';

/** WCAG relative luminance of an sRGB colour. */
const luminance = ([r, g, b]: readonly number[]) => {
  const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const contrast = (a: readonly number[], b: readonly number[]) => {
  const [lo, hi] = [luminance(a), luminance(b)].sort((x, y) => x - y);
  return (hi + 0.05) / (lo + 0.05);
};

afterEach(() => document.documentElement.removeAttribute('style'));

describe('chartColors', () => {
  it.each(['light', 'dark'] as const)('gives the heatmap a no-data colour apart from idle and busy in the %s theme', (theme) => {
    // The dark theme's raised surface is as dark as viridis's 0%: it must not be what "no data" reads.
    document.documentElement.style.setProperty('--surface-2', theme === 'dark' ? '#1f2731' : '#eef1f5');
    const empty = parseHex(chartColors(theme).empty);
    expect(contrast(empty, scaleColor(0))).toBeGreaterThanOrEqual(3);
    expect(contrast(empty, scaleColor(100))).toBeGreaterThanOrEqual(3);
  });
});
