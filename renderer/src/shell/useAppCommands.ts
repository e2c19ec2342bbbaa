import { useEffect } from 'react';
import { getBridge } from '../api/client';
import type { Registry } from './feature';
import { useUi } from './uiStore';

/** Performs what the application menu asks for (`app.command`), with the handler a feature registered for it. */
export function useAppCommands(registry: Registry): void {
  useEffect(() => getBridge().events['app.command'](({ command }) => registry.appCommands[command]()), [registry]);
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
