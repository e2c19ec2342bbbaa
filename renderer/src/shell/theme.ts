import { useEffect } from 'react';
import { create } from 'zustand';
import { readSetting, writeSetting } from './storage';

/** A colour theme. */
export type Theme = 'light' | 'dark';

const THEME_KEY = 'pilothouse.theme';
const darkQuery = () => window.matchMedia?.('(prefers-color-scheme: dark)');

interface ThemeState {
  /** What the user chose with the toggle; null follows the system setting. */
  chosen: Theme | null;
  systemDark: boolean;
  toggle(): void;
}

/** The theme the UI shows: the user's choice, else the system's. */
export const effectiveTheme = (s: Pick<ThemeState, 'chosen' | 'systemDark'>): Theme => s.chosen ?? (s.systemDark ? 'dark' : 'light');

/** Theme state as it starts: the stored choice, and the system preference right now. */
export function initialThemeState(): Pick<ThemeState, 'chosen' | 'systemDark'> {
  const stored = readSetting(THEME_KEY);
  return { chosen: stored === 'light' || stored === 'dark' ? stored : null, systemDark: darkQuery()?.matches ?? false };
}

/** Light/dark theme: follows `prefers-color-scheme` until toggled; the toggle persists. */
export const useTheme = create<ThemeState>()((set, get) => ({
  ...initialThemeState(),
  toggle() {
    const next: Theme = effectiveTheme(get()) === 'dark' ? 'light' : 'dark';
    writeSetting(THEME_KEY, next);
    set({ chosen: next });
  },
}));

/** Puts the theme on `<html data-theme>` and tracks system changes while no choice is stored. */
export function useApplyTheme(): void {
  const theme = useTheme(effectiveTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const query = darkQuery();
    if (!query) return;
    const onChange = (e: MediaQueryListEvent) => useTheme.setState({ systemDark: e.matches });
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
}
