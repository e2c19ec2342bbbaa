import type { Theme } from '../theme';

/** The colours a chart draws with, read from the app's CSS variables so light and dark match the rest of the UI. */
export interface ChartColors {
  theme: Theme;
  background: string;
  text: string;
  muted: string;
  grid: string;
  accent: string;
  /** Where a heatmap has no sample: {@link NO_DATA_COLOR}. */
  empty: string;
}

/**
 * A heatmap cell without a sample, in both themes: a neutral mid grey, at
 * least 3:1 against both ends of the viridis scale (a surface colour would
 * read as idle in the dark theme) and apart from its middle by hue.
 */
export const NO_DATA_COLOR = '#787878';

const FALLBACK: Record<Theme, Omit<ChartColors, 'theme' | 'empty'>> = {
  light: { background: '#ffffff', text: '#1b2430', muted: '#5b6673', grid: '#d5dbe3', accent: '#1f6feb' },
  dark: { background: '#161c24', text: '#e4e9f0', muted: '#97a3b0', grid: '#2d3744', accent: '#4c8dff' },
};

/**
 * The chart colours of `theme` as the stylesheet sets them on `<html>` now
 * (call after the theme was applied); the stylesheet's own values where a
 * variable is missing (tests, a stylesheet not loaded yet).
 */
export function chartColors(theme: Theme, root: Element = document.documentElement): ChartColors {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const f = FALLBACK[theme];
  return {
    theme,
    background: read('--surface', f.background),
    text: read('--text', f.text),
    muted: read('--muted', f.muted),
    grid: read('--border', f.grid),
    accent: read('--accent', f.accent),
    empty: NO_DATA_COLOR,
  };
}

/** Ten colours people tell apart (Tableau 10), for the first series. */
const CATEGORICAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/**
 * Series `index`'s line colour: the categorical ten first, then hues a golden
 * angle apart, so a thousand series stay as distinct as they can be and a
 * series keeps its colour when others are added after it.
 */
export function seriesColor(index: number, theme: Theme): string {
  if (index < CATEGORICAL.length) return CATEGORICAL[index];
  const hue = Math.round((index * 137.508) % 360);
  return theme === 'dark' ? `hsl(${hue} 65% 62%)` : `hsl(${hue} 60% 42%)`;
}
