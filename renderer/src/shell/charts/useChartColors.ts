import { useSyncExternalStore } from 'react';
import { effectiveTheme, useTheme, type Theme } from '../theme';
import { chartColors, type ChartColors } from './chartTheme';

// The shell sets <html data-theme> in an effect that runs after its children's: charts follow the attribute, not the store.
const subscribe = (onChange: () => void) => {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
};

let cached: { key: string; colors: ChartColors } | undefined;

function snapshot(fallback: Theme): ChartColors {
  const attribute = document.documentElement.dataset.theme;
  const theme: Theme = attribute === 'dark' || attribute === 'light' ? attribute : fallback;
  const key = `${attribute ?? ''}/${theme}`;
  if (cached?.key !== key) cached = { key, colors: chartColors(theme) };
  return cached.colors;
}

/** The chart colours of the theme on screen, changing when it does. */
export function useChartColors(): ChartColors {
  const fallback = useTheme(effectiveTheme);
  return useSyncExternalStore(subscribe, () => snapshot(fallback));
}
