import { useEffect } from 'react';
import { getBridge } from '../api/client';
import { navigate } from './routes';
import { useTheme } from './theme';
import { useUi } from './uiStore';

/** Performs what the application menu asks for (`app.command`). */
export function useAppCommands(): void {
  useEffect(
    () =>
      getBridge().events['app.command'](({ command }) => {
        switch (command) {
          case 'import-kubeconfig':
            return useUi.getState().openDialog('import-kubeconfig');
          case 'open-palette':
            return useUi.getState().openPalette();
          case 'toggle-theme':
            return useTheme.getState().toggle();
          case 'go-connections':
            return navigate('connections');
          case 'go-audit':
            return navigate('audit');
        }
      }),
    [],
  );
}

/**
 * Ctrl/Cmd+K opens the palette. It only opens: in the desktop app the menu's
 * accelerator may deliver the same keystroke as `app.command` as well.
 */
export function usePaletteShortcut(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        useUi.getState().openPalette();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
