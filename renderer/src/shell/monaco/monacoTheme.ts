import type { Theme } from '../theme';
import type { Monaco } from './loadMonaco';

const THEME_NAMES: Record<Theme, string> = { light: 'pilothouse-light', dark: 'pilothouse-dark' };

/**
 * Shows every editor in the app's theme (Monaco's theme is global): the light
 * or dark base, on a transparent background so the editor takes its
 * container's `--surface` like any other panel.
 */
export function applyMonacoTheme(monaco: Monaco, theme: Theme): void {
  const transparent = '#00000000';
  monaco.editor.defineTheme(THEME_NAMES[theme], {
    base: theme === 'dark' ? 'vs-dark' : 'vs',
    inherit: true,
    rules: [],
    colors: { 'editor.background': transparent, 'editorGutter.background': transparent },
  });
  monaco.editor.setTheme(THEME_NAMES[theme]);
}
