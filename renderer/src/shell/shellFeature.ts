import type { Feature, PaletteCommand } from './feature';
import { useTheme } from './theme';
import { useUi } from './uiStore';

const toggleTheme = () => useTheme.getState().toggle();
const themeCommands: readonly PaletteCommand[] = [{ id: 'toggle-theme', title: 'Toggle theme', run: toggleTheme }];

/** The frame's own commands: the palette and the theme. */
export const shellFeature: Feature<never, never, 'open-palette' | 'toggle-theme'> = {
  id: 'shell',
  usePaletteCommands: () => themeCommands,
  appCommands: {
    'open-palette': () => useUi.getState().openPalette(),
    'toggle-theme': toggleTheme,
  },
};
